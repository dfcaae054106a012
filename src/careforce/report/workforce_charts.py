"""The workforce report's charts, drawn only from values the tables publish.

With disclosure control on, a staff group whose row has a hidden cell is left out of the age chart,
and a hidden rate is left out of a bar chart, so no chart shows what a table hides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import polars as pl

from careforce.report.charts import Chart, age_profile_chart, bar_chart
from careforce.report.format import fmt_percent
from careforce.report.labels import age_band_label, staff_group_label
from careforce.report.tables import TableView
from careforce.results.ages import AGE_BAND_LABELS, UNKNOWN_AGE
from careforce.results.workforce import WorkforceSummary


def _published(table: TableView, key: str, column: int) -> bool:
    row = table.total if key == "total" else table.row(key)
    return row is not None and not row.cells[column].suppressed


def age_chart(s: WorkforceSummary, age_table: TableView) -> tuple[Chart | None, int]:
    """The age mix of each staff group whose row is fully published; and how many were left out."""
    bands = [b for b in (*AGE_BAND_LABELS, UNKNOWN_AGE) if age_band_label(b) in age_table.columns]
    groups, shares = [], []
    left_out = 0
    for group in s.retirement["staff_group"].to_list():
        row = age_table.row(group)
        if row is None:
            continue
        if row.any_suppressed:
            left_out += 1
            continue
        counts = s.age_profile.filter(pl.col("staff_group") == group)
        by_band = dict(
            zip(counts["age_band"].to_list(), counts["headcount"].to_list(), strict=True)
        )
        total = sum(by_band.get(b, 0) for b in bands)
        if total == 0:
            continue
        groups.append(staff_group_label(group))
        shares.append([by_band.get(b, 0) / total for b in bands])
    if not groups:
        return None, left_out
    older = [sum(row[i] for i, b in enumerate(bands) if b in ("55-64", "65+")) for row in shares]
    oldest = max(range(len(groups)), key=lambda i: older[i])
    description = (
        f"Stacked bars of the share of each staff group's headcount in each age band "
        f"({', '.join(age_band_label(b) for b in bands)}). The staff group with the largest share "
        f"aged 55 and over is {groups[oldest]} ({fmt_percent(older[oldest])})."
    )
    chart = age_profile_chart(
        "chart-age",
        groups,
        [(b, age_band_label(b)) for b in bands],
        shares,
        title="Age profile by staff group",
        description=description,
    )
    if left_out:
        note = f"{left_out} staff group{'s' if left_out != 1 else ''} with a hidden value in the "
        note += "table below " + ("is" if left_out == 1 else "are") + " left out of the chart."
        chart = replace(chart, note=note)
    return chart, left_out


def _values(
    table: TableView, keys: Sequence[str], column: int, frame: pl.DataFrame, key: str, value: str
) -> list[float | None]:
    lookup = dict(zip(frame[key].to_list(), frame[value].to_list(), strict=True))
    return [lookup.get(k) if _published(table, k, column) else None for k in keys]


HIDDEN_NOTE = "Values hidden in the table (*) are left out of the chart."


def _noted(chart: Chart, *series: Sequence[float | None]) -> Chart:
    """The chart with a note when a hidden value was left out of it."""
    if any(v is None for values in series for v in values):
        return replace(chart, note=HIDDEN_NOTE)
    return chart


def _extreme(labels: Sequence[str], values: Sequence[float | None]) -> str:
    pairs = [(v, label) for label, v in zip(labels, values, strict=True) if v is not None]
    if not pairs:
        return "No values are published."
    high, low = max(pairs), min(pairs)
    return f"Highest: {high[1]} ({fmt_percent(high[0])}); lowest: {low[1]} ({fmt_percent(low[0])})."


def retirement_chart(s: WorkforceSummary, table: TableView) -> Chart | None:
    keys = [r.key for r in table.rows]
    if not keys:
        return None
    share_55 = _values(table, keys, 2, s.retirement, "staff_group", "share_55_plus")
    share_10 = _values(table, keys, 4, s.retirement, "staff_group", "share_retiring_10y")
    if all(v is None for v in (*share_55, *share_10)):
        return None
    labels = [staff_group_label(k) for k in keys]
    chart = bar_chart(
        "chart-retirement",
        labels,
        {"Aged 55 and over": share_55, "Due to retire within 10 years": share_10},
        title="Staff aged 55+ and due to retire within ten years, by staff group",
        description=(
            "Bars of the share of each staff group aged 55 and over, beside the expected share "
            f"retiring within ten years. Due to retire: {_extreme(labels, share_10)}"
        ),
    )
    return _noted(chart, share_55, share_10)


def flows_chart(s: WorkforceSummary, table: TableView) -> Chart | None:
    years = [r.key for r in table.rows]
    if not years:
        return None
    leaver = _values(table, years, 3, s.flows_overall, "year", "leaver_rate")
    joiner = _values(table, years, 5, s.flows_overall, "year", "joiner_rate")
    if all(v is None for v in (*leaver, *joiner)):
        return None
    described = "; ".join(
        f"{y}: leavers {fmt_percent(a)}, joiners {fmt_percent(b)}"
        for y, a, b in zip(years, leaver, joiner, strict=True)
    )
    chart = bar_chart(
        "chart-flows",
        years,
        {"Leaver rate": leaver, "Joiner rate": joiner},
        title="Leaver and joiner rates of the whole workforce by year",
        description=f"Grouped bars of the leaver and joiner rate in each year. {described}.",
        horizontal=False,
    )
    return _noted(chart, leaver, joiner)


def vacancy_chart(s: WorkforceSummary, table: TableView) -> Chart | None:
    keys = [r.key for r in table.rows]
    rates = _values(table, keys, 2, s.vacancies_by_staff_group, "staff_group", "vacancy_rate")
    if not any(v is not None for v in rates):
        return None
    labels = [staff_group_label(k) for k in keys]
    chart = bar_chart(
        "chart-vacancies",
        labels,
        {"Vacancy rate": rates},
        title="Vacancy rate by staff group",
        description=f"Bars of the vacancy rate of each staff group. {_extreme(labels, rates)}",
    )
    return _noted(chart, rates)

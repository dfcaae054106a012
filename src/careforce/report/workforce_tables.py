"""The workforce report's tables, built from a `WorkforceSummary` with disclosure control applied.

Counts of people go through `suppress_table`; FTE, hours, shares and rates over people are hidden
with the count they rest on, and a rate or share is also hidden where its numerator (or, for a
share of a published headcount, the people outside it) is 1 to 4 people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from careforce.report.format import MISSING, fmt_fte, fmt_percent
from careforce.report.labels import age_band_label, sector_label, staff_group_label, year_label
from careforce.report.tables import (
    Cell,
    RowView,
    TableView,
    cell,
    count_measure_table,
    crosstab_table,
    table_note,
)
from careforce.results.ages import AGE_BAND_LABELS, UNKNOWN_AGE
from careforce.results.disclosure import (
    SUPPRESSED,
    rate_is_disclosive,
    suppress_linked,
    suppress_table,
)
from careforce.results.workforce import WorkforceSummary

FTE_NOTE = "FTE beside a hidden headcount is hidden too."


def _mapping(frame: pl.DataFrame, key: str, value: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in frame.select(key, value).rows()}


def workforce_tables(s: WorkforceSummary, threshold: int) -> list[TableView]:
    """Today's workforce by sector, staff group and area, and staff group by sector."""
    return [
        count_measure_table(
            table_id="by-sector",
            caption="Staff in post by sector: headcount and FTE",
            frame=s.by_sector,
            key="sector",
            key_heading="Sector",
            labeller=sector_label,
            measure_format=fmt_fte,
            extra_note=FTE_NOTE,
            total_count=s.total_headcount,
            total_measure=s.total_fte,
            threshold=threshold,
        ),
        count_measure_table(
            table_id="by-staff-group",
            caption="Staff in post by staff group: headcount and FTE",
            frame=s.by_staff_group,
            key="staff_group",
            key_heading="Staff group",
            labeller=staff_group_label,
            measure_format=fmt_fte,
            extra_note=FTE_NOTE,
            total_count=s.total_headcount,
            total_measure=s.total_fte,
            threshold=threshold,
        ),
        count_measure_table(
            table_id="by-area",
            caption="Staff in post by local authority area: headcount and FTE",
            frame=s.by_area.select(pl.col("area").alias("area_name"), "headcount", "fte"),
            key="area_name",
            key_heading="Area",
            labeller=str,
            measure_format=fmt_fte,
            extra_note=FTE_NOTE,
            total_count=s.total_headcount,
            total_measure=s.total_fte,
            threshold=threshold,
        ),
        crosstab_table(
            table_id="group-by-sector",
            caption="Headcount by staff group and sector",
            long=s.by_staff_group_sector,
            row_key="staff_group",
            column_key="sector",
            column_order=s.by_sector["sector"].to_list(),
            row_labeller=staff_group_label,
            column_labeller=sector_label,
            row_heading="Staff group",
            row_totals=_mapping(s.by_staff_group, "staff_group", "headcount"),
            column_totals=_mapping(s.by_sector, "sector", "headcount"),
            grand_total=s.total_headcount,
            threshold=threshold,
        ),
    ]


def age_profile_table(s: WorkforceSummary, threshold: int) -> TableView:
    return crosstab_table(
        table_id="age-profile",
        caption="Headcount by staff group and age band on the census date",
        long=s.age_profile,
        row_key="staff_group",
        column_key="age_band",
        column_order=[*AGE_BAND_LABELS, UNKNOWN_AGE],
        row_labeller=staff_group_label,
        column_labeller=age_band_label,
        row_heading="Staff group",
        row_totals=_mapping(s.retirement, "staff_group", "headcount"),
        column_totals=_mapping(s.age_profile_overall, "age_band", "headcount"),
        grand_total=s.total_headcount,
        threshold=threshold,
    )


def retirement_table(s: WorkforceSummary, threshold: int) -> TableView:
    """Headcount, aged 55+, and the expected share retiring within ten years, by staff group.

    Aged 55+ and the rest (under 55 or age unknown) are protected as two columns adding up to the
    published headcount, so neither can be worked out from the other.
    """
    frame = s.retirement.with_columns((pl.col("headcount") - pl.col("aged_55_plus")).alias("rest"))
    table = suppress_table(
        frame.select("staff_group", "rest", "aged_55_plus"),
        ["rest", "aged_55_plus"],
        by_rows=True,
        totals=True,
        threshold=threshold,
        row_totals=frame["headcount"].to_list(),
        column_totals={
            "rest": s.total_headcount - s.aged_55_plus,
            "aged_55_plus": s.aged_55_plus,
        },
        grand_total=s.total_headcount,
    )
    records = [*frame.iter_rows(named=True)]
    overall = {
        "aged_55_plus": s.aged_55_plus,
        "headcount_known_age": s.headcount_known_age,
        "share_55_plus": s.share_55_plus,
        "expected_retirements_10y": s.expected_retirements_10y,
        "share_retiring_10y": s.share_retiring_10y,
    }
    expected = suppress_linked(
        table,
        "Total",
        [*(r["expected_retirements_10y"] for r in records), s.expected_retirements_10y],
        formatter=fmt_fte,
    )
    display = table.display.rows(named=True)
    hidden = table.mask.rows(named=True)
    rate_hidden = 0
    all_cells: list[tuple[Cell, ...]] = []
    for i, (shown, r) in enumerate(zip(display, [*records, overall], strict=True)):
        share_55 = fmt_percent(r["share_55_plus"])
        if hidden[i]["aged_55_plus"] or rate_is_disclosive(
            r["aged_55_plus"], r["headcount_known_age"], threshold=threshold, complement=True
        ):
            rate_hidden += 0 if hidden[i]["aged_55_plus"] else 1
            share_55 = SUPPRESSED
        share_retiring = fmt_percent(r["share_retiring_10y"])
        if hidden[i]["Total"] or 0 < r["headcount_known_age"] < threshold:
            share_retiring = SUPPRESSED
        all_cells.append(
            (
                cell(shown["Total"]),
                cell(shown["aged_55_plus"]),
                cell(share_55),
                cell(expected[i]),
                cell(share_retiring),
            )
        )
    keys = [str(r["staff_group"]) for r in records]
    rows = tuple(
        RowView(k, staff_group_label(k), c) for k, c in zip(keys, all_cells[:-1], strict=True)
    )
    total = RowView("total", "All staff", all_cells[-1])
    # Count only the hidden cells on show (the "rest" column protects, but is not printed).
    primary = secondary = 0
    for i, r in enumerate([*records, {**overall, "headcount": s.total_headcount}]):
        for column, value in (("Total", r["headcount"]), ("aged_55_plus", r["aged_55_plus"])):
            if hidden[i][column]:
                small = 0 < value < threshold
                primary += small
                secondary += not small
    return TableView(
        id="retirement",
        caption="Staff aged 55 and over, and expected retirements within ten years, by staff group",
        columns=(
            "Staff group",
            "Headcount",
            "Aged 55+",
            "Share aged 55+",
            "Expected retirements in 10 years",
            "Share due to retire in 10 years",
        ),
        rows=tuple(rows),
        total=total,
        note=table_note(primary + rate_hidden, secondary, threshold),
        primary=primary,
        secondary=secondary,
    )


def _rate_text(rate: float | None, numerator: int, mean: float, threshold: int) -> str:
    if rate is None:
        return MISSING
    if rate_is_disclosive(numerator, mean, threshold=threshold):
        return SUPPRESSED
    return fmt_percent(rate)


def rate_by_year_table(
    *,
    table_id: str,
    caption: str,
    flows: pl.DataFrame,
    overall: pl.DataFrame,
    key: str,
    key_heading: str,
    labeller: Callable[[str], str],
    rate: str,
    count: str,
    threshold: int,
) -> TableView:
    """One row per cell of `key`, one column per year of history, each a rate (hidden if small)."""
    years = overall["year"].to_list()
    keys = [str(k) for k in flows[key].unique(maintain_order=True).to_list()]
    lookup = {(str(r[key]), r["year"]): r for r in flows.iter_rows(named=True)}
    hidden = 0

    def text(r: dict[str, Any] | None) -> str:
        nonlocal hidden
        if r is None:
            return MISSING
        shown = _rate_text(r[rate], r[count], r["mean_headcount"], threshold)
        hidden += shown == SUPPRESSED
        return shown

    rows = tuple(
        RowView(k, labeller(k), tuple(cell(text(lookup.get((k, y)))) for y in years)) for k in keys
    )
    total = RowView(
        "total", "Whole workforce", tuple(cell(text(r)) for r in overall.iter_rows(named=True))
    )
    extra = "The whole workforce counts only moves out of (or into) it, not between groups."
    return TableView(
        id=table_id,
        caption=caption,
        columns=(key_heading, *(year_label(y) for y in years)),
        rows=rows,
        total=total,
        note=table_note(hidden, 0, threshold, extra),
        primary=hidden,
    )


def flows_overall_table(s: WorkforceSummary, threshold: int) -> TableView:
    """The whole workforce by year: headcounts, leavers, joiners, their rates, retirements."""
    counts = ["headcount_start", "headcount_end", "leavers", "joiners"]
    frame = s.flows_overall
    table = suppress_table(frame.select("year", *counts), counts, totals=False, threshold=threshold)
    rows = []
    for shown, r in zip(
        table.display.iter_rows(named=True), frame.iter_rows(named=True), strict=True
    ):
        leaver_rate = (
            SUPPRESSED if shown["leavers"] == SUPPRESSED else fmt_percent(r["leaver_rate"])
        )
        joiner_rate = (
            SUPPRESSED if shown["joiners"] == SUPPRESSED else fmt_percent(r["joiner_rate"])
        )
        retired = fmt_percent(r["retirement_share"])
        if rate_is_disclosive(r["retirements"], r["leavers"], threshold=threshold, complement=True):
            retired = SUPPRESSED
        cells = (
            cell(shown["headcount_start"]),
            cell(shown["headcount_end"]),
            cell(shown["leavers"]),
            cell(leaver_rate),
            cell(shown["joiners"]),
            cell(joiner_rate),
            cell(retired),
        )
        rows.append(RowView(str(r["year"]), year_label(str(r["year"])), cells))
    return TableView(
        id="flows-overall",
        caption="Leavers and joiners of the whole workforce by year",
        columns=(
            "Year",
            "Headcount at start",
            "Headcount at end",
            "Leavers",
            "Leaver rate",
            "Joiners",
            "Joiner rate",
            "Retirements, share of leavers",
        ),
        rows=tuple(rows),
        note=table_note(table.primary, table.secondary, threshold),
        primary=table.primary,
        secondary=table.secondary,
    )


def vacancy_table(
    s: WorkforceSummary,
    frame: pl.DataFrame,
    *,
    key: str,
    key_heading: str,
    labeller: Callable[[str], str],
    table_id: str,
    caption: str,
    threshold: int,
) -> TableView:
    """Vacant FTE, FTE in post and vacancy rate; FTE in post hidden where its headcount is small."""
    table = suppress_table(
        frame.select(key, "headcount_in_post"),
        ["headcount_in_post"],
        by_rows=False,
        totals=True,
        threshold=threshold,
        column_totals={"headcount_in_post": s.total_headcount},
    )
    fte = suppress_linked(
        table,
        "headcount_in_post",
        [*frame["fte_in_post"].to_list(), s.total_fte],
        formatter=fmt_fte,
    )
    rates = suppress_linked(
        table,
        "headcount_in_post",
        [*frame["vacancy_rate"].to_list(), s.vacancy_rate],
        formatter=fmt_percent,
    )
    vacant = [*frame["vacant_fte"].to_list(), s.vacant_fte]
    keys = [str(k) for k in frame[key].to_list()]
    rows = tuple(
        RowView(k, labeller(k), (cell(fmt_fte(vacant[i])), cell(fte[i]), cell(rates[i])))
        for i, k in enumerate(keys)
    )
    total = RowView("total", "Total", (cell(fmt_fte(s.vacant_fte)), cell(fte[-1]), cell(rates[-1])))
    return TableView(
        id=table_id,
        caption=caption,
        columns=(key_heading, "Vacant FTE", "FTE in post", "Vacancy rate"),
        rows=rows,
        total=total,
        note=table_note(
            table.primary,
            table.secondary,
            threshold,
            "FTE in post and the vacancy rate are hidden where fewer than "
            f"{threshold} people are in post."
            if table.primary + table.secondary
            else None,
        ),
        primary=table.primary,
        secondary=table.secondary,
    )


def volunteers_table(s: WorkforceSummary, threshold: int) -> TableView:
    return count_measure_table(
        table_id="volunteers-by-area",
        caption="Volunteers by local authority area: headcount and hours a week",
        frame=s.volunteers_by_area.select(
            pl.col("area").alias("area_name"), "headcount", "hours_per_week"
        ),
        key="area_name",
        key_heading="Area",
        labeller=str,
        total_count=s.volunteer_headcount,
        total_measure=s.volunteer_hours_per_week,
        measure="hours_per_week",
        measure_heading="Hours a week",
        measure_format=fmt_fte,
        threshold=threshold,
    )


__all__ = [
    "age_profile_table",
    "flows_overall_table",
    "rate_by_year_table",
    "retirement_table",
    "vacancy_table",
    "volunteers_table",
    "workforce_tables",
]

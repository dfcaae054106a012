"""The report section "Projected workforce": the staff in post the region will have, year by year.

Built from a supply projection (the census stock moved a year at a time by leaving, retirement,
returns, moves between roles, joiners and training completers, with ranges over runs) and the
back-test of the rates behind it. The report layer does not call services, so both are read
through protocols (`SupplyFigures`, `BacktestFigures`) that `careforce.services.supply.SupplyOutcome`
and `careforce.supply.backtest.Backtest` satisfy. The figures are projected counts of posts for the
region, its staff groups and areas, never for an organisation or a person, so no small-number
suppression applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import PurePath
from typing import Any, Protocol

import polars as pl

from careforce.report.charts import SERIES, Chart
from careforce.report.format import MISSING, fmt_count, fmt_date, fmt_percent
from careforce.report.labels import STAFF_GROUP_LABELS, staff_group_label
from careforce.report.ranges import group_by_area_table, rows_by_key
from careforce.report.supply_charts import (
    GROUP_COLOURS,
    fmt_amount,
    group_fan_charts,
    stacked_bars,
    total_fan_chart,
)
from careforce.report.supply_tables import (
    BacktestFigures,
    PeriodLike,
    backtest_line,
    backtest_table,
    fmt_change,
    fmt_range,
    period_years,
    statutory_table,
)
from careforce.report.tables import Cell, RowView, TableView
from careforce.results.supply_summary import SupplySummary

JOINER_SOURCES = (
    ("pipeline_joiners", "From training"),
    ("other_joiners", "Other joiners"),
    ("returners", "Returners"),
    ("international_joiners", "International recruits"),
)


class RatesBasis(Protocol):
    """What the lead says of the rates: the history they come from and the shrinkage strength."""

    @property
    def period(self) -> PeriodLike: ...
    @property
    def k(self) -> float: ...


class SupplyFigures(Protocol):
    """What the section reads from a supply projection."""

    @property
    def scenario(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def census_date(self) -> dt.date: ...
    @property
    def runs(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def rates(self) -> RatesBasis: ...
    @property
    def summary(self) -> SupplySummary: ...


@dataclass(frozen=True, slots=True)
class SupplySection:
    """What the template draws; the projection's parts are None without a projection, the
    back-test's without a back-test."""

    lead: str | None
    lines: tuple[str, ...]
    total_chart: Chart | None
    group_charts: Chart | None
    by_staff_group: tuple[TableView, ...]  # headcount, then FTE
    by_area: TableView | None
    group_area: TableView | None
    retirement_lead: str | None
    retirement_chart: Chart | None
    retirements: TableView | None
    pipeline_lead: str | None
    joiners_chart: Chart | None
    joiners: TableView | None
    programmes: TableView | None
    statutory: TableView | None
    statutory_note: str | None
    backtest: TableView | None
    backtest_line: str | None


def _group_order(codes: Sequence[str]) -> list[str]:
    """Staff groups in the report's usual order (the published NHS groups, then social care)."""
    rank = {code: i for i, code in enumerate(STAFF_GROUP_LABELS)}
    return sorted(dict.fromkeys(codes), key=lambda c: (rank.get(c, len(rank)), c))


def _totals(frame: pl.DataFrame) -> dict[int, dict[str, Any]]:
    return {int(r["year"]): r for r in frame.iter_rows(named=True)}


def _stock_table(
    *,
    table_id: str,
    caption: str,
    frame: pl.DataFrame,
    total: pl.DataFrame,
    key: str,
    key_heading: str,
    order: Sequence[str],
    labels: Mapping[str, str],
    base: int,
    last: int,
    total_label: str,
    measures: Sequence[str] = ("headcount", "fte"),
) -> TableView:
    """One row per group: each of `measures` at the census and in the last year, and the change
    (headcount and FTE side by side where the labels are short, one table each where not)."""
    at_base, at_last = rows_by_key(frame, key, base), rows_by_key(frame, key, last)
    totals = _totals(total)

    def row(k: str, label: str, first: Mapping[str, Any], then: Mapping[str, Any]) -> RowView:
        cells = []
        for measure in measures:
            cells += [
                Cell(fmt_range(first, measure)),
                Cell(fmt_range(then, measure)),
                Cell(fmt_change(first[f"{measure}_central"], then[f"{measure}_central"])),
            ]
        return RowView(k, label, tuple(cells))

    rows = tuple(row(k, labels.get(k, k), at_base[k], at_last[k]) for k in order if k in at_base)
    headings = {"headcount": "Headcount (posts)", "fte": "FTE"}
    groups: tuple[tuple[str, int], ...]
    if len(measures) == 1:  # the caption names the measure
        years, groups = (str(base), str(last), "Change in the central run"), ()
    else:
        years = (str(base), str(last), "Change")
        groups = (("", 1), *((headings[m], 3) for m in measures))
    return TableView(
        id=table_id,
        caption=caption,
        columns=(key_heading, *(years * len(measures))),
        rows=rows,
        total=row("total", total_label, totals[base], totals[last]),
        column_groups=groups,
    )


def _group_area_table(
    s: SupplySummary, groups: Sequence[str], area_labels: Mapping[str, str], year: int
) -> TableView:
    """Central headcount of each staff group in each area in `year`, with area and group totals."""
    cells = s.by_staff_group_area.filter(pl.col("year") == year)
    areas = list(dict.fromkeys(str(a) for a in s.by_area["area_code"]))
    central = {
        (str(g), str(a)): v
        for g, a, v in cells.select("staff_group", "area_code", "headcount_central").rows()
    }
    by_group = rows_by_key(s.by_staff_group, "staff_group", year)
    by_area = rows_by_key(s.by_area, "area_code", year)
    return group_by_area_table(
        table_id="supply-group-area",
        caption=f"Projected headcount by staff group and area, {year} (central run)",
        row_heading="Staff group",
        total_label="All staff groups",
        groups=[(g, staff_group_label(g)) for g in groups],
        areas=areas,
        area_labels=area_labels,
        cell=lambda g, a: central.get((g, a), 0.0),
        group_total=lambda g: by_group[g]["headcount_central"],
        area_total=lambda a: by_area[a]["headcount_central"],
        grand_total=_totals(s.total)[year]["headcount_central"],
        fmt=fmt_amount,
    )


def _retirement_parts(
    s: SupplySummary, groups: Sequence[str], base: int
) -> tuple[str, Chart, TableView]:
    """The retirement wave: retirements a year by staff group in the central run."""
    years = list(s.years[1:])
    central = {
        (str(g), int(y)): float(v)
        for g, y, v in s.retirements.select("staff_group", "year", "retirements_central").rows()
    }
    today = rows_by_key(s.by_staff_group, "staff_group", base)
    total_today = _totals(s.total)[base]["headcount_central"]

    def cells(values: Sequence[float], stock: float) -> tuple[Cell, ...]:
        whole = sum(values)
        share = fmt_percent(whole / stock) if stock > 0 else MISSING
        return (*(Cell(fmt_count(v)) for v in values), Cell(fmt_count(whole)), Cell(share))

    by_group = {g: [central.get((g, y), 0.0) for y in years] for g in groups}
    all_groups = [sum(by_group[g][i] for g in groups) for i in range(len(years))]
    rows = tuple(
        RowView(g, staff_group_label(g), cells(by_group[g], today[g]["headcount_central"]))
        for g in groups
    )
    span = f"{years[0]} to {years[-1]}"
    table = TableView(
        id="supply-retirements",
        caption=f"Projected retirements a year by staff group, {span} (central run)",
        columns=(
            "Staff group",
            *(str(y) for y in years),
            "All years",
            f"Share of {base} headcount",
        ),
        rows=rows,
        total=RowView("total", "All staff groups", cells(all_groups, total_today)),
    )
    whole = sum(all_groups)
    peak = max(range(len(years)), key=lambda i: all_groups[i])
    most = max(groups, key=lambda g: sum(by_group[g]) / max(today[g]["headcount_central"], 1e-9))
    most_share = sum(by_group[most]) / max(today[most]["headcount_central"], 1e-9)
    lead = (
        f"In the central run retirements empty {fmt_amount(whole)} posts from {span}, as many "
        f"as {fmt_percent(whole / total_today) if total_today > 0 else MISSING} of the {base} "
        "headcount (they include people who join in those years and retire before the end); "
        f"retirements peak at {fmt_amount(all_groups[peak])} in {years[peak]}. "
        f"{staff_group_label(most)} loses the largest share of its headcount to retirement "
        f"({fmt_percent(most_share)})."
    )
    description = (
        f"Stacked bars of projected retirements a year by staff group, {span}, central run: "
        f"{fmt_amount(all_groups[0])} in {years[0]} and {fmt_amount(all_groups[-1])} in "
        f"{years[-1]}, {fmt_amount(whole)} in all."
    )
    chart = stacked_bars(
        "chart-supply-retirements",
        years,
        {staff_group_label(g): by_group[g] for g in groups},
        [GROUP_COLOURS[i % len(GROUP_COLOURS)] for i in range(len(groups))],
        title="Projected retirements a year by staff group (central run)",
        description=description,
        ylabel="Retirements a year",
    )
    return lead, chart, table


def _pipeline_parts(
    s: SupplySummary, programme_names: Mapping[str, str]
) -> tuple[str, Chart, TableView, TableView | None]:
    """The pipeline's contribution: joiners by source a year, and completers by programme."""
    years = list(s.years[1:])
    flows = s.flows.group_by("flow", "year").agg(pl.col("headcount_central").sum())
    central = {(str(f), int(y)): float(v) for f, y, v in flows.rows()}
    sources = {
        label: [central.get((flow, y), 0.0) for y in years] for flow, label in JOINER_SOURCES
    }
    outside = [sum(v[i] for v in sources.values()) for i in range(len(years))]
    trained = sources[JOINER_SOURCES[0][1]]

    def share(part: float, whole: float) -> str:
        return fmt_percent(part / whole) if whole > 0 else MISSING

    def row(key: str, label: str, values: Sequence[float]) -> RowView:
        """`values`: each source's joiners, in the order of JOINER_SOURCES (training first)."""
        whole = sum(values)
        amounts = (Cell(fmt_count(v)) for v in (*values, whole))
        return RowView(key, label, (*amounts, Cell(share(values[0], whole))))

    by_year = [[v[i] for v in sources.values()] for i in range(len(years))]
    span = f"{years[0]} to {years[-1]}"
    joiners = TableView(
        id="supply-joiners",
        caption=f"Projected joiners a year from outside the region's workforce, {span} "
        "(central run)",
        columns=(
            "Year",
            *(label for _, label in JOINER_SOURCES),
            "All joiners",
            "Share from training",
        ),
        rows=tuple(row(str(y), str(y), by_year[i]) for i, y in enumerate(years)),
        total=row("total", "All years", [sum(v) for v in sources.values()]),
    )
    whole_trained, whole_outside = sum(trained), sum(outside)
    lead = (
        f"Over {span} the training programmes bring {fmt_amount(whole_trained)} joiners into the "
        f"region's posts in the central run, {share(whole_trained, whole_outside)} of the "
        f"{fmt_amount(whole_outside)} joiners from outside its workforce "
        f"({share(trained[-1], outside[-1])} in {years[-1]}). Completers are the students who "
        "finish a course; the scenario's local share of them take posts in the region. Moves "
        "between roles within the region are not joiners here."
    )
    description = (
        f"Stacked bars of projected joiners a year by source, {span}, central run: "
        f"{fmt_amount(trained[-1])} of {fmt_amount(outside[-1])} joiners in {years[-1]} come "
        "from training."
    )
    chart = stacked_bars(
        "chart-supply-joiners",
        years,
        {k: v for k, v in sources.items() if any(v)},  # a source with none is in the table
        [c for c, v in zip(SERIES, sources.values(), strict=False) if any(v)],
        title="Projected joiners a year by source (central run)",
        description=description,
        ylabel="Joiners a year",
    )
    return lead, chart, joiners, _programme_table(s, programme_names, years)


def _programme_table(
    s: SupplySummary, programme_names: Mapping[str, str], years: Sequence[int]
) -> TableView | None:
    """Completers of each programme in the first and last projected year, and over the years."""
    if s.pipeline.height == 0 or not years:
        return None
    first, last = years[0], years[-1]
    frame = s.pipeline.filter(pl.col("year").is_in(years))
    programmes = list(dict.fromkeys(str(p) for p in s.pipeline["programme"]))
    at_first = rows_by_key(frame, "programme", first)
    at_last = rows_by_key(frame, "programme", last)
    sums = {
        str(p): float(v)
        for p, v in frame.group_by("programme").agg(pl.col("completers_central").sum()).rows()
    }

    def cells(a: Mapping[str, Any], b: Mapping[str, Any], whole: float) -> tuple[Cell, ...]:
        return (
            Cell(fmt_range(a, "intake")),
            Cell(fmt_range(a, "completers")),
            Cell(fmt_range(b, "completers")),
            Cell(fmt_amount(whole)),
        )

    rows = tuple(
        RowView(
            p,
            programme_names.get(p) or p.replace("_", " ").capitalize(),
            cells(at_first[p], at_last[p], sums[p]),
        )
        for p in programmes
    )
    total_first = {
        k: sum(r[k] for r in at_first.values()) for k in ("intake_central", "completers_central")
    }
    total_last = {"completers_central": sum(r["completers_central"] for r in at_last.values())}
    return TableView(
        id="supply-programmes",
        caption=f"Training programmes: intake and completers a year, {first} and {last}",
        columns=(
            "Programme",
            f"Intake {first}",
            f"Completers {first}",
            f"Completers {last}",
            f"Completers {first}–{last}, central",
        ),
        rows=rows,
        total=RowView(
            "total", "All programmes", cells(total_first, total_last, sum(sums.values()))
        ),
        note="Central run (5–95% of runs in brackets). The total's range is not shown: the "
        "ranges of the programmes do not add up.",
    )


def _lead(p: SupplyFigures, programmes: int) -> str:
    period = p.rates.period
    history = len(period_years(period))
    text = (
        "The staff in post the region will have if the scenario "
        f"“{p.name}” ({PurePath(p.scenario).name}) holds. The projection starts from the stock in "
        f"post on {fmt_date(p.census_date)} (by role, area, sector and single year of age) and "
        "moves it a year at a time: leavers and retirements, returners, moves between roles, "
        f"joiners, and the completers of the {programmes} training "
        f"programme{'s' if programmes != 1 else ''} the scenario commissions. The rates come from "
        f"the last {history} year{'s' if history != 1 else ''} of history "
        f"({fmt_date(period.start)} to {fmt_date(period.end - dt.timedelta(days=1))}), each "
        f"cell's rate shrunk towards its parent group's (k = {p.rates.k:,g} person-years), with "
        "a published figure where the history has none. "
    )
    if p.runs:
        text += (
            "Each figure is the central run (every uncertain input at its central value) with, in "
            f"brackets, the 5–95% range of {p.runs:,} runs that draw the rates and the training "
            f"inputs (seed {p.seed}); a total's range is the range of the total. "
        )
    else:
        text += "Only the central run was computed (every input at its central value): no ranges. "
    text += (
        "Headcount counts posts: each post is one head in its role, area and sector, so someone "
        "with two posts counts twice and the total is above the people counted in Today's "
        "workforce. FTE adds up over posts."
    )
    return text


def _headline(s: SupplySummary, base: int, last: int) -> list[str]:
    totals = _totals(s.total)
    first, then = totals[base], totals[last]
    return [
        f"Projected headcount: {fmt_range(first, 'headcount')} posts in {base} and "
        f"{fmt_range(then, 'headcount')} in {last}, a change of "
        f"{fmt_change(first['headcount_central'], then['headcount_central'])} in the central run.",
        f"Projected FTE: {fmt_range(first, 'fte')} in {base} and {fmt_range(then, 'fte')} in "
        f"{last}, a change of {fmt_change(first['fte_central'], then['fte_central'])}.",
    ]


def supply_section(
    supply: SupplyFigures | None,
    backtest: BacktestFigures | None,
    area_names: Mapping[str, str],
    programme_names: Mapping[str, str] | None = None,
) -> SupplySection | None:
    """The section's content, or None when neither is given (the section is left out)."""
    if supply is None and backtest is None:
        return None
    parts: dict[str, Any] = {f.name: None for f in fields(SupplySection)}
    parts["lines"] = parts["by_staff_group"] = ()
    if supply is not None:
        s = supply.summary
        base, last = s.years[0], s.years[-1]
        groups = _group_order([str(g) for g in s.by_staff_group["staff_group"]])
        programmes = s.pipeline["programme"].n_unique() if s.pipeline.height else 0
        names = {**getattr(supply, "programme_names", {}), **(programme_names or {})}
        parts |= {
            "lead": _lead(supply, programmes),
            "lines": tuple(_headline(s, base, last)),
            "total_chart": total_fan_chart(s.total, supply.runs),
            "group_charts": group_fan_charts(s.by_staff_group, groups, supply.runs),
            "by_staff_group": tuple(
                _stock_table(
                    table_id=table_id,
                    caption=f"Projected {noun} by staff group, {base} and {last}: central run "
                    "(5–95% of runs)",
                    frame=s.by_staff_group,
                    total=s.total,
                    key="staff_group",
                    key_heading="Staff group",
                    order=groups,
                    labels={g: staff_group_label(g) for g in groups},
                    base=base,
                    last=last,
                    total_label="All staff groups",
                    measures=(measure,),
                )
                for table_id, noun, measure in (
                    ("supply-staff-group", "headcount (posts)", "headcount"),
                    ("supply-staff-group-fte", "FTE", "fte"),
                )
            ),
            "by_area": _stock_table(
                table_id="supply-area",
                caption=f"Projected headcount and FTE by area, {base} and {last}: central run "
                "(5–95% of runs)",
                frame=s.by_area,
                total=s.total,
                key="area_code",
                key_heading="Area",
                order=[str(a) for a in s.by_area["area_code"].unique(maintain_order=True)],
                labels=area_names,
                base=base,
                last=last,
                total_label="All areas",
            ),
            "group_area": _group_area_table(s, groups, area_names, last),
        }
        if len(s.years) > 1:
            lead, chart, table = _retirement_parts(s, groups, base)
            parts |= {"retirement_lead": lead, "retirement_chart": chart, "retirements": table}
            lead, chart, joiners, by_programme = _pipeline_parts(s, names)
            parts |= {
                "pipeline_lead": lead,
                "joiners_chart": chart,
                "joiners": joiners,
                "programmes": by_programme,
            }
        statutory = getattr(s, "statutory", None)
        if isinstance(statutory, pl.DataFrame) and statutory.height:
            parts["statutory"] = statutory_table(statutory, base, last)
        else:
            parts["statutory_note"] = (
                "Approved mental health professionals and section 12(2) doctors in post today, "
                "and the re-approvals due, are shown in the section Training and statutory roles."
            )
    if backtest is not None:
        parts["backtest"] = backtest_table(backtest)
        parts["backtest_line"] = backtest_line(backtest)
    return SupplySection(**parts)

"""The report section "Required workforce": what the services need, and the WISN of a team.

Built from a demand outcome (services x population -> task hours -> FTE, with ranges over runs)
and WISN results. The report layer does not call services, so the outcome is read through the
`DemandFigures` protocol, which `careforce.services.demand.DemandOutcome` satisfies. Every number
shown comes from the summary's tables: the central run, and the 5-95% range of the drawn runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Protocol

import matplotlib as mpl
import polars as pl
from matplotlib.ticker import FuncFormatter

from careforce.demand.wisn import WisnResult
from careforce.report.charts import _RC, GRID, INK, MUTED, Chart, _figure, _style, _svg
from careforce.report.format import MISSING
from careforce.report.ranges import group_by_area_table, rows_by_key, signed_change
from careforce.report.tables import Cell, RowView, TableView
from careforce.results.demand_summary import UNASSIGNED_DOMAIN, DemandSummary

CENTRAL_COLOUR = "#1d4e89"
INNER_BAND = "#9ecae1"  # 25-75% of the runs
OUTER_BAND = "#deebf7"  # 5-95% of the runs


class DemandFigures(Protocol):
    """What the section reads from a demand outcome."""

    @property
    def specification(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def years(self) -> tuple[int, ...]: ...
    @property
    def runs(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def standard_hours_per_fte(self) -> float: ...
    @property
    def standard_hours_per_fte_basis(self) -> str: ...
    @property
    def services(self) -> Sequence[Mapping[str, str]]: ...
    @property
    def domain_names(self) -> Mapping[str, str]: ...
    @property
    def summary(self) -> DemandSummary: ...


@dataclass(frozen=True, slots=True)
class DemandSection:
    """What the template draws; the demand parts are None without a demand outcome, the WISN
    parts without WISN results."""

    lead: str | None
    lines: tuple[str, ...]
    base_year: int | None
    last_year: int | None
    by_domain: TableView | None
    by_area: TableView | None
    domain_area: TableView | None
    chart: Chart | None
    wisn: TableView | None
    wisn_lines: tuple[str, ...]


def fmt_required(value: float) -> str:
    """Required FTE: whole FTE from 100 up (the runs' spread dwarfs a decimal), one decimal below."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def fmt_range(row: Mapping[str, Any]) -> str:
    """`central (p5–p95)` of FTE; the central value alone when no runs were drawn."""
    central = fmt_required(row["fte_central"])
    if "fte_p5" not in row:
        return central
    return f"{central} ({fmt_required(row['fte_p5'])}–{fmt_required(row['fte_p95'])})"


def fmt_change(base: float, last: float) -> str:
    """The change of the central FTE, signed, with its percent of the base when there is one."""
    return signed_change(base, last, fmt_required)


def _now_and_later_table(
    *,
    table_id: str,
    caption: str,
    frame: pl.DataFrame,
    total: pl.DataFrame,
    key: str,
    key_heading: str,
    labels: Mapping[str, str],
    base: int,
    last: int,
    total_label: str,
) -> TableView:
    """One row per group: required FTE in the base and the last year with ranges, and the change."""
    at_base, at_last = rows_by_key(frame, key, base), rows_by_key(frame, key, last)
    totals = {int(r["year"]): r for r in total.iter_rows(named=True)}

    def row(k: str, label: str, first: Mapping[str, Any], then: Mapping[str, Any]) -> RowView:
        cells = (
            Cell(fmt_range(first)),
            Cell(fmt_range(then)),
            Cell(fmt_change(first["fte_central"], then["fte_central"])),
        )
        return RowView(k, label, cells)

    rows = tuple(row(k, labels.get(k, k), at_base[k], at_last[k]) for k in at_base)
    ranged = "fte_p5" in frame.columns
    heading = "Required FTE, central (5–95% of runs)" if ranged else "Required FTE, central"
    return TableView(
        id=table_id,
        caption=caption,
        columns=(key_heading, str(base), str(last), "Change in the central run"),
        rows=rows,
        total=row("total", total_label, totals[base], totals[last]),
        column_groups=(("", 1), (heading, 2), ("", 1)),
    )


def _domain_area_table(
    summary: DemandSummary,
    domain_labels: Mapping[str, str],
    area_labels: Mapping[str, str],
    year: int,
) -> TableView:
    """Central required FTE of each domain in each area in `year`, with area and domain totals."""
    cells = summary.by_domain_area.filter(pl.col("year") == year)
    areas = list(dict.fromkeys(str(a) for a in cells["area_code"]))
    central = {
        (str(d), str(a)): v for d, a, v in cells.select("domain", "area_code", "fte_central").rows()
    }
    by_domain = rows_by_key(summary.by_domain, "domain", year)
    by_area = rows_by_key(summary.by_area, "area_code", year)
    return group_by_area_table(
        table_id="demand-domain-area",
        caption=f"Required FTE by competency domain and area, {year} (central run)",
        row_heading="Competency domain",
        total_label="All domains",
        groups=[(d, domain_labels.get(d, d)) for d in by_domain],
        areas=areas,
        area_labels=area_labels,
        cell=lambda d, a: central[(d, a)],
        group_total=lambda d: by_domain[d]["fte_central"],
        area_total=lambda a: by_area[a]["fte_central"],
        grand_total=summary.total.filter(pl.col("year") == year)["fte_central"][0],
        fmt=fmt_required,
    )


def fan_chart(total: pl.DataFrame, runs: int) -> Chart:
    """Total required FTE by year: the central run as a line over the 25-75% and 5-95% bands of
    the drawn runs (bands only where the runs give them)."""
    frame = total.sort("year")
    years = frame["year"].to_list()
    central = frame["fte_central"].to_list()
    ranged = all(f"fte_p{q}" in frame.columns for q in (5, 25, 75, 95))
    title = "Required FTE by year, all domains"
    description = (
        f"Line of the required FTE of all competency domains by year, {years[0]} to {years[-1]}: "
        f"{fmt_required(central[0])} in {years[0]} and {fmt_required(central[-1])} in {years[-1]} "
        "in the central run."
    )
    if ranged:
        description += (
            f" Shaded bands show the middle half (25–75%) and 5–95% of {runs} runs; in "
            f"{years[-1]} the 5–95% range is {fmt_required(frame['fte_p5'][-1])} to "
            f"{fmt_required(frame['fte_p95'][-1])}."
        )
    with mpl.rc_context(_RC):
        fig = _figure(7.6, 3.4)
        ax = fig.add_subplot()
        _style(ax)
        if ranged:
            ax.fill_between(
                years,
                frame["fte_p5"].to_list(),
                frame["fte_p95"].to_list(),
                color=OUTER_BAND,
                linewidth=0,
                label="5–95% of runs",
            )
            ax.fill_between(
                years,
                frame["fte_p25"].to_list(),
                frame["fte_p75"].to_list(),
                color=INNER_BAND,
                linewidth=0,
                label="25–75% of runs",
            )
        ax.plot(
            years,
            central,
            color=CENTRAL_COLOUR,
            linewidth=2,
            marker="o",
            markersize=3,
            label="Central run",
        )
        for x, y in ((years[0], central[0]), (years[-1], central[-1])):
            ax.annotate(
                fmt_required(y),
                (x, y),
                xytext=(0, 8),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color=INK,
            )
        ax.set_xticks(years, labels=[str(y) for y in years])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
        ax.set_ylabel("Required FTE", color=MUTED)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.margins(x=0.03, y=0.12)
        ax.legend(ncols=3, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=9)
        svg = _svg(fig, "chart-demand", title, description)
    return Chart("chart-demand", title, description, svg)


def _lead(d: DemandFigures) -> str:
    services = len(d.services)
    text = (
        "What the region's services need, not the staff in post. The service specification "
        f"“{d.name}” ({PurePath(d.specification).name}: who uses each of its {services} "
        f"service{'s' if services != 1 else ''}, how often and for how long) is applied to the "
        "population of each area and year to give hours of work by competency framework task; "
        f"hours divided by {d.standard_hours_per_fte:,g} standard hours per FTE "
        f"({d.standard_hours_per_fte_basis}) give required FTE. "
    )
    if d.runs:
        text += (
            "Each figure is the central run (every uncertain input at its central value) with, "
            f"in brackets, the 5–95% range of {d.runs:,} runs that draw the uncertain inputs "
            f"(seed {d.seed}); a total's range is the range of the total."
        )
    else:
        text += "Only the central run was computed (every input at its central value): no ranges."
    return text


def _demand_lines(d: DemandFigures, base: int, last: int) -> list[str]:
    totals = {int(r["year"]): r for r in d.summary.total.iter_rows(named=True)}
    first, then = totals[base], totals[last]
    return [
        f"The services need {fmt_range(first)} FTE in {base} and {fmt_range(then)} in {last}: "
        f"a change of {fmt_change(first['fte_central'], then['fte_central'])} in the central run."
    ]


def _staff(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def wisn_table(results: Sequence[WisnResult]) -> TableView:
    """WISN of each staff category: working time, required staff (unrounded and whole), existing
    staff, the difference and the ratio (both from the unrounded requirement), and its reading."""
    rows = []
    for i, w in enumerate(results):
        ratio = MISSING if w.wisn_ratio is None else f"{w.wisn_ratio:.2f}"
        cells = (
            Cell(w.facility or MISSING, numeric=False),
            Cell(f"{w.available_working_time_hours:,.1f}"),
            Cell(f"{w.required_staff:,.2f}"),
            Cell(f"{w.required_staff_rounded:,}"),
            Cell(_staff(w.existing_staff)),
            Cell(f"{w.difference:+,.1f}"),
            Cell(ratio),
            Cell(w.reading.value.capitalize(), numeric=False),
        )
        rows.append(RowView(str(i), w.staff_category, cells))
    return TableView(
        id="demand-wisn",
        caption="Staff required by the workload, by staff category and facility (WISN)",
        columns=(
            "Staff category",
            "Facility",
            "Available working hours a year (one FTE)",
            "Required staff",
            "Required, whole staff",
            "Existing staff",
            "Difference (existing − required)",
            "WISN ratio",
            "WHO reading",
        ),
        rows=tuple(rows),
    )


def _wisn_lines(results: Sequence[WisnResult]) -> list[str]:
    lines = []
    for w in results:
        ratio = "no ratio" if w.wisn_ratio is None else f"a WISN ratio of {w.wisn_ratio:.2f}"
        lines.append(
            f"{w.staff_category}: {_staff(w.existing_staff)} staff against "
            f"{w.required_staff:,.1f} required by the workload ({w.required_staff_rounded:,} "
            f"whole staff), {ratio}: {w.reading.value}, {w.reading.meaning}."
        )
    return lines


def demand_section(
    demand: DemandFigures | None,
    wisn: Sequence[WisnResult] | None,
    area_names: Mapping[str, str],
) -> DemandSection | None:
    """The section's content, or None when neither is given (the section is left out)."""
    if demand is None and not wisn:
        return None
    lead = None
    lines: list[str] = []
    base = last = None
    by_domain = by_area = domain_area = None
    chart = None
    if demand is not None:
        s = demand.summary
        base, last = demand.years[0], demand.years[-1]
        domains = {**demand.domain_names, UNASSIGNED_DOMAIN: "Tasks not in the framework"}
        lead = _lead(demand)
        lines = _demand_lines(demand, base, last)
        by_domain = _now_and_later_table(
            table_id="demand-domain",
            caption=f"Required FTE by competency domain, {base} and {last}",
            frame=s.by_domain,
            total=s.total,
            key="domain",
            key_heading="Competency domain",
            labels=domains,
            base=base,
            last=last,
            total_label="All domains",
        )
        by_area = _now_and_later_table(
            table_id="demand-area",
            caption=f"Required FTE by area, {base} and {last}",
            frame=s.by_area,
            total=s.total,
            key="area_code",
            key_heading="Area",
            labels=area_names,
            base=base,
            last=last,
            total_label="All areas",
        )
        domain_area = _domain_area_table(s, domains, area_names, last)
        chart = fan_chart(s.total, demand.runs)
    return DemandSection(
        lead=lead,
        lines=tuple(lines),
        base_year=base,
        last_year=last,
        by_domain=by_domain,
        by_area=by_area,
        domain_area=domain_area,
        chart=chart,
        wisn=wisn_table(wisn) if wisn else None,
        wisn_lines=tuple(_wisn_lines(wisn or ())),
    )

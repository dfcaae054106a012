"""The report section "The gap": the need the projected staff cannot meet, by competency and area.

Built from a gap outcome (METHODS section 6: each area's and year's task hours given to the roles
that may do them, by their own competence or by delegation, the rest unmet), read through the
`GapFigures` protocol that `careforce.services.gap.GapOutcome` satisfies. The figures are hours and
FTE of need for the region and its areas, never counts of people, so no small-number suppression
applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import matplotlib as mpl
import numpy as np
import polars as pl

from careforce.report.charts import _RC, INK, MUTED, Chart, _figure, _svg
from careforce.report.format import fmt_percent
from careforce.report.ranges import rows_by_key
from careforce.report.supply_charts import draw_fan, fmt_amount, range_words
from careforce.report.tables import Cell, RowView, TableView
from careforce.results.gap_summary import GapSummary

HEAT_COLOURS = "Oranges"


class GapFigures(Protocol):
    """What the section reads from a gap outcome."""

    @property
    def name(self) -> str: ...
    @property
    def runs(self) -> tuple[int, ...]: ...
    @property
    def assumptions(self) -> tuple[str, ...]: ...
    @property
    def summary(self) -> GapSummary: ...
    @property
    def role_titles(self) -> Mapping[str, str]: ...


@dataclass(frozen=True, slots=True)
class GapSection:
    lead: str
    lines: tuple[str, ...]
    chart: Chart
    heatmap: Chart
    area_heatmap: Chart
    by_domain: TableView
    delegation: TableView
    delegation_line: str
    worth_most: TableView
    assumptions: tuple[str, ...]


def fmt_gap(row: Mapping[str, Any]) -> str:
    """`central (p5–p95)` FTE gap; the central value alone without drawn runs."""
    central = fmt_amount(row["fte_central"])
    if "fte_p5" not in row:
        return central
    return f"{central} ({fmt_amount(row['fte_p5'])}–{fmt_amount(row['fte_p95'])})"


def fmt_probability(value: float | None) -> str:
    return "–" if value is None else fmt_percent(value)


def gap_fan_chart(total: pl.DataFrame, runs: int) -> Chart:
    """The region's FTE gap by year: the central run over the bands of the drawn runs."""
    frame = total.sort("year")
    years = frame["year"].to_list()
    central = frame["fte_central"].to_list()
    chart_id = "chart-gap"
    title = "FTE gap by year, all competency domains"
    description = (
        f"Line of the FTE of need left unmet by year, {years[0]} to {years[-1]}: "
        f"{fmt_amount(central[0])} in {years[0]} and {fmt_amount(central[-1])} in {years[-1]} "
        "in the central run." + range_words(frame, "fte", runs)
    )
    with mpl.rc_context(_RC):
        fig = _figure(7.6, 3.2)
        ax = fig.add_subplot()
        draw_fan(ax, frame, "fte", legend=True)
        ax.set_xticks(years, labels=[str(y) for y in years])
        ax.set_ylabel("FTE of unmet need", color=MUTED)
        ax.set_ylim(bottom=0)
        ax.margins(x=0.03)
        ax.legend(ncols=3, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=9)
        svg = _svg(fig, chart_id, title, description)
    return Chart(chart_id, title, description, svg)


def heatmap(
    chart_id: str,
    title: str,
    description: str,
    values: np.ndarray,
    rows: Sequence[str],
    columns: Sequence[str],
) -> Chart:
    """A grid of FTE gaps, darker where the gap is larger, each cell labelled with its value."""
    height = 0.9 + 0.32 * len(rows)
    with mpl.rc_context(_RC):
        fig = _figure(7.6, height)
        ax = fig.add_subplot()
        top = float(values.max(initial=0.0))
        colours = mpl.colormaps[HEAT_COLOURS].with_extremes(bad="white")
        shown = np.ma.masked_less_equal(values, 0.05)  # no gap: a white cell
        ax.imshow(shown, cmap=colours, vmin=0, vmax=top if top > 0 else 1, aspect="auto")
        for (i, j), v in np.ndenumerate(values):
            light = top > 0 and v > 0.6 * top
            ax.text(
                j,
                i,
                fmt_amount(v) if v > 0.05 else "0",
                ha="center",
                va="center",
                fontsize=7.5,
                color="white" if light else INK,
            )
        ax.set_xticks(range(len(columns)), labels=list(columns), fontsize=8)
        ax.set_yticks(range(len(rows)), labels=list(rows), fontsize=8)
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        svg = _svg(fig, chart_id, title, description)
    return Chart(chart_id, title, description, svg)


def _domain_year_heatmap(s: GapSummary, labels: Mapping[str, str]) -> Chart:
    frame = s.by_domain
    domains = list(dict.fromkeys(frame["domain"].to_list()))
    years = sorted(set(frame["year"].to_list()))
    grid = {(d, y): v for d, y, v in frame.select("domain", "year", "fte_central").rows()}
    values = np.array([[grid[(d, y)] for y in years] for d in domains])
    worst = domains[int(values[:, -1].argmax())] if values.size else ""
    description = (
        f"Grid of the FTE gap (central run) of each competency domain by year, {years[0]} to "
        f"{years[-1]}; darker cells are larger gaps."
        + (
            f" The largest gap in {years[-1]} is in {labels.get(worst, worst)}."
            if values.size and values[:, -1].max() > 0.05
            else f" No domain has a gap in {years[-1]}."
        )
    )
    return heatmap(
        "chart-gap-heatmap",
        "FTE gap by competency domain and year (central run)",
        description,
        values,
        [labels.get(d, d) for d in domains],
        [str(y) for y in years],
    )


def _domain_area_heatmap(
    s: GapSummary, labels: Mapping[str, str], area_names: Mapping[str, str], year: int
) -> Chart:
    frame = s.by_domain_area.filter(pl.col("year") == year)
    domains = list(dict.fromkeys(frame["domain"].to_list()))
    areas = list(dict.fromkeys(frame["area_code"].to_list()))
    grid = {(d, a): v for d, a, v in frame.select("domain", "area_code", "fte_central").rows()}
    values = np.array([[grid[(d, a)] for a in areas] for d in domains])
    description = (
        f"Grid of the FTE gap (central run) of each competency domain in each area in {year}; "
        "darker cells are larger gaps."
    )
    return heatmap(
        "chart-gap-areas",
        f"FTE gap by competency domain and area, {year} (central run)",
        description,
        values,
        [labels.get(d, d) for d in domains],
        [area_names.get(a, a) for a in areas],
    )


def _domain_table(s: GapSummary, labels: Mapping[str, str], base: int, last: int) -> TableView:
    at_base = rows_by_key(s.by_domain, "domain", base)
    at_last = rows_by_key(s.by_domain, "domain", last)
    totals = {int(r["year"]): r for r in s.total.iter_rows(named=True)}

    def row(key: str, label: str, first: Mapping[str, Any], then: Mapping[str, Any]) -> RowView:
        cells = (
            Cell(fmt_gap(first)),
            Cell(fmt_gap(then)),
            Cell(fmt_probability(then.get("probability_gap"))),
        )
        return RowView(key, label, cells)

    ranged = "fte_p5" in s.by_domain.columns
    heading = "FTE gap, central (5–95% of runs)" if ranged else "FTE gap, central"
    return TableView(
        id="gap-domain",
        caption=f"FTE gap by competency domain, {base} and {last}",
        columns=("Competency domain", str(base), str(last), f"Chance of a gap in {last}"),
        rows=tuple(row(d, labels.get(d, d), at_base[d], at_last[d]) for d in at_base),
        total=row("total", "All domains", totals[base], totals[last]),
        column_groups=(("", 1), (heading, 2), ("", 1)),
    )


def _delegation_parts(s: GapSummary, per_fte: float) -> tuple[TableView, str]:
    frame = s.delegation.sort("year")
    rows = []
    for r in frame.iter_rows(named=True):
        worth = r["unmet_without_central"] - r["unmet_with_central"]
        saved = r["staff_cost_without_central"] - r["staff_cost_with_central"]
        rows.append(
            RowView(
                str(r["year"]),
                str(r["year"]),
                (
                    Cell(fmt_amount(r["unmet_without_central"] / per_fte)),
                    Cell(fmt_amount(r["unmet_with_central"] / per_fte)),
                    Cell(fmt_amount(worth / per_fte)),
                    Cell(fmt_amount(r["delegated_hours_central"] / per_fte)),
                    Cell(f"{saved / 1e6:,.2f}"),
                ),
            )
        )
    last = frame.row(frame.height - 1, named=True)
    worth_last = (last["unmet_without_central"] - last["unmet_with_central"]) / per_fte
    saved_last = last["staff_cost_without_central"] - last["staff_cost_with_central"]
    year, delegated = last["year"], fmt_amount(last["delegated_hours_central"] / per_fte)
    if abs(worth_last) < 0.05 and abs(saved_last) < 5_000:
        line = (
            f"In {year}, delegation changes neither the gap nor the cost (central run): the "
            "support workers who may take delegated tasks have no spare hours, so the "
            f"{delegated} FTE of delegated work only moves tasks among them."
        )
    else:
        line = (
            f"In {year}, {delegated} FTE of registrants' tasks are done by support workers under "
            f"supervision (central run); this closes {fmt_amount(worth_last)} FTE of the gap and "
            f"saves GBP {saved_last / 1e6:,.2f} million of staff time a year, after the "
            "supervision it costs."
        )
    table = TableView(
        id="gap-delegation",
        caption="What delegation is worth: FTE gap without and with delegation (central run)",
        columns=(
            "Year",
            "Gap without delegation (FTE)",
            "Gap with delegation (FTE)",
            "Gap closed (FTE)",
            "Delegated work (FTE)",
            "Staff cost saved (GBP m a year)",
        ),
        rows=tuple(rows),
    )
    return table, line


def _worth_table(
    s: GapSummary, area_names: Mapping[str, str], titles: Mapping[str, str], year: int
) -> TableView:
    frame = s.worth_most.filter(pl.col("year") == year).sort("area_code", "rank")
    rows = []
    for r in frame.iter_rows(named=True):
        median = r.get("unmet_removed_per_fte_p50")
        rows.append(
            RowView(
                f"{r['area_code']}-{r['role']}",
                area_names.get(r["area_code"], r["area_code"]),
                (
                    Cell(titles.get(r["role"], r["role"]), numeric=False),
                    Cell(fmt_amount(r["unmet_removed_per_fte_central"])),
                    Cell("–" if median is None else fmt_amount(median)),
                ),
            )
        )
    return TableView(
        id="gap-worth",
        caption=f"Roles whose extra FTE would remove most unmet hours, by area, {year} (ties: "
        "the least costly first)",
        columns=("Area", "Role", "Hours removed by one more FTE", "Median of runs"),
        rows=tuple(rows),
        note=None if rows else "No role's extra FTE would remove unmet hours: there is no gap.",
    )


def gap_section(
    gap: GapFigures | None, domain_names: Mapping[str, str], area_names: Mapping[str, str]
) -> GapSection | None:
    """The section's content, or None without a gap outcome (the section is left out)."""
    if gap is None:
        return None
    s = gap.summary
    years = sorted(set(s.total["year"].to_list()))
    base, last = years[0], years[-1]
    totals = {int(r["year"]): r for r in s.total.iter_rows(named=True)}
    drawn = len(gap.runs) - 1
    required = totals[last]["required_hours_central"] / s.task_hours_per_fte
    share = totals[last]["fte_central"] / required if required > 0 else 0.0
    lead = (
        f"Each area's task hours in each year go to the roles that may do them, by their own "
        f"competence or by delegation under the framework's rules, the least costly first; what "
        f"the projected staff cannot do is the gap. In {last} the gap is "
        f"{fmt_gap(totals[last])} FTE, {fmt_percent(share)} of the {fmt_amount(required)} FTE "
        f"the services need (central run" + (f", 5–95% of {drawn} runs)." if drawn else ").")
    )
    lines = []
    probability = totals[last].get("probability_gap")
    if probability is not None:
        lines.append(f"The chance of a gap in {last} is {fmt_percent(probability)} of runs.")
    if "fte_p50" in totals[last] and totals[last]["fte_central"] < totals[last]["fte_p50"]:
        lines.append(
            f"The central run's gap lies below the median of the runs ({fmt_amount(totals[last]['fte_p50'])} "
            "FTE): a gap cannot fall below zero, so uncertainty in either direction adds to the "
            "gap to plan for."
        )
    delegation, delegation_line = _delegation_parts(s, s.task_hours_per_fte)
    return GapSection(
        lead=lead,
        lines=tuple(lines),
        chart=gap_fan_chart(s.total, drawn),
        heatmap=_domain_year_heatmap(s, domain_names),
        area_heatmap=_domain_area_heatmap(s, domain_names, area_names, last),
        by_domain=_domain_table(s, domain_names, base, last),
        delegation=delegation,
        delegation_line=delegation_line,
        worth_most=_worth_table(s, area_names, gap.role_titles, last),
        assumptions=gap.assumptions,
    )

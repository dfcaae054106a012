"""The report section "How the scenarios compare": each alternative against the baseline.

Built from a scenario comparison (`careforce.results.comparison.ScenarioComparison`, read through
the `ComparisonFigures` protocol): run r of an alternative met the same random numbers as run r of
the baseline, so each difference is taken run by run and its range is that of the paired
differences, far narrower than the two scenarios' ranges side by side. The figures are FTE and
GBP, never counts of people, so no small-number suppression applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import matplotlib as mpl
import polars as pl

from careforce.report.charts import _RC, GRID, MUTED, SERIES, Chart, _figure, _style, _svg
from careforce.report.format import fmt_percent
from careforce.report.headlines import COST_GBP, GAP_FTE, signed_fte, signed_millions
from careforce.report.supply_charts import fmt_amount
from careforce.report.tables import Cell, RowView, TableView

MEASURE_LABELS = {
    "required_fte": "Required workforce (FTE)",
    "projected_fte": "Projected workforce (FTE)",
    GAP_FTE: "FTE gap",
    COST_GBP: "Cost (GBP million a year)",
}
BETTER_WORDS = {
    "required_fte": "less required",
    "projected_fte": "more projected",
    GAP_FTE: "smaller gap",
    COST_GBP: "lower cost",
}


class ComparisonFigures(Protocol):
    """What the section reads from a scenario comparison."""

    @property
    def baseline(self) -> str: ...
    @property
    def alternatives(self) -> tuple[str, ...]: ...
    @property
    def differences(self) -> pl.DataFrame: ...


@dataclass(frozen=True, slots=True)
class ComparisonSection:
    lead: str
    year: int
    by_alternative: tuple[TableView, ...]
    gap_by_year: TableView
    gap_chart: Chart
    difference_chart: Chart | None


def _fmt(measure: str, value: float | None) -> str:
    if value is None:
        return "–"
    return signed_millions(value) if measure == COST_GBP else signed_fte(value)


def _probability(value: float | None) -> str:
    return "–" if value is None else fmt_percent(value)


def _alternative_table(
    differences: pl.DataFrame, baseline: str, alternative: str, index: int
) -> TableView:
    mine = differences.filter(pl.col("scenario") == alternative)
    rows = []
    years = []
    for measure, label in MEASURE_LABELS.items():
        found = mine.filter(pl.col("measure") == measure).sort("year")
        if not found.height:
            continue
        r = found.row(found.height - 1, named=True)
        years.append(int(r["year"]))
        spread = "–"
        if r["q5"] is not None:
            spread = f"{_fmt(measure, r['q5'])} to {_fmt(measure, r['q95'])}"
        rows.append(
            RowView(
                measure,
                f"{label}, {r['year']}",
                (
                    Cell(_fmt(measure, r["central"])),
                    Cell(spread),
                    Cell(_probability(r["p_better"])),
                    Cell(BETTER_WORDS[measure], numeric=False),
                ),
            )
        )
    return TableView(
        id=f"comparison-{index}",
        caption=f"{alternative} minus {baseline}: paired differences in the last year",
        columns=(
            "Measure",
            "Central run",
            "5–95% of paired runs",
            "Chance it does better",
            "Better means",
        ),
        rows=tuple(rows),
        note=None if rows else "The comparison holds no measure for this scenario.",
    )


def _gap_by_year(
    differences: pl.DataFrame, baseline: str, alternatives: Sequence[str]
) -> TableView:
    gap = differences.filter(pl.col("measure") == GAP_FTE)
    cells = {(r["scenario"], int(r["year"])): r for r in gap.iter_rows(named=True)}
    years = sorted({year for _, year in cells})
    rows = []
    for year in years:
        out = []
        for name in alternatives:
            r: dict[str, Any] | None = cells.get((name, year))
            if r is None:
                out.append(Cell("–"))
                continue
            text = signed_fte(r["central"])
            if r["q5"] is not None:
                text += f" ({signed_fte(r['q5'])} to {signed_fte(r['q95'])})"
            out.append(Cell(text))
        rows.append(RowView(str(year), str(year), tuple(out)))
    return TableView(
        id="comparison-gap-years",
        caption=f"Change in the FTE gap against {baseline} by year: central run (5–95% of "
        "paired runs)",
        columns=("Year", *alternatives),
        rows=tuple(rows),
    )


def gap_lines_chart(gaps: Mapping[str, pl.DataFrame]) -> Chart:
    """Each scenario's FTE gap by year, central runs, one line a scenario (from its gap totals)."""
    chart_id = "chart-comparison-gap"
    title = "FTE gap by year, each scenario (central run)"
    words = []
    with mpl.rc_context(_RC):
        fig = _figure(7.6, 3.2)
        ax = fig.add_subplot()
        _style(ax)
        for i, (name, total) in enumerate(gaps.items()):
            frame = total.sort("year")
            years, central = frame["year"].to_list(), frame["fte_central"].to_list()
            ax.plot(
                years,
                central,
                color=SERIES[i % len(SERIES)],
                linewidth=2,
                marker="o",
                markersize=3,
                linestyle="-" if i == 0 else ("--", ":", "-.")[(i - 1) % 3],
                label=name,
            )
            words.append(f"{name} {fmt_amount(central[-1])} FTE in {years[-1]}")
        ax.set_xticks(years, labels=[str(y) for y in years])
        ax.set_ylabel("FTE of unmet need", color=MUTED)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.margins(x=0.03)
        ax.legend(ncols=2, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=9)
        description = "Lines of each scenario's FTE gap by year in the central run: " + (
            "; ".join(words) + "."
        )
        svg = _svg(fig, chart_id, title, description)
    return Chart(chart_id, title, description, svg)


def difference_fan_chart(differences: pl.DataFrame, alternatives: Sequence[str]) -> Chart | None:
    """The change in the FTE gap against the baseline by year: each alternative's central run
    over the 5-95% band of its paired runs; None without drawn runs."""
    gap = differences.filter(pl.col("measure") == GAP_FTE).sort("year")
    if not gap.height or gap["q5"].null_count() == gap.height:
        return None
    chart_id = "chart-comparison-difference"
    title = "Change in the FTE gap against the baseline, by year"
    words = []
    with mpl.rc_context(_RC):
        fig = _figure(7.6, 3.2)
        ax = fig.add_subplot()
        _style(ax)
        ax.axhline(0, color=MUTED, linewidth=0.8)
        for i, name in enumerate(alternatives):
            frame = gap.filter(pl.col("scenario") == name)
            if not frame.height:
                continue
            colour = SERIES[(i + 1) % len(SERIES)]
            years = frame["year"].to_list()
            ax.fill_between(
                years,
                frame["q5"].to_list(),
                frame["q95"].to_list(),
                color=colour,
                alpha=0.18,
                linewidth=0,
                label=f"{name}: 5–95% of paired runs",
            )
            ax.plot(years, frame["central"].to_list(), color=colour, linewidth=2, label=name)
            last = frame.row(frame.height - 1, named=True)
            words.append(
                f"{name} {signed_fte(last['central'])} FTE in {last['year']} "
                f"({signed_fte(last['q5'])} to {signed_fte(last['q95'])})"
            )
            ax.set_xticks(years, labels=[str(y) for y in years])
        ax.set_ylabel("Change in FTE gap", color=MUTED)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.margins(x=0.03)
        ax.legend(ncols=2, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=9)
        description = (
            "Lines of each alternative's change in the FTE gap against the baseline by year "
            "(central run; below zero, a smaller gap), over the band of 5–95% of paired runs: "
            + "; ".join(words)
            + "."
        )
        svg = _svg(fig, chart_id, title, description)
    return Chart(chart_id, title, description, svg)


def comparison_section(
    comparison: ComparisonFigures | None, gaps: Mapping[str, pl.DataFrame]
) -> ComparisonSection | None:
    """The section's content, or None without a comparison. `gaps` maps each scenario's name to
    its gap totals (year, fte_central), in the report's order."""
    if comparison is None:
        return None
    differences = comparison.differences
    baseline, alternatives = comparison.baseline, comparison.alternatives
    years = differences["year"].to_list() or [
        int(y) for total in gaps.values() for y in total["year"].to_list()
    ]
    year = int(max(years)) if years else 0
    lead = (
        f"Each alternative against {baseline}, run by run: every scenario was run with the same "
        "seed, so run r of an alternative met the same random draws as run r of the baseline and "
        "their difference is what the alternative changes. The range is of these paired "
        "differences; the chance it does better is the share of paired runs in which the "
        "alternative is better than the baseline. A negative difference in the gap or the cost "
        "is a saving."
    )
    return ComparisonSection(
        lead=lead,
        year=year,
        by_alternative=tuple(
            _alternative_table(differences, baseline, name, i)
            for i, name in enumerate(alternatives, start=1)
        ),
        gap_by_year=_gap_by_year(differences, baseline, alternatives),
        gap_chart=gap_lines_chart(gaps),
        difference_chart=difference_fan_chart(differences, alternatives),
    )

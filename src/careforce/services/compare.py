"""`careforce compare BASELINE ALTERNATIVE... --out DIR`: scenarios side by side, run by run.

Every scenario is run with the same seed and runs, so run r of each draws the same random
numbers (common random numbers) and the differences from the baseline (the first scenario) are
taken run by run (`careforce.results.comparison`). Scenarios that would not pair (a different
seed, runs, allocated sample, census date or horizon) are refused before anything runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from careforce.domain import UserError
from careforce.results.comparison import (
    MEASURE_UNITS,
    ScenarioComparison,
    compare_scenarios_runs,
)
from careforce.results.gap_summary import GAP_THRESHOLD_HOURS
from careforce.services.run import RunOutcome, ScenarioRun, publish

_MEASURE_WORDS = {
    "required_fte": "required workforce",
    "projected_fte": "projected staff in post",
    "gap_fte": "gap",
    "cost_gbp": "cost",
}


@dataclass(frozen=True, eq=False)
class CompareOutcome:
    """The scenarios run (baseline first), their comparison, and where the outputs went."""

    outcome: RunOutcome
    comparison: ScenarioComparison

    @property
    def runs(self) -> tuple[ScenarioRun, ...]:
        return self.outcome.runs

    @property
    def report(self) -> Path:
        return self.outcome.report

    @property
    def workbook(self) -> Path:
        return self.outcome.workbook

    def as_document(self) -> dict[str, Any]:
        return self.outcome.as_document()


def comparison_of(runs: Sequence[ScenarioRun]) -> ScenarioComparison:
    """Each later scenario against the first, run by run."""
    names = [r.name for r in runs]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise UserError(
            f"two scenarios are named {', '.join(map(repr, clashes))}: give each compared "
            "scenario its own `name`, so that its figures can be told apart"
        )
    first = runs[0]
    return compare_scenarios_runs(
        first.name,
        {r.name: r.measures() for r in runs},
        first.measure_years(),
        tolerance_fte=GAP_THRESHOLD_HOURS / first.gap.summary.task_hours_per_fte,
        quantiles=first.gap.summary.quantiles,
    )


def compare_scenarios(
    paths: Sequence[Path],
    *,
    out: Path,
    runs: int | None = None,
    seed: int | None = None,
    sample: int | None = None,
    plan: bool = False,
    progress: bool = True,
) -> CompareOutcome:
    """Run every scenario in `paths` (the first is the baseline), compare the others with it,
    write the report and workbook to `out` and store each run with its differences."""
    if len(paths) < 2:
        raise UserError("give a baseline scenario and at least one alternative to compare")
    outcome = publish(
        paths,
        out=out,
        runs=runs,
        seed=seed,
        sample=sample,
        plan=plan,
        progress=progress,
        compare=comparison_of,
    )
    if outcome.comparison is None:  # pragma: no cover - publish compares when asked
        raise RuntimeError("the scenarios were not compared")
    return CompareOutcome(outcome, outcome.comparison)


def _amount(measure: str, value: float) -> str:
    if MEASURE_UNITS.get(measure) == "GBP":
        return f"GBP {value / 1e6:+,.1f} million"
    return f"{value:+,.0f} FTE"


def comparison_lines(comparison: ScenarioComparison) -> list[str]:
    """A line per alternative and measure: the difference in the last year, central and 5-95%,
    and the probability that the alternative is better."""
    lines = []
    frame = comparison.differences
    for name in comparison.alternatives:
        mine = frame.filter(frame["scenario"] == name)
        if not mine.height:
            continue
        last = int(mine["year"].max())  # type: ignore[arg-type]
        lines.append(f"[bold]{name}[/bold] against {comparison.baseline}, {last}:")
        for row in mine.filter(mine["year"] == last).iter_rows(named=True):
            measure = row["measure"]
            text = f"  {_MEASURE_WORDS.get(measure, measure)}: {_amount(measure, row['central'])}"
            if row.get("q5") is not None:
                text += f" (5-95%: {_amount(measure, row['q5'])} to {_amount(measure, row['q95'])})"
            if row.get("p_better") is not None:
                text += f", better in {100 * row['p_better']:.0f}% of runs"
            lines.append(text)
    closed = comparison.gap_closed
    if closed.height:
        last = int(closed["year"].max())  # type: ignore[arg-type]
        for row in closed.filter(closed["year"] == last).iter_rows(named=True):
            lines.append(
                f"  {row['scenario']}: gap closed in {100 * row['share_closed']:.0f}% of runs "
                f"in {last}"
            )
    return lines


def print_comparison(outcome: CompareOutcome, console: Console) -> None:
    for line in comparison_lines(outcome.comparison):
        console.print(line)

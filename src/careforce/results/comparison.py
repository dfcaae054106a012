"""Differences between scenarios run with common random numbers.

Scenarios run with the same seed, runs, census date and horizon draw the same random numbers in
every run, so run r of an alternative differs from run r of the baseline only by what the
alternative changes. Each difference is therefore taken run by run, before any quantile: the
range of a difference is far narrower than the two scenarios' ranges side by side, and a lever
that changes nothing in a year shows a difference of exactly zero there.

For each measure and year: the central run's difference (run 0), the quantiles of the drawn runs'
differences, and `p_better`, the share of drawn runs in which the alternative is better (less
required workforce, gap or cost; more projected staff). Without drawn runs the quantiles and the
probability are null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from careforce.domain import UserError
from careforce.results.demand_summary import QUANTILES

REQUIRED_FTE = "required_fte"
PROJECTED_FTE = "projected_fte"
GAP_FTE = "gap_fte"
COST_GBP = "cost_gbp"
MEASURES = (REQUIRED_FTE, PROJECTED_FTE, GAP_FTE, COST_GBP)
# Whether a larger value of the measure is better for the region.
HIGHER_IS_BETTER = {REQUIRED_FTE: False, PROJECTED_FTE: True, GAP_FTE: False, COST_GBP: False}
MEASURE_UNITS = {
    REQUIRED_FTE: "FTE",
    PROJECTED_FTE: "FTE",
    GAP_FTE: "FTE",
    COST_GBP: "GBP",
}


@dataclass(frozen=True, slots=True)
class RunSettings:
    """What decides a scenario's random numbers: equal settings make its runs pair."""

    name: str
    seed: int
    runs: int
    sample: int
    census_date: dt.date
    horizon_years: int


def check_paired(baseline: RunSettings, alternatives: Sequence[RunSettings]) -> None:
    """Refuse scenarios whose runs would not pair, saying which setting differs and why."""
    for other in alternatives:
        for label, mine, theirs in (
            ("seed", baseline.seed, other.seed),
            ("runs", baseline.runs, other.runs),
            ("allocated sample", baseline.sample, other.sample),
            ("census date", baseline.census_date, other.census_date),
            ("projection years", baseline.horizon_years, other.horizon_years),
        ):
            if mine != theirs:
                raise UserError(
                    f"cannot compare {other.name!r} with {baseline.name!r}: their {label} "
                    f"differs ({theirs} against {mine}), so run r of one would not meet the same "
                    "random numbers as run r of the other and the differences would not be "
                    "paired; give both the same value (for seed and runs, --seed and --runs)"
                )


def compare_runs(
    baseline: Mapping[str, np.ndarray],
    alternative: Mapping[str, np.ndarray],
    years: Sequence[int] | Mapping[str, Sequence[int]],
    quantiles: Sequence[int] = QUANTILES,
) -> pl.DataFrame:
    """Run-by-run differences (alternative minus baseline) of each measure's values `[r, y]`.

    `years` labels the year axis, for every measure or per measure. Row 0 is the central run;
    the two scenarios must give the same runs of a measure. Returns one row per measure and year:
    measure, year, central, q5.., p_better.
    """
    frames = []
    for measure, base in baseline.items():
        if measure not in alternative:
            continue
        other = np.asarray(alternative[measure], dtype=float)
        base = np.asarray(base, dtype=float)
        if base.shape != other.shape or base.ndim != 2:
            raise ValueError(f"{measure}: runs do not pair (shapes {base.shape} and {other.shape})")
        labels = list(years[measure] if isinstance(years, Mapping) else years)
        if len(labels) != base.shape[1]:
            raise ValueError(f"{measure}: {len(labels)} years for {base.shape[1]} columns")
        frames.append(_differences(measure, labels, other - base, quantiles))
    if not frames:
        return _empty(quantiles)
    return pl.concat(frames)


def _differences(
    measure: str, years: Sequence[int], difference: np.ndarray, quantiles: Sequence[int]
) -> pl.DataFrame:
    drawn = difference[1:]
    columns: dict[str, object] = {
        "measure": [measure] * len(years),
        "year": list(years),
        "central": difference[0],
    }
    if len(drawn):
        found = np.percentile(drawn, list(quantiles), axis=0)
        for i, q in enumerate(quantiles):
            columns[f"q{q}"] = found[i]
        better = drawn > 0 if HIGHER_IS_BETTER.get(measure, False) else drawn < 0
        columns["p_better"] = better.mean(axis=0)
    else:
        for q in quantiles:
            columns[f"q{q}"] = [None] * len(years)
        columns["p_better"] = [None] * len(years)
    return pl.DataFrame(columns, schema=_schema(quantiles))


def _schema(quantiles: Sequence[int]) -> dict[str, pl.DataType]:
    return {
        "measure": pl.String(),
        "year": pl.Int64(),
        "central": pl.Float64(),
        **{f"q{q}": pl.Float64() for q in quantiles},
        "p_better": pl.Float64(),
    }


def _empty(quantiles: Sequence[int]) -> pl.DataFrame:
    return pl.DataFrame(schema=_schema(quantiles))


def share_gap_closed(gap_fte: np.ndarray, tolerance_fte: float) -> np.ndarray:
    """[y] share of drawn runs (all runs when there are none) whose gap is at most the
    tolerance: the chance the region's need is met that year."""
    values = np.asarray(gap_fte, dtype=float)
    runs = values[1:] if len(values) > 1 else values
    return np.asarray((runs <= tolerance_fte).mean(axis=0), dtype=float)


@dataclass(frozen=True)
class ScenarioComparison:
    """Each alternative against the baseline, run by run.

    `differences`: scenario (the alternative), measure, year, central, q5..q95, p_better.
    `gap_closed`: scenario (the baseline too), year, share_closed. `runs`: paired runs used per
    measure, the central run included.
    """

    baseline: str
    alternatives: tuple[str, ...]
    differences: pl.DataFrame
    gap_closed: pl.DataFrame
    runs: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def stored_rows(self, scenario: str) -> pl.DataFrame:
        """One scenario's rows in the store's long form (table_name, year, key, measure,
        central, q5..q95): its differences from the baseline (key: the baseline's name), the
        probability it is better (`p_better_<measure>`, central only) and its share of runs with
        the gap closed."""
        quantile_columns = [c for c in self.differences.columns if c.startswith("q")]
        mine = self.differences.filter(pl.col("scenario") == scenario)
        differences = mine.select(
            pl.lit("difference_from_baseline").alias("table_name"),
            "year",
            pl.lit(self.baseline).alias("key"),
            "measure",
            "central",
            *quantile_columns,
        )
        better = mine.select(
            pl.lit("difference_from_baseline").alias("table_name"),
            "year",
            pl.lit(self.baseline).alias("key"),
            (pl.lit("p_better_") + pl.col("measure")).alias("measure"),
            pl.col("p_better").alias("central"),
            *(pl.lit(None, dtype=pl.Float64).alias(c) for c in quantile_columns),
        )
        parts = [differences, better]
        if self.gap_closed.height:
            parts.append(
                self.gap_closed.filter(pl.col("scenario") == scenario).select(
                    pl.lit("gap_closed").alias("table_name"),
                    "year",
                    pl.lit("region").alias("key"),
                    pl.lit("share_closed").alias("measure"),
                    pl.col("share_closed").alias("central"),
                    *(pl.lit(None, dtype=pl.Float64).alias(c) for c in quantile_columns),
                )
            )
        return pl.concat(parts)

    def as_document(self) -> dict[str, object]:
        return {
            "baseline": self.baseline,
            "alternatives": list(self.alternatives),
            "runs": dict(self.runs),
            "notes": list(self.notes),
            "differences": self.differences.to_dicts(),
            "gap_closed": self.gap_closed.to_dicts(),
        }


def compare_scenarios_runs(
    baseline: str,
    measures: Mapping[str, Mapping[str, np.ndarray]],
    years: Mapping[str, Sequence[int]],
    *,
    tolerance_fte: float,
    quantiles: Sequence[int] = QUANTILES,
) -> ScenarioComparison:
    """The comparison of every scenario in `measures` (name -> measure -> `[r, y]`, in order,
    the baseline among them) with the baseline; `years` labels each measure's year axis."""
    base = measures[baseline]
    alternatives = tuple(name for name in measures if name != baseline)
    frames = [
        compare_runs(base, measures[name], years, quantiles).select(
            pl.lit(name).alias("scenario"), pl.all()
        )
        for name in alternatives
    ]
    empty = _empty(quantiles).select(pl.lit("").alias("scenario"), pl.all()).clear()
    differences = pl.concat(frames) if frames else empty
    closed = [
        pl.DataFrame(
            {
                "scenario": [name] * len(years[GAP_FTE]),
                "year": list(years[GAP_FTE]),
                "share_closed": share_gap_closed(values[GAP_FTE], tolerance_fte),
            },
            schema={"scenario": pl.String, "year": pl.Int64, "share_closed": pl.Float64},
        )
        for name, values in measures.items()
        if GAP_FTE in values
    ]
    runs = {m: int(np.asarray(v).shape[0]) for m, v in base.items()}
    drawn = {m: n - 1 for m, n in runs.items()}
    notes = (
        "differences are the alternative less the baseline, taken run by run (common random "
        "numbers): run r of each scenario drew the same random numbers",
        "central: the central run's difference; q5 to q95: quantiles of the drawn runs' "
        "differences; p_better: the share of drawn runs in which the alternative is better",
        f"required and projected FTE and cost over {drawn.get(PROJECTED_FTE, 0)} drawn runs; "
        f"the gap over the {drawn.get(GAP_FTE, 0)} drawn runs allocated",
        f"the gap is closed in a run when it is at most {tolerance_fte:.4f} FTE (an hour a year)",
    )
    return ScenarioComparison(
        baseline=baseline,
        alternatives=alternatives,
        differences=differences,
        gap_closed=pl.concat(closed) if closed else pl.DataFrame(),
        runs=runs,
        notes=notes,
    )


def long_results(
    frame: pl.DataFrame, table: str, key: str | None, measure: str, prefix: str, names: str = "p"
) -> pl.DataFrame:
    """Rows of a summary frame in the store's long form; `prefix` and `names` spell its columns
    (`fte_central`, `fte_p5`.. or `central`, `q5`..)."""
    values = {"central": f"{prefix}central"} | {f"q{q}": f"{prefix}{names}{q}" for q in QUANTILES}
    return frame.select(
        pl.lit(table).alias("table_name"),
        pl.col("year").cast(pl.Int64),
        (pl.col(key).cast(pl.String) if key else pl.lit("region")).alias("key"),
        pl.lit(measure).alias("measure"),
        *(
            (pl.col(source) if source in frame.columns else pl.lit(None)).cast(pl.Float64).alias(n)
            for n, source in values.items()
        ),
    )

"""Differences between scenarios are taken run by run (common random numbers), on hand-made runs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from careforce.domain import UserError
from careforce.results.comparison import (
    RunSettings,
    check_paired,
    compare_runs,
    compare_scenarios_runs,
    share_gap_closed,
)

YEARS = (2026, 2027, 2028)
# [run, year]: run 0 central, runs 1..4 drawn
BASE = np.array(
    [[10.0, 12.0, 14.0], [9.0, 11.0, 20.0], [11.0, 13.0, 8.0], [10.0, 15.0, 30.0], [8.0, 9.0, 1.0]]
)


def test_central_is_the_central_runs_difference_and_quantiles_are_of_run_differences() -> None:
    shift = np.array(
        [[0.0, 1.0, 2.0], [0.0, 2.0, 1.0], [0.0, 3.0, 4.0], [0.0, 4.0, 3.0], [0.0, 5.0, 6.0]]
    )
    frame = compare_runs({"gap_fte": BASE}, {"gap_fte": BASE + shift}, YEARS, (5, 50, 95))
    assert frame.columns == ["measure", "year", "central", "q5", "q50", "q95", "p_better"]
    rows = {r["year"]: r for r in frame.iter_rows(named=True)}
    assert rows[2027]["central"] == 1.0
    # the drawn runs' differences in 2027 are 2, 3, 4, 5: their median is 3.5, whatever the
    # spread of the two scenarios themselves (9 to 15)
    assert rows[2027]["q50"] == pytest.approx(3.5)
    assert rows[2027]["q5"] == pytest.approx(np.percentile([2, 3, 4, 5], 5))
    assert rows[2026]["central"] == rows[2026]["q5"] == rows[2026]["q95"] == 0.0
    # a larger gap is worse: the alternative is never better where it adds to the gap
    assert rows[2027]["p_better"] == 0.0
    assert rows[2026]["p_better"] == 0.0  # equal is not better


def test_better_follows_the_measures_direction() -> None:
    more = BASE.copy()
    more[1:3] += 1.0  # two of the four drawn runs gain
    frame = compare_runs(
        {"projected_fte": BASE, "cost_gbp": BASE},
        {"projected_fte": more, "cost_gbp": more},
        YEARS,
    )
    p = {r["measure"]: r["p_better"] for r in frame.filter(pl.col("year") == 2028).to_dicts()}
    assert p == {"projected_fte": 0.5, "cost_gbp": 0.0}


def test_pairing_is_run_by_run_not_sorted() -> None:
    """Swapping two drawn runs of the alternative changes the differences: runs are paired by
    index, not by rank."""
    swapped = BASE[[0, 2, 1, 3, 4]]
    frame = compare_runs({"gap_fte": BASE}, {"gap_fte": swapped}, YEARS, (50,))
    row = frame.filter(pl.col("year") == 2028).row(0, named=True)
    assert row["central"] == 0.0
    # differences in 2028: -12, 12, 0, 0: median 0 but not all zero
    assert row["q50"] == 0.0
    assert row["p_better"] == 0.25


def test_without_drawn_runs_the_range_is_null() -> None:
    frame = compare_runs({"gap_fte": BASE[:1]}, {"gap_fte": BASE[:1] - 1}, YEARS)
    assert frame["central"].to_list() == [-1.0, -1.0, -1.0]
    assert frame["q5"].null_count() == frame["p_better"].null_count() == 3


def test_runs_that_do_not_pair_are_refused() -> None:
    with pytest.raises(ValueError, match="do not pair"):
        compare_runs({"gap_fte": BASE}, {"gap_fte": BASE[:3]}, YEARS)


def test_per_measure_years() -> None:
    frame = compare_runs(
        {"cost_gbp": BASE[:, 1:]}, {"cost_gbp": BASE[:, 1:]}, {"cost_gbp": (2027, 2028)}
    )
    assert frame["year"].to_list() == [2027, 2028]


def _settings(**change: object) -> RunSettings:
    base = {
        "name": "Baseline",
        "seed": 1,
        "runs": 10,
        "sample": 2,
        "census_date": dt.date(2026, 3, 31),
        "horizon_years": 10,
    }
    return RunSettings(**(base | change))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"seed": 2}, "seed"),
        ({"runs": 20}, "runs"),
        ({"sample": 5}, "allocated sample"),
        ({"census_date": dt.date(2025, 3, 31)}, "census date"),
        ({"horizon_years": 5}, "projection years"),
    ],
)
def test_scenarios_that_would_not_pair_are_refused_saying_why(
    change: dict[str, object], named: str
) -> None:
    with pytest.raises(UserError, match=f"their {named} differs.*would not be paired"):
        check_paired(_settings(), [_settings(name="Other"), _settings(name="Alt", **change)])
    check_paired(_settings(), [_settings(name="Other")])  # equal settings pair


def test_share_of_runs_with_the_gap_closed_counts_drawn_runs() -> None:
    gap = np.array([[5.0, 0.0], [0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    assert share_gap_closed(gap, 0.5).tolist() == [0.75, 0.75]


def test_scenario_comparison_frame_and_its_stored_rows() -> None:
    measures = {
        "Baseline": {"gap_fte": BASE, "projected_fte": BASE},
        "More": {"gap_fte": BASE - 1, "projected_fte": BASE + 1},
    }
    years = {"gap_fte": YEARS, "projected_fte": YEARS}
    comparison = compare_scenarios_runs("Baseline", measures, years, tolerance_fte=0.5)
    assert comparison.alternatives == ("More",)
    assert comparison.differences.columns == [
        "scenario", "measure", "year", "central", "q5", "q25", "q50", "q75", "q95", "p_better"
    ]  # fmt: skip
    assert set(comparison.differences["scenario"]) == {"More"}
    assert comparison.differences["p_better"].to_list() == [1.0] * 6
    assert comparison.runs == {"gap_fte": 5, "projected_fte": 5}
    assert set(comparison.gap_closed["scenario"]) == {"Baseline", "More"}
    rows = comparison.stored_rows("More")
    assert set(rows["table_name"]) == {"difference_from_baseline", "gap_closed"}
    assert set(rows["key"]) == {"Baseline", "region"}
    better = rows.filter(pl.col("measure") == "p_better_gap_fte")
    assert better["central"].to_list() == [1.0, 1.0, 1.0]

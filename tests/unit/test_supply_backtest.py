"""The back-test: fit on the first years of history, predict the next year's flows, score them."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import polars as pl
import pytest

from careforce.supply import rates_defaults as defaults
from careforce.supply.backtest import backtest
from careforce.supply.rates_history import Period

D = dt.date
CENSUS = D(2025, 3, 31)
HISTORY = Period.ending_on(CENSUS, 3)  # 2022-23, 2023-24, 2024-25
NURSES = "registered_nursing_midwifery"
ROLE_GROUPS = pl.DataFrame({"role_id": ["rn_adult"], "staff_group": [NURSES]})
SCHEMA: dict[str, Any] = {
    "person_key": pl.String,
    "role_id": pl.String,
    "sector": pl.String,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "leaving_reason": pl.String,
    "year_of_birth": pl.Int64,
    "age_band": pl.String,
    "fte": pl.Float64,
}


def post(person: str, start: dt.date, end: dt.date | None = None) -> dict[str, Any]:
    return {
        "person_key": person,
        "role_id": "rn_adult",
        "sector": "nhs",
        "start_date": start,
        "end_date": end,
        "leaving_reason": "resignation_left_sector" if end else None,
        "year_of_birth": 1985,  # 35-44 throughout
        "age_band": None,
        "fte": 1.0,
    }


def small_history() -> pl.DataFrame:
    """14 nurses in post at every year end: one leaves and one joins in each of the first two
    years; two leave and one joins in the third."""
    long_ago = D(2010, 1, 1)
    rows = [post(f"s{i}", long_ago) for i in range(10)]
    rows += [post("L1", long_ago, D(2022, 9, 30)), post("J1", D(2022, 10, 1))]
    rows += [post("L2", long_ago, D(2023, 9, 30)), post("J2", D(2023, 10, 1))]
    rows += [post("L3", long_ago, D(2024, 9, 30)), post("L4", long_ago, D(2024, 9, 30))]
    rows += [post("J3", D(2024, 10, 1))]
    return pl.DataFrame(rows, schema=SCHEMA)


def test_fit_on_two_years_predicts_the_third_from_its_starting_stock() -> None:
    result = backtest(small_history(), ROLE_GROUPS, HISTORY, fit_years=2, k=0)
    assert result.fit == Period(D(2022, 4, 1), D(2024, 4, 1))
    assert result.test == Period(D(2024, 4, 1), D(2025, 4, 1))
    leavers = result.cells.filter(pl.col("flow") == "leavers").to_dicts()
    assert len(leavers) == 1
    (row,) = leavers
    # fitted rate 2 leavers / 28 person-years; 14 in post on 31 March 2024
    assert (row["age_band"], row["headcount_start"], row["actual"]) == ("35-44", 14, 2)
    assert row["rate"] == pytest.approx(2 / 28) and row["predicted"] == pytest.approx(1.0)
    published = defaults.default_leaver_rate(NURSES, "35-44").central
    assert row["published_predicted"] == pytest.approx(14 * published)
    assert result.figure("leavers", "total_error") == pytest.approx(-0.5)
    assert result.figure("leavers", "wape") == pytest.approx(0.5)
    assert result.figure("joiners", "predicted") == pytest.approx(1.0)
    assert result.figure("joiners", "total_abs_error") == pytest.approx(0.0)
    by_group = result.by_staff_group.filter(pl.col("flow") == "leavers").to_dicts()
    assert [(r["staff_group"], r["actual"], r["wape"]) for r in by_group] == [(NURSES, 2, 0.5)]


def test_summary_lists_every_measure_for_both_flows() -> None:
    result = backtest(small_history(), ROLE_GROUPS, HISTORY)
    assert result.summary["flow"].to_list() == ["leavers", "joiners"]
    assert result.summary.columns == [
        "flow",
        "cells",
        "actual",
        "predicted",
        "total_error",
        "total_abs_error",
        "wape",
        "published_total_abs_error",
        "published_wape",
    ]
    with pytest.raises(KeyError):
        result.figure("leavers", "nonsense")


def test_the_test_year_must_follow_the_fitted_years() -> None:
    with pytest.raises(ValueError, match="cannot split"):
        backtest(small_history(), ROLE_GROUPS, HISTORY, fit_years=3)


def steady_history(rate: float, size: int, seed: int) -> pl.DataFrame:
    """A stock of `size` kept steady for three years: each person in post at a year's start leaves
    in it with probability `rate`, and is replaced the next day."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    in_post = [(f"p{i}", D(2010, 1, 1)) for i in range(size)]
    for year in HISTORY.years():
        days = (year.last_day - year.start).days
        stayed = []
        for person, start in in_post:
            if rng.random() < rate:
                end = year.start + dt.timedelta(days=int(rng.integers(0, days)))
                rows.append(post(person, start, end))
                stayed.append((f"{person}+", end + dt.timedelta(days=1)))
            else:
                stayed.append((person, start))
        in_post = stayed
    rows += [post(person, start) for person, start in in_post]
    return pl.DataFrame(rows, schema=SCHEMA)


def test_steady_rates_are_predicted_within_chance() -> None:
    result = backtest(steady_history(0.15, 3000, seed=7), ROLE_GROUPS, HISTORY)
    actual = result.figure("leavers", "actual")
    assert actual == pytest.approx(0.15 * 3000, rel=0.15)
    chance = 3 * math.sqrt(actual) / actual  # three standard deviations of a Poisson count
    assert result.figure("leavers", "total_abs_error") < chance
    assert result.figure("joiners", "total_abs_error") < chance

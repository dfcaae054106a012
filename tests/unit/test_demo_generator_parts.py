"""The pieces of the demo generator: exact-count draws, the leaver and joiner history, the
population, identifiers and source codes."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import polars as pl
import pytest

from careforce.demo.calibration import load_calibration
from careforce.demo.flows import NO_DATE, FlowRules, StockSpec, Window, unroll
from careforce.demo.identifiers import registration_numbers, regulator_family, source_code
from careforce.demo.nhs import afc_bands, fte_values
from careforce.demo.people import ni_numbers
from careforce.demo.places import population_by_age, population_table
from careforce.demo.sampling import (
    age_at,
    day,
    dob_for_age,
    exact_categorical,
    exact_counts,
    stream,
    top_k_weighted,
)

RULES = FlowRules.from_bands(
    {(16, 54): 0.005, (55, 59): 0.05, (60, 64): 0.15, (65, 67): 0.35, (68, 100): 0.6}, 0.9
)
WINDOW = Window.before(dt.date(2026, 3, 31), 3)
NURSE_BANDS = (
    (21, 24, 0.04),
    (25, 34, 0.22),
    (35, 44, 0.25),
    (45, 54, 0.25),
    (55, 64, 0.22),
    (65, 70, 0.02),
)


def test_exact_counts_add_up_and_follow_shares() -> None:
    assert exact_counts(10, [0.33, 0.33, 0.34]).tolist() == [3, 3, 4]
    assert exact_counts(0, [1.0]).tolist() == [0]
    counts = exact_counts(1001, [0.2, 0.5, 0.3])
    assert counts.sum() == 1001 and np.abs(counts - np.array([200.2, 500.5, 300.3])).max() < 1
    drawn = exact_categorical(np.random.default_rng(1), 100, [0.25, 0.75])
    assert np.bincount(drawn).tolist() == [25, 75]


def test_streams_are_stable_by_name() -> None:
    assert stream(7, "nhs").random() == stream(7, "nhs").random()
    assert stream(7, "nhs").random() != stream(7, "social_care").random()
    assert stream(7, "nhs").random() != stream(8, "nhs").random()


def test_top_k_never_picks_a_zero_weight() -> None:
    rng = np.random.default_rng(3)
    picked = top_k_weighted(rng, np.array([0.0, 1.0, 2.0, 0.0, 5.0]), 5)
    assert sorted(picked.tolist()) == [1, 2, 4]


def test_dates_of_birth_give_the_ages_asked_for() -> None:
    rng = np.random.default_rng(5)
    ages = rng.integers(16, 100, size=20_000)
    when = day(dt.date(2026, 3, 31))
    assert (age_at(dob_for_age(rng, ages, when), when) == ages).all()


def _rates(history: object, window: Window) -> tuple[list[float], list[float], list[int]]:
    h = history
    non, retired, stock = [], [], []
    for y in range(3):
        first, after = window.starts[y], window.starts[y + 1]
        in_post = (h.start <= first) & ((h.end == NO_DATE) | (h.end >= first))  # type: ignore[attr-defined]
        leaving = in_post & (h.end != NO_DATE) & (h.end < after)  # type: ignore[attr-defined]
        retiring = leaving & (h.reason == "retirement")  # type: ignore[attr-defined]
        stock.append(int(in_post.sum()))
        non.append((leaving & ~retiring).sum() / in_post.sum())
        retired.append(retiring.sum() / in_post.sum())
    return non, retired, stock


@pytest.mark.parametrize(("rate", "growth"), [(0.088, 0.027), (0.285, -0.0075), (0.05, 0.0)])
def test_history_reproduces_leaver_rates_and_growth(rate: float, growth: float) -> None:
    spec = StockSpec(6000, NURSE_BANDS, rate, ("resignation_left_sector",), (1.0,), growth)
    history = unroll(np.random.default_rng(11), spec, RULES, WINDOW)
    assert history.in_census.sum() == 6000
    ages = age_at(history.dob[history.in_census], WINDOW.census)
    assert abs((ages >= 55).mean() - 0.24) < 0.005  # the census profile is exact
    non, retired, stock = _rates(history, WINDOW)
    assert all(abs(r - rate) < 0.012 for r in non)
    assert all(0.01 < r < 0.06 for r in retired)
    stock.append(6000)
    yearly = [b / a - 1 for a, b in itertools.pairwise(stock)]
    assert all(abs(g - growth) < 0.01 for g in yearly)
    ended = history.end != NO_DATE
    assert (history.start[ended] <= history.end[ended]).all()
    assert (history.start <= WINDOW.census).all() and (history.end[ended] < WINDOW.census).all()
    assert set(history.reason[ended]) == {"resignation_left_sector", "retirement"}


def test_history_of_an_empty_stock_is_empty() -> None:
    spec = StockSpec(0, NURSE_BANDS, 0.1, ("other",), (1.0,), 0.0)
    assert len(unroll(np.random.default_rng(1), spec, RULES, WINDOW)) == 0


def test_population_hits_area_totals_and_shares() -> None:
    cal = load_calibration()
    area = cal.region.areas[2]
    base = population_by_age(area, cal.population, 0)
    assert base.sum() == area.population.value and len(base) == 101
    assert abs(base[65:].sum() / base.sum() - area.share_65_plus.value) < 1e-3
    assert abs(base[85:].sum() / base.sum() - area.share_85_plus.value) < 1e-3
    later = population_by_age(area, cal.population, 10)
    assert abs((later[65:].sum() / base[65:].sum()) ** 0.1 - 1.01) < 1e-3
    table = population_table(cal)
    assert table.height == 3 * 11 * 101 and table["population"].min() >= 0


def test_nhs_fte_values_give_the_published_headcount_ratio() -> None:
    cal = load_calibration()
    values, shares = fte_values(cal)
    assert abs(sum(shares) - 1) < 1e-9
    assert abs(1 / np.dot(values, shares) - cal.nhs.headcount_per_fte.value) < 1e-9


def test_afc_band_ranges() -> None:
    assert afc_bands("5-7") == ["5", "6", "7"]
    assert afc_bands("8a-8c") == ["8a", "8b", "8c"]
    assert afc_bands("9 / VSM") == ["9"]
    assert afc_bands("4 (equivalent)") == ["4"]
    assert afc_bands(None) == [] and afc_bands("NJC") == []


def test_ni_numbers_are_distinct_and_never_issued() -> None:
    numbers = ni_numbers(np.random.default_rng(2), 50_000)
    assert len(set(numbers.tolist())) == 50_000
    assert pl.Series(numbers).str.contains(r"^(TN|NT|ZZ|BG|GB|NK|KN)\d{6}[A-D]$").all()


def test_registration_numbers_follow_the_register() -> None:
    assert regulator_family("NMC") == "NMC"
    assert regulator_family("Social Care Wales register (Wales)") == "SCW"
    assert regulator_family(None) is None
    numbers = registration_numbers(
        pl.Series(["rn_adult", "consultant_physician", "hcsw", "social_worker"]),
        pl.Series([123456, 123456, 123456, 654321]),
    ).to_list()
    assert numbers == ["12X3456E", "0123456", None, "SCW0654321"]


def test_source_codes_come_from_the_bundled_mapping() -> None:
    assert source_code("esr", "rn_adult") == "OC005"
    assert source_code("social_care", "sc_care_worker_dom") == "JR002"
    assert source_code("volunteer", "volunteer") == "VR003"
    assert (
        source_code("esr", "sc_care_worker_dom") == "sc_care_worker_dom"
    )  # no ESR code: the role id

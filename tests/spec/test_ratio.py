"""Spec: ratio staffing, acuity multipliers, roster establishments, care hours and growth."""

from __future__ import annotations

import numpy as np
import pytest

from careforce.demand.care_hours import (
    allocated_care_hours,
    care_hours_balance,
    required_care_hours,
)
from careforce.demand.needs import compound_annual_growth_rate, grow, share_of_need_met
from careforce.demand.ratio import (
    fte_for_places,
    roster_establishment,
    uplift_from_time_lost,
    wte_per_patient,
)

# places, [share nursing, share residential], [fte per place nursing, residential] -> FTE
PLACES_TABLE = [
    (100, [0.4, 0.6], [0.25, 0.9], 100 * (0.4 * 0.25 + 0.6 * 0.9)),  # 64
    (0, [0.4, 0.6], [0.25, 0.9], 0.0),
    (30, [1.0, 0.0], [1.5, 0.9], 45.0),
]


@pytest.mark.parametrize(("places", "shares", "fte", "expected"), PLACES_TABLE)
def test_fte_for_places(
    places: float, shares: list[float], fte: list[float], expected: float
) -> None:
    assert float(fte_for_places(places, shares, fte)) == pytest.approx(expected)


def test_fte_for_places_broadcasts_runs_and_areas() -> None:
    places = np.array([[100.0, 50.0], [80.0, 40.0]])  # run x area
    shares = np.array([[[0.4, 0.6]], [[0.5, 0.5]]])  # run x 1 x level
    got = fte_for_places(places, shares, [0.25, 0.9])
    assert got.shape == (2, 2)
    np.testing.assert_allclose(got, [[64.0, 32.0], [46.0, 23.0]])


# hours per patient day, uplift, hours a week of one WTE -> WTE per patient
HPPD_TABLE = [
    (4.35, 0.22, 37.5, 4.35 * 7 * 1.22 / 37.5),  # 0.9906
    (24.0, 0.22, 37.5, 5.4656),
    (7.5, 0.0, 37.5, 1.4),
    (5.0, 0.2, 40.0, 1.05),
]


@pytest.mark.parametrize(("hppd", "uplift", "week", "expected"), HPPD_TABLE)
def test_wte_per_patient(hppd: float, uplift: float, week: float, expected: float) -> None:
    got = float(wte_per_patient(hppd, uplift=uplift, hours_per_week=week))
    assert got == pytest.approx(expected, abs=5e-5)


def test_roster_establishment_by_hand() -> None:
    """Early 3 x 7.5 h, late 3 x 7.5 h, night 2 x 10 h, 7 days: 455 h, x 1.22 = 555.1 h,
    / 37.5 = 14.80 WTE."""
    out = roster_establishment([7.5, 7.5, 10], [3, 3, 2], uplift=0.22)
    assert out.hours_per_week_by_shift.tolist() == [157.5, 157.5, 140.0]
    assert float(out.total_hours_per_week) == 455.0
    assert float(out.hours_with_uplift) == pytest.approx(555.1)
    assert float(out.wte) == pytest.approx(14.8027, abs=5e-5)


def test_roster_for_a_five_day_unit_on_a_40_hour_week() -> None:
    out = roster_establishment([8.0], [4], uplift=0.25, days_per_week=5, hours_per_week=40)
    assert (float(out.total_hours_per_week), float(out.wte)) == pytest.approx((160.0, 5.0))


# share of paid time lost -> multiplicative uplift
UPLIFT_TABLE = [(0.0, 0.0), (0.2, 0.25), (0.22, 0.22 / 0.78), (0.5, 1.0)]


@pytest.mark.parametrize(("lost", "uplift"), UPLIFT_TABLE)
def test_uplift_from_time_lost(lost: float, uplift: float) -> None:
    assert float(uplift_from_time_lost(lost)) == pytest.approx(uplift)


def test_time_lost_of_all_time_is_refused() -> None:
    with pytest.raises(ValueError):
        uplift_from_time_lost(1.0)


def test_required_and_allocated_care_hours() -> None:
    """Two days, grades (RN, student) weighted 1.0 and 0.5, 8-hour shifts."""
    required = required_care_hours([40, 30], [20, 10])
    allocated = allocated_care_hours([[6, 2], [4, 1]], [1.0, 0.5], 8)
    assert required.tolist() == [60.0, 40.0]
    assert allocated.tolist() == [56.0, 36.0]
    assert care_hours_balance(required, allocated).tolist() == pytest.approx([-4 / 56, -4 / 36])


# start, end, years -> compound annual growth
GROWTH_TABLE = [(100, 121, 2, 0.10), (100, 100, 5, 0.0), (200, 100, 1, -0.5), (1000, 1628.894627, 10, 0.05)]  # fmt: skip


@pytest.mark.parametrize(("start", "end", "years", "rate"), GROWTH_TABLE)
def test_compound_annual_growth_rate(start: float, end: float, years: float, rate: float) -> None:
    assert float(compound_annual_growth_rate(start, end, years)) == pytest.approx(rate, abs=1e-9)
    assert float(grow(start, rate, years)) == pytest.approx(end, rel=1e-9)


def test_share_of_need_met() -> None:
    assert share_of_need_met([67, 150], 100).tolist() == [0.67, 1.5]

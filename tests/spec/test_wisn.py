"""Spec: available working time and WHO WISN (METHODS sections 1 and 2), small tables by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from careforce.demand.awt import (
    AvailableWorkingTime,
    available_working_time,
    sick_leave_days_from_rate,
)
from careforce.demand.wisn import (
    CategoryAllowance,
    HealthServiceActivity,
    IndividualAllowance,
    Period,
    WisnInputs,
    WisnReading,
    hours_per_year,
    read_wisn_ratio,
    round_whole_staff,
    wisn,
)

# working days a week, hours a day, holidays, annual leave, sick, other -> AWT days, AWT hours
AWT_TABLE = [
    (5, 8, 10, 30, 15, 0, 205, 1640),
    (5, 7.5, 8, 27, 10, 5, 210, 1575),
    (6, 6, 12, 21, 0, 0, 279, 1674),
    (4, 10, 0, 0, 0, 0, 208, 2080),
]


@pytest.mark.parametrize(
    ("week", "day", "hol", "annual", "sick", "other", "days", "hours"), AWT_TABLE
)
def test_available_working_time(
    week: float,
    day: float,
    hol: float,
    annual: float,
    sick: float,
    other: float,
    days: float,
    hours: float,
) -> None:
    awt = available_working_time(
        working_days_per_week=week,
        hours_per_day=day,
        public_holidays_days=hol,
        annual_leave_days=annual,
        sick_leave_days=sick,
        other_leave_days=other,
    )
    assert (awt.days, awt.hours) == pytest.approx((days, hours))


def test_sickness_as_a_rate_is_a_share_of_working_days_before_leave() -> None:
    assert sick_leave_days_from_rate(0.05, 5) == pytest.approx(13.0)  # 5% of 260 days
    assert sick_leave_days_from_rate(0.04, 5, weeks_per_year=52.2) == pytest.approx(10.44)


def test_no_time_left_is_refused() -> None:
    with pytest.raises(ValueError, match="no working days"):
        available_working_time(working_days_per_week=1, hours_per_day=8, annual_leave_days=60)


AWT = AvailableWorkingTime(days=205, hours=1640, working_days_per_week=5)  # 41 working weeks

# hours, per -> hours a year on AWT 205 days of 8 hours, 5 days a week
PERIOD_TABLE = [
    (1.0, Period.DAY, 205.0),
    (2.0, Period.WEEK, 82.0),
    (4.0, Period.MONTH, 48.0),
    (120.0, Period.YEAR, 120.0),
]


@pytest.mark.parametrize(("hours", "per", "a_year"), PERIOD_TABLE)
def test_time_per_period_to_hours_a_year(hours: float, per: Period, a_year: float) -> None:
    assert hours_per_year(hours, per, AWT) == pytest.approx(a_year)


# activity standard -> standard workload (activities a year) on 205 days, 1640 hours
STANDARD_TABLE = [
    (HealthServiceActivity("a", 1, unit_time_minutes=15), 6560.0),
    (HealthServiceActivity("b", 1, unit_time_minutes=60), 1640.0),
    (HealthServiceActivity("c", 1, rate_per_hour=3), 4920.0),
    (HealthServiceActivity("d", 1, rate_per_day=4), 820.0),
]


@pytest.mark.parametrize(("activity", "standard"), STANDARD_TABLE)
def test_standard_workload(activity: HealthServiceActivity, standard: float) -> None:
    assert activity.standard_workload(AWT) == pytest.approx(standard)


def nurse_example(existing: float = 12) -> WisnInputs:
    return WisnInputs(
        staff_category="Nurse",
        facility="Health centre",
        available_working_time=AWT,
        health_service_activities=(
            HealthServiceActivity("Outpatient consultation", 100_000, unit_time_minutes=15),
            HealthServiceActivity("Home visit", 2_000, rate_per_day=4),
        ),
        category_allowances=(
            CategoryAllowance("Staff meetings", percent_of_working_time=5),
            CategoryAllowance("Reports", hours=2, per=Period.WEEK),  # 82 h / 1640 h = 5%
        ),
        individual_allowances=(IndividualAllowance("Supervision", 120, Period.YEAR, staff=2),),
        existing_staff=existing,
    )


def test_wisn_worked_example_by_hand() -> None:
    r = wisn(nurse_example())
    a = 100_000 / 6560 + 2_000 / 820  # 15.2439 + 2.4390
    assert r.standard_workloads == {"Outpatient consultation": 6560.0, "Home visit": 820.0}
    assert r.staff_for_health_services == pytest.approx(a, rel=1e-12)
    assert r.category_allowance_percent == pytest.approx(10.0)
    assert r.category_allowance_factor == pytest.approx(1 / 0.9)
    assert r.individual_allowance_factor == pytest.approx(240 / 1640)
    assert r.required_staff == pytest.approx(a / 0.9 + 240 / 1640, rel=1e-12)
    assert r.required_staff == pytest.approx(19.7940, abs=5e-5)
    assert r.required_staff_rounded == 20
    assert r.difference == pytest.approx(12 - r.required_staff)
    assert r.wisn_ratio == pytest.approx(12 / r.required_staff)
    assert r.reading is WisnReading.SHORTAGE


def test_full_precision_is_kept() -> None:
    r = wisn(nurse_example())
    assert r.required_staff != round(r.required_staff, 6)


# required staff -> whole staff (nearest, halves up)
ROUNDING_TABLE = [(0.49, 0), (0.5, 1), (2.5, 3), (3.5, 4), (3.49, 3), (19.794, 20), (7.0, 7)]


@pytest.mark.parametrize(("required", "whole"), ROUNDING_TABLE)
def test_rounding_to_whole_staff(required: float, whole: int) -> None:
    assert round_whole_staff(required) == whole


# ratio -> WHO reading
READING_TABLE = [
    (0.38, WisnReading.SHORTAGE),
    (0.94, WisnReading.SHORTAGE),
    (0.96, WisnReading.BALANCED),
    (1.0, WisnReading.BALANCED),
    (1.04, WisnReading.BALANCED),
    (1.27, WisnReading.SURPLUS),
]


@pytest.mark.parametrize(("ratio", "reading"), READING_TABLE)
def test_reading_of_the_ratio(ratio: float, reading: WisnReading) -> None:
    assert read_wisn_ratio(ratio) is reading


def test_nothing_required_has_no_ratio() -> None:
    inputs = WisnInputs(
        staff_category="Nurse",
        available_working_time=AWT,
        health_service_activities=(HealthServiceActivity("x", 0, unit_time_minutes=10),),
        existing_staff=3,
    )
    r = wisn(inputs)
    assert r.required_staff == 0 and r.wisn_ratio is None and r.difference == 3
    assert r.reading is WisnReading.SURPLUS


def test_allowances_of_all_working_time_are_refused() -> None:
    inputs = WisnInputs(
        staff_category="Nurse",
        available_working_time=AWT,
        health_service_activities=(HealthServiceActivity("x", 10, unit_time_minutes=10),),
        category_allowances=(CategoryAllowance("all day", hours=8, per=Period.DAY),),
        existing_staff=3,
    )
    with pytest.raises(ValueError, match="less than 100%"):
        wisn(inputs)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"unit_time_minutes": 5, "rate_per_hour": 2}, {"unit_time_minutes": 0}],
)
def test_an_activity_needs_exactly_one_positive_standard(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        HealthServiceActivity("x", 10, **kwargs)


def test_required_staff_grows_by_the_extra_workload_over_its_standard() -> None:
    small = nurse_example()
    more = HealthServiceActivity("Outpatient consultation", 110_000, unit_time_minutes=15)
    large = replace(small, health_service_activities=(more, small.health_service_activities[1]))
    extra = wisn(large).required_staff - wisn(small).required_staff
    assert extra == pytest.approx(10_000 / 6560 / 0.9)

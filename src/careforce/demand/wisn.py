"""WHO Workload Indicators of Staffing Need for one staff category (METHODS section 2).

Full precision throughout; only `required_staff_rounded` is rounded (the WHO convention of whole
staff, to the nearest whole number with halves up, as `round_whole_staff` states). The difference
and the WISN ratio use the unrounded required staff, so a display can round them as it shows them.

Time per period becomes time a year on the days actually worked (`hours_per_year`):

| per   | hours a year                                                       |
|-------|--------------------------------------------------------------------|
| day   | x AWT days (the activity happens on each day worked)                |
| week  | x working weeks = AWT days / working days a week (weeks worked)    |
| month | x 12 (monthly activities, such as a monthly meeting, every month)  |
| year  | as given                                                           |
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from careforce.demand.awt import MONTHS_PER_YEAR, AvailableWorkingTime

BALANCED_BAND = 0.05
"""A WISN ratio within 1 +/- this reads as balanced: it shows as 1.0 at one decimal place."""


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


def hours_per_year(hours: float, per: Period, awt: AvailableWorkingTime) -> float:
    """A time per period as hours a year, by the conversion table of this module."""
    if per is Period.DAY:
        return hours * awt.days
    if per is Period.WEEK:
        return hours * awt.working_weeks
    if per is Period.MONTH:
        return hours * MONTHS_PER_YEAR
    return hours


def _positive(name: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be above 0, not {value}")


def _not_negative(name: str, value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must not be negative, not {value}")


@dataclass(frozen=True, slots=True)
class HealthServiceActivity:
    """A health service activity: its annual workload and exactly one activity standard, a unit
    time (minutes per activity) or a rate (activities per hour or per working day)."""

    name: str
    annual_workload: float
    unit_time_minutes: float | None = None
    rate_per_hour: float | None = None
    rate_per_day: float | None = None

    def __post_init__(self) -> None:
        _not_negative(f"{self.name}: annual workload", self.annual_workload)
        given = {
            k: v
            for k, v in (
                ("unit time", self.unit_time_minutes),
                ("rate per hour", self.rate_per_hour),
                ("rate per day", self.rate_per_day),
            )
            if v is not None
        }
        if len(given) != 1:
            raise ValueError(f"{self.name}: give exactly one activity standard, not {len(given)}")
        for label, value in given.items():
            _positive(f"{self.name}: {label}", value)

    def standard_workload(self, awt: AvailableWorkingTime) -> float:
        """Activities one FTE can do in a year: AWT / unit time, or AWT x rate."""
        if self.unit_time_minutes is not None:
            return awt.hours * 60.0 / self.unit_time_minutes
        if self.rate_per_hour is not None:
            return awt.hours * self.rate_per_hour
        assert self.rate_per_day is not None
        return awt.days * self.rate_per_day


@dataclass(frozen=True, slots=True)
class CategoryAllowance:
    """A support activity of every member of the category: a percentage of working time, or an
    actual time (`hours` per `per`)."""

    name: str
    percent_of_working_time: float | None = None
    hours: float | None = None
    per: Period | None = None

    def __post_init__(self) -> None:
        if (self.percent_of_working_time is None) == (self.hours is None):
            raise ValueError(f"{self.name}: give a percentage of working time or a time, not both")
        if self.percent_of_working_time is not None:
            _not_negative(f"{self.name}: percentage", self.percent_of_working_time)
        if self.hours is not None:
            _not_negative(f"{self.name}: hours", self.hours)
            if self.per is None:
                raise ValueError(f"{self.name}: a time needs its period (day, week, month, year)")

    def percent(self, awt: AvailableWorkingTime) -> float:
        """As a percentage of AWT: hours a year / AWT hours x 100."""
        if self.percent_of_working_time is not None:
            return self.percent_of_working_time
        assert self.hours is not None and self.per is not None
        return hours_per_year(self.hours, self.per, awt) / awt.hours * 100.0


@dataclass(frozen=True, slots=True)
class IndividualAllowance:
    """An activity of some staff only: `hours` per `per` for each of `staff` members."""

    name: str
    hours: float
    per: Period
    staff: float

    def __post_init__(self) -> None:
        _not_negative(f"{self.name}: hours", self.hours)
        _not_negative(f"{self.name}: staff", self.staff)

    def hours_a_year(self, awt: AvailableWorkingTime) -> float:
        """Hours a year of all the staff who do it."""
        return hours_per_year(self.hours, self.per, awt) * self.staff


@dataclass(frozen=True, slots=True)
class WisnInputs:
    """Everything WISN needs for one staff category in one facility type."""

    staff_category: str
    available_working_time: AvailableWorkingTime
    health_service_activities: tuple[HealthServiceActivity, ...]
    existing_staff: float
    category_allowances: tuple[CategoryAllowance, ...] = ()
    individual_allowances: tuple[IndividualAllowance, ...] = ()
    facility: str | None = None

    def __post_init__(self) -> None:
        _not_negative("existing staff", self.existing_staff)
        names = [a.name for a in self.health_service_activities]
        if len(set(names)) != len(names):
            raise ValueError("health service activity names must be unique")


class WisnReading(StrEnum):
    """The WHO reading of a WISN ratio (existing / required staff)."""

    SHORTAGE = "shortage"
    BALANCED = "balanced"
    SURPLUS = "surplus"

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    WisnReading.SHORTAGE: "fewer staff than the workload needs; staff are under workload pressure",
    WisnReading.BALANCED: "staff in balance with the workload",
    WisnReading.SURPLUS: "more staff than the workload needs",
}


def round_whole_staff(required_staff: float) -> int:
    """Whole staff, nearest whole number with halves up (2.5 -> 3), never Python's half-even."""
    return math.floor(required_staff + 0.5)


def staffing_difference(existing_staff: float, required_staff: float) -> float:
    """Existing - required: negative is a shortage (the WHO manual's sign)."""
    return existing_staff - required_staff


def wisn_ratio(existing_staff: float, required_staff: float) -> float | None:
    """Existing / required; None when nothing is required (the ratio has no value)."""
    return None if required_staff == 0 else existing_staff / required_staff


def read_wisn_ratio(ratio: float | None, existing_staff: float = 0.0) -> WisnReading:
    """Balanced within `BALANCED_BAND` of 1; below is a shortage, above a surplus. With no
    ratio (nothing required), any existing staff are a surplus."""
    if ratio is None:
        return WisnReading.SURPLUS if existing_staff > 0 else WisnReading.BALANCED
    if ratio < 1.0 - BALANCED_BAND:
        return WisnReading.SHORTAGE
    if ratio > 1.0 + BALANCED_BAND:
        return WisnReading.SURPLUS
    return WisnReading.BALANCED


@dataclass(frozen=True, slots=True)
class WisnResult:
    """WISN for one staff category, unrounded except `required_staff_rounded`."""

    staff_category: str
    facility: str | None
    available_working_time_days: float
    available_working_time_hours: float
    standard_workloads: Mapping[str, float]
    staff_for_health_services: float
    category_allowance_percent: float
    category_allowance_factor: float
    individual_allowance_factor: float
    required_staff: float
    required_staff_rounded: int
    existing_staff: float
    difference: float
    wisn_ratio: float | None
    reading: WisnReading


def category_allowance_factor(category_allowance_percent: float) -> float:
    """CAF = 1 / (1 - CAS% / 100); undefined when allowances take all working time."""
    if category_allowance_percent >= 100.0:
        raise ValueError(
            f"category allowances take {category_allowance_percent:g}% of working time: "
            "they must take less than 100%"
        )
    return 1.0 / (1.0 - category_allowance_percent / 100.0)


def wisn(inputs: WisnInputs) -> WisnResult:
    """Required staff `R = A x CAF + IAF` (METHODS 2), with the difference and ratio."""
    awt = inputs.available_working_time
    standard = {a.name: a.standard_workload(awt) for a in inputs.health_service_activities}
    staff_for_services = math.fsum(
        a.annual_workload / standard[a.name] for a in inputs.health_service_activities
    )
    cas_percent = math.fsum(c.percent(awt) for c in inputs.category_allowances)
    caf = category_allowance_factor(cas_percent)
    iaf = math.fsum(i.hours_a_year(awt) for i in inputs.individual_allowances) / awt.hours
    required = staff_for_services * caf + iaf
    ratio = wisn_ratio(inputs.existing_staff, required)
    return WisnResult(
        staff_category=inputs.staff_category,
        facility=inputs.facility,
        available_working_time_days=awt.days,
        available_working_time_hours=awt.hours,
        standard_workloads=standard,
        staff_for_health_services=staff_for_services,
        category_allowance_percent=cas_percent,
        category_allowance_factor=caf,
        individual_allowance_factor=iaf,
        required_staff=required,
        required_staff_rounded=round_whole_staff(required),
        existing_staff=inputs.existing_staff,
        difference=staffing_difference(inputs.existing_staff, required),
        wisn_ratio=ratio,
        reading=read_wisn_ratio(ratio, inputs.existing_staff),
    )

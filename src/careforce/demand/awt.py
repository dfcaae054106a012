"""Available working time (AWT) of one full-time equivalent (METHODS section 1).

Two conventions are in use and both are kept explicit:

- `available_working_time`: WHO WISN style, from working days less days away. Working days a year
  are `working_days_per_week x weeks_per_year` (52 unless stated); holidays, annual leave,
  sickness and other leave are subtracted in days; hours are days x `hours_per_day`.
- `available_hours_from_contract_deductions`: each deduction is a percentage of the *contract*
  hours, all taken from the same base (not one after another on what remains). This is how the
  Dutch capacity-management model states nursing AWT (BMC Health Services Research 7:196).

Both are per FTE: headcount never enters here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

WEEKS_PER_YEAR = 52.0
MONTHS_PER_YEAR = 12.0


@dataclass(frozen=True, slots=True)
class AvailableWorkingTime:
    """AWT of one FTE in days and hours a year, with the working week it was counted on.

    `working_days_per_week` is kept because a time given per week (a weekly meeting) becomes a
    time a year by the number of weeks actually worked: `days / working_days_per_week`.
    """

    days: float
    hours: float
    working_days_per_week: float = 5.0

    def __post_init__(self) -> None:
        for name in ("days", "hours", "working_days_per_week"):
            value = getattr(self, name)
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"available working time: {name} must be above 0, not {value}")

    @property
    def hours_per_day(self) -> float:
        return self.hours / self.days

    @property
    def working_weeks(self) -> float:
        """Weeks actually worked a year: AWT days over working days a week."""
        return self.days / self.working_days_per_week


def working_days_per_year(
    working_days_per_week: float, weeks_per_year: float = WEEKS_PER_YEAR
) -> float:
    """`D_work` of METHODS 1: contract working days before any day away."""
    return working_days_per_week * weeks_per_year


def sick_leave_days_from_rate(
    sick_leave_rate: float,
    working_days_per_week: float,
    weeks_per_year: float = WEEKS_PER_YEAR,
) -> float:
    """Sickness given as a share of working days (`D_work`, before holidays and leave) in days."""
    if not 0 <= sick_leave_rate < 1:
        raise ValueError(f"sick leave rate must be in [0, 1), not {sick_leave_rate}")
    return sick_leave_rate * working_days_per_year(working_days_per_week, weeks_per_year)


def available_working_time(
    *,
    working_days_per_week: float,
    hours_per_day: float,
    public_holidays_days: float = 0.0,
    annual_leave_days: float = 0.0,
    sick_leave_days: float = 0.0,
    other_leave_days: float = 0.0,
    weeks_per_year: float = WEEKS_PER_YEAR,
) -> AvailableWorkingTime:
    """AWT from days away: `D_work - (holidays + annual leave + sickness + other leave)`.

    Sickness given as a rate is first turned into days with `sick_leave_days_from_rate`.
    Raises ValueError when nothing is left to work or a number of days is negative.
    """
    away = {
        "public_holidays_days": public_holidays_days,
        "annual_leave_days": annual_leave_days,
        "sick_leave_days": sick_leave_days,
        "other_leave_days": other_leave_days,
    }
    for name, value in away.items():
        if value < 0:
            raise ValueError(f"{name} must not be negative, not {value}")
    days = working_days_per_year(working_days_per_week, weeks_per_year) - sum(away.values())
    if days <= 0:
        raise ValueError(f"no working days are left after leave ({days:g} days)")
    return AvailableWorkingTime(
        days=days,
        hours=days * hours_per_day,
        working_days_per_week=working_days_per_week,
    )


@dataclass(frozen=True, slots=True)
class ContractDeductions:
    """Available hours from contract hours less percentage deductions, each shown in hours."""

    contract_hours: float
    deduction_hours: Mapping[str, float] = field(default_factory=dict)

    @property
    def total_deduction_hours(self) -> float:
        return math.fsum(self.deduction_hours.values())

    @property
    def available_hours(self) -> float:
        return self.contract_hours - self.total_deduction_hours


def available_hours_from_contract_deductions(
    contract_hours: float, deductions_percent_of_contract: Mapping[str, float]
) -> ContractDeductions:
    """Every deduction is `percent / 100 x contract hours`: all from the same base, so their
    order does not matter. (Taking them one after another on the remainder gives more hours:
    1543.5 instead of 1521.9 in the Dutch nursing example.)"""
    if contract_hours <= 0:
        raise ValueError(f"contract hours must be above 0, not {contract_hours}")
    hours = {}
    for name, percent in deductions_percent_of_contract.items():
        if not 0 <= percent <= 100:
            raise ValueError(f"deduction {name!r} must be a percentage in [0, 100], not {percent}")
        hours[name] = contract_hours * percent / 100.0
    out = ContractDeductions(contract_hours, hours)
    if out.available_hours <= 0:
        raise ValueError("deductions take all of the contract hours")
    return out

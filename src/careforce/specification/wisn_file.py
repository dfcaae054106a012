"""WISN files (YAML): the inputs of WHO WISN for one staff category or several.

A file holds one staff category (a mapping with `staff_category:`), or several: a top-level list
of such mappings, or a mapping with the single key `staff_categories:` holding the list. Places in
problems follow the form used: `health_service_activities[1].unit_time`,
`[2].existing_staff` or `staff_categories[2].existing_staff`.

```yaml
staff_category: Nurse
facility: Health centre                 # optional
available_working_time:
  working_days_per_week: 5
  weeks_per_year: 52                    # optional, 52
  hours_per_day: 8
  public_holidays_days: 10              # each of the days away is optional, 0
  annual_leave_days: 30
  sick_leave_days: 15                   # or sick_leave_rate: 0.06 (share of the working days)
  other_leave_days: 0
# ...or directly: two of days, hours and hours_per_day, and working_days_per_week (optional, 5)
health_service_activities:
  - name: Outpatient consultation
    annual_workload: 100000
    unit_time: {minutes: 15}            # or {hours: 0.25}; or rate: {per_hour: 4} / {per_day: 30}
category_allowances:
  - name: Staff meetings
    percent_of_working_time: 5
  - name: Reports
    time: {hours: 2, per: week}         # or minutes:; per: day | week | month | year
individual_allowances:
  - name: Supervision of students
    time: {hours: 120, per: year}
    staff: 2                            # how many staff do it
existing_staff: 12                      # headcount of the category
```

A time per period becomes hours a year as `careforce.demand.wisn.hours_per_year` states (per day
x AWT days, per week x weeks worked, per month x 12). Unknown keys are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

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
)
from careforce.domain import Problem, UserError, ValidationFailed
from careforce.framework.yamlfile import PathKey, YamlFile, read_yaml_text

DIRECT_WORKING_DAYS_PER_WEEK = 5.0
_LEAVE_KEYS = (
    "weeks_per_year",
    "public_holidays_days",
    "annual_leave_days",
    "sick_leave_days",
    "sick_leave_rate",
    "other_leave_days",
)


class _Misplaced(ValueError):
    """A rule between keys broken, reported at `key` inside the entry (or at the entry)."""

    def __init__(self, key: str | None, message: str) -> None:
        super().__init__(message)
        self.key = key


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _exactly_one(entry: BaseModel, keys: tuple[str, ...]) -> None:
    given = [k for k in keys if getattr(entry, k) is not None]
    if len(given) > 1:
        raise _Misplaced(given[1], f"give {' or '.join(keys)}, not both")
    if not given:
        raise _Misplaced(None, f"give {' or '.join(keys)}")


class WorkingTimeEntry(_Entry):
    working_days_per_week: float | None = Field(None, gt=0, le=7)
    weeks_per_year: float = Field(52.0, gt=0, le=53)
    hours_per_day: float | None = Field(None, gt=0, le=24)
    public_holidays_days: float = Field(0.0, ge=0)
    annual_leave_days: float = Field(0.0, ge=0)
    sick_leave_days: float | None = Field(None, ge=0)
    sick_leave_rate: float | None = Field(None, ge=0, lt=1)
    other_leave_days: float = Field(0.0, ge=0)
    days: float | None = Field(None, gt=0, le=366)
    hours: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        if self.days is not None or self.hours is not None:
            for key in _LEAVE_KEYS:
                if key in self.model_fields_set:
                    raise _Misplaced(key, "leave is already out of days or hours given directly")
            given = [k for k in ("days", "hours", "hours_per_day") if getattr(self, k) is not None]
            if len(given) != 2:
                raise _Misplaced(None, "give two of days, hours and hours_per_day")
            return self
        for key in ("working_days_per_week", "hours_per_day"):
            if getattr(self, key) is None:
                raise _Misplaced(key, "required key is missing (or give days and hours directly)")
        if self.sick_leave_days is not None and self.sick_leave_rate is not None:
            raise _Misplaced("sick_leave_rate", "give sick leave in days or as a rate, not both")
        try:
            self.available()
        except ValueError as error:
            raise _Misplaced(None, str(error)) from None
        return self

    def available(self) -> AvailableWorkingTime:
        if self.days is not None or self.hours is not None:
            days = self.days if self.days is not None else _ratio(self.hours, self.hours_per_day)
            hours = self.hours if self.hours is not None else _product(days, self.hours_per_day)
            per_week = self.working_days_per_week or DIRECT_WORKING_DAYS_PER_WEEK
            return AvailableWorkingTime(days, hours, per_week)
        assert self.working_days_per_week is not None and self.hours_per_day is not None
        sick = self.sick_leave_days or 0.0
        if self.sick_leave_rate is not None:
            sick = sick_leave_days_from_rate(
                self.sick_leave_rate, self.working_days_per_week, self.weeks_per_year
            )
        return available_working_time(
            working_days_per_week=self.working_days_per_week,
            hours_per_day=self.hours_per_day,
            public_holidays_days=self.public_holidays_days,
            annual_leave_days=self.annual_leave_days,
            sick_leave_days=sick,
            other_leave_days=self.other_leave_days,
            weeks_per_year=self.weeks_per_year,
        )


def _ratio(a: float | None, b: float | None) -> float:
    assert a is not None and b is not None
    return a / b


def _product(a: float | None, b: float | None) -> float:
    assert a is not None and b is not None
    return a * b


class UnitTimeEntry(_Entry):
    minutes: float | None = Field(None, gt=0)
    hours: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _one(self) -> Self:
        _exactly_one(self, ("minutes", "hours"))
        return self

    def in_minutes(self) -> float:
        return self.minutes if self.minutes is not None else _product(self.hours, 60.0)


class RateEntry(_Entry):
    per_hour: float | None = Field(None, gt=0)
    per_day: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _one(self) -> Self:
        _exactly_one(self, ("per_hour", "per_day"))
        return self


class ActivityEntry(_Entry):
    name: str = Field(min_length=1)
    annual_workload: float = Field(ge=0)
    unit_time: UnitTimeEntry | None = None
    rate: RateEntry | None = None

    @model_validator(mode="after")
    def _one_standard(self) -> Self:
        _exactly_one(self, ("unit_time", "rate"))
        return self

    def activity(self) -> HealthServiceActivity:
        return HealthServiceActivity(
            name=self.name,
            annual_workload=self.annual_workload,
            unit_time_minutes=None if self.unit_time is None else self.unit_time.in_minutes(),
            rate_per_hour=None if self.rate is None else self.rate.per_hour,
            rate_per_day=None if self.rate is None else self.rate.per_day,
        )


class PeriodTimeEntry(_Entry):
    hours: float | None = Field(None, ge=0)
    minutes: float | None = Field(None, ge=0)
    per: Literal["day", "week", "month", "year"]

    @model_validator(mode="after")
    def _one(self) -> Self:
        _exactly_one(self, ("hours", "minutes"))
        return self

    def in_hours(self) -> float:
        return self.hours if self.hours is not None else _ratio(self.minutes, 60.0)


class CategoryAllowanceEntry(_Entry):
    name: str = Field(min_length=1)
    percent_of_working_time: float | None = Field(None, ge=0, lt=100)
    time: PeriodTimeEntry | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        _exactly_one(self, ("percent_of_working_time", "time"))
        return self

    def allowance(self) -> CategoryAllowance:
        if self.time is None:
            return CategoryAllowance(
                self.name, percent_of_working_time=self.percent_of_working_time
            )
        return CategoryAllowance(self.name, hours=self.time.in_hours(), per=Period(self.time.per))


class IndividualAllowanceEntry(_Entry):
    name: str = Field(min_length=1)
    time: PeriodTimeEntry
    staff: int = Field(ge=0)

    def allowance(self) -> IndividualAllowance:
        return IndividualAllowance(
            self.name, self.time.in_hours(), Period(self.time.per), self.staff
        )


class StaffCategoryEntry(_Entry):
    staff_category: str = Field(min_length=1)
    facility: str | None = None
    available_working_time: WorkingTimeEntry
    health_service_activities: list[ActivityEntry] = Field(min_length=1)
    category_allowances: list[CategoryAllowanceEntry] = Field(default_factory=list)
    individual_allowances: list[IndividualAllowanceEntry] = Field(default_factory=list)
    existing_staff: int = Field(ge=0)

    def inputs(self) -> WisnInputs:
        return WisnInputs(
            staff_category=self.staff_category,
            facility=self.facility,
            available_working_time=self.available_working_time.available(),
            health_service_activities=tuple(a.activity() for a in self.health_service_activities),
            category_allowances=tuple(c.allowance() for c in self.category_allowances),
            individual_allowances=tuple(i.allowance() for i in self.individual_allowances),
            existing_staff=self.existing_staff,
        )


class ManyStaffCategories(_Entry):
    staff_categories: list[StaffCategoryEntry] = Field(min_length=1)


_AS_LIST = TypeAdapter(list[StaffCategoryEntry])


def load_wisn_file(path: Path) -> list[WisnInputs]:
    """The WISN inputs of every staff category in the file, in file order.

    Raises UserError when the file is missing or unreadable, ValidationFailed with every problem
    (file, line and place) when its content is wrong.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"WISN file {path} does not exist") from None
    except IsADirectoryError:
        raise UserError(f"WISN file {path} is a folder, not a file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read WISN file {path}: {error}") from None
    return wisn_inputs_from_text(text, str(path))


def wisn_inputs_from_text(text: str, label: str = "wisn.yaml") -> list[WisnInputs]:
    """As `load_wisn_file`, from text; problems name `label` as the file."""
    file = read_yaml_text(text, label)
    problems = list(file.duplicates)
    entries: list[tuple[PathKey, StaffCategoryEntry]] = []
    data = file.data
    try:
        if isinstance(data, list):
            entries = [((i,), e) for i, e in enumerate(_AS_LIST.validate_python(data))]
        elif isinstance(data, dict) and "staff_categories" in data:
            many = ManyStaffCategories.model_validate(data).staff_categories
            entries = [(("staff_categories", i), e) for i, e in enumerate(many)]
        elif isinstance(data, dict):
            entries = [((), StaffCategoryEntry.model_validate(data))]
        else:
            problems.append(
                file.problem((), "a WISN file is a mapping (one staff category) or a list of them")
            )
    except ValidationError as error:
        problems.extend(_problems(file, error))
    for at, entry in entries:
        problems.extend(_problems_between_entries(file, at, entry))
    if problems:
        n = len(problems)
        raise ValidationFailed(
            problems, summary=f"{n} problem{'s' if n != 1 else ''} in the WISN file {label}"
        )
    return [entry.inputs() for _, entry in entries]


def _problems_between_entries(
    file: YamlFile, at: PathKey, entry: StaffCategoryEntry
) -> list[Problem]:
    out = []
    seen: set[str] = set()
    for i, activity in enumerate(entry.health_service_activities):
        if activity.name in seen:
            out.append(
                file.problem(
                    (*at, "health_service_activities", i, "name"),
                    "activity name is used twice in this staff category",
                    activity.name,
                )
            )
        seen.add(activity.name)
    awt = entry.available_working_time.available()
    percent = sum(c.allowance().percent(awt) for c in entry.category_allowances)
    if percent >= 100.0:
        out.append(
            file.problem(
                (*at, "category_allowances"),
                f"category allowances take {percent:.1f}% of working time; they must take less "
                "than 100%",
            )
        )
    return out


def _problems(file: YamlFile, error: ValidationError) -> list[Problem]:
    out = []
    for e in error.errors(include_url=False):
        path: PathKey = tuple(p for p in e["loc"] if isinstance(p, str | int))
        message = str(e["msg"]).removeprefix("Value error, ")
        cause = (e.get("ctx") or {}).get("error")
        if isinstance(cause, _Misplaced):
            message = str(cause)
            path = path if cause.key is None else (*path, cause.key)
        elif e["type"] == "extra_forbidden":
            message = "unknown key: not part of the WISN file format"
        elif e["type"] == "missing":
            message = "required key is missing"
        value = e.get("input") if e["type"] not in ("missing", "extra_forbidden") else None
        shown = value if isinstance(value, str | int | float | bool) else None
        out.append(file.problem(path, message[:1].lower() + message[1:], shown))
    return out

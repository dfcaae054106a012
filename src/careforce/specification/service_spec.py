"""The service specification, schema version 1 (docs/design/demand.md): pydantic, frozen, strict.

Unknown keys are refused. Uncertain values, age bands and task splits are the types of
`spec_values`. A rule between keys that is broken is reported at the key it concerns
(`Misplaced`), so a problem names `services[3].ratio.levels`, not just `services[3]`.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from careforce.domain.workforce import Setting
from careforce.specification.spec_values import (
    SHARES_TOLERANCE,
    AgeBand,
    Misplaced,
    PositiveValue,
    ShareValue,
    SignedValue,
    TaskSplit,
    age_range,
    uncertain_schema,
)

__all__ = [  # the value types, for the loader, the JSON Schema and scenario files
    "AgeBand",
    "Misplaced",
    "PositiveValue",
    "ShareValue",
    "SignedValue",
    "TaskSplit",
    "age_range",
    "uncertain_schema",
]

SCHEMA_VERSION = 1
DEFAULT_STANDARD_HOURS_PER_FTE = 1650.0  # an assumption: 37.5 h a week less leave and training
DRIVER_KINDS = ("population", "caseload", "places", "arrivals")


class RepeatedServiceId(ValueError):
    """Two services with one id (the loader reports it at each repeated id instead)."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _exactly_one(entry: BaseModel, keys: tuple[str, str]) -> None:
    given = [k for k in keys if getattr(entry, k) is not None]
    if len(given) > 1:
        raise Misplaced(given[1], f"give {keys[0]} or {keys[1]}, not both")
    if not given:
        raise Misplaced(None, f"give {keys[0]} or {keys[1]}")


class UseRate(_Entry):
    ages: AgeBand
    rate: ShareValue = Field(description="People using the service per head per year.")


class PopulationDriver(_Entry):
    kind: Literal["population"]
    use_rate: list[UseRate] = Field(min_length=1)
    coverage: ShareValue = Field(
        default=1.0, validate_default=True, description="Share of need that the service meets."
    )

    @model_validator(mode="after")
    def _bands_apart(self) -> Self:
        taken: dict[int, str] = {}
        for entry in self.use_rate:
            low, high = age_range(entry.ages)
            clash = next((taken[a] for a in range(low, high + 1) if a in taken), None)
            if clash is not None:
                raise Misplaced("use_rate", f"age bands {clash!r} and {entry.ages!r} overlap")
            taken |= dict.fromkeys(range(low, high + 1), entry.ages)
        return self


class CaseloadDriver(_Entry):
    kind: Literal["caseload"]
    users: PositiveValue | None = Field(None, description="A region total of users a year.")
    users_by_area: dict[str, PositiveValue] | None = None
    ages: AgeBand | None = None
    scale_with_population: bool = False

    @model_validator(mode="after")
    def _one_volume(self) -> Self:
        _exactly_one(self, ("users", "users_by_area"))
        return self


class PlacesDriver(_Entry):
    kind: Literal["places"]
    places: PositiveValue | None = Field(None, description="Beds or places in the region.")
    places_by_area: dict[str, PositiveValue] | None = None
    ages: AgeBand | None = None
    scale_with_population: bool = False

    @model_validator(mode="after")
    def _one_volume(self) -> Self:
        _exactly_one(self, ("places", "places_by_area"))
        return self


class ArrivalsDriver(_Entry):
    kind: Literal["arrivals"]
    per_hour: PositiveValue | None = Field(None, description="Arrivals in every hour of the day.")
    by_hour: list[PositiveValue] | None = Field(
        None, min_length=24, max_length=24, description="Arrivals in each hour, hour 0 first."
    )
    days_per_year: float = Field(365.0, gt=0, le=366)
    scale_with_population: bool = False
    ages: AgeBand | None = None

    @model_validator(mode="after")
    def _one_volume(self) -> Self:
        _exactly_one(self, ("per_hour", "by_hour"))
        return self


Driver = Annotated[
    PopulationDriver | CaseloadDriver | PlacesDriver | ArrivalsDriver,
    Field(discriminator="kind"),
]


class Activity(_Entry):
    task: str = Field(min_length=1, description="A framework task id.")
    contacts_per_user_per_year: PositiveValue
    minutes_per_contact: PositiveValue
    staff_per_contact: float = Field(1.0, ge=1, le=10, description="2 for a double-handed call.")
    travel_minutes_per_contact: PositiveValue = Field(default=0.0, validate_default=True)


class RatioLevel(_Entry):
    name: str = Field(min_length=1)
    share_of_places: float = Field(ge=0, le=1)
    fte_per_place: PositiveValue


class Ratio(_Entry):
    levels: list[RatioLevel] = Field(min_length=1)
    tasks: TaskSplit

    @model_validator(mode="after")
    def _levels_whole(self) -> Self:
        names = [level.name for level in self.levels]
        if len(set(names)) != len(names):
            raise Misplaced("levels", "each level needs its own name")
        total = sum(level.share_of_places for level in self.levels)
        if abs(total - 1.0) > SHARES_TOLERANCE:
            raise Misplaced("levels", f"share_of_places sums to {total:g}; it must sum to 1")
        return self


class Queue(_Entry):
    handling_minutes: PositiveValue
    answer_seconds: float = Field(ge=0, description="Target time to answer.")
    service_level: float = Field(gt=0, lt=1, description="Share answered within answer_seconds.")
    tasks: TaskSplit

    @model_validator(mode="after")
    def _handling_above_zero(self) -> Self:
        if self.handling_minutes.low <= 0:
            raise Misplaced("handling_minutes", "handling time must be above 0")
        return self


class Trends(_Entry):
    """Compound annual changes from the base year (0.01 is 1% a year)."""

    users_per_year: SignedValue = Field(
        default=0.0,
        validate_default=True,
        description="Change of users, places or arrivals a year.",
    )
    minutes_per_year: SignedValue = Field(
        default=0.0,
        validate_default=True,
        description="Change of the time per unit of work a year: minutes and travel per "
        "contact, handling minutes, FTE per place.",
    )

    @model_validator(mode="after")
    def _above_minus_one(self) -> Self:
        for key in ("users_per_year", "minutes_per_year"):
            if getattr(self, key).central <= -1:
                raise Misplaced(key, "a fall of 100% a year or more leaves nothing: check the sign")
        return self


class Service(_Entry):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="lower_snake_case, unique.")
    name: str = Field(min_length=1)
    setting: Setting = Field(strict=False)
    driver: Driver
    activities: list[Activity] = Field(default_factory=list)
    ratio: Ratio | None = None
    queue: Queue | None = None
    trends: Trends = Field(default_factory=Trends)

    @model_validator(mode="after")
    def _parts_fit_the_driver(self) -> Self:
        kind = self.driver.kind
        if self.ratio is not None and kind != "places":
            raise Misplaced("ratio", f"a ratio staffs places; this service's driver is {kind}")
        if self.queue is not None and kind != "arrivals":
            raise Misplaced("queue", f"a queue is for arrivals; this service's driver is {kind}")
        if kind in ("population", "caseload") and not self.activities:
            raise Misplaced("activities", f"a {kind} driver needs activities: the work per user")
        if kind == "places" and self.ratio is None:
            raise Misplaced("ratio", "a places driver needs a ratio: FTE per place by level")
        if kind == "arrivals" and self.queue is None:
            raise Misplaced("queue", "an arrivals driver needs a queue: handling time and target")
        if kind == "arrivals" and self.activities:
            raise Misplaced("activities", "an arrivals service is staffed by its queue's tasks")
        return self

    def task_ids(self) -> list[str]:
        """Every task the service names, in file order."""
        named = [a.task for a in self.activities]
        for split in (self.ratio, self.queue):
            if split is not None:
                named.extend(split.tasks)
        return list(dict.fromkeys(named))


class ServiceSpec(_Entry):
    """A service specification: the services of a region and how each turns into work."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, title="careforce service specification"
    )

    schema_version: Literal[1]
    name: str = Field(min_length=1)
    base_year: int = Field(ge=1900, le=2200, description="The first year of the result.")
    years: int = Field(ge=1, le=100, description="Years of the result, the base year included.")
    standard_hours_per_fte: float | None = Field(
        None,
        gt=0,
        le=3000,
        description="Hours a year of one FTE (1650, an assumption, if omitted).",
    )
    population: str | None = Field(
        None, min_length=1, description="Population CSV, relative to this file."
    )
    services: list[Service] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> Self:
        seen: set[str] = set()
        for service in self.services:
            if service.id in seen:
                raise RepeatedServiceId(f"service id {service.id!r} is used twice")
            seen.add(service.id)
        return self

    @property
    def hours_per_fte(self) -> float:
        """The stated standard hours of one FTE, or the assumed default."""
        if self.standard_hours_per_fte is None:
            return DEFAULT_STANDARD_HOURS_PER_FTE
        return self.standard_hours_per_fte

    def horizon(self, years: int | None = None) -> list[int]:
        """The years of the result: the base year and the years after it."""
        return list(range(self.base_year, self.base_year + (years or self.years)))

    def task_ids(self) -> list[str]:
        return list(dict.fromkeys(t for s in self.services for t in s.task_ids()))

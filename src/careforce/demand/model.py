"""The array-ready description of a set of services, and the shape of the demand result.

Built once from a checked service specification (by `careforce.specification`); the compiler
reads nothing else. What varies between runs is in `careforce.demand.parameters`.

Axes: r run (leading, run 0 central), s service, t task, l area, a single year of age 0..100
(100 means 100 and over), y year (the first is the base year), h hour of the day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

AGES = 101  # single years of age 0..100
HOURS_OF_DAY = 24


class DriverKind(StrEnum):
    """What drives a service's volume (docs/design/demand.md, Drivers)."""

    POPULATION = "population"  # users = population x use rate x coverage
    CASELOAD = "caseload"  # a stated number of users
    PLACES = "places"  # beds or places staffed by a ratio
    ARRIVALS = "arrivals"  # a queue staffed by Erlang C


def _ints(values: np.ndarray | list[int] | tuple[int, ...]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


def _floats(values: np.ndarray | list[float] | tuple[float, ...]) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(-1)


@dataclass(frozen=True, eq=False)
class ServiceModel:
    """One service: what does not vary between runs.

    `ages` marks the ages whose population spreads a region-wide volume over areas and, with
    `scale_with_population`, moves it from the base year. Activities name tasks by their index in
    `DemandModel.task_ids`; `split_tasks` and `split_shares` are how ratio or queue hours split
    over tasks.
    """

    id: str
    setting: str
    kind: DriverKind
    ages: np.ndarray = field(default_factory=lambda: np.ones(AGES, dtype=bool))
    scale_with_population: bool = False
    by_area: bool = False
    activity_tasks: np.ndarray = field(default_factory=lambda: _ints([]))
    staff_per_contact: np.ndarray = field(default_factory=lambda: _floats([]))
    level_shares: np.ndarray = field(default_factory=lambda: _floats([]))
    split_tasks: np.ndarray = field(default_factory=lambda: _ints([]))
    split_shares: np.ndarray = field(default_factory=lambda: _floats([]))
    days_per_year: float = 365.0
    answer_seconds: float = 0.0
    service_level: float = 0.0

    def __post_init__(self) -> None:
        ages = np.asarray(self.ages, dtype=bool)
        if ages.shape != (AGES,):
            raise ValueError(f"service {self.id}: ages must mark each age 0..100")
        object.__setattr__(self, "ages", ages)
        for name in ("activity_tasks", "split_tasks"):
            object.__setattr__(self, name, _ints(getattr(self, name)))
        for name in ("staff_per_contact", "level_shares", "split_shares"):
            object.__setattr__(self, name, _floats(getattr(self, name)))
        if len(self.activity_tasks) != len(self.staff_per_contact):
            raise ValueError(f"service {self.id}: one staff_per_contact per activity is needed")
        if len(self.split_tasks) != len(self.split_shares):
            raise ValueError(f"service {self.id}: one share per task of the split is needed")
        if self.kind is DriverKind.ARRIVALS and not len(self.split_tasks):
            raise ValueError(f"service {self.id}: a queue needs the tasks its hours go to")
        if self.kind is DriverKind.PLACES and not (len(self.level_shares) or self.has_activities):
            raise ValueError(f"service {self.id}: places need a ratio or activities")

    @property
    def has_activities(self) -> bool:
        return len(self.activity_tasks) > 0


@dataclass(frozen=True, eq=False)
class DemandModel:
    """Services, the tasks they name, the areas and years of the result, and the FTE standard."""

    task_ids: tuple[str, ...]
    services: tuple[ServiceModel, ...]
    area_codes: tuple[str, ...]
    years: tuple[int, ...]
    standard_hours_per_fte: float

    def __post_init__(self) -> None:
        if not self.years or list(self.years) != list(range(self.years[0], self.years[-1] + 1)):
            raise ValueError("years must be consecutive, the base year first")
        if not self.area_codes:
            raise ValueError("the population has no areas")
        if self.standard_hours_per_fte <= 0:
            raise ValueError("standard_hours_per_fte must be above 0")
        ids = [s.id for s in self.services]
        if len(set(ids)) != len(ids):
            raise ValueError("service ids must be unique")
        tasks = len(self.task_ids)
        for service in self.services:
            for index in (service.activity_tasks, service.split_tasks):
                if len(index) and (index.min() < 0 or index.max() >= tasks):
                    raise ValueError(f"service {service.id} names a task outside task_ids")

    @property
    def base_year(self) -> int:
        return self.years[0]

    @property
    def years_from_base(self) -> np.ndarray:
        return np.arange(len(self.years), dtype=np.float64)

    @property
    def service_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.services)

    @property
    def settings(self) -> tuple[str, ...]:
        return tuple(s.setting for s in self.services)

    @property
    def population_shape(self) -> tuple[int, int, int]:
        return (len(self.area_codes), AGES, len(self.years))


@dataclass(frozen=True, eq=False)
class DemandResult:
    """Required hours a year by run, task, area and year; and by run, service, area and year.

    `hours[r, t, l, y]` and `hours_by_service[r, s, l, y]`; `runs[r]` is the run index of row r
    (run 0 is the central run). Summing `hours` over tasks equals summing `hours_by_service` over
    services.
    """

    hours: np.ndarray
    hours_by_service: np.ndarray
    runs: np.ndarray
    task_ids: tuple[str, ...]
    service_ids: tuple[str, ...]
    settings: tuple[str, ...]
    area_codes: tuple[str, ...]
    years: tuple[int, ...]

"""Per-run parameters of each service, drawn up front with the run as the leading axis.

The sampler (`careforce.sampling`, called from the specification layer) fills these arrays; run 0
holds every central value. Helpers here turn them into the per-run quantities the compiler
multiplies: trend factors, hours of activity per user, and the split of a service's hours over
tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from careforce.demand.model import AGES, HOURS_OF_DAY, DemandModel, DriverKind, ServiceModel
from careforce.demand.ratio import fte_for_places

MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True, eq=False)
class ServiceDraws:
    """One service's values in each run (R runs); None where the service's kind has no such value.

    use_rate_by_age       (R, 101)  people using the service per head per year at each age
    coverage              (R,)      share of need that the service meets
    volume                (R,) or (R, L)  users (caseload) or places: a region total or by area
    arrivals_per_hour     (R, 24)   arrivals in each hour of the day, hour 0 first
    handling_minutes      (R,)      mean handling time of one arrival
    fte_per_place         (R, levels)  staffing ratio of each level
    contacts_per_user_per_year, minutes_per_contact, travel_minutes_per_contact  (R, activities)
    users_trend_per_year, minutes_trend_per_year  (R,)  compound annual change from the base year
    """

    users_trend_per_year: np.ndarray
    minutes_trend_per_year: np.ndarray
    use_rate_by_age: np.ndarray | None = None
    coverage: np.ndarray | None = None
    volume: np.ndarray | None = None
    arrivals_per_hour: np.ndarray | None = None
    handling_minutes: np.ndarray | None = None
    fte_per_place: np.ndarray | None = None
    contacts_per_user_per_year: np.ndarray | None = None
    minutes_per_contact: np.ndarray | None = None
    travel_minutes_per_contact: np.ndarray | None = None

    @property
    def runs(self) -> int:
        return len(self.users_trend_per_year)

    def take(self, rows: slice) -> ServiceDraws:
        """The same parameters for a block of runs (views, no copy)."""
        changes: dict[str, Any] = {
            f.name: None if getattr(self, f.name) is None else getattr(self, f.name)[rows]
            for f in fields(self)
        }
        return replace(self, **changes)


@dataclass(frozen=True, eq=False)
class DemandDraws:
    """Every service's parameters, for the runs in `runs` (run indices, run 0 central)."""

    runs: np.ndarray
    services: tuple[ServiceDraws, ...]

    def take(self, rows: slice) -> DemandDraws:
        return DemandDraws(self.runs[rows], tuple(s.take(rows) for s in self.services))


def check_draws(model: DemandModel, draws: DemandDraws) -> None:
    """Raise ValueError when the arrays do not fit the model (a programming error, not a user's)."""
    runs = len(draws.runs)
    if len(draws.services) != len(model.services):
        raise ValueError("one set of draws per service is needed")
    for service, d in zip(model.services, draws.services, strict=True):
        expected = _expected_shapes(model, service, runs)
        for name, shape in expected.items():
            value = getattr(d, name)
            if value is None or value.shape != shape:
                got = None if value is None else value.shape
                raise ValueError(f"service {service.id}: {name} should be {shape}, not {got}")


def _expected_shapes(
    model: DemandModel, service: ServiceModel, runs: int
) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {
        "users_trend_per_year": (runs,),
        "minutes_trend_per_year": (runs,),
    }
    kind = service.kind
    if kind is DriverKind.POPULATION:
        shapes |= {"use_rate_by_age": (runs, AGES), "coverage": (runs,)}
    if kind in (DriverKind.CASELOAD, DriverKind.PLACES):
        shapes["volume"] = (runs, len(model.area_codes)) if service.by_area else (runs,)
    if kind is DriverKind.PLACES and len(service.level_shares):
        shapes["fte_per_place"] = (runs, len(service.level_shares))
    if kind is DriverKind.ARRIVALS:
        shapes |= {"arrivals_per_hour": (runs, HOURS_OF_DAY), "handling_minutes": (runs,)}
    activities = len(service.activity_tasks)
    if activities:
        for name in (
            "contacts_per_user_per_year",
            "minutes_per_contact",
            "travel_minutes_per_contact",
        ):
            shapes[name] = (runs, activities)
    return shapes


def trend_factor(change_per_year: np.ndarray, years_from_base: np.ndarray) -> np.ndarray:
    """(R, Y) compound multipliers `(1 + g) ** (year - base year)`; a fall below -100% stops at 0."""
    growth = np.maximum(1.0 + change_per_year, 0.0)
    return growth[:, None] ** years_from_base[None, :]


def activity_hours_by_task(
    service: ServiceModel, d: ServiceDraws, tasks: int
) -> tuple[np.ndarray, np.ndarray]:
    """Staff hours a year per user by task (R, T), and their total (R,), at base-year minutes.

    Hours per user of activity k = contacts x (minutes + travel minutes) x staff per contact / 60.
    """
    runs = d.runs
    by_task = np.zeros((runs, tasks))
    if not service.has_activities:
        return by_task, np.zeros(runs)
    assert d.contacts_per_user_per_year is not None
    assert d.minutes_per_contact is not None
    assert d.travel_minutes_per_contact is not None
    per_activity = (
        d.contacts_per_user_per_year
        * (d.minutes_per_contact + d.travel_minutes_per_contact)
        * service.staff_per_contact[None, :]
        / MINUTES_PER_HOUR
    )
    for k, task in enumerate(service.activity_tasks):
        by_task[:, task] += per_activity[:, k]
    return by_task, per_activity.sum(axis=1)


def activity_hours_by_year(
    service: ServiceModel, d: ServiceDraws, minutes_factor: np.ndarray
) -> np.ndarray:
    """(R, K, Y) staff hours a year per user of each activity, with the minutes per contact (not
    the travel minutes) of activity k in year y multiplied by `minutes_factor[r, k, y]`."""
    assert d.contacts_per_user_per_year is not None
    assert d.minutes_per_contact is not None
    assert d.travel_minutes_per_contact is not None
    minutes = (
        d.minutes_per_contact[:, :, None] * minutes_factor
        + d.travel_minutes_per_contact[:, :, None]
    )
    return (
        d.contacts_per_user_per_year[:, :, None]
        * minutes
        * service.staff_per_contact[None, :, None]
        / MINUTES_PER_HOUR
    )


def ratio_hours_per_place(
    service: ServiceModel, d: ServiceDraws, standard_hours_per_fte: float
) -> np.ndarray:
    """(R,) staff hours a year per place: sum over levels of share x FTE per place x FTE hours."""
    if not len(service.level_shares):
        return np.zeros(d.runs)
    assert d.fte_per_place is not None
    return fte_for_places(1.0, service.level_shares, d.fte_per_place) * standard_hours_per_fte


def split_over_tasks(hours_by_task: np.ndarray) -> np.ndarray:
    """(R, T) shares of a service's hours by task (rows of zeros where it has no hours)."""
    total = hours_by_task.sum(axis=1, keepdims=True)
    return np.divide(hours_by_task, total, out=np.zeros_like(hours_by_task), where=total > 0)

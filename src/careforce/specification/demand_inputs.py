"""From a checked service specification to the compiler's inputs: the model and the draws.

Every uncertain value is drawn here, once, for all runs, from its own named stream (METHODS 5):

    demand.<service>.use_rate.<ages>                 share     population driver, per age band
    demand.<service>.coverage                        share
    demand.<service>.users | .places                 positive  region total
    demand.<service>.users.<area> | .places.<area>   positive  by area
    demand.<service>.arrivals.per_hour               positive  the same in every hour
    demand.<service>.arrivals.hour.<h>               positive  by_hour, h = 0..23
    demand.<service>.queue.handling_minutes          positive
    demand.<service>.ratio.<level>.fte_per_place     positive
    demand.<service>.activity.<k>.<name>             positive  k the activity's position from 0;
                                                               contacts_per_user_per_year,
                                                               minutes_per_contact,
                                                               travel_minutes_per_contact
    demand.<service>.trend.users_per_year            signed
    demand.<service>.trend.minutes_per_year          signed

Names use the file's own labels where they have one (age band, level, area), so adding an entry
leaves the streams of the others as they were. A scenario's levers on demand draw from their own
streams (`careforce.scenario.demand_levers`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from careforce.demand.model import AGES, HOURS_OF_DAY, DemandModel, DriverKind, ServiceModel
from careforce.demand.parameters import DemandDraws, ServiceDraws
from careforce.sampling import Kind, Uncertain, draw, uniforms
from careforce.specification.service_spec import (
    ArrivalsDriver,
    CaseloadDriver,
    PlacesDriver,
    PopulationDriver,
    Service,
    ServiceSpec,
    age_range,
)

ACTIVITY_VALUES = (
    "contacts_per_user_per_year",
    "minutes_per_contact",
    "travel_minutes_per_contact",
)


def ages_mask(band: str | None) -> np.ndarray:
    """Ages 0..100 in the band (every age when no band is named)."""
    mask = np.zeros(AGES, dtype=bool)
    low, high = (0, AGES - 1) if band is None else age_range(band)
    mask[low : high + 1] = True
    return mask


def ordered_tasks(spec: ServiceSpec, task_order: Sequence[str] = ()) -> tuple[str, ...]:
    """The tasks the specification names: in `task_order` (the framework's) first, then the rest."""
    named = spec.task_ids()
    position = {t: i for i, t in enumerate(task_order)}
    return tuple(sorted(named, key=lambda t: (position.get(t, len(position)), named.index(t))))


def demand_model(
    spec: ServiceSpec,
    area_codes: Sequence[str],
    years: Sequence[int],
    task_order: Sequence[str] = (),
) -> DemandModel:
    """The array-ready description of the specification's services over these areas and years."""
    task_ids = ordered_tasks(spec, task_order)
    index = {t: i for i, t in enumerate(task_ids)}
    return DemandModel(
        task_ids=task_ids,
        services=tuple(_service_model(s, index) for s in spec.services),
        area_codes=tuple(area_codes),
        years=tuple(years),
        standard_hours_per_fte=spec.hours_per_fte,
    )


def _service_model(service: Service, task_index: dict[str, int]) -> ServiceModel:
    driver = service.driver
    split = service.ratio or service.queue
    arrivals = driver if isinstance(driver, ArrivalsDriver) else None
    queue = service.queue
    return ServiceModel(
        id=service.id,
        setting=service.setting.value,
        kind=DriverKind(driver.kind),
        ages=ages_mask(None if isinstance(driver, PopulationDriver) else driver.ages),
        scale_with_population=getattr(driver, "scale_with_population", False),
        by_area=isinstance(driver, CaseloadDriver | PlacesDriver) and _by_area(driver) is not None,
        activity_tasks=np.array([task_index[a.task] for a in service.activities], dtype=np.int64),
        staff_per_contact=np.array([a.staff_per_contact for a in service.activities]),
        level_shares=np.array([lv.share_of_places for lv in service.ratio.levels])
        if service.ratio
        else np.zeros(0),
        split_tasks=np.array([task_index[t] for t in split.tasks] if split else [], np.int64),
        split_shares=np.array(list(split.tasks.values()) if split else []),
        days_per_year=arrivals.days_per_year if arrivals else 365.0,
        answer_seconds=queue.answer_seconds if queue else 0.0,
        service_level=queue.service_level if queue else 0.0,
    )


def _by_area(driver: CaseloadDriver | PlacesDriver) -> dict[str, Uncertain] | None:
    return driver.users_by_area if isinstance(driver, CaseloadDriver) else driver.places_by_area


def _total(driver: CaseloadDriver | PlacesDriver) -> Uncertain | None:
    return driver.users if isinstance(driver, CaseloadDriver) else driver.places


class _Sampler:
    """Draws named values for the runs `runs`, all from one seed."""

    def __init__(self, seed: int, service_id: str, runs: np.ndarray) -> None:
        self.seed, self.prefix, self.runs = seed, f"demand.{service_id}", runs

    def __call__(self, value: Uncertain, kind: Kind, name: str) -> np.ndarray:
        if value.is_point:
            return np.full(self.runs.shape, value.central)
        u = uniforms(self.seed, f"{self.prefix}.{name}", self.runs)
        return draw(value, kind, u, self.runs)


def draw_parameters(
    spec: ServiceSpec, model: DemandModel, *, seed: int, runs: np.ndarray
) -> DemandDraws:
    """Every parameter of every service for the run indices `runs` (run 0: central values)."""
    runs = np.asarray(runs, dtype=np.int64)
    return DemandDraws(
        runs=runs,
        services=tuple(_service_draws(s, model, _Sampler(seed, s.id, runs)) for s in spec.services),
    )


def _service_draws(service: Service, model: DemandModel, sample: _Sampler) -> ServiceDraws:
    driver = service.driver
    runs = len(sample.runs)
    values: dict[str, np.ndarray | None] = {}
    if isinstance(driver, PopulationDriver):
        rate = np.zeros((runs, AGES))
        for entry in driver.use_rate:
            low, high = age_range(entry.ages)
            drawn = sample(entry.rate, Kind.SHARE, f"use_rate.{entry.ages}")
            rate[:, low : high + 1] = drawn[:, None]
        values["use_rate_by_age"] = rate
        values["coverage"] = sample(driver.coverage, Kind.SHARE, "coverage")
    elif isinstance(driver, CaseloadDriver | PlacesDriver):
        name = "users" if isinstance(driver, CaseloadDriver) else "places"
        by_area, total = _by_area(driver), _total(driver)
        if by_area is not None:
            volume = np.zeros((runs, len(model.area_codes)))
            for i, area in enumerate(model.area_codes):
                if area in by_area:
                    volume[:, i] = sample(by_area[area], Kind.POSITIVE, f"{name}.{area}")
            values["volume"] = volume
        else:
            assert total is not None
            values["volume"] = sample(total, Kind.POSITIVE, name)
    else:
        values |= _arrivals_draws(driver, service, sample)
    if service.ratio is not None:
        values["fte_per_place"] = np.stack(
            [
                sample(level.fte_per_place, Kind.POSITIVE, f"ratio.{level.name}.fte_per_place")
                for level in service.ratio.levels
            ],
            axis=1,
        )
    if service.activities:
        for name in ACTIVITY_VALUES:
            values[name] = np.stack(
                [
                    sample(getattr(a, name), Kind.POSITIVE, f"activity.{k}.{name}")
                    for k, a in enumerate(service.activities)
                ],
                axis=1,
            )
    trends = service.trends
    return ServiceDraws(
        users_trend_per_year=sample(trends.users_per_year, Kind.SIGNED, "trend.users_per_year"),
        minutes_trend_per_year=sample(
            trends.minutes_per_year, Kind.SIGNED, "trend.minutes_per_year"
        ),
        **values,
    )


def _arrivals_draws(
    driver: ArrivalsDriver, service: Service, sample: _Sampler
) -> dict[str, np.ndarray | None]:
    assert service.queue is not None
    if driver.by_hour is not None:
        by_hour = np.stack(
            [
                sample(value, Kind.POSITIVE, f"arrivals.hour.{h}")
                for h, value in enumerate(driver.by_hour)
            ],
            axis=1,
        )
    else:
        assert driver.per_hour is not None
        per_hour = sample(driver.per_hour, Kind.POSITIVE, "arrivals.per_hour")
        by_hour = np.repeat(per_hour[:, None], HOURS_OF_DAY, axis=1)
    handling = sample(service.queue.handling_minutes, Kind.POSITIVE, "queue.handling_minutes")
    return {"arrivals_per_hour": by_hour, "handling_minutes": handling}

"""The demand compiler: services x population x per-run parameters -> required hours (METHODS 3).

Order of steps, for a block of runs at a time (blocks only bound the memory; a run's result does not
depend on the block it is in):

1. Population-driven users, all such services at once: one matrix product of the use rates by age
   (x coverage) with the population by age, `U[r,s,l,y] = sum_a rate[r,s,a] P[l,a,y]`.
2. Caseload and places: the stated volume, spread over areas by the population of the service's
   ages (`ages`), and moved with that population from the base year when it scales with it.
3. Hours of each service: volume x hours per unit (activities: contacts x (minutes + travel) x
   staff / 60 per user; ratio: sum of share x FTE per place x standard hours per place) x the
   users trend x the minutes trend. Queues: Erlang C staff on duty for each hour of the day and
   year (`careforce.demand.erlang.agents_needed`), x days a year, spread over areas by population.
4. Hours by task: each service's hours times its share for the task, summed over the services
   that name the task. A service names a few tasks of many, so the sum runs over those pairs
   only (elementwise, vectorised over runs, areas and years) rather than a dense product that
   would be mostly zeros.

Every division by a population guards against areas or years with nobody of the service's ages:
their share is 0.

Scenario levers (`careforce.demand.levers`), when given, multiply inside step 3, by run and year:
a users lever the volume or the arrivals (before Erlang C), a minutes lever the minutes per
contact of the activities and the handling time of a queue for the tasks it names. Where minutes
change for some tasks of a service and not others, its split over tasks changes by year too.
Without levers every number is as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from careforce.demand.erlang import agents_needed
from careforce.demand.levers import DemandLevers, check_levers
from careforce.demand.model import AGES, DemandModel, DemandResult, DriverKind, ServiceModel
from careforce.demand.parameters import (
    DemandDraws,
    ServiceDraws,
    activity_hours_by_task,
    activity_hours_by_year,
    check_draws,
    ratio_hours_per_place,
    split_over_tasks,
    trend_factor,
)

BLOCK_BYTES = 256 * 2**20  # working memory of one block of runs, besides the result itself


@dataclass(frozen=True, eq=False)
class _Spread:
    """How a service's region-wide or per-area volume becomes a volume by area and year.

    `pattern[l, y]` multiplies a region total (or, by area, each area's own value) into the volume
    of area l in year y; `region_scale[y]` moves a region-wide queue with its population.
    """

    pattern: np.ndarray
    share: np.ndarray
    region_scale: np.ndarray


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    num, den = np.broadcast_arrays(numerator, denominator)
    return np.divide(num, den, out=np.zeros(num.shape), where=den > 0)


def _spread(service: ServiceModel, population: np.ndarray) -> _Spread:
    people = population[:, service.ages, :].sum(axis=1)  # (L, Y)
    region = people.sum(axis=0)  # (Y,)
    share = _ratio(people, region[None, :])
    region_scale = _ratio(region, region[:1]) if service.scale_with_population else np.ones(1)
    if service.by_area:
        pattern = (
            _ratio(people, people[:, :1]) if service.scale_with_population else np.ones((1, 1))
        )
    else:
        pattern = _ratio(people, region[None, :1]) if service.scale_with_population else share
    return _Spread(pattern, share, np.broadcast_to(region_scale, region.shape))


def _volume(d: ServiceDraws, service: ServiceModel, spread: _Spread) -> np.ndarray:
    """(R, L, Y) users or places by area and year, before trends."""
    assert d.volume is not None
    if service.by_area:
        return d.volume[:, :, None] * spread.pattern[None, :, :]
    return d.volume[:, None, None] * spread.pattern[None, :, :]


def _queue_hours(
    service: ServiceModel,
    d: ServiceDraws,
    spread: _Spread,
    users_trend: np.ndarray,
    minutes_trend: np.ndarray,
) -> np.ndarray:
    """(R, Y) staff hours a year of a queue: Erlang C staff on duty in each hour x days a year."""
    assert d.arrivals_per_hour is not None and d.handling_minutes is not None
    arrivals = (
        d.arrivals_per_hour[:, :, None] * (users_trend * spread.region_scale[None, :])[:, None, :]
    )
    handling = (d.handling_minutes[:, None] * minutes_trend)[:, None, :]
    on_duty = agents_needed(arrivals, handling, service.answer_seconds, service.service_level)
    return np.asarray(on_duty.sum(axis=1), dtype=np.float64) * service.days_per_year


def _block_runs(model: DemandModel, itemsize: int) -> int:
    services, tasks = len(model.services), len(model.task_ids)
    cells = len(model.area_codes) * len(model.years)
    per_run = itemsize * (services * cells + services * tasks) + 8 * 4 * cells
    return max(1, BLOCK_BYTES // per_run)


def compile_demand(
    model: DemandModel,
    population: np.ndarray,
    draws: DemandDraws,
    *,
    block_runs: int | None = None,
    dtype: type[np.floating] = np.float64,
    levers: DemandLevers | None = None,
) -> DemandResult:
    """Required hours by run, task, area and year for every service of `model`.

    `population[l, a, y]` is people by area, single year of age 0..100 and year, in the order of
    `model.area_codes` and `model.years`. `draws` holds every parameter with the run leading.
    `block_runs` bounds the runs computed at once (default: about 256 MB of working memory);
    `dtype` float32 halves the result's memory at national scale. `levers`, drawn for the same
    runs, are the scenario's multipliers on demand (none: the specification as it stands).
    """
    population = np.asarray(population, dtype=np.float64)
    if population.shape != model.population_shape:
        raise ValueError(
            f"population should be (areas, ages, years) {model.population_shape}, "
            f"not {population.shape}"
        )
    if not np.isfinite(population).all() or (population < 0).any():
        raise ValueError("population must be finite and not negative")
    check_draws(model, draws)
    if levers is not None:
        check_levers(model, levers, np.asarray(draws.runs))
    runs, services, tasks = len(draws.runs), len(model.services), len(model.task_ids)
    cells = len(model.area_codes) * len(model.years)
    hours = np.empty((runs, tasks, cells), dtype=dtype)
    by_service = np.empty((runs, services, cells), dtype=dtype)
    people_by_age = np.ascontiguousarray(
        population.transpose(1, 0, 2).reshape(AGES, cells), dtype=dtype
    )
    spreads = [
        None if s.kind is DriverKind.POPULATION else _spread(s, population) for s in model.services
    ]
    layout = _Layout(people_by_age, spreads, _services_by_task(model))
    step = block_runs or _block_runs(model, np.dtype(dtype).itemsize)
    for start in range(0, runs, step):
        rows = slice(start, min(start + step, runs))
        block_levers = None if levers is None else levers.take(rows)
        _compile_block(model, layout, draws.take(rows), hours[rows], by_service[rows], block_levers)
    shape = (len(model.area_codes), len(model.years))
    return DemandResult(
        hours=hours.reshape(runs, tasks, *shape),
        hours_by_service=by_service.reshape(runs, services, *shape),
        runs=np.asarray(draws.runs),
        task_ids=model.task_ids,
        service_ids=model.service_ids,
        settings=model.settings,
        area_codes=model.area_codes,
        years=model.years,
    )


def _population_users(
    model: DemandModel, people_by_age: np.ndarray, draws: DemandDraws
) -> dict[int, np.ndarray]:
    """Users (R, L*Y) of every population-driven service, by service position: one matmul."""
    chosen = [i for i, s in enumerate(model.services) if s.kind is DriverKind.POPULATION]
    if not chosen:
        return {}
    runs = len(draws.runs)
    rates = np.empty((runs, len(chosen), AGES), dtype=people_by_age.dtype)
    for j, i in enumerate(chosen):
        d = draws.services[i]
        assert d.use_rate_by_age is not None and d.coverage is not None
        rates[:, j, :] = d.use_rate_by_age * d.coverage[:, None]
    users = (rates.reshape(runs * len(chosen), AGES) @ people_by_age).reshape(runs, len(chosen), -1)
    return {i: users[:, j, :] for j, i in enumerate(chosen)}


@dataclass(frozen=True, eq=False)
class _Layout:
    """What every block shares: population by age `(101, L*Y)`, each service's spread over areas
    (None for population-driven services), and the services that name each task."""

    people_by_age: np.ndarray
    spreads: list[_Spread | None]
    services_by_task: list[np.ndarray]


@dataclass(frozen=True, eq=False)
class _YearSplit:
    """A service's split over its tasks that changes by year: `shares[r, position[t], y]`."""

    position: dict[int, int]
    shares: np.ndarray


def _own_tasks(service: ServiceModel) -> list[int]:
    """The tasks a service names, activities first, each once."""
    return list(dict.fromkeys([*service.activity_tasks.tolist(), *service.split_tasks.tolist()]))


def _year_split(tasks: list[int], by_task: np.ndarray) -> tuple[_YearSplit, np.ndarray]:
    """The split by year of hours by own task `by_task` (R, n, Y), and their total (R, Y)."""
    total = by_task.sum(axis=1)
    shares = np.divide(
        by_task, total[:, None, :], out=np.zeros_like(by_task), where=total[:, None, :] > 0
    )
    return _YearSplit({t: j for j, t in enumerate(tasks)}, shares), total


def _activity_hours_changed(
    service: ServiceModel, d: ServiceDraws, minutes: np.ndarray, per_place: np.ndarray | None
) -> tuple[_YearSplit, np.ndarray]:
    """Hours a user (or place) by year (R, Y) with minutes levers on the activities, and the
    service's split over its tasks by year (a ratio's hours per place are not changed)."""
    tasks = _own_tasks(service)
    position = {t: j for j, t in enumerate(tasks)}
    per_activity = activity_hours_by_year(service, d, minutes)
    by_task = np.zeros((d.runs, len(tasks), minutes.shape[2]))
    for k, task in enumerate(service.activity_tasks.tolist()):
        by_task[:, position[task], :] += per_activity[:, k, :]
    if per_place is not None:
        for task, share in zip(service.split_tasks.tolist(), service.split_shares, strict=True):
            by_task[:, position[task], :] += (per_place * share)[:, None]
    return _year_split(tasks, by_task)


def _compile_block(
    model: DemandModel,
    layout: _Layout,
    draws: DemandDraws,
    hours: np.ndarray,
    by_service: np.ndarray,
    levers: DemandLevers | None = None,
) -> None:
    """Fill `hours` (R, T, L*Y) and `by_service` (R, S, L*Y) for one block of runs."""
    runs, tasks = len(draws.runs), len(model.task_ids)
    areas, years = len(model.area_codes), len(model.years)
    from_base = model.years_from_base
    split = np.zeros((runs, tasks, len(model.services)), dtype=hours.dtype)
    by_year: dict[int, _YearSplit] = {}
    population_users = _population_users(model, layout.people_by_age, draws)
    for s, (service, d, spread) in enumerate(
        zip(model.services, draws.services, layout.spreads, strict=True)
    ):
        users_trend = trend_factor(d.users_trend_per_year, from_base)
        minutes_trend = trend_factor(d.minutes_trend_per_year, from_base)
        users = None if levers is None else levers.users_factor(s)
        by_task, per_unit = activity_hours_by_task(service, d, tasks)
        if service.kind is DriverKind.ARRIVALS:
            assert spread is not None
            arrivals_trend = users_trend if users is None else users_trend * users
            minutes = None if levers is None else levers.minutes_factor(s, service.split_tasks)
            if minutes is not None:
                # the handling time is the queue's tasks' times in the split's proportions
                weights = service.split_shares / service.split_shares.sum()
                by_year[s], handling = _year_split(
                    service.split_tasks.tolist(), weights[None, :, None] * minutes
                )
                minutes_trend = minutes_trend * handling
            region = _queue_hours(service, d, spread, arrivals_trend, minutes_trend)
            out = region[:, None, :] * spread.share[None, :, :]
            by_task[:, service.split_tasks] = service.split_shares[None, :]
        else:
            per_place = None
            if service.kind is DriverKind.PLACES:
                per_place = ratio_hours_per_place(service, d, model.standard_hours_per_fte)
                by_task[:, service.split_tasks] += per_place[:, None] * service.split_shares
                per_unit = per_unit + per_place
            if service.kind is DriverKind.POPULATION:
                volume = population_users[s].reshape(runs, areas, years)
            else:
                assert spread is not None
                volume = _volume(d, service, spread)
            minutes = None
            if levers is not None and service.has_activities:
                minutes = levers.minutes_factor(s, service.activity_tasks)
            if minutes is None:
                scale = per_unit[:, None] * users_trend * minutes_trend
            else:
                by_year[s], per_unit_by_year = _activity_hours_changed(
                    service, d, minutes, per_place
                )
                scale = per_unit_by_year * users_trend * minutes_trend
            if users is not None:
                scale = scale * users
            out = volume * scale[:, None, :]
        by_service[:, s, :] = out.reshape(runs, areas * years)
        split[:, :, s] = split_over_tasks(by_task)
    _hours_by_task(split, by_service, hours, layout.services_by_task, by_year, years)


def _services_by_task(model: DemandModel) -> list[np.ndarray]:
    """For each task, the positions of the services that name it (fixed for every run)."""
    named: list[list[int]] = [[] for _ in model.task_ids]
    for s, service in enumerate(model.services):
        for task in dict.fromkeys(
            [*service.activity_tasks.tolist(), *service.split_tasks.tolist()]
        ):
            named[task].append(s)
    return [np.asarray(services, dtype=np.int64) for services in named]


def _hours_by_task(
    split: np.ndarray,
    by_service: np.ndarray,
    hours: np.ndarray,
    services_by_task: list[np.ndarray],
    by_year: dict[int, _YearSplit] | None = None,
    years: int = 1,
) -> None:
    """`hours[r, t] = sum over services s naming t of split[r, t, s] x by_service[r, s]` (the
    share of year y from `by_year[s]` where a service's split changes by year)."""
    by_year = by_year or {}
    scratch = np.empty_like(hours[:, 0, :])

    def term(t: int, s: int, out: np.ndarray) -> None:
        changing = by_year.get(s)
        if changing is None:
            np.multiply(by_service[:, s, :], split[:, t, s, None], out=out)
            return
        runs = len(out)
        own = by_service[:, s, :].reshape(runs, -1, years)
        shares = changing.shares[:, changing.position[t], None, :]
        out[...] = (own * shares).reshape(runs, -1)

    for t, services in enumerate(services_by_task):
        row = hours[:, t, :]
        if not len(services):
            row[...] = 0.0
            continue
        first, *others = services.tolist()
        term(t, first, row)
        for s in others:
            term(t, s, scratch)
            row += scratch

"""The scenario's `[demand]` levers as the demand compiler's multipliers (`DemandLevers`).

Each lever's multiplier is drawn once per run from its own named stream, so adding, removing or
changing a lever leaves every other stream's draws as they were (METHODS 5):

    demand.productivity.<i>     positive  minutes_multiplier of `demand.productivity[i]`
    demand.service_shift.<i>    positive  users_multiplier of `demand.service_shifts[i]`

Run 0 takes the central value. Service and task ids are checked here: an unknown one is a problem
at its place in the scenario (`demand.productivity[0].tasks`), all of them reported at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence

import numpy as np

from careforce.demand.levers import DemandLevers, MinutesLever, UsersLever, phased_factor
from careforce.demand.model import DemandModel, DriverKind
from careforce.domain import Problem, ValidationFailed
from careforce.sampling import Kind, Uncertain, draw, uniforms
from careforce.scenario.schema import Demand, ProductivityChange, ServiceShift


def lever_draws(value: Uncertain, *, seed: int, stream: str, runs: np.ndarray) -> np.ndarray:
    """(R,) a lever's multiplier in each run: the central value in run 0 and for a point."""
    if value.is_point:
        return np.full(runs.shape, value.central)
    return draw(value, Kind.POSITIVE, uniforms(seed, stream, runs), runs)


def _unknown(
    file: str, place: str, given: Sequence[str], known: Sequence[str], what: str
) -> list[Problem]:
    out = []
    for value in given:
        if value in known:
            continue
        close = difflib.get_close_matches(value, known, n=1)
        hint = f": did you mean {close[0]!r}?" if close else ""
        out.append(Problem(file, None, place, value, f"unknown {what} {value!r}{hint}"))
    return out


def _problems(levers: Demand, model: DemandModel, tasks: Sequence[str], file: str) -> list[Problem]:
    services = list(model.service_ids)
    found: list[Problem] = []
    for i, change in enumerate(levers.productivity):
        where = f"demand.productivity[{i}]"
        found += _unknown(file, f"{where}.services", change.services, services, "service")
        found += _unknown(file, f"{where}.tasks", change.tasks, tasks, "task")
        for service_id in change.services:
            if service_id in services:
                service = model.services[services.index(service_id)]
                if service.kind is DriverKind.PLACES and not service.has_activities:
                    found.append(
                        Problem(
                            file,
                            None,
                            f"{where}.services",
                            service_id,
                            "staffed by a ratio alone: productivity changes minutes per contact "
                            "and handling times, not staffing ratios (use a service shift, or "
                            "the specification's fte_per_place)",
                        )
                    )
    for i, shift in enumerate(levers.service_shifts):
        found += _unknown(
            file, f"demand.service_shifts[{i}].service", [shift.service], services, "service"
        )
    return found


def _minutes_lever(
    i: int,
    change: ProductivityChange,
    model: DemandModel,
    years: np.ndarray,
    seed: int,
    runs: np.ndarray,
) -> MinutesLever:
    chosen = change.services or list(model.service_ids)
    named = set(change.tasks) if change.tasks else set(model.task_ids)
    multiplier = lever_draws(
        change.minutes_multiplier, seed=seed, stream=f"demand.productivity.{i}", runs=runs
    )
    start = model.base_year if change.from_year is None else change.from_year
    return MinutesLever(
        services=frozenset(model.service_ids.index(s) for s in chosen),
        tasks=frozenset(t for t, task in enumerate(model.task_ids) if task in named),
        factor=phased_factor(multiplier, years, start, change.phase_in_years),
    )


def _users_lever(
    i: int, shift: ServiceShift, model: DemandModel, years: np.ndarray, seed: int, runs: np.ndarray
) -> UsersLever:
    multiplier = lever_draws(
        shift.users_multiplier, seed=seed, stream=f"demand.service_shift.{i}", runs=runs
    )
    start = model.base_year if shift.from_year is None else shift.from_year
    return UsersLever(
        service=model.service_ids.index(shift.service),
        factor=phased_factor(multiplier, years, start, shift.phase_in_years),
    )


def demand_levers(
    levers: Demand,
    model: DemandModel,
    *,
    seed: int,
    runs: np.ndarray,
    known_tasks: Collection[str] | None = None,
    file: str = "scenario",
) -> DemandLevers:
    """The scenario's levers on demand for the run indices `runs`, over the model's years.

    `known_tasks` are the task ids a lever may name (the framework's; default: the tasks the
    specification's services name). `file` names the scenario in problems. Raises
    ValidationFailed listing every unknown service or task id at its place.
    """
    runs = np.asarray(runs, dtype=np.int64)
    tasks = list(model.task_ids) if known_tasks is None else list(known_tasks)
    found = _problems(levers, model, tasks, file)
    if found:
        raise ValidationFailed(
            found,
            summary=f"{file}: {len(found)} problem(s) in the levers on demand; nothing was run",
        )
    years = np.asarray(model.years, dtype=np.float64)
    return DemandLevers(
        runs=runs,
        users=tuple(
            _users_lever(i, shift, model, years, seed, runs)
            for i, shift in enumerate(levers.service_shifts)
        ),
        minutes=tuple(
            _minutes_lever(i, change, model, years, seed, runs)
            for i, change in enumerate(levers.productivity)
        ),
    )

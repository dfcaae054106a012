"""Scenario levers on demand as the compiler applies them: multipliers by run and year.

A lever's multiplier `m` (drawn per run) reaches its full effect over a phase-in:

    factor[r, y] = 1 + (m[r] - 1) x phase(y),
    phase(y) = 0 before from_year, else min(1, (y - from_year + 1) / (phase_in_years + 1))

so with no phase-in the full effect starts in `from_year`, and with `n` years of phase-in it
rises in equal steps to reach it in `from_year + n` (docs/design/demand.md, "Scenario levers on
demand"). Several levers on the same service (and task) multiply.

Users levers multiply a service's users, places or arrivals. Minutes levers multiply the minutes
per contact of activities (not travel) and the handling time of a queue, for the tasks they name;
they leave staffing ratios alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from careforce.demand.model import DemandModel


def phase_in(years: np.ndarray, from_year: int, phase_in_years: int) -> np.ndarray:
    """(Y,) share of a lever's full effect in each year: 0 before `from_year`, then linear."""
    if phase_in_years < 0:
        raise ValueError("phase_in_years cannot be negative")
    steps = (np.asarray(years, dtype=np.float64) - from_year + 1) / (phase_in_years + 1)
    return np.clip(steps, 0.0, 1.0)


def phased_factor(
    multiplier: np.ndarray, years: np.ndarray, from_year: int, phase_in_years: int
) -> np.ndarray:
    """(R, Y) multipliers by run and year from a multiplier by run (R,) and its phase-in."""
    phase = phase_in(years, from_year, phase_in_years)
    return 1.0 + (np.asarray(multiplier, dtype=np.float64)[:, None] - 1.0) * phase[None, :]


@dataclass(frozen=True, eq=False)
class UsersLever:
    """A service's users (places, arrivals) multiplied by `factor[r, y]`."""

    service: int
    factor: np.ndarray


@dataclass(frozen=True, eq=False)
class MinutesLever:
    """Minutes a contact (or a queue's handling time) multiplied by `factor[r, y]` for the tasks
    `tasks` of the services `services` (positions in the model; explicit, never "all")."""

    services: frozenset[int]
    tasks: frozenset[int]
    factor: np.ndarray


@dataclass(frozen=True, eq=False)
class DemandLevers:
    """Every lever on demand, for the run indices `runs` (those of the draws)."""

    runs: np.ndarray
    users: tuple[UsersLever, ...] = field(default=())
    minutes: tuple[MinutesLever, ...] = field(default=())

    def take(self, rows: slice) -> DemandLevers:
        """The same levers for a block of runs (views, no copy)."""
        return DemandLevers(
            self.runs[rows],
            tuple(UsersLever(u.service, u.factor[rows]) for u in self.users),
            tuple(MinutesLever(m.services, m.tasks, m.factor[rows]) for m in self.minutes),
        )

    def users_factor(self, service: int) -> np.ndarray | None:
        """(R, Y) product of the users levers on one service; None where there is none."""
        chosen = [u.factor for u in self.users if u.service == service]
        if not chosen:
            return None
        out = chosen[0].copy()
        for factor in chosen[1:]:
            out *= factor
        return out

    def minutes_factor(self, service: int, tasks: np.ndarray) -> np.ndarray | None:
        """(R, K, Y) product of the minutes levers on each of the service's items of work doing
        `tasks[k]` (activities, or a queue's tasks); None where no lever reaches any of them."""
        out: np.ndarray | None = None
        for lever in self.minutes:
            if service not in lever.services:
                continue
            items = [k for k, t in enumerate(tasks.tolist()) if t in lever.tasks]
            if not items:
                continue
            if out is None:
                runs, years = lever.factor.shape
                out = np.ones((runs, len(tasks), years))
            out[:, items, :] *= lever.factor[:, None, :]
        return out

    @property
    def is_empty(self) -> bool:
        return not self.users and not self.minutes


def check_levers(model: DemandModel, levers: DemandLevers, runs: np.ndarray) -> None:
    """Raise ValueError when the levers do not fit the model and the draws' runs."""
    if not np.array_equal(levers.runs, runs):
        raise ValueError("the levers must be drawn for the runs of the draws")
    shape = (len(runs), len(model.years))
    services, tasks = len(model.services), len(model.task_ids)
    for lever in levers.users:
        if not 0 <= lever.service < services:
            raise ValueError("a users lever names a service outside the model")
    for m in levers.minutes:
        if any(not 0 <= s < services for s in m.services) or any(
            not 0 <= t < tasks for t in m.tasks
        ):
            raise ValueError("a minutes lever names a service or task outside the model")
    for factor in [u.factor for u in levers.users] + [m.factor for m in levers.minutes]:
        if factor.shape != shape:
            raise ValueError(f"a lever's factor should be {shape}, not {factor.shape}")
        if not np.isfinite(factor).all() or (factor < 0).any():
            raise ValueError("a lever's factor must be finite and not negative")

"""The array-ready description of one gap allocation, and the options of a solve (METHODS 6).

Axes: r run (run 0 is the central run), l area, y year, t task, g staff group (a framework
role). `AllocationProblem` checks itself on construction, so the engine never sees an array of
the wrong shape, a negative hour or a delegation that nobody may supervise: the message names the
array, the first bad cell by its labels, and what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Each array's axes, by dimension name.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "hours": ("run", "area", "year", "task"),
    "fte": ("run", "area", "year", "group"),
    "task_hours_per_fte": ("group",),
    "own": ("task", "group"),
    "delegable": ("task", "group"),
    "supervisors": ("task", "group"),
    "supervision_ratio": ("task",),
    "max_delegated_share": ("task",),
    "cost_per_hour": ("group",),
    "penalty": ("task",),
    "network": ("task",),
}
FLAGS = ("own", "delegable", "supervisors", "network")


@dataclass(frozen=True, eq=False)
class AllocationProblem:
    """Task hours needed, staff available and the rules of who may do what.

    - `hours[r, l, y, t]`: hours of task t needed in area l in year y, run r.
    - `fte[r, l, y, g]`: FTE of group g available in area l.
    - `task_hours_per_fte[g]`: hours a year one FTE gives to tasks (available working time x
      (1 - non-task share)).
    - `own[t, g]`: g holds the competency for t. `delegable[t, g]`: g may do t when a registrant
      delegates it; ignored where `own[t, g]` (the group then does the task in its own right).
    - `supervisors[t, g]`: the registrant groups who may delegate (and so supervise) t; every
      task delegable to someone needs at least one.
    - `supervision_ratio[t]`: registrant hours per delegated hour of t.
    - `max_delegated_share[t]`: cap on the share of t's hours done under delegation (0-1).
    - `cost_per_hour[g]`: cost of an hour of g's time (GBP).
    - `penalty[t]`: cost of an unmet hour of t; it must exceed the dearest way of doing an hour
      of t, `(1 + supervision_ratio[t]) x (1 + travel_overhead) x max(cost_per_hour)`, so that
      an hour that someone may do is never left undone to save money.
    - `network[t]`: a network service whose need is pooled over the areas of a region and which
      staff of any area of the region may serve; `travel_overhead` is the extra capacity an hour
      done for another area's need takes.
    - `delegation_hours[l, y, t]` (optional): the most hours of t that workers trained for it
      may do under delegation in area l (None: no limit beyond the delegated-share cap); it
      binds the area's own delegated work, not network work done for the pool.
    - `max_delegated_share_by_year[y, t]` (optional): a cap on t's delegated share in year y
      (a delegation policy from a year on), on top of `max_delegated_share[t]`.
    - `network_region[l]` (optional): each area's region label; None puts every area in one
      region. Regions matter only to network tasks; keep them to the areas that really share a
      service (for example an integrated care board's), as one region of many areas is costly
      to solve.
    """

    tasks: tuple[str, ...]
    groups: tuple[str, ...]
    areas: tuple[str, ...]
    years: tuple[int, ...]
    hours: np.ndarray
    fte: np.ndarray
    task_hours_per_fte: np.ndarray
    own: np.ndarray
    delegable: np.ndarray
    supervisors: np.ndarray
    supervision_ratio: np.ndarray
    max_delegated_share: np.ndarray
    cost_per_hour: np.ndarray
    penalty: np.ndarray
    network: np.ndarray
    travel_overhead: float = 0.0
    network_region: np.ndarray | None = None
    delegation_hours: np.ndarray | None = None
    max_delegated_share_by_year: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in ("tasks", "groups", "areas", "years"):
            _check_labels(name, getattr(self, name))
        for name, dims in DIMENSIONS.items():
            value = np.asarray(getattr(self, name))
            if name in FLAGS:
                if value.dtype != np.bool_:
                    raise ValueError(f"{name} must be a boolean array, not {value.dtype}")
            else:
                if not np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_:
                    raise ValueError(f"{name} must be a numeric array, not {value.dtype}")
                value = value.astype(np.float64, copy=False)
            object.__setattr__(self, name, value)
            self._check_shape(name, dims, value)
        if self.hours.shape[0] != self.fte.shape[0]:
            raise ValueError(
                f"hours has {self.hours.shape[0]} runs and fte {self.fte.shape[0]}: give both "
                "the same runs, run 0 first"
            )
        if self.hours.shape[0] < 1:
            raise ValueError("hours and fte need at least one run (run 0 is the central run)")
        overhead = float(self.travel_overhead)
        if not np.isfinite(overhead) or overhead < 0:
            raise ValueError(f"travel_overhead is {overhead}; give a finite number >= 0")
        object.__setattr__(self, "travel_overhead", overhead)
        if self.delegation_hours is not None:
            trained = np.asarray(self.delegation_hours, dtype=np.float64)
            want = (len(self.areas), len(self.years), len(self.tasks))
            if trained.shape != want:
                raise ValueError(
                    f"delegation_hours has shape {trained.shape}; expected (area, year, task) {want}"
                )
            if not np.isfinite(trained).all() or (trained < 0).any():
                raise ValueError("delegation_hours must be finite and not negative")
            object.__setattr__(self, "delegation_hours", trained)
        if self.max_delegated_share_by_year is not None:
            by_year = np.asarray(self.max_delegated_share_by_year, dtype=np.float64)
            by_year_shape = (len(self.years), len(self.tasks))
            if by_year.shape != by_year_shape:
                raise ValueError(
                    f"max_delegated_share_by_year has shape {by_year.shape}; expected "
                    f"(year, task) {by_year_shape}"
                )
            if not np.isfinite(by_year).all() or (by_year < 0).any() or (by_year > 1).any():
                raise ValueError("max_delegated_share_by_year: a share must lie in [0, 1]")
            object.__setattr__(self, "max_delegated_share_by_year", by_year)
        if self.network_region is not None:
            region = np.asarray(self.network_region)
            if region.shape != (len(self.areas),):
                raise ValueError(
                    f"network_region has shape {region.shape}; expected (area {len(self.areas)})"
                )
            missing = np.array([label is None or label != label for label in region.tolist()])
            if missing.any():
                area = self.areas[int(np.argmax(missing))]
                raise ValueError(f"network_region[area {area!r}] is missing; label every area")
            object.__setattr__(self, "network_region", region)
        self._check_values()
        self._check_rules()

    @property
    def runs(self) -> int:
        return int(self.hours.shape[0])

    def regions(self) -> list[np.ndarray]:
        """The areas (indices) of each network region, regions in order of first appearance."""
        if self.network_region is None:
            return [np.arange(len(self.areas))]
        _, first, inverse = np.unique(self.network_region, return_index=True, return_inverse=True)
        return [np.flatnonzero(inverse == r) for r in np.argsort(first)]

    def label(self, dimension: str, index: int) -> str:
        """'task 'wound_care'' for an index along one of the problem's axes."""
        if dimension == "run":
            return f"run {index}"
        labels = {
            "area": self.areas,
            "year": self.years,
            "task": self.tasks,
            "group": self.groups,
        }[dimension]
        return f"{dimension} {labels[index]!r}"

    def where(self, name: str, bad: np.ndarray) -> str:
        """'name[area 'north', task 'bathing'] (and 3 more cells)' for a mask over name's axes."""
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        dims = DIMENSIONS[name]
        place = ", ".join(self.label(d, i) for d, i in zip(dims, first, strict=True))
        more = int(bad.sum()) - 1
        return f"{name}[{place}]" + (f" (and {more} more cells)" if more else "")

    def _check_shape(self, name: str, dims: tuple[str, ...], value: np.ndarray) -> None:
        sizes = {
            "area": len(self.areas),
            "year": len(self.years),
            "task": len(self.tasks),
            "group": len(self.groups),
        }
        expected = tuple(
            value.shape[0] if d == "run" and value.ndim == len(dims) else sizes.get(d, -1)
            for d in dims
        )
        if value.shape != expected:
            wanted = ", ".join(f"{d} {'any' if d == 'run' else sizes[d]}" for d in dims)
            raise ValueError(f"{name} has shape {value.shape}; expected ({wanted})")

    def _check_values(self) -> None:
        rules: tuple[tuple[str, str, float, float], ...] = (
            ("hours", "task hours must be finite and >= 0", 0.0, np.inf),
            ("fte", "FTE must be finite and >= 0", 0.0, np.inf),
            ("task_hours_per_fte", "hours per FTE must be finite and >= 0", 0.0, np.inf),
            ("supervision_ratio", "registrant hours per delegated hour must be >= 0", 0.0, np.inf),
            ("max_delegated_share", "a share must lie in [0, 1]", 0.0, 1.0),
            ("cost_per_hour", "cost per hour must be finite and >= 0", 0.0, np.inf),
        )
        for name, reason, low, high in rules:
            value = getattr(self, name)
            bad = ~np.isfinite(value) | (value < low) | (value > high)
            if bad.any():
                shown = value[tuple(np.argwhere(bad)[0])]
                raise ValueError(f"{self.where(name, bad)} is {shown}: {reason}")
        dearest = (1.0 + self.supervision_ratio) * (1.0 + self.travel_overhead)
        dearest = dearest * (float(self.cost_per_hour.max()) if len(self.groups) else 0.0)
        bad = ~np.isfinite(self.penalty) | (self.penalty <= dearest)
        if bad.any():
            t = int(np.argwhere(bad)[0][0])
            raise ValueError(
                f"{self.where('penalty', bad)} is {self.penalty[t]}: an unmet hour must cost more "
                f"than the dearest way of doing it ({dearest[t]:.6g} = (1 + supervision_ratio) x "
                "(1 + travel_overhead) x the largest cost_per_hour); give penalties far above "
                "any wage"
            )

    def _check_rules(self) -> None:
        delegated = self.delegable & ~self.own
        unsupervised = delegated & ~np.any(self.supervisors, axis=1, keepdims=True)
        if unsupervised.any():
            t = int(np.argwhere(unsupervised)[0][0])
            raise ValueError(
                f"{self.where('delegable', unsupervised)} is True but no group may supervise "
                f"task {self.tasks[t]!r} (supervisors[task {self.tasks[t]!r}, :] is all False): "
                "name the registrant groups who may delegate it, or make it not delegable"
            )


@dataclass(frozen=True)
class AllocationOptions:
    """How to solve an `AllocationProblem`.

    - `delegation`: False solves with no delegated work at all (what delegation is worth is the
      difference).
    - `delegated_share_cap`: when given, every task's cap on its delegated share becomes
      `min(delegated_share_cap, max_delegated_share[t])` (and no more than the problem's cap by
      year, where it has one).
    - `runs`: the runs to solve, in the order the results give them; None solves every run of
      the problem. Run 0 is the central run. A run's results depend only on its own inputs (each
      run is solved from a fresh start), so runs may be solved in chunks, in any process, and
      joined: `allocate(p, AllocationOptions(runs=(0, 1)))` gives the rows that solving all runs
      gives for runs 0 and 1.
    """

    delegation: bool = True
    delegated_share_cap: float | None = None
    runs: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        cap = self.delegated_share_cap
        if cap is not None and not (np.isfinite(cap) and 0.0 <= cap <= 1.0):
            raise ValueError(f"delegated_share_cap is {cap}; give a share in [0, 1] or None")
        if self.runs is not None:
            if len(self.runs) == 0:
                raise ValueError("runs is empty; give at least one run, or None for all")
            if len(set(self.runs)) != len(self.runs):
                raise ValueError(f"runs {self.runs} names a run twice")

    def runs_of(self, problem: AllocationProblem) -> tuple[int, ...]:
        """The runs to solve, checked against the problem's runs."""
        if self.runs is None:
            return tuple(range(problem.runs))
        for run in self.runs:
            if not 0 <= run < problem.runs:
                raise ValueError(
                    f"run {run} is not in the problem, which has runs 0 to {problem.runs - 1}"
                )
        return tuple(int(r) for r in self.runs)

    def delegated_share(self, problem: AllocationProblem) -> np.ndarray:
        """[task] the cap on the share of each task's hours done under delegation."""
        if not self.delegation:
            return np.zeros(len(problem.tasks))
        if self.delegated_share_cap is None:
            return problem.max_delegated_share
        return np.minimum(problem.max_delegated_share, self.delegated_share_cap)

    def delegated_share_by_year(self, problem: AllocationProblem) -> np.ndarray:
        """[year, task] the cap on the share of each task's hours done under delegation in each
        year: `delegated_share`, lowered where the problem caps a year."""
        share = np.broadcast_to(
            self.delegated_share(problem), (len(problem.years), len(problem.tasks))
        )
        if problem.max_delegated_share_by_year is None:
            return share.copy()
        return np.minimum(share, problem.max_delegated_share_by_year)


def _check_labels(name: str, labels: tuple[object, ...]) -> None:
    if not isinstance(labels, tuple):
        raise ValueError(f"{name} must be a tuple of labels, not {type(labels).__name__}")
    if len(labels) == 0:
        raise ValueError(f"{name} is empty; give at least one label")
    seen: set[object] = set()
    for label in labels:
        if label in seen:
            raise ValueError(f"{name} names {label!r} twice; labels must be unique")
        seen.add(label)

"""The array-ready description of the cheapest-plan problem (METHODS section 8).

The plan is found on the central run. The baseline (no plan) comes from the full projection:
its FTE available to the services in every area and year, and its leavers. What the plan adds is
linear: extra staff arrive (training completers, international recruits) or stay (retention
spending, pay uplift) and then leave at their role's yearly rate, so the plan's extra stock
`E[y, g, l] = survival[g] x E[y-1, g, l] + arrivals + staff kept` is exact for the aggregate
model with fixed rates. Year index 0 is the census year: no lever acts in it. Places of year y
are the intake that shows in year y's students, as in the projection; they join their role in
year y + course years - 1.

Axes: y year (as `allocation.years`), l area, t task, g staff group (role), p programme,
k segment of the retention curve.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from careforce.allocation.problem import AllocationProblem

SHAPES: dict[str, tuple[str, ...]] = {
    "available_share": ("group", "area"),
    "survival": ("group",),
    "fte_per_joiner": ("group",),
    "annual_pay": ("group",),
    "programme_role": ("programme",),
    "course_years": ("programme",),
    "fill_rate": ("programme",),
    "completion": ("programme",),
    "local_share": ("programme",),
    "programme_area_share": ("programme", "area"),
    "extra_places_max": ("year", "programme"),
    "cost_per_place_year": ("programme",),
    "recruits_max": ("year", "group"),
    "cost_per_recruit": ("group",),
    "recruit_area_share": ("group", "area"),
    "baseline_leavers": ("year", "group"),
    "baseline_stock": ("year", "group"),
    "leaver_area_share": ("group", "area"),
}
SHARES = ("available_share", "survival", "fill_rate", "completion", "local_share")


@dataclass(frozen=True, eq=False)
class PlanProblem:
    """The baseline, the levers and their limits and costs.

    - `allocation`: the central run's allocation problem (one run): need `hours[0, l, y, t]`,
      and the baseline's FTE available to the services `fte[0, l, y, g]`.
    - `available_share[g, l]`: the share of an added FTE that works in the specified services.
    - `survival[g]`: share of a role's staff still in post a year on; `fte_per_joiner[g]`.
    - `annual_pay[g]`: employer cost of one FTE a year (the pay of staff the plan adds or keeps,
      and the base of a pay uplift's cost).
    - Programmes: `programme_role[p]` (index into the groups, -1 for a role outside them),
      `course_years[p]`, `fill_rate[p]`, `completion[p]` (share of starters who complete),
      `local_share[p]`, `programme_area_share[p, l]`, `extra_places_max[y, p]` (commissioned
      places a year above the baseline that placement capacity allows), `cost_per_place_year[p]`,
      `programme_source[p]` (an apprenticeship route's source group: its starters leave that
      group's staff, or -1).
    - International recruitment: `recruits_max[y, g]` (the ethical cap; 0 where none may be
      recruited), `cost_per_recruit[g]`, `recruit_area_share[g, l]`.
    - Retention: `baseline_leavers[y, g]` (FTE leaving in the step to year y),
      `baseline_stock[y, g]` (FTE in post), `leaver_area_share[g, l]`; `retention_curve`: the
      concave effect of spending, breakpoints (GBP a year per FTE in post, share of leavers kept)
      from (0, 0); `pay_uplift_max` (a share of pay) and `pay_elasticity` (share of leavers kept
      per unit of uplift).
    - Upskilling: `delegation_hours[l, t]`, the delegated hours a year today's trained workers can
      do (None: delegation is not limited by training, and the lever is off);
      `hours_per_trained_worker`, `cost_per_trained_worker`.
    """

    allocation: AllocationProblem
    available_share: np.ndarray
    survival: np.ndarray
    fte_per_joiner: np.ndarray
    annual_pay: np.ndarray
    programmes: tuple[str, ...]
    programme_role: np.ndarray
    course_years: np.ndarray
    fill_rate: np.ndarray
    completion: np.ndarray
    local_share: np.ndarray
    programme_area_share: np.ndarray
    extra_places_max: np.ndarray
    cost_per_place_year: np.ndarray
    recruits_max: np.ndarray
    cost_per_recruit: np.ndarray
    recruit_area_share: np.ndarray
    baseline_leavers: np.ndarray
    baseline_stock: np.ndarray
    leaver_area_share: np.ndarray
    retention_curve: tuple[tuple[float, float], ...] = ((0.0, 0.0),)
    pay_uplift_max: float = 0.0
    pay_elasticity: float = 0.0
    delegation_hours: np.ndarray | None = None
    hours_per_trained_worker: float = 260.0
    cost_per_trained_worker: float = 0.0
    programme_names: dict[str, str] = field(default_factory=dict)
    programme_source: np.ndarray | None = None  # [p] group an apprenticeship draws from, or -1

    def __post_init__(self) -> None:
        a = self.allocation
        if a.runs != 1:
            raise ValueError(f"the plan is found on one run (the central run); got {a.runs}")
        sizes = {
            "group": len(a.groups),
            "area": len(a.areas),
            "year": len(a.years),
            "programme": len(self.programmes),
        }
        for name, dims in SHAPES.items():
            value = np.asarray(getattr(self, name))
            want = tuple(sizes[d] for d in dims)
            if value.shape != want:
                raise ValueError(f"{name} has shape {value.shape}; want {want} {dims}")
            if name != "programme_role" and not np.isfinite(value).all():
                raise ValueError(f"{name} has a value that is not a finite number")
            if name != "programme_role" and (value < 0).any():
                raise ValueError(f"{name} has a negative value")
            if name in SHARES and (value > 1 + 1e-12).any():
                raise ValueError(f"{name} has a share above 1")
        if self.programme_source is None:
            object.__setattr__(self, "programme_source", np.full(len(self.programmes), -1))
        source = np.asarray(self.programme_source)
        if (
            source.shape != (len(self.programmes),)
            or ((source < -1) | (source >= len(a.groups))).any()
        ):
            raise ValueError("programme_source must index the groups for each programme, or be -1")
        roles = np.asarray(self.programme_role)
        if ((roles < -1) | (roles >= len(a.groups))).any():
            raise ValueError("programme_role must index the groups, or be -1")
        if (np.asarray(self.course_years) < 1).any():
            raise ValueError("course_years must be at least 1")
        curve = self.retention_curve
        if not curve or curve[0] != (0.0, 0.0):
            raise ValueError("the retention curve must start at (0, 0)")
        slopes = [(r1 - r0) / (s1 - s0) for (s0, r0), (s1, r1) in itertools.pairwise(curve)]
        if any(s1 <= s0 for (s0, _), (s1, _) in itertools.pairwise(curve)):
            raise ValueError("the retention curve's spending must rise from point to point")
        if any(s < 0 for s in slopes) or any(
            b > a_ + 1e-12 for a_, b in itertools.pairwise(slopes)
        ):
            raise ValueError(
                "the retention curve must be concave: each further pound keeps no more leavers "
                "than the one before"
            )
        if curve[-1][1] > 1:
            raise ValueError("the retention curve cannot keep more than all leavers")
        if self.delegation_hours is not None and np.asarray(self.delegation_hours).shape != (
            len(a.areas),
            len(a.tasks),
        ):
            raise ValueError("delegation_hours must have axes (area, task)")

    @property
    def segments(self) -> tuple[tuple[float, float], ...]:
        """The retention curve as (width in GBP per FTE, share kept per GBP per FTE) segments."""
        c = self.retention_curve
        return tuple(
            (s1 - s0, (r1 - r0) / (s1 - s0)) for (s0, r0), (s1, r1) in itertools.pairwise(c)
        )


@dataclass(frozen=True)
class PlanOptions:
    """What the plan must achieve.

    - `target_year`: from this year on, unmet need must be at most `target_unmet_share` of the
      need (each year); None: no target, and unmet hours cost `unmet_penalty` each instead.
    - `budget[y]`: the most the plan may cost in each year (GBP, cash): None for no limit.
    - `unmet_penalty`: GBP per unmet hour when there is no target.
    - `margin[y]`: hours the plan must stay below the target in each year (default none): room
      for what the plan's aggregate model misses against the full projection.
    """

    target_year: int | None = None
    target_unmet_share: float = 0.0
    budget: tuple[float, ...] | None = None
    unmet_penalty: float = 1_000.0
    margin: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.target_unmet_share < 1.0:
            raise ValueError("the target's unmet share must be in [0, 1)")
        if self.budget is not None and any(b < 0 for b in self.budget):
            raise ValueError("a budget cannot be negative")

"""Why a target cannot be met, in a planner's words.

Given the nearest plan with no budget limit (the target rows made elastic), say whether the budget
alone stands in the way, or which limits do: placement capacity, course lengths that deliver
after the target year, the ethical cap on international recruits, the largest effect retention
spending and pay can have, and tasks that no lever can reach because nobody who may do them can
be trained, recruited or kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from careforce.optimise.problem import PlanOptions, PlanProblem

if TYPE_CHECKING:
    from careforce.optimise.plan import Plan

AT_LIMIT = 0.999  # a lever at 99.9% of its limit is at it


def _years(years: tuple[int, ...], mask: np.ndarray) -> str:
    picked = [y for y, m in zip(years, mask, strict=True) if m]
    if not picked:
        return ""
    if picked == list(range(picked[0], picked[-1] + 1)) and len(picked) > 2:
        return f"{picked[0]} to {picked[-1]}"
    return ", ".join(str(y) for y in picked)


def _gbp(value: float) -> str:
    return f"GBP {value / 1e6:,.2f} million" if abs(value) >= 1e5 else f"GBP {value:,.0f}"


def explain(p: PlanProblem, options: PlanOptions, unlimited: Plan) -> tuple[str, ...]:
    """The reasons the target of `options` cannot be met (see the module docstring)."""
    a = p.allocation
    years = tuple(a.years)
    target = options.target_year
    assert target is not None
    by = np.asarray(years) <= target
    reasons: list[str] = []
    per_fte = float(np.mean(a.task_hours_per_fte))
    if unlimited.shortfall.max(initial=0.0) <= 1e-6:
        costs = unlimited.total_cost
        budget = np.asarray(options.budget or (), dtype=np.float64)
        over = costs > budget * (1 + 1e-9) + 1.0
        worst = int(np.argmax(np.where(over, costs - budget, -np.inf)))
        reasons.append(
            f"The target cannot be met within the budget: the cheapest plan that meets it costs "
            f"more than the budget in {_years(years, over)} (in {years[worst]}, "
            f"{_gbp(costs[worst])} against {_gbp(budget[worst])})."
        )
        return tuple(reasons)
    worst = int(np.argmax(unlimited.shortfall))
    reasons.append(
        f"The target cannot be met even with no budget limit: in {years[worst]}, "
        f"{unlimited.shortfall[worst]:,.0f} hours ({unlimited.shortfall[worst] / per_fte:,.1f} FTE)"
        f" of need stay unmet beyond the target."
    )
    names = p.programme_names
    first = years[1] if len(years) > 1 else years[0]
    for i, programme in enumerate(p.programmes):
        if p.programme_role[i] < 0:
            continue
        limit = p.extra_places_max[:, i]
        used = unlimited.places[:, i]
        full = (limit > 0) & (used >= AT_LIMIT * limit) & by
        label = names.get(programme, programme)
        if full.any():
            reasons.append(
                f"Placement capacity limits {label}: every extra place it allows is used in "
                f"{_years(years, full)}."
            )
        arrive = first + int(p.course_years[i]) - 1
        if arrive > target:
            reasons.append(
                f"{label} takes {int(p.course_years[i])} years: places commissioned from {first} "
                f"complete from {arrive}, after {target}."
            )
    capped = (p.recruits_max > 0) & (unlimited.recruits >= AT_LIMIT * p.recruits_max)
    for g in np.flatnonzero(capped[by].any(axis=0)):
        cap = p.recruits_max[by, g].max()
        reasons.append(
            f"The ethical cap on international recruits of {a.groups[g]} ({cap:,.1f} a year) is "
            f"reached in {_years(years, capped[:, g] & by)}."
        )
    most = p.retention_curve[-1][1] + p.pay_elasticity * p.pay_uplift_max
    kept = unlimited.leavers_kept_share
    if most > 0 and (kept[by] >= AT_LIMIT * min(1.0, most)).any():
        reasons.append(
            f"Retention spending and pay are at their largest effect ({100 * min(1.0, most):.0f}% "
            "of leavers kept) for some roles before the target year."
        )
    reachable = (
        (p.recruits_max.sum(axis=0) > 0)
        | (p.baseline_leavers.sum(axis=0) > 0) & (most > 0)
        | np.isin(np.arange(len(a.groups)), p.programme_role[p.programme_role >= 0])
    )
    doers = (a.own | a.delegable) & (p.available_share.sum(axis=1) > 0)[None, :]
    target_row = years.index(target) if target in years else len(years) - 1
    unmet_tasks = np.flatnonzero(unlimited.unmet[target_row].sum(axis=0) > 1.0)
    stuck = [t for t in unmet_tasks if not (doers[t] & reachable).any()]
    if stuck:
        listed = ", ".join(a.tasks[t] for t in stuck[:8]) + (" ..." if len(stuck) > 8 else "")
        reasons.append(
            f"No lever reaches the tasks {listed}: nobody who may do them can be trained, "
            "recruited or kept in the plan. Add a programme or recruitment for a role that may do "
            "them, or a delegation under the framework."
        )
    if len(reasons) == 1:
        reasons.append(
            "Every lever the plan may use is at its limit before the target year; loosen a limit "
            "or move the target year later."
        )
    return tuple(reasons)

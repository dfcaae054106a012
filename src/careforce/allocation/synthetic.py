"""Random allocation problems shaped like a region's: for benchmarks and property tests.

About a fifth of the staff groups are registrants (dearer, supervising). Some tasks are held by
registrants only (a few of them), often delegable to support groups; the others are held by many
groups of either kind. A few tasks are network services and a tenth are statutory (higher
penalty). Registrants are scarcer than support staff, and areas differ in their mix, so there is
unmet need in some places and spare capacity in others. Run 0 is central; other runs scale each
area's hours and FTE by lognormal noise.
"""

from __future__ import annotations

import numpy as np

from careforce.allocation.problem import AllocationProblem


def random_problem(
    rng: np.random.Generator,
    *,
    areas: int,
    tasks: int,
    groups: int,
    years: int,
    runs: int = 1,
    held_by: tuple[int, int] = (10, 22),
    registrant_tasks: float = 0.4,
    held_by_registrants: tuple[int, int] = (1, 4),
    delegable_tasks: float = 0.5,
    delegable_to: tuple[int, int] = (3, 8),
    network_tasks: float = 0.05,
    statutory_tasks: float = 0.1,
    capacity_ratio: float = 1.0,
    registrant_supply: float = 0.85,
    support_supply: float = 1.1,
    travel_overhead: float = 0.1,
    noise: float = 0.1,
    area_spread: float = 0.25,
    regions: int = 1,
) -> AllocationProblem:
    """A random problem. A share `registrant_tasks` of tasks is held by `held_by_registrants`
    registrant groups only, the others by `held_by` groups of any kind (the defaults allow about
    a quarter of task-group pairs once delegation is counted). Each task's hours are counted against
    the support groups holding it (else its registrants); registrants' task-hours capacity is
    then `capacity_ratio x registrant_supply` times the hours counted against them in the first
    year, support groups' `capacity_ratio x support_supply`, before `area_spread` (the lognormal
    spread of each area's staff of each group around the regional mix). The areas fall into `regions` network regions of
    consecutive areas."""
    registrants = max(1, groups // 5)
    is_registrant = np.arange(groups) < registrants
    own = np.zeros((tasks, groups), dtype=np.bool_)
    registrant_only = rng.random(tasks) < registrant_tasks
    for t in range(tasks):
        low, high = held_by_registrants if registrant_only[t] else held_by
        pool = registrants if registrant_only[t] else groups
        k = min(max(int(rng.integers(low, high + 1)), 1), pool)
        own[t, rng.choice(pool, size=k, replace=False)] = True
        if not own[t, is_registrant].any():
            own[t, rng.integers(registrants)] = True
    supervisors = own & is_registrant[None]
    delegable = np.zeros_like(own)
    support = np.flatnonzero(~is_registrant)
    for t in np.flatnonzero(rng.random(tasks) < delegable_tasks).tolist():
        free = support[~own[t, support]]
        if len(free) == 0:
            continue
        k = min(int(rng.integers(delegable_to[0], delegable_to[1] + 1)), len(free))
        delegable[t, rng.choice(free, size=k, replace=False)] = True

    cost = np.where(is_registrant, rng.uniform(30, 70, groups), rng.uniform(14, 25, groups))
    ratio = rng.uniform(0.05, 0.2, tasks)
    share = rng.uniform(0.3, 0.8, tasks)
    overhead = float(travel_overhead)
    statutory = rng.random(tasks) < statutory_tasks
    floor = (1 + ratio) * (1 + overhead) * cost.max()
    penalty = np.where(statutory, rng.uniform(50, 100, tasks), rng.uniform(10, 20, tasks)) * floor
    network = rng.random(tasks) < network_tasks
    task_hours_per_fte = 1650.0 * (1.0 - rng.uniform(0.2, 0.35, groups))

    size = rng.lognormal(0.0, 0.6, areas)  # areas differ in size
    base = rng.lognormal(np.log(2000.0), 1.0, tasks)  # hours a year per unit of area size
    growth = 1.0 + rng.uniform(0.005, 0.025, tasks)
    hours = (
        size[:, None, None]
        * base[None, None, :]
        * growth[None, None, :] ** np.arange(years)[None, :, None]
    )
    # capacity by group in proportion to the hours it is expected to do (each task's hours to
    # the support groups holding it, else its registrants), then unevenly
    support_holds = np.any(own & ~is_registrant[None], axis=1, keepdims=True)
    doers = np.where(support_holds, own & ~is_registrant, own)
    need_share = (base[:, None] * doers / doers.sum(axis=1)[:, None]).sum(axis=0)  # [g]
    fte_base = need_share / task_hours_per_fte
    fte_base *= rng.lognormal(0.0, 0.35, groups)
    for kind, supply in ((is_registrant, registrant_supply), (~is_registrant, support_supply)):
        capacity = (fte_base * task_hours_per_fte)[kind].sum()
        if capacity > 0:
            fte_base[kind] *= capacity_ratio * supply * need_share[kind].sum() / capacity
    change = 1.0 + rng.uniform(-0.01, 0.015, groups)
    local = rng.lognormal(0.0, area_spread, (areas, groups))  # areas short of some groups
    fte = (size[:, None] * local * fte_base)[:, None, :] * change[None, None, :] ** np.arange(
        years
    )[None, :, None]
    hours_runs = np.repeat(hours[None], runs, axis=0)
    fte_runs = np.repeat(fte[None], runs, axis=0)
    if runs > 1:
        hours_runs[1:] *= rng.lognormal(0.0, noise, (runs - 1, areas, 1, tasks))
        fte_runs[1:] *= rng.lognormal(0.0, noise, (runs - 1, areas, 1, groups))
    return AllocationProblem(
        tasks=tuple(f"task_{t:03d}" for t in range(tasks)),
        groups=tuple(f"group_{g:02d}" for g in range(groups)),
        areas=tuple(f"area_{a:03d}" for a in range(areas)),
        years=tuple(2026 + y for y in range(years)),
        hours=hours_runs,
        fte=fte_runs,
        task_hours_per_fte=task_hours_per_fte,
        own=own,
        delegable=delegable,
        supervisors=supervisors,
        supervision_ratio=ratio,
        max_delegated_share=share,
        cost_per_hour=cost,
        penalty=penalty,
        network=network,
        travel_overhead=overhead,
        network_region=np.arange(areas) * regions // areas,
    )

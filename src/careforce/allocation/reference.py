"""A slow, plain reference for the allocation engine: METHODS section 6 written in linopy.

One linopy model per (run, year) over every area, with labelled dimensions and masks, written
to read like the equations of docs/methods/allocation.md; no cell is left out for speed and no
basis is carried from one solve to the next. The tests check the engine against it on small
problems (objective, and every result where the optimum is unique). It is far too slow for real
sizes: building a linopy model costs tens of milliseconds however small, and linopy's arrays
are dense over (area, task, group).

It gives no `unmet_removed_per_fte` (that needs the optimal basis, which linopy does not keep);
the tests check the engine's against finite differences instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import linopy
import numpy as np
import xarray as xr

from careforce.allocation.layout import delegated_pairs
from careforce.allocation.problem import AllocationOptions, AllocationProblem


@dataclass(frozen=True, eq=False)
class ReferenceAllocation:
    """The reference's results; the arrays mean what `Allocation`'s of the same name mean."""

    runs: tuple[int, ...]
    hours_done: np.ndarray
    unmet: np.ndarray
    supervision: np.ndarray
    travel: np.ndarray
    utilisation: np.ndarray
    capacity_price: np.ndarray
    objective: np.ndarray
    supervision_by_task: np.ndarray


def allocate_reference(
    problem: AllocationProblem, options: AllocationOptions = AllocationOptions()
) -> ReferenceAllocation:
    """The allocation of every (run, year), one linopy model at a time."""
    runs = options.runs_of(problem)
    n_areas, n_years = len(problem.areas), len(problem.years)
    n_tasks, n_groups = len(problem.tasks), len(problem.groups)
    shape = (len(runs), n_areas, n_years)
    out = ReferenceAllocation(
        runs=runs,
        hours_done=np.zeros((*shape, n_tasks, n_groups)),
        unmet=np.zeros((*shape, n_tasks)),
        supervision=np.zeros((*shape, n_groups)),
        travel=np.zeros((*shape, n_groups)),
        utilisation=np.zeros((*shape, n_groups)),
        capacity_price=np.zeros((*shape, n_groups)),
        objective=np.zeros((len(runs), n_years)),
        supervision_by_task=np.zeros((*shape, n_tasks)),
    )
    for i, run in enumerate(runs):
        for j in range(n_years):
            _solve_one(problem, options, run, j, out, i)
    return out


def build_model(
    problem: AllocationProblem, options: AllocationOptions, run: int, j: int
) -> linopy.Model:
    """The linopy model of run `run`, year index `j`: variables `work`, `away`, `inflow`,
    `supervise` and `unmet`, constraints named after the rows of docs/methods/allocation.md."""
    area, task, group = (
        ("area", list(problem.areas)),
        ("task", list(problem.tasks)),
        ("group", list(problem.groups)),
    )
    hours = xr.DataArray(problem.hours[run, :, j], coords=[area, task])
    capacity = xr.DataArray(
        problem.fte[run, :, j] * problem.task_hours_per_fte, coords=[area, group]
    )
    share_values = options.delegated_share_by_year(problem)[j]
    share = xr.DataArray(share_values, coords=[task])
    ratio = xr.DataArray(problem.supervision_ratio, coords=[task])
    wage = xr.DataArray(problem.cost_per_hour, coords=[group])
    penalty = xr.DataArray(problem.penalty, coords=[task])
    delegated_values = delegated_pairs(problem, options)
    delegated = xr.DataArray(delegated_values, coords=[task, group])
    allowed = xr.DataArray(problem.own | delegated_values, coords=[task, group])
    network = xr.DataArray(problem.network, coords=[task])
    regions = [r for r in problem.regions() if len(r) > 1]
    pooled_area = np.zeros(len(problem.areas), dtype=np.bool_)
    for members in regions:
        pooled_area[members] = True
    pooled = xr.DataArray(pooled_area, coords=[area]) & network
    some_delegated = delegated.any("group") & (ratio > 0)
    overhead = problem.travel_overhead
    everywhere = xr.DataArray(np.ones(len(problem.areas), dtype=np.bool_), coords=[area])

    with linopy.options as settings:
        settings["semantics"] = "v1"  # refuse ambiguous alignment rather than guess
        m = linopy.Model()
        work = m.add_variables(
            lower=0, coords=[area, task, group], name="work", mask=allowed & everywhere
        )
        away = m.add_variables(
            lower=0, coords=[area, task, group], name="away", mask=pooled & allowed
        )
        inflow = m.add_variables(lower=0, coords=[area, task], name="inflow", mask=pooled)
        supervise = m.add_variables(
            lower=0,
            coords=[area, task, group],
            name="supervise",
            mask=some_delegated
            & xr.DataArray(problem.supervisors, coords=[task, group])
            & everywhere,
        )
        unmet = m.add_variables(lower=0, coords=[area, task], name="unmet")
        # v1 semantics: an absent (masked) slot makes a sum absent; here it means "no such hours"
        work_, away_, inflow_, supervise_ = (v.fillna(0) for v in (work, away, inflow, supervise))

        m.add_constraints(work_.sum("group") + inflow_ + unmet == hours, name="demand")
        m.add_constraints(
            work_.sum("task") + (1 + overhead) * away_.sum("task") + supervise_.sum("task")
            <= capacity,
            name="capacity",
        )
        delegated_work = (work_ * delegated.astype(float)).sum("group")
        delegated_away = (away_ * delegated.astype(float)).sum("group")
        m.add_constraints(
            supervise_.sum("group") - ratio * (delegated_work + delegated_away) >= 0,
            name="supervision",
            mask=some_delegated & everywhere,
        )
        m.add_constraints(
            delegated_work <= share * hours,
            name="delegated_cap",
            mask=~network & delegated.any("group") & everywhere,
        )
        if problem.delegation_hours is not None:
            m.add_constraints(
                delegated_work <= xr.DataArray(problem.delegation_hours[:, j], coords=[area, task]),
                name="trained",
                mask=~network & delegated.any("group") & everywhere,
            )
        for r, members in enumerate(regions):
            names = [problem.areas[a] for a in members]
            m.add_constraints(
                away_.sel(area=names).sum(["area", "group"]) - inflow_.sel(area=names).sum("area")
                == 0,
                name=f"pool_{r}",
                mask=network,
            )
        for r, members in enumerate(problem.regions()):
            names = [problem.areas[a] for a in members]
            regional = (delegated_work + delegated_away).sel(area=names).sum("area")
            m.add_constraints(
                regional <= share * hours.sel(area=names).sum("area"),
                name=f"delegated_cap_network_{r}",
                mask=network & delegated.any("group"),
            )
        m.add_objective(
            (wage * work_).sum()
            + ((1 + overhead) * wage * away_).sum()
            + (wage * supervise_).sum()
            + (penalty * unmet).sum()
        )
    return m


def _solve_one(
    problem: AllocationProblem,
    options: AllocationOptions,
    run: int,
    j: int,
    out: ReferenceAllocation,
    i: int,
) -> None:
    m = build_model(problem, options, run, j)
    status, condition = m.solve(solver_name="highs", output_flag=False)
    if status != "ok" or condition != "optimal":
        raise RuntimeError(f"the reference LP of run {run}, year {j} ended {status}, {condition}")

    def solved(name: str) -> np.ndarray:
        return np.nan_to_num(m.variables[name].solution.values, nan=0.0).clip(min=0.0)

    done = solved("work") + solved("away")
    supervision = solved("supervise").sum(axis=1)
    travel = problem.travel_overhead * solved("away").sum(axis=1)
    capacity_values = problem.fte[run, :, j] * problem.task_hours_per_fte
    hours = problem.hours[run, :, j]
    used = done.sum(axis=1) + supervision + travel
    unmet_values = solved("unmet")
    for members in problem.regions():  # network unmet shared by need own staff did not meet
        if len(members) < 2:
            continue
        tasks = np.flatnonzero(problem.network)
        short = np.maximum(hours[members][:, tasks] - done[members][:, tasks].sum(axis=2), 0)
        total = short.sum(axis=0)
        share_of = np.divide(short, total, out=np.zeros_like(short), where=total > 0)
        unmet_values[np.ix_(members, tasks)] = share_of * unmet_values[members][:, tasks].sum(
            axis=0
        )
    out.hours_done[i, :, j] = done
    out.unmet[i, :, j] = unmet_values
    out.supervision[i, :, j] = supervision
    out.supervision_by_task[i, :, j] = solved("supervise").sum(axis=2)
    out.travel[i, :, j] = travel
    out.utilisation[i, :, j] = np.divide(
        used, capacity_values, out=np.zeros_like(used), where=capacity_values > 0
    )
    out.capacity_price[i, :, j] = -m.constraints["capacity"].dual.values
    out.objective[i, j] = float(m.objective.value or 0.0)

"""`careforce optimise SCENARIO`: the cheapest mix of actions that closes the gap by a target year.

Runs the scenario's gap (supply projection, required workforce, allocation), finds the cheapest
plan on the central run (METHODS section 8), then puts the plan's levers into the projection and
runs it again for the central run and the sampled drawn runs, with the same random draws (common
random numbers), to report the probability that the plan meets its target.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from careforce.allocation.engine import allocate
from careforce.allocation.problem import AllocationOptions
from careforce.domain import UserError
from careforce.optimise.plan import LEVERS, Plan, cheapest_plan
from careforce.optimise.problem import PlanOptions, PlanProblem
from careforce.scenario.gap_inputs import DELEGATED_HOURS_PER_WORKER
from careforce.scenario.load import load_scenario
from careforce.scenario.new_roles import framework_with_new_roles, pay_with_new_roles
from careforce.scenario.plan_inputs import lever_assumptions, plan_problem, planned_model
from careforce.scenario.supply_inputs import draw_supply_parameters
from careforce.services.framework import framework_for
from careforce.services.gap import GapOutcome, compute_gap, staff_by_area
from careforce.services.supply import scenario_role_groups
from careforce.supply.engine import ProcessNoise, project
from careforce.supply.model import SupplyModel
from careforce.supply.projection import Projection

MET_TOLERANCE_HOURS = 1.0  # unmet hours above the target by less than this still meet it
CORRECTIONS = 3  # at most this many re-solves with room for what the aggregate model misses


@dataclass(frozen=True, eq=False)
class OptimiseOutcome:
    gap: GapOutcome
    problem: PlanProblem
    options: PlanOptions
    plan: Plan
    assumptions: tuple[str, ...]
    checked_runs: tuple[int, ...]
    checked_unmet: np.ndarray  # [r, y] unmet hours of the region with the plan, by checked run
    probability_met: float | None  # share of drawn runs meeting the target; None without draws
    seconds: float

    @property
    def target_year(self) -> int:
        assert self.options.target_year is not None
        return self.options.target_year

    def met(self) -> np.ndarray:
        """[r] whether each checked run meets the target in every year from the target year."""
        years = np.asarray(self.plan.years)
        need = self.plan.need.sum(axis=(1, 2))
        limit = self.options.target_unmet_share * need + MET_TOLERANCE_HOURS
        late = years >= self.target_year
        return (self.checked_unmet[:, late] <= limit[late]).all(axis=1)

    def as_document(self) -> dict[str, Any]:
        p, plan = self.problem, self.plan
        a = p.allocation
        per_fte = float(np.mean(a.task_hours_per_fte))
        years = list(plan.years)
        return {
            "scenario": self.gap.scenario,
            "name": self.gap.name,
            "target_year": self.target_year,
            "target_unmet_share": self.options.target_unmet_share,
            "budget": None if self.options.budget is None else list(self.options.budget),
            "feasible": plan.feasible,
            "diagnostics": list(plan.diagnostics),
            "years": years,
            "cost_by_lever": {k: v.tolist() for k, v in plan.cost.items()},
            "total_cost": plan.total_cost.tolist(),
            "places": [
                {"programme": prog, "year": y, "places": float(plan.places[j, i])}
                for i, prog in enumerate(p.programmes)
                for j, y in enumerate(years)
                if plan.places[j, i] > 1e-6
            ],
            "international_recruits": [
                {"role": g, "year": y, "recruits": float(plan.recruits[j, i])}
                for i, g in enumerate(a.groups)
                for j, y in enumerate(years)
                if plan.recruits[j, i] > 1e-6
            ],
            "retention": [
                {
                    "role": g,
                    "year": y,
                    "spend_gbp": float(plan.retention_spend[j, i]),
                    "pay_uplift": float(plan.pay_uplift[j, i]),
                    "leavers_kept_share": float(plan.leavers_kept_share[j, i]),
                }
                for i, g in enumerate(a.groups)
                for j, y in enumerate(years)
                if plan.leavers_kept_share[j, i] > 1e-6
            ],
            "gap_fte_central": (plan.unmet.sum(axis=(1, 2)) / per_fte).tolist(),
            "need_fte_central": (plan.need.sum(axis=(1, 2)) / per_fte).tolist(),
            "checked_runs": list(self.checked_runs),
            "probability_met": self.probability_met,
            "met_central": bool(self.met()[0]),
            "assumptions": list(self.assumptions),
            "seconds": round(self.seconds, 2),
        }


def optimise_scenario(
    path: Path,
    *,
    target_year: int | None = None,
    target_share: float | None = None,
    budget: float | None = None,
    runs: int | None = None,
    seed: int | None = None,
    sample: int | None = None,
    scheduler: str | None = None,
) -> OptimiseOutcome:
    """The cheapest plan for the scenario in `path` to leave at most `target_share` of the need
    unmet in every year from `target_year` (default: the last year), spending at most `budget`
    GBP a year when given; and the probability that it meets the target over the sampled runs.
    Each left out comes from the scenario's `[plan]`."""
    started = time.perf_counter()
    scenario = load_scenario(path).scenario
    first = scenario.data.census_date.year
    last = first + scenario.projection.years
    target_year = scenario.plan.target_year if target_year is None else target_year
    target = last if target_year is None else target_year
    if not first < target <= last:
        raise UserError(
            f"--target-year {target}: choose a year from {first + 1} to {last} (the census "
            f"year {first} is before any action can take effect)"
        )
    gap = compute_gap(path, runs=runs, seed=seed, sample=sample, scheduler=scheduler)
    outcome = plan_for_gap(gap, target_year=target_year, target_share=target_share, budget=budget)
    return dataclasses.replace(outcome, seconds=time.perf_counter() - started)


def plan_for_gap(
    gap: GapOutcome,
    *,
    target_year: int | None = None,
    target_share: float | None = None,
    budget: float | None = None,
) -> OptimiseOutcome:
    """The cheapest plan for a gap already computed (see `optimise_scenario`)."""
    started = time.perf_counter()
    loaded = load_scenario(Path(gap.scenario))
    levers = loaded.scenario.plan
    target_year = levers.target_year if target_year is None else target_year
    target_share = levers.target_share if target_share is None else target_share
    budget = levers.budget_per_year if budget is None else budget
    if not 0.0 <= target_share < 1.0:
        raise UserError("--target-share must be a share of the need from 0 up to 1")
    if budget is not None and budget < 0:
        raise UserError("--budget cannot be negative")
    a = gap.problem
    years = a.years
    target = years[-1] if target_year is None else target_year
    if not years[0] < target <= years[-1]:
        raise UserError(f"--target-year {target}: choose a year from {years[1]} to {years[-1]}")
    new_roles = loaded.scenario.new_roles
    framework = framework_with_new_roles(
        framework_for(loaded.input_path(loaded.scenario.data.framework)),
        new_roles,
        source=gap.scenario,
    )
    problem = plan_problem(
        a,
        gap.available_share,
        gap.supply.model,
        gap.supply.projection,
        pay_with_new_roles(framework, a.groups, new_roles),
        {g: framework.role(g).registered for g in a.groups},
        gap.supply.programme_names,
        levers,
        target_year=target,
    )
    options = PlanOptions(
        target_year=target,
        target_unmet_share=target_share,
        budget=None if budget is None else (0.0, *([float(budget)] * (len(years) - 1))),
    )
    # The plan's model is aggregate (one leaver rate a role); the full projection may leave a
    # little more unmet. Check the central run and, while it misses the target, ask the plan for
    # that much more room and solve again.
    runs_checked = np.asarray(gap.runs)
    late = np.asarray(years) >= target
    margin = np.zeros(len(years))
    for _ in range(CORRECTIONS + 1):
        plan = cheapest_plan(problem, dataclasses.replace(options, margin=tuple(margin)))
        unmet = _check(gap, plan, runs_checked)
        limit = target_share * plan.need.sum(axis=(1, 2)) + MET_TOLERANCE_HOURS
        short = np.where(late, unmet[0] - limit, 0.0)
        if not plan.feasible or (short <= 0).all():
            break
        margin = margin + np.clip(short, 0, None) + MET_TOLERANCE_HOURS
    outcome = OptimiseOutcome(
        gap=gap,
        problem=problem,
        options=options,
        plan=plan,
        assumptions=(*gap.assumptions, *lever_assumptions(levers)),
        checked_runs=tuple(int(r) for r in runs_checked),
        checked_unmet=unmet,
        probability_met=None,
        seconds=0.0,
    )
    met = outcome.met()
    return dataclasses.replace(
        outcome,
        probability_met=float(met[1:].mean()) if len(met) > 1 else None,
        seconds=time.perf_counter() - started,
    )


def _check(gap: GapOutcome, plan: Plan, runs: np.ndarray) -> np.ndarray:
    """Unmet hours `[r, y]` of the region with the plan's levers in the full projection, for the
    gap's runs and with the same draws."""
    a = gap.problem
    projection = _project_planned(gap, planned_model(gap.supply.model, plan, a.groups), runs)
    fte = staff_by_area(
        projection, np.arange(len(runs)), a.groups, a.areas, a.years, gap.census_date.year
    )
    trained = a.delegation_hours
    if trained is not None:  # the workers the plan trains, from the year they are trained
        added = np.cumsum(plan.trained_workers, axis=0).transpose(1, 0, 2)  # [l, y, t]
        trained = trained + added * DELEGATED_HOURS_PER_WORKER
    planned = dataclasses.replace(
        a, fte=fte * gap.available_share.T[None, :, None, :], delegation_hours=trained
    )
    return allocate(planned, AllocationOptions()).unmet.sum(axis=(1, 3))


def _project_planned(gap: GapOutcome, model: SupplyModel, runs: np.ndarray) -> Projection:
    """The planned model projected for `runs` with the gap's projection's draws."""
    loaded = load_scenario(Path(gap.scenario))
    scenario = loaded.scenario
    supply = gap.supply
    scenario = scenario.model_copy(
        update={
            "projection": scenario.projection.model_copy(
                update={"runs": supply.runs, "seed": supply.seed}
            )
        }
    )
    groups = scenario_role_groups(scenario, gap.scenario)
    params = draw_supply_parameters(supply.model, scenario, supply.rates, groups, runs=runs)
    noise = ProcessNoise.from_seed(supply.seed) if scenario.projection.process_noise else None
    backend = "numpy" if noise is not None else "numba"
    return project(model, params, supply.projection.years, backend=backend, process_noise=noise)


def _money(value: float) -> str:
    return f"{value / 1e6:,.2f}"


def print_plan(outcome: OptimiseOutcome, console: Console) -> None:
    plan, p = outcome.plan, outcome.problem
    per_fte = float(np.mean(p.allocation.task_hours_per_fte))
    share = outcome.options.target_unmet_share
    goal = "no unmet need" if share == 0 else f"at most {100 * share:.0f}% of the need unmet"
    console.print(
        f"[bold]{outcome.gap.name}[/bold]: the cheapest plan for {goal} from "
        f"{outcome.target_year} ({outcome.seconds:.1f} s)"
    )
    for line in plan.diagnostics:
        console.print(f"[red]{line}[/red]")
    table = Table(title="Cost by lever, GBP million (cash, 2025/26 prices)")
    table.add_column("Year")
    levers = [lever for lever in LEVERS if np.abs(plan.cost[lever]).sum() > 0.5]
    for lever in levers:
        table.add_column(lever.capitalize(), justify="right")
    table.add_column("Total", justify="right")
    table.add_column("Gap after the plan (FTE)", justify="right")
    for j, year in enumerate(plan.years):
        table.add_row(
            str(year),
            *(_money(plan.cost[lever][j]) for lever in levers),
            _money(plan.total_cost[j]),
            f"{plan.unmet[j].sum() / per_fte:,.1f}",
        )
    console.print(table)
    if outcome.probability_met is not None:
        console.print(
            f"Probability the plan meets its target (drawn runs {len(outcome.checked_runs) - 1}): "
            f"{100 * outcome.probability_met:.0f}%"
        )
    for note in outcome.assumptions:
        console.print(f"  {note}")

"""`careforce gap SCENARIO`: the need the projected staff cannot meet, by competency and area.

Runs the scenario's required workforce (its service specification) and its supply projection with
the same seed and runs, then allocates each area's and year's task hours to the roles that may do
them (METHODS section 6) for the central run and a sample of drawn runs: the first `sample` drawn
runs, which are a random sample because every run's draws are independent. The central run is
solved a second time without delegation, to show what delegation is worth.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from careforce.allocation.engine import Allocation, allocate
from careforce.allocation.problem import AllocationOptions, AllocationProblem
from careforce.costing.pay import UNPAID_ROLES
from careforce.domain import UserError
from careforce.results.gap_summary import GapSummary, summarise_gap
from careforce.scenario.gap_inputs import (
    NON_TASK_SHARE,
    NON_TASK_SHARE_BASIS,
    SUPERVISION_BASIS,
    TRAINED_BASIS,
    GapSettings,
    allocation_problem,
    competence,
    deployment_share,
    trained_delegation_hours,
)
from careforce.scenario.load import load_scenario
from careforce.scenario.new_roles import framework_with_new_roles, pay_with_new_roles
from careforce.scenario.schema import Scenario
from careforce.services.demand import DemandOutcome, compute_demand
from careforce.services.framework import framework_for
from careforce.services.provenance import code_version
from careforce.services.snapshot import StoreSnapshot
from careforce.services.supply import SupplyOutcome, project_scenario
from careforce.supply.projection import Projection

DEFAULT_SAMPLE = 50  # drawn runs allocated besides the central run


@dataclass(frozen=True, eq=False)
class GapOutcome:
    scenario: str
    name: str
    census_date: dt.date
    seed: int
    runs: tuple[int, ...]  # the projection's runs allocated, central first
    seconds: float
    code_version: str
    settings: GapSettings
    assumptions: tuple[str, ...]
    demand: DemandOutcome
    supply: SupplyOutcome
    problem: AllocationProblem
    allocation: Allocation
    without_delegation: Allocation
    summary: GapSummary
    role_titles: dict[str, str]
    available_share: np.ndarray  # [g, l] share of a role's FTE in the specified services

    def as_document(self) -> dict[str, Any]:
        s = self.summary
        return {
            "scenario": self.scenario,
            "name": self.name,
            "census_date": self.census_date.isoformat(),
            "years": list(self.problem.years),
            "seed": self.seed,
            "runs_allocated": list(self.runs),
            "quantiles": list(s.quantiles),
            "code_version": self.code_version,
            "inputs": self.supply.inputs,
            "seconds": round(self.seconds, 2),
            "task_hours_per_fte": s.task_hours_per_fte,
            "assumptions": list(self.assumptions),
            "total": s.total.to_dicts(),
            "by_domain": s.by_domain.to_dicts(),
            "by_task": s.by_task.to_dicts(),
            "by_area": s.by_area.to_dicts(),
            "by_domain_area": s.by_domain_area.to_dicts(),
            "worth_most": s.worth_most.to_dicts(),
            "utilisation": s.utilisation.to_dicts(),
            "delegation": s.delegation.to_dicts(),
        }


def _store_shares(
    snapshot: StoreSnapshot,
    census: dt.date,
    roles: list[str],
    areas: tuple[str, ...],
    settings: set[str],
    tasks: tuple[str, ...],
    delegable: np.ndarray,
    like: dict[str, str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """From the store's staff tables: each role's share of FTE in the settings `[g, l]` (a new
    role's from the role it is like), and the delegated hours the workers trained for each task
    can do `[l, t]`."""
    posts = snapshot.posts_with_people
    share = deployment_share(posts, census, roles, areas, settings, like)
    trained = trained_delegation_hours(
        posts, snapshot.training_records, census, tasks, roles, areas, delegable
    )
    return share, trained


def staff_by_area(
    projection: Projection,
    rows: np.ndarray,
    roles: Sequence[str],
    areas: Sequence[str],
    years: Sequence[int],
    first_year: int,
) -> np.ndarray:
    """Projected FTE `[r, l, y, g]` of the projection's rows `rows`, summed over sectors."""
    year_rows = np.array([y - first_year for y in years])
    fte = projection.fte()[np.ix_(rows, year_rows)].sum(axis=4)  # [r, y, g, every area]
    role_rows = [projection.roles.index(r) for r in roles]
    area_rows = [projection.areas.index(a) for a in areas]
    return fte[:, :, role_rows][:, :, :, area_rows].transpose(0, 3, 1, 2)


def compute_gap(
    path: Path,
    *,
    runs: int | None = None,
    seed: int | None = None,
    sample: int | None = None,
    scheduler: str | None = None,
    backend: str = "numba",
    delegated_share_cap: float | None = None,
    network_tasks: tuple[str, ...] | None = None,
    travel_overhead: float | None = None,
) -> GapOutcome:
    """The gap of the scenario in `path`; `runs` and `seed` override the scenario's, `sample` is
    how many drawn runs the allocation solves besides the central run. `delegated_share_cap`
    caps the share of any task done under delegation; `network_tasks` are services whose need
    is pooled over the region and met by staff of any area, each hour done away taking
    `travel_overhead` more of their time. Each left out comes from the scenario's `[allocation]`."""
    loaded = load_scenario(path)
    chosen_options = loaded.scenario.allocation
    sample = chosen_options.sample if sample is None else sample
    if delegated_share_cap is None:
        delegated_share_cap = chosen_options.delegated_share_cap
    if network_tasks is None:
        network_tasks = tuple(chosen_options.network_tasks)
    if travel_overhead is None:
        travel_overhead = chosen_options.travel_overhead
    if sample < 0:
        raise UserError("--sample must be 0 (the central run only) or more")
    if delegated_share_cap is not None and not 0.0 <= delegated_share_cap <= 1.0:
        raise UserError("--delegated-share-cap must be a share from 0 to 1")
    if travel_overhead < 0:
        raise UserError("--travel-overhead cannot be negative")
    started = time.perf_counter()
    data = loaded.scenario.data
    services = loaded.input_path(data.services)
    if services is None:
        raise UserError(f"{path}: [data] names no services file, and the gap needs one")
    supply = project_scenario(path, runs=runs, seed=seed, scheduler=scheduler, backend=backend)
    framework_file = loaded.input_path(data.framework)
    demand = compute_demand(
        services,
        population_path=loaded.input_path(data.population),
        framework_path=framework_file,
        years=supply.projection.years + 1,  # the demand's years count the base year
        runs=supply.runs,
        seed=supply.seed,
        levers=loaded.scenario.demand,
        levers_source=path,
    )
    scenario = loaded.scenario
    framework = framework_with_new_roles(
        framework_for(framework_file), scenario.new_roles, source=str(path)
    )
    result = demand.result
    model = supply.model
    missing = sorted(set(result.area_codes) - set(model.areas))
    if missing:
        raise UserError(
            f"{services}: areas with need but no staff in the database: {', '.join(missing)}"
        )
    years = [supply.census_date.year + t for t in range(supply.projection.years + 1)]
    common = [y for y in years if y in result.years]
    if not common:
        raise UserError(f"{services}: the population's years do not meet the projection's")
    roles = [r for r in model.roles if r in framework.roles and r not in UNPAID_ROLES]
    chosen = np.arange(min(sample, supply.runs) + 1)
    settings_modelled = {s["setting"] for s in demand.services}
    delegable = competence(framework, result.task_ids, roles)["delegable"]
    if supply.snapshot is None:
        raise ValueError("the projection kept no copy of the store's staff tables")
    share, trained = _store_shares(
        supply.snapshot,
        supply.census_date,
        roles,
        result.area_codes,
        settings_modelled,
        result.task_ids,
        delegable,
        {r.id: r.like_role for r in scenario.new_roles},
    )
    hours = result.hours[chosen][..., [result.years.index(y) for y in common]]  # [r, t, l, y]
    fte = staff_by_area(supply.projection, chosen, roles, result.area_codes, common, years[0])
    settings = GapSettings(
        hours_per_fte=demand.standard_hours_per_fte,
        non_task_share=chosen_options.non_task_share,
        network_tasks=network_tasks,
        travel_overhead=travel_overhead,
    )
    problem = allocation_problem(
        framework,
        tasks=result.task_ids,
        roles=roles,
        areas=result.area_codes,
        years=common,
        hours=hours.transpose(0, 2, 3, 1),
        fte=fte,
        available_share=share,
        pay=pay_with_new_roles(framework, roles, scenario.new_roles),
        settings=settings,
        delegation_hours=np.repeat(trained[:, None, :], len(common), axis=1),
        delegation=scenario.delegation,
        source=str(path),
    )
    allocation = allocate(problem, AllocationOptions(delegated_share_cap=delegated_share_cap))
    without = allocate(problem, AllocationOptions(delegation=False, runs=(0,)))
    summary = summarise_gap(
        allocation,
        problem,
        {t.id: t.domain for t in framework.tasks.values()},
        without_delegation=without,
        domain_order=list(framework.domains),
        quantiles=supply.summary.quantiles,
        runs=chosen.tolist(),
    )
    assumptions = (
        NON_TASK_SHARE_BASIS
        if settings.non_task_share == NON_TASK_SHARE
        else f"scenario: {100 * settings.non_task_share:g}% of available hours to work beyond "
        "the specified tasks",
        SUPERVISION_BASIS,
        TRAINED_BASIS,
        "staff available to the specified services: each role's share of FTE in the "
        "specification's settings on the census date, held over the horizon",
        "unmet hours cost GBP 1,000 an hour, statutory tasks GBP 10,000, far above any wage",
        f"allocated runs: the central run and the first {len(chosen) - 1} drawn runs",
        *(
            [f"at most {100 * delegated_share_cap:.0f}% of any task done under delegation"]
            if delegated_share_cap is not None
            else []
        ),
        *(
            [
                f"network services, met by staff of any area at {100 * travel_overhead:.0f}% "
                f"travel overhead: {', '.join(network_tasks)}"
            ]
            if network_tasks
            else []
        ),
        *lever_notes(scenario),
    )
    return GapOutcome(
        scenario=str(path),
        name=scenario.name,
        census_date=supply.census_date,
        seed=supply.seed,
        runs=tuple(int(r) for r in chosen),
        seconds=time.perf_counter() - started,
        code_version=code_version(),
        settings=settings,
        assumptions=assumptions,
        demand=demand,
        supply=supply,
        problem=problem,
        allocation=allocation,
        without_delegation=without,
        summary=summary,
        role_titles={r: framework.role(r).title for r in roles},
        available_share=share,
    )


def lever_notes(scenario: Scenario) -> list[str]:
    """The scenario's delegation levers and new roles in words, for the assumptions."""
    notes = []
    for change in scenario.delegation:
        tasks = ", ".join(change.tasks) or "every delegable task"
        start = "" if change.from_year is None else f" from {change.from_year}"
        parts = [] if change.allowed else ["not delegated"]
        if change.max_share is not None:
            parts.append(f"at most {100 * change.max_share:g}% delegated")
        if change.trained_per_year:
            parts.append(f"{change.trained_per_year:g} more workers trained a year")
        basis = change.source or change.basis
        notes.append(f"delegation{start}, {tasks}: {'; '.join(parts) or 'no change'} ({basis})")
    for role in scenario.new_roles:
        notes.append(
            f"new role {role.id} ({role.title}), like {role.like_role}: {len(role.tasks)} tasks "
            f"of its own, {len(role.delegated_tasks)} by delegation ({role.source or role.basis})"
        )
    return notes


def _fmt(value: float | None) -> str:
    if value is None or value != value:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}"


def print_gap(outcome: GapOutcome, console: Console) -> None:
    s = outcome.summary
    years = list(outcome.problem.years)
    first, last = years[0], years[-1]
    console.print(
        f"[bold]{outcome.name}[/bold]: the gap, {first} to {last}, "
        f"{len(outcome.runs) - 1} drawn runs besides the central run ({outcome.seconds:.1f} s)"
    )
    table = Table(title="Unmet need by competency domain (central, 5-95%)")
    table.add_column("Competency domain")
    for year in (first, last):
        table.add_column(f"{year} FTE gap", justify="right")
    table.add_column(f"P(gap) {last}", justify="right")
    rows = {(r["domain"], r["year"]): r for r in s.by_domain.to_dicts()}
    for domain in dict.fromkeys(r["domain"] for r in s.by_domain.to_dicts()):
        cells = []
        for year in (first, last):
            r = rows[(domain, year)]
            text = _fmt(r["fte_central"])
            if "fte_p5" in r:
                text += f" ({_fmt(r['fte_p5'])}-{_fmt(r['fte_p95'])})"
            cells.append(text)
        p = rows[(domain, last)]["probability_gap"]
        name = outcome.demand.domain_names.get(domain, domain)
        table.add_row(name, *cells, "-" if p is None else f"{100 * p:.0f}%")
    console.print(table)
    for note in outcome.assumptions:
        console.print(f"  {note}")

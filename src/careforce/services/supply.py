"""`careforce project SCENARIO`: the workforce the region will have, year by year, with its range.

Reads the scenario, the store's staff history once, estimates the rates (METHODS section 7),
builds the engine's model, draws every run's parameters up front from named streams, and projects
chunks of runs here, in a process pool or on a Dask cluster: the joined result is the same. The
statutory roles (AMHP, section 12) are then projected from the joined runs, in this process (their
stocks are small, and their inflow follows the eligible roles' projected headcount).
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from careforce.domain import UserError
from careforce.parallel import chunks_of, run_chunks
from careforce.results.supply_summary import SupplySummary, summarise_supply
from careforce.scenario.load import LoadedScenario, load_scenario
from careforce.scenario.new_roles import groups_with_new_roles
from careforce.scenario.schema import Scenario
from careforce.scenario.statutory_inputs import (
    StatutoryInputs,
    project_statutory_roles,
    statutory_inputs,
)
from careforce.scenario.supply_inputs import draw_supply_parameters, supply_model
from careforce.services.provenance import code_version, sha256_of
from careforce.services.rates import SupplyRates, estimate_rates, role_groups
from careforce.services.snapshot import StoreSnapshot, read_snapshot
from careforce.store.database import make_engine
from careforce.store.migrate import require_current
from careforce.supply.engine import ProcessNoise, backend_used, project
from careforce.supply.model import RunParameters, SupplyModel
from careforce.supply.plan import describe_plan
from careforce.supply.projection import Projection
from careforce.supply.rates_shrinkage import HISTORY
from careforce.supply.rates_stayers import STARTING_STOCK
from careforce.supply.statutory import StatutoryProjection

CHUNK_RUNS = 50


@dataclass(frozen=True, eq=False)
class SupplyOutcome:
    scenario: str
    name: str
    census_date: dt.date
    runs: int
    seed: int
    backend: str
    scheduler: str
    seconds: float
    code_version: str
    backend_asked: str
    inputs: dict[str, str]
    model: SupplyModel
    rates: SupplyRates
    projection: Projection
    summary: SupplySummary
    statutory: tuple[StatutoryProjection, ...] = ()
    statutory_inputs: tuple[StatutoryInputs, ...] = ()
    programme_names: dict[str, str] = field(default_factory=dict)
    # The store's staff tables as read for the projection, for the gap to reuse.
    snapshot: StoreSnapshot | None = field(default=None, repr=False)

    @property
    def backend_note(self) -> str | None:
        """Why the backend that ran is not the one asked for (None when it is)."""
        if self.backend == self.backend_asked:
            return None
        return (
            f"{self.backend_asked} was asked for; process noise is drawn on the numpy array path,"
            " so the runs were projected there"
        )

    def joiner_fte_per_head(self) -> list[dict[str, Any]]:
        """Each role's FTE per head of new joiners as projected, and where it came from: the
        history's recent joiners ("history", shrunk towards the role's stock) or, for a role with
        no joiner in the history, the role's starting FTE per head ("starting stock")."""
        seen = {
            row["role_id"]: row
            for row in self.rates.joiner_fte_per_head.iter_rows(named=True)
            if row["source"] == HISTORY
        }
        return [
            {
                "role_id": role,
                "fte_per_head": float(self.model.joiner_fte_per_head[g]),
                "joiners": seen[role]["joiners"] if role in seen else 0,
                "weight": seen[role]["weight"] if role in seen else 0.0,
                "source": HISTORY if role in seen else STARTING_STOCK,
            }
            for g, role in enumerate(self.model.roles)
        ]

    def as_document(self) -> dict[str, Any]:
        s = self.summary
        return {
            "scenario": self.scenario,
            "name": self.name,
            "census_date": self.census_date.isoformat(),
            "years": list(s.years),
            "runs": self.runs,
            "seed": self.seed,
            "quantiles": list(s.quantiles),
            "code_version": self.code_version,
            "inputs": self.inputs,
            "backend": self.backend,
            "backend_note": self.backend_note,
            "scheduler": self.scheduler,
            "seconds": round(self.seconds, 2),
            "rates_period": [
                self.rates.period.start.isoformat(),
                self.rates.period.end.isoformat(),
            ],
            "joiner_fte_per_head": self.joiner_fte_per_head(),
            "total": s.total.to_dicts(),
            "by_staff_group": s.by_staff_group.to_dicts(),
            "by_area": s.by_area.to_dicts(),
            "by_staff_group_area": s.by_staff_group_area.to_dicts(),
            "by_role": s.by_role.to_dicts(),
            "flows": s.flows.to_dicts(),
            "retirements": s.retirements.to_dicts(),
            "pipeline": s.pipeline.to_dicts(),
            "age_profile": s.age_profile.to_dicts(),
            "statutory": s.statutory.to_dicts(),
            "statutory_by_area": s.statutory_by_area.to_dicts(),
            "statutory_inputs": [
                {
                    "kind": i.model.kind,
                    "trained_per_year": [i.trained.central, i.trained.low, i.trained.high],
                    "trained_from": i.trained_from,
                    "lapse_at_reapproval": [i.lapse.central, i.lapse.low, i.lapse.high],
                    "lapse_from": i.lapse_from,
                    "eligible_roles": list(i.eligible_roles),
                    "scale_with_eligible": i.scale_with_eligible,
                }
                for i in self.statutory_inputs
            ],
        }


def _project_chunk(
    model: SupplyModel,
    params: RunParameters,
    years: int,
    backend: str,
    noise_seed: int | None,
    runs: np.ndarray,
) -> Projection:
    rows = np.searchsorted(params.runs, runs)
    noise = None if noise_seed is None else ProcessNoise.from_seed(noise_seed)
    return project(model, params.take(rows), years, backend=backend, process_noise=noise)


def scenario_role_groups(scenario: Scenario, source: str = "scenario") -> dict[str, str]:
    """Each role's staff group: the framework's roles and the scenario's new roles (each in its
    `like_role`'s group, so a new role with no history takes that group's rates)."""
    return groups_with_new_roles(dict(role_groups().iter_rows()), scenario.new_roles, source=source)


def prepare(loaded: LoadedScenario) -> tuple[SupplyModel, SupplyRates, dict[str, str]]:
    """The model of a loaded scenario, the rates behind it and the role -> staff group map."""
    model, rates, groups, _ = _prepare(loaded)
    return model, rates, groups


def _prepare(
    loaded: LoadedScenario,
) -> tuple[SupplyModel, SupplyRates, dict[str, str], StoreSnapshot]:
    scenario = loaded.scenario
    engine = make_engine(loaded.database_url())
    try:
        require_current(engine)
        snapshot = read_snapshot(engine)
    finally:
        engine.dispose()
    if snapshot.posts_with_people.height == 0:
        raise UserError(f"the database of {loaded.path} holds no staff: import staff files first")
    rates = estimate_rates(
        snapshot.posts_with_people,
        scenario.data.census_date,
        history_years=scenario.rates.history_years,
        k=scenario.rates.shrinkage_strength,
    )
    groups = scenario_role_groups(scenario, str(loaded.path))
    named = {p.role for p in scenario.programmes}
    named |= {p.from_role for p in scenario.programmes if p.from_role is not None}
    named |= {i.role for i in scenario.international_recruitment}
    named |= {u.role for u in scenario.pay_uplifts if u.role is not None}
    named |= {r for s in scenario.statutory for r in s.eligible_roles or ()}
    unknown = sorted(named - set(groups))
    if unknown:
        raise UserError(f"{loaded.path}: roles not in the framework: {', '.join(unknown)}")
    model = supply_model(snapshot.posts_with_people, rates, scenario, groups)
    return model, rates, groups, snapshot


def project_scenario(
    path: Path,
    *,
    runs: int | None = None,
    seed: int | None = None,
    scheduler: str | None = None,
    backend: str = "numba",
    chunk_runs: int = CHUNK_RUNS,
) -> SupplyOutcome:
    """Project the scenario in `path`; `runs` and `seed` override the scenario's. Runs go out in
    chunks of `chunk_runs` to the scheduler (see `careforce.parallel.run_chunks`)."""
    loaded = load_scenario(path)
    scenario = loaded.scenario
    if runs is not None or seed is not None:
        projection_options = scenario.projection.model_copy(
            update={k: v for k, v in (("runs", runs), ("seed", seed)) if v is not None}
        )
        scenario = scenario.model_copy(update={"projection": projection_options})
        loaded = LoadedScenario(scenario, loaded.path, loaded.chain)
    started = time.perf_counter()
    model, rates, groups, snapshot = _prepare(loaded)
    run_index = np.arange(scenario.projection.runs + 1)
    params = draw_supply_parameters(model, scenario, rates, groups, runs=run_index)
    noise_seed = scenario.projection.seed if scenario.projection.process_noise else None
    asked = backend
    noise = None if noise_seed is None else ProcessNoise.from_seed(noise_seed)
    backend = backend_used(backend, noise)  # whole-person draws run on the numpy array path
    task = functools.partial(
        _project_chunk, model, params, scenario.projection.years, backend, noise_seed
    )
    parts = run_chunks(task, chunks_of(run_index, chunk_runs), scheduler=scheduler)
    projection = Projection.concat(parts)
    statutory = statutory_inputs(
        snapshot.statutory_approvals, snapshot.posts_with_people, model, scenario
    )
    statutory_projections = project_statutory_roles(
        statutory, model, params, projection, scenario.projection.seed
    )
    summary = summarise_supply(
        projection,
        groups,
        scenario.data.census_date.year,
        quantiles=scenario.projection.quantiles,
        statutory=statutory_projections,
    )
    return SupplyOutcome(
        scenario=str(path),
        name=scenario.name,
        census_date=scenario.data.census_date,
        runs=scenario.projection.runs,
        seed=scenario.projection.seed,
        backend=projection.backend,
        backend_asked=asked,
        scheduler=scheduler or "in-process",
        seconds=time.perf_counter() - started,
        code_version=code_version(),
        inputs={str(p): sha256_of(p) for p in loaded.chain},
        model=model,
        rates=rates,
        projection=projection,
        summary=summary,
        programme_names={p.id: p.name for p in scenario.programmes},
        snapshot=snapshot,
        statutory=statutory_projections,
        statutory_inputs=statutory,
    )


def plan_text() -> str:
    return describe_plan()


def _cell(row: dict[str, Any], measure: str) -> str:
    central = f"{row[f'{measure}_central']:,.0f}"
    if f"{measure}_p5" in row:
        return f"{central} ({row[f'{measure}_p5']:,.0f}-{row[f'{measure}_p95']:,.0f})"
    return central


def print_supply(outcome: SupplyOutcome, console: Console) -> None:
    s = outcome.summary
    console.print(
        f"{outcome.name}: projected from {outcome.census_date.isoformat()}, central run and "
        f"{outcome.runs} runs (seed {outcome.seed}); 5-95% range in brackets."
    )
    shown = [s.years[0], *s.years[1:-1][4::5], s.years[-1]]
    shown = list(dict.fromkeys(shown))
    for title, frame, key in (
        ("Headcount by staff group", s.by_staff_group, "staff_group"),
        ("Headcount by area", s.by_area, "area_code"),
    ):
        table = Table(title=title, title_justify="left")
        table.add_column(key.replace("_", " "))
        for year in shown:
            table.add_column(str(year), justify="right")
        for label in frame[key].unique(maintain_order=True).to_list():
            rows = {r["year"]: r for r in frame.filter(frame[key] == label).iter_rows(named=True)}
            table.add_row(label, *(_cell(rows[y], "headcount") for y in shown))
        console.print(table)
    if s.statutory.height:
        table = Table(title="Statutory roles: approved people", title_justify="left")
        table.add_column("kind")
        for year in shown:
            table.add_column(str(year), justify="right")
        for kind in s.statutory["kind"].unique(maintain_order=True).to_list():
            rows = {
                r["year"]: r
                for r in s.statutory.filter(s.statutory["kind"] == kind).iter_rows(named=True)
            }
            table.add_row(kind, *(_cell(rows[y], "holders") for y in shown))
        console.print(table)
    total = {r["year"]: r for r in s.total.iter_rows(named=True)}
    console.print(
        "All staff: headcount " + ", ".join(f"{y} {_cell(total[y], 'headcount')}" for y in shown)
    )
    console.print(f"({outcome.seconds:.1f} s, {outcome.backend}, {outcome.scheduler})")
    if outcome.backend_note:
        console.print(f"Note: {outcome.backend_note}.")

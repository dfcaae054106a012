"""The `careforce demand` use case: a service specification and a population in, the workforce
they need out (hours and FTE by competency domain, task, area, setting and year, with ranges).

Steps: load the framework (task ids and their domains), the specification (checked against the
framework) and the population for the horizon; check the areas the specification names; draw every
parameter for runs 0..R (and the scenario's levers on demand, when given); compile; summarise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from careforce.demand.compiler import compile_demand
from careforce.demand.model import DemandResult
from careforce.domain import UserError
from careforce.results.demand_summary import DemandSummary, summarise_demand
from careforce.scenario.demand_levers import demand_levers
from careforce.scenario.schema import Demand
from careforce.services.framework import framework_for
from careforce.specification.demand_inputs import demand_model, draw_parameters
from careforce.specification.population import read_population
from careforce.specification.service_loader import area_problems, failed, load_service_spec
from careforce.specification.service_spec import DEFAULT_STANDARD_HOURS_PER_FTE

DEFAULT_RUNS = 200
DEFAULT_SEED = 20261123
MAX_YEARS_SHOWN = 4
MAX_AREAS = 30


@dataclass(frozen=True)
class DemandOutcome:
    """What `careforce demand` found: the inputs used, the summary tables, and the full result."""

    specification: str
    name: str
    population: str
    framework_version: str
    years: tuple[int, ...]
    runs: int  # drawn runs besides the central run 0
    seed: int
    standard_hours_per_fte: float
    standard_hours_per_fte_basis: str
    services: tuple[dict[str, str], ...]
    domain_names: dict[str, str]
    summary: DemandSummary
    result: DemandResult

    def as_document(self) -> dict[str, Any]:
        s = self.summary
        return {
            "specification": self.specification,
            "name": self.name,
            "population": self.population,
            "framework_version": self.framework_version,
            "base_year": self.years[0],
            "years": list(self.years),
            "runs": self.runs,
            "seed": self.seed,
            "standard_hours_per_fte": self.standard_hours_per_fte,
            "standard_hours_per_fte_basis": self.standard_hours_per_fte_basis,
            "quantiles": list(s.quantiles),
            "services": list(self.services),
            "domains": self.domain_names,
            "total": s.total.to_dicts(),
            "by_domain": s.by_domain.to_dicts(),
            "by_task": s.by_task.to_dicts(),
            "by_area": s.by_area.to_dicts(),
            "by_setting": s.by_setting.to_dicts(),
            "by_service": s.by_service.to_dicts(),
            "by_domain_area": s.by_domain_area.to_dicts(),
        }


def compute_demand(
    spec_path: Path,
    *,
    population_path: Path | None = None,
    framework_path: Path | None = None,
    years: int | None = None,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    levers: Demand | None = None,
    levers_source: Path | str | None = None,
) -> DemandOutcome:
    """The workforce the specification's services need over the horizon, central and ranges.

    `years` overrides the specification's years, `population_path` its population file; `runs`
    is the number of drawn runs besides the central run 0. `levers` are a scenario's `[demand]`
    levers (productivity, service shifts), drawn with the same seed; `levers_source` is the
    scenario file named in their problems. No levers: the specification as it stands.
    """
    if runs < 0:
        raise UserError("--runs must be 0 (the central run only) or more")
    if years is not None and years < 1:
        raise UserError("--years must be at least 1")
    if seed < 0:
        raise UserError("--seed must be a whole number from 0")
    framework = framework_for(framework_path)
    task_domains = {t.id: t.domain for t in framework.tasks.values()}
    spec = load_service_spec(spec_path, task_domains)
    horizon = spec.horizon(years)
    population_file = _population_file(spec_path, spec.population, population_path)
    population = read_population(population_file, horizon)
    misplaced = area_problems(spec_path, spec, population.area_codes)
    if misplaced:
        raise failed(misplaced, str(spec_path))
    model = demand_model(spec, population.area_codes, population.years, list(framework.tasks))
    draws = draw_parameters(spec, model, seed=seed, runs=np.arange(runs + 1))
    drawn_levers = None
    if levers is not None:
        drawn_levers = demand_levers(
            levers,
            model,
            seed=seed,
            runs=draws.runs,
            known_tasks=list(framework.tasks),
            file=str(levers_source or "scenario"),
        )
    result = compile_demand(model, population.people, draws, levers=drawn_levers)
    summary = summarise_demand(
        result, task_domains, model.standard_hours_per_fte, domain_order=list(framework.domains)
    )
    stated = spec.standard_hours_per_fte is not None
    return DemandOutcome(
        specification=str(spec_path),
        name=spec.name,
        population=str(population_file),
        framework_version=framework.version,
        years=population.years,
        runs=runs,
        seed=seed,
        standard_hours_per_fte=model.standard_hours_per_fte,
        standard_hours_per_fte_basis="stated in the specification"
        if stated
        else f"assumption: the default {DEFAULT_STANDARD_HOURS_PER_FTE:g} hours",
        services=tuple(
            {"id": s.id, "name": s.name, "setting": s.setting.value, "driver": s.driver.kind}
            for s in spec.services
        ),
        domain_names={d.id: d.name for d in framework.domains.values()},
        summary=summary,
        result=result,
    )


def _population_file(spec_path: Path, named: str | None, given: Path | None) -> Path:
    if given is not None:
        return given
    if named is None:
        raise UserError(
            f"{spec_path} names no population file: add `population: FILE` or give --population"
        )
    return spec_path.parent / named


# --- printing ----------------------------------------------------------------------------------


def _years_shown(years: tuple[int, ...]) -> list[int]:
    """Every year when few, else the base year, the last and evenly spaced years between."""
    if len(years) <= MAX_YEARS_SHOWN:
        return list(years)
    picks = np.linspace(0, len(years) - 1, MAX_YEARS_SHOWN).round().astype(int)
    return [years[i] for i in dict.fromkeys(picks.tolist())]


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"


def _cell(row: dict[str, Any]) -> str:
    """Central FTE, and the 5%-95% range of the runs on a second line."""
    central = _number(row["fte_central"])
    if "fte_p5" not in row:
        return central
    return f"{central}\n[dim]{_number(row['fte_p5'])}-{_number(row['fte_p95'])}[/]"


def _fte_table(
    title: str,
    rows: list[dict[str, Any]],
    key: str,
    years: list[int],
    names: dict[str, str] | None = None,
    limit: int | None = None,
) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(key, min_width=8, max_width=20, no_wrap=True, overflow="ellipsis")
    for year in years:
        table.add_column(str(year), justify="right", no_wrap=True)
    cells: dict[str, dict[int, str]] = {}
    for row in rows:
        if row["year"] in years:
            cells.setdefault(row[key], {})[row["year"]] = _cell(row)
    for label, by_year in list(cells.items())[:limit]:
        shown = label if names is None else f"{label} {names.get(label, '')}".strip()
        table.add_row(shown, *(by_year[y] for y in years))
    if limit is not None and len(cells) > limit:
        table.caption = f"{len(cells) - limit} more in --json"
    return table


def print_demand(outcome: DemandOutcome, console: Console) -> None:
    s = outcome.summary
    years = _years_shown(outcome.years)
    console.print(f"[bold]{outcome.name}[/] ({outcome.specification})")
    console.print(
        f"  population {outcome.population}; framework {outcome.framework_version}; "
        f"{len(outcome.services)} services; {outcome.years[0]}-{outcome.years[-1]}"
    )
    if outcome.runs:
        console.print(
            f"  central run and {outcome.runs} drawn runs (seed {outcome.seed}): "
            "cells show central FTE (5%-95% of the runs)"
        )
    else:
        console.print("  central run only: cells show central FTE")
    console.print(
        f"  FTE = hours / {outcome.standard_hours_per_fte:g} "
        f"({outcome.standard_hours_per_fte_basis})"
    )
    total = [{**r, "domain": "total"} for r in s.total.to_dicts()]
    by_domain = s.by_domain.to_dicts() + total
    names = {**outcome.domain_names, "total": "all domains"}
    console.print(
        _fte_table("Required FTE by competency domain", by_domain, "domain", years, names)
    )
    console.print(_fte_table("Required FTE by setting", s.by_setting.to_dicts(), "setting", years))
    by_area = s.by_area.to_dicts()
    console.print(_fte_table("Required FTE by area", by_area, "area_code", years, limit=MAX_AREAS))
    if len(years) < len(outcome.years):
        console.print("Every year, and FTE by task and by service: --json")

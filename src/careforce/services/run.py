"""`careforce run SCENARIO --out DIR`: the planner's whole job in one command.

Runs the scenario's required workforce, supply projection and gap (`compute_gap`), optionally
the cheapest plan, and its costs; then writes the report (DIR/report.html) and the workbook
(DIR/results.xlsx) and stores the run, its provenance and the figures the report shows in the
scenario's database. Every scenario file is checked before anything runs, and the outputs are
built in memory first: the rows are committed only once the files are written, so a failure
leaves neither half-written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tomllib
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa
from rich.console import Console

from careforce.costing.scenario_costs import ScenarioCosts
from careforce.demand.wisn import WisnResult
from careforce.domain import UserError
from careforce.report import ScenarioFigures, render_scenario_report
from careforce.report.workbook import ScenarioTables, results_sheets, workbook_bytes
from careforce.results.comparison import (
    COST_GBP,
    GAP_FTE,
    PROJECTED_FTE,
    REQUIRED_FTE,
    RunSettings,
    ScenarioComparison,
    check_paired,
    long_results,
)
from careforce.results.demand_summary import QUANTILES
from careforce.results.provenance import Provenance
from careforce.scenario.load import LoadedScenario, load_scenario
from careforce.services.costing import cost_scenario
from careforce.services.gap import GapOutcome, compute_gap
from careforce.services.optimise import OptimiseOutcome, plan_for_gap
from careforce.services.progress import Step, steps
from careforce.services.provenance import code_version, sha256_of
from careforce.services.quality import QualityOutcome, assess_snapshot
from careforce.services.rates import backtest_history
from careforce.services.training import training_from_snapshot
from careforce.services.workforce import summarise_snapshot
from careforce.store.database import make_engine
from careforce.store.migrate import require_current
from careforce.store.unit_of_work import UnitOfWork

REPORT_FILE = "report.html"
WORKBOOK_FILE = "results.xlsx"


@dataclass(frozen=True, eq=False)
class ScenarioRun:
    """One scenario run end to end, the scenario as it was read, and its row id once stored
    (None before)."""

    name: str
    path: Path
    gap: GapOutcome
    plan: OptimiseOutcome | None
    costs: ScenarioCosts
    provenance: Provenance
    loaded: LoadedScenario  # as read when the run began: what was run is what is reported
    stored_id: int | None = None

    def measures(self) -> dict[str, np.ndarray]:
        """Per-run values `[r, y]` of each compared measure, row r being run r."""
        gap, demand, supply = self.gap, self.gap.demand, self.gap.supply
        required = demand.result.hours.sum(axis=(1, 2)) / demand.standard_hours_per_fte
        projected = supply.projection.fte_by_cell.sum(axis=2)
        order = np.argsort(np.asarray(supply.projection.runs))
        unmet = gap.allocation.unmet.sum(axis=(1, 3)) / gap.summary.task_hours_per_fte
        cost_order = np.argsort(np.asarray(self.costs.runs))
        return {
            REQUIRED_FTE: required[np.argsort(np.asarray(demand.result.runs))],
            PROJECTED_FTE: projected[order],
            GAP_FTE: unmet,
            COST_GBP: self.costs.total()[cost_order],
        }

    def measure_years(self) -> dict[str, tuple[int, ...]]:
        first = self.gap.census_date.year
        return {
            REQUIRED_FTE: tuple(self.gap.demand.result.years),
            PROJECTED_FTE: tuple(first + t for t in range(self.gap.supply.projection.years + 1)),
            GAP_FTE: tuple(self.gap.problem.years),
            COST_GBP: tuple(self.costs.years),
        }


@dataclass(frozen=True, eq=False)
class RunOutcome:
    """What a run or a comparison produced and where it went."""

    runs: tuple[ScenarioRun, ...]
    comparison: ScenarioComparison | None
    out: Path
    report: Path
    workbook: Path

    def as_document(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "report": str(self.report),
            "workbook": str(self.workbook),
            "scenarios": [headline(r.gap, r.costs) | _stored(r) for r in self.runs],
            "comparison": None if self.comparison is None else self.comparison.as_document(),
        }


def _stored(run: ScenarioRun) -> dict[str, Any]:
    return {
        "scenario": str(run.path),
        "stored_id": run.stored_id,
        "database": run.provenance.database,
        "planned": run.plan is not None,
    }


def check_scenarios(
    paths: Sequence[Path],
    *,
    runs: int | None,
    seed: int | None,
    sample: int | None,
    paired: bool = False,
) -> list[LoadedScenario]:
    """Read and check every scenario file, that their runs pair when `paired` (a comparison),
    and that each database exists at this code's schema, before anything runs: a problem in
    any of them (an unknown key, a value out of range) stops everything with its place."""
    checked: list[tuple[LoadedScenario, RunSettings]] = []
    for path in paths:
        loaded = load_scenario(path)
        s = loaded.scenario
        if s.data.services is None:
            raise UserError(f"{path}: [data] names no services file, and a run needs one")
        chosen_runs = s.projection.runs if runs is None else runs
        chosen_sample = s.allocation.sample if sample is None else sample
        settings = RunSettings(
            name=s.name,
            seed=s.projection.seed if seed is None else seed,
            runs=chosen_runs,
            sample=min(chosen_sample, chosen_runs),
            census_date=s.data.census_date,
            horizon_years=s.projection.years,
        )
        checked.append((loaded, settings))
    if paired:
        check_paired(checked[0][1], [settings for _, settings in checked[1:]])
    for url in dict.fromkeys(loaded.database_url() for loaded, _ in checked):
        _require_database(url)
    return [loaded for loaded, _ in checked]


def _require_database(url: str) -> None:
    """Refuse a database that is missing (an SQLite file is never created here) or not at this
    code's schema revision."""
    parsed = sa.make_url(url)
    sqlite_file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if sqlite_file and not Path(sqlite_file).exists():
        raise UserError(
            f"no database at {sqlite_file}: run `careforce init` and import the staff "
            "extracts first (the scenario's [data] database names it)"
        )
    engine = make_engine(url)
    try:
        require_current(engine)
    finally:
        engine.dispose()


def _provenance(loaded: LoadedScenario, gap: GapOutcome, plan: bool) -> Provenance:
    """Code version, every input's hash (the scenario and its `extends` chain, the services,
    population and framework files), seed, runs, census date and the database (redacted)."""
    data = loaded.scenario.data
    folder = loaded.path.parent
    files = [*loaded.chain]
    for named in (data.services, data.population, data.framework):
        found = loaded.input_path(named)
        if found is not None and found.exists():
            files.append(found)
    return Provenance(
        code_version=code_version(),
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        seed=gap.seed,
        census_date=gap.census_date,
        inputs=tuple((os.path.relpath(p, folder), sha256_of(p)) for p in files),
        database=loaded.database_url(),
        parameters={
            "scenario": loaded.scenario.name,
            "scenario_file": loaded.path.name,
            "runs": gap.supply.runs,
            "gap_runs_allocated": len(gap.runs) - 1,
            "plan": plan,
        },
    )


def run_scenario(
    path: Path,
    *,
    runs: int | None = None,
    seed: int | None = None,
    sample: int | None = None,
    plan: bool = False,
    step: Step | None = None,
) -> ScenarioRun:
    """Run one scenario: the gap (required workforce, projection, allocation), the cheapest plan
    when `plan`, and the costs; `runs`, `seed` and `sample` override the scenario's."""
    say = step or (lambda _text: None)
    loaded = load_scenario(path)
    say(f"{loaded.scenario.name}: required and projected workforce, the gap")
    gap = compute_gap(path, runs=runs, seed=seed, sample=sample)
    optimised = None
    if plan:
        say(f"{loaded.scenario.name}: the cheapest plan")
        optimised = plan_for_gap(gap)
    say(f"{loaded.scenario.name}: costs")
    costs = cost_scenario(gap)
    return ScenarioRun(
        name=gap.name,
        path=path,
        gap=gap,
        plan=optimised,
        costs=costs,
        provenance=_provenance(loaded, gap, plan),
        loaded=loaded,
    )


def price_basis(costs: ScenarioCosts) -> str:
    """The prices costs are given at, e.g. "2025/26 prices"."""
    return f"{costs.base_year}/{(costs.base_year + 1) % 100:02d} prices"


def headline(gap: GapOutcome, costs: ScenarioCosts) -> dict[str, Any]:
    """The figures a planner asks first: the gap in the last year (central and 5-95% range)
    and the cost, that year and over the horizon (central run)."""
    last = gap.summary.total.row(-1, named=True)
    total = costs.total()[costs.central_index]
    return {
        "name": gap.name,
        "last_year": int(last["year"]),
        "gap_fte_central": float(last["fte_central"]),
        "gap_fte_p5": last.get("fte_p5"),
        "gap_fte_p95": last.get("fte_p95"),
        "probability_gap": last.get("probability_gap"),
        "first_cost_year": int(costs.years[0]),
        "cost_last_year_gbp": float(total[-1]),
        "cost_total_gbp": float(total.sum()),
        "price_basis": price_basis(costs),
    }


def stored_results(run: ScenarioRun, comparison: ScenarioComparison | None) -> pl.DataFrame:
    """What the report shows, in the store's long form: required and projected FTE (region,
    domain or staff group), the gap by domain, costs by lever, the plan's costs, and this
    scenario's differences from the baseline."""
    gap, demand, supply = run.gap.summary, run.gap.demand.summary, run.gap.supply.summary
    parts = [
        long_results(demand.total, "required_fte", None, REQUIRED_FTE, "fte_"),
        long_results(demand.by_domain, "required_fte", "domain", REQUIRED_FTE, "fte_"),
        long_results(supply.total, "projected_fte", None, PROJECTED_FTE, "fte_"),
        long_results(supply.by_staff_group, "projected_fte", "staff_group", PROJECTED_FTE, "fte_"),
        long_results(gap.total, "gap", None, GAP_FTE, "fte_"),
        long_results(gap.by_domain, "gap", "domain", GAP_FTE, "fte_"),
        long_results(
            gap.by_domain.with_columns(pl.col("probability_gap").alias("central")),
            "gap",
            "domain",
            "probability_gap",
            "",
        ),
        long_results(run.costs.by_year_lever(), "costs", "lever", COST_GBP, "", "q"),
        long_results(run.costs.total_by_year(), "costs", "lever", COST_GBP, "", "q"),
    ]
    if run.plan is not None:
        plan = run.plan.plan
        parts.append(
            long_results(
                pl.DataFrame(
                    [
                        (y, lever, float(v[j]))
                        for lever, v in plan.cost.items()
                        for j, y in enumerate(plan.years)
                    ],
                    schema={"year": pl.Int64, "lever": pl.String, "central": pl.Float64},
                    orient="row",
                ),
                "plan_cost",
                "lever",
                COST_GBP,
                "",
            )
        )
    if comparison is not None and run.name != comparison.baseline:
        parts.append(comparison.stored_rows(run.name))
    return pl.concat(parts, how="vertical_relaxed")


def _plan_actions(plan: OptimiseOutcome) -> pl.DataFrame:
    document = plan.as_document()
    rows = [
        ("training places", r["programme"], r["year"], r["places"], "places a year")
        for r in document["places"]
    ]
    rows += [
        ("international recruits", r["role"], r["year"], r["recruits"], "recruits a year")
        for r in document["international_recruits"]
    ]
    rows += [
        ("retention", r["role"], r["year"], r["spend_gbp"], "GBP a year")
        for r in document["retention"]
    ]
    return pl.DataFrame(
        rows,
        schema={
            "action": pl.String,
            "item": pl.String,
            "year": pl.Int64,
            "amount": pl.Float64,
            "unit": pl.String,
        },
        orient="row",
    )


def _named_domains(frame: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    return frame.with_columns(pl.col("domain").replace_strict(names, default=pl.col("domain")))


def scenario_tables(run: ScenarioRun) -> ScenarioTables:
    """The run's tables as the workbook shows them."""
    gap, demand = run.gap, run.gap.demand
    fte = [f"fte_{c}" for c in ("central", *(f"p{q}" for q in QUANTILES))]

    def keep(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
        return frame.select([c for c in columns if c in frame.columns])

    provenance: dict[str, object] = {
        "stored scenario run": run.stored_id,
        **{k: v for k, v in run.provenance.as_dict().items() if k not in ("inputs", "parameters")},
        **run.provenance.parameters,
        **{f"input {n}": f"sha256 {h}" for n, h in run.provenance.inputs},
    }
    assumptions = [("gap", a) for a in gap.assumptions]
    assumptions += [("costs", a) for a in run.costs.assumptions]
    if run.plan is not None:
        assumptions += [("plan", a) for a in run.plan.assumptions]
    return ScenarioTables(
        name=run.name,
        required=_named_domains(
            keep(demand.summary.by_domain, "domain", "year", *fte, "hours_central"),
            demand.domain_names,
        ),
        projected=keep(
            gap.supply.summary.by_staff_group, "staff_group", "year", "headcount_central", *fte
        ),
        gap=_named_domains(
            keep(gap.summary.by_domain, "domain", "year", *fte, "hours_central", "probability_gap"),
            demand.domain_names,
        ),
        costs=pl.concat([run.costs.by_year_lever(), run.costs.total_by_year()]).sort(
            "year", maintain_order=True
        ),
        price_basis=price_basis(run.costs),
        plan_actions=None if run.plan is None else _plan_actions(run.plan),
        provenance=provenance,
        assumptions=assumptions,
    )


_LEVER_LISTS = (
    ("programmes", "id"),
    ("retention", None),
    ("international_recruitment", None),
    ("pay_uplifts", None),
    ("statutory", "kind"),
    ("delegation", None),
    ("new_roles", "id"),
    ("demand.productivity", None),
    ("demand.service_shifts", None),
)


def scenario_levers(loaded: LoadedScenario) -> list[tuple[str, str, str]]:
    """(lever, what it sets, basis) of each lever the scenario file itself sets: an alternative
    shows what it changes, not what it inherits."""
    own: Any = tomllib.loads(loaded.path.read_text(encoding="utf-8"))
    resolved: Any = loaded.scenario.model_dump(mode="json")
    rows = []
    for section, key in _LEVER_LISTS:
        entries, merged = own, resolved
        for part in section.split("."):
            entries, merged = entries.get(part, {}), merged.get(part, {})
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            found = [m for m in merged if key and m.get(key) == entry.get(key)]
            full: dict[str, Any] = found[0] if found else merged[min(i, len(merged) - 1)]
            label = entry.get(key or "") or full.get("role") or full.get("staff_group") or i + 1
            sets = "; ".join(
                f"{k} = {v}" for k, v in entry.items() if k not in ("basis", "source", key)
            )
            basis = full.get("basis") or (f"source: {full['source']}" if full.get("source") else "")
            rows.append((f"{section.split('.')[-1]}: {label}", sets, basis))
    return rows


def render_report(
    runs: Sequence[ScenarioRun],
    comparison: ScenarioComparison | None,
    wisn: Sequence[WisnResult] | None = None,
) -> str:
    """The scenario report: the first scenario (the baseline of a comparison) with today's
    workforce from its store, every scenario's figures, and the comparison when there is one;
    `wisn` adds WISN results to the required workforce."""
    first = runs[0]
    snapshot = first.gap.supply.snapshot
    if snapshot is None:
        raise ValueError("the projection kept no copy of the store's staff tables")
    census = first.gap.census_date
    quality = QualityOutcome(census, assess_snapshot(snapshot, census))
    shareable, _ = quality.shareable_sections()
    training = training_from_snapshot(snapshot, census)
    figures = [
        ScenarioFigures(
            name=r.name,
            description=r.loaded.scenario.description,
            gap=r.gap,
            plan=r.plan,
            costs=r.costs,
            levers=scenario_levers(r.loaded),
            provenance=r.provenance,
            demand=r.gap.demand,
            supply=r.gap.supply,
        )
        for r in runs
    ]
    return render_scenario_report(
        summarise_snapshot(snapshot, census),
        figures,
        comparison=comparison,
        quality=shareable,
        training=training.compliance,
        statutory=training.statutory,
        competency=training.competency,
        domain_names=training.domain_names,
        wisn=wisn,
        backtest=backtest_history(snapshot.posts_with_people, census),
    )


def _scenario_sha256(loaded: LoadedScenario) -> str:
    """The hash of the resolved scenario (its `extends` chain merged), so that two files saying
    the same thing hash alike."""
    content = json.dumps(loaded.scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()


def _write(path: Path, content: bytes) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    partial.replace(path)


def write_outputs(
    runs: Sequence[ScenarioRun],
    comparison: ScenarioComparison | None,
    out: Path,
    wisn: Sequence[WisnResult] | None = None,
) -> list[ScenarioRun]:
    """Store every run with its results (one transaction per database), write DIR/report.html
    and DIR/results.xlsx, and only then commit; returns the runs with their stored ids."""
    html = render_report(runs, comparison, wisn).encode("utf-8")
    with ExitStack() as stack:
        works: dict[str, UnitOfWork] = {}
        stored = []
        for run in runs:
            loaded = run.loaded
            url = loaded.database_url()
            if url not in works:
                engine = make_engine(url)
                stack.callback(engine.dispose)
                require_current(engine)
                works[url] = stack.enter_context(UnitOfWork(engine))
            results = stored_results(run, comparison)
            run_id = works[url].scenarios.add(
                name=run.name,
                scenario_file=loaded.path.name,
                scenario=loaded.scenario.model_dump(mode="json"),
                scenario_sha256=_scenario_sha256(loaded),
                code_version=run.provenance.code_version,
                seed=run.gap.seed,
                runs=run.gap.supply.runs,
                census_date=run.gap.census_date,
                provenance=run.provenance.as_dict(),
                results=results,
            )
            stored.append(dataclasses.replace(run, stored_id=run_id))
        book = workbook_bytes(results_sheets([scenario_tables(r) for r in stored], comparison))
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"cannot create the output folder {out}: {error}") from None
        _write(out / REPORT_FILE, html)
        _write(out / WORKBOOK_FILE, book)
        for work in works.values():
            work.commit()
    return stored


def publish(
    paths: Sequence[Path],
    *,
    out: Path,
    runs: int | None,
    seed: int | None,
    sample: int | None,
    plan: bool,
    progress: bool,
    compare: Callable[[Sequence[ScenarioRun]], ScenarioComparison] | None = None,
    wisn: Sequence[WisnResult] | None = None,
) -> RunOutcome:
    """Check every scenario (and, to compare them, that their runs pair), run each, compare
    them with the first when `compare` is given, then write and store the outputs."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a folder")
    check_scenarios(paths, runs=runs, seed=seed, sample=sample, paired=compare is not None)
    total = len(paths) * (3 if plan else 2) + 1
    title = "careforce " + ("run" if compare is None else "compare")
    with steps(title, total, progress) as step:
        done = [
            run_scenario(p, runs=runs, seed=seed, sample=sample, plan=plan, step=step)
            for p in paths
        ]
        comparison = None if compare is None else compare(done)
        step("writing the report and the workbook, storing the results")
        stored = write_outputs(done, comparison, out, wisn)
    return RunOutcome(
        runs=tuple(stored),
        comparison=comparison,
        out=out,
        report=out / REPORT_FILE,
        workbook=out / WORKBOOK_FILE,
    )


def run_and_write(
    path: Path,
    *,
    out: Path,
    runs: int | None = None,
    seed: int | None = None,
    sample: int | None = None,
    plan: bool = False,
    progress: bool = True,
) -> RunOutcome:
    """`careforce run`: one scenario, its report, workbook and stored results."""
    return publish(
        [path], out=out, runs=runs, seed=seed, sample=sample, plan=plan, progress=progress
    )


def _money(value: float) -> str:
    if abs(value) >= 1e6:
        return f"GBP {value / 1e6:,.1f} million"
    return f"GBP {value:,.0f}"


def print_outcome(outcome: RunOutcome, console: Console) -> None:
    """Each scenario's headline and where it was stored, and where the outputs are."""
    for run in outcome.runs:
        h = headline(run.gap, run.costs)
        span = ""
        if h["gap_fte_p5"] is not None:
            span = f" (5-95%: {h['gap_fte_p5']:,.0f} to {h['gap_fte_p95']:,.0f})"
        console.print(
            f"[bold]{run.name}[/bold]: gap in {h['last_year']} {h['gap_fte_central']:,.0f} FTE"
            f"{span}; cost in {h['last_year']} {_money(h['cost_last_year_gbp'])}, "
            f"{_money(h['cost_total_gbp'])} over {h['first_cost_year']} to {h['last_year']} "
            f"({h['price_basis']})"
        )
        console.print(f"  stored as scenario run {run.stored_id} in {run.provenance.database}")


def print_paths(outcome: RunOutcome, console: Console) -> None:
    console.print(f"Report written to {outcome.report}")
    console.print(f"Workbook written to {outcome.workbook}")

"""`careforce demo`: the fictional region built through the real import path, then its baseline
and two alternative scenarios run, compared, costed and reported like any planner's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from careforce.demo.generator import generate_region
from careforce.results.comparison import PROJECTED_FTE, REQUIRED_FTE
from careforce.services.compare import comparison_of
from careforce.services.importing import import_file
from careforce.services.methods import wisn_from_file
from careforce.services.progress import steps
from careforce.services.run import ScenarioRun, headline, publish
from careforce.services.secret import ensure_secret
from careforce.store.database import make_engine
from careforce.store.migrate import upgrade

DEMO_DATABASE = "careforce.sqlite"


@dataclass(frozen=True, slots=True)
class DemoOutcome:
    out: str
    report: str
    inputs: str
    database: str
    seed: int
    census_date: dt.date
    files_imported: int
    rows_imported: int
    workbook: str = ""
    scenarios: tuple[str, ...] = ()
    headlines: dict[str, dict[str, Any]] = field(default_factory=dict)


def run_demo(out: Path, *, seed: int, runs: int, progress: bool = True) -> DemoOutcome:
    """Generate the region's source files and import them into a fresh database; then run the
    baseline scenario and its two alternatives (required workforce, supply, gap, costs and the
    cheapest plan; `runs` drawn runs, `seed`), compare them run by run, store the results and
    write the report and the workbook."""
    out.mkdir(parents=True, exist_ok=True)
    inputs = out / "inputs"
    database_file = out / DEMO_DATABASE
    for stale in (database_file, out / f"{DEMO_DATABASE}-wal", out / f"{DEMO_DATABASE}-shm"):
        stale.unlink(missing_ok=True)
    url = f"sqlite:///{database_file}"
    ensure_secret()
    manifest = generate_region(inputs, seed=seed)
    engine = make_engine(url)
    try:
        upgrade(engine)
        rows = 0
        with steps("careforce demo", len(manifest.files), progress) as step:
            for kind, path in manifest.files:
                step(f"importing {path.name}")
                rows += import_file(kind, path, url).rows
    finally:
        engine.dispose()
    scenarios = (manifest.baseline_path, *manifest.alternative_paths)
    outcome = publish(
        scenarios,
        out=out,
        runs=runs,
        seed=seed,
        sample=None,
        plan=True,
        progress=progress,
        compare=comparison_of,
        wisn=wisn_from_file(manifest.wisn_path),
    )
    return DemoOutcome(
        out=str(out),
        report=str(outcome.report),
        workbook=str(outcome.workbook),
        inputs=str(inputs),
        database=str(database_file),
        seed=seed,
        census_date=manifest.census_date,
        files_imported=len(manifest.files),
        rows_imported=rows,
        scenarios=tuple(str(p.relative_to(out)) for p in scenarios),
        headlines={r.name: _headline(r) for r in outcome.runs},
    )


def _headline(run: ScenarioRun) -> dict[str, Any]:
    """The figures the demo's regression baseline holds: the gap and costs, the required and
    projected FTE in the last year (central run) and the cheapest plan's cost."""
    measures = run.measures()
    return {
        **headline(run.gap, run.costs),
        "required_fte_last_year": float(measures[REQUIRED_FTE][0, -1]),
        "projected_fte_last_year": float(measures[PROJECTED_FTE][0, -1]),
        "plan_cost_gbp": None if run.plan is None else float(run.plan.plan.total_cost.sum()),
    }

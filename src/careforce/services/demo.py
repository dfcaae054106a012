"""`careforce demo`: the fictional region built through the real import path, then reported."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from careforce.demo.generator import generate_region
from careforce.report import render_workforce_report
from careforce.results.provenance import Provenance
from careforce.services.gap import compute_gap
from careforce.services.importing import import_file
from careforce.services.methods import wisn_from_file
from careforce.services.optimise import plan_for_gap
from careforce.services.provenance import code_version, sha256_of
from careforce.services.quality import QualityOutcome, assess_snapshot
from careforce.services.rates import backtest_history
from careforce.services.secret import ensure_secret
from careforce.services.snapshot import read_snapshot
from careforce.services.training import training_from_snapshot
from careforce.services.workforce import summarise_snapshot
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


@contextmanager
def _steps(total: int, enabled: bool) -> Iterator[object]:
    """A progress bar on standard error, only when it is a terminal."""
    console = Console(stderr=True)
    show = enabled and sys.stderr.isatty()
    with Progress(console=console, disable=not show, transient=True) as progress:
        task = progress.add_task("careforce demo", total=total)

        class _Step:
            def __call__(self, text: str) -> None:
                progress.update(task, advance=1, description=text)

        yield _Step()


def run_demo(out: Path, *, seed: int, runs: int, progress: bool = True) -> DemoOutcome:
    """Generate the region's source files, import them into a fresh database, compute the
    workforce its services need (`runs` drawn runs, `seed`) and the CMHT WISN, project the
    baseline scenario's supply (the same runs and seed) and back-test its rates, write the
    report."""
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
        with _steps(len(manifest.files) + 4, progress) as step:
            for kind, path in manifest.files:
                step(f"importing {path.name}")  # type: ignore[operator]
                rows += import_file(kind, path, url).rows
            step("summarising")  # type: ignore[operator]
            snapshot = read_snapshot(engine)  # read once, summarised three ways
            quality = QualityOutcome(
                manifest.census_date, assess_snapshot(snapshot, manifest.census_date)
            )
            summary = summarise_snapshot(snapshot, manifest.census_date)
            training = training_from_snapshot(snapshot, manifest.census_date)
            step("computing the required and projected workforce and the gap")  # type: ignore[operator]
            gap = compute_gap(manifest.baseline_path, runs=runs, seed=seed)
            demand, supply = gap.demand, gap.supply
            step("finding the cheapest plan")  # type: ignore[operator]
            plan = plan_for_gap(gap)
            wisn = wisn_from_file(manifest.wisn_path)
            backtest = backtest_history(snapshot.posts_with_people, manifest.census_date)
            step("writing the report")  # type: ignore[operator]
            model_inputs = (
                manifest.services_path,
                manifest.population_path,
                manifest.wisn_path,
                manifest.framework_path,
                manifest.baseline_path,
            )
            provenance = Provenance(
                code_version=code_version(),
                generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                seed=seed,
                census_date=manifest.census_date,
                inputs=tuple(
                    (str(p.relative_to(out)), sha256_of(p))
                    for p in (*(p for _, p in manifest.files), *model_inputs)
                ),
                database=f"sqlite:///{DEMO_DATABASE}",
                parameters={
                    "calibration": str(manifest.calibration_path.relative_to(out)),
                    "demand_runs": runs,
                    "supply_runs": runs,
                    "gap_runs_allocated": len(gap.runs) - 1,
                },
            )
            shareable, _ = quality.shareable_sections()
            html = render_workforce_report(
                summary,
                shareable,
                provenance,
                training=training.compliance,
                statutory=training.statutory,
                competency=training.competency,
                domain_names=training.domain_names,
                demand=demand,
                wisn=wisn,
                supply=supply,
                backtest=backtest,
                gap=gap,
                plan=plan,
            )
            report = out / "report.html"
            report.write_text(html, encoding="utf-8")
    finally:
        engine.dispose()
    return DemoOutcome(
        out=str(out),
        report=str(report),
        inputs=str(inputs),
        database=str(database_file),
        seed=seed,
        census_date=manifest.census_date,
        files_imported=len(manifest.files),
        rows_imported=rows,
    )

"""`careforce run SCENARIO --out DIR`: parses arguments and prints; the work is in
`careforce.services.run`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from careforce.cli.output import print_json, stdout
from careforce.cli.scenario_options import AsJson, Runs, Sample, Scenario, Seed

Out = Annotated[
    Path, typer.Option("--out", help="Folder for report.html and results.xlsx (created).")
]
Plan = Annotated[bool, typer.Option("--plan", help="Also find the cheapest plan to close the gap.")]


def register(app: typer.Typer) -> None:
    """Add `run` to the app."""

    @app.command("run")
    def run_(
        scenario: Scenario,
        out: Out,
        runs: Runs = None,
        seed: Seed = None,
        sample: Sample = None,
        plan: Plan = False,
        as_json: AsJson = False,
    ) -> None:
        """Run a scenario end to end: required and projected workforce, the gap, costs (and
        with --plan the cheapest plan); write the report and workbook; store the results."""
        from careforce.cli.app import _remember_json
        from careforce.services import run

        _remember_json(as_json)
        outcome = run.run_and_write(
            scenario,
            out=out,
            runs=runs,
            seed=seed,
            sample=sample,
            plan=plan,
            progress=not as_json,
        )
        if as_json:
            print_json({"ok": True, "run": outcome.as_document()})
            return
        run.print_outcome(outcome, stdout)
        run.print_paths(outcome, stdout)

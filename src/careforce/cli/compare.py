"""`careforce compare BASELINE ALTERNATIVE... --out DIR`: parses arguments and prints; the work
is in `careforce.services.compare`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from careforce.cli.output import print_json, stdout
from careforce.cli.run import Out, Plan
from careforce.cli.scenario_options import AsJson, Runs, Sample, Seed

Scenarios = Annotated[
    list[Path],
    typer.Argument(help="Scenario files (TOML): the baseline first, then the alternatives."),
]


def register(app: typer.Typer) -> None:
    """Add `compare` to the app."""

    @app.command("compare")
    def compare_(
        scenarios: Scenarios,
        out: Out,
        runs: Runs = None,
        seed: Seed = None,
        sample: Sample = None,
        plan: Plan = False,
        as_json: AsJson = False,
    ) -> None:
        """Compare scenarios with the first, run by run with the same random numbers; write one
        report and workbook; store every run and its differences."""
        from careforce.cli.app import _remember_json
        from careforce.services import compare, run

        _remember_json(as_json)
        outcome = compare.compare_scenarios(
            scenarios,
            out=out,
            runs=runs,
            seed=seed,
            sample=sample,
            plan=plan,
            progress=not as_json,
        )
        if as_json:
            print_json({"ok": True, "compare": outcome.as_document()})
            return
        run.print_outcome(outcome.outcome, stdout)
        compare.print_comparison(outcome, stdout)
        run.print_paths(outcome.outcome, stdout)

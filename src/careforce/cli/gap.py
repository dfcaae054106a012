"""`careforce gap SCENARIO`: parses arguments and prints; the work is in `careforce.services.gap`."""

from __future__ import annotations

from typing import Annotated

import typer

from careforce.cli.output import print_json, stdout
from careforce.cli.scenario_options import AsJson, Runs, Sample, Scenario, Seed


def register(app: typer.Typer) -> None:
    """Add `gap` to the app."""

    @app.command("gap")
    def gap_(
        scenario: Scenario,
        runs: Runs = None,
        seed: Seed = None,
        sample: Sample = 50,
        scheduler: Annotated[
            str | None,
            typer.Option("--scheduler", help="Where the projection's runs go (see project)."),
        ] = None,
        as_json: AsJson = False,
    ) -> None:
        """The need the projected staff cannot meet, by competency domain, task, area and year."""
        from careforce.cli.app import _remember_json
        from careforce.services import gap

        _remember_json(as_json)
        outcome = gap.compute_gap(
            scenario, runs=runs, seed=seed, sample=sample, scheduler=scheduler
        )
        if as_json:
            print_json({"ok": True, "gap": outcome.as_document()})
            return
        gap.print_gap(outcome, stdout)

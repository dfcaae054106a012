"""`careforce optimise SCENARIO`: parses arguments and prints; the work is in
`careforce.services.optimise`."""

from __future__ import annotations

from typing import Annotated

import typer

from careforce.cli.output import print_json, stdout
from careforce.cli.scenario_options import AsJson, Runs, Sample, Scenario, Seed


def register(app: typer.Typer) -> None:
    """Add `optimise` to the app."""

    @app.command("optimise")
    def optimise_(
        scenario: Scenario,
        target_year: Annotated[
            int | None,
            typer.Option("--target-year", help="Close the gap from this year (default: the last)."),
        ] = None,
        target_share: Annotated[
            float | None,
            typer.Option(
                "--target-share", help="Share of the need that may stay unmet (default 0).", min=0
            ),
        ] = None,
        budget: Annotated[
            float | None,
            typer.Option(
                "--budget", help="Most the plan may cost a year, GBP (default no limit).", min=0
            ),
        ] = None,
        runs: Runs = None,
        seed: Seed = None,
        sample: Sample = None,
        as_json: AsJson = False,
    ) -> None:
        """The cheapest plan (training, international recruitment, retention, pay) that closes the
        gap by a target year, and the probability that it does."""
        from careforce.cli.app import _remember_json
        from careforce.services import optimise

        _remember_json(as_json)
        outcome = optimise.optimise_scenario(
            scenario,
            target_year=target_year,
            target_share=target_share,
            budget=budget,
            runs=runs,
            seed=seed,
            sample=sample,
        )
        if as_json:
            print_json({"ok": True, "plan": outcome.as_document()})
            return
        optimise.print_plan(outcome, stdout)

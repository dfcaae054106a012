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
        sample: Sample = None,
        scheduler: Annotated[
            str | None,
            typer.Option("--scheduler", help="Where the projection's runs go (see project)."),
        ] = None,
        delegated_share_cap: Annotated[
            float | None,
            typer.Option(
                "--delegated-share-cap", help="Most of any task done under delegation (0-1).", min=0
            ),
        ] = None,
        network_task: Annotated[
            list[str] | None,
            typer.Option(
                "--network-task",
                help="A task whose need staff of any area may meet (repeat for more), e.g. a "
                "specialist service planned for the region.",
            ),
        ] = None,
        travel_overhead: Annotated[
            float | None,
            typer.Option(
                "--travel-overhead", help="Extra time per hour of network work done away.", min=0
            ),
        ] = None,
        as_json: AsJson = False,
    ) -> None:
        """The need the projected staff cannot meet, by competency domain, task, area and year."""
        from careforce.cli.app import _remember_json
        from careforce.services import gap

        _remember_json(as_json)
        outcome = gap.compute_gap(
            scenario,
            runs=runs,
            seed=seed,
            sample=sample,
            scheduler=scheduler,
            delegated_share_cap=delegated_share_cap,
            network_tasks=tuple(network_task) if network_task else None,
            travel_overhead=travel_overhead,
        )
        if as_json:
            print_json({"ok": True, "gap": outcome.as_document()})
            return
        gap.print_gap(outcome, stdout)

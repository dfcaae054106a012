"""`careforce project SCENARIO`: parses arguments and prints; the work is in
`careforce.services.supply`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from careforce.cli.output import print_json, stdout
from careforce.cli.scenario_options import AsJson, Runs, Seed


def register(app: typer.Typer) -> None:
    """Add `project` to the app."""

    @app.command("project")
    def project_(
        scenario: Annotated[
            Path | None,
            typer.Argument(help="Scenario file (TOML), e.g. inputs/scenarios/baseline.toml."),
        ] = None,
        runs: Runs = None,
        seed: Seed = None,
        scheduler: Annotated[
            str | None,
            typer.Option(
                "--scheduler",
                help="Where runs go: 'processes' (a local pool), 'dask-local' (a local Dask "
                "cluster) or a Dask scheduler address such as tcp://host:8786; default here.",
            ),
        ] = None,
        backend: Annotated[
            str, typer.Option("--backend", help="numba (default), numpy or cupy (GPU).")
        ] = "numba",
        plan: Annotated[
            bool, typer.Option("--plan", help="Print the yearly steps and stop.")
        ] = False,
        as_json: AsJson = False,
    ) -> None:
        """Project the workforce of a scenario: stocks and flows by role, area, sector and age."""
        from careforce.cli.app import _remember_json
        from careforce.domain import UserError
        from careforce.services import supply

        _remember_json(as_json)
        if plan:
            stdout.print(supply.plan_text(), markup=False)
            return
        if scenario is None:
            raise UserError(
                "give a scenario file, e.g. careforce-demo/inputs/scenarios/baseline.toml"
            )
        if backend not in ("numba", "numpy", "cupy"):
            raise UserError(f"--backend {backend!r}: choose numba, numpy or cupy")
        outcome = supply.project_scenario(
            scenario, runs=runs, seed=seed, scheduler=scheduler, backend=backend
        )
        if as_json:
            print_json({"ok": True, "projection": outcome.as_document()})
            return
        supply.print_supply(outcome, stdout)

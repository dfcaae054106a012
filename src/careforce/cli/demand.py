"""`careforce demand`: the workforce a service specification needs, from its population.

Parses arguments and prints; the work is in `careforce.services.demand`. Errors reach `main()` in
`careforce.cli.app`, which maps them to exit codes (2 for a bad file, with every problem).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from careforce.cli.output import print_json, stdout

DEFAULT_RUNS = 200  # as careforce.services.demand.DEFAULT_RUNS; the service is imported lazily
DEFAULT_SEED = 20261123


def _json_mode(as_json: bool) -> None:
    from careforce.cli.app import _remember_json  # the app imports this module

    _remember_json(as_json)


def demand(
    spec: Annotated[Path, typer.Argument(help="Service specification (YAML, schema version 1).")],
    population: Annotated[
        Path | None,
        typer.Option(
            "--population",
            help="Population CSV (area_code, age, year, population); default: the file the "
            "specification names.",
        ),
    ] = None,
    framework: Annotated[
        Path | None,
        typer.Option("--framework", help="Framework file to use instead of the bundled default."),
    ] = None,
    years: Annotated[
        int | None,
        typer.Option("--years", help="Years from the base year, overriding the specification."),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", help="Drawn runs besides the central run (0: central only).")
    ] = DEFAULT_RUNS,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random streams.")] = DEFAULT_SEED,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Required workforce: hours and FTE by competency domain, area, setting and year, with ranges."""
    _json_mode(as_json)
    from careforce.services import demand as service

    outcome = service.compute_demand(
        spec,
        population_path=population,
        framework_path=framework,
        years=years,
        runs=runs,
        seed=seed,
    )
    if as_json:
        print_json({"ok": True, "demand": outcome.as_document()})
        return
    service.print_demand(outcome, stdout)


def register(app: typer.Typer) -> None:
    """Add `careforce demand` to the app."""
    app.command("demand")(demand)

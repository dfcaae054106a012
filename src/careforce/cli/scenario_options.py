"""Arguments shared by the commands that run a scenario (project, gap, optimise)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Scenario = Annotated[
    Path, typer.Argument(help="Scenario file (TOML), e.g. inputs/scenarios/baseline.toml.")
]
Runs = Annotated[
    int | None, typer.Option("--runs", help="Monte Carlo runs besides the central run.", min=0)
]
Seed = Annotated[int | None, typer.Option("--seed", help="Seed of every random stream.", min=0)]
Sample = Annotated[
    int | None,
    typer.Option(
        "--sample",
        help="Drawn runs to allocate besides the central run (the first; default the "
        "scenario's, 50).",
        min=0,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]

"""`careforce wisn` and `careforce erlang`: the standalone staffing methods.

Parses arguments and prints; the work is in `careforce.services.methods`. Errors reach `main()`
in `careforce.cli.app`, which maps them to exit codes (2 for a bad file or option).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from careforce.cli.output import print_json, stdout

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (full precision).")]


def _json_mode(as_json: bool) -> None:
    from careforce.cli.app import _remember_json  # the app imports this module

    _remember_json(as_json)


def wisn(
    file: Annotated[Path, typer.Argument(help="WISN file (YAML): one staff category or several.")],
    as_json: JsonOption = False,
) -> None:
    """WHO WISN: required staff, difference and WISN ratio for each staff category in FILE.

    --json prints one object, or a list of objects when the file has several staff categories.
    """
    _json_mode(as_json)
    from careforce.services import methods as service

    results = service.wisn_from_file(file)
    if as_json:
        documents = [service.wisn_document(r) for r in results]
        print_json(documents[0] if len(documents) == 1 else documents)
        return
    service.print_wisn(results, stdout)


def erlang(
    arrivals_per_hour: Annotated[
        float, typer.Option("--arrivals-per-hour", help="Arrivals (calls, referrals) an hour.")
    ],
    handling_minutes: Annotated[
        float, typer.Option("--handling-minutes", help="Mean handling time of one arrival.")
    ],
    target_seconds: Annotated[
        float, typer.Option("--target-seconds", help="Target time to answer, in seconds.")
    ],
    service_level: Annotated[
        float,
        typer.Option("--service-level", help="Share to answer within the target (0.8 for 80%)."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Erlang C: staff on duty to answer a share of arrivals within a target time."""
    _json_mode(as_json)
    from careforce.services import methods as service

    result = service.erlang(arrivals_per_hour, handling_minutes, target_seconds, service_level)
    if as_json:
        print_json(service.erlang_document(result))
        return
    service.print_erlang(result, stdout)


def register(app: typer.Typer) -> None:
    """Add `wisn` and `erlang` to the app."""
    app.command("wisn")(wisn)
    app.command("erlang")(erlang)

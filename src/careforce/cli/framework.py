"""`careforce framework ...`: check a framework file, show who may do a task or what a role does.

Parses arguments and prints; the work is in `careforce.services.framework`. Errors reach `main()`
in `careforce.cli.app`, which maps them to exit codes (2 for a bad file, with every problem).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from careforce.cli.output import print_json, stdout

framework_app = typer.Typer(
    name="framework",
    help="The competency framework: tasks, roles and the rules of delegation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def _json_mode(as_json: bool) -> None:
    from careforce.cli.app import _remember_json  # the app imports this module

    _remember_json(as_json)


@framework_app.command("validate")
def validate(
    file: Annotated[
        Path, typer.Argument(help="Framework file (YAML): extends or replaces the default.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Check a framework file; every problem is listed with its place in the file (exit code 2)."""
    _json_mode(as_json)
    from careforce.services import framework as service

    summary = service.validate_framework_file(file)
    if as_json:
        print_json({"ok": True, "framework": summary.as_document()})
        return
    service.print_summary(summary, stdout)


@framework_app.command("show")
def show(
    role: Annotated[str | None, typer.Option("--role", help="A role id, e.g. rn_adult.")] = None,
    task: Annotated[str | None, typer.Option("--task", help="A task id, e.g. MED03.")] = None,
    framework: Annotated[
        Path | None,
        typer.Option("--framework", help="Framework file to use instead of the bundled default."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Who may do a task (own competence, delegation, conditions, supervision), or a role's tasks."""
    _json_mode(as_json)
    from careforce.services import framework as service

    view = service.show(role, task, framework)
    if as_json:
        print_json({"ok": True, **view})
        return
    service.print_view(view, stdout)

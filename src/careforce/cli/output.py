"""How results and errors reach the user: text or one JSON document, errors on standard error."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from typing import Any

from rich.console import Console

from careforce.domain import Problem, ValidationFailed

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def _default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "to_dicts"):  # a polars frame
        return value.to_dicts()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, default=_default, indent=2, ensure_ascii=False) + "\n")


def problems_document(error: ValidationFailed) -> dict[str, Any]:
    return {
        "ok": False,
        "error": str(error),
        "problems": [p.as_dict() for p in error.problems],
    }


def print_problems(error: ValidationFailed) -> None:
    stderr.print(f"[bold red]Error:[/] {error}", markup=True)
    for problem in error.problems:
        stderr.print(f"  - {_plain(problem)}", markup=False)


def _plain(problem: Problem) -> str:
    return str(problem)

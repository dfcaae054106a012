"""Findings of the domain's rules, reported at the best of their places in the framework files."""

from __future__ import annotations

from typing import Any

from careforce.domain import Problem
from careforce.domain.framework_rules import Finding, Parts, Place, find_inconsistencies
from careforce.framework.build import TASK_FIELDS, entry_field
from careforce.framework.document import Draft, Located
from careforce.framework.yamlfile import PathKey


def locate(draft: Draft, finding: Finding) -> Problem | None:
    """The finding at the best of its places: in the user's file and naming the item, if any."""
    if any(p.item in draft.invalid_ids or p.id in draft.invalid_ids for p in finding.places):
        return None  # the entry it names was reported already
    options = [o for o in (_resolve(draft, p) for p in finding.places) if o is not None]
    if not options:
        file = draft.file
        if file is None:
            return Problem("careforce/framework/data", None, None, None, finding.reason)
        return file.problem((), finding.reason)
    best = max(options, key=lambda o: (o[0].file.user and o[2], o[2], o[0].file.user))
    located, path, _found = best
    item = next((p.item for p in finding.places if p.item is not None), None)
    return located.file.problem(path, finding.reason, item)


def _resolve(draft: Draft, place: Place) -> tuple[Located[Any], PathKey, bool] | None:
    located: Located[Any] | None
    if place.kind == "task":
        located, field = draft.tasks.get(place.id), TASK_FIELDS.get(place.field, (place.field,))
    elif place.kind == "role":
        located, field = draft.roles.get(place.id), (place.field,)
    elif place.kind == "route":
        located, field = _nth(draft.routes, place.id), (place.field,)
    elif place.kind == "policy":
        located, field = _nth(draft.policies, place.id), (place.field,)
    elif place.kind == "supervision" and draft.supervisions:
        located = next(
            (x for x in reversed(draft.supervisions) if place.id in x.entry.by_task), None
        )
        field = ("by_task", place.id)
    else:
        return None
    if located is None:
        return None
    field = tuple(f for f in field if f != "")
    value = entry_field(located.entry, field) if place.kind != "supervision" else None
    if place.item is not None and isinstance(value, list) and place.item in value:
        return located, (*located.path, *field, value.index(place.item)), True
    return located, (*located.path, *field), place.item is None


def _nth(items: list[Located[Any]], index: str) -> Located[Any] | None:
    i = int(index)
    return items[i] if 0 <= i < len(items) else None


def findings_as_problems(draft: Draft, parts: Parts) -> None:
    for finding in find_inconsistencies(parts):
        problem = locate(draft, finding)
        if problem is not None:
            draft.problems.append(problem)

"""Loading the competency framework: the bundled default, or a user's file that extends or replaces it.

default_framework()      the bundled default (read once per process, on first use)
load_framework(path)     a user's framework file over the default; every problem reported
                         at its place in the file (`ValidationFailed`), or a checked Framework
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from careforce.domain import Problem, UserError, ValidationFailed
from careforce.domain.framework import Framework
from careforce.framework.build import build_parts, check_sources, default_supervision
from careforce.framework.document import Draft, merge, read_default, read_user
from careforce.framework.locate import findings_as_problems
from careforce.framework.yamlfile import YamlFile, read_yaml_file, read_yaml_text


@cache
def default_framework() -> Framework:
    """The bundled default framework (version in `framework/data/framework.yaml`)."""
    return _finish(_default_draft(), "the bundled framework")


def load_framework(path: Path) -> Framework:
    """A user's framework file (`mode: extend` or `mode: replace`), checked whole."""
    return framework_from_file(read_yaml_file(path))


def framework_from_text(text: str, label: str = "framework.yaml") -> Framework:
    """As `load_framework`, from text (problems name `label` as the file)."""
    return framework_from_file(read_yaml_text(text, label))


def framework_from_file(file: YamlFile) -> Framework:
    user, readable = read_user(file)
    if not readable:
        raise _failed(user.problems, file.label)
    base = _default_draft()
    if user.mode == "replace":
        user.supervisions = [*base.supervisions, *user.supervisions]
    merged = merge(base, user)
    if merged.mode == "extend":
        merged.version = f"{user.version} (extends careforce default {base.version})"
    return _finish(merged, file.label)


def _default_draft() -> Draft:
    return read_default()


def _finish(draft: Draft, label: str) -> Framework:
    check_sources(draft)
    parts = build_parts(draft)
    findings_as_problems(draft, parts)
    supervision = None
    try:
        supervision = default_supervision(draft)
    except UserError as error:
        draft.problems.append(Problem(label, None, "supervision", None, str(error)))
    if draft.problems or supervision is None:
        raise _failed(draft.problems, label)
    return Framework(
        version=draft.version,
        roles=parts.roles,
        tasks=parts.tasks,
        domains=parts.domains,
        conditions=parts.conditions,
        supervision=supervision,
        progression_routes=parts.progression_routes,
        role_details=parts.role_details,
        supervision_by_task=parts.supervision_by_task,
        policies=parts.policies,
        sources=draft.sources,
    )


def _failed(problems: list[Problem], label: str) -> ValidationFailed:
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda p: (p.file, p.row or 0, p.column or ""))
    n = len(unique)
    return ValidationFailed(
        unique, summary=f"{n} problem{'s' if n != 1 else ''} in the framework {label}"
    )

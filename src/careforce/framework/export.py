"""The bundled default framework written out as one user-editable framework file.

`default_framework_text()` gathers the four bundled data files (tasks, roles, role catalogue,
general settings) into a single `mode: replace` framework file: its sources, domains, delegation
conditions, roles (each with its staff group), tasks, supervision and progression routes. Read back
with `framework_from_text` it gives the default framework again, so a planner can start from a copy
of the default and edit it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from careforce.framework.document import BUNDLED_FILES, DATA

__all__ = ["default_framework_text"]

_HEADER = """\
# framework.yaml - the careforce default competency framework (version {version}) as one editable file.
#
# mode: replace, so this file is the whole framework: edit an entry, add tasks or roles, and check it
# with `careforce framework validate framework.yaml`. A smaller file with `mode: extend` that names
# only the changes is the other way to adapt the default (see docs/framework.md).
# Sources: ids cited by the entries (figures.md section 9). Each task gives its delegation status;
# roles list the tasks they hold (default_competencies) and may receive by delegation, mirroring the
# tasks' default_holders and delegable_to: the two sides must agree.
"""


def _bundled(name: str) -> Any:
    text = resources.files(DATA).joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _with_staff_group(role: dict[str, Any], groups: dict[str, str]) -> dict[str, Any]:
    """The role entry with `staff_group` after its title (where a user's new role gives it)."""
    out: dict[str, Any] = {}
    for key, value in role.items():
        out[key] = value
        if key == "title" and "staff_group" not in role and role["id"] in groups:
            out["staff_group"] = groups[role["id"]]
    return out


def default_framework_document() -> dict[str, Any]:
    """The default framework as the mapping of a `mode: replace` framework file."""
    tasks, roles, catalogue, general = (_bundled(name) for name in BUNDLED_FILES)
    groups = {
        role_id: str(group) for group, ids in catalogue["staff_groups"].items() for role_id in ids
    }
    all_roles = [*roles["roles"], *catalogue.get("added_roles", [])]
    document: dict[str, Any] = {
        "mode": "replace",
        "version": str(general["version"]),
        "sources": {**tasks["meta"]["sources"], **roles["meta"]["sources"]},
        "domains": tasks["domains"],
        "delegation_conditions": tasks["meta"]["delegation_conditions"],
        "roles": [_with_staff_group(r, groups) for r in all_roles],
        "tasks": tasks["tasks"],
    }
    if general.get("supervision") is not None:
        document["supervision"] = general["supervision"]
    document["progression_routes"] = general.get("progression_routes", [])
    return document


@cache
def default_framework_text() -> str:
    """The default framework as the text of one `mode: replace` framework file."""
    document = default_framework_document()
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return _HEADER.format(version=document["version"]) + body

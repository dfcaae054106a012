"""Mapping of source role codes (occupation codes, job role categories) to framework roles.

The bundled default covers every code the demo emits; users extend it (`careforce import
role_mapping FILE`), and a framework role id is always accepted as its own code in any scheme.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

from careforce.framework.catalogue import role_catalogue

RoleMapping = dict[tuple[str, str], str]


@cache
def default_role_mapping() -> dict[tuple[str, str], str]:
    text = (
        resources.files("careforce.framework.data").joinpath("role_mapping.csv").read_text("utf-8")
    )
    rows = csv.DictReader(io.StringIO(text))
    return {(r["scheme"], r["source_code"].upper()): r["role_id"] for r in rows}


def map_role_code(mapping: RoleMapping, scheme: str, code: str) -> str | None:
    """The framework role for a source code, or None when the code is unmapped (never guessed)."""
    found = mapping.get((scheme, code.strip().upper()))
    if found is not None:
        return found
    role_id = code.strip()
    return role_id if role_id in role_catalogue() else None

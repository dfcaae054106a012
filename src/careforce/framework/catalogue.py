"""The bundled role catalogue: roles.yaml from the reference framework plus its reporting layer.

Loaded once per process on demand (never at import time) into frozen `Role` values.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from careforce.domain import Role, StaffGroup, UserError

_DATA = "careforce.framework.data"


def _read_yaml(name: str) -> Any:
    return yaml.safe_load(resources.files(_DATA).joinpath(name).read_text(encoding="utf-8"))


def _pay(entry: dict[str, Any]) -> tuple[str | None, str | None, float | None]:
    pay = entry.get("pay") or {}
    scale = pay.get("scale")
    band = pay.get("band")
    hourly = pay.get("default_gbp_per_hour_wales_2025_26")
    return scale, (str(band) if band is not None else None), (float(hourly) if hourly else None)


def _basis(entry: dict[str, Any]) -> str:
    return str(entry.get("cf_basis") or "assumption")


@cache
def role_catalogue() -> dict[str, Role]:
    """Every framework role by id, each with its staff group (a role with none is an error)."""
    raw = _read_yaml("roles.yaml")
    layer = _read_yaml("role_catalogue.yaml")
    group_of: dict[str, StaffGroup] = {}
    for group, ids in layer["staff_groups"].items():
        for role_id in ids:
            if role_id in group_of:
                raise UserError(f"role {role_id!r} is in two staff groups")
            group_of[role_id] = StaffGroup(group)
    roles: dict[str, Role] = {}
    for entry in [*raw["roles"], *layer["added_roles"]]:
        role_id = entry["id"]
        if role_id in roles:
            raise UserError(f"role {role_id!r} is defined twice in the catalogue")
        if role_id not in group_of:
            raise UserError(f"role {role_id!r} has no staff group in role_catalogue.yaml")
        scale, band, hourly = _pay(entry)
        roles[role_id] = Role(
            id=role_id,
            title=entry["title"],
            staff_group=group_of[role_id],
            career_framework_level=(
                int(entry["cf_level"]) if entry.get("cf_level") is not None else None
            ),
            regulator=entry.get("regulator"),
            pay_scale=scale,
            pay_band=band,
            hourly_rate_gbp=hourly,
            can_receive_delegation=bool(entry.get("can_receive_delegation", False)),
            approvals=tuple(entry.get("approvals") or ()),
            default_competencies=tuple(entry.get("default_competencies") or ()),
            basis=_basis(entry),
        )
    unknown = set(group_of) - set(roles)
    if unknown:
        raise UserError(f"staff groups name unknown roles: {', '.join(sorted(unknown))}")
    return roles

"""The bundled role catalogue: the roles of the default framework, each with its staff group.

The roles come from `data/roles.yaml` and the reporting layer `data/role_catalogue.yaml` (staff
groups, and the roles added so that every NHS staff group has one), checked with the rest of the
default framework (`careforce.framework.loader.default_framework`), once per process, on first use.
"""

from __future__ import annotations

from careforce.domain import Role
from careforce.framework.loader import default_framework


def role_catalogue() -> dict[str, Role]:
    """Every framework role by id, each with its staff group (a role with none is an error)."""
    return dict(default_framework().roles)

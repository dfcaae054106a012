"""The shape of framework files (pydantic, unknown keys refused): the user's file and the bundled data.

Only structure, types and ranges are checked here; the rules between entries are the domain's
(`careforce.domain.framework_rules`), and ids are resolved by the loader. Each list entry is
validated on its own, so one bad entry does not hide the problems of the others.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from careforce.domain.framework import Basis, DelegationStatus, RoleSector
from careforce.domain.workforce import StaffGroup


def _text(value: Any) -> Any:
    """YAML reads `version: 1.0` or `band: 5` as numbers; they are labels."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


Label = Annotated[str, BeforeValidator(_text)]
Level = Annotated[int, Field(strict=True)]
Hours = Annotated[float, Field(ge=0)]


def _level(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 9:
        raise ValueError(f"level {value} is outside the Career Framework levels 1-9")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_list(value: Any) -> Any:
    return [] if value is None else [value] if isinstance(value, str) else value


Sources = Annotated[list[str], BeforeValidator(_as_list)]


class DelegationEntry(Strict):
    status: DelegationStatus
    delegated_by: list[str] = []
    delegable_to: list[str] = []
    conditions: list[str] = []


class TaskEntry(Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    domain: str
    min_cf_level: Level
    default_holders: list[str] = []
    delegation: DelegationEntry
    legal_basis: str | None = None
    basis: Basis = Basis.ASSUMPTION
    source: Sources = []
    notes: str | None = None
    override: bool = False

    _min_level = field_validator("min_cf_level")(_level)

    @model_validator(mode="after")
    def _basis_has_sources(self) -> TaskEntry:
        _basis_rule(self.basis, self.source)
        return self


def _basis_rule(basis: Basis, sources: list[str]) -> None:
    if basis is not Basis.ASSUMPTION and not sources:
        raise ValueError(f"basis is {basis.value} but no source is named: add source ids")
    if basis is Basis.ASSUMPTION and sources:
        raise ValueError("basis is assumption but sources are named: mark it mixed or sourced")


class PayEntry(Strict):
    scale: str | None = None
    band: Label | None = None
    source: Sources = []
    basis: str | None = None
    default_gbp_per_hour_wales_2025_26: float | None = Field(default=None, gt=0)
    default_gbp_per_hour_england_median_dec_2025: float | None = Field(default=None, gt=0)
    england_median_dec_2024: float | None = Field(default=None, gt=0)


class RoleEntry(Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    staff_group: StaffGroup | None = None  # bundled roles take it from role_catalogue.yaml
    sector: RoleSector
    cf_level: Level | None
    pay: PayEntry | None = None
    regulator: str | None = None
    registrant: bool | None = None  # default: the role has a regulator
    can_receive_delegation: bool = False
    approvals: list[str] = []
    cf_basis: str = "assumption"
    default_competencies: list[str] = []
    may_receive_by_delegation: list[str] = []
    holds_tasks_above_role_level: list[str] = []
    care_workforce_pathway: str | None = None
    # planning figures carried with the role for the supply model; not read by the framework
    pipeline: dict[str, Any] | None = None
    planning_defaults: dict[str, Any] | None = None
    wales_registered_2024: int | dict[str, int] | None = None
    note: str | None = None
    override: bool = False

    _cf_level = field_validator("cf_level")(_level)

    @field_validator("cf_basis")
    @classmethod
    def _basis_word(cls, value: str) -> str:
        if value.split(" ", 1)[0] not in {b.value for b in Basis}:
            raise ValueError("cf_basis must start with sourced, mixed or assumption")
        return value


class DomainEntry(Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    note: str | None = None
    override: bool = False


class ConditionEntry(Strict):
    text: str = Field(min_length=1)
    source: Sources = []
    basis: Basis | None = None  # default: sourced when sources are named, else assumption
    override: bool = False

    @model_validator(mode="after")
    def _basis_has_sources(self) -> ConditionEntry:
        if self.basis is not None:
            _basis_rule(self.basis, self.source)
        return self


class PolicyEntry(Strict):
    task: str = Field(min_length=1)
    allow: list[str] = []
    forbid: list[str] = []
    max_delegated_share: float | None = Field(default=None, ge=0, le=1)
    basis: str = "local policy"


class SupervisionValues(Strict):
    registrant_hours_per_delegated_hour: Hours | None = None
    training_hours_per_worker_per_task: Hours | None = None
    review_hours_per_worker_per_task_per_year: Hours | None = None
    basis: str | None = None


class SupervisionEntry(SupervisionValues):
    by_task: dict[str, SupervisionValues] = {}


class RouteEntry(Strict):
    from_role: str = Field(min_length=1)
    to_role: str = Field(min_length=1)
    via: str = Field(min_length=1)
    years: float | None = Field(default=None, ge=0)
    basis: Basis = Basis.ASSUMPTION
    source: Sources = []

    @model_validator(mode="after")
    def _basis_has_sources(self) -> RouteEntry:
        _basis_rule(self.basis, self.source)
        return self


class FrameworkFile(Strict):
    """A user's framework file: `extend` the bundled default, or `replace` it."""

    mode: Literal["extend", "replace"]
    version: Label = Field(min_length=1)
    sources: dict[str, str] = {}
    domains: list[Any] = []
    delegation_conditions: dict[str, Any] = {}
    roles: list[Any] = []
    tasks: list[Any] = []
    delegation_policies: list[Any] = []
    supervision: Any = None
    progression_routes: list[Any] = []


ENTRY_MODELS: dict[str, type[Strict]] = {
    "domains": DomainEntry,
    "delegation_conditions": ConditionEntry,
    "roles": RoleEntry,
    "tasks": TaskEntry,
    "delegation_policies": PolicyEntry,
    "supervision": SupervisionEntry,
    "progression_routes": RouteEntry,
}


# --- the bundled data files ----------------------------------------------------------------------


class TasksMeta(Strict):
    title: str
    version: Label
    status: str
    cf_level: str
    basis_values: dict[str, str]
    delegation_status: dict[str, str]
    delegation_conditions: dict[str, Any]
    career_framework_levels: dict[int, str]
    sources: dict[str, str]


class TasksData(Strict):
    meta: TasksMeta
    domains: list[Any]
    tasks: list[Any]


class RolesMeta(Strict):
    version: Label
    cf_level: str
    pay_note: str
    sources: dict[str, str]


class RolesData(Strict):
    meta: RolesMeta
    roles: list[Any]


class RoleCatalogueData(Strict):
    version: Label
    staff_groups: dict[StaffGroup, list[str]]
    added_roles: list[Any]


class FrameworkData(Strict):
    version: Label
    supervision: Any
    progression_routes: list[Any]

"""Training targets: which staff must hold which competency, as data with its provenance.

A target names a competency code, the level it stands for, the codes of higher levels that also
meet it, and the staff it applies to (`AppliesTo`). The bundled defaults
(`data/training_targets.yaml`) follow the mental health literacy levels of the Strategic Mental
Health Workforce Plan for Health and Social Care (S73): level 1 for all staff, level 2 for staff
who give direct physical or personal care, the enhanced level for mental health roles and settings.

`load_training_targets` reads the bundled file or a planner's own; unknown keys are refused and
every problem names its path in the file (`targets.1.applies_to.roles`).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import polars as pl
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from careforce.domain import Setting, StaffGroup, UserError
from careforce.framework.catalogue import role_catalogue

_SOURCE = re.compile(r"^S\d{2}\b")
_BASIS = re.compile(r"^assumption: \S")
_CODE = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"
_ID = r"^[a-z][a-z0-9_]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known_roles(roles: tuple[str, ...]) -> tuple[str, ...]:
    unknown = sorted(set(roles) - set(role_catalogue()))
    if unknown:
        raise ValueError(f"unknown framework role {', '.join(unknown)}")
    return roles


Roles = Annotated[tuple[str, ...], AfterValidator(_known_roles)]
Code = Annotated[str, Field(pattern=_CODE)]


class AppliesTo(_Strict):
    """The staff a target applies to, post by post.

    A post needs the target when `all_staff` is true, or its role's staff group, its role or its
    setting is listed; unless its staff group or role is among the exceptions.
    """

    all_staff: bool = False
    staff_groups: tuple[StaffGroup, ...] = ()
    roles: Roles = ()
    settings: tuple[Setting, ...] = ()
    except_staff_groups: tuple[StaffGroup, ...] = ()
    except_roles: Roles = ()

    @model_validator(mode="after")
    def _says_who(self) -> AppliesTo:
        if not (self.all_staff or self.staff_groups or self.roles or self.settings):
            raise ValueError(
                "say who the target applies to: all_staff: true, or staff_groups, roles or settings"
            )
        return self

    def post_needs(self) -> pl.Expr:
        """True for a post (with `staff_group`, `role_id` and `setting` columns) that needs it."""
        if self.all_staff:
            chosen = pl.lit(True)
        else:
            chosen = (
                pl.col("staff_group").is_in([g.value for g in self.staff_groups])
                | pl.col("role_id").is_in(list(self.roles))
                | pl.col("setting").is_in([s.value for s in self.settings])
            )
        excluded = pl.col("staff_group").is_in(
            [g.value for g in self.except_staff_groups]
        ) | pl.col("role_id").is_in(list(self.except_roles))
        return chosen & ~excluded


class TrainingTarget(_Strict):
    """One target: a competency at a level, for the staff `applies_to` selects."""

    id: Annotated[str, Field(pattern=_ID)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    short_name: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    competency: Code
    level: Annotated[str, Field(min_length=1, max_length=64)]
    met_by: tuple[Code, ...] = ()
    applies_to: AppliesTo
    source: str | None = None
    basis: str | None = None

    @model_validator(mode="after")
    def _has_provenance(self) -> TrainingTarget:
        if self.source is None and self.basis is None:
            raise ValueError(
                "a target needs `source: Sxx (figures.md section)` or `basis: assumption: why`"
            )
        if self.source is not None and not _SOURCE.match(self.source):
            raise ValueError(f"source {self.source!r} must start with a source id such as S73")
        if self.basis is not None and not _BASIS.match(self.basis):
            raise ValueError(f"basis {self.basis!r} must read `assumption: <why>`")
        if self.competency in self.met_by:
            raise ValueError(f"met_by repeats the target's own competency {self.competency}")
        return self

    @property
    def label(self) -> str:
        """The short name for table headings, else the name."""
        return self.short_name or self.name

    @property
    def codes(self) -> tuple[str, ...]:
        """Every competency code whose record meets the target: its own, then `met_by`."""
        return (self.competency, *self.met_by)


def _unique_ids(targets: tuple[TrainingTarget, ...]) -> tuple[TrainingTarget, ...]:
    seen: set[str] = set()
    for target in targets:
        if target.id in seen:
            raise ValueError(f"target id {target.id!r} is used twice")
        seen.add(target.id)
    return targets


class TrainingTargets(_Strict):
    """A validated, frozen set of targets, in the order a report shows them."""

    version: Literal[1]
    targets: Annotated[tuple[TrainingTarget, ...], Field(min_length=1), AfterValidator(_unique_ids)]

    def target(self, target_id: str) -> TrainingTarget:
        for t in self.targets:
            if t.id == target_id:
                return t
        raise KeyError(target_id)


def _describe(error: ValidationError, name: str) -> str:
    lines = []
    for e in error.errors():
        path = ".".join(str(p) for p in e["loc"])
        lines.append(f"  {path or '(top level)'}: {e['msg']}")
    return f"{name}: the training targets are not valid:\n" + "\n".join(lines)


def parse_training_targets(text: str, name: str = "training_targets.yaml") -> TrainingTargets:
    """Validate training targets YAML text; a UserError lists every problem by its path."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise UserError(f"{name}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise UserError(f"{name}: the training targets must be a YAML mapping")
    try:
        return TrainingTargets.model_validate(raw)
    except ValidationError as e:
        raise UserError(_describe(e, name)) from None


def bundled_training_targets_text() -> str:
    data = resources.files("careforce.results").joinpath("data", "training_targets.yaml")
    return data.read_text(encoding="utf-8")


@cache
def _bundled() -> TrainingTargets:
    return parse_training_targets(bundled_training_targets_text())


def load_training_targets(path: Path | None = None) -> TrainingTargets:
    """The bundled default targets, or a planner's own file at `path`."""
    if path is None:
        return _bundled()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot read the training targets file {path}: {e.strerror}") from None
    return parse_training_targets(text, str(path))


__all__ = [
    "AppliesTo",
    "TrainingTarget",
    "TrainingTargets",
    "bundled_training_targets_text",
    "load_training_targets",
    "parse_training_targets",
]

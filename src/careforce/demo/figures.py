"""Building blocks of the calibration: figures with their provenance, and checked value types.

A `Figure` is a value with where it comes from: `source` names the reference figures (an S id), or
`basis` reads "assumption: why". The annotated types check shares add up, role ids exist, age bands
follow on, and keys are among those allowed; their messages name what is wrong, and pydantic adds
the path in the file.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from careforce.framework.catalogue import role_catalogue
from careforce.ingest.formats import NHS_SETTINGS

T = TypeVar("T")
_SOURCE = re.compile(r"^S\d{2}\b")
_BASIS = re.compile(r"^assumption: \S.{6,}")
_BAND = re.compile(r"^(\d{1,3})-(\d{1,3})$")
_GRADE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,31}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(Strict, Generic[T]):
    """A number (or table of numbers) with where it comes from: a source id, or an assumption."""

    value: T
    source: str | None = None
    basis: str | None = None

    @model_validator(mode="after")
    def _has_provenance(self) -> Figure[T]:
        if self.source is None and self.basis is None:
            raise ValueError(
                "a figure needs `source: Sxx (figures.md section)` or `basis: assumption: why`"
            )
        if self.source is not None and not _SOURCE.match(self.source):
            raise ValueError(f"source {self.source!r} must start with a source id such as S08")
        if self.basis is not None and not _BASIS.match(self.basis):
            raise ValueError(f"basis {self.basis!r} must read `assumption: <why>`")
        return self


def sums_to_one(shares: dict[Any, float]) -> dict[Any, float]:
    if any(v < 0 for v in shares.values()):
        raise ValueError("shares cannot be negative")
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-3:
        raise ValueError(f"shares add up to {total:.4f}, not 1")
    return shares


def _known_role(role_id: str) -> str:
    if role_id not in role_catalogue():
        raise ValueError(f"unknown framework role {role_id!r}")
    return role_id


def known_roles(shares: dict[str, Any]) -> dict[str, Any]:
    for role_id in shares:
        _known_role(role_id)
    return shares


def check_keys(mapping: dict[str, Any], allowed: tuple[str, ...], what: str) -> dict[str, Any]:
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(unknown)}; use {', '.join(allowed)}")
    return mapping


def keys_in(allowed: tuple[str, ...], what: str) -> AfterValidator:
    return AfterValidator(lambda mapping: check_keys(mapping, allowed, what))


def parse_band(label: str) -> tuple[int, int]:
    """`"55-59"` -> (55, 59): an inclusive age band."""
    found = _BAND.match(str(label))
    if not found or int(found[1]) > int(found[2]):
        raise ValueError(f"age band {label!r} must read LOW-HIGH, e.g. 55-64")
    return int(found[1]), int(found[2])


def contiguous_bands(bands: dict[str, float]) -> dict[str, float]:
    parsed = [parse_band(k) for k in bands]
    for (_, high), (low, _) in itertools.pairwise(parsed):
        if low != high + 1:
            raise ValueError(f"age bands must follow on from each other: {high} then {low}")
    return bands


Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Shares = Annotated[dict[str, float], AfterValidator(sums_to_one)]
RoleId = Annotated[str, AfterValidator(_known_role)]
RoleShares = Annotated[dict[str, float], AfterValidator(sums_to_one), AfterValidator(known_roles)]
AgeBands = Annotated[dict[str, float], AfterValidator(contiguous_bands)]
Sector = Literal["nhs", "local_authority", "independent", "third_sector", "volunteer_involving"]


def role_settings(table: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    known_roles(table)
    for role_id, shares in table.items():
        try:
            sums_to_one(shares)
            check_keys(shares, NHS_SETTINGS, "NHS setting")
        except ValueError as e:
            raise ValueError(f"{role_id}: {e}") from None
    return table


def grades(table: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    for role_id, shares in known_roles(table).items():
        sums_to_one(shares)
        for grade in shares:
            if not _GRADE.match(grade):
                raise ValueError(f"{role_id}: grade {grade!r} must be a code (no spaces)")
    return table


def hazard_bands(bands: dict[str, float]) -> dict[str, float]:
    contiguous_bands(bands)
    if any(not 0 <= v <= 1 for v in bands.values()):
        raise ValueError("retirement hazards are probabilities between 0 and 1")
    return bands


class Selector(Strict):
    """Which posts a profile applies to; an empty filter matches everything."""

    name: str
    roles: tuple[RoleId, ...] = ()
    sectors: tuple[Sector, ...] = ()
    paid: bool | None = None

    @property
    def catch_all(self) -> bool:
        return not self.roles and not self.sectors and self.paid is None

    def matches(self, role_id: str, sector: str, paid: bool) -> bool:
        return (
            (not self.roles or role_id in self.roles)
            and (not self.sectors or sector in self.sectors)
            and (self.paid is None or self.paid == paid)
        )


S = TypeVar("S", bound=Selector)


def ends_with_catch_all(profiles: tuple[S, ...]) -> tuple[S, ...]:
    if not profiles or not profiles[-1].catch_all:
        raise ValueError(
            "the last entry must have no roles, sectors or paid filter (it catches the rest)"
        )
    return profiles


def first_match(profiles: tuple[S, ...], role_id: str, sector: str, paid: bool = True) -> S:
    """The first profile whose filters match the post (the list ends with a catch-all)."""
    return next(p for p in profiles if p.matches(role_id, sector, paid))

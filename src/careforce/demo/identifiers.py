"""Employer identifiers and source codes: staff numbers, post references, registration numbers.

A staff number belongs to a person at one employer (the same in every post they hold there); a post
reference is unique within the employer. A registration number belongs to the person and the
regulator, so the same nurse carries the same NMC PIN wherever she works.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import polars as pl

from careforce.framework.catalogue import role_catalogue
from careforce.framework.mapping import default_role_mapping


@cache
def _codes_of() -> dict[tuple[str, str], str]:
    codes: dict[tuple[str, str], str] = {}
    for (scheme, code), role_id in default_role_mapping().items():
        codes.setdefault((scheme, role_id), code)
    return codes


def source_code(scheme: str, role_id: str) -> str:
    """The source code the bundled mapping gives a framework role in a scheme; else the role id
    itself (which import always accepts)."""
    return _codes_of().get((scheme, role_id), role_id)


def regulator_family(regulator: str | None) -> str | None:
    """Which register a role's regulator text points at: NMC, GMC, HCPC, GPhC or SCW."""
    if not regulator:
        return None
    for family in ("NMC", "GMC", "HCPC", "GPhC"):
        if regulator.startswith(family):
            return family
    if "Social Care Wales" in regulator or "SCW" in regulator:
        return "SCW"
    return "HCPC" if "BABCP" in regulator else None


def _formatted(family: str, serial: pl.Expr) -> pl.Expr:
    """A registration number of the register's shape from a six-digit serial (never a real one)."""
    digits = serial.cast(pl.Utf8)
    if family == "NMC":  # yy X dddd L: the X is not a month letter, so no real PIN matches
        letter = (serial % 4).replace_strict({0: "E", 1: "W", 2: "S", 3: "N"}, return_dtype=pl.Utf8)
        return pl.concat_str(digits.str.slice(0, 2), pl.lit("X"), digits.str.slice(2, 4), letter)
    prefix = {"GMC": "0", "HCPC": "HX", "GPhC": "9", "SCW": "SCW0"}[family]
    return pl.lit(prefix) + digits


def registration_numbers(roles: pl.Series, serials: pl.Series) -> pl.Series:
    """The registration number for each post's role, from the person's serial; null if unregistered."""
    family = {r.id: regulator_family(r.regulator) for r in role_catalogue().values()}
    frame = pl.DataFrame({"role": roles, "serial": serials}).with_columns(
        family=pl.col("role").replace_strict(family, default=None, return_dtype=pl.Utf8)
    )
    numbers = pl.lit(None, dtype=pl.Utf8)
    for name in ("NMC", "GMC", "HCPC", "GPhC", "SCW"):
        numbers = (
            pl.when(pl.col("family") == name)
            .then(_formatted(name, pl.col("serial")))
            .otherwise(numbers)
        )
    return frame.select(numbers.alias("registration_number")).to_series()


_STAFF_NUMBER = {"esr": ("1", 7), "social_care": ("W", 6), "volunteer": ("P", 5)}


def _unique_numbers(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    return rng.choice(high - low, size=n, replace=False) + low


def staff_numbers(rng: np.random.Generator, posts: pl.DataFrame) -> pl.DataFrame:
    """(org, person) -> staff_number: 1 + 7 digits in ESR, W + 6 digits in care returns, P + 5
    digits in volunteer returns; distinct within the organisation."""
    pairs = posts.select("org", "person", "kind").unique(
        ["org", "person"], keep="first", maintain_order=True
    )
    frames = []
    for (_org, kind), group in pairs.sort("org", "person").group_by(
        ["org", "kind"], maintain_order=True
    ):
        prefix, digits = _STAFF_NUMBER[str(kind)]
        numbers = pl.Series(_unique_numbers(rng, len(group), 1, 10**digits)).cast(pl.Utf8)
        frames.append(
            group.select("org", "person").with_columns(
                staff_number=pl.lit(prefix) + numbers.str.zfill(digits)
            )
        )
    return pl.concat(frames)


def post_refs(rng: np.random.Generator, posts: pl.DataFrame) -> np.ndarray:
    """Post references unique in each organisation: staff number + assignment sequence in ESR,
    provider-prefixed numbers in care returns, placement numbers in volunteer returns."""
    out = np.empty(len(posts), dtype=object)
    kind = posts["kind"].to_numpy()
    esr = kind == "esr"
    if esr.any():
        seq = (
            posts.with_row_index("row")
            .filter(pl.col("kind") == "esr")
            .sort("org", "staff_number", "start", "row")
            .with_columns(seq=pl.int_range(1, pl.len() + 1).over("org", "staff_number"))
            .sort("row")
        )
        out[esr] = (seq["staff_number"] + "-" + seq["seq"].cast(pl.Utf8)).to_numpy()
    others = posts.with_row_index("row").filter(pl.col("kind") != "esr")
    for (org, group_kind), group in others.group_by(["org", "kind"], maintain_order=True):
        numbers = pl.Series(_unique_numbers(rng, len(group), 1, 1_000_000)).cast(pl.Utf8)
        prefix = f"{org}-" if group_kind == "social_care" else "PL"
        out[group["row"].to_numpy()] = (prefix + numbers.str.zfill(6)).to_numpy()
    return out

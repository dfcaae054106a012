"""Values of the service specification that need more than a plain type: uncertain values, age
bands and splits of hours over tasks, each with its check and its JSON Schema.

Uncertain values are a number, `[low, high]` (an 80% interval, central at the midpoint) or
`{central, low, high}`, checked for the distribution their kind is drawn from
(`careforce.sampling.Kind`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, PlainSerializer, PlainValidator, WithJsonSchema

from careforce.sampling import Kind, Uncertain, problem_with

SHARES_TOLERANCE = 1e-6
_BAND = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|(\+))$")


class Misplaced(ValueError):
    """A rule between keys broken: reported at `key` inside the entry (or at the entry itself)."""

    def __init__(self, key: str | None, message: str) -> None:
        super().__init__(message)
        self.key = key


# --- uncertain values --------------------------------------------------------------------------


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("give a number, [low, high] or {central: c, low: l, high: h}")
    return float(value)


def _parse_uncertain(value: Any, kind: Kind) -> Uncertain:
    if isinstance(value, Uncertain):
        parsed = value
    elif isinstance(value, list | tuple):
        if len(value) != 2:
            raise ValueError("an 80% interval is [low, high]: two numbers")
        low, high = (_number(v) for v in value)
        if low > high:
            raise ValueError(f"low {low:g} is above high {high:g}")
        parsed = Uncertain.interval(low, high)
    elif isinstance(value, dict):
        if set(value) != {"central", "low", "high"}:
            raise ValueError("an interval with a central value is {central: c, low: l, high: h}")
        central, low, high = (_number(value[k]) for k in ("central", "low", "high"))
        if not low <= central <= high:
            raise ValueError(
                f"low <= central <= high is needed, not {low:g}, {central:g}, {high:g}"
            )
        parsed = Uncertain(central, low, high)
    else:
        parsed = Uncertain.point(_number(value))
    reason = problem_with(parsed, kind)
    if reason is not None:
        raise ValueError(reason)
    return parsed


def _dump_uncertain(value: Uncertain) -> float | dict[str, float]:
    if value.is_point:
        return value.central
    return {"central": value.central, "low": value.low, "high": value.high}


def uncertain_schema(kind: Kind) -> dict[str, Any]:
    bounds: dict[str, Any] = {"type": "number"}
    if kind is Kind.SHARE:
        bounds |= {"minimum": 0, "maximum": 1}
    elif kind is Kind.POSITIVE:
        bounds |= {"minimum": 0}
    meaning = {
        Kind.SHARE: "a share or rate (Beta distribution between 0 and 1)",
        Kind.POSITIVE: "a quantity not below 0 (lognormal)",
        Kind.SIGNED: "a change that may be negative (normal)",
    }[kind]
    return {
        "description": f"An uncertain value, {meaning}: a number (a point), [low, high] (an 80% "
        "interval, central at the midpoint) or {central, low, high}.",
        "oneOf": [
            bounds,
            {"type": "array", "items": bounds, "minItems": 2, "maxItems": 2},
            {
                "type": "object",
                "properties": {"central": bounds, "low": bounds, "high": bounds},
                "required": ["central", "low", "high"],
                "additionalProperties": False,
            },
        ],
    }


def _as_share(value: Any) -> Uncertain:
    return _parse_uncertain(value, Kind.SHARE)


def _as_positive(value: Any) -> Uncertain:
    return _parse_uncertain(value, Kind.POSITIVE)


def _as_signed(value: Any) -> Uncertain:
    return _parse_uncertain(value, Kind.SIGNED)


_DUMP = PlainSerializer(_dump_uncertain)
ShareValue = Annotated[
    Uncertain, PlainValidator(_as_share), _DUMP, WithJsonSchema(uncertain_schema(Kind.SHARE))
]
PositiveValue = Annotated[
    Uncertain,
    PlainValidator(_as_positive),
    _DUMP,
    WithJsonSchema(uncertain_schema(Kind.POSITIVE)),
]
SignedValue = Annotated[
    Uncertain, PlainValidator(_as_signed), _DUMP, WithJsonSchema(uncertain_schema(Kind.SIGNED))
]


# --- age bands and task splits -----------------------------------------------------------------


def age_range(band: str) -> tuple[int, int]:
    """The first and last single year of age of a band: "65-74" -> (65, 74), "85+" -> (85, 100)."""
    found = _BAND.match(band)
    if found is None:
        raise ValueError(f"age band {band!r} is not like '65-74' or '85+'")
    low = int(found.group(1))
    high = 100 if found.group(3) else int(found.group(2))
    return low, high


def _check_band(band: str) -> str:
    low, high = age_range(band)
    if not 0 <= low <= high <= 100:
        raise ValueError(f"age band {band!r} must run upwards within ages 0 to 100")
    return band


AgeBand = Annotated[
    str,
    AfterValidator(_check_band),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _BAND.pattern,
            "description": "Ages 0-100 (100 means 100 and over): '65-74', '85+', '0-17'.",
        }
    ),
]


def _check_split(split: Mapping[str, float]) -> Mapping[str, float]:
    if not split:
        raise ValueError("name at least one task")
    for task, share in split.items():
        if not 0 < share <= 1:
            raise Misplaced(task, "a task's share of the hours must be above 0 and at most 1")
    total = sum(split.values())
    if abs(total - 1.0) > SHARES_TOLERANCE:
        raise ValueError(f"the tasks' shares sum to {total:g}; they must sum to 1")
    return split


TaskSplit = Annotated[dict[str, float], AfterValidator(_check_split)]

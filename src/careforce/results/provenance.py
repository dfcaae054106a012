"""Provenance: what produced a set of results, so that a reader can reproduce or question them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_URL_PASSWORD = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@?#]*):[^@/?#]*@")
_QUERY_PASSWORD = re.compile(r"(?i)([?&](?:password|passwd|pwd)=)[^&#]*")


def redact_database_url(url: str) -> str:
    """The database URL with any password replaced by ``***``.

    >>> redact_database_url("postgresql+psycopg://planner:s3cret@db:5432/careforce")
    'postgresql+psycopg://planner:***@db:5432/careforce'
    """
    redacted = _URL_PASSWORD.sub(lambda m: f"{m.group('head')}:***@", url, count=1)
    return _QUERY_PASSWORD.sub(r"\1***", redacted)


@dataclass(frozen=True, slots=True)
class Provenance:
    """What produced a report: code, inputs (name and SHA-256), seed, census date, database.

    The database URL is stored without its password (it is redacted on construction).
    `parameters` holds any further settings worth printing (name -> value); it is shown as given.
    """

    code_version: str
    generated_at: dt.datetime
    seed: int | None
    census_date: dt.date
    inputs: tuple[tuple[str, str], ...] = ()
    database: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "database", redact_database_url(self.database))
        object.__setattr__(self, "inputs", tuple((str(n), str(h)) for n, h in self.inputs))
        for name, digest in self.inputs:
            if not _SHA256.match(digest):
                raise ValueError(
                    f"input {name!r}: {digest!r} is not a SHA-256 digest (64 lower-case hex digits)"
                )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates as ISO 8601 text)."""
        return {
            "code_version": self.code_version,
            "generated_at": self.generated_at.isoformat(),
            "seed": self.seed,
            "census_date": self.census_date.isoformat(),
            "inputs": [{"name": n, "sha256": h} for n, h in self.inputs],
            "database": self.database,
            "parameters": dict(self.parameters),
        }

"""What an import needs to know beyond the file itself, injected by the caller (no database here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from careforce.domain import UserError

MIN_SECRET_BYTES = 16


@dataclass(frozen=True)
class ImportContext:
    """The installation's secret and the reference data a file is checked against.

    `resolve_identifiers` takes identifier keys (HMAC digests, never raw identifiers) and returns
    the person key already recorded for each one it knows; unknown keys are simply left out.
    `extract_date` is the day the extract was taken: a start date or date of birth after it is a
    problem. None means today.
    """

    secret: bytes
    role_mapping: Mapping[tuple[str, str], str]
    localities: Mapping[str, str]
    organisations: Mapping[str, str]
    resolve_identifiers: Callable[[Sequence[str]], Mapping[str, str]]
    max_problems_listed: int = 200
    extract_date: dt.date | None = None

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_SECRET_BYTES:
            raise UserError(
                f"the pseudonymisation secret must be at least {MIN_SECRET_BYTES} bytes long"
            )
        if self.max_problems_listed < 1:
            raise UserError("max_problems_listed must be at least 1")

    @property
    def as_of(self) -> dt.date:
        """The extract date: dates after it are in the future."""
        return self.extract_date or dt.date.today()

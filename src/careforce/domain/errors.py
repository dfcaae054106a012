"""Errors a user can act on: shown without a traceback, exit code 2."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a user's input, located precisely enough to fix it.

    `row` is the 1-based line number as a spreadsheet shows it (the header is row 1), or None for
    problems with the file as a whole.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.reason}{shown}"


class UserError(Exception):
    """Bad input, bad file or bad option: the message says what to do about it."""


class ValidationFailed(UserError):
    """An input failed validation; every problem found is attached, not just the first."""

    def __init__(self, problems: list[Problem], *, summary: str | None = None) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(
            summary or f"{n} problem{'s' if n != 1 else ''} found; nothing was written"
        )

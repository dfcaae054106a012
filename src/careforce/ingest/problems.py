"""Collecting every problem in a file, as whole frames of rows rather than one row at a time.

Row-level checks add a polars frame (row, column, value, reason) for all the rows a check fails, so
a million-row file with a million bad dates costs one filter, not a million Python objects. Only
the problems that are listed become `Problem` values; the rest are counted.
"""

from __future__ import annotations

import polars as pl

from careforce.domain import Problem, ValidationFailed

ROW = "_row"  # the spreadsheet row number of each record (the header is row 1)

PROBLEM_SCHEMA = {"row": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}


class ImportFailed(ValidationFailed):
    """A file failed validation; also says which role codes had no mapping, if any."""

    def __init__(
        self,
        problems: list[Problem],
        *,
        summary: str,
        total: int,
        unmapped_role_codes: tuple[str, ...] = (),
    ) -> None:
        super().__init__(problems, summary=summary)
        self.total = total
        self.unmapped_role_codes = unmapped_role_codes


def rows_preview_expr(rows: pl.Expr, limit: int = 10) -> pl.Expr:
    """'2, 5, 9' or '2, 5, 9, ...' from a column of lists of row numbers."""
    shown = rows.list.head(limit).cast(pl.List(pl.Utf8)).list.join(", ")
    return pl.when(rows.list.len() > limit).then(shown + ", ...").otherwise(shown)


def other_rows(rows: pl.DataFrame, by: list[str], limit: int = 10) -> pl.DataFrame:
    """For each row of `rows` (ROW and the `by` columns): the other rows of its group.

    Returns ROW, `_others` (the first `limit` other rows, in order) and `_others_text` ('3, 5'
    or '3, 5, ... (1,234 other rows)'). Bounded work however large a group is.
    """
    heads = rows.group_by(by).agg(
        pl.col(ROW).sort().head(limit + 1).alias("_head"),
        (pl.len() - 1).alias("_n_others"),
    )
    pairs = (
        rows.select(ROW, *by)
        .join(heads, on=by)
        .explode("_head")
        .filter(pl.col("_head") != pl.col(ROW))
    )
    out = pairs.group_by(ROW).agg(
        pl.col("_head").sort().head(limit).alias("_others"), pl.col("_n_others").first()
    )
    shown = pl.col("_others").cast(pl.List(pl.Utf8)).list.join(", ")
    text = (
        pl.when(pl.col("_n_others") > limit)
        .then(pl.format("{}, ... ({} other rows)", shown, pl.col("_n_others")))
        .otherwise(shown)
    )
    return out.select(ROW, "_others", text.alias("_others_text"))


class ProblemLog:
    """Every problem found in one file, file-level ones first, then by row."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self._file: list[Problem] = []
        self._frames: list[pl.DataFrame] = []
        self._singles: list[tuple[int, str | None, str | None, str]] = []
        self._count = 0
        self.unmapped_role_codes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self._file) + self._count

    def __bool__(self) -> bool:
        return len(self) > 0

    def add(
        self,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        if row is None:
            self._file.append(Problem(self.file_name, None, column, value, reason))
            return
        self._singles.append((row, column, value, reason))
        self._count += 1

    def add_rows(
        self,
        failing: pl.DataFrame,
        *,
        column: str | None,
        reason: str | pl.Expr,
        value: pl.Expr | None = None,
    ) -> None:
        """One problem for each row of `failing` (which has the ROW column).

        `value` is what to show (None: show nothing, as for identifiers); `reason` may be an
        expression over `failing`'s columns.
        """
        if failing.height == 0:
            return
        reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
        value_expr = pl.lit(None, dtype=pl.Utf8) if value is None else value.cast(pl.Utf8)
        frame = failing.select(
            pl.col(ROW).cast(pl.Int64).alias("row"),
            pl.lit(column, dtype=pl.Utf8).alias("column"),
            value_expr.alias("value"),
            reason_expr.cast(pl.Utf8).alias("reason"),
        )
        self._add_frame(frame)

    def _add_frame(self, frame: pl.DataFrame) -> None:
        self._frames.append(frame.with_columns(pl.lit(len(self._frames)).alias("_seq")))
        self._count += frame.height

    def failure(self, max_listed: int) -> ImportFailed:
        """The exception to raise: the first `max_listed` problems, then one saying how many more."""
        total = len(self)
        listed = list(self._file[:max_listed])
        room = max_listed - len(listed)
        if self._singles:
            singles = pl.DataFrame(self._singles, schema=PROBLEM_SCHEMA, orient="row")
            self._add_frame(singles)
            self._count -= singles.height
            self._singles = []
        rows = pl.DataFrame(schema={**PROBLEM_SCHEMA, "_seq": pl.Int32})
        if self._frames:
            rows = pl.concat(self._frames, how="vertical_relaxed")
            rows = rows.with_columns(pl.int_range(pl.len()).alias("_order"))
            rows = rows.sort(["row", "_seq", "_order"])
        for r in rows.head(max(room, 0)).iter_rows(named=True):
            listed.append(Problem(self.file_name, r["row"], r["column"], r["value"], r["reason"]))
        more = total - len(listed)
        if more > 0:
            listed.append(Problem(self.file_name, None, None, None, self._more(more, rows, room)))
        summary = (
            f"{self.file_name}: {total:,} problem{'s' if total != 1 else ''} found; "
            "nothing was written"
        )
        return ImportFailed(
            listed,
            summary=summary,
            total=total,
            unmapped_role_codes=self.unmapped_role_codes,
        )

    @staticmethod
    def _more(more: int, rows: pl.DataFrame, listed_rows: int) -> str:
        text = f"{more:,} more problem{'s' if more != 1 else ''} not listed"
        rest = rows.slice(max(listed_rows, 0))
        if rest.height == 0:
            return text
        counts = (
            rest.group_by("column")
            .agg(pl.len().alias("n"))
            .sort(["n", "column"], descending=[True, False])
            .head(6)
        )
        parts = [f"{c or 'whole row'}: {n:,}" for c, n in counts.iter_rows()]
        return f"{text} (by column: {'; '.join(parts)})"

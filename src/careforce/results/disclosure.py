"""Disclosure control for published counts of people (METHODS section 9).

Rules, applied to a table of counts together with the totals published beside it:

1. **Primary suppression.** A count of 1 to ``threshold - 1`` people (1 to 4 by default) is shown
   as ``*``. Zero stays zero: it is never suppressed and never chosen to protect another cell.
2. **Secondary suppression.** The table is read as an extended grid, the body plus its published
   margins (a total per row, a total per column and the grand total where both are published).
   Every row and every column of that grid is one equation, "the cells add up to the total". A line
   with exactly one suppressed cell would let that cell be worked out, so the smallest non-zero
   published cell of the line (ties: the first) is suppressed too. This repeats until no line has
   exactly one suppressed cell. A suppressed total counts like any other cell: a line whose total
   is hidden and which holds one other suppressed cell has two unknowns.
3. Values linked to a count (the FTE of the people counted, their hours, a rate over them) are
   hidden wherever the count is hidden (`suppress_linked`, `rate_is_disclosive`).

Totals may be given when they are not the plain sum of the cells: a headcount total counts each
person once even when they hold posts in two columns. Such a total is still treated as the sum
(the conservative reading) and must lie between the largest cell of its line and the line's sum.

With ``totals=False`` nothing is published beside the cells, so only primary suppression applies.
With ``by_rows=True`` and two or more count columns, each row also gets a published total across
its count columns (a column named ``total_label``); with a single count column a row total would
repeat the cell, so none is added.

This is the standard small-cell rule; it does not solve every combination of equations that a
determined reader could set up across several tables, which is why staff-level data never leaves
its organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

SMALL_COUNT_THRESHOLD = 5
SUPPRESSED = "*"


@dataclass(frozen=True, slots=True, eq=False)
class SuppressedTable:
    """A table ready to show, with what was hidden.

    `display` holds the input's columns with each count column as text ("1,234", "0" or "*"),
    plus, when published, a total column (named by `total_label`) and a last row of totals whose
    first label column reads `total_label` (other label columns are null there). `mask` has one
    boolean column per displayed count column (True where hidden), row for row with `display`.
    """

    display: pl.DataFrame
    mask: pl.DataFrame
    primary: int
    secondary: int
    has_total_row: bool
    total_column: str | None

    @property
    def suppressed(self) -> int:
        return self.primary + self.secondary


@dataclass(frozen=True, slots=True)
class SuppressedCounts:
    """A 1-D list of counts after suppression: the cells as text and the published total."""

    cells: tuple[str, ...]
    total: str | None
    mask: tuple[bool, ...]
    total_suppressed: bool


def _lines(n_rows: int, n_cols: int, row_totals: bool, col_totals: bool) -> list[np.ndarray]:
    """Index arrays (into the flattened extended grid) of every published equation."""
    grid = np.arange(n_rows * n_cols).reshape(n_rows, n_cols)
    lines: list[np.ndarray] = []
    if row_totals:
        lines.extend(grid[i, :] for i in range(n_rows))
    if col_totals:
        lines.extend(grid[:, j] for j in range(n_cols))
    return lines


def suppression_mask(
    grid: np.ndarray, *, row_totals: bool, column_totals: bool, threshold: int
) -> tuple[np.ndarray, int, int]:
    """The cells to hide in an extended grid of counts (body plus its published margins).

    `grid` is 2-D and non-negative; when `row_totals` its last column holds each row's total, and
    when `column_totals` its last row holds each column's total. Returns the boolean mask and the
    numbers of cells hidden by the primary and the secondary rule.
    """
    values = np.asarray(grid, dtype=np.int64)
    if values.ndim != 2:
        raise ValueError("a suppression grid must be 2-D")
    if (values < 0).any():
        raise ValueError("counts of people cannot be negative")
    mask = (values >= 1) & (values < threshold)
    primary = int(mask.sum())
    flat_values = values.ravel()
    flat_mask = mask.ravel()
    lines = _lines(values.shape[0], values.shape[1], row_totals, column_totals)
    secondary = 0
    changed = True
    while changed:
        changed = False
        for line in lines:
            if int(flat_mask[line].sum()) != 1:
                continue
            candidates = [i for i in line if not flat_mask[i] and flat_values[i] > 0]
            if not candidates:
                raise ValueError("a total is smaller than the suppressed cell in its line")
            pick = min(candidates, key=lambda i: (flat_values[i], i))
            flat_mask[pick] = True
            secondary += 1
            changed = True
    return flat_mask.reshape(values.shape), primary, secondary


def _check_total(kind: str, total: int, cells: np.ndarray) -> None:
    largest = int(cells.max()) if cells.size else 0
    if not largest <= total <= int(cells.sum()):
        raise ValueError(
            f"{kind} {total} must lie between the largest cell ({largest}) and the sum of its "
            f"cells ({int(cells.sum())})"
        )


def format_count(value: int) -> str:
    """A count of people with thousands separators: 12345 -> '12,345'."""
    return f"{int(value):,}"


def _extended_grid(
    body: np.ndarray,
    *,
    add_row_totals: bool,
    add_column_totals: bool,
    row_totals: Sequence[int] | None,
    column_totals: Sequence[int] | None,
    grand_total: int | None,
) -> np.ndarray:
    n_rows, n_cols = body.shape
    grid = body
    if add_row_totals:
        rt = np.asarray(row_totals if row_totals is not None else body.sum(axis=1), np.int64)
        if rt.shape != (n_rows,):
            raise ValueError(f"row_totals needs {n_rows} values, one per row")
        for i in range(n_rows):
            _check_total(f"row {i + 1} total", int(rt[i]), body[i, :])
        grid = np.column_stack([grid, rt])
    if add_column_totals:
        ct = np.asarray(column_totals if column_totals is not None else body.sum(axis=0), np.int64)
        if ct.shape != (n_cols,):
            raise ValueError(f"column totals need {n_cols} values, one per count column")
        for j in range(n_cols):
            _check_total(f"column {j + 1} total", int(ct[j]), body[:, j])
        last = list(ct)
        if add_row_totals:
            row_sums = grid[:, -1]
            grand = int(grand_total) if grand_total is not None else int(ct.sum())
            _check_total("grand total", grand, ct)
            _check_total("grand total", grand, row_sums)
            last.append(grand)
        grid = np.vstack([grid, np.asarray(last, np.int64)[None, :]])
    return grid


def suppress_table(
    frame: pl.DataFrame,
    count_columns: Sequence[str],
    *,
    by_rows: bool = True,
    totals: bool = True,
    threshold: int = SMALL_COUNT_THRESHOLD,
    column_totals: Mapping[str, int] | None = None,
    row_totals: Sequence[int] | None = None,
    grand_total: int | None = None,
    total_label: str = "Total",
) -> SuppressedTable:
    """Suppress small counts of people in `frame` and everything that would reveal them.

    `count_columns` are the columns holding counts of people (non-negative integers, no nulls);
    every other column is a label and passes through unchanged. `totals` publishes a total per
    count column (a last row); `by_rows` publishes a total per row across the count columns (only
    with two or more). `column_totals`, `row_totals` and `grand_total` replace the plain sums where
    the published totals count people once (see the module notes). `threshold=0` hides nothing.
    """
    counts = list(count_columns)
    missing = [c for c in counts if c not in frame.columns]
    if missing:
        raise ValueError(f"no count column {', '.join(missing)} in the table")
    if frame.select(pl.col(counts).is_null().any()).row(0) != (False,) * len(counts):
        raise ValueError("a count column holds a missing value: use 0 for no people")
    body = frame.select(pl.col(counts).cast(pl.Int64)).to_numpy().reshape(frame.height, len(counts))
    add_row_totals = by_rows and totals and len(counts) > 1
    add_column_totals = totals
    grid = _extended_grid(
        body,
        add_row_totals=add_row_totals,
        add_column_totals=add_column_totals,
        row_totals=row_totals,
        column_totals=[column_totals[c] for c in counts] if column_totals else None,
        grand_total=grand_total,
    )
    mask, primary, secondary = suppression_mask(
        grid,
        row_totals=add_row_totals,
        column_totals=add_column_totals,
        threshold=threshold,
    )
    shown_counts = [*counts, total_label] if add_row_totals else counts
    if add_row_totals and total_label in frame.columns:
        raise ValueError(f"the table already has a column named {total_label!r}")
    text = {
        name: [SUPPRESSED if mask[i, j] else format_count(grid[i, j]) for i in range(grid.shape[0])]
        for j, name in enumerate(shown_counts)
    }
    labels = [c for c in frame.columns if c not in counts]
    label_frame = frame.select(labels)
    if add_column_totals and labels:
        first = labels[0]
        label_frame = label_frame.with_columns(pl.col(first).cast(pl.String))
        total_row = pl.DataFrame(
            {c: [total_label if c == first else None] for c in labels},
            schema=label_frame.schema,
        )
        label_frame = pl.concat([label_frame, total_row])
    count_frame = pl.DataFrame(text, schema=dict.fromkeys(shown_counts, pl.String))
    display = pl.concat([label_frame, count_frame], how="horizontal") if labels else count_frame
    display = display.select([*frame.columns, *([total_label] if add_row_totals else [])])
    mask_frame = pl.DataFrame(
        {name: mask[:, j].tolist() for j, name in enumerate(shown_counts)},
        schema=dict.fromkeys(shown_counts, pl.Boolean),
    )
    return SuppressedTable(
        display=display,
        mask=mask_frame,
        primary=primary,
        secondary=secondary,
        has_total_row=add_column_totals,
        total_column=total_label if add_row_totals else None,
    )


def suppress_counts(
    values: Sequence[int], *, total: bool = True, threshold: int = SMALL_COUNT_THRESHOLD
) -> SuppressedCounts:
    """Suppress a list of counts published with (by default) their total."""
    frame = pl.DataFrame({"count": list(values)}, schema={"count": pl.Int64})
    table = suppress_table(frame, ["count"], by_rows=False, totals=total, threshold=threshold)
    shown = table.display["count"].to_list()
    hidden = table.mask["count"].to_list()
    n = len(values)
    return SuppressedCounts(
        cells=tuple(shown[:n]),
        total=shown[n] if total else None,
        mask=tuple(hidden[:n]),
        total_suppressed=bool(hidden[n]) if total else False,
    )


def suppress_linked(
    table: SuppressedTable,
    count_column: str,
    values: Sequence[float | None],
    *,
    formatter: Callable[[float], str],
    missing: str = "–",
) -> list[str]:
    """Text for values that would reveal the count beside them (FTE, hours, a rate).

    `values` runs row for row with `table.display` (the totals row included): each is shown with
    `formatter`, or as ``*`` where the count in `count_column` of the same row is hidden. A missing
    value shows as `missing`.
    """
    hidden = table.mask[count_column].to_list()
    if len(values) != len(hidden):
        raise ValueError(f"{len(values)} values for a table of {len(hidden)} rows")
    return [
        SUPPRESSED if h else (missing if v is None else formatter(v))
        for v, h in zip(values, hidden, strict=True)
    ]


def rate_is_disclosive(
    numerator: float,
    denominator: float,
    *,
    threshold: int = SMALL_COUNT_THRESHOLD,
    complement: bool = False,
) -> bool:
    """Whether a rate or share over people would reveal a small count.

    It does when its numerator is a small count (1 to threshold - 1), when its denominator is
    below the threshold (but not zero), or, with `complement` (a share of a published headcount),
    when the people outside the share are a small count.
    """
    if threshold <= 0:
        return False
    small = 0 < numerator < threshold or 0 < denominator < threshold
    if complement:
        small = small or 0 < denominator - numerator < threshold
    return bool(small)


def suppress_long_table(
    frame: pl.DataFrame,
    count_columns: Sequence[str],
    *,
    of_column: str | None = None,
    derived_columns: Sequence[str] = (),
    threshold: int = SMALL_COUNT_THRESHOLD,
) -> tuple[pl.DataFrame, int]:
    """A long table (one measure per row) with small counts of people shown as `*`.

    A count of 1 to threshold - 1 is hidden. With `of_column` (the people a count is out of, such
    as the people whose field could be recorded), a count whose complement is small is hidden too,
    since the complement could be worked out. Derived columns (percentages) are hidden on any row
    where a count is. Returns the display table, every cell as text, and the cells hidden. Meant
    for the short tables of a report, so it works row by row.
    """
    present = [c for c in count_columns if c in frame.columns]
    derived = [c for c in derived_columns if c in frame.columns]
    columns: dict[str, list[str]] = {c: [] for c in frame.columns}
    hidden = 0
    for row in frame.iter_rows(named=True):
        hide = {c: _small(row[c], threshold) for c in present}
        if of_column in row:
            for c in present:
                if c != of_column and row[c] is not None and row[of_column] is not None:
                    hide[c] = hide[c] or _small(row[of_column] - row[c], threshold)
        any_hidden = any(hide.values())
        for c in frame.columns:
            if hide.get(c) or (c in derived and any_hidden):
                columns[c].append(SUPPRESSED)
                hidden += 1
            else:
                columns[c].append(_as_text(row[c]))
    return pl.DataFrame(columns, schema={c: pl.Utf8 for c in frame.columns}), hidden


def _small(value: object, threshold: int) -> bool:
    return isinstance(value, int | float) and 0 < value < threshold


def _as_text(value: object) -> str:
    """Counts with thousands separators; other numbers to one decimal place."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)

"""Table views: what the template draws (caption, column headings, rows of text cells, a total row).

The builders here are generic: a count table with a linked measure, a cross-tabulation of counts,
and any polars frame as it comes (for the data quality section). Counts of people go through
`careforce.results.disclosure`; a cell hidden by it reads ``*`` and is marked `suppressed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from careforce.report.format import MISSING, fmt_count, fmt_date
from careforce.report.labels import column_label
from careforce.results.disclosure import (
    SMALL_COUNT_THRESHOLD,
    SUPPRESSED,
    suppress_linked,
    suppress_table,
)

MAX_GENERIC_ROWS = 200


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    numeric: bool = True
    suppressed: bool = False


def cell(text: str, *, numeric: bool = True) -> Cell:
    """A cell; text ``*`` is a suppressed value."""
    return Cell(text, numeric, text == SUPPRESSED)


@dataclass(frozen=True, slots=True)
class RowView:
    key: str  # the code the row stands for (a staff group, a sector, a year)
    label: str
    cells: tuple[Cell, ...]

    @property
    def any_suppressed(self) -> bool:
        return any(c.suppressed for c in self.cells)


@dataclass(frozen=True, slots=True)
class TableView:
    id: str
    caption: str
    columns: tuple[str, ...]  # headings; the first heads the row labels
    rows: tuple[RowView, ...]
    total: RowView | None = None
    note: str | None = None
    primary: int = 0  # cells hidden because they hold 1 to 4 people (or a rate over so few)
    secondary: int = 0  # cells hidden so that a hidden cell cannot be worked out
    # An optional heading row above `columns`: (heading, number of columns it spans), left to
    # right, spanning every column including the row labels' one.
    column_groups: tuple[tuple[str, int], ...] = ()

    def row(self, key: str) -> RowView | None:
        return next((r for r in self.rows if r.key == key), None)

    @property
    def numeric_columns(self) -> tuple[bool, ...]:
        """Per heading: whether the column holds numbers (right-aligned); the label column not."""
        flags = [False]
        for i in range(len(self.columns) - 1):
            flags.append(all(r.cells[i].numeric for r in self.rows if i < len(r.cells)))
        return tuple(flags)


def suppression_note(primary: int, secondary: int, threshold: int = SMALL_COUNT_THRESHOLD) -> str:
    """A sentence saying how many cells were hidden and why ('' when none)."""
    if primary + secondary == 0:
        return ""
    first = f"{primary} value{'s' if primary != 1 else ''} shown as * "
    first += f"{'involve' if primary != 1 else 'involves'} 1 to {threshold - 1} people"
    if not secondary:
        return first + "."
    verb = "is" if secondary == 1 else "are"
    return (
        f"{first}; {secondary} more {verb} hidden so that those values cannot be worked out "
        "from the totals."
    )


def table_note(
    primary: int, secondary: int, threshold: int, extra: str | None = None
) -> str | None:
    parts = [p for p in (suppression_note(primary, secondary, threshold), extra) if p]
    return " ".join(parts) or None


def count_measure_table(
    *,
    table_id: str,
    caption: str,
    frame: pl.DataFrame,
    key: str,
    key_heading: str,
    labeller: Callable[[str], str],
    total_count: int,
    total_measure: float,
    count: str = "headcount",
    count_heading: str = "Headcount",
    measure: str = "fte",
    measure_heading: str = "FTE",
    measure_format: Callable[[float], str],
    threshold: int,
    total_label: str = "Total",
    extra_note: str | None = None,
) -> TableView:
    """Rows of (key, count of people, a measure of them such as FTE), with a total row.

    The total count is given (people once); the measure is hidden wherever its count is.
    `extra_note` is added to the table's note when something was hidden.
    """
    table = suppress_table(
        frame.select(key, count),
        [count],
        by_rows=False,
        totals=True,
        threshold=threshold,
        column_totals={count: int(total_count)},
        total_label=total_label,
    )
    counts = table.display[count].to_list()
    measures = suppress_linked(
        table, count, [*frame[measure].to_list(), total_measure], formatter=measure_format
    )
    keys = [str(k) for k in frame[key].to_list()]
    rows = tuple(
        RowView(k, labeller(k), (cell(c), cell(m)))
        for k, c, m in zip(keys, counts[:-1], measures[:-1], strict=True)
    )
    total = RowView("total", total_label, (cell(counts[-1]), cell(measures[-1])))
    return TableView(
        id=table_id,
        caption=caption,
        columns=(key_heading, count_heading, measure_heading),
        rows=rows,
        total=total,
        note=table_note(
            table.primary, table.secondary, threshold, extra_note if table.suppressed else None
        ),
        primary=table.primary,
        secondary=table.secondary,
    )


def crosstab_table(
    *,
    table_id: str,
    caption: str,
    long: pl.DataFrame,
    row_key: str,
    column_key: str,
    column_order: Sequence[str],
    row_labeller: Callable[[str], str],
    column_labeller: Callable[[str], str],
    row_heading: str,
    row_totals: Mapping[str, int],
    column_totals: Mapping[str, int],
    grand_total: int,
    threshold: int,
    value: str = "headcount",
    drop_empty_columns: bool = True,
) -> TableView:
    """A cross-tabulation of counts of people with published row, column and grand totals."""
    rows_in_order = [str(k) for k in long[row_key].unique(maintain_order=True).to_list()]
    present = set(long[column_key].cast(pl.String).to_list())
    columns = [c for c in column_order if c in present]
    if drop_empty_columns:
        columns = [c for c in columns if column_totals.get(c, 0) > 0]
    if not rows_in_order or not columns:
        return TableView(table_id, caption, (row_heading, "Total"), (), None, "No staff to show.")
    wide = (
        long.with_columns(pl.col(column_key).cast(pl.String))
        .pivot(on=column_key, index=row_key, values=value, aggregate_function="sum")
        .with_columns(pl.col(row_key).cast(pl.String))
    )
    for c in columns:
        if c not in wide.columns:
            wide = wide.with_columns(pl.lit(0, dtype=pl.Int64).alias(c))
    wide = wide.select(row_key, *columns).with_columns(pl.col(columns).fill_null(0))
    wide = pl.DataFrame({row_key: rows_in_order}).join(wide, on=row_key, how="left")
    wide = wide.with_columns(pl.col(columns).fill_null(0))
    table = suppress_table(
        wide,
        columns,
        by_rows=True,
        totals=True,
        threshold=threshold,
        column_totals={c: int(column_totals[c]) for c in columns},
        row_totals=[int(row_totals[k]) for k in rows_in_order],
        grand_total=int(grand_total),
        total_label="Total",
    )
    shown = [*columns, *([table.total_column] if table.total_column else [])]
    records = table.display.select(shown).rows()
    rows = tuple(
        RowView(k, row_labeller(k), tuple(cell(v) for v in record))
        for k, record in zip(rows_in_order, records[:-1], strict=True)
    )
    total = RowView("total", "Total", tuple(cell(v) for v in records[-1]))
    headings = [column_labeller(c) for c in columns]
    if table.total_column:
        headings.append("Total")
    return TableView(
        id=table_id,
        caption=caption,
        columns=(row_heading, *headings),
        rows=rows,
        total=total,
        note=table_note(table.primary, table.secondary, threshold),
        primary=table.primary,
        secondary=table.secondary,
    )


def _generic_text(value: object) -> tuple[str, bool]:
    if value is None:
        return MISSING, False
    if isinstance(value, bool):
        return ("Yes" if value else "No"), False
    if isinstance(value, int):
        return fmt_count(value), True
    if isinstance(value, float):
        return (f"{value:,.2f}" if value == value else MISSING), True
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes"), False
    if isinstance(value, dt.date):
        return fmt_date(value), False
    return str(value), False


def generic_table(table_id: str, caption: str, frame: pl.DataFrame) -> TableView:
    """Any frame as it comes: its first column heads the rows; at most 200 rows are shown."""
    if frame.width == 0:
        return TableView(table_id, caption, ("",), (), None, "Nothing to show.")
    shown = frame.head(MAX_GENERIC_ROWS)
    rows = []
    for i, record in enumerate(shown.rows()):
        label, _ = _generic_text(record[0])
        cells = []
        for value in record[1:]:
            text, numeric = _generic_text(value)
            cells.append(Cell(text, numeric, False))
        rows.append(RowView(str(i), label, tuple(cells)))
    note = None
    if frame.height > MAX_GENERIC_ROWS:
        note = f"The first {MAX_GENERIC_ROWS} of {frame.height:,} rows are shown."
    elif frame.height == 0:
        note = "No rows: nothing to report."
    return TableView(
        id=table_id,
        caption=caption,
        columns=tuple(column_label(c) for c in frame.columns),
        rows=tuple(rows),
        note=note,
    )

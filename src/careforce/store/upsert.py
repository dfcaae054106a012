"""Upsert of a polars frame into one table on its natural key, counting what was added and changed.

Two routes, each the fastest measured for its database (benchmarks/store_apply.py):
- SQLite (embedded, in-process): one pass of executemany of `INSERT ... ON CONFLICT DO UPDATE
  ... WHERE the values differ`, sorted by key, in batches. The database counts the rows it wrote,
  and the growth of the table tells added from changed.
- PostgreSQL (a server, where each round trip costs): COPY the frame into a temporary table, then
  two set-based statements: insert the rows whose key is new, update the rows whose values differ.
Either way no per-row Python object outlives its batch, and identical rows are never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from careforce.store.database import driver_connection
from careforce.store.frames import data_columns, natural_key, polars_type

LOAD_BATCH_ROWS = 50_000  # rows turned into Python values at a time: bounds memory on big files


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """Rows added, changed and left as they were; totals, and per table in `by_table`."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    by_table: dict[str, ApplyResult] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.added + self.changed + self.unchanged

    def __add__(self, other: ApplyResult) -> ApplyResult:
        return ApplyResult(
            self.added + other.added,
            self.changed + other.changed,
            self.unchanged + other.unchanged,
            {**self.by_table, **other.by_table},
        )


def conform(table: sa.Table, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with exactly the table's data columns, in table order and with its types.

    A missing or extra column, a type that cannot be cast, or a repeated natural key is a defect
    of the caller (ingest validates user files before this), so it raises ValueError.
    """
    expected = {c.name: polars_type(c.type) for c in data_columns(table)}
    missing = sorted(set(expected) - set(frame.columns))
    extra = sorted(set(frame.columns) - set(expected))
    if missing or extra:
        raise ValueError(f"frame for table {table.name}: missing columns {missing}, extra {extra}")
    try:
        conformed = frame.select(pl.col(n).cast(t, strict=True) for n, t in expected.items())
    except pl.exceptions.PolarsError as error:
        raise ValueError(f"frame for table {table.name}: {error}") from error
    key = list(natural_key(table))
    repeated = conformed.filter(conformed.select(key).is_duplicated())
    if repeated.height:
        first = repeated.row(0, named=True)
        shown = ", ".join(f"{k}={first[k]!r}" for k in key)
        raise ValueError(
            f"frame for table {table.name} repeats the key ({shown}) {repeated.height} times"
        )
    return conformed


def upsert(
    connection: sa.Connection,
    table: sa.Table,
    frame: pl.DataFrame,
    *,
    keep_known_values: bool = False,
) -> ApplyResult:
    """Insert new rows and update differing ones; identical rows are not written.

    With `keep_known_values`, a null in the frame never replaces a stored value (COALESCE): a
    source that lacks a field says nothing about it.
    """
    frame = conform(table, frame)
    if frame.is_empty():
        return ApplyResult(by_table={table.name: ApplyResult()})
    if connection.dialect.name == "postgresql":
        added, changed = _upsert_staged(connection, table, frame, keep_known_values)
    else:
        added, changed = _upsert_rows(connection, table, frame, keep_known_values)
    counts = ApplyResult(added, changed, frame.height - added - changed)
    return ApplyResult(counts.added, counts.changed, counts.unchanged, {table.name: counts})


def _changes(
    table: sa.Table, incoming: sa.ColumnCollection[str, Any], keep_known_values: bool
) -> tuple[dict[str, sa.ColumnElement[Any]], sa.ColumnElement[bool]]:
    """The new value of each non-key column, and the condition that any of them differs."""
    key = natural_key(table)
    names = [c.name for c in data_columns(table) if c.name not in key]
    if keep_known_values:
        values: dict[str, sa.ColumnElement[Any]] = {
            n: sa.func.coalesce(incoming[n], table.c[n]) for n in names
        }
        differs = [
            sa.and_(incoming[n].is_not(None), table.c[n].is_distinct_from(incoming[n]))
            for n in names
        ]
    else:
        values = {n: incoming[n] for n in names}
        differs = [table.c[n].is_distinct_from(incoming[n]) for n in names]
    return values, sa.or_(*differs)


# SQLite -------------------------------------------------------------------------------------


def _upsert_rows(
    connection: sa.Connection, table: sa.Table, frame: pl.DataFrame, keep_known_values: bool
) -> tuple[int, int]:
    key = list(natural_key(table))
    statement = sqlite.insert(table).values({n: sa.bindparam(n) for n in frame.columns})
    values, differs = _changes(table, statement.excluded, keep_known_values)
    if values:
        statement = statement.on_conflict_do_update(index_elements=key, set_=values, where=differs)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=key)
    compiled = statement.compile(dialect=connection.dialect)
    order = list(compiled.positiontup or ())
    if sorted(order) != sorted(frame.columns):  # pragma: no cover - guards the compiler's output
        raise RuntimeError(f"unexpected parameters {order} for table {table.name}")
    rows = _parents_first(table, frame.sort(key)).select(order)
    as_text = [pl.col(n).dt.strftime("%Y-%m-%d") for n, t in rows.schema.items() if t == pl.Date]
    before = _count(connection, table)
    driver_error = connection.dialect.loaded_dbapi.Error
    cursor = driver_connection(connection).cursor()
    written = 0
    try:
        for batch in rows.iter_slices(LOAD_BATCH_ROWS):
            cursor.executemany(str(compiled), batch.with_columns(as_text).rows())
            written += cursor.rowcount
    except driver_error as error:  # raised as SQLAlchemy raises it everywhere else
        raise sa.exc.DBAPIError.instance(str(compiled), None, error, driver_error) from error
    finally:
        cursor.close()
    added = _count(connection, table) - before
    return added, written - added


def _count(connection: sa.Connection, table: sa.Table) -> int:
    return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _parents_first(table: sa.Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows that other rows of the same table refer to come first (localities: nation, then
    region, then area), since SQLite checks each row's foreign keys as it is written."""
    inward = [fk for fk in table.foreign_keys if fk.column.table is table]
    if not inward or frame.height < 2:
        return frame
    child, parent = inward[0].parent.name, inward[0].column.name
    parent_of = dict(zip(frame[parent].to_list(), frame[child].to_list(), strict=True))
    depths = []
    for start in frame[parent].to_list():
        depth, at = 0, parent_of.get(start)
        while at in parent_of and depth <= len(parent_of):  # the bound stops at a cycle
            depth, at = depth + 1, parent_of[at]
        depths.append(depth)
    return frame.with_columns(pl.Series("_depth", depths)).sort("_depth").drop("_depth")


# PostgreSQL ---------------------------------------------------------------------------------


def _upsert_staged(
    connection: sa.Connection, table: sa.Table, frame: pl.DataFrame, keep_known_values: bool
) -> tuple[int, int]:
    stage = sa.Table(
        f"careforce_stage_{table.name}",
        sa.MetaData(),
        *(sa.Column(c.name, c.type) for c in data_columns(table)),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS pg_temp.{stage.name}")
    stage.create(connection)
    _copy_into(connection, stage, frame)
    same_key = sa.and_(*(table.c[k] == stage.c[k] for k in natural_key(table)))
    names = [c.name for c in stage.columns]
    new_rows = sa.select(*stage.columns).where(~sa.exists().where(same_key))
    # New rows first: an updated row may refer to a row that is new in this same frame.
    added = _rowcount(connection, sa.insert(table).from_select(names, new_rows))
    values, differs = _changes(table, stage.c, keep_known_values)
    changed = 0
    if values:
        update = sa.update(table).values(values).where(same_key, differs)
        changed = _rowcount(connection, update)
    connection.exec_driver_sql(f"DROP TABLE pg_temp.{stage.name}")
    return added, changed


def _rowcount(connection: sa.Connection, statement: sa.Executable) -> int:
    """Rows the statement wrote, as the database counted them."""
    result = connection.execute(statement.execution_options(preserve_rowcount=True))
    return int(result.rowcount)


def _copy_into(connection: sa.Connection, stage: sa.Table, frame: pl.DataFrame) -> None:
    """COPY from CSV written by polars (an unquoted empty field is NULL, a quoted one an empty
    string), then ANALYZE so that the planner knows the stage's size."""
    names = ", ".join(frame.columns)
    with driver_connection(connection).cursor() as cursor:
        with cursor.copy(f"COPY {stage.name} ({names}) FROM STDIN (FORMAT csv)") as copy:
            for batch in frame.iter_slices(LOAD_BATCH_ROWS * 4):
                copy.write(batch.write_csv(include_header=False))
        cursor.execute(f"ANALYZE {stage.name}")

"""Polars schemas derived from the tables, and query results read into typed frames.

The polars types come from tables.py so the two cannot drift: every frame the store hands out has
the same columns and types whether it holds a million rows or none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
import sqlalchemy as sa

from careforce.store.database import driver_connection

SURROGATE_KEY = "id"
READ_BATCH_ROWS = 50_000  # driver tuples alive at a time while reading


def polars_type(column_type: sa.types.TypeEngine[object]) -> pl.DataType:
    """The polars type a value of this column reads into."""
    if isinstance(column_type, sa.Boolean):
        return pl.Boolean()
    if isinstance(column_type, sa.DateTime):
        return pl.Datetime("us", "UTC") if column_type.timezone else pl.Datetime("us")
    if isinstance(column_type, sa.Date):
        return pl.Date()
    if isinstance(column_type, sa.Float):
        return pl.Float64()
    if isinstance(column_type, sa.Integer):
        return pl.Int64()
    if isinstance(column_type, sa.String):
        return pl.String()
    raise TypeError(f"no polars type for the column type {column_type!r}")


def data_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """The columns that carry information: all but a surrogate `id`."""
    return [c for c in table.columns if not (c.name == SURROGATE_KEY and c.primary_key)]


def natural_key(table: sa.Table) -> tuple[str, ...]:
    """The columns that identify a row in the world: the primary key, or the unique constraint
    of a table whose primary key is a surrogate `id`."""
    primary = tuple(c.name for c in table.primary_key.columns)
    if primary != (SURROGATE_KEY,):
        return primary
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            return tuple(c.name for c in constraint.columns)
    raise ValueError(f"table {table.name} has no natural key")


def schema_of(columns: Iterable[sa.ColumnElement[Any]]) -> dict[str, pl.DataType]:
    """Name -> polars type for labelled columns of a select."""
    out: dict[str, pl.DataType] = {}
    for column in columns:
        name = column.key
        if not isinstance(name, str):
            raise TypeError(f"unnamed column {column!r}")
        out[name] = polars_type(column.type)
    return out


def read_frame(connection: sa.Connection, statement: sa.Select[*tuple[Any, ...]]) -> pl.DataFrame:
    """Run a select and return its rows as a frame typed from the selected columns.

    Rows are fetched as plain driver tuples in batches, each batch turned into a frame at once:
    SQLAlchemy row objects and value-by-value type conversion would cost several times more on
    large reads. SQLite returns dates as text and booleans as integers; whole columns are
    converted in polars afterwards.
    """
    schema = schema_of(statement.selected_columns)
    transport = _transport_schema(schema) if connection.dialect.name == "sqlite" else schema
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = driver_connection(connection).cursor()
    try:
        cursor.execute(sql)
        parts = []
        while batch := cursor.fetchmany(READ_BATCH_ROWS):
            parts.append(pl.DataFrame(batch, schema=transport, orient="row"))
    finally:
        cursor.close()
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=transport)
    return _from_transport(frame, schema) if transport is not schema else frame


def _transport_schema(schema: Mapping[str, pl.DataType]) -> dict[str, pl.DataType]:
    out: dict[str, pl.DataType] = {}
    for name, dtype in schema.items():
        if isinstance(dtype, pl.Date | pl.Datetime):
            out[name] = pl.String()
        elif isinstance(dtype, pl.Boolean):
            out[name] = pl.Int64()
        else:
            out[name] = dtype
    return out


def _from_transport(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    expressions: list[pl.Expr] = []
    for name, dtype in schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Date):
            expressions.append(column.str.to_date("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" without a zone; the store writes UTC.
            parsed = column.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us")
            expressions.append(
                parsed.dt.replace_time_zone(dtype.time_zone) if dtype.time_zone else parsed
            )
        elif isinstance(dtype, pl.Boolean):
            expressions.append(column.cast(pl.Boolean))
        else:
            expressions.append(column)
    return frame.select(expressions)

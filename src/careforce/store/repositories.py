"""Repositories that write and look up: reference lists, staff records, the import log, and
the scenario runs with their results.

Each works on the unit of work's connection and never commits: the unit of work decides.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import polars as pl
import sqlalchemy as sa

from careforce.store import tables as t
from careforce.store.database import driver_connection
from careforce.store.frames import read_frame
from careforce.store.upsert import ApplyResult, upsert

LOOKUP_CHUNK = 10_000  # keys per IN list on SQLite (or fewer where its build allows fewer)
_IDENTIFIER_QUERY = "SELECT identifier_key, person_key FROM person_identifiers WHERE identifier_key"

# Apply order: parents before children, as the foreign keys require.
APPLY_ORDER: tuple[sa.Table, ...] = tuple(
    table
    for table in t.metadata.sorted_tables
    if table is not t.imports and table not in t.RESULT_TABLES
)
_TABLES = {table.name: table for table in APPLY_ORDER}


class ReferenceRepository:
    """The lists an import is checked against: places, organisations, role code mappings."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def localities(self) -> dict[str, str]:
        """Locality code -> level."""
        rows = self._connection.execute(sa.select(t.localities.c.code, t.localities.c.level))
        return {code: level for code, level in rows}

    def organisations(self) -> dict[str, str]:
        """Organisation code -> sector."""
        query = sa.select(t.organisations.c.code, t.organisations.c.sector)
        return {code: sector for code, sector in self._connection.execute(query)}

    def role_mappings(self) -> dict[tuple[str, str], str]:
        """(scheme, SOURCE CODE in upper case) -> framework role id, as users extended them."""
        c = t.role_mappings.c
        rows = self._connection.execute(sa.select(c.scheme, c.source_code, c.role_id))
        return {(scheme, code.upper()): role for scheme, code, role in rows}


class StaffRepository:
    """Staff records: who is who (identifiers), and the upsert of a validated import."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def resolve_identifiers(self, identifier_keys: Sequence[str]) -> dict[str, str]:
        """Identifier key -> person key, for the keys already known (unknown keys are absent).

        Looked up in chunks through the driver (IN lists on SQLite, an array on PostgreSQL):
        each chunk is a few thousand index probes, so a million keys take seconds.
        """
        keys = sorted(set(identifier_keys))
        driver = driver_connection(self._connection)
        found: dict[str, str] = {}
        cursor = driver.cursor()
        try:
            if self._connection.dialect.name == "postgresql":
                sql = _IDENTIFIER_QUERY + " = ANY(%s)"
                for chunk in _chunks(keys, 100_000):
                    cursor.execute(sql, (chunk,))
                    found.update(cursor.fetchall())
            else:
                size = min(LOOKUP_CHUNK, driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
                for chunk in _chunks(keys, size):
                    cursor.execute(f"{_IDENTIFIER_QUERY} IN ({', '.join('?' * len(chunk))})", chunk)
                    found.update(cursor.fetchall())
        finally:
            cursor.close()
        return found

    def apply(self, frames: Mapping[str, pl.DataFrame]) -> ApplyResult:
        """Upsert validated frames (table name -> rows with the table's columns but `id`).

        Tables are written parents first. Rows are matched on their natural key: new rows are
        inserted, differing rows updated, identical rows left alone, so applying the same frames
        twice changes nothing. For persons a null never replaces a known value, because one
        employer's file may lack the equality fields that another's gave.
        """
        unknown = sorted(set(frames) - set(_TABLES))
        if unknown:
            raise ValueError(f"no table to apply {unknown} to; tables are {sorted(_TABLES)}")
        result = ApplyResult()
        for table in APPLY_ORDER:
            if table.name in frames:
                result += upsert(
                    self._connection,
                    table,
                    frames[table.name],
                    keep_known_values=table is t.persons,
                )
        return result

    def merge_persons(self, merges: Sequence[tuple[str, str]]) -> int:
        """Fold each old person key into the new one: a file showed they are one person.

        Posts, records and identifiers move to the new key (a record the new key already holds is
        kept once), the new person's blank fields take the old person's values, and the old person
        goes. Returns the number of people merged.
        """
        pairs = [{"old": old, "new": new} for old, new in dict(merges).items() if old != new]
        if not pairs:
            return 0
        conn = self._connection
        for table, natural in (
            (t.training_records, ("competency", "achieved_on")),
            (t.statutory_approvals, ("kind", "approved_on")),
        ):
            twin = table.alias("twin")
            clash = sa.exists().where(
                twin.c.person_key == sa.bindparam("new"),
                *(twin.c[col] == table.c[col] for col in natural),
            )
            conn.execute(
                sa.delete(table).where(table.c.person_key == sa.bindparam("old"), clash), pairs
            )
        for table in (
            t.posts,
            t.volunteers,
            t.training_records,
            t.statutory_approvals,
            t.person_identifiers,
        ):
            conn.execute(
                sa.update(table)
                .where(table.c.person_key == sa.bindparam("old"))
                .values(person_key=sa.bindparam("new")),
                pairs,
            )
        people = t.persons
        fields = [c.name for c in people.columns if c.name != "person_key"]
        old_person = people.alias("old_person")
        conn.execute(
            sa.update(people)
            .where(people.c.person_key == sa.bindparam("new"))
            .values(
                {
                    name: sa.func.coalesce(
                        people.c[name],
                        sa.select(old_person.c[name])
                        .where(old_person.c.person_key == sa.bindparam("old"))
                        .scalar_subquery(),
                    )
                    for name in fields
                }
            ),
            pairs,
        )
        conn.execute(sa.delete(people).where(people.c.person_key == sa.bindparam("old")), pairs)
        return len(pairs)


class ImportRepository:
    """The log of imports: what file, when, with which code, and what it changed."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def record(
        self,
        kind: str,
        file_name: str,
        file_sha256: str,
        rows: int,
        rows_added: int,
        rows_changed: int,
        code_version: str,
    ) -> None:
        self._connection.execute(
            sa.insert(t.imports).values(
                kind=kind,
                file_name=file_name,
                file_sha256=file_sha256,
                rows=rows,
                rows_added=rows_added,
                rows_changed=rows_changed,
                imported_at=dt.datetime.now(dt.UTC),
                code_version=code_version,
            )
        )

    def list(self) -> pl.DataFrame:
        """Every import, oldest first; `imported_at` in UTC."""
        return read_frame(self._connection, sa.select(*t.imports.columns).order_by(t.imports.c.id))


RESULT_COLUMNS = tuple(c.name for c in t.scenario_result.columns if c.name not in ("id", "run_id"))
RESULT_SCHEMA = pl.Schema(
    {
        "table_name": pl.String(),
        "year": pl.Int64(),
        "key": pl.String(),
        "measure": pl.String(),
        **{name: pl.Float64() for name in ("central", "q5", "q25", "q50", "q75", "q95")},
    }
)


class ScenarioRunRepository:
    """Scenario runs (what was run: the resolved scenario, code, seed, provenance) and their
    results in long form (table, year, key, measure, central and quantiles)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add(
        self,
        *,
        name: str,
        scenario_file: str,
        scenario: Mapping[str, Any],
        scenario_sha256: str,
        code_version: str,
        seed: int,
        runs: int,
        census_date: dt.date,
        provenance: Mapping[str, Any],
        results: pl.DataFrame,
        created_at: dt.datetime | None = None,
    ) -> int:
        """Record a run and its results (columns `RESULT_COLUMNS`); returns the run's id."""
        missing = sorted(set(RESULT_COLUMNS) - set(results.columns))
        if missing:
            raise ValueError(f"results lack the columns {missing}")
        inserted = self._connection.execute(
            sa.insert(t.scenario_run).values(
                name=name,
                scenario_file=scenario_file,
                scenario_json=json.dumps(scenario, sort_keys=True, default=str),
                scenario_sha256=scenario_sha256,
                code_version=code_version,
                seed=seed,
                runs=runs,
                census_date=census_date,
                created_at=created_at or dt.datetime.now(dt.UTC),
                provenance_json=json.dumps(provenance, sort_keys=True, default=str),
            )
        )
        key = inserted.inserted_primary_key
        if key is None:  # pragma: no cover - an insert of one row always reports its key
            raise RuntimeError("the database gave no id for the scenario run")
        run_id = int(key[0])
        rows = [
            {**row, "run_id": run_id}
            for row in results.select(RESULT_COLUMNS).cast(RESULT_SCHEMA).iter_rows(named=True)
        ]
        if rows:
            self._connection.execute(sa.insert(t.scenario_result), rows)
        return run_id

    def runs(self) -> pl.DataFrame:
        """Every recorded run, oldest first (without the scenario content and provenance)."""
        c = t.scenario_run.c
        query = sa.select(
            c.id, c.name, c.scenario_file, c.scenario_sha256, c.code_version, c.seed, c.runs,
            c.census_date, c.created_at,
        ).order_by(c.id)  # fmt: skip
        return read_frame(self._connection, query)

    def run(self, run_id: int) -> dict[str, Any] | None:
        """One run's record with its scenario and provenance as read from JSON; None if absent."""
        row = (
            self._connection.execute(sa.select(t.scenario_run).where(t.scenario_run.c.id == run_id))
            .mappings()
            .first()
        )
        if row is None:
            return None
        out = dict(row)
        out["scenario"] = json.loads(out.pop("scenario_json"))
        out["provenance"] = json.loads(out.pop("provenance_json"))
        return out

    def results(self, run_id: int, table_name: str | None = None) -> pl.DataFrame:
        """A run's results (one table's when named), in the order they were written."""
        c = t.scenario_result.c
        query = sa.select(*(c[name] for name in RESULT_COLUMNS)).where(c.run_id == run_id)
        if table_name is not None:
            query = query.where(c.table_name == table_name)
        rows = self._connection.execute(query.order_by(c.id)).all()
        return pl.DataFrame([tuple(row) for row in rows], schema=RESULT_SCHEMA, orient="row")


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])

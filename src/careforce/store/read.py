"""Read-only frames for reports and engines: typed, in a stable order, and never ORM objects.

Surrogate `id` columns are left out (they mean nothing outside the database), except the import
number in `imports()`.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import sqlalchemy as sa

from careforce.store import tables as t
from careforce.store.frames import data_columns, natural_key, read_frame

PERSON_COLUMNS = (
    "year_of_birth",
    "age_band",
    "sex",
    "ethnicity",
    "disability",
    "welsh_language_level",
    "nationality",
    "international_recruit",
)


class ReadRepository:
    """One method per frame, read on the unit of work's connection and in its transaction."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def posts_with_people(self) -> pl.DataFrame:
        """Every post (all its columns but `id`), with the holder's person columns and the
        organisation's `sector` and `organisation_name`, ordered by organisation and post.

        Each table is read on its own and joined in polars: scans are several times faster than
        a join in SQLite, which looks up the person of each post one at a time.
        """
        posts = self._table(t.posts)
        organisations = read_frame(
            self._connection,
            sa.select(
                t.organisations.c.code.label("organisation_code"),
                t.organisations.c.sector,
                t.organisations.c.name.label("organisation_name"),
            ),
        )
        return posts.join(self._people(), on="person_key", how="left", maintain_order="left").join(
            organisations, on="organisation_code", how="left", maintain_order="left"
        )

    def volunteers(self) -> pl.DataFrame:
        """Every volunteer placement (all columns but `id`), with the person columns."""
        volunteers = self._table(t.volunteers)
        return volunteers.join(self._people(), on="person_key", how="left", maintain_order="left")

    def vacancies(self) -> pl.DataFrame:
        return self._table(t.vacancies)

    def organisations(self) -> pl.DataFrame:
        return self._table(t.organisations)

    def localities(self) -> pl.DataFrame:
        return self._table(t.localities)

    def training_records(self) -> pl.DataFrame:
        return self._table(t.training_records)

    def statutory_approvals(self) -> pl.DataFrame:
        return self._table(t.statutory_approvals)

    def role_mappings(self) -> pl.DataFrame:
        return self._table(t.role_mappings)

    def imports(self) -> pl.DataFrame:
        """The import log, oldest first, with its import number `id`."""
        query = sa.select(*t.imports.columns).order_by(t.imports.c.id)
        return read_frame(self._connection, query)

    def _people(self) -> pl.DataFrame:
        columns = (t.persons.c.person_key, *(t.persons.c[name] for name in PERSON_COLUMNS))
        return read_frame(self._connection, sa.select(*columns))

    def _table(self, table: sa.Table) -> pl.DataFrame:
        """All data columns in natural-key order: byte order on both databases (PostgreSQL would
        otherwise sort text by the server's locale), so the same data gives the same frame."""
        order: list[sa.ColumnElement[Any]] = [table.c[name] for name in natural_key(table)]
        if self._connection.dialect.name == "postgresql":
            order = [c.collate("C") if isinstance(c.type, sa.String) else c for c in order]
        query = sa.select(*data_columns(table)).order_by(*order)
        return read_frame(self._connection, query)

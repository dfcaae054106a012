"""What an import produces: typed frames shaped exactly like the store's tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

Schema = dict[str, pl.DataType]

# The store's tables (careforce.store.tables) as polars schemas, without autoincrement ids.
# A unit test checks that the two agree column for column.
TABLE_SCHEMAS: dict[str, Schema] = {
    "localities": {
        "code": pl.Utf8(),
        "name": pl.Utf8(),
        "level": pl.Utf8(),
        "parent_code": pl.Utf8(),
    },
    "organisations": {
        "code": pl.Utf8(),
        "name": pl.Utf8(),
        "sector": pl.Utf8(),
        "locality_code": pl.Utf8(),
    },
    "role_mappings": {
        "scheme": pl.Utf8(),
        "source_code": pl.Utf8(),
        "role_id": pl.Utf8(),
        "note": pl.Utf8(),
    },
    "persons": {
        "person_key": pl.Utf8(),
        "year_of_birth": pl.Int64(),
        "age_band": pl.Utf8(),
        "sex": pl.Utf8(),
        "ethnicity": pl.Utf8(),
        "disability": pl.Utf8(),
        "welsh_language_level": pl.Int64(),
        "nationality": pl.Utf8(),
        "international_recruit": pl.Boolean(),
    },
    "person_identifiers": {"identifier_key": pl.Utf8(), "person_key": pl.Utf8()},
    "posts": {
        "organisation_code": pl.Utf8(),
        "post_ref": pl.Utf8(),
        "person_key": pl.Utf8(),
        "locality_code": pl.Utf8(),
        "role_id": pl.Utf8(),
        "source_role_code": pl.Utf8(),
        "setting": pl.Utf8(),
        "contract_type": pl.Utf8(),
        "pay_band": pl.Utf8(),
        "hourly_rate_gbp": pl.Float64(),
        "contracted_hours_per_week": pl.Float64(),
        "fte": pl.Float64(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
        "leaving_reason": pl.Utf8(),
        "source_kind": pl.Utf8(),
    },
    "vacancies": {
        "organisation_code": pl.Utf8(),
        "vacancy_ref": pl.Utf8(),
        "role_id": pl.Utf8(),
        "locality_code": pl.Utf8(),
        "fte": pl.Float64(),
        "since": pl.Date(),
    },
    "training_records": {
        "person_key": pl.Utf8(),
        "competency": pl.Utf8(),
        "achieved_on": pl.Date(),
        "expires_on": pl.Date(),
        "signed_off_by_role": pl.Utf8(),
    },
    "statutory_approvals": {
        "person_key": pl.Utf8(),
        "kind": pl.Utf8(),
        "approved_on": pl.Date(),
        "expires_on": pl.Date(),
        "approving_body": pl.Utf8(),
    },
    "volunteers": {
        "organisation_code": pl.Utf8(),
        "volunteer_ref": pl.Utf8(),
        "person_key": pl.Utf8(),
        "locality_code": pl.Utf8(),
        "role_id": pl.Utf8(),
        "hours_per_week": pl.Float64(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
    },
}

# Which tables each kind of file writes, in load order (parents before children).
KIND_TABLES: dict[str, tuple[str, ...]] = {
    "localities": ("localities",),
    "organisations": ("organisations",),
    "role_mapping": ("role_mappings",),
    "esr": ("persons", "person_identifiers", "posts"),
    "social_care": ("persons", "person_identifiers", "posts"),
    "volunteer": ("persons", "person_identifiers", "posts", "volunteers"),
    "vacancies": ("vacancies",),
    "training": ("training_records",),
    "approvals": ("statutory_approvals",),
}


def shaped(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with exactly `table`'s columns, in order, each of its type."""
    schema = TABLE_SCHEMAS[table]
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=TABLE_SCHEMAS[table])


@dataclass(frozen=True)
class ImportBatch:
    """A validated, pseudonymised file, ready for the store to write in one transaction.

    `tables` holds, for each table the kind writes (KIND_TABLES, in load order), a frame with that
    table's columns (no autoincrement id). No frame holds a raw staff identifier.
    `unmapped_role_codes` is always empty in a batch: an unmapped code fails the import (see
    `ImportFailed.unmapped_role_codes`). `person_merges` lists (old, new) person keys where this
    file showed that two people the database held apart are one person (for example, a staff
    number first imported without an NI number): the store should move the old key's rows to the
    new key.
    """

    kind: str
    file_name: str
    file_sha256: str
    rows: int
    tables: dict[str, pl.DataFrame]
    unmapped_role_codes: tuple[str, ...] = ()
    person_merges: tuple[tuple[str, str], ...] = field(default=())

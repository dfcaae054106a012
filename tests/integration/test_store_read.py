"""The read frames: documented columns and types, the same whether empty or full."""

from __future__ import annotations

import polars as pl
import pytest
import sqlalchemy as sa

from careforce.store.unit_of_work import UnitOfWork

S, I, F, D, B = pl.String, pl.Int64, pl.Float64, pl.Date, pl.Boolean

PERSON = {
    "year_of_birth": I,
    "age_band": S,
    "sex": S,
    "ethnicity": S,
    "disability": S,
    "welsh_language_level": I,
    "nationality": S,
    "international_recruit": B,
}

EXPECTED: dict[str, dict[str, type[pl.DataType] | pl.DataType]] = {
    "posts_with_people": {
        "organisation_code": S,
        "post_ref": S,
        "person_key": S,
        "locality_code": S,
        "role_id": S,
        "source_role_code": S,
        "setting": S,
        "contract_type": S,
        "pay_band": S,
        "hourly_rate_gbp": F,
        "contracted_hours_per_week": F,
        "fte": F,
        "start_date": D,
        "end_date": D,
        "leaving_reason": S,
        "source_kind": S,
        **PERSON,
        "sector": S,
        "organisation_name": S,
    },
    "volunteers": {
        "organisation_code": S,
        "volunteer_ref": S,
        "person_key": S,
        "locality_code": S,
        "role_id": S,
        "hours_per_week": F,
        "start_date": D,
        "end_date": D,
        **PERSON,
    },
    "vacancies": {
        "organisation_code": S,
        "vacancy_ref": S,
        "role_id": S,
        "locality_code": S,
        "fte": F,
        "since": D,
    },
    "organisations": {"code": S, "name": S, "sector": S, "locality_code": S},
    "localities": {"code": S, "name": S, "level": S, "parent_code": S},
    "training_records": {
        "person_key": S,
        "competency": S,
        "achieved_on": D,
        "expires_on": D,
        "signed_off_by_role": S,
    },
    "statutory_approvals": {
        "person_key": S,
        "kind": S,
        "approved_on": D,
        "expires_on": D,
        "approving_body": S,
    },
    "role_mappings": {"scheme": S, "source_code": S, "role_id": S, "note": S},
    "imports": {
        "id": I,
        "kind": S,
        "file_name": S,
        "file_sha256": S,
        "rows": I,
        "rows_added": I,
        "rows_changed": I,
        "imported_at": pl.Datetime("us", "UTC"),
        "code_version": S,
    },
}

Frames = dict[str, pl.DataFrame]


def _read(engine: sa.Engine, name: str) -> pl.DataFrame:
    with UnitOfWork(engine) as uow:
        frame = getattr(uow.read, name)()
    assert isinstance(frame, pl.DataFrame)
    return frame


def _fill(engine: sa.Engine, frames: Frames) -> None:
    with UnitOfWork(engine) as uow:
        uow.staff.apply(frames)
        uow.imports.record("esr", "esr.csv", "b" * 64, 3, 3, 0, "test")
        uow.commit()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_empty_frames_have_the_documented_schema(db_engine: sa.Engine, name: str) -> None:
    frame = _read(db_engine, name)
    assert frame.is_empty()
    assert frame.schema == pl.Schema(EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_full_frames_have_the_same_schema(
    db_engine: sa.Engine, staff_frames: Frames, name: str
) -> None:
    _fill(db_engine, staff_frames)
    frame = _read(db_engine, name)
    assert frame.height > 0
    assert frame.schema == pl.Schema(EXPECTED[name])


def test_posts_carry_their_person_and_organisation(
    db_engine: sa.Engine, staff_frames: Frames
) -> None:
    _fill(db_engine, staff_frames)
    posts = _read(db_engine, "posts_with_people")
    assert posts.select("organisation_code", "post_ref").rows() == [
        ("CARE1", "P-7"),
        ("NHS1", "A001"),
        ("NHS1", "A002"),
    ]
    care = posts.row(0, named=True)
    persons = staff_frames["persons"].row(2, named=True)
    assert {k: care[k] for k in PERSON} == {k: persons[k] for k in PERSON}
    assert (care["sector"], care["organisation_name"]) == ("independent", 'Care homes, "Ltd"')


def test_volunteers_carry_their_person(db_engine: sa.Engine, staff_frames: Frames) -> None:
    _fill(db_engine, staff_frames)
    volunteers = _read(db_engine, "volunteers")
    person = staff_frames["persons"].row(1, named=True)
    assert volunteers.select(list(PERSON)).row(0, named=True) == {k: person[k] for k in PERSON}


@pytest.mark.parametrize(
    "name", ["vacancies", "training_records", "statutory_approvals", "localities", "role_mappings"]
)
def test_table_frames_hold_what_was_applied(
    db_engine: sa.Engine, staff_frames: Frames, name: str
) -> None:
    _fill(db_engine, staff_frames)
    applied = staff_frames[name]
    read = _read(db_engine, name)
    assert read.sort(read.columns).equals(applied.sort(applied.columns))

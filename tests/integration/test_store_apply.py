"""Writing through the unit of work: upsert counts, idempotence, null-keeping, rollback."""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
import pytest
import sqlalchemy as sa

from careforce.store import tables
from careforce.store.repositories import LOOKUP_CHUNK
from careforce.store.unit_of_work import UnitOfWork
from careforce.store.upsert import ApplyResult

Frames = dict[str, pl.DataFrame]


def person_key(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _apply(engine: sa.Engine, frames: Frames) -> ApplyResult:
    with UnitOfWork(engine) as uow:
        result = uow.staff.apply(frames)
        uow.commit()
    return result


def _count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _sizes(frames: Frames) -> dict[str, int]:
    return {name: frame.height for name, frame in frames.items()}


def test_first_apply_adds_every_row(db_engine: sa.Engine, staff_frames: Frames) -> None:
    result = _apply(db_engine, staff_frames)
    assert (result.added, result.changed, result.unchanged) == (
        sum(_sizes(staff_frames).values()),
        0,
        0,
    )
    assert {name: counts.added for name, counts in result.by_table.items()} == _sizes(staff_frames)
    for name, size in _sizes(staff_frames).items():
        assert _count(db_engine, tables.metadata.tables[name]) == size


def test_applying_the_same_frames_again_changes_nothing(
    db_engine: sa.Engine, staff_frames: Frames
) -> None:
    _apply(db_engine, staff_frames)
    with UnitOfWork(db_engine) as uow:
        posts_before = uow.read.posts_with_people()
    again = _apply(db_engine, staff_frames)
    assert (again.added, again.changed) == (0, 0)
    assert again.unchanged == sum(_sizes(staff_frames).values())
    with UnitOfWork(db_engine) as uow:
        assert uow.read.posts_with_people().equals(posts_before)


def test_values_round_trip_exactly(db_engine: sa.Engine, staff_frames: Frames) -> None:
    """Floats to the last bit, dates, booleans, empty text against null, commas and quotes."""
    _apply(db_engine, staff_frames)
    with UnitOfWork(db_engine) as uow:
        posts = uow.read.posts_with_people()
        mappings = uow.read.role_mappings()
        organisations = uow.read.organisations()
    expected = staff_frames["posts"].sort("organisation_code", "post_ref")
    assert posts.select(expected.columns).equals(expected)
    assert posts.filter(pl.col("post_ref") == "A002")["fte"].item() == 0.1 + 0.2
    assert mappings.sort("scheme")["note"].to_list() == ["", None]
    assert 'Care homes, "Ltd"' in organisations["name"].to_list()


def test_rows_may_come_before_the_rows_they_refer_to(
    db_engine: sa.Engine, staff_frames: Frames
) -> None:
    """Areas listed before their region and nation still load (one frame, one apply)."""
    frames = {
        "localities": staff_frames["localities"].reverse(),
        "organisations": staff_frames["organisations"],
    }
    assert _apply(db_engine, frames).added == 6
    with UnitOfWork(db_engine) as uow:
        assert uow.reference.localities()["A2"] == "local_authority_area"


def test_changed_rows_are_updated_and_counted(db_engine: sa.Engine, staff_frames: Frames) -> None:
    _apply(db_engine, staff_frames)
    posts = staff_frames["posts"]
    new_post = posts.filter(pl.col("post_ref") == "A001").with_columns(
        post_ref=pl.lit("A003"), fte=pl.lit(0.5)
    )
    changed = {
        "posts": pl.concat(
            [
                posts.with_columns(
                    end_date=pl.when(pl.col("post_ref") == "A001")
                    .then(pl.lit(dt.date(2025, 1, 31)))
                    .otherwise(pl.col("end_date")),
                    leaving_reason=pl.when(pl.col("post_ref") == "A001")
                    .then(pl.lit("retirement"))
                    .otherwise(pl.col("leaving_reason")),
                ),
                new_post,
            ]
        ),
        "vacancies": staff_frames["vacancies"].with_columns(fte=pl.lit(0.8)),
    }
    result = _apply(db_engine, changed)
    assert (result.by_table["posts"].added, result.by_table["posts"].changed) == (1, 1)
    assert result.by_table["posts"].unchanged == 2
    assert (result.by_table["vacancies"].changed, result.by_table["vacancies"].unchanged) == (1, 0)
    assert (result.added, result.changed, result.unchanged) == (1, 2, 2)
    with UnitOfWork(db_engine) as uow:
        stored = (
            uow.read.posts_with_people().filter(pl.col("post_ref") == "A001").row(0, named=True)
        )
        assert uow.read.vacancies()["fte"].to_list() == [0.8]
    assert stored["end_date"] == dt.date(2025, 1, 31)
    assert stored["leaving_reason"] == "retirement"
    assert _count(db_engine, tables.posts) == 4


def test_a_null_in_a_later_source_keeps_a_known_person_value(
    db_engine: sa.Engine, staff_frames: Frames
) -> None:
    _apply(db_engine, staff_frames)
    first = staff_frames["persons"].row(0, named=True)
    sparse = pl.DataFrame(
        [{**dict.fromkeys(first), "person_key": first["person_key"]}],
        schema=staff_frames["persons"].schema,
    )
    nothing_new = _apply(db_engine, {"persons": sparse})
    assert (nothing_new.changed, nothing_new.unchanged) == (0, 1)

    one_new_fact = sparse.with_columns(nationality=pl.lit("Welsh"), sex=pl.lit(None, pl.String))
    result = _apply(db_engine, {"persons": one_new_fact})
    assert (result.added, result.changed) == (0, 1)
    with UnitOfWork(db_engine) as uow:
        stored = uow.read.posts_with_people().filter(pl.col("person_key") == first["person_key"])
    assert stored["nationality"].to_list() == ["Welsh"]
    assert stored["sex"].to_list() == [first["sex"]]
    assert stored["year_of_birth"].to_list() == [first["year_of_birth"]]
    assert stored["international_recruit"].to_list() == [first["international_recruit"]]


def test_other_tables_take_nulls_as_given(db_engine: sa.Engine, staff_frames: Frames) -> None:
    """A post's end date cleared in a later extract means the person is back in post."""
    _apply(db_engine, staff_frames)
    reopened = staff_frames["posts"].with_columns(
        end_date=pl.lit(None, pl.Date), leaving_reason=pl.lit(None, pl.String)
    )
    assert _apply(db_engine, {"posts": reopened}).changed == 1
    with UnitOfWork(db_engine) as uow:
        assert uow.read.posts_with_people()["end_date"].null_count() == 3


def test_nothing_is_written_when_the_block_raises(
    db_engine: sa.Engine, staff_frames: Frames
) -> None:
    with pytest.raises(RuntimeError, match="half way"), UnitOfWork(db_engine) as uow:
        uow.staff.apply(staff_frames)
        uow.imports.record("esr", "esr.csv", "0" * 64, 3, 3, 0, "test")
        raise RuntimeError("half way")
    assert _count(db_engine, tables.posts) == 0
    assert _count(db_engine, tables.imports) == 0


def test_leaving_without_commit_rolls_back(db_engine: sa.Engine, staff_frames: Frames) -> None:
    with UnitOfWork(db_engine) as uow:
        assert uow.staff.apply(staff_frames).added > 0
        with UnitOfWork(db_engine) as other:  # uncommitted rows are invisible elsewhere
            assert other.read.localities().is_empty()
    with UnitOfWork(db_engine) as uow:
        assert uow.read.localities().is_empty()
        assert uow.read.imports().is_empty()


def test_a_broken_reference_writes_nothing(db_engine: sa.Engine, staff_frames: Frames) -> None:
    frames = dict(staff_frames)
    frames["posts"] = staff_frames["posts"].with_columns(organisation_code=pl.lit("UNKNOWN"))
    with pytest.raises(sa.exc.IntegrityError), UnitOfWork(db_engine) as uow:
        uow.staff.apply(frames)
        uow.commit()
    assert _count(db_engine, tables.persons) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: {"posts": f["posts"].drop("fte")}, r"missing columns \['fte'\]"),
        (lambda f: {"posts": f["posts"].with_columns(id=pl.lit(1))}, r"extra \['id'\]"),
        (lambda f: {"posts": pl.concat([f["posts"], f["posts"].head(1)])}, "repeats the key"),
        (lambda f: {"shifts": f["posts"]}, r"no table to apply \['shifts'\]"),
        (lambda f: {"posts": f["posts"].with_columns(fte=pl.lit("lots"))}, "frame for table posts"),
    ],
)
def test_malformed_frames_are_refused(
    db_engine: sa.Engine, staff_frames: Frames, change: object, message: str
) -> None:
    frames = change(staff_frames)  # type: ignore[operator]
    with pytest.raises(ValueError, match=message), UnitOfWork(db_engine) as uow:
        uow.staff.apply(frames)


def test_narrower_integer_and_empty_frames_are_accepted(
    db_engine: sa.Engine, staff_frames: Frames
) -> None:
    frames = dict(staff_frames)
    frames["persons"] = staff_frames["persons"].with_columns(pl.col("year_of_birth").cast(pl.Int16))
    frames["volunteers"] = staff_frames["volunteers"].clear()
    result = _apply(db_engine, frames)
    assert result.by_table["volunteers"].rows == 0
    assert result.by_table["persons"].added == 3


def test_resolve_identifiers_finds_known_keys_only(
    db_engine: sa.Engine, staff_frames: Frames
) -> None:
    _apply(db_engine, staff_frames)
    known = staff_frames["person_identifiers"]
    unknown = [person_key(f"stranger{i}") for i in range(LOOKUP_CHUNK * 2 + 1)]
    with UnitOfWork(db_engine) as uow:
        found = uow.staff.resolve_identifiers([*unknown, *known["identifier_key"], unknown[0]])
        assert uow.staff.resolve_identifiers([]) == {}
    assert found == dict(known.iter_rows())


def test_resolve_identifiers_over_many_chunks(db_engine: sa.Engine, staff_frames: Frames) -> None:
    people = staff_frames["persons"]["person_key"].to_list()
    many = pl.DataFrame(
        {
            "identifier_key": [person_key(f"n{i}") for i in range(LOOKUP_CHUNK * 3)],
            "person_key": [people[i % 3] for i in range(LOOKUP_CHUNK * 3)],
        }
    )
    _apply(db_engine, {"persons": staff_frames["persons"], "person_identifiers": many})
    with UnitOfWork(db_engine) as uow:
        found = uow.staff.resolve_identifiers(many["identifier_key"].to_list())
    assert found == dict(many.iter_rows())


def test_reference_lists(db_engine: sa.Engine, staff_frames: Frames) -> None:
    _apply(db_engine, staff_frames)
    with UnitOfWork(db_engine) as uow:
        assert uow.reference.localities() == {
            "W": "nation",
            "R1": "region",
            "A1": "local_authority_area",
            "A2": "local_authority_area",
        }
        assert uow.reference.organisations() == {"NHS1": "nhs", "CARE1": "independent"}
        assert uow.reference.role_mappings() == {
            ("esr", "OC900"): "registered_nurse",
            ("social_care", "SC1"): "care_worker",
        }


def test_imports_are_recorded_with_the_time_in_utc(db_engine: sa.Engine) -> None:
    before = dt.datetime.now(dt.UTC)
    with UnitOfWork(db_engine) as uow:
        uow.imports.record("esr", "esr.csv", "a" * 64, 10, 7, 2, "1.2.3")
        uow.commit()
    with UnitOfWork(db_engine) as uow:
        log = uow.imports.list()
    assert log.drop("imported_at").to_dicts() == [
        {
            "id": 1,
            "kind": "esr",
            "file_name": "esr.csv",
            "file_sha256": "a" * 64,
            "rows": 10,
            "rows_added": 7,
            "rows_changed": 2,
            "code_version": "1.2.3",
        }
    ]
    assert log.schema["imported_at"] == pl.Datetime("us", "UTC")
    assert before <= log["imported_at"].item() <= dt.datetime.now(dt.UTC)

"""What each kind of file writes: frames shaped exactly like the store's tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from test_ingest_support import (
    APPROVAL_ROW,
    ESR_ROW,
    EXAMPLES,
    LOCALITY_ROWS,
    ORGANISATION_ROW,
    ROLE_MAPPING_ROW,
    SOCIAL_CARE_ROW,
    TRAINING_ROW,
    VACANCY_ROW,
    VOLUNTEER_ROW,
    import_rows,
    make_context,
    problems,
    row,
)

from careforce.ingest import KIND_TABLES, TABLE_SCHEMAS
from careforce.ingest.pseudonymise import keyed_hash
from careforce.store import tables as store_tables

_SQL_TO_POLARS = {
    sa.String: pl.Utf8(),
    sa.Integer: pl.Int64(),
    sa.Float: pl.Float64(),
    sa.Boolean: pl.Boolean(),
    sa.Date: pl.Date(),
}


def _polars_type(column: sa.Column[object]) -> pl.DataType:
    for sql_type, polars_type in _SQL_TO_POLARS.items():
        if isinstance(column.type, sql_type):
            return polars_type
    raise AssertionError(f"no polars type for {column.type}")


@pytest.mark.parametrize("table", sorted(TABLE_SCHEMAS))
def test_table_schemas_follow_the_store(table: str) -> None:
    sql = store_tables.metadata.tables[table]
    expected = {
        c.name: _polars_type(c)
        for c in sql.columns
        if not (c.name == "id" and c.autoincrement is True)
    }
    assert TABLE_SCHEMAS[table] == expected


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_every_kind_writes_its_tables_with_their_exact_columns(tmp_path: Path, kind: str) -> None:
    batch = import_rows(tmp_path, kind, EXAMPLES[kind])
    assert tuple(batch.tables) == KIND_TABLES[kind]
    for name, frame in batch.tables.items():
        assert dict(frame.schema) == TABLE_SCHEMAS[name], name


def test_an_esr_extract(tmp_path: Path) -> None:
    batch = import_rows(tmp_path, "esr", [ESR_ROW])
    post = batch.tables["posts"].row(0, named=True)
    person_key = post.pop("person_key")
    assert post == {
        "organisation_code": "ORG1",
        "post_ref": "A001",
        "locality_code": "W06000001",
        "role_id": "rn_adult",
        "source_role_code": "OC005",
        "setting": "hospital",
        "contract_type": "permanent",
        "pay_band": "5",
        "hourly_rate_gbp": None,
        "contracted_hours_per_week": 37.5,
        "fte": 1.0,
        "start_date": dt.date(2019, 9, 1),
        "end_date": None,
        "leaving_reason": None,
        "source_kind": "esr",
    }
    person = batch.tables["persons"].row(0, named=True)
    assert person == {
        "person_key": person_key,
        "year_of_birth": 1980,
        "age_band": None,
        "sex": "female",
        "ethnicity": "White Welsh",
        "disability": "no",
        "welsh_language_level": 3,
        "nationality": "British",
        "international_recruit": False,
    }
    assert batch.tables["person_identifiers"].height == 3  # NI, registration, staff number


def test_social_care_fte_comes_from_hours_when_blank(tmp_path: Path) -> None:
    rows = [
        SOCIAL_CARE_ROW,
        row(SOCIAL_CARE_ROW, Post_ID="P002", FTE="0.5"),
        row(SOCIAL_CARE_ROW, Post_ID="P003", Contracted_Hours="60", Contract_Type="permanent"),
    ]
    posts = import_rows(tmp_path, "social_care", rows).tables["posts"]
    assert posts["fte"].to_list() == [0.8, 0.5, 1.5]  # 30 / 37.5; as given; 60 / 37.5 capped
    assert posts["hourly_rate_gbp"].to_list() == [12.6] * 3
    assert posts["setting"].to_list() == ["domiciliary"] * 3
    assert posts["source_kind"].to_list() == ["social_care"] * 3


def test_a_volunteer_return_splits_paid_posts_from_volunteers(tmp_path: Path) -> None:
    rows = [
        VOLUNTEER_ROW,
        row(
            VOLUNTEER_ROW,
            Placement_ID="V002",
            Person_ID="X002",
            Paid="Y",
            Role="VR005",
            Hours_per_Week="15",
            Contract_Type="permanent",
        ),
    ]
    batch = import_rows(tmp_path, "volunteer", rows)
    volunteers, posts = batch.tables["volunteers"], batch.tables["posts"]
    assert volunteers.select("volunteer_ref", "role_id", "hours_per_week").rows() == [
        ("V001", "volunteer", 4.0)
    ]
    assert posts.select(
        "post_ref", "role_id", "fte", "contracted_hours_per_week", "setting"
    ).rows() == [("V002", "third_sector_support_worker", 0.4, 15.0, "community_support")]
    assert batch.tables["persons"].select("age_band").to_series().to_list() == ["65+", "65+"]


def test_vacancies_take_framework_ids_or_esr_codes(tmp_path: Path) -> None:
    rows = [VACANCY_ROW, row(VACANCY_ROW, Vacancy_ID="VAC2", Role="OC012", FTE="0.6")]
    vacancies = import_rows(tmp_path, "vacancies", rows).tables["vacancies"]
    assert vacancies.select("vacancy_ref", "role_id", "fte").rows() == [
        ("VAC1", "rn_adult", 1.0),
        ("VAC2", "midwife", 0.6),
    ]
    assert vacancies["since"].to_list() == [dt.date(2025, 1, 6)] * 2


def test_persons_take_the_first_value_given_for_each_field(tmp_path: Path) -> None:
    rows = [
        row(ESR_ROW, Ethnicity="", Nationality="Irish"),
        row(
            ESR_ROW,
            Organisation_Code="ORG2",
            Assignment_Number="B1",
            Employee_Number="Z9",
            Ethnicity="Black Welsh",
            Nationality="British",
        ),
    ]
    persons = import_rows(tmp_path, "esr", rows).tables["persons"]
    assert persons.select("ethnicity", "nationality").rows() == [("Black Welsh", "Irish")]


def _staff_context(tmp_path: Path, rows: list[dict[str, str]]) -> tuple[dict[str, str], str]:
    """The identifier keys an earlier ESR import recorded, as the database would hold them."""
    batch = import_rows(tmp_path, "esr", rows, name="earlier.csv")
    known = dict(batch.tables["person_identifiers"].iter_rows())
    return known, batch.tables["posts"]["person_key"][0]


def test_training_records_find_people_already_imported(tmp_path: Path) -> None:
    known, person_key = _staff_context(tmp_path, [ESR_ROW])
    by_ni = row(
        TRAINING_ROW,
        Organisation_Code="ORG2",
        Staff_Number="other",
        NI_Number="AB123456C",
        Competency="catheterisation",
    )
    batch = import_rows(tmp_path, "training", [TRAINING_ROW, by_ni], make_context(known))
    records = batch.tables["training_records"]
    assert records["person_key"].to_list() == [person_key, person_key]
    assert records.select("competency", "achieved_on", "expires_on", "signed_off_by_role").row(
        0
    ) == (
        "venepuncture",
        dt.date(2024, 2, 1),
        dt.date(2027, 2, 1),
        "rn_adult",
    )


def test_training_for_someone_without_a_staff_record(tmp_path: Path) -> None:
    found = problems(tmp_path, "training", [TRAINING_ROW])
    assert [(p.row, p.column, p.reason) for p in found] == [
        (2, None, "no staff record for this person; import their staff extract first")
    ]


def test_training_for_one_person_under_two_staff_numbers_is_a_duplicate(tmp_path: Path) -> None:
    known, _ = _staff_context(tmp_path, [ESR_ROW])
    other = row(TRAINING_ROW, Staff_Number="X", NI_Number="AB123456C")
    found = problems(tmp_path, "training", [TRAINING_ROW, other], make_context(known))
    assert [p.row for p in found] == [2, 3]
    assert found[0].reason.startswith(
        "duplicate: the same person + Competency + Date Achieved as row 3"
    )


def test_approvals_find_people_already_imported(tmp_path: Path) -> None:
    known = {keyed_hash(make_context().secret, "staff:LA1:S77"): "f" * 64}
    batch = import_rows(tmp_path, "approvals", [APPROVAL_ROW], make_context(known))
    assert batch.tables["statutory_approvals"].row(0) == (
        "f" * 64,
        "amhp",
        dt.date(2022, 4, 1),
        dt.date(2027, 3, 31),
        "Cardiff Council",
    )


def test_localities_come_parents_first(tmp_path: Path) -> None:
    localities = import_rows(tmp_path, "localities", LOCALITY_ROWS).tables["localities"]
    assert localities.rows() == [
        ("W92X", "Wales", "nation", None),
        ("R9", "Gwent", "region", "W92X"),
        ("W06000099", "Newport", "local_authority_area", "R9"),
    ]


def test_organisations(tmp_path: Path) -> None:
    organisations = import_rows(tmp_path, "organisations", [ORGANISATION_ROW]).tables[
        "organisations"
    ]
    assert organisations.rows() == [("ORG9", "Example Health Board", "nhs", "W06000001")]


def test_role_mappings_store_source_codes_upper_case(tmp_path: Path) -> None:
    mappings = import_rows(tmp_path, "role_mapping", [ROLE_MAPPING_ROW]).tables["role_mappings"]
    assert mappings.rows() == [("esr", "OC900", "rn_adult", None)]

"""Pseudonymisation and linkage: no raw identifier leaves the import; one person, one key."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pytest
from test_ingest_support import (
    ESR_ROW,
    SECRET,
    SOCIAL_CARE_ROW,
    import_rows,
    make_context,
    problems,
    row,
)

from careforce.ingest import ImportBatch
from careforce.ingest.pseudonymise import keyed_hash, keyed_hasher


def _all_text(batch: ImportBatch) -> str:
    parts: list[str] = []
    for frame in batch.tables.values():
        for column in frame.columns:
            parts.extend(str(v) for v in frame[column].to_list())
    return "\n".join(parts)


@pytest.mark.parametrize("secret", [b"k" * 16, b"k" * 64, b"k" * 65, bytes(range(200))])
def test_keyed_hash_is_hmac_sha256(secret: bytes) -> None:
    for message in ["ni:AB123456C", "", "staff:ORG1:007", "é" * 100]:
        expected = hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()
        assert keyed_hash(secret, message) == expected
        assert keyed_hasher(secret)(message.encode()) == expected


def test_no_raw_identifier_appears_in_any_output(tmp_path: Path) -> None:
    rows = [
        row(
            ESR_ROW,
            NI_Number="QQ123456A",
            Registration_Number="99X9999Z",
            Employee_Number="EMP-31337",
        ),
        row(
            ESR_ROW,
            Assignment_Number="A002",
            NI_Number="qq 12 34 56 a",
            Registration_Number="",
            Employee_Number="EMP-31337",
        ),
    ]
    text = _all_text(import_rows(tmp_path, "esr", rows))
    for raw in ("QQ123456A", "99X9999Z", "EMP-31337", "31337", "123456"):
        assert raw not in text


def test_identifier_keys_are_hashes_of_the_normalised_identifiers(tmp_path: Path) -> None:
    rows = [
        row(ESR_ROW, NI_Number=" ab 12 34 56 c ", Registration_Number="", Employee_Number="e001")
    ]
    batch = import_rows(tmp_path, "esr", rows)
    keys = set(batch.tables["person_identifiers"]["identifier_key"])
    assert keys == {keyed_hash(SECRET, "ni:AB123456C"), keyed_hash(SECRET, "staff:ORG1:E001")}


def test_a_new_person_key_comes_from_the_strongest_identifier(tmp_path: Path) -> None:
    with_ni = import_rows(tmp_path, "esr", [ESR_ROW], name="a.csv")
    assert with_ni.tables["persons"]["person_key"][0] == keyed_hash(SECRET, "person:ni:AB123456C")
    no_ni = import_rows(tmp_path, "esr", [row(ESR_ROW, NI_Number="")], name="b.csv")
    assert no_ni.tables["persons"]["person_key"][0] == keyed_hash(SECRET, "person:reg:12A3456E")
    staff_only = import_rows(
        tmp_path, "esr", [row(ESR_ROW, NI_Number="", Registration_Number="")], name="c.csv"
    )
    assert staff_only.tables["persons"]["person_key"][0] == keyed_hash(
        SECRET, "person:staff:ORG1:E001"
    )


def test_the_same_ni_number_in_two_employers_files_is_one_person(tmp_path: Path) -> None:
    nhs = import_rows(tmp_path, "esr", [ESR_ROW], name="nhs.csv")
    care = import_rows(
        tmp_path,
        "social_care",
        [row(SOCIAL_CARE_ROW, NI_Number="AB123456C", Worker_ID="E001")],
        name="care.csv",
    )
    assert (
        nhs.tables["posts"]["person_key"].to_list() == care.tables["posts"]["person_key"].to_list()
    )


def test_staff_numbers_are_only_unique_within_an_employer(tmp_path: Path) -> None:
    rows = [
        row(ESR_ROW, NI_Number="", Registration_Number=""),
        row(
            ESR_ROW,
            Organisation_Code="ORG2",
            Assignment_Number="A9",
            NI_Number="",
            Registration_Number="",
        ),
    ]
    batch = import_rows(tmp_path, "esr", rows)
    assert batch.tables["persons"].height == 2
    assert batch.tables["posts"]["person_key"].n_unique() == 2


def test_rows_linked_by_any_shared_identifier_are_one_person(tmp_path: Path) -> None:
    rows = [
        row(ESR_ROW, NI_Number="", Registration_Number=""),  # staff number only
        row(ESR_ROW, Assignment_Number="A002", Registration_Number=""),  # staff + NI
        row(
            ESR_ROW,
            Organisation_Code="ORG2",
            Assignment_Number="B1",
            Employee_Number="Z1",
            NI_Number="",
            Registration_Number="12A3456E",
        ),  # registration only
        row(
            ESR_ROW,
            Organisation_Code="ORG2",
            Assignment_Number="B2",
            Employee_Number="Z1",
            NI_Number="AB123456C",
            Registration_Number="",
        ),  # links the registration to the NI
    ]
    batch = import_rows(tmp_path, "esr", rows)
    assert batch.tables["posts"]["person_key"].unique().to_list() == [
        keyed_hash(SECRET, "person:ni:AB123456C")
    ]
    assert batch.tables["persons"].height == 1
    assert batch.tables["person_identifiers"].height == 4  # NI, registration, two staff numbers


def test_headcount_counts_people_once_and_fte_sums_posts(tmp_path: Path) -> None:
    nhs = import_rows(tmp_path, "esr", [row(ESR_ROW, FTE="0.6")], name="nhs.csv")
    care = import_rows(
        tmp_path,
        "social_care",
        [row(SOCIAL_CARE_ROW, NI_Number="AB123456C", FTE="0.4")],
        name="care.csv",
    )
    posts = pl.concat([nhs.tables["posts"], care.tables["posts"]])
    assert posts["person_key"].n_unique() == 1
    assert posts["fte"].sum() == pytest.approx(1.0)


def test_a_different_secret_gives_different_keys(tmp_path: Path) -> None:
    one = import_rows(tmp_path, "esr", [ESR_ROW], name="a.csv")
    other = import_rows(
        tmp_path, "esr", [ESR_ROW], make_context(secret=b"another-secret-0000"), name="b.csv"
    )
    assert set(one.tables["person_identifiers"]["identifier_key"]).isdisjoint(
        other.tables["person_identifiers"]["identifier_key"]
    )
    assert one.tables["persons"]["person_key"][0] != other.tables["persons"]["person_key"][0]


def test_a_person_known_to_the_database_keeps_their_key(tmp_path: Path) -> None:
    known = {keyed_hash(SECRET, "staff:ORG1:E001"): "a" * 64}
    batch = import_rows(tmp_path, "esr", [ESR_ROW], make_context(known))
    assert batch.tables["posts"]["person_key"].to_list() == ["a" * 64]
    assert batch.tables["persons"]["person_key"].to_list() == ["a" * 64]
    assert set(batch.tables["person_identifiers"]["person_key"]) == {"a" * 64}
    assert batch.person_merges == ()


def test_the_resolver_sees_only_hashed_keys(tmp_path: Path) -> None:
    seen: list[str] = []

    def resolve(keys: Sequence[str]) -> dict[str, str]:
        seen.extend(keys)
        return {}

    context = make_context()
    context = type(context)(
        secret=context.secret,
        role_mapping=context.role_mapping,
        localities=context.localities,
        organisations=context.organisations,
        resolve_identifiers=resolve,
        extract_date=context.extract_date,
    )
    import_rows(tmp_path, "esr", [ESR_ROW], context)
    assert sorted(seen) == sorted(
        keyed_hash(SECRET, m) for m in ("ni:AB123456C", "reg:12A3456E", "staff:ORG1:E001")
    )


def test_two_known_people_shown_to_be_one_are_merged(tmp_path: Path) -> None:
    by_ni, by_staff = "1" * 64, "2" * 64
    known = {
        keyed_hash(SECRET, "ni:AB123456C"): by_ni,
        keyed_hash(SECRET, "staff:ORG1:E001"): by_staff,
    }
    batch = import_rows(tmp_path, "esr", [ESR_ROW], make_context(known))
    assert batch.tables["posts"]["person_key"].to_list() == [by_ni]  # the stronger identifier wins
    assert batch.person_merges == ((by_staff, by_ni),)
    assert set(batch.tables["person_identifiers"]["person_key"]) == {by_ni}


def test_one_staff_number_with_two_ni_numbers_is_a_problem(tmp_path: Path) -> None:
    rows = [ESR_ROW, row(ESR_ROW, Assignment_Number="A002", NI_Number="ZZ999999Z")]
    found = problems(tmp_path, "esr", rows)
    assert [(p.row, p.column, p.value) for p in found] == [
        (2, "NI Number", None),
        (3, "NI Number", None),
    ]
    assert found[0].reason.startswith(
        "this row shares an identifier with row 3, which has a different NI"
    )


def test_many_ni_numbers_behind_one_staff_number_are_reported_in_bounded_words(
    tmp_path: Path,
) -> None:
    rows = [
        row(ESR_ROW, Assignment_Number=f"A{i}", NI_Number=f"AB{i:06d}C", Registration_Number="")
        for i in range(500)
    ]
    found = problems(tmp_path, "esr", rows, make_context(max_problems_listed=1000))
    assert len(found) == 500
    assert found[0].reason.startswith(
        "this row shares an identifier with row 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, ..., which has"
    )

"""The domain types refuse impossible values at construction."""

import datetime as dt

import pytest

from careforce.domain import (
    AgeBand,
    ContractType,
    Locality,
    LocalityLevel,
    Person,
    Post,
    Problem,
    Setting,
    TrainingRecord,
    UserError,
    ValidationFailed,
)

KEY = "a" * 64


def make_post(**changes: object) -> Post:
    fields: dict[str, object] = {
        "post_ref": "P1",
        "person_key": KEY,
        "organisation_code": "ORG",
        "locality_code": "LA1",
        "role_id": "rn_adult",
        "setting": Setting.HOSPITAL,
        "contract_type": ContractType.PERMANENT,
        "start_date": dt.date(2020, 1, 1),
        "contracted_hours_per_week": 37.5,
        "fte": 1.0,
    }
    fields.update(changes)
    return Post(**fields)  # type: ignore[arg-type]


def test_post_fte_above_one_and_a_half_is_refused() -> None:
    with pytest.raises(UserError, match="FTE"):
        make_post(fte=1.6)
    assert make_post(fte=1.5).fte == 1.5


def test_post_cannot_end_before_it_starts() -> None:
    with pytest.raises(UserError, match="ends before it starts"):
        make_post(end_date=dt.date(2019, 12, 31))


def test_leaving_reason_needs_an_end_date() -> None:
    with pytest.raises(UserError, match="no end date"):
        make_post(leaving_reason="retirement")


def test_in_post_on_includes_the_last_day() -> None:
    post = make_post(end_date=dt.date(2024, 3, 31), leaving_reason="retirement")
    assert post.in_post_on(dt.date(2024, 3, 31))
    assert not post.in_post_on(dt.date(2024, 4, 1))
    assert not post.in_post_on(dt.date(2019, 12, 31))


def test_person_key_must_be_a_digest_not_an_identifier() -> None:
    with pytest.raises(UserError, match="HMAC"):
        Person(person_key="AB123456C")
    with pytest.raises(UserError, match="Welsh language level"):
        Person(person_key=KEY, welsh_language_level=6)


def test_locality_hierarchy_needs_parents_below_nation() -> None:
    with pytest.raises(UserError, match="needs a parent"):
        Locality("LA1", "Area", LocalityLevel.LOCAL_AUTHORITY_AREA)
    with pytest.raises(UserError, match="cannot have a parent"):
        Locality("N", "Nation", LocalityLevel.NATION, parent_code="X")


def test_training_record_counts_only_signed_off_and_unexpired() -> None:
    record = TrainingRecord(KEY, "MH01", dt.date(2024, 1, 1), dt.date(2025, 1, 1), "rn_adult")
    assert record.valid_on(dt.date(2024, 6, 1))
    assert not record.valid_on(dt.date(2025, 1, 2))
    unsigned = TrainingRecord(KEY, "MH01", dt.date(2024, 1, 1))
    assert not unsigned.valid_on(dt.date(2024, 6, 1))


def test_age_bands_cover_working_ages() -> None:
    assert AgeBand.of_age(55).label == "55-64"
    assert AgeBand.parse(" 65+ ").low == 65
    with pytest.raises(UserError, match="unknown age band"):
        AgeBand.parse("50-60")


def test_problem_reads_as_a_location_and_a_reason() -> None:
    problem = Problem("esr.csv", 7, "FTE", "1.6", "FTE outside 0-1.5")
    assert str(problem) == "esr.csv, row 7, column 'FTE': FTE outside 0-1.5 (value '1.6')"
    error = ValidationFailed([problem, problem])
    assert "2 problems" in str(error)

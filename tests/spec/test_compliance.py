"""Spec: training compliance. Each test is a tiny table in, one operation, the expected table out.

Census date 31 March 2025 throughout. Two targets unless a test says otherwise: `level_1` (MH01,
met also by MH02) for all staff, and `enhanced` (MH16) for anyone working in a mental health
setting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

from careforce.results.compliance import ComplianceReport, assess_compliance
from careforce.results.training_targets import TrainingTargets

CENSUS = dt.date(2025, 3, 31)
D = dt.date

TARGETS = TrainingTargets.model_validate(
    {
        "version": 1,
        "targets": [
            {
                "id": "level_1",
                "name": "Level 1",
                "competency": "MH01",
                "level": "informed",
                "met_by": ["MH02"],
                "applies_to": {"all_staff": True},
                "basis": "assumption: a test target",
            },
            {
                "id": "enhanced",
                "name": "Enhanced",
                "competency": "MH16",
                "level": "enhanced",
                "applies_to": {"settings": ["mental_health"]},
                "basis": "assumption: a test target",
            },
        ],
    }
)
SECTOR = {"NHS1": "nhs", "LA1": "local_authority", "IND1": "independent"}
LOCALITIES = pl.DataFrame(
    {
        "code": ["W", "R", "LA-A", "LA-B"],
        "name": ["Wales", "Region", "Aberwen", "Bryn"],
        "level": ["nation", "region", "local_authority_area", "local_authority_area"],
        "parent_code": [None, "W", "R", "R"],
    }
)
RECORD_SCHEMA: dict[str, Any] = {
    "person_key": pl.String,
    "competency": pl.String,
    "achieved_on": pl.Date,
    "expires_on": pl.Date,
    "signed_off_by_role": pl.String,
}


def post(
    person: str,
    role: str = "rn_adult",
    org: str = "NHS1",
    *,
    setting: str = "community",
    start: dt.date = D(2020, 1, 1),
    end: dt.date | None = None,
    place: str = "LA-A",
) -> dict[str, Any]:
    return {
        "organisation_code": org,
        "organisation_name": f"{org} name",
        "post_ref": f"{org}-{person}-{role}",
        "person_key": person,
        "locality_code": place,
        "role_id": role,
        "setting": setting,
        "fte": 1.0,
        "start_date": start,
        "end_date": end,
        "sector": SECTOR[org],
    }


def record(
    person: str,
    competency: str = "MH01",
    *,
    achieved: dt.date = D(2024, 1, 10),
    expires: dt.date | None = None,
    signed: str | None = "clinical_nurse_specialist",
) -> dict[str, Any]:
    return {
        "person_key": person,
        "competency": competency,
        "achieved_on": achieved,
        "expires_on": expires,
        "signed_off_by_role": signed,
    }


def assess(
    posts: list[dict[str, Any]],
    records: list[dict[str, Any]],
    targets: TrainingTargets = TARGETS,
) -> ComplianceReport:
    frame = pl.DataFrame(posts, schema_overrides={"end_date": pl.Date})
    return assess_compliance(
        frame,
        pl.DataFrame(records, schema=RECORD_SCHEMA),
        targets,
        census_date=CENSUS,
        localities=LOCALITIES,
    )


def overall(report: ComplianceReport, target: str = "level_1") -> tuple[int, int, float | None]:
    row = report.overall.filter(pl.col("target_id") == target).row(0, named=True)
    return row["people_needing"], row["people_compliant"], row["compliance_rate"]


def reasons(report: ComplianceReport) -> dict[tuple[str, str], str]:
    return {
        (r["person_key"], r["target_id"]): r["reason"] for r in report.gaps.iter_rows(named=True)
    }


def test_a_signed_off_unexpired_record_achieved_before_the_census_is_compliant() -> None:
    report = assess([post("ann")], [record("ann", expires=D(2027, 1, 10))])
    assert overall(report) == (1, 1, 1.0)
    assert report.gaps.is_empty()


def test_a_record_is_valid_through_its_expiry_date() -> None:
    report = assess([post("ann")], [record("ann", expires=CENSUS)])
    assert overall(report) == (1, 1, 1.0)


def test_an_expired_record_is_a_gap_for_that_reason_with_its_dates() -> None:
    report = assess([post("ann")], [record("ann", achieved=D(2021, 5, 1), expires=D(2024, 5, 1))])
    assert overall(report) == (1, 0, 0.0)
    gap = report.gaps.row(0, named=True)
    assert (gap["reason"], gap["competency"], gap["role_id"]) == ("expired", "MH01", "rn_adult")
    assert (gap["record_achieved_on"], gap["record_expires_on"]) == (D(2021, 5, 1), D(2024, 5, 1))


def test_an_unsigned_record_does_not_count() -> None:
    report = assess([post("ann")], [record("ann", signed=None)])
    assert overall(report) == (1, 0, 0.0)
    assert reasons(report) == {("ann", "level_1"): "not_signed_off"}


def test_a_record_dated_after_the_census_does_not_count_yet() -> None:
    report = assess([post("ann")], [record("ann", achieved=D(2025, 4, 1))])
    assert overall(report) == (1, 0, 0.0)
    gap = report.gaps.row(0, named=True)
    assert gap["reason"] == "no_record"
    assert gap["record_achieved_on"] is None


def test_a_gap_takes_the_nearest_miss_among_the_persons_records() -> None:
    records = [
        record("ann", achieved=D(2020, 1, 1), expires=D(2023, 1, 1)),  # expired
        record("ann", achieved=D(2024, 6, 1), signed=None),  # waiting for sign-off
        record("bob", achieved=D(2020, 1, 1), expires=D(2023, 1, 1), signed=None),
    ]
    report = assess([post("ann"), post("bob"), post("cy")], records)
    assert reasons(report) == {
        ("ann", "level_1"): "not_signed_off",
        ("bob", "level_1"): "expired",  # expired and unsigned: expiry comes first
        ("cy", "level_1"): "no_record",
    }
    by_reason = dict(
        report.gaps_by_reason.filter(pl.col("target_id") == "level_1")
        .select("reason", "people")
        .iter_rows()
    )
    assert by_reason == {"no_record": 1, "expired": 1, "not_signed_off": 1}


def test_a_record_of_a_higher_level_meets_a_lower_level_target() -> None:
    report = assess([post("ann")], [record("ann", "MH02")])
    assert overall(report) == (1, 1, 1.0)


def test_a_person_in_two_posts_counts_once_per_target_and_once_in_each_organisation() -> None:
    posts = [post("ann", "rn_adult", "NHS1"), post("ann", "sc_care_worker_res", "IND1")]
    report = assess(posts, [])
    assert overall(report) == (1, 0, 0.0)
    by_org = report.by_organisation.filter(pl.col("target_id") == "level_1")
    assert by_org.select("organisation_code", "people_needing").rows() == [("IND1", 1), ("NHS1", 1)]
    # Each employer sees the gap of its own post holder, and only that.
    assert report.gaps.select("organisation_code", "role_id").rows() == [
        ("IND1", "sc_care_worker_res"),
        ("NHS1", "rn_adult"),
    ]
    assert report.gaps_for("NHS1")["organisation_code"].to_list() == ["NHS1"]


def test_two_posts_in_one_organisation_make_one_gap_naming_both_roles() -> None:
    posts = [post("ann", "hcsw"), post("ann", "senior_hcsw")]
    gaps = assess(posts, []).gaps
    assert gaps.select("person_key", "role_id").rows() == [("ann", "hcsw, senior_hcsw")]


def test_a_target_by_setting_applies_only_to_posts_in_that_setting() -> None:
    posts = [
        post("ann", "rn_mental_health", setting="mental_health"),
        post("bob", "rn_mental_health", setting="community"),
        post("cy", "hcsw", setting="mental_health", place="LA-B"),
    ]
    records = [record("ann", "MH16"), record("ann"), record("bob"), record("cy")]
    report = assess(posts, records)
    assert overall(report, "enhanced") == (2, 1, 0.5)
    expected = pl.DataFrame(
        {
            "target_id": ["enhanced", "enhanced"],
            "staff_group": ["registered_nursing_midwifery", "nursing_support"],
            "people_needing": [1, 1],
            "people_compliant": [1, 0],
            "compliance_rate": [1.0, 0.0],
        }
    )
    assert_frame_equal(report.by_staff_group.filter(pl.col("target_id") == "enhanced"), expected)
    assert reasons(report) == {("cy", "enhanced"): "no_record"}


def test_rates_by_area_name_the_local_authority_area() -> None:
    posts = [post("ann"), post("bob", place="LA-B"), post("cy", place="LA-B")]
    report = assess(posts, [record("ann"), record("bob")])
    expected = pl.DataFrame(
        {
            "target_id": ["level_1", "level_1"],
            "area_code": ["LA-A", "LA-B"],
            "area": ["Aberwen", "Bryn"],
            "people_needing": [1, 2],
            "people_compliant": [1, 1],
            "compliance_rate": [1.0, 0.5],
        }
    )
    assert_frame_equal(report.by_area.filter(pl.col("target_id") == "level_1"), expected)


def test_only_posts_in_post_on_the_census_date_need_a_target() -> None:
    posts = [
        post("ann", end=D(2025, 3, 30)),  # left the day before
        post("bob", end=CENSUS),  # last day in post is the census date
        post("cy", start=D(2025, 4, 1)),  # starts after it
    ]
    report = assess(posts, [])
    assert overall(report) == (1, 0, 0.0)
    assert report.gaps["person_key"].to_list() == ["bob"]


def test_a_target_nobody_needs_shows_zero_people_and_no_rate() -> None:
    report = assess([post("ann")], [record("ann")])
    assert overall(report, "enhanced") == (0, 0, None)


def test_exceptions_take_staff_out_of_a_target() -> None:
    targets = TrainingTargets.model_validate(
        {
            "version": 1,
            "targets": [
                {
                    "id": "mh_setting",
                    "name": "Mental health setting",
                    "competency": "MH16",
                    "level": "enhanced",
                    "applies_to": {
                        "settings": ["mental_health"],
                        "except_staff_groups": ["admin_estates"],
                    },
                    "basis": "assumption: a test target",
                }
            ],
        }
    )
    posts = [
        post("ann", "rn_mental_health", setting="mental_health"),
        post("bob", "admin_clerical", setting="mental_health"),
    ]
    report = assess(posts, [], targets)
    assert overall(report, "mh_setting") == (1, 0, 0.0)
    assert report.gaps["person_key"].to_list() == ["ann"]

"""Data quality report: small tables in, one operation, the expected table out.

Each test reads as a worked example of one rule of the report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

from careforce.ingest import TABLE_SCHEMAS, assess_quality
from careforce.ingest.quality import (
    AGE_OVER_75,
    AGE_UNDER_16,
    BELOW_NLW,
    FTE_NOT_HOURS,
    PERMANENT_ZERO_HOURS,
    SOFT_CHECKS,
    STARTED_UNDER_16,
    completeness,
    in_post_on,
    soft_check_failures,
)

CENSUS = dt.date(2025, 3, 31)
PERSON_COLUMNS = {k: v for k, v in TABLE_SCHEMAS["persons"].items() if k != "person_key"}
SCHEMA = {
    **TABLE_SCHEMAS["posts"],
    **PERSON_COLUMNS,
    "sector": pl.Utf8(),
    "organisation_name": pl.Utf8(),
}

DEFAULT_POST: dict[str, Any] = {
    "organisation_code": "ORG1",
    "post_ref": "P1",
    "person_key": "p1",
    "locality_code": "W1",
    "role_id": "rn_adult",
    "source_role_code": "OC005",
    "setting": "hospital",
    "contract_type": "permanent",
    "pay_band": "5",
    "hourly_rate_gbp": None,
    "contracted_hours_per_week": 37.5,
    "fte": 1.0,
    "start_date": dt.date(2015, 1, 1),
    "end_date": None,
    "leaving_reason": None,
    "source_kind": "esr",
    "year_of_birth": 1980,
    "age_band": None,
    "sex": "female",
    "ethnicity": "White",
    "disability": "no",
    "welsh_language_level": 2,
    "nationality": "British",
    "international_recruit": False,
    "sector": "nhs",
    "organisation_name": "Health Board One",
}


def posts(*rows: dict[str, Any]) -> pl.DataFrame:
    """posts_with_people from the rows given, every other column as in DEFAULT_POST."""
    return pl.DataFrame([{**DEFAULT_POST, **r} for r in rows], schema=SCHEMA)


def organisations(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"code": c, "name": n, "sector": s, "locality_code": "W1"} for c, n, s in rows],
        schema=TABLE_SCHEMAS["organisations"],
    )


ORGS = organisations(
    ("ORG1", "Health Board One", "nhs"),
    ("CARE1", "Care Home Ltd", "independent"),
    ("CARE2", "Silent Care Ltd", "independent"),
    ("VOL1", "Good Neighbours", "third_sector"),
)


# -- in post ---------------------------------------------------------------------------------------


def test_a_post_is_held_from_its_start_date_to_its_end_date_inclusive() -> None:
    frame = posts(
        {"post_ref": "starts_on_census", "start_date": CENSUS},
        {"post_ref": "ends_on_census", "end_date": CENSUS},
        {"post_ref": "ended_before", "end_date": CENSUS - dt.timedelta(days=1)},
        {"post_ref": "starts_after", "start_date": CENSUS + dt.timedelta(days=1)},
    )
    held = frame.filter(in_post_on(CENSUS))["post_ref"].to_list()
    assert held == ["starts_on_census", "ends_on_census"]


# -- completeness ----------------------------------------------------------------------------------


def test_completeness_counts_each_person_once_per_source() -> None:
    frame = posts(
        {"post_ref": "P1", "person_key": "p1"},
        {"post_ref": "P2", "person_key": "p1"},  # a second post of the same person
        {"post_ref": "P3", "person_key": "p2", "ethnicity": None, "year_of_birth": None},
        {
            "post_ref": "P4",
            "person_key": "p3",
            "ethnicity": None,
            "year_of_birth": None,
            "age_band": "25-34",
        },
        {"post_ref": "P5", "person_key": "p4", "ethnicity": None, "end_date": dt.date(2020, 1, 1)},
    )
    out = completeness(frame.filter(in_post_on(CENSUS)), ["source_kind"])
    expected = pl.DataFrame(
        {
            "source_kind": ["esr"] * 7,
            "field": [
                "welsh_language_level",
                "ethnicity",
                "disability",
                "international_recruit",
                "date_of_birth",
                "sex",
                "nationality",
            ],
            "people": [3] * 7,
            "recorded": [3, 1, 3, 3, 2, 3, 3],
            "percent_recorded": [100.0, 33.3, 100.0, 100.0, 66.7, 100.0, 100.0],
        },
        schema={
            "source_kind": pl.Utf8,
            "field": pl.Utf8,
            "people": pl.Int64,
            "recorded": pl.Int64,
            "percent_recorded": pl.Float64,
        },
    )
    assert_frame_equal(out, expected)


def test_completeness_by_organisation() -> None:
    frame = posts(
        {"post_ref": "P1", "person_key": "p1", "welsh_language_level": None},
        {
            "post_ref": "P2",
            "person_key": "p2",
            "organisation_code": "CARE1",
            "organisation_name": "Care Home Ltd",
            "sector": "independent",
            "source_kind": "social_care",
        },
        {
            "post_ref": "P3",
            "person_key": "p1",
            "organisation_code": "CARE1",
            "organisation_name": "Care Home Ltd",
            "sector": "independent",
            "source_kind": "social_care",
            "welsh_language_level": None,
        },
    )
    report = assess_quality(frame, ORGS, CENSUS)
    welsh = report.completeness_by_organisation.filter(pl.col("field") == "welsh_language_level")
    assert welsh.select(
        "organisation_code", "sector", "people", "recorded", "percent_recorded"
    ).rows() == [
        ("CARE1", "independent", 2, 1, 50.0),
        ("ORG1", "nhs", 1, 0, 0.0),
    ]


# -- soft checks -----------------------------------------------------------------------------------


def test_each_soft_check_with_the_posts_that_fail_it() -> None:
    frame = posts(
        {"post_ref": "ok"},
        {"post_ref": "young", "year_of_birth": 2010, "start_date": dt.date(2024, 9, 1)},
        {"post_ref": "maybe_15", "year_of_birth": 2009, "start_date": dt.date(2025, 1, 1)},
        {"post_ref": "old", "year_of_birth": 1948},
        {"post_ref": "maybe_76", "year_of_birth": 1949},
        {"post_ref": "old_but_left", "year_of_birth": 1940, "end_date": dt.date(2010, 1, 1)},
        {"post_ref": "fte_off", "fte": 1.0, "contracted_hours_per_week": 30.0},
        {"post_ref": "fte_near", "fte": 0.9, "contracted_hours_per_week": 30.0},
        {"post_ref": "bank", "contract_type": "bank", "fte": 0.5, "contracted_hours_per_week": 0.0},
        {
            "post_ref": "zero_hours",
            "contract_type": "zero_hours",
            "fte": 0.3,
            "contracted_hours_per_week": 0.0,
        },
        {"post_ref": "low_pay", "hourly_rate_gbp": 11.44},
        {"post_ref": "nlw_pay", "hourly_rate_gbp": 12.21},
        {"post_ref": "perm_zero", "fte": 0.0, "contracted_hours_per_week": 0.0},
        {"post_ref": "child_start", "year_of_birth": 1990, "start_date": dt.date(2004, 6, 1)},
    )
    out = soft_check_failures(frame, CENSUS).select("post_ref", "check")
    expected = pl.DataFrame(
        {
            "post_ref": ["child_start", "fte_off", "low_pay", "old", "perm_zero", "young", "young"],
            "check": [
                STARTED_UNDER_16,
                FTE_NOT_HOURS,
                BELOW_NLW,
                AGE_OVER_75,
                PERMANENT_ZERO_HOURS,
                AGE_UNDER_16,
                STARTED_UNDER_16,
            ],
        }
    )
    assert_frame_equal(out, expected)


def test_soft_check_details_say_what_is_wrong() -> None:
    frame = posts(
        {"post_ref": "fte_off", "fte": 1.0, "contracted_hours_per_week": 30.0},
        {"post_ref": "low_pay", "hourly_rate_gbp": 11.44},
    )
    out = soft_check_failures(frame, CENSUS)
    assert out.select("organisation_code", "organisation_name", "post_ref", "detail").rows() == [
        ("ORG1", "Health Board One", "fte_off", "FTE 1.0 but 30.0 hours a week (0.8 FTE)"),
        ("ORG1", "Health Board One", "low_pay", "£11.44 an hour (National Living Wage £12.21)"),
    ]


def test_soft_check_counts_list_every_check() -> None:
    frame = posts({"post_ref": "low_pay", "hourly_rate_gbp": 10.0}, {"post_ref": "ok"})
    counts = assess_quality(frame, ORGS, CENSUS).soft_check_counts
    assert counts.rows() == [(c, 1 if c == BELOW_NLW else 0) for c in SOFT_CHECKS]


# -- coverage --------------------------------------------------------------------------------------


def test_organisations_expected_but_without_posts() -> None:
    frame = posts(
        {"post_ref": "P1"},
        {"post_ref": "P2", "organisation_code": "CARE1", "end_date": dt.date(2019, 1, 1)},
    )
    report = assess_quality(frame, ORGS, CENSUS)
    assert report.organisations_without_posts.select("code", "sector").rows() == [
        ("CARE2", "independent"),
        ("VOL1", "third_sector"),
    ]
    expected = pl.DataFrame(
        {
            "sector": ["independent", "nhs", "third_sector"],
            "expected": [2, 1, 1],
            "with_posts": [1, 1, 0],
            "without_posts": [1, 0, 1],
            "percent_with_posts": [50.0, 100.0, 0.0],
        },
        schema={
            "sector": pl.Utf8,
            "expected": pl.Int64,
            "with_posts": pl.Int64,
            "without_posts": pl.Int64,
            "percent_with_posts": pl.Float64,
        },
    )
    assert_frame_equal(report.coverage_by_sector, expected)


def test_volunteer_placements_count_as_data_received() -> None:
    volunteers = pl.DataFrame({"organisation_code": ["VOL1"]})
    report = assess_quality(posts({"post_ref": "P1"}), ORGS, CENSUS, volunteers=volunteers)
    assert report.organisations_without_posts["code"].to_list() == ["CARE1", "CARE2"]


# -- people in several organisations ---------------------------------------------------------------


def test_people_with_posts_in_several_organisations_by_pair_of_sectors() -> None:
    care = {
        "organisation_code": "CARE1",
        "sector": "independent",
        "organisation_name": "Care Home Ltd",
    }
    frame = posts(
        {"post_ref": "A1", "person_key": "a"},
        {"post_ref": "A2", "person_key": "a", **care},
        {"post_ref": "B1", "person_key": "b"},
        {"post_ref": "B2", "person_key": "b", "organisation_code": "ORG2"},  # two NHS employers
        {"post_ref": "C1", "person_key": "c"},
        {"post_ref": "C2", "person_key": "c"},  # two posts, one employer
        {"post_ref": "D1", "person_key": "d"},
        {"post_ref": "D2", "person_key": "d", **care, "end_date": dt.date(2020, 1, 1)},  # left
    )
    report = assess_quality(frame, ORGS, CENSUS)
    assert report.people_in_several_organisations == 2
    assert report.several_organisations_by_sectors.rows() == [
        ("independent", "nhs", 1),
        ("nhs", "nhs", 1),
    ]
    assert report.people_in_post == 4
    assert report.posts_in_post == 7


def test_an_empty_database_gives_an_empty_report() -> None:
    report = assess_quality(pl.DataFrame(schema=SCHEMA), ORGS, CENSUS)
    assert report.people_in_post == 0
    assert report.completeness_by_source.height == 0
    assert report.soft_check_failures.height == 0
    assert report.soft_check_counts["records"].to_list() == [0] * len(SOFT_CHECKS)
    assert report.organisations_without_posts.height == 4
    assert report.people_in_several_organisations == 0

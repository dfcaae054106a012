"""Spec: statutory roles. AMHP and section 12 approvals in, the stock on the census date out.

Census date 31 March 2025: expiry year 1 runs to 31 March 2026, year 2 to 31 March 2027, and so
on to year 5 (31 March 2030).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from careforce.results.statutory import COMBINED_AMHP_SHARE, StatutoryRolesReport, statutory_roles

CENSUS = dt.date(2025, 3, 31)
D = dt.date
APPROVAL_SCHEMA: dict[str, Any] = {
    "person_key": pl.String,
    "kind": pl.String,
    "approved_on": pl.Date,
    "expires_on": pl.Date,
    "approving_body": pl.String,
}
SECTOR = {"NHS1": "nhs", "LA1": "local_authority"}
LOCALITIES = pl.DataFrame(
    {"code": ["LA-A", "LA-B"], "name": ["Aberwen", "Bryn"]},
)


def approval(
    person: str, kind: str = "amhp", approved: dt.date = D(2022, 6, 1), expires: Any = "auto"
) -> dict[str, Any]:
    if expires == "auto":
        expires = approved.replace(year=approved.year + 5) - dt.timedelta(days=1)
    return {
        "person_key": person,
        "kind": kind,
        "approved_on": approved,
        "expires_on": expires,
        "approving_body": "LA1",
    }


def post(
    person: str,
    role: str = "social_worker",
    org: str = "LA1",
    *,
    fte: float = 1.0,
    end: dt.date | None = None,
    place: str = "LA-A",
) -> dict[str, Any]:
    return {
        "organisation_code": org,
        "post_ref": f"{org}-{person}-{role}",
        "person_key": person,
        "locality_code": place,
        "role_id": role,
        "fte": fte,
        "start_date": D(2015, 1, 1),
        "end_date": end,
        "sector": SECTOR[org],
    }


def roles(
    approvals: list[dict[str, Any]], posts: list[dict[str, Any]] | None = None
) -> StatutoryRolesReport:
    frame = pl.DataFrame(posts or [post("nobody")], schema_overrides={"end_date": pl.Date})
    return statutory_roles(
        pl.DataFrame(approvals, schema=APPROVAL_SCHEMA),
        frame,
        census_date=CENSUS,
        localities=LOCALITIES,
    )


def kind_row(report: StatutoryRolesReport, kind: str = "amhp") -> dict[str, Any]:
    return report.by_kind.filter(pl.col("kind") == kind).row(0, named=True)


def expiring(report: StatutoryRolesReport, kind: str = "amhp") -> list[int]:
    return report.expiries.filter(pl.col("kind") == kind)["expiring"].to_list()


def test_a_current_holder_counts_and_expires_in_the_year_their_approval_ends() -> None:
    # Approved 1 June 2022, last valid day 31 May 2027: expiring in year 3.
    report = roles([approval("ann")])
    assert kind_row(report)["current_holders"] == 1
    assert expiring(report) == [0, 0, 1, 0, 0]
    assert kind_row(report, "section_12")["current_holders"] == 0  # every kind is listed


def test_an_approval_expiring_in_year_two() -> None:
    report = roles([approval("ann", approved=D(2021, 9, 1), expires=D(2026, 8, 31))])
    assert expiring(report) == [0, 1, 0, 0, 0]
    years = report.expiries.filter(pl.col("kind") == "amhp").select("year", "first_day", "last_day")
    assert years.row(1) == (2, D(2026, 4, 1), D(2027, 3, 31))


def test_an_approval_whose_last_day_is_the_census_date_is_current_and_due_in_year_one() -> None:
    report = roles([approval("ann", approved=D(2020, 4, 1), expires=CENSUS)])
    assert kind_row(report)["current_holders"] == 1
    assert expiring(report) == [1, 0, 0, 0, 0]


def test_a_lapsed_approval_is_not_current_and_counts_as_lapsed_in_the_last_year() -> None:
    approvals = [
        approval("ann", approved=D(2019, 12, 1), expires=D(2024, 11, 30)),
        approval("bob", approved=D(2018, 1, 1), expires=D(2022, 12, 31)),  # lapsed long ago
        approval("cy", approved=D(2019, 4, 1), expires=D(2024, 3, 31)),  # a year to the day
    ]
    row = kind_row(roles(approvals))
    assert (row["current_holders"], row["lapsed_last_year"]) == (0, 2)


def test_two_approvals_of_one_kind_count_once_by_the_latest() -> None:
    approvals = [
        approval("ann", approved=D(2019, 4, 1), expires=D(2024, 3, 31)),
        approval("ann", approved=D(2024, 3, 1), expires=D(2029, 2, 28)),
    ]
    report = roles(approvals)
    row = kind_row(report)
    assert (row["current_holders"], row["lapsed_last_year"]) == (1, 0)
    assert expiring(report) == [0, 0, 0, 1, 0]
    assert report.holders.select("person_key", "approved_on").rows() == [("ann", D(2024, 3, 1))]


def test_a_re_approval_dated_after_the_census_is_not_counted_yet() -> None:
    approvals = [
        approval("ann", approved=D(2019, 12, 1), expires=D(2024, 11, 30)),
        approval("ann", approved=D(2025, 5, 1)),
    ]
    row = kind_row(roles(approvals))
    assert (row["current_holders"], row["lapsed_last_year"]) == (0, 1)


def test_a_missing_expiry_is_five_years_after_approval() -> None:
    report = roles([approval("ann", approved=D(2020, 6, 15), expires=None)])
    assert report.holders["expires_on"].to_list() == [D(2025, 6, 15)]
    assert expiring(report) == [1, 0, 0, 0, 0]


def test_amhp_fte_is_amhp_posts_plus_an_assumed_share_of_a_substantive_social_work_post() -> None:
    approvals = [approval("ann"), approval("bob"), approval("cy")]
    posts = [
        post("ann", "social_worker", fte=1.0),
        post("ann", "amhp", fte=0.3),  # AMHP sessions recorded as their own post
        post("bob", "social_worker", fte=0.6),  # AMHP work inside the social work post
        post("cy", "social_worker", end=D(2024, 1, 31)),  # no post on the census date
    ]
    row = roles(approvals, posts).fte_in_role.filter(pl.col("kind") == "amhp").row(0, named=True)
    assert row["current_holders"] == 3
    assert (row["holders_in_role_posts"], row["fte_role_posts"]) == (1, 0.3)
    assert row["holders_combined"] == 1
    assert row["fte_combined"] == pytest.approx(0.6 * COMBINED_AMHP_SHARE)
    assert row["fte_in_role"] == pytest.approx(0.3 + 0.6 * COMBINED_AMHP_SHARE)


def test_section_12_doctors_by_the_role_they_hold_with_the_fte_of_those_posts() -> None:
    approvals = [
        approval("doc1", "section_12"),
        approval("doc2", "section_12"),
        approval("doc3", "section_12"),
    ]
    posts = [
        post("doc1", "consultant_psychiatrist", "NHS1", fte=0.8),
        post("doc2", "gp", "NHS1", fte=0.5, place="LA-B"),
    ]
    report = roles(approvals, posts)
    expected = pl.DataFrame(
        {
            "kind": ["section_12"] * 3,
            "role_id": ["consultant_psychiatrist", "gp", "unassigned"],
            "holders": [1, 1, 1],
            "fte": [0.8, 0.5, 0.0],
        }
    )
    assert_frame_equal(report.holders_by_role, expected)
    by_area = report.holders_by_area.select("area", "holders").rows()
    assert by_area == [("Aberwen", 1), ("Bryn", 1), ("unassigned", 1)]
    assert report.holders_by_sector.select("sector", "holders").rows() == [
        ("nhs", 2),
        ("unassigned", 1),
    ]
    fte = report.fte_in_role.filter(pl.col("kind") == "section_12").row(0, named=True)
    assert (fte["holders_in_role_posts"], fte["fte_in_role"]) == (2, pytest.approx(1.3))


def test_a_holder_with_posts_in_two_areas_counts_once_in_each_and_once_in_the_total() -> None:
    posts = [post("ann", place="LA-A"), post("ann", "amhp", fte=0.2, place="LA-B")]
    report = roles([approval("ann")], posts)
    assert report.holders_by_area.select("area", "holders").rows() == [("Aberwen", 1), ("Bryn", 1)]
    assert kind_row(report)["current_holders"] == 1

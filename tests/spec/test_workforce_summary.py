"""Spec: the workforce summary. Each test is a tiny table in, one operation, the expected table out.

Census date 31 March 2025 throughout; three years of history (2022-23, 2023-24, 2024-25).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from careforce.results import summarise_workforce
from careforce.results.ages import DEFAULT_RETIREMENT_HAZARD
from careforce.results.workforce import WorkforceSummary

CENSUS = dt.date(2025, 3, 31)
D = dt.date

POST_SCHEMA: dict[str, Any] = {
    "organisation_code": pl.String,
    "post_ref": pl.String,
    "person_key": pl.String,
    "locality_code": pl.String,
    "role_id": pl.String,
    "source_role_code": pl.String,
    "setting": pl.String,
    "contract_type": pl.String,
    "pay_band": pl.String,
    "hourly_rate_gbp": pl.Float64,
    "contracted_hours_per_week": pl.Float64,
    "fte": pl.Float64,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "leaving_reason": pl.String,
    "source_kind": pl.String,
    "year_of_birth": pl.Int64,
    "age_band": pl.String,
    "sex": pl.String,
    "ethnicity": pl.String,
    "disability": pl.String,
    "welsh_language_level": pl.Int64,
    "nationality": pl.String,
    "international_recruit": pl.Boolean,
    "sector": pl.String,
    "organisation_name": pl.String,
}
ORGS = {"NHS1": "nhs", "LA1": "local_authority", "IND1": "independent"}


def key(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def post(
    person: str,
    role: str = "rn_adult",
    org: str = "NHS1",
    *,
    start: dt.date = D(2020, 1, 1),
    end: dt.date | None = None,
    fte: float = 1.0,
    reason: str | None = None,
    born: int | None = 1980,
    band: str | None = None,
    place: str = "LA-A",
) -> dict[str, Any]:
    return {
        "organisation_code": org,
        "post_ref": f"{org}-{person}-{role}-{start}",
        "person_key": key(person),
        "locality_code": place,
        "role_id": role,
        "setting": "community",
        "contract_type": "permanent",
        "contracted_hours_per_week": 37.5 * fte,
        "fte": fte,
        "start_date": start,
        "end_date": end,
        "leaving_reason": reason,
        "source_kind": "test",
        "year_of_birth": born,
        "age_band": band,
        "sector": ORGS[org],
        "organisation_name": org,
    }


LOCALITIES = pl.DataFrame(
    {
        "code": ["W", "R", "LA-A", "LA-B"],
        "name": ["Wales", "Test Region", "Aberwen", "Bryn"],
        "level": ["nation", "region", "local_authority_area", "local_authority_area"],
        "parent_code": [None, "W", "R", "R"],
    }
)
ORGANISATIONS = pl.DataFrame(
    {
        "code": list(ORGS),
        "name": list(ORGS),
        "sector": list(ORGS.values()),
        "locality_code": ["LA-A"] * len(ORGS),
    }
)
NO_VACANCIES = pl.DataFrame(
    schema={
        "organisation_code": pl.String,
        "vacancy_ref": pl.String,
        "role_id": pl.String,
        "locality_code": pl.String,
        "fte": pl.Float64,
        "since": pl.Date,
    }
)
NO_VOLUNTEERS = pl.DataFrame(
    schema={
        "organisation_code": pl.String,
        "volunteer_ref": pl.String,
        "person_key": pl.String,
        "locality_code": pl.String,
        "role_id": pl.String,
        "hours_per_week": pl.Float64,
        "start_date": pl.Date,
        "end_date": pl.Date,
    }
)


def summarise(
    posts: list[dict[str, Any]],
    vacancies: pl.DataFrame = NO_VACANCIES,
    volunteers: pl.DataFrame = NO_VOLUNTEERS,
) -> WorkforceSummary:
    frame = pl.DataFrame(posts, schema=POST_SCHEMA)
    return summarise_workforce(
        frame, vacancies, volunteers, LOCALITIES, ORGANISATIONS, census_date=CENSUS
    )


def year(frame: pl.DataFrame, label: str, **where: str) -> dict[str, Any]:
    rows = frame.filter(pl.col("year") == label)
    for column, value in where.items():
        rows = rows.filter(pl.col(column) == value)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# --- today's workforce -------------------------------------------------------------------------


def test_a_person_in_two_sectors_counts_once_in_the_total_and_once_in_each_sector() -> None:
    s = summarise(
        [
            post("ann", "rn_adult", "NHS1", fte=0.6),
            post("ann", "sc_care_worker_res", "IND1", fte=0.3),
            post("bob", "rn_adult", "NHS1", fte=1.0),
        ]
    )
    assert s.total_headcount == 2
    assert s.total_fte == pytest.approx(1.9)
    assert_frame_equal(
        s.by_sector,
        pl.DataFrame({"sector": ["nhs", "independent"], "headcount": [2, 1], "fte": [1.6, 0.3]}),
    )
    assert_frame_equal(
        s.by_staff_group,
        pl.DataFrame(
            {
                "staff_group": ["registered_nursing_midwifery", "social_care_direct"],
                "headcount": [2, 1],
                "fte": [1.6, 0.3],
            }
        ),
    )


def test_a_person_in_two_posts_of_one_group_counts_once_and_their_fte_sums() -> None:
    s = summarise(
        [post("ann", start=D(2020, 1, 1), fte=0.5), post("ann", start=D(2021, 1, 1), fte=0.4)]
    )
    assert_frame_equal(
        s.by_staff_group,
        pl.DataFrame(
            {"staff_group": ["registered_nursing_midwifery"], "headcount": [1], "fte": [0.9]}
        ),
    )


def test_in_post_on_the_census_date_counts_the_end_date_as_the_last_day_in_post() -> None:
    s = summarise(
        [
            post("ends-on-census", end=CENSUS),
            post("ended-day-before", end=D(2025, 3, 30)),
            post("starts-on-census", start=CENSUS),
            post("starts-day-after", start=D(2025, 4, 1)),
        ]
    )
    assert s.total_headcount == 2  # ends-on-census and starts-on-census


def test_areas_are_local_authority_names_and_roles_map_to_staff_groups() -> None:
    s = summarise(
        [
            post("ann", "social_worker", "LA1", place="LA-A"),
            post("bob", "social_worker", "LA1", place="LA-B", fte=0.5),
            post("cat", "hcsw", "NHS1", place="LA-B"),
        ]
    )
    assert_frame_equal(
        s.by_area,
        pl.DataFrame(
            {
                "area_code": ["LA-A", "LA-B"],
                "area": ["Aberwen", "Bryn"],
                "headcount": [1, 2],
                "fte": [1.0, 1.5],
            }
        ),
    )
    assert s.by_staff_group["staff_group"].to_list() == ["nursing_support", "social_work"]
    assert s.region_name == "Test Region"


def test_a_role_the_catalogue_does_not_know_is_unassigned() -> None:
    s = summarise([post("ann", "no_such_role")])
    assert s.by_staff_group["staff_group"].to_list() == ["unassigned"]


# --- age and retirement ------------------------------------------------------------------------


def test_age_profile_uses_year_of_birth_then_age_band_and_leaves_unknown_out_of_shares() -> None:
    s = summarise(
        [
            post("young", born=2000),  # 25 in 2025
            post("old", born=1965),  # 60
            post("banded", born=None, band="55-64"),
            post("unknown", born=None, band=None),
        ]
    )
    profile = s.age_profile.filter(pl.col("headcount") > 0)
    assert_frame_equal(
        profile,
        pl.DataFrame(
            {
                "staff_group": ["registered_nursing_midwifery"] * 3,
                "age_band": ["25-34", "55-64", "unknown"],
                "headcount": [1, 2, 1],
            }
        ),
    )
    assert s.headcount_known_age == 3
    assert s.aged_55_plus == 2
    assert s.share_55_plus == pytest.approx(2 / 3)


def test_share_due_to_retire_in_ten_years_ages_each_person_a_year_each_year() -> None:
    s = summarise([post("sixty", born=1965)])  # 60 on the census date
    # 60-64: 15% a year for five years, 65-67: 35% for three, 68+: 60% for two.
    expected = 1 - (0.85**5) * (0.65**3) * (0.40**2)
    assert s.share_retiring_10y == pytest.approx(expected)
    assert s.expected_retirements_10y == pytest.approx(expected)
    assert DEFAULT_RETIREMENT_HAZARD.within(60) == pytest.approx(expected)


def test_share_due_to_retire_for_a_banded_age_averages_over_the_band() -> None:
    s = summarise([post("banded", born=None, band="55-64")])
    by_age = [DEFAULT_RETIREMENT_HAZARD.within(a) for a in range(55, 65)]
    assert s.share_retiring_10y == pytest.approx(sum(by_age) / len(by_age))


def test_a_young_workforce_retires_at_the_background_rate() -> None:
    s = summarise([post("twenty", born=2005)])
    assert s.share_retiring_10y == pytest.approx(1 - 0.995**10)


# --- leavers and joiners -----------------------------------------------------------------------


def test_a_leaver_is_counted_in_the_year_their_last_day_falls_in() -> None:
    s = summarise(
        [
            post("stays-a", start=D(2015, 1, 1)),
            post("stays-b", start=D(2015, 1, 1)),
            post("left-31-mar-24", start=D(2015, 1, 1), end=D(2024, 3, 31), reason="retirement"),
            post("left-1-apr-24", start=D(2015, 1, 1), end=D(2024, 4, 1)),
        ]
    )
    flows = s.flows_overall
    assert flows["year"].to_list() == ["2022-23", "2023-24", "2024-25"]
    y23 = year(flows, "2023-24")
    y24 = year(flows, "2024-25")
    assert (y23["leavers"], y23["retirements"]) == (1, 1)
    assert (y24["leavers"], y24["retirements"]) == (1, 0)
    # The end date is the last day in post: whoever leaves on 31 March 2024 is still in post on
    # that day, so is in both the 2023-24 end headcount and its leavers.
    assert (y23["headcount_start"], y23["headcount_end"]) == (4, 4)
    assert y23["leaver_rate"] == pytest.approx(1 / 4)
    assert y23["retirement_share"] == pytest.approx(1.0)
    assert (y24["headcount_start"], y24["headcount_end"]) == (4, 2)
    assert y24["mean_headcount"] == pytest.approx(3.0)
    assert y24["leaver_rate"] == pytest.approx(1 / 3)
    assert year(flows, "2022-23")["leavers"] == 0


def test_moving_between_posts_in_one_group_is_not_leaving_it() -> None:
    s = summarise(
        [
            post("mover", "rn_adult", start=D(2015, 1, 1), end=D(2024, 6, 30)),
            post("mover", "district_nurse", start=D(2024, 7, 1)),
        ]
    )
    y = year(s.flows_by_staff_group, "2024-25", staff_group="registered_nursing_midwifery")
    assert (y["leavers"], y["joiners"]) == (0, 0)


def test_moving_to_another_group_leaves_one_and_joins_the_other_but_not_the_workforce() -> None:
    s = summarise(
        [
            post("mover", "hcsw", start=D(2015, 1, 1), end=D(2024, 6, 30)),
            post("mover", "rn_adult", start=D(2024, 7, 1)),
        ]
    )
    support = year(s.flows_by_staff_group, "2024-25", staff_group="nursing_support")
    nursing = year(s.flows_by_staff_group, "2024-25", staff_group="registered_nursing_midwifery")
    overall = year(s.flows_overall, "2024-25")
    assert (support["leavers"], support["joiners"]) == (1, 0)
    assert (nursing["leavers"], nursing["joiners"]) == (0, 1)
    assert (overall["leavers"], overall["joiners"]) == (0, 0)


def test_a_person_leaving_two_posts_in_a_year_is_one_leaver() -> None:
    s = summarise(
        [
            post("two-posts", start=D(2015, 1, 1), end=D(2024, 5, 1), fte=0.5),
            post("two-posts", start=D(2016, 1, 1), end=D(2024, 9, 1), fte=0.5),
        ]
    )
    assert year(s.flows_overall, "2024-25")["leavers"] == 1


def test_joiners_started_in_the_year_and_held_no_post_the_day_before() -> None:
    s = summarise(
        [
            post("old-hand", start=D(2015, 1, 1)),
            post("new", start=D(2024, 4, 1)),  # first day of 2024-25
            post("earlier", start=D(2024, 3, 31)),  # last day of 2023-24
        ]
    )
    assert year(s.flows_overall, "2024-25")["joiners"] == 1
    assert year(s.flows_overall, "2023-24")["joiners"] == 1
    y = year(s.flows_overall, "2024-25")
    assert y["joiner_rate"] == pytest.approx(1 / 2.5)  # 2 at the start, 3 at the end


def test_a_cell_with_no_staff_in_the_year_has_no_rate() -> None:
    s = summarise([post("recent", start=D(2024, 10, 1))])
    y = year(s.flows_overall, "2024-25")
    assert (y["headcount_start"], y["headcount_end"], y["joiners"]) == (0, 1, 1)
    assert y["leaver_rate"] == 0.0
    assert y["retirement_share"] is None
    assert s.flows_overall.filter(pl.col("year") == "2022-23").height == 0


# --- vacancies and volunteers ------------------------------------------------------------------


def test_vacancy_rate_is_vacant_fte_over_vacant_plus_in_post() -> None:
    vacancies = pl.DataFrame(
        {
            "organisation_code": ["NHS1", "NHS1", "LA1"],
            "vacancy_ref": ["V1", "V2", "V3"],
            "role_id": ["rn_adult", "rn_adult", "social_worker"],
            "locality_code": ["LA-A"] * 3,
            "fte": [1.0, 0.5, 1.0],
            "since": [D(2025, 1, 1), D(2025, 4, 2), D(2024, 1, 1)],  # V2 opens after the census
        }
    )
    s = summarise([post("ann", fte=1.0), post("bob", fte=1.0), post("cat", fte=1.0)], vacancies)
    assert_frame_equal(
        s.vacancies_by_staff_group,
        pl.DataFrame(
            {
                "staff_group": ["registered_nursing_midwifery", "social_work"],
                "vacant_fte": [1.0, 1.0],
                "fte_in_post": [3.0, 0.0],
                "headcount_in_post": [3, 0],
                "vacancy_rate": [0.25, 1.0],
            }
        ),
    )
    assert s.vacant_fte == pytest.approx(2.0)
    assert s.vacancy_rate == pytest.approx(2.0 / 5.0)
    assert s.vacancies_by_sector["sector"].to_list() == ["nhs", "local_authority"]


def test_volunteers_by_area_count_people_once_and_sum_their_hours() -> None:
    volunteers = pl.DataFrame(
        {
            "organisation_code": ["IND1"] * 4,
            "volunteer_ref": ["A1", "A2", "B1", "OLD"],
            "person_key": [key("v1"), key("v1"), key("v2"), key("v3")],
            "locality_code": ["LA-A", "LA-A", "LA-B", "LA-B"],
            "role_id": ["volunteer"] * 4,
            "hours_per_week": [2.0, 3.0, 4.0, 9.0],
            "start_date": [D(2024, 1, 1)] * 4,
            "end_date": [None, None, None, D(2024, 12, 31)],
        },
        schema_overrides={"end_date": pl.Date},
    )
    s = summarise([post("ann")], volunteers=volunteers)
    assert_frame_equal(
        s.volunteers_by_area,
        pl.DataFrame(
            {
                "area_code": ["LA-A", "LA-B"],
                "area": ["Aberwen", "Bryn"],
                "headcount": [1, 1],
                "hours_per_week": [5.0, 4.0],
            }
        ),
    )
    assert (s.volunteer_headcount, s.volunteer_hours_per_week) == (2, 9.0)


def test_an_empty_workforce_gives_empty_tables_and_no_shares() -> None:
    s = summarise([])
    assert (s.total_headcount, s.total_fte) == (0, 0.0)
    assert s.by_sector.height == 0
    assert s.share_55_plus is None
    assert s.vacancy_rate is None

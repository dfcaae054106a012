"""The workforce on a census date and over its recent history: the planners' summary tables.

**Headcount and FTE.** Headcount counts people: a person counts once in every cell they have a post
in, and once in the total. A person with posts in two sectors (a nurse with an NHS post and a bank
shift in a care home) counts once in each sector and once in the total, so the sector headcounts add
up to more than the total. FTE sums posts, so FTE always adds up.

**In post on the census date:** a post that started on or before the census date and has no end
date, or an end date on or after it (the end date is the last day in post).

**Area:** the local authority area of the post's locality (see `_common.with_area`).

**Vacancies:** those open on the census date (`since` on or before it), by the staff group of their
role and the sector of their organisation. Vacancy rate = vacant FTE / (vacant FTE + FTE in post).

**Volunteers:** those volunteering on the census date (same rule), by area: headcount (people once)
and hours a week (summed).

Age profile and retirement: `careforce.results.ages`; leavers and joiners: `careforce.results.flows`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from careforce.results._common import (
    SECTOR_ORDER,
    STAFF_GROUP_ORDER,
    UNASSIGNED,
    count_people,
    in_post_on,
    order_by,
    region_name,
    sector_column,
    sum_fte,
    with_area,
    with_staff_group,
)
from careforce.results.ages import (
    DEFAULT_RETIREMENT_HAZARD,
    RetirementHazard,
    age_profile,
    people_with_age,
    retirement_outlook,
)
from careforce.results.flows import history_years as _history_years
from careforce.results.flows import leaver_joiner_rates


@dataclass(frozen=True, slots=True, eq=False)
class WorkforceSummary:
    """The workforce on `census_date`, its age, its flows over `history_years` years, vacancies.

    Frames (column names in brackets; `staff_group` and `sector` hold the enum values):
    - by_sector [sector, headcount, fte]; by_staff_group [staff_group, headcount, fte];
      by_area [area_code, area, headcount, fte]; by_staff_group_sector [staff_group, sector,
      headcount, fte]
    - age_profile [staff_group, age_band, headcount] (bands of `domain.workforce.AGE_BANDS` and
      "unknown"); age_profile_overall [age_band, headcount] (people once); retirement [staff_group, headcount, headcount_known_age, aged_55_plus,
      share_55_plus, expected_retirements_10y, share_retiring_10y]
    - flows_by_staff_group, flows_by_sector, flows_overall: see `flows.leaver_joiner_rates`
    - vacancies_by_staff_group [staff_group, vacant_fte, fte_in_post, headcount_in_post,
      vacancy_rate]; vacancies_by_sector [sector, ...the same]
    - volunteers_by_area [area_code, area, headcount, hours_per_week]
    Shares and rates are fractions (0.125 is 12.5%), null where the denominator is zero.
    """

    census_date: dt.date
    history_years: int
    region_name: str | None
    total_headcount: int
    total_fte: float
    by_sector: pl.DataFrame
    by_staff_group: pl.DataFrame
    by_area: pl.DataFrame
    by_staff_group_sector: pl.DataFrame
    age_profile: pl.DataFrame
    age_profile_overall: pl.DataFrame
    retirement: pl.DataFrame
    headcount_known_age: int
    aged_55_plus: int
    share_55_plus: float | None
    expected_retirements_10y: float
    share_retiring_10y: float | None
    flows_by_staff_group: pl.DataFrame
    flows_by_sector: pl.DataFrame
    flows_overall: pl.DataFrame
    vacancies_by_staff_group: pl.DataFrame
    vacancies_by_sector: pl.DataFrame
    vacant_fte: float
    vacancy_rate: float | None
    volunteers_by_area: pl.DataFrame
    volunteer_headcount: int
    volunteer_hours_per_week: float
    retirement_hazard: RetirementHazard = DEFAULT_RETIREMENT_HAZARD


def _people_fte(posts: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return posts.group_by(by).agg(count_people(), sum_fte())


def _vacancy_table(
    open_vacancies: pl.DataFrame, in_post: pl.DataFrame, by: str, order: tuple[str, ...]
) -> pl.DataFrame:
    vacant = open_vacancies.group_by(by).agg(
        pl.col("fte").cast(pl.Float64).sum().alias("vacant_fte")
    )
    staffed = in_post.group_by(by).agg(
        sum_fte().alias("fte_in_post"), count_people().alias("headcount_in_post")
    )
    table = vacant.join(staffed, on=by, how="full", coalesce=True).with_columns(
        pl.col("vacant_fte", "fte_in_post").fill_null(0.0),
        pl.col("headcount_in_post").fill_null(0),
    )
    establishment = pl.col("vacant_fte") + pl.col("fte_in_post")
    table = table.with_columns(
        pl.when(establishment > 0)
        .then(pl.col("vacant_fte") / establishment)
        .otherwise(None)
        .alias("vacancy_rate")
    )
    return order_by(table, by, order).select(
        by, "vacant_fte", "fte_in_post", "headcount_in_post", "vacancy_rate"
    )


def _open_vacancies(
    vacancies: pl.DataFrame, organisations: pl.DataFrame, census_date: dt.date
) -> pl.DataFrame:
    sectors = organisations.select(pl.col("code").alias("organisation_code"), "sector")
    open_now = vacancies.filter(pl.col("since") <= census_date)
    open_now = open_now.join(sectors, on="organisation_code", how="left", maintain_order="left")
    return sector_column(with_staff_group(open_now))


def _volunteers(
    volunteers: pl.DataFrame, localities: pl.DataFrame, census_date: dt.date
) -> pl.DataFrame:
    active = with_area(volunteers.filter(in_post_on(census_date)), localities)
    return (
        active.group_by("area_code", "area")
        .agg(
            count_people(),
            pl.col("hours_per_week").cast(pl.Float64).sum().alias("hours_per_week"),
        )
        .sort("area", "area_code")
    )


def summarise_workforce(
    posts_with_people: pl.DataFrame,
    vacancies: pl.DataFrame,
    volunteers: pl.DataFrame,
    localities: pl.DataFrame,
    organisations: pl.DataFrame,
    *,
    census_date: dt.date,
    history_years: int = 3,
    retirement_hazard: RetirementHazard = DEFAULT_RETIREMENT_HAZARD,
) -> WorkforceSummary:
    """Summarise the workforce for a planning board (see the module notes for every definition).

    Inputs are the store's frames: posts joined to their people and organisation (one row a post,
    with `sector` the organisation's sector), vacancies, volunteers, localities, organisations.
    Columns used: posts_with_people person_key, role_id, locality_code, sector, fte, start_date,
    end_date, leaving_reason, year_of_birth, age_band; vacancies organisation_code, role_id, fte,
    since; volunteers person_key, locality_code, hours_per_week, start_date, end_date; localities
    code, name, level; organisations code, sector. Other columns are ignored.
    """
    posts = sector_column(with_area(with_staff_group(posts_with_people), localities))
    in_post = posts.filter(in_post_on(census_date))

    by_sector = order_by(_people_fte(in_post, ["sector"]), "sector", SECTOR_ORDER)
    by_group = order_by(_people_fte(in_post, ["staff_group"]), "staff_group", STAFF_GROUP_ORDER)
    by_area = _people_fte(in_post, ["area_code", "area"]).sort("area", "area_code")
    by_group_sector = order_by(
        order_by(_people_fte(in_post, ["staff_group", "sector"]), "sector", SECTOR_ORDER),
        "staff_group",
        STAFF_GROUP_ORDER,
    )

    people_groups = people_with_age(
        in_post.unique(["person_key", "staff_group"], keep="first", maintain_order=True),
        census_date,
    )
    retirement, everyone = retirement_outlook(people_groups, retirement_hazard)
    everyone_in_post = people_groups.unique("person_key", keep="first", maintain_order=True)
    everyone_in_post = everyone_in_post.with_columns(pl.lit("all").alias("staff_group"))
    overall = everyone.row(0, named=True)

    years = _history_years(census_date, history_years)
    flows_group = leaver_joiner_rates(posts, ["staff_group"], years)
    flows_sector = leaver_joiner_rates(posts, ["sector"], years)
    flows_group = order_by(flows_group, "staff_group", STAFF_GROUP_ORDER).sort(
        "first_day", maintain_order=True
    )
    flows_sector = order_by(flows_sector, "sector", SECTOR_ORDER).sort(
        "first_day", maintain_order=True
    )

    open_vacancies = _open_vacancies(vacancies, organisations, census_date)
    vacant_fte = float(open_vacancies["fte"].cast(pl.Float64).sum())
    total_fte = float(in_post["fte"].cast(pl.Float64).sum())
    establishment = vacant_fte + total_fte

    active_volunteers = volunteers.filter(in_post_on(census_date))
    return WorkforceSummary(
        census_date=census_date,
        history_years=history_years,
        region_name=region_name(localities),
        total_headcount=int(in_post["person_key"].n_unique()),
        total_fte=total_fte,
        by_sector=by_sector,
        by_staff_group=by_group,
        by_area=by_area,
        by_staff_group_sector=by_group_sector,
        age_profile=age_profile(people_groups),
        age_profile_overall=age_profile(everyone_in_post).drop("staff_group"),
        retirement=retirement,
        headcount_known_age=int(overall["headcount_known_age"]),
        aged_55_plus=int(overall["aged_55_plus"]),
        share_55_plus=overall["share_55_plus"],
        expected_retirements_10y=float(overall["expected_retirements_10y"] or 0.0),
        share_retiring_10y=overall["share_retiring_10y"],
        flows_by_staff_group=flows_group,
        flows_by_sector=flows_sector,
        flows_overall=leaver_joiner_rates(posts, [], years),
        vacancies_by_staff_group=_vacancy_table(
            open_vacancies, in_post, "staff_group", STAFF_GROUP_ORDER
        ),
        vacancies_by_sector=_vacancy_table(open_vacancies, in_post, "sector", SECTOR_ORDER),
        vacant_fte=vacant_fte,
        vacancy_rate=vacant_fte / establishment if establishment > 0 else None,
        volunteers_by_area=_volunteers(volunteers, localities, census_date),
        volunteer_headcount=int(active_volunteers["person_key"].n_unique()),
        volunteer_hours_per_week=float(active_volunteers["hours_per_week"].cast(pl.Float64).sum()),
        retirement_hazard=retirement_hazard,
    )


__all__ = ["UNASSIGNED", "WorkforceSummary", "summarise_workforce"]

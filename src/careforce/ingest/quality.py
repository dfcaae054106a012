"""The data quality report: completeness, records failing soft checks, coverage, linkage.

Pure functions over polars frames as the store returns them:

- `posts_with_people`: every posts column, the person's columns (year_of_birth, age_band, sex,
  ethnicity, disability, welsh_language_level, nationality, international_recruit), and the
  organisation's `sector` and `organisation_name`;
- `organisations`: code, name, sector, locality_code (the organisations expected to send data).

Completeness counts people in post on the census date (a post is in post from its start date to
its end date, both included), once per source or organisation however many posts they hold there.
Soft checks are warnings, not errors: they look at every post, except the age-in-post checks, which
look at posts in post on the census date. Ages come from the year of birth, so a check fires only
when it holds whatever the birthday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from careforce.ingest.staff import STANDARD_WEEKLY_HOURS

NATIONAL_LIVING_WAGE_GBP = 12.21  # from April 2025 (figures.md, S17)
FTE_TOLERANCE = 0.1
YOUNGEST_IN_POST = 16
OLDEST_IN_POST = 75

COMPLETENESS_FIELDS = (
    "welsh_language_level",
    "ethnicity",
    "disability",
    "international_recruit",
    "date_of_birth",
    "sex",
    "nationality",
)

AGE_UNDER_16 = "age under 16 in post"
AGE_OVER_75 = "age over 75 in post"
FTE_NOT_HOURS = "FTE does not match contracted hours / 37.5"
BELOW_NLW = "hourly rate below the National Living Wage"
PERMANENT_ZERO_HOURS = "permanent contract with 0 hours"
STARTED_UNDER_16 = "post started before the person turned 16"
SOFT_CHECKS = (
    AGE_UNDER_16,
    AGE_OVER_75,
    FTE_NOT_HOURS,
    BELOW_NLW,
    PERMANENT_ZERO_HOURS,
    STARTED_UNDER_16,
)


@dataclass(frozen=True)
class QualityReport:
    """Frames for the report and a few headline figures.

    completeness_by_source: source_kind, field, people, recorded, percent_recorded
    completeness_by_organisation: organisation_code, organisation_name, sector, field, people,
        recorded, percent_recorded
    soft_check_failures: organisation_code, organisation_name, post_ref, check, detail
    soft_check_counts: check, records (every check, 0 where none failed)
    organisations_without_posts: code, name, sector, locality_code
    coverage_by_sector: sector, expected, with_posts, without_posts, percent_with_posts
    several_organisations_by_sectors: sector_a, sector_b, people (sector_a <= sector_b)
    """

    census_date: dt.date
    people_in_post: int
    posts_in_post: int
    completeness_by_source: pl.DataFrame
    completeness_by_organisation: pl.DataFrame
    soft_check_failures: pl.DataFrame
    soft_check_counts: pl.DataFrame
    organisations_without_posts: pl.DataFrame
    coverage_by_sector: pl.DataFrame
    people_in_several_organisations: int
    several_organisations_by_sectors: pl.DataFrame


def in_post_on(census_date: dt.date) -> pl.Expr:
    """True for a post held on the census date."""
    day = pl.lit(census_date)
    return (pl.col("start_date") <= day) & (
        pl.col("end_date").is_null() | (pl.col("end_date") >= day)
    )


def _recorded(field: str) -> pl.Expr:
    if field == "date_of_birth":
        return pl.col("year_of_birth").is_not_null() | pl.col("age_band").is_not_null()
    return pl.col(field).is_not_null()


def completeness(in_post: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Share of people with each field recorded, per group of `by` (people counted once a group)."""
    people = in_post.select(
        *by, "person_key", *(_recorded(f).alias(f) for f in COMPLETENESS_FIELDS)
    ).unique([*by, "person_key"], keep="first", maintain_order=True)
    field_order = pl.Enum(COMPLETENESS_FIELDS)
    long = people.unpivot(
        index=[*by, "person_key"],
        on=list(COMPLETENESS_FIELDS),
        variable_name="field",
        value_name="is_recorded",
    ).with_columns(pl.col("field").cast(field_order))
    out = (
        long.group_by([*by, "field"])
        .agg(
            pl.len().cast(pl.Int64).alias("people"),
            pl.col("is_recorded").sum().cast(pl.Int64).alias("recorded"),
        )
        .with_columns(
            (100.0 * pl.col("recorded") / pl.col("people")).round(1).alias("percent_recorded")
        )
        .sort([*by, "field"])
    )
    return out.with_columns(pl.col("field").cast(pl.Utf8))


def soft_check_failures(
    posts: pl.DataFrame,
    census_date: dt.date,
    national_living_wage_gbp: float = NATIONAL_LIVING_WAGE_GBP,
) -> pl.DataFrame:
    """Every post failing a soft check: organisation_code, organisation_name, post_ref, check, detail."""
    yob = pl.col("year_of_birth")
    youngest_age = census_date.year - yob - 1  # their age on the census date is this or one more
    oldest_age = census_date.year - yob
    hours = pl.col("contracted_hours_per_week")
    expected_fte = hours / STANDARD_WEEKLY_HOURS
    salaried = ~pl.col("contract_type").is_in(["bank", "zero_hours"])
    at_start = pl.col("start_date").dt.year() - yob  # their age at the start, or one less
    rules: list[tuple[str, pl.Expr, pl.Expr]] = [
        (
            AGE_UNDER_16,
            in_post_on(census_date) & (oldest_age < YOUNGEST_IN_POST),
            pl.format("born {}", yob),
        ),
        (
            AGE_OVER_75,
            in_post_on(census_date) & (youngest_age > OLDEST_IN_POST),
            pl.format("born {}", yob),
        ),
        (
            FTE_NOT_HOURS,
            salaried & ((pl.col("fte") - expected_fte).abs() > FTE_TOLERANCE),
            pl.format(
                "FTE {} but {} hours a week ({} FTE)",
                pl.col("fte").round(2),
                hours.round(2),
                expected_fte.round(2),
            ),
        ),
        (
            BELOW_NLW,
            pl.col("hourly_rate_gbp") < national_living_wage_gbp,
            pl.format(
                "£{} an hour (National Living Wage £{})",
                pl.col("hourly_rate_gbp").round(2),
                pl.lit(f"{national_living_wage_gbp:.2f}"),
            ),
        ),
        (
            PERMANENT_ZERO_HOURS,
            (pl.col("contract_type") == "permanent") & (hours == 0),
            pl.lit("permanent, 0 hours a week"),
        ),
        (
            STARTED_UNDER_16,
            at_start < YOUNGEST_IN_POST,
            pl.format("born {}, started {}", yob, pl.col("start_date").dt.to_string("%Y-%m-%d")),
        ),
    ]
    columns = ["organisation_code", "organisation_name", "post_ref"]
    parts = [
        posts.filter(mask.fill_null(False)).select(
            *columns, pl.lit(name).alias("check"), detail.cast(pl.Utf8).alias("detail")
        )
        for name, mask, detail in rules
    ]
    return pl.concat(parts).sort(["organisation_code", "post_ref", "check"])


def _coverage(
    posts: pl.DataFrame, organisations: pl.DataFrame, volunteers: pl.DataFrame | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    with_data = posts.select(pl.col("organisation_code").alias("code"))
    if volunteers is not None:
        with_data = pl.concat(
            [with_data, volunteers.select(pl.col("organisation_code").alias("code"))]
        )
    with_data = with_data.unique()
    missing = (
        organisations.join(with_data, on="code", how="anti")
        .select("code", "name", "sector", "locality_code")
        .sort(["sector", "code"])
    )
    by_sector = (
        organisations.with_columns(pl.col("code").is_in(with_data["code"].implode()).alias("_has"))
        .group_by("sector")
        .agg(
            pl.len().cast(pl.Int64).alias("expected"),
            pl.col("_has").sum().cast(pl.Int64).alias("with_posts"),
        )
        .with_columns(
            (pl.col("expected") - pl.col("with_posts")).alias("without_posts"),
            (100.0 * pl.col("with_posts") / pl.col("expected"))
            .round(1)
            .alias("percent_with_posts"),
        )
        .sort("sector")
    )
    return missing, by_sector


def _several_organisations(in_post: pl.DataFrame) -> tuple[int, pl.DataFrame]:
    held = in_post.select("person_key", "organisation_code", "sector").unique()
    several = held.filter(pl.col("organisation_code").n_unique().over("person_key") > 1)
    people = several["person_key"].n_unique()
    pairs = (
        several.join(several, on="person_key", suffix="_b")
        .filter(pl.col("organisation_code") < pl.col("organisation_code_b"))
        .select(
            "person_key",
            pl.min_horizontal("sector", "sector_b").alias("sector_a"),
            pl.max_horizontal("sector", "sector_b").alias("sector_b"),
        )
        .unique()
        .group_by("sector_a", "sector_b")
        .agg(pl.len().cast(pl.Int64).alias("people"))
        .sort(["sector_a", "sector_b"])
    )
    return people, pairs


def assess_quality(
    posts_with_people: pl.DataFrame,
    organisations: pl.DataFrame,
    census_date: dt.date,
    *,
    volunteers: pl.DataFrame | None = None,
    national_living_wage_gbp: float = NATIONAL_LIVING_WAGE_GBP,
) -> QualityReport:
    """The data quality report on the census date.

    `volunteers` (with organisation_code), if given, counts volunteer placements as data received
    for coverage, so a volunteer-involving organisation with only volunteers is covered.
    """
    posts = posts_with_people
    in_post = posts.filter(in_post_on(census_date))
    failures = soft_check_failures(posts, census_date, national_living_wage_gbp)
    counts = (
        pl.DataFrame({"check": list(SOFT_CHECKS)})
        .join(
            failures.group_by("check").agg(pl.len().cast(pl.Int64).alias("records")),
            on="check",
            how="left",
        )
        .with_columns(pl.col("records").fill_null(0))
    )
    missing, by_sector = _coverage(posts, organisations, volunteers)
    several, pairs = _several_organisations(in_post)
    return QualityReport(
        census_date=census_date,
        people_in_post=in_post["person_key"].n_unique(),
        posts_in_post=in_post.height,
        completeness_by_source=completeness(in_post, ["source_kind"]),
        completeness_by_organisation=completeness(
            in_post, ["organisation_code", "organisation_name", "sector"]
        ),
        soft_check_failures=failures,
        soft_check_counts=counts,
        organisations_without_posts=missing,
        coverage_by_sector=by_sector,
        people_in_several_organisations=several,
        several_organisations_by_sectors=pairs,
    )

"""Counting the imported history: exposure, leavers, retirements, joiners and moves in a period.

The definitions are those of the workforce summary's flows (`careforce.results.flows`), so one
year's leaver rate here equals that table's for the same cell:

- **Period:** whole years ending on a census date (with a census on 31 March, 1 April to 31 March).
- **Headcount** on a day: distinct people with a post in the cell on it (end date inclusive).
- **Exposure** (person-years): for each year, the mean of the headcount on the day before it starts
  and on its last day (the flows table's mean headcount), summed over the period's years.
- **Leaver:** a person whose post in the cell ended in the year and who held no post in the cell
  the day after, counted once per cell and year; moving to another post in the same cell (in the
  same or another organisation) is not leaving it. A **retirement** when such a post ended for
  the reason `retirement`.
- **Joiner:** a person whose post in the cell started in the year and who held no post in the cell
  the day before.
- **Age:** the calendar year of the day minus the year of birth (as the age profile reads it), on
  the headcount day, at leaving or at joining; the recorded age band where there is no year of
  birth; "unknown" otherwise.
- **Move** (progression): a leaver of a role (or staff group) who starts a post in another one,
  as a joiner of it, within `within_days` days after the last day in post.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import polars as pl

from careforce.domain.workforce import AGE_BANDS
from careforce.supply.rates_defaults import UNKNOWN_AGE

RETIREMENT = "retirement"
UNASSIGNED = "unassigned"  # a role with no staff group, or a post with no sector
ALL = "_all"  # the one-cell key of all staff
AgeBy = Literal["band", "year"] | None
POST_COLUMNS = (
    "person_key",
    "role_id",
    "sector",
    "start_date",
    "end_date",
    "leaving_reason",
    "year_of_birth",
    "age_band",
    "fte",
)
_ONE_DAY = dt.timedelta(days=1)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class Period:
    """Whole years `[start, end)`: `start` is the first day, `end` the day after the last."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")
        if _years_before(self.last_day, self.n_years) + _ONE_DAY != self.start:
            raise ValueError(f"a period must be whole years, not {self.start} to {self.last_day}")

    @staticmethod
    def ending_on(census_date: dt.date, years: int) -> Period:
        """The `years` whole years ending on the census date (its last day)."""
        if years < 1:
            raise ValueError("a period needs at least one year")
        return Period(_years_before(census_date, years) + _ONE_DAY, census_date + _ONE_DAY)

    @property
    def last_day(self) -> dt.date:
        return self.end - _ONE_DAY

    @property
    def n_years(self) -> int:
        return max(1, round((self.end - self.start).days / 365.2425))

    def years(self) -> list[Period]:
        """The period's years, oldest first."""
        back = range(self.n_years - 1, -1, -1)
        return [Period.ending_on(_years_before(self.last_day, b), 1) for b in back]

    def split(self, first_years: int) -> tuple[Period, Period]:
        """The first `first_years` years and the rest."""
        years = self.years()
        if not 0 < first_years < len(years):
            raise ValueError(f"cannot split {len(years)} years after {first_years}")
        return Period(self.start, years[first_years].start), Period(
            years[first_years].start, self.end
        )


def prepare_posts(posts: pl.DataFrame, role_groups: pl.DataFrame) -> pl.DataFrame:
    """The columns the counts use, with each post's staff group from `role_groups`.

    `posts` needs the `POST_COLUMNS` (the store's posts joined to people and organisation);
    `role_groups` has `role_id` and `staff_group`. A role it does not know, and a missing sector,
    read as 'unassigned'.
    """
    missing = [c for c in POST_COLUMNS if c not in posts.columns]
    if missing:
        raise ValueError(f"the posts need the columns {', '.join(missing)}")
    for column in ("role_id", "staff_group"):
        if column not in role_groups.columns:
            raise ValueError(f"the role groups need the column {column}")
    groups = role_groups.select(
        pl.col("role_id").cast(pl.String), pl.col("staff_group").cast(pl.String)
    ).unique("role_id", keep="first")
    return (
        posts.select(
            pl.col("person_key").cast(pl.String),
            pl.col("role_id").cast(pl.String).fill_null(UNASSIGNED),
            pl.col("sector").cast(pl.String).fill_null(UNASSIGNED),
            pl.col("start_date").cast(pl.Date),
            pl.col("end_date").cast(pl.Date),
            pl.col("leaving_reason").cast(pl.String),
            pl.col("year_of_birth").cast(pl.Int64),
            pl.col("age_band").cast(pl.String).alias("recorded_band"),
            pl.col("fte").cast(pl.Float64),
        )
        .join(groups, on="role_id", how="left", maintain_order="left")
        .with_columns(pl.col("staff_group").fill_null(UNASSIGNED), pl.lit("all").alias(ALL))
    )


def age_in(year: pl.Expr) -> pl.Expr:
    """Age reached in `year`; none outside working ages 16-120 (a data error) or without a birth year."""
    age = year - pl.col("year_of_birth")
    return pl.when(age.is_between(16, 120)).then(age).otherwise(None)


def band_in(year: pl.Expr) -> pl.Expr:
    age = age_in(year)
    from_age = pl.coalesce(
        [pl.when(age.is_between(low, high)).then(pl.lit(name)) for name, low, high in AGE_BANDS]
    )
    return pl.coalesce(from_age, pl.col("recorded_band")).fill_null(UNKNOWN_AGE)


def _with_age(frame: pl.DataFrame, year: pl.Expr, age_by: AgeBy) -> pl.DataFrame:
    if age_by == "band":
        return frame.with_columns(band_in(year).alias("age_band"))
    if age_by == "year":
        return frame.with_columns(age_in(year).alias("age"))
    return frame


def age_columns(age_by: AgeBy) -> list[str]:
    return {"band": ["age_band"], "year": ["age"], None: []}[age_by]


def in_post_on(day: dt.date) -> pl.Expr:
    return (pl.col("start_date") <= day) & (
        pl.col("end_date").is_null() | (pl.col("end_date") >= day)
    )


def headcount(posts: pl.DataFrame, unit: list[str], day: dt.date, age_by: AgeBy) -> pl.DataFrame:
    """Distinct people in post on `day` by unit (and age on that day): column `headcount`."""
    people = posts.filter(in_post_on(day)).unique([*unit, "person_key"], keep="first")
    people = _with_age(people, pl.lit(day.year), age_by)
    return people.group_by([*unit, *age_columns(age_by)]).agg(
        pl.len().cast(pl.Int64).alias("headcount")
    )


def _not_covered(
    posts: pl.DataFrame, unit: list[str], moves: pl.DataFrame, check: pl.Expr
) -> pl.DataFrame:
    """The moves whose person holds no other post in the unit on the `check` day."""
    cover = posts.select(
        *unit, "person_key", pl.col("start_date").alias("_s"), pl.col("end_date").alias("_e")
    )
    moves = moves.with_row_index("_move").with_columns(check.alias("_check"))
    covered = (
        moves.select("_move", "_check", *unit, "person_key")
        .join(cover, on=[*unit, "person_key"], how="inner")
        .filter(
            (pl.col("_s") <= pl.col("_check"))
            & (pl.col("_e").is_null() | (pl.col("_e") >= pl.col("_check")))
        )
        .select("_move")
        .unique()
    )
    return moves.join(covered, on="_move", how="anti").drop("_move", "_check")


def exits(posts: pl.DataFrame, unit: list[str], first: dt.date, last: dt.date) -> pl.DataFrame:
    """Posts ending in [first, last] whose person holds no post in the unit the day after."""
    ending = posts.filter(pl.col("end_date").is_between(first, last))
    return _not_covered(posts, unit, ending, pl.col("end_date") + pl.duration(days=1))


def entries(posts: pl.DataFrame, unit: list[str], first: dt.date, last: dt.date) -> pl.DataFrame:
    """Posts starting in [first, last] whose person held no post in the unit the day before."""
    starting = posts.filter(pl.col("start_date").is_between(first, last))
    return _not_covered(posts, unit, starting, pl.col("start_date") - pl.duration(days=1))


def _year_counts(posts: pl.DataFrame, unit: list[str], year: Period, age_by: AgeBy) -> pl.DataFrame:
    keys = [*unit, *age_columns(age_by)]
    first, last = year.start, year.last_day
    leavers = (
        exits(posts, unit, first, last)
        .sort("end_date")
        .group_by([*unit, "person_key"])
        .agg(
            pl.col("end_date").last(),
            (pl.col("leaving_reason") == RETIREMENT).fill_null(False).any().alias("_retired"),
            pl.col("year_of_birth").first(),
            pl.col("recorded_band").first(),
        )
    )
    leavers = _with_age(leavers, pl.col("end_date").dt.year().cast(pl.Int64), age_by)
    leavers = leavers.group_by(keys).agg(
        pl.len().cast(pl.Int64).alias("leavers"),
        pl.col("_retired").sum().cast(pl.Int64).alias("retirements"),
    )
    joiners = (
        entries(posts, unit, first, last)
        .group_by([*unit, "person_key"])
        .agg(
            pl.col("start_date").min(),
            pl.col("year_of_birth").first(),
            pl.col("recorded_band").first(),
        )
    )
    joiners = _with_age(joiners, pl.col("start_date").dt.year().cast(pl.Int64), age_by)
    joiners = joiners.group_by(keys).agg(pl.len().cast(pl.Int64).alias("joiners"))
    parts = [
        headcount(posts, unit, first - _ONE_DAY, age_by).rename({"headcount": "headcount_start"}),
        headcount(posts, unit, last, age_by).rename({"headcount": "headcount_end"}),
        leavers,
        joiners,
    ]
    return _outer(parts, keys)


def _outer(parts: list[pl.DataFrame], keys: list[str]) -> pl.DataFrame:
    cells = pl.concat([p.select(keys) for p in parts]).unique()
    for part in parts:
        cells = cells.join(part, on=keys, how="left", nulls_equal=True)
    counts = [c for c in cells.columns if c not in keys]
    return cells.with_columns(pl.col(counts).fill_null(0))


COUNT_COLUMNS = (
    "exposure",
    "leavers",
    "retirements",
    "joiners",
    "headcount_start",
    "headcount_end",
)


def count_history(
    posts: pl.DataFrame, unit: list[str], period: Period, age_by: AgeBy = "band"
) -> pl.DataFrame:
    """Per unit (and age) over the period: `COUNT_COLUMNS` (see the module notes).

    `posts` comes from `prepare_posts`; `unit` names its cell columns, e.g. ["staff_group",
    "sector"] (["_all"]: all staff). headcount_start is the headcount the day before the period,
    headcount_end on its last day.
    """
    keys = [*unit, *age_columns(age_by)]
    years = [_year_counts(posts, unit, year, age_by) for year in period.years()]
    last = len(years) - 1
    stacked = pl.concat(
        [
            y.with_columns(
                ((pl.col("headcount_start") + pl.col("headcount_end")) / 2.0).alias("exposure"),
                pl.col("headcount_start") * int(i == 0),
                pl.col("headcount_end") * int(i == last),
            )
            for i, y in enumerate(years)
        ],
        how="vertical_relaxed",
    )
    return (
        stacked.group_by(keys)
        .agg(pl.col(list(COUNT_COLUMNS)).sum())
        .with_columns(pl.col("exposure").cast(pl.Float64))
        .sort(keys, nulls_last=True)
    )


def count_moves(
    posts: pl.DataFrame, unit: list[str], period: Period, within_days: int
) -> pl.DataFrame:
    """Moves between units in the period: from_<unit>, to_<unit>, moves (distinct people).

    A leaver of a unit in the period moves to another unit when they join it (as a joiner: no post
    in it the day before) on a day within `within_days` after their last day; the earliest such
    post counts. Posts held side by side (a second post started before the first ended) are not
    moves.
    """
    left = exits(posts, unit, period.start, period.last_day).select(
        "person_key", "end_date", *[pl.col(c).alias(f"from_{c}") for c in unit]
    )
    last_start = period.last_day + dt.timedelta(days=within_days)
    joined = entries(posts, unit, period.start, last_start).select(
        "person_key", "start_date", *[pl.col(c).alias(f"to_{c}") for c in unit]
    )
    differs = pl.any_horizontal([pl.col(f"from_{c}") != pl.col(f"to_{c}") for c in unit])
    gap = (pl.col("start_date") - pl.col("end_date")).dt.total_days()
    pairs = (
        left.with_row_index("_exit")
        .join(joined, on="person_key", how="inner")
        .filter(differs & (gap >= 1) & (gap <= within_days))
        .sort("_exit", "start_date")
        .unique("_exit", keep="first")
    )
    frm, to = [f"from_{c}" for c in unit], [f"to_{c}" for c in unit]
    return (
        pairs.unique([*frm, *to, "person_key"])
        .group_by([*frm, *to])
        .agg(pl.len().cast(pl.Int64).alias("moves"))
        .sort([*frm, *to])
    )


def fte_by_cell(
    posts: pl.DataFrame, unit: list[str], day: dt.date, age_by: AgeBy = "band"
) -> pl.DataFrame:
    """Headcount with a known FTE, and their FTE, in post on `day` by unit and age.

    A person's FTE in a cell is the sum over their posts in it; posts with no FTE recorded are
    left out (the person too, if none of their posts in the cell has one).
    """
    known = posts.filter(in_post_on(day) & pl.col("fte").is_not_null())
    people = known.group_by([*unit, "person_key"]).agg(
        _sum_of_fte(), pl.col("year_of_birth").first(), pl.col("recorded_band").first()
    )
    people = _with_age(people, pl.lit(day.year), age_by)
    return people.group_by([*unit, *age_columns(age_by)]).agg(
        pl.len().cast(pl.Int64).alias("headcount"), _sum_of_fte().alias("fte")
    )


def _sum_of_fte() -> pl.Expr:
    """The sum of a group's FTE, in sorted order: a parallel group-by adds a group's values in
    whatever order its threads meet them, and a projection must not move in its last digit from
    one call to the next."""
    return pl.col("fte").sort().sum()

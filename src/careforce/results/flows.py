"""Leaver and joiner rates per year of history (METHODS section 7), by any breakdown.

Definitions, for one cell (a staff group, a sector, or the whole workforce) and one year:

- **Years.** The years of history end on the census date: with a census on 31 March 2025 and three
  years, 2022-23, 2023-24 and 2024-25 (1 April to 31 March). A year that runs 1 January to
  31 December is labelled by its calendar year.
- **Headcount at the start / end** is the number of people in post in the cell on the day before
  the year starts (the previous census date) and on its last day (in post: `in_post_on`, end date
  inclusive). **Mean headcount** is their average (the usual turnover denominator). A person
  whose last day is a census date is in that day's headcount and a leaver of the year ending on
  it, so headcounts and flows agree only up to such boundary days.
- **Leaver:** a person whose post in the cell ended in the year (last day in post within it) and
  who held no post in the cell the day after. Counted once however many posts they left. Moving to
  another post in the same cell is not leaving it; moving to another cell is leaving this one, so
  the whole workforce has fewer leavers than its staff groups added up.
- **Retirement share:** leavers whose ending post gives the reason `retirement`, over leavers.
- **Joiner:** a person whose post in the cell started in the year and who held no post in the cell
  the day before it started.
- **Rates** are leavers (joiners) over mean headcount; none where the mean headcount is zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from careforce.results._common import in_post_on, years_before

RETIREMENT = "retirement"
_ALL = "_all"


@dataclass(frozen=True, slots=True)
class HistoryYear:
    label: str
    first_day: dt.date
    last_day: dt.date

    @property
    def previous_census(self) -> dt.date:
        return self.first_day - dt.timedelta(days=1)


def history_years(census_date: dt.date, years: int) -> list[HistoryYear]:
    """The `years` years of history ending on the census date, oldest first."""
    if years < 1:
        raise ValueError("history_years must be at least 1")
    out = []
    for back in range(years, 0, -1):
        first = years_before(census_date, back) + dt.timedelta(days=1)
        last = years_before(census_date, back - 1)
        label = (
            str(first.year) if first.year == last.year else f"{first.year}-{last.year % 100:02d}"
        )
        out.append(HistoryYear(label, first, last))
    return out


def _headcount(posts: pl.DataFrame, keys: list[str], day: dt.date, name: str) -> pl.DataFrame:
    return (
        posts.filter(in_post_on(day))
        .group_by(keys)
        .agg(pl.col("person_key").n_unique().cast(pl.Int64).alias(name))
    )


def _true_moves(
    posts: pl.DataFrame, keys: list[str], moves: pl.DataFrame, check_day: pl.Expr
) -> pl.DataFrame:
    """The moves (exits or entries) with no other post in the cell covering `check_day`."""
    cover = posts.select(
        *keys,
        "person_key",
        pl.col("start_date").alias("_other_start"),
        pl.col("end_date").alias("_other_end"),
    )
    moves = moves.with_row_index("_move").with_columns(check_day.alias("_check"))
    covered = (
        moves.join(cover, on=[*keys, "person_key"], how="inner")
        .filter(
            (pl.col("_other_start") <= pl.col("_check"))
            & (pl.col("_other_end").is_null() | (pl.col("_other_end") >= pl.col("_check")))
        )
        .select("_move")
        .unique()
    )
    return moves.join(covered, on="_move", how="anti").drop("_move", "_check")


def _year_flows(posts: pl.DataFrame, keys: list[str], year: HistoryYear) -> pl.DataFrame:
    one_day = pl.duration(days=1)
    in_year = pl.col("end_date").is_between(year.first_day, year.last_day)
    exits = _true_moves(posts, keys, posts.filter(in_year), pl.col("end_date") + one_day)
    started = pl.col("start_date").is_between(year.first_day, year.last_day)
    entries = _true_moves(posts, keys, posts.filter(started), pl.col("start_date") - one_day)
    leavers = exits.group_by(keys).agg(
        pl.col("person_key").n_unique().cast(pl.Int64).alias("leavers"),
        pl.col("person_key")
        .filter(pl.col("leaving_reason") == RETIREMENT)
        .n_unique()
        .cast(pl.Int64)
        .alias("retirements"),
    )
    joiners = entries.group_by(keys).agg(
        pl.col("person_key").n_unique().cast(pl.Int64).alias("joiners")
    )
    parts = [
        _headcount(posts, keys, year.previous_census, "headcount_start"),
        _headcount(posts, keys, year.last_day, "headcount_end"),
        leavers,
        joiners,
    ]
    cells = pl.concat([p.select(keys) for p in parts]).unique()
    for part in parts:
        cells = cells.join(part, on=keys, how="left")
    counts = ["headcount_start", "headcount_end", "leavers", "retirements", "joiners"]
    return cells.with_columns(pl.col(counts).fill_null(0)).with_columns(
        pl.lit(year.label).alias("year"),
        pl.lit(year.first_day).alias("first_day"),
        pl.lit(year.last_day).alias("last_day"),
    )


def _rate(numerator: str, denominator: str) -> pl.Expr:
    return (
        pl.when(pl.col(denominator) > 0)
        .then(pl.col(numerator).cast(pl.Float64) / pl.col(denominator))
        .otherwise(None)
    )


def leaver_joiner_rates(
    posts: pl.DataFrame, by: list[str], years: list[HistoryYear]
) -> pl.DataFrame:
    """Leavers, joiners and their rates for each cell of `by` (none: the whole workforce) and year.

    `posts` needs person_key, start_date, end_date, leaving_reason and the `by` columns (no nulls).
    Columns out: the `by` columns, year, first_day, last_day, headcount_start, headcount_end,
    mean_headcount, leavers, retirements, joiners, leaver_rate, joiner_rate, retirement_share.
    Rows run oldest year first, and within a year by the `by` columns.
    """
    keys = by or [_ALL]
    if not by:
        posts = posts.with_columns(pl.lit("all").alias(_ALL))
    posts = posts.select(*keys, "person_key", "start_date", "end_date", "leaving_reason")
    frames = [_year_flows(posts, keys, year) for year in years]
    out = pl.concat(frames, how="vertical") if frames else pl.DataFrame()
    out = out.with_columns(
        ((pl.col("headcount_start") + pl.col("headcount_end")) / 2.0).alias("mean_headcount")
    ).with_columns(
        _rate("leavers", "mean_headcount").alias("leaver_rate"),
        _rate("joiners", "mean_headcount").alias("joiner_rate"),
        _rate("retirements", "leavers").alias("retirement_share"),
    )
    columns = [
        *by,
        "year",
        "first_day",
        "last_day",
        "headcount_start",
        "headcount_end",
        "mean_headcount",
        "leavers",
        "retirements",
        "joiners",
        "leaver_rate",
        "joiner_rate",
        "retirement_share",
    ]
    return out.sort([pl.col("first_day"), *by]).select(columns)

"""Retirement hazard by single year of age, estimated from the history (METHODS sections 4, 7).

The hazard at age `a` is retirements at that age over exposure at that age (the definitions of
`rates_history`: age is the calendar year minus the year of birth, at leaving and on each
headcount day; a retirement is leaving the workforce, or the staff group, for the reason
`retirement`). It rises steeply from the mid-50s, so single years are estimated, each shrunk
towards the same history pooled over its band of the published hazard (figures.md 2.6: under 55,
55-59, 60-64, 65-67, 68 and over), which is shrunk towards the published hazard itself. A staff
group's hazard at an age is shrunk towards all staff's at that age. An age with no exposure and
no retirements takes the published hazard, marked so.
"""

from __future__ import annotations

import polars as pl

from careforce.supply import rates_defaults as defaults
from careforce.supply.rates import ordered
from careforce.supply.rates_history import ALL, Period, count_history, prepare_posts
from careforce.supply.rates_shrinkage import DEFAULT_K, HISTORY, PUBLISHED_DEFAULT, estimate

HAZARD_AGES = (50, defaults.OLDEST_AGE)
HAZARD_COLUMNS = (
    "staff_group",
    "age",
    "exposure",
    "retirements",
    "rate",
    "low",
    "high",
    "parent_rate",
    "weight",
    "source",
)


def retirement_hazard(
    posts: pl.DataFrame,
    role_groups: pl.DataFrame,
    period: Period,
    *,
    k: float = DEFAULT_K,
    ages: tuple[int, int] = HAZARD_AGES,
) -> pl.DataFrame:
    """Annual probability of retiring by single year of age, all staff and each staff group.

    Columns: staff_group ("all" for all staff), age, exposure, retirements, rate, low, high,
    parent_rate, weight, source. Ages run `ages[0]` to `ages[1]` inclusive (50 to 74).
    """
    prepared = prepare_posts(posts, role_groups)
    if not 16 <= ages[0] <= ages[1] <= 120:
        raise ValueError(f"hazard ages must run upwards within 16-120, not {ages}")
    age_grid = pl.DataFrame({"age": list(range(ages[0], ages[1] + 1))}, schema={"age": pl.Int64})
    everyone = count_history(prepared, [ALL], period, "year").drop(ALL)
    everyone = age_grid.join(
        everyone.select("age", "exposure", "retirements"), on="age", how="left"
    )
    all_ages = range(ages[0], ages[1] + 1)
    band_of = {a: _hazard_band_label(a) for a in all_ages}
    published = {a: defaults.hazard_at(a).central for a in all_ages}
    everyone = everyone.fill_null(0).with_columns(
        pl.col("age").replace_strict(band_of, return_dtype=pl.String).alias("_band"),
        pl.col("age").replace_strict(published, return_dtype=pl.Float64).alias("_published"),
    )
    bands = (
        everyone.group_by("_band")
        .agg(pl.col("exposure", "retirements").sum())
        .join(everyone.group_by("_band").agg(pl.col("_published").mean()), on="_band")
    )
    bands = estimate(bands, events="retirements", parent="_published", k=k)
    everyone = everyone.join(
        bands.select("_band", pl.col("rate").alias("parent_rate")), on="_band", how="left"
    )
    everyone = estimate(everyone, events="retirements", parent="parent_rate", k=k)
    everyone = everyone.with_columns(pl.lit("all").alias("staff_group"))
    groups = count_history(prepared, ["staff_group"], period, "year")
    group_grid = groups.select("staff_group").unique().join(age_grid, how="cross")
    groups = group_grid.join(
        groups.select("staff_group", "age", "exposure", "retirements"),
        on=["staff_group", "age"],
        how="left",
    ).fill_null(0)
    groups = groups.join(
        everyone.select("age", pl.col("rate").alias("parent_rate"), "_published"), on="age"
    )
    groups = estimate(groups, events="retirements", parent="parent_rate", k=k)
    columns = [*HAZARD_COLUMNS[:-1], "_published"]
    out = pl.concat(
        [ordered(frame, ["staff_group", "age"]).select(columns) for frame in (everyone, groups)]
    )
    return _hazard_defaults(out).select(HAZARD_COLUMNS)


def _hazard_band_label(age: int) -> str:
    for low, high, _ in defaults.RETIREMENT_HAZARD:
        if low <= age <= high:
            return f"{low}-{high}"
    return "other"


def _hazard_defaults(frame: pl.DataFrame) -> pl.DataFrame:
    lows = {a: defaults.hazard_at(a).low for a in frame["age"].unique().to_list()}
    highs = {a: defaults.hazard_at(a).high for a in lows}
    history = (pl.col("exposure") > 0) | (pl.col("retirements") > 0)
    published = {
        "rate": pl.col("_published"),
        "low": pl.col("age").replace_strict(lows, return_dtype=pl.Float64),
        "high": pl.col("age").replace_strict(highs, return_dtype=pl.Float64),
    }
    return frame.with_columns(
        *[pl.when(history).then(pl.col(c)).otherwise(e).alias(c) for c, e in published.items()],
        pl.when(history).then(pl.lit(HISTORY)).otherwise(pl.lit(PUBLISHED_DEFAULT)).alias("source"),
    ).drop("_published")

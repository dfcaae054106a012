"""Shared pieces of the workforce summaries: who is in post, staff groups, areas and orderings."""

from __future__ import annotations

import datetime as dt

import polars as pl

from careforce.domain import LocalityLevel, Sector, StaffGroup
from careforce.framework.catalogue import role_catalogue

UNASSIGNED = "unassigned"  # a role the catalogue does not know, or a missing sector
STAFF_GROUP_ORDER: tuple[str, ...] = (*(g.value for g in StaffGroup), UNASSIGNED)
SECTOR_ORDER: tuple[str, ...] = (*(s.value for s in Sector), UNASSIGNED)


def in_post_on(day: dt.date, start: str = "start_date", end: str = "end_date") -> pl.Expr:
    """In post on `day`: started on or before it, and no end date or an end date on or after it.

    The end date is the last day in post (as `Post.in_post_on` reads it), so a post that ends on
    the census date is counted on that date.
    """
    return (pl.col(start) <= day) & (pl.col(end).is_null() | (pl.col(end) >= day))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def with_staff_group(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `staff_group` from the role catalogue (roles it does not know: 'unassigned')."""
    roles = role_catalogue()
    mapping = pl.DataFrame(
        {
            "role_id": list(roles),
            "staff_group": [r.staff_group.value for r in roles.values()],
        },
        schema={"role_id": pl.String, "staff_group": pl.String},
    )
    if "staff_group" in frame.columns:
        frame = frame.drop("staff_group")
    return frame.join(mapping, on="role_id", how="left", maintain_order="left").with_columns(
        pl.col("staff_group").fill_null(UNASSIGNED)
    )


def with_area(frame: pl.DataFrame, localities: pl.DataFrame) -> pl.DataFrame:
    """Add `area_code` and `area` (the local authority area's name) from `locality_code`.

    Localities are nation > region > local authority area. A record placed at a higher level (a
    region-wide team) is shown under that place's own name; an unknown code under the code itself.
    """
    places = localities.select(
        pl.col("code").alias("locality_code"),
        pl.col("name").alias("area"),
    )
    return (
        frame.join(places, on="locality_code", how="left", maintain_order="left")
        .with_columns(
            pl.col("locality_code").alias("area_code"),
            pl.col("area").fill_null(pl.col("locality_code")),
        )
        .with_columns(pl.col("area").fill_null(UNASSIGNED))
    )


def region_name(localities: pl.DataFrame) -> str | None:
    """The name of the one region (else the one nation) the localities describe, if there is one."""
    for level in (LocalityLevel.REGION, LocalityLevel.NATION):
        names = localities.filter(pl.col("level") == level.value)["name"].to_list()
        if len(names) == 1:
            return str(names[0])
    return None


def order_by(frame: pl.DataFrame, column: str, order: tuple[str, ...]) -> pl.DataFrame:
    """Sort by a fixed order of known values, unknown values last and alphabetically."""
    rank = {value: i for i, value in enumerate(order)}
    return frame.sort(
        pl.col(column).replace_strict(rank, default=len(order), return_dtype=pl.Int64),
        pl.col(column),
        maintain_order=True,
    )


def sector_column(frame: pl.DataFrame) -> pl.DataFrame:
    """Fill a missing sector with 'unassigned'."""
    return frame.with_columns(pl.col("sector").cast(pl.String).fill_null(UNASSIGNED))


def count_people(column: str = "person_key") -> pl.Expr:
    """Headcount: distinct people (a person with two posts counts once)."""
    return pl.col(column).n_unique().cast(pl.Int64).alias("headcount")


def sum_fte() -> pl.Expr:
    """FTE: the sum over posts."""
    return pl.col("fte").cast(pl.Float64).sum().alias("fte")

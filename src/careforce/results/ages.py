"""Age profile and expected retirements of the workforce in post on the census date.

Age on the census date is taken as census year minus year of birth (the age reached during the
census year; the day of birth is not held). Where only an age band is recorded, the person is put
in that band. People with neither are counted in the band "unknown" and left out of every share.

**Share due to retire in ten years** (an expectation, not a count): each person in post retires in
a year with the probability of the retirement hazard for their age (figures.md 2.6, an assumption
tuned to an average retirement age of about 62), ageing one year each year, so the chance of
retiring within ten years at age ``a`` is ``1 - prod_{t=0..9} (1 - h(a + t))``. Other leaving is
ignored: it is the share of today's staff that retirement alone would take. For a person known only
by an age band the chance is averaged over the single years of the band (65+ is read as 65-69,
an assumption).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from careforce.domain.workforce import AGE_BANDS
from careforce.results._common import STAFF_GROUP_ORDER, order_by

UNKNOWN_AGE = "unknown"
AGE_BAND_LABELS: tuple[str, ...] = tuple(name for name, _, _ in AGE_BANDS)
OLDER_BANDS: tuple[str, ...] = tuple(name for name, low, _ in AGE_BANDS if low >= 55)
OLDEST_BAND_READ_AS = (65, 69)  # the open band 65+ spread over these ages (assumption)
HORIZON_YEARS = 10


@dataclass(frozen=True, slots=True)
class RetirementHazard:
    """Annual probability of retiring by single year of age: (lowest age, probability) steps."""

    steps: tuple[tuple[int, float], ...]

    def __post_init__(self) -> None:
        ages = [a for a, _ in self.steps]
        if not ages or ages[0] != 0 or ages != sorted(set(ages)):
            raise ValueError("retirement hazard steps must start at age 0 and rise")
        if not all(0.0 <= p <= 1.0 for _, p in self.steps):
            raise ValueError("retirement hazard probabilities must lie in 0-1")

    def at(self, age: int) -> float:
        probability = self.steps[0][1]
        for low, p in self.steps:
            if age >= low:
                probability = p
        return probability

    def within(self, age: int, years: int = HORIZON_YEARS) -> float:
        """Probability that a person aged `age` today retires within `years` years."""
        stay = np.prod([1.0 - self.at(age + t) for t in range(years)])
        return float(1.0 - stay)


# figures.md 2.6: <55 0.5%, 55-59 5%, 60-64 15%, 65-67 35%, 68+ 60% a year (assumption).
DEFAULT_RETIREMENT_HAZARD = RetirementHazard(
    steps=((0, 0.005), (55, 0.05), (60, 0.15), (65, 0.35), (68, 0.60))
)


WORKING_AGES = (AGE_BANDS[0][1], AGE_BANDS[-1][2])


def _band_of_age(age: pl.Expr) -> pl.Expr:
    return pl.coalesce(
        [pl.when((age >= low) & (age <= high)).then(pl.lit(name)) for name, low, high in AGE_BANDS]
    )


def people_with_age(people: pl.DataFrame, census_date: dt.date) -> pl.DataFrame:
    """Add `age` and `age_band_at_census` ('unknown' when neither year of birth nor band is known).

    An age outside working ages (16-120, a data error) is read as unknown.
    """
    low, high = WORKING_AGES
    age = pl.lit(census_date.year) - pl.col("year_of_birth").cast(pl.Int64)
    return people.with_columns(
        pl.when(age.is_between(low, high)).then(age).otherwise(None).alias("age")
    ).with_columns(
        pl.coalesce(_band_of_age(pl.col("age")), pl.col("age_band").cast(pl.String))
        .fill_null(UNKNOWN_AGE)
        .alias("age_band_at_census")
    )


def _retire_chance(people: pl.DataFrame, hazard: RetirementHazard) -> pl.DataFrame:
    low, high = WORKING_AGES
    by_age = {a: hazard.within(a) for a in range(low, high + 1)}
    by_band: dict[str, float] = {}
    for name, band_low, band_high in AGE_BANDS:
        lo, hi = OLDEST_BAND_READ_AS if band_high >= high else (band_low, band_high)
        by_band[name] = float(np.mean([hazard.within(a) for a in range(lo, hi + 1)]))
    from_age = pl.col("age").replace_strict(by_age, default=None, return_dtype=pl.Float64)
    from_band = pl.col("age_band_at_census").replace_strict(
        by_band, default=None, return_dtype=pl.Float64
    )
    return people.with_columns(pl.coalesce(from_age, from_band).alias("retire_chance_10y"))


def age_profile(people_groups: pl.DataFrame) -> pl.DataFrame:
    """Headcount by staff group and age band, every band present (zeros filled).

    `people_groups` has one row per person and staff group, with `age_band_at_census`.
    """
    bands = [*AGE_BAND_LABELS, UNKNOWN_AGE]
    groups = people_groups.select("staff_group").unique()
    grid = groups.join(pl.DataFrame({"age_band": bands}), how="cross")
    counts = people_groups.group_by(
        "staff_group", pl.col("age_band_at_census").alias("age_band")
    ).agg(pl.len().cast(pl.Int64).alias("headcount"))
    out = grid.join(counts, on=["staff_group", "age_band"], how="left").with_columns(
        pl.col("headcount").fill_null(0)
    )
    rank = {b: i for i, b in enumerate(bands)}
    out = out.sort(pl.col("age_band").replace_strict(rank, return_dtype=pl.Int64))
    return order_by(out, "staff_group", STAFF_GROUP_ORDER)


def retirement_outlook(
    people_groups: pl.DataFrame, hazard: RetirementHazard
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per staff group: headcount, known age, aged 55+, shares, expected retirements in 10 years.

    Returns the table by staff group and a one-row table for all staff (people counted once).
    """
    with_chance = _retire_chance(people_groups, hazard)

    def summarise(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
        known = pl.col("age_band_at_census") != UNKNOWN_AGE
        aggs = [
            pl.len().cast(pl.Int64).alias("headcount"),
            known.sum().cast(pl.Int64).alias("headcount_known_age"),
            pl.col("age_band_at_census")
            .is_in(OLDER_BANDS)
            .sum()
            .cast(pl.Int64)
            .alias("aged_55_plus"),
            pl.col("retire_chance_10y").sum().cast(pl.Float64).alias("expected_retirements_10y"),
        ]
        grouped = frame.group_by(by).agg(aggs) if by else frame.select(aggs)
        return grouped.with_columns(
            _share("aged_55_plus", "headcount_known_age").alias("share_55_plus"),
            _share("expected_retirements_10y", "headcount_known_age").alias("share_retiring_10y"),
        )

    by_group = order_by(summarise(with_chance, ["staff_group"]), "staff_group", STAFF_GROUP_ORDER)
    everyone = with_chance.unique("person_key", keep="first", maintain_order=True)
    return by_group, summarise(everyone, [])


def _share(numerator: str, denominator: str) -> pl.Expr:
    return (
        pl.when(pl.col(denominator) > 0)
        .then(pl.col(numerator).cast(pl.Float64) / pl.col(denominator))
        .otherwise(None)
    )

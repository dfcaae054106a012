"""The region's places and people: localities, population by single year of age, area weights.

The population is built without randomness: each area's total is split into ages 0-15, 16-64,
65-84 and 85+ by its calibrated shares, spread evenly within 0-15 and 16-64 and thinning year by
year from 65, then projected by band growth rates (65+ as a whole grows at its rate, 85+ at its own,
65-84 takes the difference). Whole numbers come from largest-remainder rounding, so each area's
base-year total is exactly its calibrated population.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from careforce.demo.calibration import Calibration
from careforce.demo.sampling import exact_counts
from careforce.demo.sections import Area, PopulationShape

AGES = np.arange(101)


def _band_shapes(shape: PopulationShape) -> dict[str, np.ndarray]:
    """Within-band weights over ages 0-100 for each band (each sums to 1)."""
    r65 = shape.ratio_per_year_65_84.value
    r85 = shape.ratio_per_year_85_100.value
    bands = {
        "0-15": np.where(AGES <= 15, 1.0, 0.0),
        "16-64": np.where((AGES >= 16) & (AGES <= 64), 1.0, 0.0),
        "65-84": np.where((AGES >= 65) & (AGES <= 84), r65 ** (AGES - 65.0), 0.0),
        "85+": np.where(AGES >= 85, r85 ** (AGES - 85.0), 0.0),
    }
    return {name: w / w.sum() for name, w in bands.items()}


def _band_totals(area: Area, shape: PopulationShape, years_ahead: int) -> dict[str, float]:
    growth = shape.growth_per_year
    total = area.population.value
    over_65 = total * area.share_65_plus.value * (1 + growth.age_65_plus.value) ** years_ahead
    over_85 = total * area.share_85_plus.value * (1 + growth.age_85_plus.value) ** years_ahead
    return {
        "0-15": total * area.share_0_15.value * (1 + growth.age_0_15.value) ** years_ahead,
        "16-64": total
        * (1 - area.share_0_15.value - area.share_65_plus.value)
        * (1 + growth.age_16_64.value) ** years_ahead,
        "65-84": max(over_65 - over_85, 0.0),
        "85+": over_85,
    }


def population_by_age(area: Area, shape: PopulationShape, years_ahead: int) -> np.ndarray:
    """Whole numbers of people aged 0..100 in one area, `years_ahead` of the base year."""
    shapes = _band_shapes(shape)
    totals = _band_totals(area, shape, years_ahead)
    expected = np.sum([totals[name] * shapes[name] for name in shapes], axis=0)
    return exact_counts(round(float(expected.sum())), expected)


def population_table(cal: Calibration) -> pl.DataFrame:
    """area_code, age, year, population: the base year and every projection year."""
    base = cal.region.base_year.value
    frames = []
    for area in cal.region.areas:
        for ahead in range(cal.region.projection_years.value + 1):
            frames.append(
                pl.DataFrame(
                    {
                        "area_code": [area.code] * len(AGES),
                        "age": AGES,
                        "year": np.full(len(AGES), base + ahead),
                        "population": population_by_age(area, cal.population, ahead),
                    },
                    schema={
                        "area_code": pl.Utf8,
                        "age": pl.Int64,
                        "year": pl.Int64,
                        "population": pl.Int64,
                    },
                )
            )
    return pl.concat(frames)


def area_weights(cal: Calibration) -> dict[str, np.ndarray]:
    """Shares of the region by area: of all residents ("population") and of those 65+ ("older")."""
    people = np.array([a.population.value for a in cal.region.areas], dtype=float)
    older = np.array([a.population.value * a.share_65_plus.value for a in cal.region.areas])
    return {"population": people / people.sum(), "older": older / older.sum()}


def area_codes(cal: Calibration) -> list[str]:
    return [a.code for a in cal.region.areas]


def localities_table(cal: Calibration) -> pl.DataFrame:
    """The place hierarchy, parents first: nation, health board region, local authority areas."""
    region = cal.region
    rows = [
        (region.nation.code, region.nation.name, "nation", None),
        (region.health_board.code, region.health_board.name, "region", region.nation.code),
        *((a.code, a.name, "local_authority_area", region.health_board.code) for a in region.areas),
    ]
    return pl.DataFrame(
        rows, schema=["code", "name", "level", "parent_code"], orient="row"
    ).with_columns(pl.col("parent_code").cast(pl.Utf8))

"""Posts as the generator holds them, and the step from a calibrated stock to its rows of posts.

A post frame has one row per post: who holds it (`person`, local to the frame until the generator
numbers everyone), their date of birth, the employer and role, where and how they work, and when the
post started and ended. Dates are whole days since 1970-01-01 until the files are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from careforce.demo.calibration import Calibration, first_match, parse_band
from careforce.demo.flows import NO_DATE, FlowRules, StockSpec, Window, unroll
from careforce.demo.sampling import exact_categorical

POST_SCHEMA: dict[str, pl.DataType] = {
    "person": pl.Int64(),
    "dob": pl.Int64(),
    "org": pl.Utf8(),
    "sector": pl.Utf8(),
    "role": pl.Utf8(),
    "area": pl.Utf8(),
    "setting": pl.Utf8(),
    "contract": pl.Utf8(),
    "hours": pl.Float64(),
    "fte": pl.Float64(),
    "start": pl.Int64(),
    "end": pl.Int64(),
    "reason": pl.Utf8(),
    "pay_band": pl.Utf8(),
    "hourly_rate": pl.Float64(),
    "kind": pl.Utf8(),  # the source format the post is reported in: esr, social_care, volunteer
    "paid": pl.Boolean(),
    "primary": pl.Boolean(),  # the person's first post, whose profile sets their equality fields
}


def empty_posts() -> pl.DataFrame:
    return pl.DataFrame(schema=POST_SCHEMA)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with exactly the post columns, in order, each of its type (missing ones null)."""
    return frame.select(
        [
            (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in POST_SCHEMA.items()
        ]
    )


def flow_rules(cal: Calibration) -> FlowRules:
    bands = {parse_band(k): v for k, v in cal.flows.retirement_hazard.value.items()}
    return FlowRules.from_bands(bands, cal.flows.max_leaving_probability.value)


def window(cal: Calibration) -> Window:
    return Window.before(cal.census_date, cal.region.history_years.value)


def stock_spec(
    cal: Calibration, role: str, sector: str, paid: bool, count: int, growth: float
) -> StockSpec:
    """The census count with the age profile and leaver class that the calibration gives the post."""
    profile = first_match(cal.age_profiles, role, sector, paid)
    leavers = first_match(cal.leavers, role, sector, paid)
    bands = tuple((*parse_band(label), share) for label, share in profile.bands.value.items())
    reasons = leavers.reasons.value
    return StockSpec(
        census_count=count,
        bands=bands,
        leaver_rate=leavers.rate.value,
        reasons=tuple(reasons),
        reason_shares=tuple(reasons.values()),
        growth=growth,
    )


def grow(
    rng: np.random.Generator,
    cal: Calibration,
    rules: FlowRules,
    *,
    role: str,
    sector: str,
    kind: str,
    count: int,
    growth: float,
    paid: bool = True,
) -> pl.DataFrame:
    """Rows for a census stock of `count` posts and its three-year history (see flows.unroll)."""
    history = unroll(rng, stock_spec(cal, role, sector, paid, count, growth), rules, window(cal))
    ended = pl.col("end") != NO_DATE
    return pl.DataFrame(
        {
            "person": np.arange(len(history)),
            "dob": history.dob,
            "start": history.start,
            "end": history.end,
            "reason": history.reason.astype(str),
        },
        schema={
            "person": pl.Int64,
            "dob": pl.Int64,
            "start": pl.Int64,
            "end": pl.Int64,
            "reason": pl.Utf8,
        },
    ).with_columns(
        pl.when(ended).then(pl.col("end")).otherwise(None).alias("end"),
        pl.when(ended).then(pl.col("reason")).otherwise(None).alias("reason"),
        role=pl.lit(role),
        sector=pl.lit(sector),
        kind=pl.lit(kind),
        paid=pl.lit(paid),
        primary=pl.lit(True),
    )


def stack(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Frames of posts, one after another, with person numbers made distinct across them."""
    shifted, offset = [], 0
    for frame in frames:
        if len(frame) == 0:
            continue
        shifted.append(conform(frame.with_columns(pl.col("person") + offset)))
        offset += int(frame["person"].max()) + 1  # type: ignore[arg-type]
    return pl.concat(shifted) if shifted else empty_posts()


def in_census(frame: pl.DataFrame) -> np.ndarray:
    """Mask of posts still held on the census day."""
    return frame["end"].is_null().to_numpy()


def assign(
    rng: np.random.Generator, frame: pl.DataFrame, values: Sequence[Any], shares: Sequence[float]
) -> np.ndarray:
    """One of `values` per row, with exact counts among census posts and among the others."""
    census = in_census(frame)
    index = np.zeros(len(frame), dtype=np.int64)
    for mask in (census, ~census):
        index[mask] = exact_categorical(rng, int(mask.sum()), shares)
    return np.asarray(values)[index]

"""Random streams and exact-count draws used by the demo generator.

Each part of the generator draws from its own stream, seeded from the run's seed and a stable name,
so changing one part (say, the volunteers) leaves every other file as it was. Shares that the
calibration states are hit with exact counts (largest remainder), not left to sampling noise, so a
small group of 30 AMHPs still has 33% aged 55+.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

EPOCH = dt.date(1970, 1, 1)
DAYS_PER_YEAR = 365.2425


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator for one named part of the region: the same seed and name give the same draws."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def day(d: dt.date) -> int:
    """A date as days since 1970-01-01 (the integer form dates take inside the generator)."""
    return (d - EPOCH).days


def to_dates(days: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    """Days since 1970-01-01 as a polars Date series; `missing` marks nulls."""
    series = pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)
    if missing is None:
        return series
    return pl.select(pl.when(pl.Series(missing)).then(None).otherwise(series)).to_series()


def age_at(dob: np.ndarray, when: int | np.ndarray) -> np.ndarray:
    """Whole years between date of birth and a date (both in days)."""
    return np.floor((np.asarray(when) - dob) / DAYS_PER_YEAR).astype(np.int64)


def exact_counts(total: int, shares: Sequence[float] | np.ndarray) -> np.ndarray:
    """Split `total` in proportion to `shares` into whole numbers that add up (largest remainder)."""
    weights = np.asarray(shares, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    raw = weights / weights.sum() * total
    counts = np.floor(raw).astype(np.int64)
    short = total - int(counts.sum())
    if short > 0:
        order = np.argsort(-(raw - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


def exact_categorical(
    rng: np.random.Generator, n: int, shares: Sequence[float] | np.ndarray
) -> np.ndarray:
    """n category indices whose counts follow `shares` exactly (up to rounding), in random order."""
    counts = exact_counts(n, shares)
    return rng.permutation(np.repeat(np.arange(len(counts)), counts))


def exact_mask(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """A boolean mask of length n with round(n * share) True values at random places."""
    return exact_categorical(rng, n, [1.0 - share, share]) == 1


def exact_mask_within(rng: np.random.Generator, eligible: np.ndarray, share: float) -> np.ndarray:
    """Mark round(share * eligible count) of the eligible rows, chosen at random."""
    mask = np.zeros(len(eligible), dtype=bool)
    idx = np.flatnonzero(eligible)
    mask[idx] = exact_mask(rng, len(idx), share)
    return mask


def by_group(
    rng: np.random.Generator, groups: np.ndarray, shares_of: Mapping[Any, np.ndarray]
) -> np.ndarray:
    """For each row, a category index drawn with exact counts within its group."""
    out = np.zeros(len(groups), dtype=np.int64)
    for key, shares in shares_of.items():
        idx = np.flatnonzero(groups == key)
        if len(idx):
            out[idx] = exact_categorical(rng, len(idx), shares)
    return out


def stochastic_round(rng: np.random.Generator, x: float) -> int:
    """floor(x), plus one with probability equal to the fraction: right on average."""
    whole = int(np.floor(x))
    return whole + int(rng.random() < x - whole)


def top_k_weighted(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """k distinct indices drawn without replacement, each with chance in proportion to its weight.

    Gumbel top-k: add Gumbel noise to the log weights and keep the k largest. Zero weights are never
    drawn, so k is capped at the number of positive weights.
    """
    positive = weights > 0
    k = min(k, int(positive.sum()))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    keys = np.full(len(weights), -np.inf)
    keys[positive] = np.log(weights[positive]) + rng.gumbel(size=int(positive.sum()))
    return np.argpartition(-keys, k - 1)[:k]


def ages_from_bands(
    rng: np.random.Generator, n: int, bands: Sequence[tuple[int, int, float]]
) -> np.ndarray:
    """n whole ages: exact counts per band, even within a band."""
    counts = exact_counts(n, [share for _, _, share in bands])
    parts = [
        rng.integers(low, high + 1, size=count)
        for (low, high, _), count in zip(bands, counts, strict=True)
    ]
    ages = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return rng.permutation(ages)


def dob_for_age(rng: np.random.Generator, ages: np.ndarray, when: int) -> np.ndarray:
    """Dates of birth (days) of people who are exactly `ages` years old on day `when`."""
    low = np.ceil(ages * DAYS_PER_YEAR).astype(np.int64)
    high = np.ceil((ages + 1) * DAYS_PER_YEAR).astype(np.int64)
    return when - rng.integers(low, high)

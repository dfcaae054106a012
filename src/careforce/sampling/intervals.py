"""Uncertain values and the distributions matched to their 80% intervals (METHODS section 5).

A value is a point (the same in every run) or an 80% interval `[low, high]` with a central value.
Run 0 is the central run: every value at its central value. Runs 1..R draw from a distribution
whose 10th and 90th percentiles are `low` and `high`:

- `share`: a Beta distribution, for rates and shares bounded by 0 and 1 (fitted numerically);
- `positive`: a lognormal, for quantities above 0 (contacts, minutes, users, places, arrivals);
- `signed`: a normal, for quantities that may be negative (annual trends).

The central value is used in run 0 only; the draws depend on `low` and `high` alone, so a stated
central value that is not the midpoint does not skew the other runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import numpy as np
from scipy import optimize, special

Z_90 = float(special.ndtri(0.9))  # the standard normal's 90th percentile, about 1.2816


class Kind(StrEnum):
    """Which distribution an interval is matched to."""

    SHARE = "share"
    POSITIVE = "positive"
    SIGNED = "signed"


@dataclass(frozen=True, slots=True)
class Uncertain:
    """A point value (low == central == high) or an 80% interval with its central value."""

    central: float
    low: float
    high: float

    def __post_init__(self) -> None:
        values = (self.low, self.central, self.high)
        if not all(math.isfinite(v) for v in values):
            raise ValueError("an uncertain value must be a finite number")
        if not self.low <= self.central <= self.high:
            raise ValueError(
                f"low <= central <= high is needed, not {self.low:g}, {self.central:g}, "
                f"{self.high:g}"
            )

    @classmethod
    def point(cls, value: float) -> Uncertain:
        return cls(float(value), float(value), float(value))

    @classmethod
    def interval(cls, low: float, high: float, central: float | None = None) -> Uncertain:
        """An 80% interval; the central value is the midpoint unless stated."""
        middle = (low + high) / 2 if central is None else central
        return cls(float(middle), float(low), float(high))

    @property
    def is_point(self) -> bool:
        return self.low == self.high

    def widened(self, factor: float) -> Uncertain:
        """The same central value with the interval's half-widths times `factor` (>= 1 widens)."""
        return Uncertain(
            self.central,
            self.central - (self.central - self.low) * factor,
            self.central + (self.high - self.central) * factor,
        )


def problem_with(value: Uncertain, kind: Kind) -> str | None:
    """Why `value` cannot be drawn as `kind`, or None when it can."""
    if kind is Kind.SHARE:
        if not 0.0 <= value.central <= 1.0:
            return "a share or rate must lie between 0 and 1"
        if not value.is_point and not 0.0 < value.low < value.high < 1.0:
            return "the 80% interval of a share or rate must lie strictly between 0 and 1"
        if not value.is_point:
            try:
                beta_matching(value.low, value.high)
            except ValueError as error:
                return str(error)
    elif kind is Kind.POSITIVE:
        if value.central < 0:
            return "must not be negative"
        if not value.is_point and value.low <= 0:
            return "the 80% interval of a positive quantity must start above 0"
    return None


@lru_cache(maxsize=4096)
def beta_matching(low: float, high: float) -> tuple[float, float]:
    """Beta parameters (a, b) whose 10th and 90th percentiles are `low` and `high`.

    Solved numerically in log(a), log(b), starting from the moments of a normal with the same
    interval; raises ValueError when no Beta distribution matches (an interval too near 0 or 1).
    """
    if not 0.0 < low < high < 1.0:
        raise ValueError("the 80% interval of a share must lie strictly between 0 and 1")
    mean = (low + high) / 2
    sd = (high - low) / (2 * Z_90)
    concentration = max(mean * (1 - mean) / sd**2 - 1, 0.5)
    start = np.log([max(mean * concentration, 0.05), max((1 - mean) * concentration, 0.05)])

    def miss(x: np.ndarray) -> np.ndarray:
        a, b = np.exp(x)
        return np.array(
            [
                special.logit(special.betaincinv(a, b, 0.1)) - special.logit(low),
                special.logit(special.betaincinv(a, b, 0.9)) - special.logit(high),
            ]
        )

    found = optimize.least_squares(miss, start, xtol=1e-14, ftol=1e-14, gtol=1e-14)
    a, b = (float(v) for v in np.exp(found.x))
    q10, q90 = special.betaincinv(a, b, [0.1, 0.9])
    if abs(q10 - low) > 1e-6 * max(low, 1e-3) or abs(q90 - high) > 1e-6 * max(high, 1e-3):
        raise ValueError(f"no Beta distribution has the 80% interval [{low:g}, {high:g}]")
    return a, b


def quantile(value: Uncertain, kind: Kind, u: np.ndarray) -> np.ndarray:
    """The distribution's value at probabilities `u` (a point gives its value everywhere)."""
    u = np.asarray(u, dtype=np.float64)
    if value.is_point:
        return np.full(u.shape, value.central)
    if kind is Kind.SHARE:
        a, b = beta_matching(value.low, value.high)
        return np.asarray(special.betaincinv(a, b, u), dtype=np.float64)
    if kind is Kind.POSITIVE:
        mu = (math.log(value.low) + math.log(value.high)) / 2
        sigma = (math.log(value.high) - math.log(value.low)) / (2 * Z_90)
        return np.exp(mu + sigma * special.ndtri(u))
    mu = (value.low + value.high) / 2
    sigma = (value.high - value.low) / (2 * Z_90)
    return np.asarray(mu + sigma * special.ndtri(u), dtype=np.float64)


def draw(value: Uncertain, kind: Kind, uniforms: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """The value in each run: the central value where the run is 0, else the quantile at `uniforms`.

    `uniforms` and `runs` have the same shape (the uniforms of those runs, from `streams`).
    """
    out = quantile(value, kind, uniforms)
    return np.where(np.asarray(runs) == 0, value.central, out)

"""Needs-based planning arithmetic: compound growth between two years and supply as a share of
need. The growth rate is the compound (geometric) annual rate, not the mean of yearly rates:
`(end / start) ** (1 / years) - 1`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def compound_annual_growth_rate(
    start: npt.ArrayLike, end: npt.ArrayLike, years: npt.ArrayLike
) -> FloatArray:
    """The constant yearly rate that takes `start` to `end` in `years` years (0.055 is 5.5%)."""
    s, e, n = (np.asarray(x, dtype=np.float64) for x in (start, end, years))
    if np.any(s <= 0) or np.any(e < 0) or np.any(n <= 0):
        raise ValueError("growth needs a start above 0, an end not negative and years above 0")
    return np.power(e / s, 1.0 / n) - 1.0


def grow(start: npt.ArrayLike, rate: npt.ArrayLike, years: npt.ArrayLike) -> FloatArray:
    """`start x (1 + rate) ** years`: the inverse of `compound_annual_growth_rate`."""
    return np.asarray(start, dtype=np.float64) * np.power(
        1.0 + np.asarray(rate, dtype=np.float64), np.asarray(years, dtype=np.float64)
    )


def share_of_need_met(supply: npt.ArrayLike, need: npt.ArrayLike) -> FloatArray:
    """Supply over need (0.67 means the supply meets 67% of the need); both in the same unit."""
    s, n = np.asarray(supply, dtype=np.float64), np.asarray(need, dtype=np.float64)
    if np.any(n <= 0):
        raise ValueError("need must be above 0")
    return s / n

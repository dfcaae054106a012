"""Shrinking small cells towards their parent group, with 80% intervals (METHODS section 7).

A cell with `L` events (leavers, retirements) over an exposure of `N` person-years, whose parent
group has the rate `q_parent`, gets

    q = (L + k q_parent) / (N + k)

`k` is the weight of the parent in person-years: a cell with `N = k` counts its own history and its
parent's equally, a cell with no exposure takes its parent's rate, a large cell its own. The
interval is the 10th and 90th percentiles of the posterior `Beta(L + k q_parent, N - L + k (1 -
q_parent))` (an 80% interval, as everywhere in careforce), whose mean is `q`.

Joiner rates are not probabilities (a growing cell may take on more people than it held), so their
interval comes from the Gamma posterior of a Poisson rate, `Gamma(J + k q_parent, N + k)`, which
has the same mean `q`.

A cell whose events exceed its exposure (people who joined and left between two year ends, so
were never counted in post) counts its exposure as at least its events for leaver rates, which
keeps the rate a probability. Where a posterior is so skewed that its mean lies outside its 10th-90th
percentiles (almost no events and little prior), the interval is widened to take in the rate.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import special

FloatArray = npt.NDArray[np.float64]

DEFAULT_K = 20.0  # person-years: see docs/methods/rates.md for the back-test behind it
INTERVAL_PROBABILITIES = (0.1, 0.9)  # an 80% interval
HISTORY = "history"
PUBLISHED_DEFAULT = "published default"


def _float(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _check_k(k: float) -> None:
    if not np.isfinite(k) or k < 0:
        raise ValueError(f"the shrinkage weight k must be 0 or more person-years, not {k}")


def shrunk_rate(
    events: npt.ArrayLike, exposure: npt.ArrayLike, parent_rate: npt.ArrayLike, k: float
) -> FloatArray:
    """`(L + k q_parent) / (N + k)`; the parent's rate where `N + k` is 0."""
    _check_k(k)
    events, exposure, parent = _float(events), _float(exposure), _float(parent_rate)
    total = exposure + k
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = (events + k * parent) / total
    return np.where(total > 0, rate, parent)


def beta_interval(
    events: npt.ArrayLike, exposure: npt.ArrayLike, parent_rate: npt.ArrayLike, k: float
) -> tuple[FloatArray, FloatArray]:
    """10th and 90th percentiles of `Beta(L + k q_parent, N - L + k (1 - q_parent))`.

    A shape of 0 puts all the mass at one end: no events and no prior gives [0, 0].
    """
    _check_k(k)
    events, exposure, parent = _float(events), _float(exposure), _float(parent_rate)
    a = events + k * parent
    b = np.maximum(exposure - events, 0.0) + k * (1.0 - parent)
    out = []
    for p in INTERVAL_PROBABILITIES:
        with np.errstate(invalid="ignore"):
            q = special.betaincinv(np.where(a > 0, a, 1.0), np.where(b > 0, b, 1.0), p)
        q = np.where(a <= 0, 0.0, np.where(b <= 0, 1.0, q))
        out.append(_float(q))
    return out[0], out[1]


def gamma_interval(
    events: npt.ArrayLike, exposure: npt.ArrayLike, parent_rate: npt.ArrayLike, k: float
) -> tuple[FloatArray, FloatArray]:
    """10th and 90th percentiles of `Gamma(shape J + k q_parent, rate N + k)`; [q, q] if N + k is 0."""
    _check_k(k)
    events, exposure, parent = _float(events), _float(exposure), _float(parent_rate)
    shape, rate = events + k * parent, exposure + k
    out = []
    for p in INTERVAL_PROBABILITIES:
        with np.errstate(invalid="ignore", divide="ignore"):
            q = special.gammaincinv(np.where(shape > 0, shape, 1.0), p) / rate
        q = np.where(shape <= 0, 0.0, q)
        out.append(_float(np.where(rate > 0, q, parent)))
    return out[0], out[1]


def jeffreys_interval(
    events: npt.ArrayLike, exposure: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """10th and 90th percentiles of `Beta(L + 1/2, N - L + 1/2)`: an unshrunk rate's interval."""
    events, exposure = _float(events), _float(exposure)
    a, b = events + 0.5, np.maximum(exposure - events, 0.0) + 0.5
    low, high = (_float(special.betaincinv(a, b, p)) for p in INTERVAL_PROBABILITIES)
    return low, high


def estimate(
    frame: pl.DataFrame,
    *,
    events: str,
    parent: str,
    k: float,
    interval: str = "beta",
    prefix: str = "",
) -> pl.DataFrame:
    """Add `<prefix>rate`, `<prefix>low`, `<prefix>high` and `<prefix>weight` (N / (N + k)).

    `frame` has the `events` and `exposure` columns and the parent's rate in `parent`. With the
    Beta interval the exposure is counted as at least the events (see the module notes).
    """
    events_ = frame[events].cast(pl.Float64).to_numpy()
    exposure = frame["exposure"].cast(pl.Float64).to_numpy()
    if interval == "beta":
        exposure = np.maximum(exposure, events_)
        low, high = beta_interval(events_, exposure, frame[parent].to_numpy(), k)
    elif interval == "gamma":
        low, high = gamma_interval(events_, exposure, frame[parent].to_numpy(), k)
    else:
        raise ValueError(f"unknown interval {interval!r}")
    rate = shrunk_rate(events_, exposure, frame[parent].to_numpy(), k)
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.where(exposure + k > 0, exposure / (exposure + k), 0.0)
    return frame.with_columns(
        pl.Series(f"{prefix}rate", rate),
        pl.Series(f"{prefix}low", np.minimum(low, rate)),
        pl.Series(f"{prefix}high", np.maximum(high, rate)),
        pl.Series(f"{prefix}weight", weight),
    )

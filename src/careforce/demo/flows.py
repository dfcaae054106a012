"""Three years of leavers and joiners behind each census stock, at the calibrated rates.

The stock in post at the census is drawn first, with the published age profile, so census figures
are hit exactly. The history is then unrolled one year at a time, backwards from the census:

1. The stock at the start of the year is the stock at its end shrunk by the growth rate, with the
   same age profile as at the census (a stationary profile).
2. Leaving probability at age a is q(a) = leaver rate + retirement hazard(a). Of the people aged a
   at the start of the year, a share 1 - q(a) survive it; everyone else of that age in post at the
   end joined during the year. So joiners replace each age's losses, and where the profile rises
   (the young) they are the newcomers: joiners are picked at random within each age.
3. Leavers are added beside the survivors: each survivor of age a stands for q(a) / (1 - q(a))
   leavers of that age. A leaver retires with probability hazard(a) / q(a) and otherwise leaves
   for one of the calibrated reasons.

So in every year, leavers / in post at the start = the calibrated leaver rate plus the retirement
hazard averaged over the stock's ages, and the joiners keep the stock on its growth path. Joiners
never leave in the year they join (a simplification). Where the published profile falls faster
with age than the hazard allows (at a band edge), nobody of that age joins and the earlier stock is
a little smaller there. People in post when the window opens get a start date before it, from an
exponential tenure at the same leaving rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from careforce.demo.sampling import (
    DAYS_PER_YEAR,
    age_at,
    ages_from_bands,
    day,
    dob_for_age,
    stochastic_round,
)

NO_DATE = np.iinfo(np.int64).min  # an end date that is not there: still in post
MAX_AGE = 120


@dataclass(frozen=True, slots=True)
class Window:
    """The census day and the yearly steps before it: year y runs from starts[y] to starts[y+1] - 1."""

    census: int
    starts: tuple[int, ...]

    @staticmethod
    def before(census: dt.date, years: int) -> Window:
        after = census + dt.timedelta(days=1)
        starts = tuple(day(after.replace(year=after.year - years + y)) for y in range(years + 1))
        return Window(day(census), starts)

    @property
    def first_day(self) -> int:
        return self.starts[0]


@dataclass(frozen=True, slots=True)
class FlowRules:
    """What every stock shares: the retirement hazard by single year of age and the joiner bias."""

    retirement_hazard: np.ndarray  # probability of retiring in a year, indexed by age 0..120
    max_leaving_probability: float

    @staticmethod
    def from_bands(bands: dict[tuple[int, int], float], cap: float) -> FlowRules:
        """The hazard by single year of age; ages above the last band take its rate."""
        hazard = np.zeros(MAX_AGE + 1)
        oldest = max(bands, key=lambda band: band[1])
        for (low, high), rate in bands.items():
            hazard[low : high + 1] = rate
        hazard[oldest[1] + 1 :] = bands[oldest]
        return FlowRules(hazard, cap)


@dataclass(frozen=True, slots=True)
class StockSpec:
    census_count: int
    bands: tuple[tuple[int, int, float], ...]  # (low age, high age, share) of the census stock
    leaver_rate: float  # annual probability of leaving other than by retirement
    reasons: tuple[str, ...]
    reason_shares: tuple[float, ...]
    growth: float  # stock growth per year

    def profile(self) -> np.ndarray:
        """Share of the stock at each single year of age 0..120 (even within a band)."""
        shares = np.zeros(MAX_AGE + 1)
        for low, high, share in self.bands:
            shares[low : high + 1] += share / (high - low + 1)
        return shares


@dataclass(frozen=True, slots=True)
class StockHistory:
    """Everyone in post at some time in the window: one row per person (and post)."""

    dob: np.ndarray
    start: np.ndarray
    end: np.ndarray  # NO_DATE when still in post
    reason: np.ndarray  # "" when still in post

    def __len__(self) -> int:
        return len(self.dob)

    @property
    def in_census(self) -> np.ndarray:
        return self.end == NO_DATE


def unroll(
    rng: np.random.Generator, spec: StockSpec, rules: FlowRules, window: Window
) -> StockHistory:
    """The census stock and its history of joiners and leavers (see the module docstring)."""
    ages = ages_from_bands(rng, spec.census_count, spec.bands)
    dob = dob_for_age(rng, ages, window.census)
    end = np.full(spec.census_count, NO_DATE, dtype=np.int64)
    reason = np.full(spec.census_count, "", dtype=object)
    start = np.full(spec.census_count, NO_DATE, dtype=np.int64)
    youngest = spec.bands[0][0] if spec.bands else 16
    profile = spec.profile()
    active = np.arange(spec.census_count)
    for year in reversed(range(len(window.starts) - 1)):
        first, last = window.starts[year], window.starts[year + 1] - 1
        age_first = np.clip(age_at(dob[active], first), 0, MAX_AGE)
        q = np.minimum(
            spec.leaver_rate + rules.retirement_hazard[age_first], rules.max_leaving_probability
        )
        joins = _joiners(rng, spec, profile, age_first, q, youngest)
        days = rng.integers(first + 1, last + 1, size=int(joins.sum()))
        turns_youngest = dob[active[joins]] + int(np.ceil(youngest * DAYS_PER_YEAR))
        start[active[joins]] = np.minimum(np.maximum(days, turns_youngest), last)
        new_dob, new_end, new_reason = _leavers(
            rng, spec, rules, age_first[~joins], q[~joins], first, last
        )
        n_before = len(dob)
        dob = np.concatenate([dob, new_dob])
        end = np.concatenate([end, new_end])
        reason = np.concatenate([reason, new_reason])
        start = np.concatenate([start, np.full(len(new_dob), NO_DATE, dtype=np.int64)])
        active = np.concatenate([active[~joins], np.arange(n_before, len(dob))])
    start[active] = _start_before(rng, spec, rules, dob[active], window.first_day, youngest)
    return StockHistory(dob, start, end, reason)


def _joiners(
    rng: np.random.Generator,
    spec: StockSpec,
    profile: np.ndarray,
    age_first: np.ndarray,
    q: np.ndarray,
    youngest: int,
) -> np.ndarray:
    """Which of those in post at the end of the year joined during it (a mask), age by age.

    Nobody younger than the youngest working age at the start of the year can have been in post
    then: they all joined during it.

    The stock at the start should be `profile` times its size; an age can hold at most everyone of
    that age in post at the end divided by its survival 1 - q. What an age cannot hold is spread
    over the ages that have room, in proportion to the profile, so the stock keeps its growth path.
    """
    joins = np.zeros(len(age_first), dtype=bool)
    if len(age_first) == 0:
        return joins
    q_at = np.zeros(MAX_AGE + 1)
    q_at[age_first] = q
    in_post = np.bincount(age_first, minlength=MAX_AGE + 1)
    wanted = len(age_first) / (1.0 + spec.growth) * profile
    most = in_post / (1.0 - q_at)
    most[:youngest] = 0.0
    start_stock = np.minimum(wanted, most)
    for _ in range(50):  # pour what is short into the ages with room, until it is all placed
        room = most - start_stock
        short = wanted.sum() - start_stock.sum()
        share = np.where(room > 1e-9, np.maximum(wanted, 1e-9 * (profile > 0)), 0.0)
        if short < 1e-6 or share.sum() <= 0:
            break
        start_stock += np.minimum(room, short * share / share.sum())
    survivors = np.minimum(
        np.floor(start_stock * (1.0 - q_at) + rng.random(MAX_AGE + 1)).astype(np.int64), in_post
    )
    for age in np.flatnonzero(in_post > survivors):
        idx = np.flatnonzero(age_first == age)
        joins[rng.choice(idx, size=len(idx) - survivors[age], replace=False)] = True
    return joins


def _leavers(
    rng: np.random.Generator,
    spec: StockSpec,
    rules: FlowRules,
    survivor_ages: np.ndarray,
    q: np.ndarray,
    first: int,
    last: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The year's leavers: ages like the survivors' weighted by q / (1 - q); end dates in the year."""
    odds = q / (1.0 - q)
    n = stochastic_round(rng, float(odds.sum())) if len(odds) else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    like = rng.choice(len(odds), size=n, p=odds / odds.sum())
    ages = survivor_ages[like]
    retire = rng.random(n) * q[like] < rules.retirement_hazard[ages]
    reasons = np.asarray(spec.reasons, dtype=object)[
        rng.choice(
            len(spec.reasons), size=n, p=np.asarray(spec.reason_shares) / sum(spec.reason_shares)
        )
    ]
    reasons[retire] = "retirement"
    ends = rng.integers(first, last, size=n)  # at most the day before the year's last day
    return dob_for_age(rng, ages, first), ends, reasons


def _start_before(
    rng: np.random.Generator,
    spec: StockSpec,
    rules: FlowRules,
    dob: np.ndarray,
    first_day: int,
    youngest: int,
) -> np.ndarray:
    """Start dates of those already in post when the window opens (exponential tenure)."""
    ages = np.clip(age_at(dob, first_day), 0, MAX_AGE)
    q = np.minimum(spec.leaver_rate + rules.retirement_hazard[ages], rules.max_leaving_probability)
    mean_years = 1.0 / max(float(np.mean(q)) if len(q) else 0.1, 0.04)
    tenure = np.floor(rng.exponential(mean_years, size=len(dob)) * DAYS_PER_YEAR).astype(np.int64)
    longest = first_day - (dob + int(np.ceil(youngest * DAYS_PER_YEAR)))
    return first_day - np.clip(tenure, 0, np.maximum(longest, 0))

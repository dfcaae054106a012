"""Supply rates from the store: every rate the projection needs, and the back-test behind them.

The supply engine estimates from frames; this use case hands it the store's posts with people and
each framework role's staff group from the bundled role catalogue (the engine may not read the
framework itself). The published defaults need no file: they are a table in
`careforce.supply.rates_defaults`, each figure with its source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from careforce.framework.catalogue import role_catalogue
from careforce.services.snapshot import StoreSnapshot
from careforce.supply.backtest import Backtest, backtest
from careforce.supply.rates import joiner_age_shares, joiner_rates, leaver_rates
from careforce.supply.rates_hazard import retirement_hazard
from careforce.supply.rates_history import Period
from careforce.supply.rates_shrinkage import DEFAULT_K
from careforce.supply.rates_stayers import (
    DEFAULT_WITHIN_DAYS,
    fte_per_head,
    joiner_fte_per_head,
    progression_rates,
)

HISTORY_YEARS = 3


def role_groups() -> pl.DataFrame:
    """Each framework role's staff group: role_id, staff_group."""
    roles = role_catalogue()
    return pl.DataFrame(
        {"role_id": list(roles), "staff_group": [r.staff_group.value for r in roles.values()]},
        schema={"role_id": pl.String, "staff_group": pl.String},
    )


@dataclass(frozen=True, slots=True, eq=False)
class SupplyRates:
    """The rates estimated from one period of history (see careforce.supply.rates for columns)."""

    period: Period
    k: float
    within_days: int
    leavers: pl.DataFrame
    leavers_by_role: pl.DataFrame
    joiners: pl.DataFrame
    joiners_by_role: pl.DataFrame
    joiner_ages: pl.DataFrame
    retirement_hazard: pl.DataFrame
    progression: pl.DataFrame
    fte_per_head: pl.DataFrame
    fte_per_head_by_role: pl.DataFrame
    joiner_fte_per_head: pl.DataFrame


def estimate_rates(
    posts_with_people: pl.DataFrame,
    census_date: dt.date,
    *,
    history_years: int = HISTORY_YEARS,
    k: float = DEFAULT_K,
    within_days: int = DEFAULT_WITHIN_DAYS,
) -> SupplyRates:
    """Every rate from the `history_years` years ending on the census date."""
    period = Period.ending_on(census_date, history_years)
    groups = role_groups()
    posts = posts_with_people
    return SupplyRates(
        period=period,
        k=k,
        within_days=within_days,
        leavers=leaver_rates(posts, groups, period, k=k),
        leavers_by_role=leaver_rates(posts, groups, period, k=k, by_role=True),
        joiners=joiner_rates(posts, groups, period, k=k),
        joiners_by_role=joiner_rates(posts, groups, period, k=k, by_role=True),
        joiner_ages=joiner_age_shares(posts, groups, period, by_role=True),
        retirement_hazard=retirement_hazard(posts, groups, period, k=k),
        progression=progression_rates(posts, groups, period, within_days=within_days),
        fte_per_head=fte_per_head(posts, groups, census_date),
        fte_per_head_by_role=fte_per_head(posts, groups, census_date, by_role=True),
        joiner_fte_per_head=joiner_fte_per_head(posts, groups, period, k=k),
    )


def rates_from_snapshot(
    snapshot: StoreSnapshot,
    census_date: dt.date,
    *,
    history_years: int = HISTORY_YEARS,
    k: float = DEFAULT_K,
    within_days: int = DEFAULT_WITHIN_DAYS,
) -> SupplyRates:
    """`estimate_rates` on the store's posts with people, read once into the snapshot."""
    return estimate_rates(
        snapshot.posts_with_people,
        census_date,
        history_years=history_years,
        k=k,
        within_days=within_days,
    )


def backtest_history(
    posts_with_people: pl.DataFrame,
    census_date: dt.date,
    *,
    history_years: int = HISTORY_YEARS,
    fit_years: int = HISTORY_YEARS - 1,
    k: float = DEFAULT_K,
) -> Backtest:
    """Fit on the first `fit_years` of the history ending on the census date, predict the next."""
    period = Period.ending_on(census_date, history_years)
    return backtest(posts_with_people, role_groups(), period, fit_years=fit_years, k=k)

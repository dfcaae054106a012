"""Back-test: fit the rates on the earlier years of history, predict the next year, compare.

Does the history predict? The rates are fitted on the first `fit_years` years (METHODS section 7)
and the year after them is predicted from its starting stock:

- **leavers** of a staff group x sector x age band cell = its fitted leaver rate x its headcount on
  the day before the year starts (age on that day);
- **joiners** of a staff group x sector cell = its fitted joiner rate x that headcount.

The actual figures are the year's leavers (age at leaving) and joiners, counted as the rates count
them (`rates_history`). A cell with actual flows but nobody in post at the start is predicted as 0.
The same prediction from the published defaults alone is scored beside it, to show what the
history adds.

Error measures, for each flow (and by staff group):

- `total_error`: (sum predicted - sum actual) / sum actual; `total_abs_error` its absolute value;
- `wape`: the weighted mean absolute percentage error over cells, sum |predicted - actual| / sum
  actual (each cell's absolute % error weighted by its actual count; it includes the chance
  variation of small cells, so even the true rates would not score 0).

The rates are per person-year of mean stock and are applied to the stock at the start of the year,
so a growing stock is predicted a little low (by about half its growth).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from careforce.supply import rates_defaults as defaults
from careforce.supply.rates import joiner_rates, leaver_rates, ordered
from careforce.supply.rates_history import Period, count_history, headcount, prepare_posts
from careforce.supply.rates_shrinkage import DEFAULT_K

CELL = ["staff_group", "sector"]
FLOWS = ("leavers", "joiners")


@dataclass(frozen=True, slots=True)
class Backtest:
    """The back-test's periods, shrinkage weight and results.

    `cells`: flow, staff_group, sector, age_band ("all" for joiners), headcount_start, rate,
    predicted, actual, published_predicted. `by_staff_group`: flow, staff_group, actual,
    predicted, total_error, wape. `summary`: one row a flow with cells, actual, predicted,
    total_error, total_abs_error, wape, published_total_abs_error, published_wape.
    """

    fit: Period
    test: Period
    k: float
    cells: pl.DataFrame
    by_staff_group: pl.DataFrame
    summary: pl.DataFrame

    def figure(self, flow: str, measure: str) -> float:
        """One summary figure, e.g. `figure("leavers", "wape")`."""
        row = self.summary.filter(pl.col("flow") == flow)
        if row.height != 1 or measure not in row.columns:
            raise KeyError(f"no {measure!r} for {flow!r} in the back-test summary")
        return float(row[measure][0])


def backtest(
    posts: pl.DataFrame,
    role_groups: pl.DataFrame,
    history: Period,
    *,
    fit_years: int = 2,
    k: float = DEFAULT_K,
) -> Backtest:
    """Fit on the first `fit_years` years of `history`, predict the year after, score it."""
    fit, rest = history.split(fit_years)
    test = rest.years()[0]
    prepared = prepare_posts(posts, role_groups)
    start_day = test.start - dt.timedelta(days=1)
    stock = headcount(prepared, CELL, start_day, "band").rename({"headcount": "headcount_start"})
    actual = count_history(prepared, CELL, test, "band")
    wanted = pl.concat([stock.select(CELL), actual.select(CELL)]).unique()

    leaving = leaver_rates(posts, role_groups, fit, k=k, cells=wanted)
    keys = [*CELL, "age_band"]
    leaver_cells = _with_published(
        _predict(stock, actual.select(*keys, pl.col("leavers").alias("actual")), leaving, keys),
        lambda r: defaults.default_leaver_rate(r["staff_group"], r["age_band"]).central,
        keys,
    )

    joining = joiner_rates(posts, role_groups, fit, k=k, cells=wanted)
    group_stock = stock.group_by(CELL).agg(pl.col("headcount_start").sum())
    group_actual = actual.group_by(CELL).agg(pl.col("joiners").sum().alias("actual"))
    joiner_cells = _with_published(
        _predict(group_stock, group_actual, joining, CELL),
        lambda r: defaults.default_joiner_rate(r["staff_group"], r["sector"]).central,
        CELL,
    ).with_columns(pl.lit("all").alias("age_band"))
    columns = [*keys, "headcount_start", "rate", "predicted", "actual", "published_predicted"]
    cells = pl.concat(
        [
            ordered(frame, keys).select(pl.lit(flow).alias("flow"), *columns)
            for flow, frame in (("leavers", leaver_cells), ("joiners", joiner_cells))
        ]
    )
    return Backtest(fit, test, k, cells, _by_staff_group(cells), _summary(cells))


def _predict(
    stock: pl.DataFrame, actual: pl.DataFrame, rates: pl.DataFrame, keys: list[str]
) -> pl.DataFrame:
    cells = pl.concat([stock.select(keys), actual.select(keys)]).unique()
    out = (
        cells.join(stock, on=keys, how="left")
        .join(actual, on=keys, how="left")
        .join(rates.select(*keys, "rate"), on=keys, how="left")
        .with_columns(pl.col("headcount_start", "actual").fill_null(0))
    )
    return out.with_columns(
        (pl.col("rate").fill_null(0.0) * pl.col("headcount_start")).alias("predicted")
    )


def _with_published(
    frame: pl.DataFrame, rate_of: Callable[[dict[str, str]], float], keys: list[str]
) -> pl.DataFrame:
    """Add the published defaults' prediction: `rate_of(cell)` x headcount at the start."""
    rows = [{**row, "_rate": rate_of(row)} for row in frame.select(keys).iter_rows(named=True)]
    table = pl.DataFrame(rows, schema={**dict.fromkeys(keys, pl.String), "_rate": pl.Float64})
    return (
        frame.join(table, on=keys, how="left")
        .with_columns((pl.col("_rate") * pl.col("headcount_start")).alias("published_predicted"))
        .drop("_rate")
    )


def _measures(predicted: str) -> list[pl.Expr]:
    actual = pl.col("actual").sum()
    error = (pl.col(predicted) - pl.col("actual")).abs().sum()
    return [
        ((pl.col(predicted).sum() - actual) / actual).alias("total_error"),
        (error / actual).alias("wape"),
    ]


def _by_staff_group(cells: pl.DataFrame) -> pl.DataFrame:
    out = cells.group_by("flow", "staff_group").agg(
        pl.col("actual").sum(), pl.col("predicted").sum(), *_measures("predicted")
    )
    flow_rank = pl.col("flow").replace_strict({f: i for i, f in enumerate(FLOWS)})
    return ordered(out, ["staff_group"]).sort(flow_rank, maintain_order=True)


def _summary(cells: pl.DataFrame) -> pl.DataFrame:
    published = [m.name.prefix("published_") for m in _measures("published_predicted")]
    out = cells.group_by("flow").agg(
        pl.len().alias("cells"),
        pl.col("actual").sum(),
        pl.col("predicted").sum(),
        *_measures("predicted"),
        *published,
    )
    out = out.with_columns(
        pl.col("total_error").abs().alias("total_abs_error"),
        pl.col("published_total_error").abs().alias("published_total_abs_error"),
    )
    flow_rank = pl.col("flow").replace_strict({f: i for i, f in enumerate(FLOWS)})
    return out.sort(flow_rank).select(
        "flow",
        "cells",
        "actual",
        "predicted",
        "total_error",
        "total_abs_error",
        "wape",
        "published_total_abs_error",
        "published_wape",
    )

"""Rates estimated from the demo region's three years of history find the calibration again.

The demo is generated under its fixed seed, imported into a fresh SQLite store through the real
import path, and read back once. Its history (careforce.demo.flows) gives everyone in post at the
start of a year the leaving probability `min(cap, leaver rate of their role and sector + retirement
hazard at their age)`, so the calibration implies, for each staff group, an expected number of
leavers: that probability summed over the people in post at each year's start. The store keeps the
year of birth only, so the hazard is averaged over the two ages a person may be on 1 April.

Tolerances, from the sample sizes: a staff group's leavers may differ from their expectation by
three Poisson standard deviations, plus 2% for what the comparison cannot see (ages from the year
of birth; people holding two posts in a group). The back-test bounds are the chance error of the
third year's counts (three standard deviations of the total; the mean absolute Poisson deviation
sqrt(2 A / pi) summed over cells for the WAPE) plus a systematic margin: 5 points for leavers and
10 for joiners, because the rates are per person-year of mean stock but applied to the stock at
the start of the year, and the demo's joiner flows rise from year to year. docs/methods/rates.md
reports the figures.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import polars as pl
import pytest

from careforce.demo.calibration import first_match, load_calibration
from careforce.demo.generator import generate_region
from careforce.demo.stocks import flow_rules
from careforce.services.importing import import_file
from careforce.services.rates import SupplyRates, backtest_history, estimate_rates, role_groups
from careforce.services.secret import ensure_secret
from careforce.services.snapshot import read_snapshot
from careforce.store.database import make_engine
from careforce.store.migrate import upgrade
from careforce.supply.backtest import Backtest
from careforce.supply.rates_history import Period, in_post_on, prepare_posts

SEED = 20261123
CAL = load_calibration()
CENSUS = CAL.census_date


@pytest.fixture(scope="module")
def posts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pl.DataFrame]:
    """The demo's posts with people, as the store holds them."""
    folder = tmp_path_factory.mktemp("demo_rates")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAREFORCE_SECRET_FILE", str(folder / "secret.key"))
        ensure_secret()
        manifest = generate_region(folder / "inputs", seed=SEED)
        url = f"sqlite:///{folder / 'careforce.sqlite'}"
        engine = make_engine(url)
        try:
            upgrade(engine)
            for kind, path in manifest.files:
                import_file(kind, path, url)
            yield read_snapshot(engine).posts_with_people
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def rates(posts: pl.DataFrame) -> SupplyRates:
    return estimate_rates(posts, CENSUS)


@pytest.fixture(scope="module")
def backtested(posts: pl.DataFrame) -> Backtest:
    return backtest_history(posts, CENSUS)


def expected_leavers(posts: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Per staff group, the leavers the calibration implies for the people in post (see above)."""
    rules = flow_rules(CAL)
    hazard, cap = rules.retirement_hazard, rules.max_leaving_probability
    prepared = prepare_posts(posts, role_groups())
    rows = []
    for year in period.years():
        first = year.start
        before_birthday = 1 - (first - dt.date(first.year, 1, 1)).days / 365.0
        stock = (
            prepared.filter(in_post_on(first - dt.timedelta(days=1)))
            .sort("start_date")
            .unique(["staff_group", "person_key"], keep="first", maintain_order=True)
        )
        for group, role, sector, born in stock.select(
            "staff_group", "role_id", "sector", "year_of_birth"
        ).iter_rows():
            rate = first_match(CAL.leavers, role, sector).rate.value
            if born is None:
                retiring = 0.02
            else:
                age = min(first.year - born, len(hazard) - 1)
                retiring = before_birthday * hazard[age - 1] + (1 - before_birthday) * hazard[age]
            rows.append((group, min(cap, rate + retiring)))
    return (
        pl.DataFrame(rows, schema=["staff_group", "q"], orient="row")
        .group_by("staff_group")
        .agg(pl.col("q").sum().alias("expected"))
    )


def test_leaver_rates_by_staff_group_match_the_calibration(
    posts: pl.DataFrame, rates: SupplyRates
) -> None:
    estimated = rates.leavers.group_by("staff_group").agg(
        pl.col("exposure").sum(),
        pl.col("leavers").sum(),
        ((pl.col("rate") * pl.col("exposure")).sum() / pl.col("exposure").sum()).alias("rate"),
    )
    table = estimated.join(expected_leavers(posts, rates.period), on="staff_group")
    assert table.height >= 9
    for row in table.to_dicts():
        calibrated = row["expected"] / row["exposure"]
        allowed = 3 * math.sqrt(row["expected"]) / row["exposure"] + 0.02 * calibrated
        assert abs(row["rate"] - calibrated) <= allowed, row


def test_retirement_hazard_rises_steeply_from_the_mid_fifties(rates: SupplyRates) -> None:
    everyone = rates.retirement_hazard.filter(pl.col("staff_group") == "all")

    def pooled(low: int, high: int) -> float:
        ages = everyone.filter(pl.col("age").is_between(low, high))
        return float(ages["retirements"].sum() / ages["exposure"].sum())

    assert pooled(50, 54) < 0.015  # calibration 0.5% a year
    assert pooled(57, 59) == pytest.approx(0.05, rel=0.25)  # 5%
    assert pooled(61, 64) == pytest.approx(0.15, rel=0.25)  # 15%
    assert set(everyone["source"]) == {"history"}


def test_every_rate_is_a_probability_inside_its_interval(rates: SupplyRates) -> None:
    for table in (rates.leavers, rates.leavers_by_role, rates.retirement_hazard):
        outside = ~pl.col("rate").is_between(0, 1)
        misplaced = (pl.col("low") > pl.col("rate")) | (pl.col("high") < pl.col("rate"))
        assert table.filter(outside | misplaced).is_empty()
        assert set(table["source"]) <= {"history", "published default"}
    assert rates.joiners.filter(pl.col("low") > pl.col("rate")).is_empty()
    assert rates.fte_per_head["fte_per_head"].is_between(0, 1.5).all()


def test_backtest_error_is_within_its_bound(backtested: Backtest) -> None:
    assert backtested.test == Period.ending_on(CENSUS, 1)
    for flow, margin in (("leavers", 0.05), ("joiners", 0.10)):
        cells = backtested.cells.filter(pl.col("flow") == flow)
        actual = cells["actual"].cast(pl.Float64)
        total = float(actual.sum())
        chance_total = 3 * math.sqrt(total) / total
        chance_wape = float((2 * actual / math.pi).sqrt().sum()) / total
        assert backtested.figure(flow, "total_abs_error") <= chance_total + margin
        assert backtested.figure(flow, "wape") <= chance_wape + margin

"""Spec: statutory roles (AMHP, section 12) projected as stocks of approved people.

Hand-worked tiny cases, one flow at a time: lapse at re-approval, inflow from training, leavers
with their base post, the last age; then the books (holders next year = holders + trained - lapsed
- leavers) and monotonicity on random small cases: more training never gives fewer holders, a
higher lapse never gives more. The stock is written [area, age, years until re-approval].
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from careforce.scenario.statutory_inputs import trained_from_history
from careforce.supply.statutory import (
    STATUTORY_FLOWS,
    StatutoryModel,
    StatutoryRunParameters,
    eligible_index,
    holder_leaving,
    project_statutory,
)


def model(
    holders: np.ndarray,
    trained: list[float] | None = None,
    spread: np.ndarray | None = None,
    lapse: float = 0.0,
) -> StatutoryModel:
    areas, ages, _ = holders.shape
    years = 2 if trained is None else len(trained)
    if spread is None:
        spread = np.zeros((areas, ages))
        spread[0, 0] = 1.0
    return StatutoryModel(
        kind="amhp",
        areas=tuple(f"A{i}" for i in range(areas)),
        holders=holders,
        trained_per_year=np.zeros(years) if trained is None else np.array(trained),
        trainee_spread=spread,
        lapse_at_reapproval=lapse,
    )


def params(
    m: StatutoryModel,
    *,
    lapse: float = 0.0,
    leaving: float = 0.0,
    retiring: float = 0.0,
    multiplier: float = 1.0,
    index: list[float] | None = None,
) -> StatutoryRunParameters:
    shape = (1, m.years, m.holders.shape[1])
    return StatutoryRunParameters(
        runs=np.array([0]),
        trained_multiplier=np.array([multiplier]),
        lapse=np.array([lapse]),
        leaving=np.full(shape, leaving),
        retiring=np.full(shape, retiring),
        eligible_index=np.array([index or [1.0] * m.years]),
    )


def flows(projection: object, year: int) -> dict[str, float]:
    values = projection.flows[0, year]  # type: ignore[attr-defined]
    return {name: float(values[i]) for i, name in enumerate(STATUTORY_FLOWS)}


def test_a_share_of_those_due_lapse_and_the_rest_renew_for_a_full_term() -> None:
    # One area, ages 16..19, two-year approvals: 10 aged 16 face re-approval in the first year,
    # 20 aged 17 in the second.
    holders = np.zeros((1, 4, 2))
    holders[0, 0, 0] = 10.0
    holders[0, 1, 1] = 20.0
    m = model(holders)
    got = project_statutory(m, params(m, lapse=0.5))
    # Year 1: 5 of the 10 lapse, 5 renew (due again in two years); all age a year.
    assert flows(got, 1) == pytest.approx(
        {"trained": 0, "due": 10, "lapsed": 5, "leavers": 0, "retirements": 0}
    )
    assert_allclose(got.total()[0], [30, 25, 15])
    # Year 2: the 20 (now 18) are due, 10 lapse; the 5 renewed last year are not due.
    assert flows(got, 2)["due"] == pytest.approx(20) and flows(got, 2)["lapsed"] == 10
    assert_allclose(got.holders_by_age_band[0, 2].sum(), 15)


def test_the_newly_trained_join_with_a_full_approval_where_the_spread_puts_them() -> None:
    holders = np.zeros((2, 5, 2))  # two areas, ages 16..20: no one reaches the last age
    spread = np.array([[0.0, 0.25, 0.25, 0.0, 0.0], [0.5, 0.0, 0.0, 0.0, 0.0]])
    m = model(holders, trained=[4.0, 4.0, 4.0], spread=spread, lapse=1.0)
    got = project_statutory(m, params(m, lapse=1.0, multiplier=1.5, index=[1.0, 1.25, 1.0]))
    assert_allclose(got.flow("trained")[0], [0, 6, 7.5, 6])  # 4 x 1.5 x index
    assert_allclose(got.holders[0, 1], [3, 3])  # by area: 6 x (0.5, 0.5)
    # Trained in year 1 are first due two years on, in year 3 (everyone lapses then).
    assert_allclose(got.flow("due")[0], [0, 0, 0, 6])
    assert_allclose(got.total()[0], [0, 6, 13.5, 13.5])


def test_leavers_go_with_their_base_post_before_re_approval_and_at_the_last_age() -> None:
    holders = np.zeros((1, 3, 2))
    holders[0, 0, 0] = 100.0  # age 16, due in year 1
    holders[0, 2, 1] = 10.0  # age 18, the last age: leaves in the ageing step
    m = model(holders, trained=[0.0])
    got = project_statutory(m, params(m, leaving=0.1, retiring=0.04, lapse=0.5))
    # 10 + 1 leave with their post (4 + 0.4 retire); 9 more at the last age; 45 of 90 lapse.
    assert flows(got, 1) == pytest.approx(
        {"trained": 0, "due": 90, "lapsed": 45, "leavers": 20, "retirements": 13.4}
    )
    assert_allclose(got.total()[0], [110, 45])


def test_holders_leave_as_their_base_roles_do() -> None:
    leaver_rate = np.array([[[0.1, 0.2]], [[0.3, 0.3]]])  # [g, c, a]
    retire_share = np.array([[[0.0, 0.5]], [[0.0, 1.0]]])
    multiplier = np.array([[1.0, 1.0], [2.0, 4.0]])  # runs x roles
    retention = np.array([[[1.0], [1.0]], [[0.5], [1.0]]])  # years x roles x sectors
    weight = np.array([[0.75], [0.25]])  # three quarters of holders in role 0
    leaving, retiring = holder_leaving(leaver_rate, retire_share, multiplier, retention, weight)
    assert_allclose(leaving[0, 0], [0.75 * 0.1 + 0.25 * 0.3, 0.75 * 0.2 + 0.25 * 0.3])
    assert_allclose(leaving[0, 1], [0.75 * 0.05 + 0.25 * 0.3, 0.75 * 0.1 + 0.25 * 0.3])
    assert_allclose(leaving[1, 0], [0.75 * 0.2 + 0.25 * 1.0, 0.75 * 0.4 + 0.25 * 1.0])  # capped
    assert_allclose(retiring[1, 0], [0.0, 0.75 * 0.4 * 0.5 + 0.25 * 1.0])


def test_the_eligible_index_weighs_each_role_by_todays_take_up() -> None:
    headcount = np.array([[[100.0, 1000.0], [110.0, 2000.0], [121.0, 500.0]]])  # [r, y, g]
    take_up = np.array([0.2, 0.0])  # role 1 supplies no holder today
    assert_allclose(eligible_index(headcount, take_up)[0], [1.0, 1.1, 1.21])
    assert_allclose(eligible_index(np.zeros((1, 2, 2)), take_up)[0], [1.0, 1.0])


def test_first_approvals_from_history_only_where_renewals_can_be_told_apart() -> None:
    census = dt.date(2026, 3, 31)

    def frame(rows: list[tuple[str, dt.date]]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "person_key": [p for p, _ in rows],
                "kind": ["amhp"] * len(rows),
                "approved_on": [d for _, d in rows],
            }
        )

    recent = frame([("a", dt.date(2022, 5, 1)), ("b", dt.date(2025, 1, 1))])
    assert trained_from_history(recent, "amhp", census, 3) is None  # records start in 2022
    long = frame(
        [
            ("a", dt.date(2015, 1, 1)),
            ("a", dt.date(2020, 1, 1)),
            ("a", dt.date(2025, 1, 1)),  # a renewal: not counted
            ("b", dt.date(2024, 6, 1)),
            ("c", dt.date(2025, 6, 1)),
            ("d", dt.date(2022, 6, 1)),  # before the three history years
        ]
    )
    got = trained_from_history(long, "amhp", census, 3)
    assert got is not None
    low, central, high = stats.gamma.ppf([0.1, 0.5, 0.9], 2.5) / (
        (census - dt.date(2023, 3, 31)).days / 365.25
    )
    assert (got.low, got.central, got.high) == pytest.approx((low, central, high))


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="trainee_spread"):
        model(np.zeros((1, 2, 1)), trained=[1.0], spread=np.full((1, 2), 0.2))
    m = model(np.zeros((1, 2, 1)))
    with pytest.raises(ValueError, match="retiring"):
        params(m, leaving=0.1, retiring=0.2)
    with pytest.raises(ValueError, match="lapse"):
        params(m, lapse=1.5)


@st.composite
def cases(draw: st.DrawFn) -> tuple[StatutoryModel, StatutoryRunParameters]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    areas, ages, terms, years = (draw(st.integers(1, n)) for n in (3, 5, 5, 6))
    runs = draw(st.integers(1, 3))
    spread = rng.random((areas, ages)) * (rng.random((areas, ages)) < 0.7)
    spread = spread / spread.sum() if spread.sum() > 0 else np.full(spread.shape, 1 / spread.size)
    m = StatutoryModel(
        kind="section_12",
        areas=tuple(f"A{i}" for i in range(areas)),
        holders=rng.integers(0, 20, (areas, ages, terms)).astype(float),
        trained_per_year=rng.random(years) * 10,
        trainee_spread=spread,
        lapse_at_reapproval=0.1,
    )
    leaving = rng.random((runs, years, ages)) * draw(st.sampled_from([0.0, 0.3, 1.0]))
    p = StatutoryRunParameters(
        runs=np.arange(runs),
        trained_multiplier=rng.random(runs) * 2,
        lapse=rng.random(runs) * draw(st.sampled_from([0.0, 0.5, 1.0])),
        leaving=leaving,
        retiring=leaving * rng.random((runs, years, ages)),
        eligible_index=0.5 + rng.random((runs, years)),
    )
    return m, p


def _with(p: StatutoryRunParameters, **changes: np.ndarray) -> StatutoryRunParameters:
    values = {
        name: getattr(p, name)
        for name in ("runs", "trained_multiplier", "lapse", "leaving", "retiring", "eligible_index")
    }
    return StatutoryRunParameters(**(values | changes))


@settings(max_examples=40, deadline=None)
@given(cases())
def test_the_books_balance_and_nothing_is_negative(case: tuple) -> None:
    m, p = case
    got = project_statutory(m, p)
    total = got.total()
    assert (got.holders >= 0).all() and (got.flows >= 0).all()
    change = got.flow("trained") - got.flow("lapsed") - got.flow("leavers")
    assert_allclose(total[:, 1:], total[:, :-1] + change[:, 1:], atol=1e-9)
    assert_allclose(got.holders_by_age_band.sum(axis=2), total, atol=1e-9)
    assert (got.flow("retirements") <= got.flow("leavers") + 1e-9).all()
    assert (got.flow("lapsed") <= got.flow("due") + 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(cases(), st.floats(1.0, 3.0))
def test_more_training_never_gives_fewer_holders(case: tuple, factor: float) -> None:
    m, p = case
    base = project_statutory(m, p).holders
    more = project_statutory(m, _with(p, trained_multiplier=p.trained_multiplier * factor))
    assert (more.holders >= base - 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(cases(), st.floats(0.0, 1.0))
def test_a_higher_lapse_never_gives_more_holders(case: tuple, extra: float) -> None:
    m, p = case
    base = project_statutory(m, p).holders
    higher = project_statutory(m, _with(p, lapse=p.lapse + (1 - p.lapse) * extra))
    assert (higher.holders <= base + 1e-9).all()

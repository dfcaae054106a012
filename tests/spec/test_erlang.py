"""Spec: Erlang C staffing and the M/M/s queue (METHODS section 3).

A slow, obviously correct reference (the Erlang B recursion in plain Python) checks the log-space
engine, including at hundreds and thousands of agents.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from careforce.demand.erlang import (
    ErlangStaffing,
    agents_for_waiting_probability,
    agents_needed,
    load_capacity,
    mean_wait_seconds,
    mms_queue,
    offered_load,
    probability_of_waiting,
    service_level,
    staffing,
)


def reference_erlang_c(agents: int, load: float) -> float:
    """Erlang B by its recursion B(n) = A B(n-1) / (n + A B(n-1)), then C from B."""
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return agents * b / (agents - load * (1 - b))


@pytest.mark.parametrize(
    ("agents", "load"),
    [(1, 0.5), (2, 1.0), (6, 5.0), (8, 5.0), (26, 20.0), (120, 100.0), (520, 500.0),
     (2000, 1950.0), (5000, 4900.0)],
)  # fmt: skip
def test_log_space_erlang_c_matches_the_recursion(agents: int, load: float) -> None:
    assert float(probability_of_waiting(agents, load)) == pytest.approx(
        reference_erlang_c(agents, load), rel=1e-9
    )


def test_textbook_example_100_calls_3_minutes_80_percent_in_20_seconds() -> None:
    """A = 100 x 3 / 60 = 5 Erlangs. By hand from the recursion: 7 agents answer 74.0% within
    20 s (C = 0.3241), 8 agents 88.0% (C = 0.1673): 8 is the smallest that meets 80%."""
    load = float(offered_load(100, 3))
    assert load == 5.0
    table = {
        n: (reference_erlang_c(n, load), 1 - reference_erlang_c(n, load) * math.exp(-(n - 5) * 20 / 180))
        for n in (6, 7, 8, 9)
    }  # fmt: skip
    assert table[7][1] == pytest.approx(0.7404, abs=5e-5)
    assert table[8][1] == pytest.approx(0.8801, abs=5e-5)
    levels = service_level([6, 7, 8, 9], load, 3, 20)
    assert levels == pytest.approx([table[n][1] for n in (6, 7, 8, 9)], rel=1e-9)
    assert int(agents_needed(100, 3, 20, 0.8)) == 8
    result = staffing(100, 3, 20, 0.8)
    assert result == ErlangStaffing(
        agents=8,
        service_level=pytest.approx(0.880148, abs=1e-6),
        probability_of_waiting=pytest.approx(0.167267, abs=1e-6),
        mean_wait_seconds=pytest.approx(0.1672665 * 180 / 3, rel=1e-6),
    )


# arrivals an hour, handling minutes, answer seconds, target -> agents (smallest N > A that meets)
AGENTS_TABLE = [
    (100, 3, 20, 0.80, 8),
    (100, 3, 20, 0.90, 9),
    (100, 3, 0, 0.80, 8),  # answer at once: 1 - C >= 0.8 needs C <= 0.2; C(7) 0.324, C(8) 0.167
    (600, 2, 30, 0.80, 23),  # 22 agents answer 65.6%, 23 agents 80.4%
    (6, 20, 30, 0.80, 4),
    (0, 3, 20, 0.80, 0),
    (0.5, 10, 20, 0.8, 1),
]


@pytest.mark.parametrize(("arrivals", "handling", "answer", "target", "agents"), AGENTS_TABLE)
def test_agents_needed_table(
    arrivals: float, handling: float, answer: float, target: float, agents: int
) -> None:
    n = int(agents_needed(arrivals, handling, answer, target))
    assert n == agents
    if arrivals > 0:
        load = arrivals * handling / 60
        assert n > load
        assert float(service_level(n, load, handling, answer)) >= target
        if n - 1 > load:
            assert float(service_level(n - 1, load, handling, answer)) < target


def test_agents_needed_broadcasts_all_four_arguments() -> None:
    arrivals = np.array([[0.0], [100.0], [600.0]])
    handling = np.array([3.0, 2.0])
    got = agents_needed(arrivals, handling, 20, np.array([[0.8, 0.9]]))
    assert got.dtype == np.int64
    assert got.shape == (3, 2)
    want = [[int(agents_needed(a, h, 20, t)) for h, t in zip(handling, (0.8, 0.9), strict=True)]
            for a in arrivals[:, 0]]  # fmt: skip
    assert got.tolist() == want
    assert got[0].tolist() == [0, 0]


def test_hundreds_of_agents() -> None:
    n = int(agents_needed(6000, 5, 20, 0.8))  # 500 Erlangs
    assert 500 < n < 540
    assert float(service_level(n, 500, 5, 20)) >= 0.8 > float(service_level(n - 1, 500, 5, 20))


# the queue cannot keep up (N <= A) or nobody arrives (A = 0)
def test_edges() -> None:
    assert probability_of_waiting([3, 5], 5).tolist() == [1.0, 1.0]
    assert service_level(5, 5, 3, 20).item() == 0.0
    assert math.isinf(mean_wait_seconds(4, 5, 3).item())
    assert probability_of_waiting(0, 0).item() == 0.0
    assert service_level(0, 0, 3, 20).item() == 1.0
    assert mean_wait_seconds(0, 0, 3).item() == 0.0
    assert staffing(0, 3, 20, 0.8) == ErlangStaffing(0, 1.0, 0.0, 0.0)


@pytest.mark.parametrize(
    "arguments",
    [(-1, 3, 20, 0.8), (10, 0, 20, 0.8), (10, 3, -5, 0.8), (10, 3, 20, 1.0), (10, 3, 20, 0.0),
     (float("nan"), 3, 20, 0.8)],
)  # fmt: skip
def test_bad_arguments_are_refused(arguments: tuple[float, float, float, float]) -> None:
    with pytest.raises(ValueError):
        agents_needed(*arguments)


def test_probability_of_waiting_target_and_capacity() -> None:
    assert int(agents_for_waiting_probability(20, 0.15)) == 26
    capacity = float(load_capacity(30, 0.15))
    assert float(probability_of_waiting(30, capacity)) == pytest.approx(0.15, abs=1e-9)


def test_mm1_reduces_to_its_closed_form() -> None:
    """M/M/1, lambda 3/h, 15-minute service: rho 0.75, P0 0.25, Lq 2.25, Wq 0.75 h, W 1 h."""
    q = mms_queue(3, 15, 1)
    assert (q.utilisation.item(), q.p0.item(), q.lq.item()) == pytest.approx((0.75, 0.25, 2.25))
    assert (q.wq_hours.item(), q.w_hours.item(), q.l.item()) == pytest.approx((0.75, 1.0, 3.0))


def test_mm2_by_hand() -> None:
    """M/M/2, lambda 2/h, 30-minute service: r 1, rho 0.5, P0 1/3, Lq 1/3, Wq 1/6 h."""
    q = mms_queue(2, 30, 2)
    assert (q.p0.item(), q.lq.item(), q.wq_hours.item()) == pytest.approx((1 / 3, 1 / 3, 1 / 6))
    assert q.probability_of_waiting.item() == pytest.approx(1 / 3)

"""Invariants of Erlang C staffing over random queues (METHODS section 3)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from careforce.demand.erlang import agents_needed, probability_of_waiting, service_level

ARRIVALS = st.floats(0.0, 3000.0, allow_nan=False)
HANDLING = st.floats(0.5, 60.0, allow_nan=False)
ANSWER = st.floats(0.0, 300.0, allow_nan=False)
TARGET = st.floats(0.05, 0.99, allow_nan=False)
AGENTS = st.integers(0, 2000)
LOAD = st.floats(0.0, 1500.0, allow_nan=False)


def needed(arrivals: float, handling: float, answer: float, target: float) -> int:
    return int(agents_needed(arrivals, handling, answer, target))


@settings(max_examples=150, deadline=None)
@given(ARRIVALS, ARRIVALS, HANDLING, ANSWER, TARGET)
def test_more_arrivals_never_need_fewer_agents(
    a: float, b: float, handling: float, answer: float, target: float
) -> None:
    low, high = sorted((a, b))
    assert needed(low, handling, answer, target) <= needed(high, handling, answer, target)


@settings(max_examples=150, deadline=None)
@given(ARRIVALS, HANDLING, HANDLING, ANSWER, TARGET)
def test_longer_handling_never_needs_fewer_agents(
    arrivals: float, a: float, b: float, answer: float, target: float
) -> None:
    short, long = sorted((a, b))
    assert needed(arrivals, short, answer, target) <= needed(arrivals, long, answer, target)


@settings(max_examples=150, deadline=None)
@given(ARRIVALS, HANDLING, ANSWER, TARGET, TARGET)
def test_a_higher_target_never_needs_fewer_agents(
    arrivals: float, handling: float, answer: float, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    assert needed(arrivals, handling, answer, low) <= needed(arrivals, handling, answer, high)


@settings(max_examples=150, deadline=None)
@given(ARRIVALS, HANDLING, ANSWER, TARGET)
def test_agents_needed_is_the_smallest_that_meets_the_target(
    arrivals: float, handling: float, answer: float, target: float
) -> None:
    n = needed(arrivals, handling, answer, target)
    load = arrivals * handling / 60
    if arrivals == 0:
        assert n == 0
        return
    assert n > load
    assert float(service_level(n, load, handling, answer)) >= target
    assert n - 1 <= load or float(service_level(n - 1, load, handling, answer)) < target


@settings(max_examples=150, deadline=None)
@given(LOAD, HANDLING, ANSWER)
def test_service_level_rises_with_agents(load: float, handling: float, answer: float) -> None:
    start = int(np.floor(load)) + 1
    agents = np.arange(start, start + 60)
    levels = service_level(agents, load, handling, answer)
    assert np.all(np.diff(levels) >= -1e-12)
    assert np.all((levels >= 0) & (levels <= 1))


@settings(max_examples=200, deadline=None)
@given(AGENTS, LOAD)
def test_probability_of_waiting_is_a_probability(agents: int, load: float) -> None:
    c = float(probability_of_waiting(agents, load))
    assert 0.0 <= c <= 1.0
    if agents <= load and load > 0:
        assert c == 1.0
    if agents > load > 0:
        assert c <= float(probability_of_waiting(max(agents - 1, 0), load))


def reference_erlang_c(agents: int, load: float) -> float:
    """Erlang B by its recursion, then C: slow and plainly right."""
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return agents * b / (agents - load * (1 - b))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 400), st.floats(0.001, 0.999))
def test_log_space_matches_the_recursion(agents: int, utilisation: float) -> None:
    load = agents * utilisation
    expected = reference_erlang_c(agents, load)
    assert (
        abs(float(probability_of_waiting(agents, load)) - expected)
        <= 1e-9 * max(expected, 1e-300) + 1e-15
    )

"""Invariants of the demand compiler on small random specifications:

- population-driven hours scale linearly with the population (k x people -> k x hours);
- widening an interval never changes the central run 0;
- asking for more runs leaves the first runs' values as they were (and so does the block size):
  the drawn parameters are identical, the hours equal to the rounding of the matrix products;
- hours by task and hours by service hold the same total in every run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from careforce.demand.compiler import compile_demand
from careforce.demand.model import DemandResult
from careforce.specification.demand_inputs import demand_model, draw_parameters
from careforce.specification.service_spec import ServiceSpec

AREAS = ("A", "B", "C")
YEARS = (2030, 2031, 2032)
TASKS = ("PC01", "MED03", "MOB01", "SOC01")

positive = st.floats(0.5, 50.0)
share = st.floats(0.02, 0.4)


@st.composite
def intervals(draw: st.DrawFn, middle: st.SearchStrategy[float], spread: float) -> list[float]:
    centre = draw(middle)
    half = centre * draw(st.floats(0.01, spread))
    return [centre - half, centre + half]


@st.composite
def activities(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "task": draw(st.sampled_from(TASKS)),
        "contacts_per_user_per_year": draw(st.one_of(positive, intervals(positive, 0.5))),
        "minutes_per_contact": draw(st.one_of(positive, intervals(positive, 0.5))),
        "staff_per_contact": draw(st.sampled_from([1, 2])),
    }


@st.composite
def population_services(draw: st.DrawFn, index: int) -> dict[str, Any]:
    return {
        "id": f"service_{index}",
        "name": f"Service {index}",
        "setting": draw(st.sampled_from(["community", "domiciliary", "primary_care"])),
        "driver": {
            "kind": "population",
            "use_rate": [
                {"ages": "0-64", "rate": draw(st.one_of(share, intervals(share, 0.6)))},
                {"ages": "65+", "rate": draw(st.one_of(share, intervals(share, 0.6)))},
            ],
            "coverage": draw(intervals(st.floats(0.5, 0.8), 0.2)),
        },
        "activities": draw(st.lists(activities(), min_size=1, max_size=3)),
        "trends": {"users_per_year": draw(intervals(st.floats(0.01, 0.03), 0.5))},
    }


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 3))
    return {
        "schema_version": 1,
        "name": "random",
        "base_year": YEARS[0],
        "years": len(YEARS),
        "services": [draw(population_services(i)) for i in range(count)],
    }


people = st.integers(0, 2**31 - 1).map(
    lambda seed: np.random.default_rng(seed).integers(0, 500, (len(AREAS), 101, len(YEARS)))
)


def compile_spec(
    spec: dict[str, Any], population: np.ndarray, runs: int, block_runs: int | None = None
) -> DemandResult:
    checked = ServiceSpec.model_validate(spec)
    model = demand_model(checked, AREAS, YEARS)
    draws = draw_parameters(checked, model, seed=17, runs=np.arange(runs + 1))
    return compile_demand(model, population, draws, block_runs=block_runs)


@settings(max_examples=25, deadline=None)
@given(specs(), people, st.sampled_from([0.5, 2.0, 3.0, 10.0]))
def test_population_driven_hours_scale_linearly_with_the_population(
    spec: dict[str, Any], population: np.ndarray, k: float
) -> None:
    base = compile_spec(spec, population, runs=8)
    scaled = compile_spec(spec, population * k, runs=8)
    np.testing.assert_allclose(scaled.hours, k * base.hours, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(scaled.hours_by_service, k * base.hours_by_service, rtol=1e-10)


def widen(spec: dict[str, Any], factor: float) -> dict[str, Any]:
    """Every [low, high] interval widened about its midpoint, stated as {central, low, high}."""

    def walk(node: Any) -> Any:
        if isinstance(node, list) and len(node) == 2 and all(isinstance(v, float) for v in node):
            low, high = node
            centre, half = (low + high) / 2, (high - low) / 2
            wider = min(half * factor, centre * 0.9)  # shares and rates stay above 0
            if high < 1:
                wider = min(wider, (1 - centre) * 0.9)  # and below 1
            return {"central": centre, "low": centre - wider, "high": centre + wider}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        return node

    return walk(spec)  # type: ignore[no-any-return]


@settings(max_examples=25, deadline=None)
@given(specs(), people, st.floats(1.0, 1.8))
def test_a_wider_interval_never_changes_run_0(
    spec: dict[str, Any], population: np.ndarray, factor: float
) -> None:
    narrow = compile_spec(spec, population, runs=4)
    wide = compile_spec(widen(spec, factor), population, runs=4)
    np.testing.assert_allclose(wide.hours[0], narrow.hours[0], rtol=1e-12)


@settings(max_examples=20, deadline=None)
@given(specs(), people, st.integers(1, 6), st.integers(1, 30))
def test_more_runs_and_other_blocks_leave_the_first_runs_as_they_were(
    spec: dict[str, Any], population: np.ndarray, block: int, more: int
) -> None:
    few = compile_spec(spec, population, runs=10)
    many = compile_spec(spec, population, runs=10 + more, block_runs=block)
    np.testing.assert_allclose(many.hours[:11], few.hours, rtol=1e-13)
    np.testing.assert_allclose(many.hours_by_service[:11], few.hours_by_service, rtol=1e-13)
    checked = ServiceSpec.model_validate(spec)
    model = demand_model(checked, AREAS, YEARS)
    first = draw_parameters(checked, model, seed=17, runs=np.arange(11))
    longer = draw_parameters(checked, model, seed=17, runs=np.arange(11 + more))
    for a, b in zip(first.services, longer.services, strict=True):
        np.testing.assert_array_equal(b.use_rate_by_age[:11], a.use_rate_by_age)  # type: ignore[index]
        np.testing.assert_array_equal(b.minutes_per_contact[:11], a.minutes_per_contact)  # type: ignore[index]


@settings(max_examples=20, deadline=None)
@given(specs(), people)
def test_hours_by_task_and_by_service_hold_the_same_total(
    spec: dict[str, Any], population: np.ndarray
) -> None:
    result = compile_spec(spec, population, runs=6)
    np.testing.assert_allclose(
        result.hours.sum(axis=1), result.hours_by_service.sum(axis=1), rtol=1e-10, atol=1e-9
    )
    assert (result.hours >= 0).all()

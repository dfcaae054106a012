"""Invariants of the supply projection on random small models (METHODS section 4).

- the array engine agrees with the slow reference implementation, on the central run and on
  random runs; the fused numba kernel agrees with the array engine (both to 1e-9);
- every cell keeps the books each year: stock next year = stock - leavers + returners + moves in
  - moves out - into training + joiners (ages summed); per role too, in the results;
- nothing is ever negative, and no cell outside `staffed_cells` ever holds anyone;
- an apprenticeship route's students are the people who left its source role: the role's flow
  into training equals the routes' intake, which is never more than they asked for;
- more attrition never gives more headcount; without apprenticeship routes a bigger intake never
  gives less (a route's intake comes out of its source role);
- projecting runs in chunks gives exactly the results of projecting them all at once.

Small and deterministic for CI (25 examples each); the models include empty cells, certain
leaving, roles whose whole stock moves on, and apprenticeship routes, some asking for more
people than their source role has.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from careforce.supply.engine import project
from careforce.supply.model import RunParameters, SupplyModel
from careforce.supply.plan import DeviceModel, RunArrays, YearInputs, advance_year
from careforce.supply.projection import FLOWS, Projection
from careforce.supply.reference import project_reference, reference_headcount
from careforce.supply.steps import Stock
from careforce.supply.synthetic import random_model, random_parameters

RESULTS = (
    "headcount_by_cell",
    "fte_by_cell",
    "headcount_by_age_band",
    "flows",
    "students",
    "intake",
    "completers",
)
TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}
IN = ("returners", "moves_in", "pipeline_joiners", "other_joiners", "international_joiners")
OUT = ("leavers", "moves_out", "into_training")


@st.composite
def cases(draw: st.DrawFn) -> tuple[SupplyModel, RunParameters, int]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    model = random_model(
        rng,
        roles=draw(st.integers(1, 3)),
        areas=draw(st.integers(1, 2)),
        sectors=draw(st.integers(1, 2)),
        ages=draw(st.integers(2, 5)),
        programmes=draw(st.integers(0, 2)),
        courses=draw(st.integers(1, 3)),
        years=4,
        sparse=draw(st.booleans()),
        extremes=draw(st.booleans()),
        apprenticeships=draw(st.booleans()),
    )
    params = random_parameters(
        rng, model, draw(st.integers(1, 3)), first_run=draw(st.sampled_from([0, 0, 5]))
    )
    return model, params, draw(st.integers(0, 4))


def assert_same(got: Projection, expected: Projection) -> None:
    assert_array_equal(got.runs, expected.runs)
    for name in RESULTS:
        assert_allclose(getattr(got, name), getattr(expected, name), **TOLERANCE, err_msg=name)


@settings(max_examples=25, deadline=None)
@given(cases())
def test_array_engine_matches_the_reference(case: tuple[SupplyModel, RunParameters, int]) -> None:
    model, params, years = case
    assert_same(project(model, params, years), project_reference(model, params, years))


@settings(max_examples=25, deadline=None)
@given(cases())
def test_numba_kernel_matches_the_array_engine(
    case: tuple[SupplyModel, RunParameters, int],
) -> None:
    model, params, years = case
    assert_same(project(model, params, years, backend="numba"), project(model, params, years))


@settings(max_examples=25, deadline=None)
@given(cases())
def test_every_cell_keeps_the_books(case: tuple[SupplyModel, RunParameters, int]) -> None:
    model, params, years = case
    device = DeviceModel.of(np, model)
    runs = RunArrays(
        params.leaver_multiplier,
        params.joiner_multiplier,
        params.international_multiplier,
        params.fill_rate,
    )
    stock = Stock(
        np.repeat(model.headcount[None], len(params), axis=0),
        np.repeat(model.fte[None], len(params), axis=0),
    )
    students = np.repeat(model.students[None], len(params), axis=0)
    for t in range(years):
        state = advance_year(YearInputs(device, runs, t), stock, students)
        before = stock.headcount.sum(axis=-1)
        after = state.stock.headcount.sum(axis=-1)
        books = before + sum(state.flows[n] for n in IN) - sum(state.flows[n] for n in OUT)
        assert_allclose(after, books, **TOLERANCE)
        assert (state.stock.headcount >= -1e-9).all() and (state.stock.fte >= -1e-9).all()
        stock, students = state.stock, state.students


@settings(max_examples=25, deadline=None)
@given(cases())
def test_results_keep_the_books_by_role_and_nothing_is_negative(
    case: tuple[SupplyModel, RunParameters, int],
) -> None:
    model, params, years = case
    result = project(model, params, years, backend="numba")
    by_role = result.headcount().sum(axis=(3, 4))  # [r, y, g]
    change = sum(result.flow(n) for n in IN) - sum(result.flow(n) for n in OUT)
    assert_allclose(by_role[:, 1:], by_role[:, :-1] + change[:, 1:], **TOLERANCE)
    assert_allclose(result.headcount_by_age_band.sum(axis=-1), by_role, **TOLERANCE)
    for name in RESULTS:
        assert (getattr(result, name) >= -1e-9).all(), name
    assert (result.flows[:, 0] == 0).all()
    assert len(FLOWS) == result.flows.shape[-1]


@settings(max_examples=25, deadline=None)
@given(cases())
def test_no_one_appears_outside_the_staffed_cells(
    case: tuple[SupplyModel, RunParameters, int],
) -> None:
    model, params, years = case
    everywhere = reference_headcount(model, params, years)
    assert (everywhere[:, :, ~model.staffed_cells] == 0).all()


@settings(max_examples=25, deadline=None)
@given(cases(), st.floats(1.0, 3.0))
def test_more_attrition_never_gives_more_headcount(
    case: tuple[SupplyModel, RunParameters, int], factor: float
) -> None:
    model, params, years = case
    harsher = dataclasses.replace(model, leaver_rate=np.minimum(model.leaver_rate * factor, 1.0))
    base = project(model, params, years, backend="numba").headcount_by_cell
    less = project(harsher, params, years, backend="numba").headcount_by_cell
    assert (less <= base + 1e-9 * (1 + base)).all()


@settings(max_examples=25, deadline=None)
@given(cases())
def test_apprentices_are_the_people_who_left_their_role_for_the_course(
    case: tuple[SupplyModel, RunParameters, int],
) -> None:
    model, params, years = case
    result = project(model, params, years, backend="numba")
    into_training = np.zeros_like(result.flow("into_training"))
    asked = np.minimum(
        model.commissioned_places[None, :years] * params.fill_rate[:, None],
        model.placement_capacity[None, :years],
    )  # [r, t, p]
    for p in range(len(model.programmes)):
        source = model.programme_source_role[p]
        if source >= 0:
            into_training[:, :, source] += result.intake[:, :, p]
        else:
            assert_allclose(result.intake[:, 1:, p], asked[:, :, p], **TOLERANCE)
    assert_allclose(result.flow("into_training"), into_training, **TOLERANCE)
    assert (result.intake[:, 1:] <= asked + 1e-9 * (1 + asked)).all()


@settings(max_examples=25, deadline=None)
@given(cases(), st.floats(1.0, 3.0))
def test_a_bigger_intake_never_gives_less_headcount_without_apprenticeship_routes(
    case: tuple[SupplyModel, RunParameters, int], factor: float
) -> None:
    model, params, years = case
    model = dataclasses.replace(model, programme_source_role=None)
    bigger = dataclasses.replace(
        model,
        commissioned_places=model.commissioned_places * factor,
        placement_capacity=model.placement_capacity * factor,
    )
    base = project(model, params, years, backend="numba").headcount_by_cell
    more = project(bigger, params, years, backend="numba").headcount_by_cell
    assert (more >= base - 1e-9 * (1 + base)).all()


@settings(max_examples=25, deadline=None)
@given(cases(), st.integers(1, 2), st.sampled_from(["numpy", "numba"]))
def test_chunks_of_runs_give_the_same_results(
    case: tuple[SupplyModel, RunParameters, int], split: int, backend: str
) -> None:
    model, params, years = case
    whole = project(model, params, years, backend=backend)
    parts = [params.take(slice(0, split)), params.take(slice(split, None))]
    joined = Projection.concat(
        [project(model, part, years, backend=backend) for part in parts if len(part)]
    )
    assert_array_equal(joined.runs, whole.runs)
    for name in RESULTS:
        assert_array_equal(getattr(joined, name), getattr(whole, name), err_msg=name)

"""The drawn runs' results by cell in float32 (`project(..., result_dtype=np.float32)`).

- every number is computed in float64 as before: the by-cell results are the float64 ones
  rounded to float32, and every other result (age bands, flows, pipeline) is unchanged;
- the central run stays exact in float64 (`central_headcount_by_cell`, `headcount()`, `fte()`);
- chunks of runs joined give the same results as projecting them all at once.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from careforce.supply.engine import project
from careforce.supply.model import RunParameters, SupplyModel
from careforce.supply.projection import Projection
from careforce.supply.synthetic import random_model, random_parameters

BY_CELL = ("headcount_by_cell", "fte_by_cell")
OTHERS = ("headcount_by_age_band", "flows", "students", "intake", "completers")


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
        years=3,
        sparse=draw(st.booleans()),
        extremes=draw(st.booleans()),
        apprenticeships=draw(st.booleans()),
    )
    params = random_parameters(
        rng, model, draw(st.integers(1, 3)), first_run=draw(st.sampled_from([0, 0, 5]))
    )
    return model, params, draw(st.integers(0, 3))


@settings(max_examples=20, deadline=None)
@given(cases(), st.sampled_from(["numpy", "numba"]))
def test_float32_results_are_the_float64_ones_rounded_with_the_central_run_exact(
    case: tuple[SupplyModel, RunParameters, int], backend: str
) -> None:
    model, params, years = case
    full = project(model, params, years, backend=backend)
    half = project(model, params, years, backend=backend, result_dtype=np.float32)
    for name in BY_CELL:
        assert getattr(half, name).dtype == np.float32
        assert_array_equal(getattr(half, name), getattr(full, name).astype(np.float32))
    for name in OTHERS:
        assert_array_equal(getattr(half, name), getattr(full, name), err_msg=name)
    central = params.runs[0] == 0
    assert (half.central_headcount_by_cell is not None) == central
    if central:
        assert_array_equal(half.central_by_cell()[0], full.headcount_by_cell[0])
        assert_array_equal(half.central_by_cell()[1], full.fte_by_cell[0])
        assert_array_equal(half.headcount()[0], full.headcount()[0])
        assert_array_equal(half.fte()[0], full.fte()[0])


@settings(max_examples=20, deadline=None)
@given(cases(), st.integers(1, 2))
def test_chunks_of_float32_results_give_the_same_results(
    case: tuple[SupplyModel, RunParameters, int], split: int
) -> None:
    model, params, years = case
    whole = project(model, params, years, backend="numba", result_dtype=np.float32)
    parts = [params.take(slice(0, split)), params.take(slice(split, None))]
    joined = Projection.concat(
        [
            project(model, part, years, backend="numba", result_dtype=np.float32)
            for part in parts
            if len(part)
        ]
    )
    for name in (*BY_CELL, *OTHERS):
        assert_array_equal(getattr(joined, name), getattr(whole, name), err_msg=name)
    assert_array_equal(joined.central_by_cell()[0], whole.central_by_cell()[0])


def test_only_float64_or_float32_results() -> None:
    model = random_model(np.random.default_rng(1))
    params = random_parameters(np.random.default_rng(2), model, 2)
    with pytest.raises(ValueError, match="float64 or float32"):
        project(model, params, 1, result_dtype=np.float16)

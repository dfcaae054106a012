"""The supply engine's contract: checked inputs, backends, results, process noise."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from careforce.domain.errors import UserError
from careforce.supply.backend import array_namespace
from careforce.supply.engine import ProcessNoise, backend_used, project
from careforce.supply.model import RunParameters, SupplyModel
from careforce.supply.plan import PLAN
from careforce.supply.projection import AGE_BANDS, FLOWS, Projection, age_band_of
from careforce.supply.synthetic import random_model, random_parameters

DESIGN = Path(__file__).resolve().parents[2] / "docs" / "design" / "supply.md"


def model(**changes: object) -> SupplyModel:
    base = random_model(np.random.default_rng(7), roles=2, areas=2, sectors=1, ages=4)
    return dataclasses.replace(base, **changes) if changes else base


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"leaver_rate": np.full((2, 1, 3), 0.1)}, r"leaver_rate has shape \(2, 1, 3\); it needs"),
        ({"leaver_rate": np.full((2, 1, 4), 1.5)}, r"leaver_rate is a rate .* role 'role_0'"),
        ({"return_rate": np.array([0.1, -0.1])}, r"return_rate must not be negative: .*role_1"),
        ({"joiner_rate": np.full((2, 1), np.nan)}, r"joiner_rate must be finite"),
        (
            {"joiner_age_share": np.full((2, 4), 0.2)},
            r"joiner_age_share must add up to 1 for each role",
        ),
        ({"move_rate": np.eye(2) * 0.1}, r"move_rate from a role to itself must be 0"),
        (
            {"move_rate": np.array([[0, 0.7], [1.2, 0]])},
            r"move_rate must lie in \[0, 1\]|at most 1",
        ),
        ({"course_length_years": np.array([4])}, r"course_length_years must be 1 to 3"),
        ({"programme_role": np.array([5])}, r"programme_role must index roles"),
        (
            {"programme_source_role": np.array([2])},
            r"programme_source_role must index roles .* or be -1 for none",
        ),
        ({"programme_source_role": np.array([-2])}, r"programme_source_role must not be negative"),
    ],
)
def test_a_bad_model_is_refused_with_a_message_naming_the_array(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        model(**changes)


def test_a_route_into_the_role_it_draws_from_is_refused() -> None:
    role = int(model().programme_role[0])
    with pytest.raises(ValueError, match="takes its students from another role than the one"):
        model(programme_source_role=np.array([role]))


def test_fte_without_headcount_is_refused() -> None:
    base = model()
    headcount = base.headcount.copy()
    headcount[0, 0, 0, 0] = 0.0
    with pytest.raises(ValueError, match="fte is above 0 where headcount is 0"):
        dataclasses.replace(base, headcount=headcount)


def test_optional_arrays_default_to_no_lever_and_starting_fte_per_head() -> None:
    base = model()
    plain = dataclasses.replace(
        base, retention=None, participation=None, students=None, joiner_fte_per_head=None
    )
    assert (plain.retention == 1).all() and (plain.participation == 1).all()
    assert (plain.students == 0).all()
    expected = base.fte.sum(axis=(1, 2, 3)) / base.headcount.sum(axis=(1, 2, 3))
    assert_allclose(plain.joiner_fte_per_head, expected)
    assert not plain.headcount.flags.writeable


def test_run_zero_must_be_central() -> None:
    params = RunParameters.central(model(), 2)
    moved = dataclasses.replace(params, leaver_multiplier=params.leaver_multiplier * 1.1)
    with pytest.raises(ValueError, match="run 0 is the central run"):
        moved.check(model())
    project(model(), dataclasses.replace(moved, runs=np.array([1, 2])), 1)  # fine without run 0


def test_years_beyond_the_inputs_and_unknown_backends_are_refused() -> None:
    params = RunParameters.central(model())
    with pytest.raises(ValueError, match="years must be 0 to 5"):
        project(model(), params, 6)
    with pytest.raises(UserError, match="unknown backend 'gpu'"):
        project(model(), params, 1, backend="gpu")
    with pytest.raises(UserError, match="unknown backend 'gpu'"):
        project(model(), params, 1, backend="gpu", process_noise=ProcessNoise.from_seed(1))


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
def test_cupy_without_cupy_says_what_to_do() -> None:
    with pytest.raises(UserError, match=r"needs CuPy and an NVIDIA GPU .*careforce\[gpu\]"):
        array_namespace("cupy")


def test_year_zero_is_the_starting_stock() -> None:
    m = model()
    result = project(m, random_parameters(np.random.default_rng(1), m, 3), 2)
    assert result.years == 2
    assert_allclose(
        result.headcount()[:, 0], np.broadcast_to(m.headcount.sum(axis=3), (3, 2, 2, 1))
    )
    assert_allclose(result.fte()[:, 0].sum(axis=(1, 2, 3)), m.fte.sum())
    assert (result.flows[:, 0] == 0).all() and (result.intake[:, 0] == 0).all()
    assert_allclose(result.students[:, 0], np.broadcast_to(m.students.sum(axis=1), (3, 1)))
    assert result.headcount_by_age_band.shape == (3, 3, 2, len(AGE_BANDS))
    assert result.flows.shape == (3, 3, 2, len(FLOWS))


def test_age_bands() -> None:
    bands = [
        AGE_BANDS[i]
        for i in age_band_of(np.array([16, 24, 25, 34, 35, 54, 55, 59, 60, 64, 65, 74]))
    ]
    assert bands == ["<25", "<25", "25-34", "25-34", "35-44", "45-54", "55-59", "55-59", "60-64", "60-64", "65+", "65+"]  # fmt: skip


def test_runs_can_be_projected_in_any_order_of_chunks() -> None:
    m = model()
    params = random_parameters(np.random.default_rng(3), m, 4)
    whole = project(m, params, 3, backend="numba")
    backwards = Projection.concat(
        [project(m, params.take(np.array([i])), 3, backend="numba") for i in range(4)]
    )
    assert_array_equal(backwards.headcount_by_cell, whole.headcount_by_cell)
    with pytest.raises(ValueError, match="same number of years"):
        Projection.concat([whole, project(m, params, 2)])


def noisy_model() -> SupplyModel:
    """Whole numbers of staff and no moves, so each role's draws are its own."""
    base = model(move_rate=np.zeros((2, 2)))
    heads = np.round(base.headcount)
    return dataclasses.replace(base, headcount=heads, fte=heads * 0.8)


def test_process_noise_draws_whole_leavers_and_leaves_run_zero_alone() -> None:
    m = noisy_model()
    params = random_parameters(np.random.default_rng(4), m, 3)
    noise = ProcessNoise.from_seed(11)
    calm = project(m, params, 3)
    noisy = project(m, params, 3, process_noise=noise)
    assert_array_equal(noisy.headcount_by_cell[0], calm.headcount_by_cell[0])
    assert not np.allclose(noisy.headcount_by_cell[1:], calm.headcount_by_cell[1:])
    assert_array_equal(noisy.flows, project(m, params, 3, process_noise=noise).flows)
    assert (noisy.headcount_by_cell >= 0).all()
    # Each run has its own streams: run 2 alone draws what it drew beside runs 0 and 1.
    alone = project(m, params.take(slice(2, 3)), 3, process_noise=noise)
    assert_array_equal(alone.headcount_by_cell[0], noisy.headcount_by_cell[2])


@pytest.mark.parametrize("backend", ["numba", "cupy"])
def test_process_noise_runs_on_the_numpy_path_whatever_the_backend(backend: str) -> None:
    m = noisy_model()
    params = random_parameters(np.random.default_rng(6), m, 3)
    noise = ProcessNoise.from_seed(13)
    assert backend_used(backend, noise) == "numpy" and backend_used(backend) == backend
    asked = project(m, params, 2, backend=backend, process_noise=noise)
    plain = project(m, params, 2, process_noise=noise)
    assert asked.backend == "numpy"
    assert_array_equal(asked.headcount_by_cell, plain.headcount_by_cell)
    assert project(m, params, 2, backend="numba").backend == "numba"
    with pytest.raises(ValueError, match="same backend"):
        Projection.concat([asked, project(m, params, 2, backend="numba")])


def test_process_noise_streams_are_per_role() -> None:
    """Changing role 1's leaver multiplier leaves role 0's draws (and results) as they were."""
    m = noisy_model()
    params = random_parameters(np.random.default_rng(5), m, 3)
    noise = ProcessNoise.from_seed(12)
    changed = params.leaver_multiplier.copy()
    changed[1:, 1] *= 1.5
    other = dataclasses.replace(params, leaver_multiplier=changed)
    before = project(m, params, 3, process_noise=noise)
    after = project(m, other, 3, process_noise=noise)
    assert_array_equal(before.flow("leavers")[:, :, 0], after.flow("leavers")[:, :, 0])
    assert not np.array_equal(before.flow("leavers")[:, :, 1], after.flow("leavers")[:, :, 1])


def test_the_design_lists_the_plan_in_the_order_it_runs() -> None:
    text = DESIGN.read_text()
    plan = text[text.index("## The yearly plan") :]
    listed = re.findall(r"^\d+\. ([a-zA-Z ]+?):", plan, flags=re.MULTILINE)
    assert listed == [step.name for step in PLAN]

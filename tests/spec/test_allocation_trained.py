"""Delegation limited by the workers trained for each task (`delegation_hours`), by hand and
against the linopy reference.

A nurse (a registrant, 1,000 task hours) and a care worker (1,000 hours): MED is the nurse's and
may be delegated to the care worker (0.1 registrant hours per delegated hour), PC is the care
worker's, MHA (statutory) the nurse's."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_allclose

from careforce.allocation import AllocationProblem, allocate
from careforce.allocation.reference import allocate_reference
from careforce.allocation.synthetic import random_problem


def problem(need: list[float], trained: float | None) -> AllocationProblem:
    return AllocationProblem(
        tasks=("MED", "PC", "MHA"),
        groups=("nurse", "carer"),
        areas=("A",),
        years=(2026,),
        hours=np.array(need, dtype=float).reshape(1, 1, 1, 3),
        fte=np.ones((1, 1, 1, 2)),
        task_hours_per_fte=np.full(2, 1000.0),
        own=np.array([[True, False], [False, True], [True, False]]),
        delegable=np.array([[False, True], [False, False], [False, False]]),
        supervisors=np.array([[True, False], [False, False], [False, False]]),
        supervision_ratio=np.array([0.1, 0.0, 0.0]),
        max_delegated_share=np.ones(3),
        cost_per_hour=np.array([30.0, 15.0]),
        penalty=np.array([1000.0, 1000.0, 10000.0]),
        network=np.zeros(3, dtype=bool),
        delegation_hours=None if trained is None else np.array([[[trained, 0.0, 0.0]]]),
    )


def test_trained_workers_cap_the_delegated_hours() -> None:
    # Unlimited: the care worker does PC (500) and 500 MED. With 100 trained hours, 100 MED;
    # the nurse does the other 500 MED besides MHA (200) and 10 hours of supervision.
    free = allocate(problem([600, 500, 200], None))
    capped = allocate(problem([600, 500, 200], 100.0))
    assert free.hours_done[0, 0, 0, 0, 1] == pytest.approx(500)
    assert capped.hours_done[0, 0, 0, 0, 1] == pytest.approx(100)
    assert capped.hours_done[0, 0, 0, 0, 0] == pytest.approx(500)
    assert capped.unmet.sum() == pytest.approx(0, abs=1e-6)
    assert capped.objective[0, 0] == pytest.approx(100 * 15 + 500 * 15 + 710 * 30)


def test_when_staff_are_short_the_cap_leaves_more_unmet() -> None:
    # 1,200 MED, 900 PC, 400 MHA: the care worker's spare 100 hours may take only 50 MED.
    capped = allocate(problem([1200, 900, 400], 50.0))
    assert capped.unmet[0, 0, 0, 0] == pytest.approx(1200 - 50 - (1000 - 400 - 5))
    assert capped.unmet.sum() > allocate(problem([1200, 900, 400], None)).unmet.sum()


@pytest.mark.parametrize("seed", [3, 11])
def test_the_engine_finds_the_references_optimum_with_trained_limits(seed: int) -> None:
    rng = np.random.default_rng(seed)
    base = random_problem(rng, areas=3, tasks=8, groups=5, years=2, network_tasks=0.0)
    trained = rng.uniform(0, 200, (3, 2, 8)) * (rng.random((3, 2, 8)) < 0.7)
    p = replace(base, delegation_hours=trained)
    engine, reference = allocate(p), allocate_reference(p)
    assert_allclose(engine.objective, reference.objective, rtol=1e-7, atol=1e-6)
    delegated = (engine.hours_done * (p.delegable & ~p.own)).sum(axis=4)  # [r, l, y, t]
    assert (delegated <= trained[None] + 1e-6).all()

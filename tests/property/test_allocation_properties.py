"""Invariants of the gap allocation LP (METHODS section 6) on random small problems.

- every solution is feasible: each constraint is checked again from the returned arrays (hours
  only where a group may work, need met or counted unmet, capacity, supervision per task, the
  delegated-share caps (by year where the problem caps years), network pools per region), and the
  objective is what those arrays cost;
- the engine's optimum equals the linopy reference's;
- loosening a constraint (more FTE, a higher cap on the delegated share, delegation allowed)
  never makes the objective worse, and more staff never leaves more need unmet (penalties far
  above wages);
- `unmet_removed_per_fte` is >= 0, is 0 for a group with capacity to spare, and agrees with a
  finite difference (solving again with a little more FTE);
- a run solved alone gives exactly what it gives solved with others.

Small and deterministic for CI; the problems include areas without some groups, tasks nobody
needs, network tasks shared by regions, and groups that hold nothing.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from careforce.allocation import Allocation, AllocationOptions, AllocationProblem, allocate
from careforce.allocation.reference import allocate_reference
from careforce.allocation.synthetic import random_problem

FEW = settings(max_examples=20, deadline=None)
TOLERANCE = 1e-6  # relative to the size of the hours involved


@st.composite
def problems(draw: st.DrawFn) -> AllocationProblem:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    areas = draw(st.integers(1, 3))
    problem = random_problem(
        rng,
        areas=areas,
        tasks=draw(st.integers(1, 6)),
        groups=draw(st.integers(1, 4)),
        years=draw(st.integers(1, 2)),
        runs=draw(st.integers(1, 3)),
        held_by=(1, 2),
        delegable_tasks=0.6,
        delegable_to=(1, 2),
        network_tasks=draw(st.sampled_from([0.0, 0.3, 0.7])),
        capacity_ratio=draw(st.floats(0.3, 1.5)),
        travel_overhead=draw(st.sampled_from([0.0, 0.2])),
        regions=draw(st.integers(1, areas)),
    )
    # some areas lack some groups, some need no hours of some tasks
    runs, areas, _, tasks = problem.hours.shape
    hours = problem.hours * (rng.random((runs, areas, 1, tasks)) > 0.2)
    fte = problem.fte * (rng.random((runs, areas, 1, len(problem.groups))) > 0.2)
    by_year = None
    if draw(st.booleans()):  # a delegation policy: some tasks capped (or stopped) in some years
        years = len(problem.years)
        by_year = np.where(
            rng.random((years, tasks)) < 0.5, rng.choice([0.0, 0.3, 0.7], (years, tasks)), 1.0
        )
    return replace(problem, hours=hours, fte=fte, max_delegated_share_by_year=by_year)


options = st.builds(
    AllocationOptions,
    delegation=st.booleans(),
    delegated_share_cap=st.one_of(st.none(), st.floats(0.0, 1.0)),
)


def assert_feasible(problem: AllocationProblem, option: AllocationOptions, a: Allocation) -> None:
    runs = list(a.runs)
    need = problem.hours[runs]  # [r, l, y, t]
    capacity = problem.fte[runs] * problem.task_hours_per_fte  # [r, l, y, g]
    scale = TOLERANCE * max(1.0, float(need.max()), float(capacity.max()))
    share = option.delegated_share_by_year(problem)  # [y, t]
    delegated = problem.delegable & ~problem.own & (share > 0).any(axis=0)[:, None]
    allowed = problem.own | delegated
    done = a.hours_done
    for name in ("hours_done", "unmet", "supervision", "supervision_by_task", "travel"):
        assert getattr(a, name).min() >= -scale, name
    assert np.abs(done[..., ~allowed]).max(initial=0) <= scale
    met = done.sum(axis=4) + a.unmet  # [r, l, y, t]
    local = ~problem.network
    assert_allclose(met[..., local], need[..., local], atol=scale)
    for members in problem.regions():
        assert_allclose(
            met[:, members][..., problem.network].sum(axis=1),
            need[:, members][..., problem.network].sum(axis=1),
            atol=scale,
        )
        assert (a.unmet[:, members] <= need[:, members] + scale).all()
    used = done.sum(axis=3) + a.supervision + a.travel
    assert (used <= capacity + scale).all()
    network_done = done[..., problem.network, :].sum(axis=3)
    assert (a.travel <= problem.travel_overhead * network_done + scale).all()
    delegated_done = (done * delegated).sum(axis=4)  # [r, l, y, t]
    ratio = problem.supervision_ratio
    assert (a.supervision_by_task >= ratio * delegated_done - scale).all()
    assert_allclose(a.supervision_by_task.sum(axis=3), a.supervision.sum(axis=3), atol=scale)
    supervises = problem.supervisors.any(axis=0)
    assert np.abs(a.supervision[..., ~supervises]).max(initial=0) <= scale
    assert (delegated_done[..., local] <= share[:, local] * need[..., local] + scale).all()
    for members in problem.regions():
        regional = delegated_done[:, members][..., problem.network].sum(axis=1)
        limit = share[:, problem.network] * need[:, members][..., problem.network].sum(axis=1)
        assert (regional <= limit + scale).all()
    wages = ((done.sum(axis=3) + a.supervision + a.travel) * problem.cost_per_hour).sum(axis=(1, 3))
    penalties = (a.unmet * problem.penalty).sum(axis=(1, 3))
    assert_allclose(a.objective, wages + penalties, rtol=1e-7, atol=1e-6)
    assert ((a.utilisation >= 0) & (a.utilisation <= 1 + TOLERANCE)).all()
    assert (a.status == "optimal").all()


@FEW
@given(problems(), options)
def test_solutions_are_feasible_and_cost_what_they_say(
    problem: AllocationProblem, option: AllocationOptions
) -> None:
    assert_feasible(problem, option, allocate(problem, option))


@settings(max_examples=6, deadline=None)
@given(problems(), options)
def test_the_engine_finds_the_references_optimum(
    problem: AllocationProblem, option: AllocationOptions
) -> None:
    option = replace(option, runs=(problem.runs - 1,))
    engine, reference = allocate(problem, option), allocate_reference(problem, option)
    assert_allclose(engine.objective, reference.objective, rtol=1e-7, atol=1e-6)
    assert_allclose(engine.unmet.sum(axis=1), reference.unmet.sum(axis=1), rtol=1e-6, atol=1e-4)


@FEW
@given(problems(), st.floats(1.0, 2.0), st.floats(0.0, 0.5), st.floats(0.5, 1.0))
def test_loosening_a_constraint_never_worsens_the_objective(
    problem: AllocationProblem, more: float, low_cap: float, high_cap: float
) -> None:
    base = allocate(problem).objective
    scale = 1e-7 * np.abs(base) + 1e-6
    assert (allocate(replace(problem, fte=problem.fte * more)).objective <= base + scale).all()
    tight = allocate(problem, AllocationOptions(delegated_share_cap=low_cap)).objective
    loose = allocate(problem, AllocationOptions(delegated_share_cap=high_cap)).objective
    assert (loose <= tight + scale).all()
    assert (base <= allocate(problem, AllocationOptions(delegation=False)).objective + scale).all()


@FEW
@given(problems(), st.floats(1.0, 2.0))
def test_more_staff_never_leaves_more_need_unmet(problem: AllocationProblem, more: float) -> None:
    # penalties far above wages, and equal, so the LP minimises unmet hours before cost
    problem = replace(problem, penalty=np.full(len(problem.tasks), 1e7))
    before = allocate(problem).unmet.sum(axis=(1, 3))
    after = allocate(replace(problem, fte=problem.fte * more)).unmet.sum(axis=(1, 3))
    assert (after <= before + 1e-6 * (1 + before)).all()


@FEW
@given(problems())
def test_unmet_removed_per_fte_is_not_negative_and_zero_with_capacity_to_spare(
    problem: AllocationProblem,
) -> None:
    a = allocate(problem)
    capacity = problem.fte * problem.task_hours_per_fte
    used = a.hours_done.sum(axis=3) + a.supervision + a.travel
    spare = (capacity > 0) & (used < capacity * (1 - 1e-6) - 1e-6)
    assert a.unmet_removed_per_fte.min() >= -1e-6
    assert_allclose(a.unmet_removed_per_fte[spare], 0, atol=1e-9)
    assert a.capacity_price.min() >= -1e-6
    assert_allclose(a.capacity_price[spare], 0, atol=1e-9)


@FEW
@given(problems())
def test_a_run_solved_alone_gives_what_it_gives_among_others(problem: AllocationProblem) -> None:
    together = allocate(problem)
    for run in range(problem.runs):
        alone = allocate(problem, AllocationOptions(runs=(run,)))
        for name in ("hours_done", "unmet", "supervision", "unmet_removed_per_fte", "objective"):
            assert_allclose(getattr(alone, name)[0], getattr(together, name)[run], atol=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_unmet_removed_per_fte_agrees_with_a_finite_difference(seed: int) -> None:
    problem = random_problem(
        np.random.default_rng(seed),
        areas=3,
        tasks=8,
        groups=5,
        years=1,
        held_by=(1, 3),
        capacity_ratio=0.7,
        network_tasks=0.3,
    )
    a = allocate(problem)
    step = 1e-3  # FTE
    for area in range(3):
        for group in range(5):
            if problem.fte[0, area, 0, group] == 0:
                # an area without the group has no capacity row: reported as 0 (documented)
                assert a.unmet_removed_per_fte[0, area, 0, group] == 0
                continue
            fte = problem.fte.copy()
            fte[0, area, 0, group] += step
            b = allocate(replace(problem, fte=fte))
            removed = (a.unmet.sum() - b.unmet.sum()) / step
            saved = (a.objective.sum() - b.objective.sum()) / step
            assert a.unmet_removed_per_fte[0, area, 0, group] == pytest.approx(removed, rel=1e-5)
            per_hour = saved / problem.task_hours_per_fte[group]
            assert a.capacity_price[0, area, 0, group] == pytest.approx(per_hour, rel=1e-5)

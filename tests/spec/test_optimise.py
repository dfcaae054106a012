"""The cheapest plan on problems small enough to solve by hand (METHODS section 8).

One area, the census year and two more; one task that only nurses may do; a nurse's FTE gives
1,000 task hours a year. Need: 1,000 hours now, then 1,500: the baseline's one FTE falls half an
FTE short from the first year a lever can act."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from careforce.allocation.problem import AllocationProblem
from careforce.optimise.plan import cheapest_plan
from careforce.optimise.problem import PlanOptions, PlanProblem

YEARS = (2026, 2027, 2028)
PAY = 40_000.0
RECRUIT = 5_000.0


def allocation(
    need: tuple[float, ...] = (1000, 1500, 1500), carer: bool = False
) -> AllocationProblem:
    groups = ("nurse", "carer") if carer else ("nurse",)
    g = len(groups)
    own = np.array([[True] + [False] * (g - 1)])
    delegable = np.array([[False] + [carer] * (g - 1)])
    return AllocationProblem(
        tasks=("T",),
        groups=groups,
        areas=("A",),
        years=YEARS,
        hours=np.array(need, dtype=float).reshape(1, 1, 3, 1),
        fte=np.array([[1.0] + [1.0] * (g - 1)] * 3).reshape(1, 1, 3, g),
        task_hours_per_fte=np.full(g, 1000.0),
        own=own,
        delegable=delegable,
        supervisors=np.array([[carer] + [False] * (g - 1)]),
        supervision_ratio=np.array([0.1 if carer else 0.0]),
        max_delegated_share=np.ones(1),
        cost_per_hour=np.array([30.0, 15.0][:g]),
        penalty=np.array([1000.0]),
        network=np.zeros(1, dtype=bool),
    )


def problem(
    *, cap: float = 10.0, programme: bool = False, a: AllocationProblem | None = None
) -> PlanProblem:
    a = a or allocation()
    g = len(a.groups)
    programmes = ("nursing",) if programme else ()
    n = len(programmes)
    return PlanProblem(
        allocation=a,
        available_share=np.ones((g, 1)),
        survival=np.full(g, 0.9),
        fte_per_joiner=np.ones(g),
        annual_pay=np.full(g, PAY),
        programmes=programmes,
        programme_role=np.zeros(n, dtype=np.int64),
        course_years=np.ones(n, dtype=np.int64),
        fill_rate=np.ones(n),
        completion=np.ones(n),
        local_share=np.ones(n),
        programme_area_share=np.ones((n, 1)),
        extra_places_max=np.full((3, n), 10.0),
        cost_per_place_year=np.full(n, 1_000.0),
        recruits_max=np.array([[cap] + [0.0] * (g - 1)] * 3),
        cost_per_recruit=np.full(g, RECRUIT),
        recruit_area_share=np.ones((g, 1)),
        baseline_leavers=np.zeros((3, g)),
        baseline_stock=np.ones((3, g)),
        leaver_area_share=np.ones((g, 1)),
    )


def test_a_one_year_course_delivers_in_its_own_year() -> None:
    plan = cheapest_plan(problem(programme=True), PlanOptions(target_year=2027))
    # Places are cheaper than recruits and a one-year course completes in the year of intake.
    assert plan.places[:, 0] == pytest.approx([0, 0.5, 0.05], abs=1e-6)
    assert plan.recruits.sum() == pytest.approx(0, abs=1e-9)


def test_recruits_close_the_gap_and_the_survivors_carry_on() -> None:
    plan = cheapest_plan(problem(), PlanOptions(target_year=2027))
    assert plan.feasible
    # 2027: half an FTE; 2028: 0.45 of it is still in post, so 0.05 more.
    assert plan.recruits[:, 0] == pytest.approx([0, 0.5, 0.05], abs=1e-6)
    assert plan.cost["international recruitment"] == pytest.approx([0, 2_500, 250], abs=1e-3)
    assert plan.cost["pay of added staff"] == pytest.approx([0, 0.5 * PAY, 0.5 * PAY], abs=1e-3)
    assert plan.unmet.sum() == pytest.approx(0, abs=1e-6)


def test_training_replaces_recruitment_once_its_completers_can_arrive() -> None:
    p = dataclasses.replace(problem(programme=True), course_years=np.array([2]))
    plan = cheapest_plan(p, PlanOptions(target_year=2027))
    # A two-year course from 2027 completes in 2028: 2027 needs recruits, 2028's top-up is a
    # training place (GBP 1,000 a year for two years against GBP 5,000 a recruit).
    assert plan.recruits[:, 0] == pytest.approx([0, 0.5, 0], abs=1e-6)
    assert plan.places[:, 0] == pytest.approx([0, 0.05, 0], abs=1e-6)
    assert plan.cost["training"] == pytest.approx([0, 50, 50], abs=1e-3)


def test_delegation_to_a_carer_with_spare_hours_needs_no_lever() -> None:
    plan = cheapest_plan(problem(a=allocation(carer=True)), PlanOptions(target_year=2027))
    assert plan.total_cost.sum() == pytest.approx(0, abs=1e-6)
    assert plan.unmet.sum() == pytest.approx(0, abs=1e-6)


def test_a_cap_too_low_says_so_and_gives_the_nearest_plan() -> None:
    plan = cheapest_plan(problem(cap=0.2), PlanOptions(target_year=2027))
    assert not plan.feasible
    assert plan.shortfall[1] == pytest.approx(300, abs=1e-3)  # 0.2 FTE of the 0.5 needed
    text = " ".join(plan.diagnostics)
    assert "even with no budget limit" in text
    assert "ethical cap on international recruits of nurse" in text


def test_a_budget_too_small_says_so() -> None:
    plan = cheapest_plan(problem(), PlanOptions(target_year=2027, budget=(0.0, 10_000.0, 1e9)))
    assert not plan.feasible
    assert "within the budget" in plan.diagnostics[0]
    assert "2027" in plan.diagnostics[0]
    assert plan.total_cost[1] <= 10_000 + 1e-3


def test_a_course_longer_than_the_time_left_is_named() -> None:
    p = dataclasses.replace(
        problem(programme=True, cap=0.0), course_years=np.array([3], dtype=np.int64)
    )
    plan = cheapest_plan(p, PlanOptions(target_year=2028))
    assert not plan.feasible
    assert any("takes 3 years" in r and "from 2029, after 2028" in r for r in plan.diagnostics)


@pytest.mark.parametrize("looser", ["cap", "budget", "target_share"])
def test_loosening_a_limit_never_costs_more(looser: str) -> None:
    tight = {"cap": 0.6, "budget": (0.0, 30_000.0, 30_000.0), "share": 0.0}
    loose = dict(tight)
    loose[{"cap": "cap", "budget": "budget", "target_share": "share"}[looser]] = {
        "cap": 10.0,
        "budget": (0.0, 1e9, 1e9),
        "target_share": 0.1,
    }[looser]
    costs = []
    for limits in (tight, loose):
        plan = cheapest_plan(
            problem(cap=float(limits["cap"])),  # type: ignore[arg-type]
            PlanOptions(
                target_year=2027,
                budget=limits["budget"],  # type: ignore[arg-type]
                target_unmet_share=float(limits["share"]),  # type: ignore[arg-type]
            ),
        )
        assert plan.feasible
        costs.append(plan.objective)
    assert costs[1] <= costs[0] + 1e-6


def test_without_a_target_unmet_hours_are_priced() -> None:
    cheap = cheapest_plan(problem(), PlanOptions(unmet_penalty=1.0))
    dear = cheapest_plan(problem(), PlanOptions(unmet_penalty=1_000.0))
    # At GBP 1 an hour, leaving the need unmet is cheaper than any recruit; at 1,000 it is not.
    assert cheap.recruits.sum() == pytest.approx(0, abs=1e-9)
    assert dear.unmet.sum() == pytest.approx(0, abs=1e-6)


def test_training_support_workers_for_a_delegated_task_is_the_cheapest_lever() -> None:
    # Nobody is trained to take T under delegation yet. The care worker has spare hours: with
    # x delegated hours the nurse does 1,500 - x and supervises 0.1 x, within 1,000 hours, so
    # x = 500 / 0.9; at 260 hours a trained worker that is 2.14 workers at GBP 400 each.
    p = dataclasses.replace(
        problem(a=allocation(carer=True)),
        delegation_hours=np.zeros((1, 1)),
        cost_per_trained_worker=400.0,
    )
    plan = cheapest_plan(p, PlanOptions(target_year=2027))
    assert plan.feasible
    workers = 500 / 0.9 / 260
    assert plan.trained_workers[:, 0, 0] == pytest.approx([0, workers, 0], abs=1e-6)
    assert plan.cost["upskilling"] == pytest.approx([0, 400 * workers, 0], abs=1e-3)
    assert plan.recruits.sum() == pytest.approx(0, abs=1e-9)

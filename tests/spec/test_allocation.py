"""Spec: the gap allocation LP (METHODS section 6) on problems small enough to solve by hand.

Two staff groups: a nurse (registrant, 40 GBP an hour) and a care worker (20 GBP an hour); one FTE
gives 1,000 task hours a year. The tasks:

| task            | held by             | delegable to (ratio)   | penalty | network |
|-----------------|---------------------|------------------------|---------|---------|
| wound_care      | nurse               |                        | 1,000   |         |
| washing         | nurse, care worker  |                        | 1,000   |         |
| insulin         | nurse               | care worker (0.1)      | 1,000   |         |
| crisis_response | nurse               |                        | 1,000   | yes     |
| surgery         | nobody              |                        | 1,000   |         |

A delegated hour of insulin costs 20 + 0.1 x 40 = 24 against 40 done by the nurse, so with staff
to spare every insulin hour is delegated. Most cases run on the engine and on the linopy
reference, and both must give the hand-worked answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from careforce.allocation import AllocationOptions, AllocationProblem, allocate
from careforce.allocation.reference import allocate_reference

TASKS = ("wound_care", "washing", "insulin", "crisis_response", "surgery")
GROUPS = ("nurse", "care_worker")
HELD_BY = {
    "wound_care": ("nurse",),
    "washing": ("nurse", "care_worker"),
    "insulin": ("nurse",),
    "crisis_response": ("nurse",),
    "surgery": (),
}
TOLERANCE = {"rtol": 1e-9, "atol": 1e-6}
Solver = Callable[..., Any]


def problem(
    hours: dict[str, dict[str, float]],
    fte: dict[str, dict[str, float]],
    /,
    **changes: Any,
) -> AllocationProblem:
    """One run, one year (2027); `hours[area][task]` and `fte[area][group]`, zero elsewhere."""
    areas = tuple(hours)
    own = np.array([[g in HELD_BY[t] for g in GROUPS] for t in TASKS])
    delegable = np.zeros_like(own)
    delegable[TASKS.index("insulin"), GROUPS.index("care_worker")] = True
    supervisors = np.zeros_like(own)
    supervisors[TASKS.index("insulin"), GROUPS.index("nurse")] = True
    base = AllocationProblem(
        tasks=TASKS,
        groups=GROUPS,
        areas=areas,
        years=(2027,),
        hours=np.array([[[[hours[a].get(t, 0.0) for t in TASKS]] for a in areas]]),
        fte=np.array([[[[fte.get(a, {}).get(g, 0.0) for g in GROUPS]] for a in areas]]),
        task_hours_per_fte=np.array([1000.0, 1000.0]),
        own=own,
        delegable=delegable,
        supervisors=supervisors,
        supervision_ratio=np.array([0.0, 0.0, 0.1, 0.0, 0.0]),
        max_delegated_share=np.ones(len(TASKS)),
        cost_per_hour=np.array([40.0, 20.0]),
        penalty=np.full(len(TASKS), 1000.0),
        network=np.array([False, False, False, True, False]),
    )
    return replace(base, **changes)


def cell(result: Any, name: str, area: int, *labels: str) -> float:
    """result.name[run 0, area, year 0, labels...] with labels looked up by name."""
    index = [TASKS.index(x) if x in TASKS else GROUPS.index(x) for x in labels]
    return float(getattr(result, name)[(0, area, 0, *index)])


@pytest.fixture(params=["engine", "reference"])
def solve(request: pytest.FixtureRequest) -> Solver:
    return allocate if request.param == "engine" else allocate_reference


NEED = {"wound_care": 100.0, "washing": 200.0, "insulin": 300.0}


def test_staff_to_spare_every_task_goes_to_the_least_costly_competent_group(solve: Solver) -> None:
    result = solve(problem({"north": NEED}, {"north": {"nurse": 1.0, "care_worker": 1.0}}))
    assert cell(result, "hours_done", 0, "wound_care", "nurse") == pytest.approx(100)
    assert cell(result, "hours_done", 0, "washing", "care_worker") == pytest.approx(200)
    assert cell(result, "hours_done", 0, "washing", "nurse") == pytest.approx(0, abs=1e-9)
    assert cell(result, "hours_done", 0, "insulin", "care_worker") == pytest.approx(300)
    assert cell(result, "hours_done", 0, "insulin", "nurse") == pytest.approx(0, abs=1e-9)
    assert cell(result, "supervision", 0, "nurse") == pytest.approx(30)
    assert cell(result, "supervision_by_task", 0, "insulin") == pytest.approx(30)
    assert_allclose(result.unmet, 0, atol=1e-9)
    # 100 x 40 + 200 x 20 + 300 x 20 + 30 x 40
    assert_allclose(result.objective, [[15_200]], **TOLERANCE)
    assert_allclose(result.utilisation[0, 0, 0], [0.13, 0.5], **TOLERANCE)
    assert_allclose(result.capacity_price, 0, atol=1e-9)


def test_a_supervisor_short_of_time_supervises_rather_than_works() -> None:
    """20 nurse hours: an hour supervising lets 10 delegated hours be done (worth 10 x 1,000
    less 10 x 20 and 40 in wages), an hour of wound care saves 1,000 less 40; so every nurse hour
    goes to supervision and the delegated hours stop at 200 of the 300 needed."""
    result = allocate(problem({"north": NEED}, {"north": {"nurse": 0.02, "care_worker": 1.0}}))
    assert cell(result, "supervision", 0, "nurse") == pytest.approx(20)
    assert cell(result, "hours_done", 0, "insulin", "care_worker") == pytest.approx(200)
    assert cell(result, "unmet", 0, "insulin") == pytest.approx(100)
    assert cell(result, "unmet", 0, "wound_care") == pytest.approx(100)
    assert cell(result, "hours_done", 0, "washing", "care_worker") == pytest.approx(200)
    # 200 unmet x 1,000 + 400 care worker hours x 20 + 20 nurse hours x 40
    assert_allclose(result.objective, [[208_800]], **TOLERANCE)
    assert_allclose(result.utilisation[0, 0, 0], [1.0, 0.4], **TOLERANCE)
    # one more nurse FTE (1,000 hours) supervises 10,000 more delegated hours: all 100 unmet
    # insulin hours go at a rate of 10 an hour, so the rate per FTE is 10 x 1,000
    assert cell(result, "unmet_removed_per_fte", 0, "nurse") == pytest.approx(10_000)
    assert cell(result, "unmet_removed_per_fte", 0, "care_worker") == 0
    assert cell(result, "capacity_price", 0, "nurse") == pytest.approx(10 * 980 - 40)
    assert cell(result, "capacity_price", 0, "care_worker") == pytest.approx(0, abs=1e-9)


def test_the_reference_agrees_when_supervision_binds() -> None:
    result = allocate_reference(
        problem({"north": NEED}, {"north": {"nurse": 0.02, "care_worker": 1.0}})
    )
    assert_allclose(result.objective, [[208_800]], **TOLERANCE)
    assert cell(result, "unmet", 0, "insulin") == pytest.approx(100)
    assert cell(result, "capacity_price", 0, "nurse") == pytest.approx(10 * 980 - 40)


def test_without_delegation_more_need_goes_unmet(solve: Solver) -> None:
    short = problem({"north": NEED}, {"north": {"nurse": 0.02, "care_worker": 1.0}})
    without = solve(short, AllocationOptions(delegation=False))
    # the nurse's 20 hours go to wound care or insulin (equal penalties): 380 hours unmet
    assert without.unmet.sum() == pytest.approx(380)
    assert_allclose(without.objective, [[380 * 1000 + 200 * 20 + 20 * 40]], **TOLERANCE)
    assert cell(without, "hours_done", 0, "insulin", "care_worker") == 0
    assert_allclose(without.supervision, 0, atol=1e-9)
    assert without.unmet.sum() > solve(short).unmet.sum() + 100


def test_the_cap_on_the_delegated_share_holds(solve: Solver) -> None:
    staff = {"north": {"nurse": 1.0, "care_worker": 1.0}}
    capped = problem({"north": NEED}, staff, max_delegated_share=np.array([1, 1, 0.5, 1, 1.0]))
    result = solve(capped)
    assert cell(result, "hours_done", 0, "insulin", "care_worker") == pytest.approx(150)
    assert cell(result, "hours_done", 0, "insulin", "nurse") == pytest.approx(150)
    assert cell(result, "supervision", 0, "nurse") == pytest.approx(15)
    assert_allclose(result.objective, [[4000 + 4000 + 150 * 20 + 15 * 40 + 150 * 40]], **TOLERANCE)
    # the option lowers the cap further, never raises it
    tighter = solve(capped, AllocationOptions(delegated_share_cap=0.2))
    assert cell(tighter, "hours_done", 0, "insulin", "care_worker") == pytest.approx(60)
    assert cell(tighter, "hours_done", 0, "insulin", "nurse") == pytest.approx(240)
    assert_allclose(tighter.objective, [[4000 + 4000 + 60 * 20 + 6 * 40 + 240 * 40]], **TOLERANCE)
    looser = solve(capped, AllocationOptions(delegated_share_cap=0.9))
    assert cell(looser, "hours_done", 0, "insulin", "care_worker") == pytest.approx(150)


def test_a_statutory_task_is_served_first_when_staff_are_short(solve: Solver) -> None:
    need = {"wound_care": 80.0, "insulin": 80.0}
    statutory = problem(
        {"north": need},
        {"north": {"nurse": 0.1}},
        penalty=np.array([5000.0, 1000, 1000, 1000, 1000]),
    )
    result = solve(statutory, AllocationOptions(delegation=False))
    assert cell(result, "hours_done", 0, "wound_care", "nurse") == pytest.approx(80)
    assert cell(result, "unmet", 0, "wound_care") == pytest.approx(0, abs=1e-9)
    assert cell(result, "hours_done", 0, "insulin", "nurse") == pytest.approx(20)
    assert cell(result, "unmet", 0, "insulin") == pytest.approx(60)
    assert_allclose(result.objective, [[60 * 1000 + 100 * 40]], **TOLERANCE)


def test_a_network_task_is_served_by_another_areas_staff_at_the_overhead(solve: Solver) -> None:
    """North needs 100 crisis hours and has no nurse; south's nurse serves its own 50 hours and
    north's 100, each of north's hours taking 1.25 hours of her time and paid as such."""
    network = problem(
        {"north": {"crisis_response": 100.0}, "south": {"crisis_response": 50.0}},
        {"south": {"nurse": 1.0}},
        travel_overhead=0.25,
    )
    result = solve(network)
    assert cell(result, "hours_done", 1, "crisis_response", "nurse") == pytest.approx(150)
    assert cell(result, "hours_done", 0, "crisis_response", "nurse") == 0
    assert cell(result, "travel", 1, "nurse") == pytest.approx(25)
    assert_allclose(result.unmet, 0, atol=1e-9)
    assert_allclose(result.objective, [[50 * 40 + 100 * 1.25 * 40]], **TOLERANCE)
    assert cell(result, "utilisation", 1, "nurse") == pytest.approx(0.175)


def test_the_regions_unmet_network_hours_go_to_areas_by_need_their_own_staff_left(
    solve: Solver,
) -> None:
    """South's nurse has 60 hours: 30 for south's own need, then 30 / 1.25 = 24 for the pool.
    The 126 hours left unmet are north's and east's, shared 100 : 50."""
    network = problem(
        {
            "north": {"crisis_response": 100.0},
            "east": {"crisis_response": 50.0},
            "south": {"crisis_response": 30.0},
        },
        {"south": {"nurse": 0.06}},
        travel_overhead=0.25,
    )
    result = solve(network)
    assert cell(result, "hours_done", 2, "crisis_response", "nurse") == pytest.approx(54)
    assert cell(result, "travel", 2, "nurse") == pytest.approx(6)
    assert_allclose(result.unmet[0, :, 0, TASKS.index("crisis_response")], [84, 42, 0], **TOLERANCE)
    assert_allclose(result.objective, [[126 * 1000 + 30 * 40 + 24 * 1.25 * 40]], **TOLERANCE)
    if solve is allocate:  # one more nurse hour is 0.8 more hours for the pool
        assert cell(result, "unmet_removed_per_fte", 2, "nurse") == pytest.approx(800)


def test_network_regions_keep_their_pools_apart() -> None:
    network = problem(
        {"north": {"crisis_response": 100.0}, "south": {"crisis_response": 50.0}},
        {"south": {"nurse": 1.0}},
        network_region=np.array(["upland", "lowland"]),
    )
    result = allocate(network)
    assert cell(result, "unmet", 0, "crisis_response") == pytest.approx(100)
    assert cell(result, "hours_done", 1, "crisis_response", "nurse") == pytest.approx(50)


def test_a_task_nobody_may_do_is_all_unmet(solve: Solver) -> None:
    result = solve(
        problem({"north": {"surgery": 40.0}}, {"north": {"nurse": 1.0, "care_worker": 1.0}})
    )
    assert cell(result, "unmet", 0, "surgery") == pytest.approx(40)
    assert_allclose(result.hours_done, 0, atol=1e-9)
    assert_allclose(result.objective, [[40_000]], **TOLERANCE)


def test_runs_come_back_in_the_order_asked_and_alone_as_together() -> None:
    ample = problem({"north": NEED}, {"north": {"nurse": 1.0, "care_worker": 1.0}})
    short = problem({"north": NEED}, {"north": {"nurse": 0.02, "care_worker": 1.0}})
    both = replace(
        ample,
        hours=np.concatenate([ample.hours, short.hours]),
        fte=np.concatenate([ample.fte, short.fte]),
    )
    result = allocate(both, AllocationOptions(runs=(1, 0)))
    assert result.runs == (1, 0)
    assert_allclose(result.objective, [[208_800], [15_200]], **TOLERANCE)
    assert list(result.status[:, 0]) == ["optimal", "optimal"]
    alone = allocate(both, AllocationOptions(runs=(1,)))
    assert_allclose(alone.hours_done[0], result.hours_done[0], **TOLERANCE)


# --- invalid problems: a clear ValueError that names the array and the first bad cell ---------


def test_a_wrong_shape_is_refused() -> None:
    good = problem({"north": NEED}, {"north": {"nurse": 1.0}})
    with pytest.raises(ValueError, match=r"fte has shape \(1, 1, 1, 3\); expected \(run any"):
        replace(good, fte=np.ones((1, 1, 1, 3)))


def test_negative_hours_are_refused_with_the_cell_named() -> None:
    hours = {"north": NEED, "south": {"washing": -5.0}}
    with pytest.raises(
        ValueError,
        match=r"hours\[run 0, area 'south', year 2027, task 'washing'\] is -5.0: task hours",
    ):
        problem(hours, {"north": {"nurse": 1.0}})


def test_a_delegable_task_nobody_may_supervise_is_refused() -> None:
    with pytest.raises(
        ValueError,
        match=r"delegable\[task 'insulin', group 'care_worker'\] is True but no group may "
        r"supervise task 'insulin'",
    ):
        problem({"north": NEED}, {}, supervisors=np.zeros((5, 2), dtype=bool))


def test_a_penalty_below_the_cost_of_doing_the_hour_is_refused() -> None:
    with pytest.raises(ValueError, match=r"penalty\[task 'insulin'\] is 44.0: an unmet hour"):
        problem({"north": NEED}, {}, penalty=np.array([1000.0, 1000, 44, 1000, 1000]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"own": np.ones((5, 2))}, "own must be a boolean array"),
        ({"fte": np.full((1, 1, 1, 2), np.nan)}, r"fte\[run 0, area 'north', year 2027, group"),
        ({"max_delegated_share": np.full(5, 1.5)}, r"max_delegated_share\[task 'wound_care'\]"),
        ({"areas": ("north", "north")}, "areas names 'north' twice"),
        ({"travel_overhead": -0.1}, "travel_overhead is -0.1"),
        ({"network_region": np.array([0, 1])}, r"network_region has shape \(2,\)"),
        ({"network_region": np.array([None])}, r"network_region\[area 'north'\] is missing"),
    ],
)
def test_other_bad_inputs_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        problem({"north": NEED}, {"north": {"nurse": 1.0}}, **changes)


def test_runs_outside_the_problem_are_refused() -> None:
    with pytest.raises(ValueError, match="run 3 is not in the problem, which has runs 0 to 0"):
        allocate(problem({"north": NEED}, {}), AllocationOptions(runs=(3,)))
    with pytest.raises(ValueError, match="delegated_share_cap is 2"):
        AllocationOptions(delegated_share_cap=2)

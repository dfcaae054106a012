"""Spec: the yearly steps of the supply projection (METHODS section 4), one step at a time.

Each case is a tiny stock in, one step, the expected stock and flows out, worked by hand. The
stock has 2 roles (nurse, care worker) x 1 area x 1 sector x 3 single years of age (16, 17,
18), one run; tables are written role by role, ages left to right:

| role        | age 16 | age 17 | age 18 |
|-------------|--------|--------|--------|
| nurse       | 10     | 20     | 30     |
| care worker | 0      | 5      | 5      |

The last cases run the whole plan for one year and check every number against a hand sum, once
with a pre-registration programme and once with the same programme as an apprenticeship route
that takes its students from the care workers.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose

from careforce.supply import steps
from careforce.supply.engine import project
from careforce.supply.model import RunParameters, SupplyModel
from careforce.supply.plan import PLAN, describe_plan
from careforce.supply.reference import project_reference
from careforce.supply.steps import Stock

NURSE, CARE_WORKER = 0, 1
HEADCOUNT = [[10.0, 20.0, 30.0], [0.0, 5.0, 5.0]]


def cells(by_role_and_age: list[list[float]]) -> np.ndarray:
    """A table of roles x ages as a stock `[r=1, g, l=1, c=1, a]`."""
    return np.asarray(by_role_and_age, dtype=float)[None, :, None, None, :]


def table(array: np.ndarray) -> np.ndarray:
    """A stock `[1, g, 1, 1, a]` (or flows `[1, g, 1, 1]`) back as a table."""
    return array[0, :, 0, 0]


def stock(headcount: list[list[float]], fte_per_head: float = 0.5) -> Stock:
    heads = cells(headcount)
    return Stock(heads, heads * fte_per_head)


def test_leaver_probability_is_rate_times_multipliers_capped_at_one() -> None:
    leaver_rate = np.array([[[0.1, 0.2, 0.6]], [[0.1, 0.1, 0.1]]])  # [g, c, a]
    multiplier = np.array([[2.0, 1.0]])  # m_q[r, g]
    retention = np.array([[0.5], [1.0]])  # [g, c]
    got = steps.leaver_probability(np, leaver_rate, multiplier, retention)
    assert_allclose(got[0, :, 0], [[0.1, 0.2, 0.6], [0.1, 0.1, 0.1]])
    capped = steps.leaver_probability(np, leaver_rate, multiplier * 4, retention)
    assert_allclose(capped[0, NURSE, 0], [0.4, 0.8, 1.0])


def test_leavers_take_fte_pro_rata() -> None:
    probability = np.full((1, 2, 1, 3), 0.1)
    left = steps.leave(np, stock(HEADCOUNT), probability)
    assert_allclose(table(left.leavers), [[1, 2, 3], [0, 0.5, 0.5]])
    assert_allclose(table(left.stock.headcount), [[9, 18, 27], [0, 4.5, 4.5]])
    assert_allclose(table(left.stock.fte), [[4.5, 9, 13.5], [0, 2.25, 2.25]])


def test_a_share_of_retirees_returns_part_time() -> None:
    leavers = cells([[1, 2, 3], [0, 0.5, 0.5]])
    retire_share = np.array([[[0.0, 0.5, 1.0]], [[0.0, 0.0, 1.0]]])
    back = steps.retire_and_return(
        stock([[9, 18, 27], [0, 4.5, 4.5]]),
        leavers,
        retire_share,
        return_rate=np.array([0.2, 0.0]),
        return_fte_per_head=np.array([0.5, 0.5]),
    )
    assert_allclose(table(back.retirements), [[0, 1, 3], [0, 0, 0.5]])
    assert_allclose(table(back.returners), [[0, 0.2, 0.6], [0, 0, 0]])
    assert_allclose(table(back.stock.headcount), [[9, 18.2, 27.6], [0, 4.5, 4.5]])
    assert_allclose(table(back.stock.fte), [[4.5, 9.1, 13.8], [0, 2.25, 2.25]])


def test_moves_keep_age_and_fte_per_head() -> None:
    move_rate = np.array([[0.0, 0.25], [0.0, 0.0]])  # a quarter of nurses move to care work
    before = Stock(cells([[8, 4, 0], [0, 0, 10]]), cells([[8, 2, 0], [0, 0, 5]]))
    moved = steps.move(np, before, move_rate)
    assert_allclose(table(moved.moves_out), [[2, 1, 0], [0, 0, 0]])
    assert_allclose(table(moved.moves_in), [[0, 0, 0], [2, 1, 0]])
    assert_allclose(table(moved.stock.headcount), [[6, 3, 0], [2, 1, 10]])
    assert_allclose(table(moved.stock.fte), [[6, 1.5, 0], [2, 0.5, 5]])


def test_ageing_moves_everyone_up_a_year_and_the_last_age_leaves() -> None:
    aged = steps.age(np, stock(HEADCOUNT))
    assert_allclose(table(aged.stock.headcount), [[0, 10, 20], [0, 0, 5]])
    assert_allclose(table(aged.aged_out), [30, 5])


def test_intake_is_commissioned_times_fill_up_to_placement_capacity() -> None:
    got = steps.intake(
        np,
        commissioned_places=np.array([100.0, 100.0]),
        fill_rate=np.array([[0.9, 0.9]]),
        placement_capacity=np.array([120.0, 80.0]),
    )
    assert_allclose(got, [[90, 80]])


def test_routes_take_at_most_their_source_roles_stock_shared_in_proportion() -> None:
    # Programme 0 has no source role; programmes 1 and 2 both take care workers. In run 0 they
    # ask for 6 + 4 = 10 of 8 care workers: each gets 8 / 10 of what it asked for, and all 8
    # start training. In run 1 there are 20 care workers: each gets all it asked for, half go.
    got = steps.route_intake(
        np,
        desired=np.array([[30.0, 6.0, 4.0], [30.0, 6.0, 4.0]]),
        stock_by_role=np.array([[60.0, 8.0], [60.0, 20.0]]),
        programme_source_role=np.array([-1, CARE_WORKER, CARE_WORKER]),
    )
    assert_allclose(got.intake, [[30, 4.8, 3.2], [30, 6, 4]])
    assert_allclose(got.fraction, [[0, 1], [0, 0.5]])


def test_apprentices_leave_every_cell_and_age_of_their_role_pro_rata() -> None:
    started = steps.start_training(stock(HEADCOUNT), np.array([[0.0, 0.4]]))
    assert_allclose(table(started.into_training), [[0, 0, 0], [0, 2, 2]])
    assert_allclose(table(started.stock.headcount), [[10, 20, 30], [0, 3, 3]])
    assert_allclose(table(started.stock.fte), [[5, 10, 15], [0, 1.5, 1.5]])


def test_pipeline_loses_attrition_each_course_year_and_completes_after_its_length() -> None:
    # A two-year course: 50 students start their second year, 100 start the first.
    advanced = steps.advance_pipeline(
        np,
        students=np.array([[[0.0, 50.0, 0.0]]]),
        starting=np.array([[100.0]]),
        attrition_rate=np.array([[0.1, 0.2, 0.0]]),
        course_length_years=np.array([2]),
    )
    assert_allclose(advanced.completers, [[40]])  # 50 x 0.8
    assert_allclose(advanced.students, [[[0, 90, 0]]])  # 100 x 0.9, now in their second year


def test_local_completers_join_their_role_spread_over_places_and_ages() -> None:
    arrivals = steps.pipeline_joiners(
        np,
        completers=np.array([[40.0]]),
        local_share=np.array([0.75]),
        programme_role=np.array([CARE_WORKER]),
        programme_spread=np.array([[[1.0]]]),
        start_age_share=np.array([[0.5, 0.5, 0.0]]),
        roles=2,
    )
    assert_allclose(table(arrivals), [[0, 0, 0], [15, 15, 0]])


def test_other_joiners_are_a_rate_of_the_cells_stock_at_the_start_of_the_year() -> None:
    arrivals = steps.other_joiners(
        cells(HEADCOUNT),
        joiner_rate=np.array([[0.1], [0.2]]),
        multiplier=np.array([[1.0, 2.0]]),
        joiner_age_share=np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]),
    )
    assert_allclose(table(arrivals), [[3, 3, 0], [4, 0, 0]])  # 60 x 0.1; 10 x 0.2 x 2


def test_international_recruits_are_spread_over_places_and_ages() -> None:
    arrivals = steps.international_joiners(
        recruits=np.array([10.0, 0.0]),
        multiplier=np.array([[1.5, 1.0]]),
        international_spread=np.array([[[1.0]], [[0.0]]]),
        joiner_age_share=np.array([[0.0, 0.2, 0.8], [1.0, 0.0, 0.0]]),
    )
    assert_allclose(table(arrivals), [[0, 3, 12], [0, 0, 0]])


def test_joiners_arrive_at_their_roles_fte_per_head() -> None:
    joined = steps.join(stock(HEADCOUNT), cells([[1, 0, 0], [0, 2, 0]]), np.array([1.0, 0.5]))
    assert_allclose(table(joined.headcount), [[11, 20, 30], [0, 7, 5]])
    assert_allclose(table(joined.fte), [[6, 10, 15], [0, 3.5, 2.5]])


def test_participation_scales_reported_fte_by_role() -> None:
    fte = np.array([[[[10.0]], [[4.0]]]])  # [r, g, l, c]
    assert_allclose(steps.reported_fte(fte, np.array([1.1, 1.0]))[0, :, 0, 0], [11, 4])


def tiny_model() -> SupplyModel:
    """The stock of the table above, with one nursing programme and every flow switched on."""
    return SupplyModel(
        roles=("nurse", "care_worker"),
        areas=("A",),
        sectors=("nhs",),
        programmes=("nursing",),
        headcount=np.asarray(HEADCOUNT)[:, None, None, :],
        fte=np.asarray(HEADCOUNT)[:, None, None, :] * 0.5,
        leaver_rate=np.full((2, 1, 3), 0.1),
        retire_share=np.array([[[0.0, 0.5, 1.0]], [[0.0, 0.0, 1.0]]]),
        return_rate=np.array([0.2, 0.0]),
        return_fte_per_head=np.array([0.5, 0.5]),
        move_rate=np.array([[0.0, 0.0], [0.5, 0.0]]),  # half of care workers train up to nurse
        joiner_rate=np.array([[0.1], [0.0]]),
        joiner_age_share=np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]),
        joiner_fte_per_head=np.array([1.0, 1.0]),
        international_recruits=np.array([[2.0, 0.0]]),
        international_spread=np.array([[[1.0]], [[0.0]]]),
        commissioned_places=np.array([[10.0]]),
        fill_rate=np.array([1.0]),
        placement_capacity=np.array([[10.0]]),
        attrition_rate=np.array([[0.5]]),
        course_length_years=np.array([1]),
        programme_role=np.array([NURSE]),
        local_share=np.array([1.0]),
        programme_spread=np.array([[[1.0]]]),
        start_age_share=np.array([[0.0, 1.0, 0.0]]),
        participation=np.array([[1.0, 2.0]]),
    )


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_one_year_of_the_whole_plan(backend: str) -> None:
    """By hand, nurses: leavers 6 (1, 2, 3), of whom retirees 0 + 1 + 3 = 4, returners 0.8 ->
    [9, 18.2, 27.6]. Care workers: leavers 1 (0, 0.5, 0.5) -> [0, 4.5, 4.5]; half (4.5) move to
    nurse -> nurses [9, 20.45, 29.85], care workers [0, 2.25, 2.25]. Ageing: 29.85 nurses and 2.25 care
    workers leave at the last age -> nurses [0, 9, 20.45], care workers [0, 0, 2.25]. Pipeline:
    10 start, 5 complete, at age 17. Other joiners 60 x 0.1 = 6 and 2 international at age 16.
    """
    result = project(tiny_model(), RunParameters.central(tiny_model()), 1, backend=backend)
    heads = result.headcount()[0, :, :, 0, 0]
    assert_allclose(heads[0], [60, 10])
    assert_allclose(heads[1], [8 + 14 + 20.45, 2.25])
    nurse = {name: result.flow(name)[0, 1, NURSE] for name in ("leavers", "retirements")}
    assert nurse == pytest.approx({"leavers": 6 + 29.85, "retirements": 4 + 29.85})
    assert result.flow("returners")[0, 1, NURSE] == pytest.approx(0.8)
    assert result.flow("moves_in")[0, 1, NURSE] == pytest.approx(4.5)
    assert result.flow("moves_out")[0, 1, CARE_WORKER] == pytest.approx(4.5)
    assert result.flow("pipeline_joiners")[0, 1, NURSE] == pytest.approx(5)
    assert result.flow("other_joiners")[0, 1, NURSE] == pytest.approx(6)
    assert result.flow("international_joiners")[0, 1, NURSE] == pytest.approx(2)
    assert result.intake[0, 1, 0] == 10 and result.completers[0, 1, 0] == 5
    # FTE: care workers 2.25 at 0.5 per head, doubled by the participation lever.
    assert result.fte()[0, 1, CARE_WORKER, 0, 0] == pytest.approx(2.25)


@pytest.mark.parametrize("backend", ["numpy", "numba", "reference"])
@pytest.mark.parametrize(("places", "intake"), [(10.0, 2.25), (2.0, 2.0)])
def test_one_year_with_an_apprenticeship_route(backend: str, places: float, intake: float) -> None:
    """The same year with the nursing programme as a route from care work. After ageing the care
    workers are [0, 0, 2.25] (see above). With 10 places the route takes all 2.25 of them; with 2
    it takes 2 and leaves 0.25 at age 18. Half complete (attrition 0.5) and join the nurses at
    age 17, as before; nurses otherwise as above: [6 + 2, 9, 20.45] with the other joiners.
    """
    model = dataclasses.replace(
        tiny_model(),
        programme_source_role=np.array([CARE_WORKER]),
        commissioned_places=np.array([[places]]),
    )
    params = RunParameters.central(model)
    result = (
        project_reference(model, params, 1)
        if backend == "reference"
        else project(model, params, 1, backend=backend)
    )
    heads = result.headcount()[0, 1, :, 0, 0]
    assert heads[CARE_WORKER] == pytest.approx(2.25 - intake, abs=1e-12)
    assert heads[NURSE] == pytest.approx(8 + 9 + 20.45 + intake / 2)
    assert result.flow("into_training")[0, 1, CARE_WORKER] == pytest.approx(intake)
    assert result.flow("into_training")[0, 1, NURSE] == 0
    assert result.intake[0, 1, 0] == pytest.approx(intake)
    assert result.flow("pipeline_joiners")[0, 1, NURSE] == pytest.approx(intake / 2)
    # Care workers' FTE: 0.5 per head, doubled by the participation lever.
    assert result.fte()[0, 1, CARE_WORKER, 0, 0] == pytest.approx(2.25 - intake, abs=1e-12)


def test_the_plan_prints_its_steps_in_order() -> None:
    text = describe_plan()
    names = [step.name for step in PLAN]
    assert names == [
        "leavers",
        "retire and return",
        "progression and moves",
        "ageing",
        "training pipeline",
        "other joiners",
        "FTE",
    ]
    positions = [text.index(f"{n}. {name}") for n, name in enumerate(names, start=1)]
    assert positions == sorted(positions)
    assert "into training" in text and "numpy array path" in text

"""The scenario's costs by lever, worked by hand on small cases (docs/design/costing.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from careforce.costing.scenario_costs import (
    LEVERS,
    CostInputs,
    ScenarioCosts,
    Uplift,
    YearlyCost,
    scenario_costs,
)
from careforce.domain import UserError
from careforce.framework.loader import default_framework
from careforce.scenario.cost_inputs import cost_inputs, role_pay_of
from careforce.scenario.schema import Scenario
from careforce.supply.projection import AGE_BANDS, FLOWS, Projection

YEARS = (2026, 2027, 2028)
BAND_6_INTERMEDIATE = 40_823.0  # Agenda for Change 2025/26 (figures.md section 4, S27)
NHS_ON_COSTS = 0.28
CARE_WORKER_ANNUAL = 12.60 * 37.5 * 52.14  # the Real Living Wage for one FTE (S31)


def inputs(**changes: Any) -> CostInputs:
    """One run, three years, two roles in one sector, one programme: every lever costs nothing."""
    runs = len(changes.get("runs", [0]))
    base: dict[str, Any] = {
        "base_year": 2025,
        "years": YEARS,
        "runs": np.arange(runs),
        "roles": ("a", "b"),
        "fte": np.zeros((runs, 3, 2, 1)),
        "annual_cost": np.array([50_000.0, 30_000.0]),
        "students": np.zeros((runs, 3, 1)),
        "cost_per_place_year": np.array([20_000.0]),
        "recruits": np.zeros((runs, 3, 2)),
        "cost_per_recruit": np.array([12_000.0, 12_000.0]),
    }
    return CostInputs(**{**base, **changes})


def lever(costs: ScenarioCosts, name: str, run: int = 0) -> np.ndarray:
    return costs.by_run[run, :, LEVERS.index(name)]


def test_the_pay_bill_is_fte_times_pay_with_on_costs() -> None:
    framework = default_framework()
    scenario = scenario_with()
    pay, notes = role_pay_of(scenario, framework, ["paramedic"])
    annual = BAND_6_INTERMEDIATE * (1 + NHS_ON_COSTS)
    assert pay["paramedic"].annual_cost_gbp == pytest.approx(annual)
    assert notes == ()
    fte = np.zeros((1, 3, 1, 1))
    fte[0, :, 0, 0] = 10.0
    costs = scenario_costs(
        inputs(
            roles=("paramedic",),
            fte=fte,
            annual_cost=np.array([annual]),
            recruits=np.zeros((1, 3, 1)),
            cost_per_recruit=np.array([0.0]),
        )
    )
    assert lever(costs, "pay_bill") == pytest.approx([522_534.4] * 3)
    table = costs.pay_bill_by_role()
    assert table["fte_central"].to_list() == pytest.approx([10.0] * 3)
    assert table["annual_cost_central"].to_list() == pytest.approx([522_534.4] * 3)


def test_twenty_students_at_twenty_thousand_cost_four_hundred_thousand() -> None:
    students = np.zeros((1, 3, 1))
    students[0, 1, 0] = 20.0
    costs = scenario_costs(inputs(students=students))
    assert lever(costs, "training") == pytest.approx([0.0, 400_000.0, 0.0])


def test_international_recruits_cost_their_role_s_cost_per_recruit() -> None:
    recruits = np.zeros((1, 3, 2))
    recruits[0, :, 0] = 5.0
    recruits[0, 2, 1] = 2.0
    costs = scenario_costs(inputs(recruits=recruits, cost_per_recruit=np.array([10_000.0, 1e3])))
    assert lever(costs, "international_recruitment") == pytest.approx([50e3, 50e3, 52e3])


def test_a_pay_uplift_is_paid_on_the_selected_staff_from_its_year() -> None:
    fte = np.zeros((1, 3, 2, 1))
    fte[0, :, 0, 0] = 10.0  # role a: 500,000 a year
    fte[0, :, 1, 0] = 20.0  # role b: 600,000 a year, not selected
    only_a = np.array([[True], [False]])
    costs = scenario_costs(inputs(fte=fte, pay_uplifts=(Uplift(0.03, only_a, 2027),)))
    assert lever(costs, "pay_bill") == pytest.approx([1.1e6] * 3)
    assert lever(costs, "pay_uplift") == pytest.approx([0.0, 15_000.0, 15_000.0])
    both = np.ones((2, 1), dtype=bool)
    two = scenario_costs(inputs(fte=fte, pay_uplifts=(Uplift(0.03, only_a), Uplift(0.01, both))))
    assert lever(two, "pay_uplift") == pytest.approx([15_000.0 + 11_000.0] * 3)


def test_retention_is_costed_only_from_its_first_year() -> None:
    measures = (YearlyCost(400_000.0, 2027), YearlyCost(50_000.0))
    costs = scenario_costs(inputs(retention=measures))
    assert lever(costs, "retention") == pytest.approx([50_000.0, 450_000.0, 450_000.0])


def test_delegation_training_is_workers_trained_times_the_cost_of_one() -> None:
    costs = scenario_costs(
        inputs(delegation_trained=(YearlyCost(60.0, 2028),), cost_per_trained_worker=400.0)
    )
    assert lever(costs, "delegation_training") == pytest.approx([0.0, 0.0, 24_000.0])


def test_ranges_are_quantiles_over_the_drawn_runs_and_central_is_run_0() -> None:
    students = np.zeros((5, 3, 1))
    students[:, 0, 0] = [7.0, 1.0, 2.0, 3.0, 4.0]  # run 0 differs from every drawn run
    costs = scenario_costs(inputs(runs=np.arange(5), students=students))
    row = costs.by_year_lever().filter(year=2026, lever="training").row(0, named=True)
    assert row["central"] == pytest.approx(140_000.0)
    drawn = np.array([1.0, 2.0, 3.0, 4.0]) * 20_000
    for q in (5, 25, 50, 75, 95):
        assert row[f"q{q}"] == pytest.approx(np.percentile(drawn, q))
    assert row["q5"] == pytest.approx(23_000.0)  # 1 + 0.15 x (2 - 1), times 20,000
    total = costs.total_by_year().filter(year=2026).row(0, named=True)
    assert total["lever"] == "total" and total["central"] == pytest.approx(140_000.0)


def test_with_no_drawn_run_the_range_is_the_central_run() -> None:
    retention = (YearlyCost(1_000.0),)
    table = scenario_costs(inputs(retention=retention)).total_by_year()
    assert table.columns == ["year", "lever", "central", "q5", "q25", "q50", "q75", "q95"]
    assert table.select("q5", "q95").to_numpy() == pytest.approx(np.full((3, 2), 1_000.0))


def test_totals_add_the_levers_of_each_run() -> None:
    fte = np.ones((2, 3, 2, 1))
    fte[1] *= 2
    costs = scenario_costs(
        inputs(runs=np.arange(2), fte=fte, retention=(YearlyCost(10.0),)),
    )
    assert costs.total()[1] == pytest.approx([160_010.0] * 3)
    frame = costs.by_year_lever()
    assert frame.height == 3 * len(LEVERS)
    assert frame.filter(lever="pay_bill")["q50"].to_list() == pytest.approx([160_000.0] * 3)


def test_inputs_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="students"):
        scenario_costs(inputs(students=np.zeros((1, 2, 1))))


# --- from the scenario, the framework and a projection ------------------------------------------


def scenario_with(**levers: Any) -> Scenario:
    return Scenario.model_validate(
        {
            "schema_version": 1,
            "name": "test",
            "data": {"database": "test.sqlite", "census_date": dt.date(2025, 3, 31)},
            "projection": {"years": 3, "runs": 1},
            **levers,
        }
    )


def projection() -> Projection:
    """Two runs, three years after the census; paramedics (nhs) and care workers (two sectors)."""
    roles, sectors = ("paramedic", "sc_care_worker_res"), ("independent", "nhs")
    cell_role, cell_sector = np.array([0, 1, 1]), np.array([1, 0, 1])
    runs, years = 2, 4
    fte = np.zeros((runs, years, 3))
    fte[:, :, 0] = 10.0
    fte[:, :, 1] = 100.0
    fte[:, :, 2] = 5.0
    fte[1, 3, 1] = 80.0  # the drawn run loses care workers by the last year
    flows = np.zeros((runs, years, 2, len(FLOWS)))
    flows[:, 1:, 0, FLOWS.index("international_joiners")] = 2.0
    students = np.zeros((runs, years, 1))
    students[:, :, 0] = 20.0
    return Projection(
        roles=roles,
        areas=("x",),
        sectors=sectors,
        programmes=("paramedic_degree",),
        runs=np.arange(runs),
        cell_role=cell_role,
        cell_area=np.zeros(3, dtype=np.int64),
        cell_sector=cell_sector,
        headcount_by_cell=fte.copy(),
        fte_by_cell=fte,
        headcount_by_age_band=np.zeros((runs, years, 2, len(AGE_BANDS))),
        flows=flows,
        students=students,
        intake=np.zeros((runs, years, 1)),
        completers=np.zeros((runs, years, 1)),
    )


GROUPS = {"paramedic": "ambulance", "sc_care_worker_res": "social_care_direct"}
PROGRAMME = {
    "id": "paramedic_degree",
    "name": "Paramedic science",
    "role": "paramedic",
    "length_years": 3,
    "commissioned_places": 10.0,
    "fill_rate": 0.9,
    "attrition": 0.1,
    "local_share": 0.8,
    "cost_per_place_year": 9_250.0,
    "basis": "assumption: a test programme",
}


def test_the_scenario_s_levers_become_the_costing_s_inputs() -> None:
    scenario = scenario_with(
        programmes=[PROGRAMME],
        international_recruitment=[
            {"role": "paramedic", "recruits_per_year": 2.0, "basis": "assumption: test"}
        ],
        retention=[
            {
                "role": "sc_care_worker_res",
                "leaver_rate_multiplier": 0.9,
                "from_year": 2027,
                "cost_per_year": 400_000.0,
                "basis": "assumption: test",
            }
        ],
        pay_uplifts=[
            {
                "staff_group": "social_care_direct",
                "sector": "independent",
                "uplift": 0.03,
                "turnover_elasticity": 2.0,
                "from_year": 2028,
                "basis": "assumption: test",
            }
        ],
        delegation=[
            {"tasks": ["MED02", "OBS03"], "trained_per_year": 20.0, "basis": "assumption: test"}
        ],
    )
    given = cost_inputs(
        scenario, default_framework(), projection(), census_year=2025, role_groups=GROUPS
    )
    assert given.years == (2026, 2027, 2028)
    costs = scenario_costs(given)
    care = CARE_WORKER_ANNUAL * 1.15
    paramedic = BAND_6_INTERMEDIATE * 1.28
    assert lever(costs, "pay_bill") == pytest.approx([10 * paramedic + 105 * care] * 3)
    assert lever(costs, "pay_bill", 1)[-1] == pytest.approx(10 * paramedic + 85 * care)
    assert lever(costs, "training") == pytest.approx([20 * 9_250.0] * 3)
    assert lever(costs, "international_recruitment") == pytest.approx([24_000.0] * 3)
    assert lever(costs, "retention") == pytest.approx([0.0, 400_000.0, 400_000.0])
    assert lever(costs, "pay_uplift") == pytest.approx([0.0, 0.0, 0.03 * 100 * care])
    assert lever(costs, "pay_uplift", 1)[-1] == pytest.approx(0.03 * 80 * care)
    assert lever(costs, "delegation_training") == pytest.approx([2 * 20 * 400.0] * 3)
    assert any("2025/26 prices" in note for note in costs.assumptions)


def test_the_scenario_overrides_pay_and_on_costs() -> None:
    scenario = scenario_with(
        costing={
            "on_cost_rate": 0.2,
            "pay": [{"role": "paramedic", "annual_pay": 45_000.0, "source": "S27"}],
            "cost_per_place_year": 15_000.0,
        },
        programmes=[{**PROGRAMME, "cost_per_place_year": None}],
    )
    given = cost_inputs(
        scenario, default_framework(), projection(), census_year=2025, role_groups=GROUPS
    )
    assert given.annual_cost == pytest.approx([45_000.0 * 1.2, CARE_WORKER_ANNUAL * 1.2])
    assert given.cost_per_place_year == pytest.approx([15_000.0])
    assert given.cost_per_recruit == pytest.approx([12_000.0, 12_000.0])


def test_a_new_role_is_paid_as_its_like_role_unless_it_says() -> None:
    new = {
        "id": "mc_support_worker",
        "title": "Multi-competency support worker",
        "like_role": "paramedic",
        "career_framework_level": 3,
        "basis": "assumption: test",
    }
    framework = default_framework()
    pay, _ = role_pay_of(scenario_with(new_roles=[new]), framework, ["mc_support_worker"])
    assert pay["mc_support_worker"].annual_cost_gbp == pytest.approx(BAND_6_INTERMEDIATE * 1.28)
    own = scenario_with(new_roles=[{**new, "annual_pay": 30_000.0}])
    pay, _ = role_pay_of(own, framework, ["mc_support_worker"])
    assert pay["mc_support_worker"].annual_cost_gbp == pytest.approx(30_000.0 * 1.28)
    with pytest.raises(UserError, match="no_such_role"):
        role_pay_of(own, framework, ["no_such_role"])

"""The plan's levers go into the projection's inputs where the plan says, and only there."""

from __future__ import annotations

import numpy as np
import pytest

from careforce.optimise.plan import LEVERS, Plan
from careforce.scenario.plan_inputs import planned_model
from careforce.supply.engine import project
from careforce.supply.model import RunParameters
from careforce.supply.synthetic import random_model

YEARS = 4


def plan_for(model, places: float, recruits: float, kept: float) -> Plan:
    years = YEARS + 1
    roles = len(model.roles)
    zeros = np.zeros((years, roles))
    return Plan(
        feasible=True,
        status="optimal",
        diagnostics=(),
        years=tuple(range(2026, 2026 + years)),
        places=np.full((years, len(model.programmes)), places) * (np.arange(years) >= 1)[:, None],
        recruits=(zeros + recruits) * (np.arange(years) >= 1)[:, None],
        retention_spend=zeros,
        leavers_kept_share=(zeros + kept) * (np.arange(years) >= 1)[:, None],
        pay_uplift=zeros,
        trained_workers=np.zeros((years, 1, 1)),
        extra_fte=np.zeros((years, roles, 1)),
        cost={lever: np.zeros(years) for lever in LEVERS},
        unmet=np.zeros((years, 1, 1)),
        need=np.zeros((years, 1, 1)),
        shortfall=np.zeros(years),
        objective=0.0,
    )


@pytest.fixture
def model():
    return random_model(np.random.default_rng(7), roles=3, programmes=2, years=YEARS)


def test_the_levers_land_in_the_rows_of_their_years(model) -> None:
    changed = planned_model(model, plan_for(model, 5.0, 2.0, 0.1), model.roles)
    assert changed.commissioned_places - model.commissioned_places == pytest.approx(5.0)
    assert changed.placement_capacity == pytest.approx(model.placement_capacity)
    assert changed.international_recruits - model.international_recruits == pytest.approx(2.0)
    assert changed.retention == pytest.approx(model.retention * 0.9)
    assert changed.international_spread.sum(axis=(1, 2)) == pytest.approx(1.0)


def test_an_empty_plan_changes_nothing_and_more_kept_never_gives_fewer_staff(model) -> None:
    params = RunParameters.central(model)
    base = project(model, params, YEARS, backend="numpy")
    same = project(planned_model(model, plan_for(model, 0, 0, 0), model.roles), params, YEARS)
    assert same.headcount_by_cell == pytest.approx(base.headcount_by_cell)
    kept = project(planned_model(model, plan_for(model, 0, 0, 0.2), model.roles), params, YEARS)
    assert (kept.headcount_by_cell.sum(axis=2) >= base.headcount_by_cell.sum(axis=2) - 1e-9).all()

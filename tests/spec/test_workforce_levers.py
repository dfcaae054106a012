"""The workforce levers of a scenario, apart from the store: a pay uplift's factor on leaver rates,
the delegation levers (a stop, a cap by year, more workers trained) as the allocation's inputs and
their effect on the solved allocation, and new roles added to the framework, staff groups and pay.
Bad ids are problems that name their place in the scenario and the value."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from careforce.allocation import AllocationOptions, allocate
from careforce.costing.pay import pay_of_roles
from careforce.domain import ValidationFailed
from careforce.domain.framework import Framework
from careforce.framework.loader import default_framework
from careforce.scenario.gap_inputs import (
    DELEGATED_HOURS_PER_WORKER,
    GapSettings,
    allocation_problem,
    delegation_levers,
)
from careforce.scenario.new_roles import (
    framework_with_new_roles,
    groups_with_new_roles,
    pay_with_new_roles,
)
from careforce.scenario.schema import DelegationChange, NewRole, PayUplift
from careforce.scenario.supply_inputs import pay_uplift_factor

BASIS = {"basis": "assumption: for the test"}
YEARS = (2026, 2027, 2028, 2029)
# MOB06 and CONT04 are held by healthcare support workers and nurses and may be delegated to
# domiciliary care workers; MOB04 is registrant only.
TASKS = ("MOB06", "CONT04", "MOB04")
ROLES = ("rn_adult", "sc_care_worker_dom")


@pytest.fixture(scope="module")
def framework() -> Framework:
    return default_framework()


def change(**values: object) -> DelegationChange:
    return DelegationChange.model_validate({**BASIS, **values})


def new_role(**values: object) -> NewRole:
    base = {
        "id": "mc_support_worker",
        "title": "Multi-competency support worker",
        "like_role": "senior_hcsw",
        "career_framework_level": 3,
        "tasks": ["PC01", "MOB01"],
        "delegated_tasks": ["MOB06"],
    }
    return NewRole.model_validate({**BASIS, **base, **values})


# --- pay uplift ---------------------------------------------------------------------------------


def test_a_pay_uplift_multiplies_leaver_rates_by_one_less_elasticity_times_uplift() -> None:
    lever = PayUplift.model_validate(
        {**BASIS, "uplift": 0.05, "turnover_elasticity": [1.5, 2.5], "from_year": 2028}
    )
    assert float(pay_uplift_factor(lever, None)) == pytest.approx(1 - 2.0 * 0.05)
    assert_allclose(pay_uplift_factor(lever, np.array([1.0, 30.0])), [0.95, 0.0])


# --- delegation levers as the allocation's inputs -----------------------------------------------


def trained_today() -> np.ndarray:
    """[l, y, t]: two areas, 520 and 1,560 delegated hours of MOB06, none of CONT04."""
    today = np.zeros((2, len(TASKS)))
    today[:, 0] = (2 * DELEGATED_HOURS_PER_WORKER, 6 * DELEGATED_HOURS_PER_WORKER)
    return np.repeat(today[:, None, :], len(YEARS), axis=1)


def levers(framework: Framework, *changes: DelegationChange) -> tuple[np.ndarray, np.ndarray]:
    hours, cap = delegation_levers(
        framework, changes, tasks=TASKS, years=YEARS, trained=trained_today()
    )
    assert hours is not None
    return hours, (np.ones((len(YEARS), len(TASKS))) if cap is None else cap)


def test_no_lever_leaves_the_trained_hours_and_caps_no_year(framework: Framework) -> None:
    hours, cap = delegation_levers(framework, (), tasks=TASKS, years=YEARS, trained=trained_today())
    assert hours is not None and cap is None
    assert_allclose(hours, trained_today())


def test_stopping_delegation_from_a_year_zeroes_trained_hours_and_the_cap_from_then(
    framework: Framework,
) -> None:
    hours, cap = levers(framework, change(tasks=["MOB06"], allowed=False, from_year=2028))
    assert_allclose(hours[:, :2], trained_today()[:, :2])
    assert_allclose(hours[:, 2:, 0], 0.0)
    assert_allclose(cap[:, 0], [1, 1, 0, 0])
    assert_allclose(cap[:, 1:], 1.0)


def test_max_share_caps_the_named_tasks_from_its_year_and_the_smallest_cap_wins(
    framework: Framework,
) -> None:
    _, cap = levers(
        framework,
        change(max_share=0.4, from_year=2027),  # every delegable task
        change(tasks=["CONT04"], max_share=0.25, from_year=2029),
    )
    assert_allclose(cap[:, 0], [1, 0.4, 0.4, 0.4])
    assert_allclose(cap[:, 1], [1, 0.4, 0.4, 0.25])
    assert_allclose(cap[:, 2], 1.0)  # registrant only: never delegated, never capped


def test_trained_workers_add_up_year_by_year_spread_as_todays_or_evenly(
    framework: Framework,
) -> None:
    hours, _ = levers(framework, change(tasks=["MOB06", "CONT04"], trained_per_year=8))
    added = hours - trained_today()  # from the first year: 8, 16, 24, 32 workers
    workers = 8 * np.arange(1, len(YEARS) + 1)
    assert_allclose(added.sum(axis=0)[:, 0], workers * DELEGATED_HOURS_PER_WORKER)
    assert_allclose(added[:, :, 0] / added[:, :, 0].sum(axis=0), [[0.25] * 4, [0.75] * 4])
    evenly = 0.5 * workers * DELEGATED_HOURS_PER_WORKER  # nobody trained today
    assert_allclose(added[:, :, 1], np.tile(evenly, (2, 1)))
    assert_allclose(added[:, :, 2], 0.0)
    later, _ = levers(framework, change(tasks=["MOB06"], trained_per_year=8, from_year=2028))
    assert_allclose((later - trained_today()).sum(axis=0)[:, 0], [0, 0, 8 * 260, 16 * 260])


@pytest.mark.parametrize(
    ("task", "reason"),
    [("NOPE99", "not a task of the framework"), ("MOB04", "not a delegable task")],
)
def test_a_delegation_lever_on_a_bad_task_names_its_place(
    framework: Framework, task: str, reason: str
) -> None:
    with pytest.raises(ValidationFailed) as failed:
        levers(framework, change(), change(tasks=["MOB06", task]))
    (problem,) = failed.value.problems
    assert (problem.column, problem.value) == ("delegation[1].tasks", task)
    assert reason in problem.reason


def solved(framework: Framework, *changes: DelegationChange) -> tuple[np.ndarray, np.ndarray]:
    """Hours done `[y, t, g]` and unmet `[y, t]` in one area where nurses are short and care
    workers trained for MOB06 could do all of it under delegation."""
    need = np.zeros((1, 1, len(YEARS), len(TASKS)))
    need[..., 0] = 1_000.0
    need[..., 1] = 200.0
    fte = np.zeros((1, 1, len(YEARS), len(ROLES)))
    fte[..., 0] = 0.5  # nurses: 600 task hours a year
    fte[..., 1] = 2.0  # care workers
    problem = allocation_problem(
        framework,
        tasks=TASKS,
        roles=ROLES,
        areas=("north",),
        years=YEARS,
        hours=need,
        fte=fte,
        available_share=np.ones((len(ROLES), 1)),
        pay=pay_of_roles(framework, ROLES),
        settings=GapSettings(hours_per_fte=1_500.0),
        delegation_hours=np.full((1, len(YEARS), len(TASKS)), 5_000.0),
        delegation=changes,
    )
    a = allocate(problem, AllocationOptions())
    return a.hours_done[0, 0], a.unmet[0, 0]


def test_a_stop_leaves_more_unmet_from_its_year_and_not_before(framework: Framework) -> None:
    done, unmet = solved(framework)
    assert done[:, 0, 1].min() > 100  # care workers do MOB06 under delegation every year
    stopped_done, stopped_unmet = solved(
        framework, change(tasks=["MOB06"], allowed=False, from_year=2028)
    )
    assert_allclose(stopped_unmet[:2], unmet[:2])
    assert_allclose(stopped_done[:2], done[:2])
    assert_allclose(stopped_done[2:, 0, 1], 0.0, atol=1e-9)
    assert (stopped_unmet[2:, 0] > unmet[2:, 0] + 100).all()


def test_a_cap_limits_the_hours_done_under_delegation_in_its_years(framework: Framework) -> None:
    capped_done, _ = solved(framework, change(tasks=["MOB06"], max_share=0.1, from_year=2027))
    delegated = capped_done[:, 0, 1]  # care workers' MOB06, all of it under delegation
    assert delegated[0] > 100
    assert (delegated[1:] <= 0.1 * 1_000.0 + 1e-6).all()


# --- new roles ----------------------------------------------------------------------------------


def test_a_new_role_is_its_like_roles_copy_with_its_own_tasks(framework: Framework) -> None:
    grown = framework_with_new_roles(framework, [new_role(delegated_tasks=["MOB06", "MOB02"])])
    role = grown.role("mc_support_worker")
    like = framework.role("senior_hcsw")
    assert (role.title, role.career_framework_level) == ("Multi-competency support worker", 3)
    assert (role.staff_group, role.pay_band, role.regulator) == (
        like.staff_group,
        like.pay_band,
        like.regulator,
    )
    tasks = grown.role_tasks("mc_support_worker")
    # MOB02 is a trained role task: a worker trained for it needs no delegation
    assert set(tasks.own) == {"PC01", "MOB01", "MOB02"}
    assert tasks.by_delegation == ("MOB06",)
    assert "mc_support_worker" in grown.who_may_do("MOB06").by_delegation
    assert "mc_support_worker" in grown.who_may_do("PC01").own_competence
    assert grown.role_details["mc_support_worker"].sector == (
        framework.role_details["senior_hcsw"].sector
    )
    assert set(framework.roles) < set(grown.roles)
    assert framework_with_new_roles(framework, []) is framework


def test_a_new_role_is_paid_its_annual_pay_or_as_its_like_role(framework: Framework) -> None:
    roles = [new_role(), new_role(id="other_new_role", annual_pay=21_000.0)]
    grown = framework_with_new_roles(framework, roles)
    pay = pay_with_new_roles(grown, ["mc_support_worker", "other_new_role", "senior_hcsw"], roles)
    like = pay["senior_hcsw"]
    assert pay["mc_support_worker"].annual_gbp == like.annual_gbp
    assert pay["mc_support_worker"].on_cost_share == like.on_cost_share
    assert pay["other_new_role"].annual_gbp == 21_000.0
    assert pay["other_new_role"].hourly_cost_gbp < like.hourly_cost_gbp


def test_a_new_role_takes_its_like_roles_staff_group() -> None:
    groups = {"senior_hcsw": "nursing_support", "rn_adult": "registered_nursing_midwifery"}
    assert groups_with_new_roles(groups, [new_role()])["mc_support_worker"] == "nursing_support"
    with pytest.raises(ValidationFailed) as failed:
        groups_with_new_roles(groups, [new_role(like_role="nobody")], source="s.toml")
    (problem,) = failed.value.problems
    assert (problem.file, problem.column, problem.value) == (
        "s.toml",
        "new_roles[0].like_role",
        "nobody",
    )


@pytest.mark.parametrize(
    ("values", "place", "value"),
    [
        ({"like_role": "nobody"}, "new_roles[0].like_role", "nobody"),
        ({"tasks": ["PC01", "NOPE99"]}, "new_roles[0].tasks", "NOPE99"),
        ({"delegated_tasks": ["NOPE99"]}, "new_roles[0].delegated_tasks", "NOPE99"),
        ({"delegated_tasks": ["MOB04"]}, "new_roles[0].delegated_tasks", "MOB04"),
        ({"tasks": ["MOB04"]}, "new_roles[0].tasks", "MOB04"),  # registrant only
        ({"tasks": ["NUT08"]}, "new_roles[0].tasks", "NUT08"),  # level 5
        ({"id": "senior_hcsw"}, "new_roles[0].id", "senior_hcsw"),
    ],
)
def test_a_new_role_with_a_bad_id_names_its_place(
    framework: Framework, values: dict[str, object], place: str, value: str
) -> None:
    with pytest.raises(ValidationFailed) as failed:
        framework_with_new_roles(framework, [new_role(**values)], source="s.toml")
    assert (place, value) in {(p.column, p.value) for p in failed.value.problems}
    assert all(p.file == "s.toml" for p in failed.value.problems)

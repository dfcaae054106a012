"""The cheapest plan's inputs: the gap's central allocation, the projection's baseline, the levers.

The baseline comes from the central run of the scenario's projection (staff in post, leavers,
joiners' FTE) and its gap allocation (need and staff available to the services). The levers'
limits and costs have no published figures in figures.md, so every default below is an
assumption, stated in the output, for a planner to replace with their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from careforce.allocation.problem import AllocationProblem
from careforce.costing.pay import RolePay
from careforce.optimise.plan import Plan
from careforce.optimise.problem import PlanProblem
from careforce.scenario.gap_inputs import DELEGATED_HOURS_PER_WORKER
from careforce.scenario.schema import Plan as PlanLevers
from careforce.supply.model import SupplyModel
from careforce.supply.projection import Projection


def lever_assumptions(levers: PlanLevers) -> tuple[str, ...]:
    """The levers' limits and costs in words, each with its basis (the scenario's `[plan]`)."""
    basis = levers.basis
    curve = ", ".join(
        f"{100 * kept:g}% at GBP {spend:,.0f}" for spend, kept in levers.retention_curve[1:]
    )
    return (
        f"{basis}: a training place costs GBP {levers.cost_per_place_year:,.0f} a course year "
        "(tuition, placements, bursary); an apprenticeship place also pays the apprentice's wage "
        "at the source role's pay",
        f"{basis}: an international recruit costs GBP {levers.cost_per_recruit:,.0f} (visa, "
        "travel, registration, induction and pastoral support)",
        f"{basis}: the ethical cap allows international recruits up to "
        f"{100 * levers.ethical_cap_share:g}% of a registered role's FTE a year, and none into "
        "roles that need no registration",
        f"{basis}: retention spending a year per FTE in post keeps {curve} of leavers (each "
        "further pound keeps fewer)",
        f"{basis}: a pay uplift of up to {100 * levers.pay_uplift_max:g}% keeps "
        f"{levers.pay_elasticity:g}% of leavers per 1% of pay; it is paid on the role's whole "
        "pay bill in the year",
        f"{basis}: training a support worker for a delegated task costs GBP "
        f"{levers.cost_per_trained_worker:,.0f} and adds {DELEGATED_HOURS_PER_WORKER:g} "
        "delegated hours a year",
        "staff the plan adds or keeps are paid at their role's pay with on-costs, and leave at "
        "their role's rate in the central run",
    )


def _ratio(top: np.ndarray, bottom: np.ndarray, otherwise: float) -> np.ndarray:
    top, bottom = np.broadcast_arrays(np.asarray(top, dtype=float), np.asarray(bottom, dtype=float))
    return np.divide(top, bottom, out=np.full(top.shape, otherwise), where=bottom > 0)


def _role_index(model: SupplyModel, groups: Sequence[str]) -> np.ndarray:
    at = {r: i for i, r in enumerate(model.roles)}
    return np.array([at[g] for g in groups], dtype=np.int64)


def plan_problem(
    allocation: AllocationProblem,
    available_share: np.ndarray,
    model: SupplyModel,
    projection: Projection,
    pay: Mapping[str, RolePay],
    registered: Mapping[str, bool],
    programme_names: Mapping[str, str],
    levers: PlanLevers,
    *,
    target_year: int | None = None,
) -> PlanProblem:
    """The plan's problem on the central run (row 0 of `allocation` and `projection`).

    The plan's model holds one cap on each task's delegated share and one limit of trained
    delegated hours over its years: a delegation policy that changes them by year (the
    scenario's delegation levers) enters at its tightest from `target_year` (default: the last
    year) on, the years the target binds; the plan is then checked against the full allocation,
    year by year."""
    first = allocation.years.index(target_year) if target_year in allocation.years else -1
    share = allocation.max_delegated_share
    if allocation.max_delegated_share_by_year is not None:
        share = np.minimum(share, allocation.max_delegated_share_by_year[first:].min(axis=0))
    trained = allocation.delegation_hours
    central = dataclasses.replace(
        allocation,
        hours=allocation.hours[:1],
        fte=allocation.fte[:1],
        max_delegated_share=share,
    )
    groups = allocation.groups
    roles = _role_index(model, groups)
    areas = [model.areas.index(a) for a in allocation.areas]
    years = len(allocation.years)
    head_all = projection.headcount()[0][:years].sum(axis=3)[:, roles]  # [y, g, every area]
    fte = projection.fte()[0][:years].sum(axis=3)[:, roles][:, :, areas]  # [y, g, l]
    head = head_all[:, :, areas]
    region_head = head_all.sum(axis=2)  # [y, g]
    stock_fte = fte.sum(axis=2)  # [y, g]
    per_head = _ratio(stock_fte, head.sum(axis=2), 1.0)
    leavers_head = projection.flow("leavers")[0][:years][:, roles]  # [y, g], every area
    # Leavers from the allocation's areas, in FTE.
    leavers = leavers_head * _ratio(head.sum(axis=2), region_head, 0.0) * per_head
    survival = 1.0 - _ratio(leavers_head[1:].sum(axis=0), region_head[:-1].sum(axis=0), 0.0)
    area_share = _ratio(fte[0], fte[0].sum(axis=1, keepdims=True), 1.0 / len(areas))
    abroad = model.international_spread.sum(axis=2)[roles][:, areas]  # [g, l]
    recruit_share = np.where(abroad.sum(axis=1, keepdims=True) > 0, abroad, area_share)
    group_at = {g: i for i, g in enumerate(groups)}
    programme_role = np.array(
        [group_at.get(model.roles[r], -1) for r in model.programme_role], dtype=np.int64
    )
    course = np.asarray(model.course_length_years, dtype=np.int64)
    completion = np.array(
        [np.prod(1.0 - model.attrition_rate[p, : course[p]]) for p in range(len(course))]
    )
    fill = np.asarray(model.fill_rate)
    # Intake shows in year y from row y - 1 of the year-varying inputs.
    rows = np.clip(np.arange(years) - 1, 0, None)
    room = np.clip(model.placement_capacity[rows] - model.commissioned_places[rows] * fill, 0, None)
    extra_places = _ratio(room, np.broadcast_to(fill, room.shape), 0.0)
    extra_places[0] = 0.0
    source = np.array(
        [
            group_at.get(model.roles[r], -1) if r >= 0 else -1
            for r in np.asarray(model.programme_source_role)
        ],
        dtype=np.int64,
    )
    # An apprentice is still paid a wage while on the course: the employer pays it as well as
    # the course, so leaving the source role's post saves no pay.
    annual_pay = np.array([pay[g].annual_cost_gbp for g in groups])
    joiner_fte = np.asarray(model.joiner_fte_per_head)[roles]
    apprentice_pay = np.where(source >= 0, annual_pay[source] * fill * joiner_fte[source], 0.0)
    cap = np.array(
        [
            levers.ethical_cap_share * stock_fte[0, i] if registered.get(g) else 0.0
            for i, g in enumerate(groups)
        ]
    )
    return PlanProblem(
        allocation=central,
        available_share=available_share,
        survival=np.clip(survival, 0.0, 1.0),
        fte_per_joiner=np.asarray(model.joiner_fte_per_head)[roles],
        annual_pay=annual_pay,
        programmes=model.programmes,
        programme_role=programme_role,
        course_years=course,
        fill_rate=fill,
        completion=completion,
        local_share=np.asarray(model.local_share),
        programme_area_share=model.programme_spread.sum(axis=2)[:, areas],
        extra_places_max=extra_places,
        cost_per_place_year=levers.cost_per_place_year + apprentice_pay,
        recruits_max=np.tile(cap, (years, 1)),
        cost_per_recruit=np.full(len(groups), levers.cost_per_recruit),
        recruit_area_share=recruit_share,
        baseline_leavers=leavers,
        baseline_stock=stock_fte,
        leaver_area_share=area_share,
        retention_curve=tuple((float(a), float(b)) for a, b in levers.retention_curve),
        pay_uplift_max=levers.pay_uplift_max,
        pay_elasticity=levers.pay_elasticity,
        programme_names=dict(programme_names),
        delegation_hours=None if trained is None else trained[:, first:].min(axis=1),
        hours_per_trained_worker=DELEGATED_HOURS_PER_WORKER,
        cost_per_trained_worker=levers.cost_per_trained_worker,
        programme_source=source,
    )


def planned_model(model: SupplyModel, plan: Plan, groups: Sequence[str]) -> SupplyModel:
    """The supply model with the plan's levers in it: extra commissioned places (the plan keeps
    them within the placement capacity), international recruits, and leaver rates lowered by the
    share of leavers the plan keeps. Plan year y acts on row y - 1 of the year-varying inputs."""
    years = len(plan.years)
    rows = np.arange(1, years) - 1
    roles = _role_index(model, groups)
    places = model.commissioned_places.copy()
    extra = plan.places[1:years]
    places[rows] += extra
    recruits = model.international_recruits.copy()
    recruits[rows[:, None], roles[None, :]] += plan.recruits[1:years]
    retention = np.array(model.retention, copy=True)
    retention[rows[:, None], roles[None, :], :] *= (1.0 - plan.leavers_kept_share[1:years])[
        :, :, None
    ]
    spread = np.array(model.international_spread, copy=True)
    for g in roles:
        if spread[g].sum() == 0:  # a role never recruited abroad: recruits go where its staff are
            stock = model.headcount[g].sum(axis=2)  # [l, c]
            spread[g] = stock / max(float(stock.sum()), 1e-12)
    return dataclasses.replace(
        model,
        commissioned_places=places,
        international_recruits=recruits,
        retention=retention,
        international_spread=spread,
    )

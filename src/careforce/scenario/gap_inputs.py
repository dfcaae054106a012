"""The allocation's inputs from a scenario's framework, required hours and projected staff.

Who may do a task comes from the framework: its own holders by competence, and the roles it may be
delegated to (when a registrant who may delegate it supervises). The staff available are the
projected FTE of each role and area, times the share of the role's FTE that worked, on the census
date, in the settings the service specification models: a hospital nurse's hours are not
available to district nursing, so a specification of community and social care services is met
only from the staff of those settings. That share is held at its census value over the horizon
(an assumption, stated in the output).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from careforce.allocation.problem import AllocationProblem
from careforce.costing.pay import RolePay
from careforce.domain import UserError
from careforce.domain.framework import Framework, SupervisionStandard

# Share of an FTE's available hours that go to work other than the tasks of the specification
# (team meetings, supervision received, records not counted in minutes per contact, training
# received). An assumption: WISN practice allows 15-25% for support activities (METHODS 2).
NON_TASK_SHARE = 0.2
NON_TASK_SHARE_BASIS = "assumption: 20% of available hours to work beyond the specified tasks"
# Cost of an hour of need left unmet: far above any wage (the dearest role costs under GBP 100 an
# hour), so the allocation meets every hour it can before it weighs cost; statutory tasks (those
# with a legal basis) ten times higher, so they are met first when staff are short.
# Training, sign-off and review of delegated workers cost registrants time per worker and task
# (the framework's supervision standard); the allocation counts delegated hours, so that time is
# spread over the hours one worker does of the task: assumptions, stated in the output.
DELEGATED_HOURS_PER_WORKER = 260.0  # about five hours a week of one delegated task
SIGN_OFF_YEARS = 3.0  # a worker's training and sign-off for a task serves about three years
SUPERVISION_BASIS = (
    "assumption: delegation's training and sign-off (spread over 3 years) and yearly review "
    "per worker and task, spread over 260 delegated hours a worker does a year"
)
TRAINED_BASIS = (
    "delegated work is limited to the workers trained for each task on the census date (valid "
    "training records) at 260 hours each a year, held over the horizon"
)
UNMET_PENALTY_GBP = 1_000.0
STATUTORY_PENALTY_GBP = 10_000.0


@dataclass(frozen=True)
class GapSettings:
    """The allocation's conventions for one scenario; every default an assumption, stated."""

    hours_per_fte: float  # available hours of one FTE a year (the specification's standard)
    non_task_share: float = NON_TASK_SHARE
    unmet_penalty: float = UNMET_PENALTY_GBP
    statutory_penalty: float = STATUTORY_PENALTY_GBP
    network_tasks: tuple[str, ...] = ()
    travel_overhead: float = 0.0


def deployment_share(
    posts: pl.DataFrame,
    census_date: dt.date,
    roles: Sequence[str],
    areas: Sequence[str],
    settings: Iterable[str],
) -> np.ndarray:
    """`[g, l]`: the share of each role's FTE in each area that worked in the given settings on
    the census date (0 where the role had nobody there)."""
    on = pl.lit(census_date)
    wanted = sorted(set(settings))
    current = posts.filter(
        (pl.col("start_date") <= on) & (pl.col("end_date").is_null() | (pl.col("end_date") >= on))
    )
    totals = current.group_by("role_id", "locality_code").agg(
        pl.col("fte").cast(pl.Float64).sum().alias("all"),
        pl.col("fte").cast(pl.Float64).filter(pl.col("setting").is_in(wanted)).sum().alias("in"),
    )
    share = np.zeros((len(roles), len(areas)))
    role_at = {r: i for i, r in enumerate(roles)}
    area_at = {a: i for i, a in enumerate(areas)}
    for role, area, every, within in totals.iter_rows():
        g, lo = role_at.get(role), area_at.get(area)
        if g is not None and lo is not None and every > 0:
            share[g, lo] = within / every
    return share


def supervision_per_delegated_hour(standard: SupervisionStandard) -> float:
    """Registrant hours per delegated hour: oversight, plus each worker's training, sign-off and
    review spread over the hours the worker does of the task."""
    per_worker = (
        standard.training_hours_per_worker_per_task / SIGN_OFF_YEARS
        + standard.review_hours_per_worker_per_task_per_year
    )
    return standard.registrant_hours_per_delegated_hour + per_worker / DELEGATED_HOURS_PER_WORKER


def competence(
    framework: Framework, tasks: Sequence[str], roles: Sequence[str]
) -> dict[str, np.ndarray]:
    """The framework's rules as the allocation's arrays: `own`, `delegable` and `supervisors`
    `[t, g]`, `supervision_ratio` and `max_delegated_share` `[t]`, `statutory` `[t]`."""
    role_at = {r: i for i, r in enumerate(roles)}
    shape = (len(tasks), len(roles))
    own, delegable, supervisors = (np.zeros(shape, dtype=bool) for _ in range(3))
    ratio = np.zeros(len(tasks))
    share = np.ones(len(tasks))
    statutory = np.zeros(len(tasks), dtype=bool)
    for t, task_id in enumerate(tasks):
        holders = framework.who_may_do(task_id)
        task = holders.task
        for r in holders.own_competence:
            if r in role_at:
                own[t, role_at[r]] = True
        if task.delegable and holders.supervision is not None:
            for r in holders.by_delegation:
                if r in role_at and not own[t, role_at[r]]:
                    delegable[t, role_at[r]] = True
            for r in holders.delegating_roles:
                if r in role_at:
                    supervisors[t, role_at[r]] = True
            if not supervisors[t].any():
                delegable[t] = False  # nobody in the projection may delegate it
            ratio[t] = supervision_per_delegated_hour(holders.supervision)
            share[t] = task.max_delegated_share
        statutory[t] = task.legal_basis is not None
    return {
        "own": own,
        "delegable": delegable,
        "supervisors": supervisors,
        "supervision_ratio": ratio,
        "max_delegated_share": share,
        "statutory": statutory,
    }


def allocation_problem(
    framework: Framework,
    *,
    tasks: Sequence[str],
    roles: Sequence[str],
    areas: Sequence[str],
    years: Sequence[int],
    hours: np.ndarray,
    fte: np.ndarray,
    available_share: np.ndarray,
    pay: dict[str, RolePay],
    settings: GapSettings,
    delegation_hours: np.ndarray | None = None,
) -> AllocationProblem:
    """The allocation over `hours[r, l, y, t]` and projected `fte[r, l, y, g]` (before the share
    available to the specified services, `available_share[g, l]`), with delegated work limited to
    `delegation_hours[l, y, t]` when given."""
    unknown = [t for t in settings.network_tasks if t not in tasks]
    if unknown:
        raise UserError(f"network tasks not in the specification's tasks: {', '.join(unknown)}")
    rules = competence(framework, tasks, roles)
    penalty = np.where(rules["statutory"], settings.statutory_penalty, settings.unmet_penalty)
    task_hours = settings.hours_per_fte * (1.0 - settings.non_task_share)
    return AllocationProblem(
        tasks=tuple(tasks),
        groups=tuple(roles),
        areas=tuple(areas),
        years=tuple(int(y) for y in years),
        hours=np.asarray(hours, dtype=np.float64),
        fte=np.asarray(fte, dtype=np.float64) * available_share.T[None, :, None, :],
        task_hours_per_fte=np.full(len(roles), task_hours),
        own=rules["own"],
        delegable=rules["delegable"],
        supervisors=rules["supervisors"],
        supervision_ratio=rules["supervision_ratio"],
        max_delegated_share=rules["max_delegated_share"],
        cost_per_hour=np.array([pay[r].hourly_cost_gbp for r in roles]),
        penalty=penalty,
        network=np.array([t in settings.network_tasks for t in tasks], dtype=bool),
        travel_overhead=settings.travel_overhead,
        delegation_hours=delegation_hours,
    )


def trained_delegation_hours(
    posts: pl.DataFrame,
    records: pl.DataFrame,
    census_date: dt.date,
    tasks: Sequence[str],
    roles: Sequence[str],
    areas: Sequence[str],
    delegable: np.ndarray,
) -> np.ndarray:
    """`[l, t]`: delegated hours a year that the workers trained for each delegable task can do,
    by area: people in post on the census date in a role the task may be delegated to, holding a
    valid training record for it, times `DELEGATED_HOURS_PER_WORKER`. A person with posts in two
    areas counts in each."""
    on = pl.lit(census_date)
    current = posts.filter(
        (pl.col("start_date") <= on) & (pl.col("end_date").is_null() | (pl.col("end_date") >= on))
    ).select("person_key", "role_id", "locality_code")
    valid = records.filter(
        (pl.col("achieved_on") <= on)
        & (pl.col("expires_on").is_null() | (pl.col("expires_on") >= on))
        & pl.col("competency").is_in(list(tasks))
    ).select("person_key", "competency")
    pairs = pl.DataFrame(
        [(tasks[t], roles[g]) for t, g in zip(*np.nonzero(delegable), strict=True)],
        schema={"competency": pl.String, "role_id": pl.String},
        orient="row",
    )
    trained = (
        current.join(valid, on="person_key")
        .join(pairs, on=["competency", "role_id"])
        .unique(["person_key", "competency", "locality_code"])
        .group_by("locality_code", "competency")
        .len()
    )
    out = np.zeros((len(areas), len(tasks)))
    area_at = {a: i for i, a in enumerate(areas)}
    task_at = {t: i for i, t in enumerate(tasks)}
    for area, task, count in trained.iter_rows():
        if area in area_at:
            out[area_at[area], task_at[task]] = count * DELEGATED_HOURS_PER_WORKER
    return out

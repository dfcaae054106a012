"""The allocation's inputs from a scenario's framework, required hours and projected staff.

Who may do a task comes from the framework: its own holders by competence, and the roles it may be
delegated to (when a registrant who may delegate it supervises). The staff available are the
projected FTE of each role and area, times the share of the role's FTE that worked, on the census
date, in the settings the service specification models: a hospital nurse's hours are not
available to district nursing, so a specification of community and social care services is met
only from the staff of those settings. That share is held at its census value over the horizon
(an assumption, stated in the output); a role with no staff on the census date (a scenario's new
role) takes the share of the role it is like.

A scenario's delegation levers (`[[delegation]]`, `delegation_levers`) change, from a year on,
which delegable tasks may be delegated, the cap on their delegated share and the workers trained
to do them: trained workers add up, caps take the smallest, and a stop wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from careforce.allocation.problem import AllocationProblem
from careforce.costing.pay import RolePay
from careforce.domain import Problem, UserError, ValidationFailed
from careforce.domain.framework import Framework, SupervisionStandard
from careforce.scenario.schema import DelegationChange

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
    like: Mapping[str, str] | None = None,
) -> np.ndarray:
    """`[g, l]`: the share of each role's FTE in each area that worked in the given settings on
    the census date (0 where the role had nobody there). A role in `like` with nobody on the
    census date takes the share of the role it names there, or over every area where that role
    had nobody in the area."""
    like = like or {}
    every = list(dict.fromkeys([*roles, *(like[r] for r in roles if r in like)]))
    found, staffed, regional = _settings_share(posts, census_date, every, areas, settings)
    share = found[: len(roles)].copy()
    for g, role in enumerate(roles):
        if role in like and not staffed[g].any():
            k = every.index(like[role])
            share[g] = np.where(staffed[k], found[k], regional[k])
    return share


def _settings_share(
    posts: pl.DataFrame,
    census_date: dt.date,
    roles: Sequence[str],
    areas: Sequence[str],
    settings: Iterable[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The share `[g, l]`, whether the role had staff there `[g, l]`, and its share over every
    area `[g]`."""
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
    staffed = np.zeros(share.shape, dtype=bool)
    every_area = np.zeros((len(roles), 2))
    role_at = {r: i for i, r in enumerate(roles)}
    area_at = {a: i for i, a in enumerate(areas)}
    for role, area, every, within in totals.iter_rows():
        g, lo = role_at.get(role), area_at.get(area)
        if g is not None and lo is not None and every > 0:
            share[g, lo] = within / every
            staffed[g, lo] = True
            every_area[g] += (within, every)
    regional = np.divide(
        every_area[:, 0],
        every_area[:, 1],
        out=np.zeros(len(roles)),
        where=every_area[:, 1] > 0,
    )
    return share, staffed, regional


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
    delegation: Sequence[DelegationChange] = (),
    source: str = "scenario",
) -> AllocationProblem:
    """The allocation over `hours[r, l, y, t]` and projected `fte[r, l, y, g]` (before the share
    available to the specified services, `available_share[g, l]`), with delegated work limited to
    `delegation_hours[l, y, t]` when given, and the scenario's `delegation` levers applied (see
    `delegation_levers`; `source` names the scenario in problems)."""
    unknown = [t for t in settings.network_tasks if t not in tasks]
    if unknown:
        raise UserError(f"network tasks not in the specification's tasks: {', '.join(unknown)}")
    rules = competence(framework, tasks, roles)
    delegation_hours, by_year = delegation_levers(
        framework, delegation, tasks=tasks, years=years, trained=delegation_hours, source=source
    )
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
        max_delegated_share_by_year=by_year,
    )


def _lever_tasks(
    framework: Framework,
    changes: Sequence[DelegationChange],
    tasks: Sequence[str],
    source: str,
) -> list[np.ndarray]:
    """Each lever's tasks as a mask over `tasks` (every delegable one where it names none)."""
    problems: list[Problem] = []
    masks = []
    delegable = np.array([framework.task(t).delegable for t in tasks], dtype=bool)
    for i, change in enumerate(changes):
        for task_id in change.tasks:
            task = framework.tasks.get(task_id)
            reason = (
                "not a task of the framework"
                if task is None
                else None
                if task.delegable
                else f"not a delegable task ({task.status.value})"
            )
            if reason is not None:
                problems.append(Problem(source, None, f"delegation[{i}].tasks", task_id, reason))
        named = np.array([not change.tasks or t in change.tasks for t in tasks], dtype=bool)
        masks.append(delegable & named)
    if problems:
        raise ValidationFailed(
            problems,
            summary=f"{source}: {len(problems)} problem(s) with the delegation levers; nothing "
            "was run",
        )
    return masks


def delegation_levers(
    framework: Framework,
    changes: Sequence[DelegationChange],
    *,
    tasks: Sequence[str],
    years: Sequence[int],
    trained: np.ndarray | None,
    source: str = "scenario",
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The delegated hours trained workers may do `[l, y, t]` and the cap on each task's
    delegated share by year `[y, t]` (None: no lever caps a year) under the scenario's delegation
    levers, from `trained[l, y, t]` without them (None: delegation not limited by training).

    From a lever's `from_year` (default: the first year) on, for its tasks: `trained_per_year`
    more workers each year, cumulative, spread over the areas as today's trained workers (evenly
    where there are none), each adding `DELEGATED_HOURS_PER_WORKER` hours; `max_share` caps the
    delegated share; `allowed = false` stops delegating (no trained hours, a cap of 0)."""
    masks = _lever_tasks(framework, changes, tasks, source)
    year_values = np.asarray(years, dtype=np.int64)
    hours = None if trained is None else np.array(trained, dtype=np.float64, copy=True)
    cap = np.ones((len(years), len(tasks)))
    stopped = np.zeros(cap.shape, dtype=bool)
    for change, mask in zip(changes, masks, strict=True):
        start = years[0] if change.from_year is None else change.from_year
        on = year_values >= start  # [y]
        cells = on[:, None] & mask[None, :]  # [y, t]
        if change.max_share is not None:
            cap[cells] = np.minimum(cap[cells], change.max_share)
        if not change.allowed:
            stopped |= cells
        if hours is not None and trained is not None and change.trained_per_year > 0:
            today = np.asarray(trained)[:, 0]  # [l, t] the workers trained on the census date
            total = today.sum(axis=0)
            spread = np.divide(
                today, total, out=np.full(today.shape, 1.0 / today.shape[0]), where=total > 0
            )
            workers = change.trained_per_year * np.clip(year_values - start + 1, 0, None)
            added = spread[:, None, :] * workers[None, :, None] * DELEGATED_HOURS_PER_WORKER
            hours += added * mask[None, None, :]
    if hours is not None:
        hours[:, stopped] = 0.0
    cap[stopped] = 0.0
    return hours, (cap if (cap < 1.0).any() else None)


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

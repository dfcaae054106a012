"""A scenario's new roles (`[[new_roles]]`) added to the framework, the staff groups and the pay.

A new role is a copy of its `like_role` (staff group, sector, registration, pay, supervision)
with its own id, title, Career Framework level and competencies: it holds `tasks` by its own
competence and may take `delegated_tasks` when a registrant delegates them; a routine or trained
role task named there needs no delegation (a worker trained for it does it on their own record,
framework rule 2), so the role holds it as its own. Every service that
reads a framework for a scenario reads it through `framework_with_new_roles`, so programmes and
international recruitment may name the role, the projection carries it and the gap lets it work.

A bad id is a problem at its place in the scenario (`new_roles[0].tasks`), with the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from careforce.costing.pay import RolePay, pay_of_roles
from careforce.domain import Problem, ValidationFailed
from careforce.domain.framework import DelegationStatus, Framework, Task
from careforce.scenario.schema import NewRole


def _failed(source: str, problems: list[Problem]) -> ValidationFailed:
    return ValidationFailed(
        problems,
        summary=f"{source}: {len(problems)} problem(s) with the new roles; nothing was run",
    )


def _task_problems(
    framework: Framework, role: NewRole, at: str, source: str, registrant: bool, approved: bool
) -> list[Problem]:
    found: list[Problem] = []

    def problem(field: str, value: str, reason: str) -> None:
        found.append(Problem(source, None, f"{at}.{field}", value, reason))

    for field, task_id in _own_tasks(framework, role):
        task = framework.tasks.get(task_id)
        if task is None:
            problem(field, task_id, "not a task of the framework")
            continue
        if task.status is DelegationStatus.REGISTRANT_ONLY and not registrant:
            problem(field, task_id, f"registrant only, and {role.like_role!r} is no registrant")
        if task.status is DelegationStatus.APPROVED_ROLE_ONLY and not approved:
            problem(field, task_id, f"needs a statutory approval {role.like_role!r} lacks")
        if task.min_cf_level > role.career_framework_level:
            problem(
                field,
                task_id,
                f"needs Career Framework level {task.min_cf_level}; the role is level "
                f"{role.career_framework_level}",
            )
    for task_id in _delegated_tasks(framework, role):
        if task_id in role.tasks:
            problem("delegated_tasks", task_id, "also in `tasks`: keep one")
    return found


_HELD_WHEN_TRAINED = (DelegationStatus.ROUTINE, DelegationStatus.TRAINED_ROLE_TASK)


def _own_tasks(framework: Framework, role: NewRole) -> list[tuple[str, str]]:
    """(field, task id) of the tasks the role holds in its own right: `tasks`, and the routine
    and trained role tasks of `delegated_tasks` (and any id the framework does not know, so that
    it is reported)."""
    named = [("tasks", t) for t in role.tasks]
    for task_id in role.delegated_tasks:
        task = framework.tasks.get(task_id)
        if task_id not in role.tasks and (task is None or not task.delegable):
            named.append(("delegated_tasks", task_id))
    return named


def _delegated_tasks(framework: Framework, role: NewRole) -> list[str]:
    """The delegable tasks of `delegated_tasks`."""
    return [
        t for t in role.delegated_tasks if t in framework.tasks and framework.tasks[t].delegable
    ]


def framework_with_new_roles(
    framework: Framework, new_roles: Sequence[NewRole], *, source: str = "scenario"
) -> Framework:
    """`framework` with the scenario's new roles added (the same framework when there are none).

    Raises ValidationFailed naming each bad entry (`new_roles[i].like_role`, `.tasks`, ...) in
    `source`, the scenario file."""
    if not new_roles:
        return framework
    problems: list[Problem] = []
    for i, role in enumerate(new_roles):
        at = f"new_roles[{i}]"
        if role.id in framework.roles:
            problems.append(Problem(source, None, f"{at}.id", role.id, "already a framework role"))
        like = framework.roles.get(role.like_role)
        if like is None:
            problems.append(
                Problem(source, None, f"{at}.like_role", role.like_role, "not a framework role")
            )
        # with no like_role to go by, only the task ids are checked
        approved = like is None or like.registered or bool(like.approvals)
        registrant = like is None or framework.is_registrant(like.id)
        problems += _task_problems(framework, role, at, source, registrant, approved)
        for task_id in role.delegated_tasks:
            task = framework.tasks.get(task_id)
            if task is not None and not task.delegable and task.status not in _HELD_WHEN_TRAINED:
                problems.append(
                    Problem(
                        source,
                        None,
                        f"{at}.delegated_tasks",
                        task_id,
                        f"{task.status.value}: it cannot be delegated",
                    )
                )
    if problems:
        raise _failed(source, problems)

    roles = dict(framework.roles)
    details = dict(framework.role_details)
    holders: dict[str, list[str]] = {}
    receivers: dict[str, list[str]] = {}
    for role in new_roles:
        like = framework.roles[role.like_role]
        own = tuple(dict.fromkeys(t for _, t in _own_tasks(framework, role)))
        delegated = _delegated_tasks(framework, role)
        roles[role.id] = replace(
            like,
            id=role.id,
            title=role.title,
            career_framework_level=role.career_framework_level,
            default_competencies=own,
            can_receive_delegation=like.can_receive_delegation or bool(delegated),
            basis=role.basis or role.source or like.basis,
        )
        if role.like_role in details:
            details[role.id] = replace(
                details[role.like_role], role_id=role.id, trained_above_level=frozenset()
            )
        for task_id in own:
            holders.setdefault(task_id, []).append(role.id)
        for task_id in delegated:
            receivers.setdefault(task_id, []).append(role.id)

    def widened(task: Task) -> Task:
        return replace(
            task,
            default_holders=task.default_holders + tuple(holders.get(task.id, ())),
            delegable_to=task.delegable_to + tuple(receivers.get(task.id, ())),
        )

    return replace(
        framework,
        roles=roles,
        tasks={t.id: widened(t) for t in framework.tasks.values()},
        role_details=details,
    )


def groups_with_new_roles(
    groups: Mapping[str, str], new_roles: Sequence[NewRole], *, source: str = "scenario"
) -> dict[str, str]:
    """Each role's staff group, the new roles' that of their `like_role`."""
    problems = [
        Problem(source, None, f"new_roles[{i}].like_role", r.like_role, "not a framework role")
        for i, r in enumerate(new_roles)
        if r.like_role not in groups
    ]
    problems += [
        Problem(source, None, f"new_roles[{i}].id", r.id, "already a framework role")
        for i, r in enumerate(new_roles)
        if r.id in groups
    ]
    if problems:
        raise _failed(source, problems)
    return {**groups, **{r.id: groups[r.like_role] for r in new_roles}}


def pay_with_new_roles(
    framework: Framework, role_ids: Sequence[str], new_roles: Sequence[NewRole]
) -> dict[str, RolePay]:
    """Pay of `role_ids` in a framework with the new roles: a new role's `annual_pay` where
    given, else its `like_role`'s pay; on-costs as its `like_role`'s."""
    return pay_of_roles(
        framework,
        role_ids,
        pay_like={r.id: r.like_role for r in new_roles},
        annual_pay={r.id: r.annual_pay for r in new_roles if r.annual_pay is not None},
    )


__all__ = ["framework_with_new_roles", "groups_with_new_roles", "pay_with_new_roles"]

"""The rules that the entries of a competency framework keep together (standard library only).

`find_inconsistencies` is the one implementation of the framework's consistency rules: `Framework`
refuses to exist when it finds anything, and the framework file loader reports each finding at its
place in the user's file. A finding names the places where it can be fixed, best first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from careforce.domain.framework import (
    DelegationCondition,
    DelegationPolicy,
    DelegationStatus,
    Domain,
    ProgressionRoute,
    RoleDetails,
    SupervisionStandard,
    Task,
    is_registrant,
)
from careforce.domain.workforce import Role, StaffGroup


@dataclass(frozen=True, slots=True)
class Place:
    """Where a finding is: an entry (`kind` role, task, route, policy, supervision), a field in it
    ("" for the entry as a whole), an item of that field."""

    kind: str
    id: str
    field: str
    item: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One inconsistency between the entries of a framework; `places` are where it can be fixed."""

    reason: str
    places: tuple[Place, ...]


@dataclass(frozen=True)
class Parts:
    """The entries of a framework, before (or inside) a `Framework`."""

    roles: Mapping[str, Role]
    tasks: Mapping[str, Task]
    domains: Mapping[str, Domain]
    conditions: Mapping[str, DelegationCondition]
    role_details: Mapping[str, RoleDetails] = field(default_factory=dict)
    policies: tuple[DelegationPolicy, ...] = ()
    supervision_by_task: Mapping[str, SupervisionStandard] = field(default_factory=dict)
    progression_routes: tuple[ProgressionRoute, ...] = ()

    def is_registrant(self, role_id: str) -> bool:
        return is_registrant(self.roles[role_id], self.role_details.get(role_id))


def find_inconsistencies(fw: Parts) -> list[Finding]:
    """Every rule the entries of a framework must keep together; empty when it is consistent."""
    return [
        *_task_findings(fw),
        *_role_findings(fw),
        *_policy_findings(fw),
        *_route_findings(fw.progression_routes, fw.roles),
    ]


def _task_findings(fw: Parts) -> Iterator[Finding]:
    roles = fw.roles
    for t in fw.tasks.values():

        def at(field_: str, item: str | None = None, t: Task = t) -> Place:
            return Place("task", t.id, field_, item)

        if t.domain not in fw.domains:
            yield Finding(f"task {t.id!r}: unknown domain {t.domain!r}", (at("domain", t.domain),))
        for list_name in ("default_holders", "delegated_by", "delegable_to"):
            for r in getattr(t, list_name):
                if r not in roles:
                    yield Finding(f"task {t.id!r}: unknown role {r!r}", (at(list_name, r),))
        for c in t.conditions:
            if c not in fw.conditions:
                yield Finding(f"task {t.id!r}: unknown condition {c!r}", (at("conditions", c),))
        if not t.delegable:
            if t.delegated_by or t.delegable_to or t.conditions:
                yield Finding(
                    f"task {t.id!r} is {t.status.value}: only a delegable_conditional task names "
                    "delegated_by, delegable_to or conditions",
                    (at("status"),),
                )
        else:
            for list_name, what in (
                ("delegated_by", "delegating registrant role"),
                ("delegable_to", "role it may be delegated to"),
                ("conditions", "condition of delegation"),
            ):
                if not getattr(t, list_name):
                    yield Finding(
                        f"delegable task {t.id!r} has no {what} ({list_name})", (at(list_name),)
                    )
        for r in (r for r in t.delegated_by if r in roles):
            if not fw.is_registrant(r):
                yield Finding(
                    f"task {t.id!r}: {r!r} is not a registrant role, so it cannot delegate",
                    (at("delegated_by", r),),
                )
            elif r not in t.default_holders:
                yield Finding(
                    f"task {t.id!r}: {r!r} delegates it but does not hold it (a registrant "
                    "delegates only what they do themselves)",
                    (at("delegated_by", r), at("default_holders")),
                )
        for r in (r for r in t.delegable_to if r in roles):
            if not roles[r].can_receive_delegation:
                yield Finding(
                    f"task {t.id!r}: role {r!r} cannot receive delegation",
                    (at("delegable_to", r), Place("role", r, "can_receive_delegation")),
                )
            if r in t.default_holders:
                yield Finding(
                    f"task {t.id!r}: role {r!r} holds it by own competence and by delegation; "
                    "keep one",
                    (at("delegable_to", r), Place("role", r, "may_receive_by_delegation", t.id)),
                )
        for r in (r for r in t.default_holders if r in roles):
            role = roles[r]
            if t.status is DelegationStatus.REGISTRANT_ONLY and not fw.is_registrant(r):
                yield Finding(
                    f"task {t.id!r} is registrant_only but {r!r} is not a registrant role",
                    _pair(r, t.id),
                )
            if t.status is DelegationStatus.APPROVED_ROLE_ONLY and not (
                role.registered or role.approvals
            ):
                yield Finding(
                    f"task {t.id!r} needs a statutory approval but {r!r} is neither registered "
                    "nor approved",
                    _pair(r, t.id),
                )


def _pair(role_id: str, task_id: str) -> tuple[Place, ...]:
    return (
        Place("role", role_id, "default_competencies", task_id),
        Place("task", task_id, "default_holders", role_id),
    )


def _role_findings(fw: Parts) -> Iterator[Finding]:
    holders: dict[str, set[str]] = {r: set() for r in fw.roles}
    for task in fw.tasks.values():
        for r in task.default_holders:
            holders.setdefault(r, set()).add(task.id)
    for role in fw.roles.values():
        details = fw.role_details.get(role.id)
        trained = details.trained_above_level if details else frozenset()
        for tid in (t for t in role.default_competencies if t not in fw.tasks):
            yield Finding(f"role {role.id!r}: unknown task {tid!r}", _pair(role.id, tid)[:1])
        for tid in sorted(set(role.default_competencies) ^ holders[role.id]):
            if tid in fw.tasks:
                yield Finding(
                    f"role {role.id!r} and task {tid!r} disagree on whether the role holds it",
                    _pair(role.id, tid),
                )
        for tid in sorted(trained - fw.tasks.keys()):
            yield Finding(
                f"role {role.id!r}: unknown task {tid!r}",
                (Place("role", role.id, "holds_tasks_above_role_level", tid),),
            )
        level = role.career_framework_level
        if level is None:
            if role.staff_group is not StaffGroup.UNPAID_CARERS:
                yield Finding(
                    f"role {role.id!r} needs a Career Framework level 1-9 (only unpaid carers "
                    "have none)",
                    (Place("role", role.id, "cf_level"),),
                )
            elif holders[role.id]:
                yield Finding(
                    f"role {role.id!r} has no Career Framework level, so it can hold tasks only "
                    "by delegation",
                    (Place("role", role.id, "cf_level"),),
                )
            continue
        for tid in sorted(holders[role.id] - trained):
            found = fw.tasks.get(tid)
            if found is not None and found.min_cf_level > level:
                yield Finding(
                    f"role {role.id!r} (level {level}) holds task {tid!r} (level "
                    f"{found.min_cf_level}) with no training route: list it under "
                    "holds_tasks_above_role_level, or take it away",
                    _pair(role.id, tid),
                )
    for r in fw.role_details:
        if r not in fw.roles:
            yield Finding(f"details given for unknown role {r!r}", (Place("role", r, "id"),))


def _policy_findings(fw: Parts) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, p in enumerate(fw.policies):
        here = str(i)
        task = fw.tasks.get(p.task_id)
        if task is None:
            yield Finding(f"policy on unknown task {p.task_id!r}", (Place("policy", here, "task"),))
            continue
        if p.task_id in seen:
            yield Finding(
                f"a second policy on task {p.task_id!r}: merge them",
                (Place("policy", here, "task"),),
            )
        seen.add(p.task_id)
        if not task.delegable:
            yield Finding(
                f"task {p.task_id!r} is {task.status.value}: a local policy applies only to a "
                "delegable_conditional task",
                (Place("policy", here, "task"),),
            )
        for list_name in ("allow", "forbid"):
            for r in getattr(p, list_name):
                if r not in fw.roles:
                    yield Finding(
                        f"policy on {p.task_id!r}: unknown role {r!r}",
                        (Place("policy", here, list_name, r),),
                    )
                elif list_name == "allow" and not fw.roles[r].can_receive_delegation:
                    yield Finding(
                        f"policy on {p.task_id!r}: role {r!r} cannot receive delegation",
                        (Place("policy", here, list_name, r),),
                    )
                elif list_name == "allow" and r in task.default_holders:
                    yield Finding(
                        f"policy on {p.task_id!r}: role {r!r} already holds the task",
                        (Place("policy", here, list_name, r),),
                    )
        if p.max_delegated_share is not None and not 0 <= p.max_delegated_share <= 1:
            yield Finding(
                f"policy on {p.task_id!r}: max_delegated_share must be 0-1",
                (Place("policy", here, "max_delegated_share"),),
            )
    for t in fw.supervision_by_task:
        if t not in fw.tasks or not fw.tasks[t].delegable:
            yield Finding(
                f"supervision given for {t!r}, which is not a delegable task",
                (Place("supervision", t, "by_task"),),
            )


def _route_findings(
    routes: tuple[ProgressionRoute, ...], roles: Mapping[str, Role]
) -> Iterator[Finding]:
    edges: dict[str, list[tuple[str, int]]] = {}
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(routes):
        bad = False
        for name in ("from_role", "to_role"):
            if getattr(r, name) not in roles:
                bad = True
                yield Finding(
                    f"route: unknown role {getattr(r, name)!r}",
                    (Place("route", str(i), name, getattr(r, name)),),
                )
        if r.from_role == r.to_role:
            yield Finding(
                f"route from {r.from_role!r} to itself", (Place("route", str(i), "to_role"),)
            )
        elif (r.from_role, r.to_role) in seen:
            yield Finding(
                f"route {r.from_role} -> {r.to_role} is given twice",
                (Place("route", str(i), "to_role"),),
            )
        elif not bad:
            edges.setdefault(r.from_role, []).append((r.to_role, i))
        seen.add((r.from_role, r.to_role))
    yield from _cycles(edges)


def _cycles(edges: dict[str, list[tuple[str, int]]]) -> Iterator[Finding]:
    """One finding per cycle found by depth-first search; its places are the cycle's routes, the
    one that closes it first."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []
    taken: list[int] = []  # the route taken to each node on the path after the first

    def visit(node: str) -> Iterator[Finding]:
        state[node] = 1
        path.append(node)
        for nxt, i in edges.get(node, []):
            if state.get(nxt) == 1:
                start = path.index(nxt)
                cycle = [*path[start:], nxt]
                routes = [i, *reversed(taken[start:])]
                yield Finding(
                    f"progression routes form a cycle: {' -> '.join(cycle)}",
                    tuple(Place("route", str(r), "") for r in routes),
                )
            elif nxt not in state:
                taken.append(i)
                yield from visit(nxt)
                taken.pop()
        path.pop()
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            yield from visit(start)

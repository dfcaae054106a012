"""Spec: the rules a framework keeps between its entries. Each case changes one thing in the tiny
framework of `test_delegation` and names the rule it breaks; `Framework` refuses to exist then,
and `find_inconsistencies` names the place to fix it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from test_delegation import ROLES, TASKS, tiny_framework

from careforce.domain import Role, StaffGroup, UserError
from careforce.domain.framework import (
    DelegationPolicy,
    DelegationStatus,
    Framework,
    ProgressionRoute,
    RoleDetails,
    RoleSector,
)
from careforce.domain.framework_rules import Parts, Place, find_inconsistencies


def parts(fw: Framework, **changes: Any) -> Parts:
    base = Parts(
        roles=dict(fw.roles),
        tasks=dict(fw.tasks),
        domains=dict(fw.domains),
        conditions=dict(fw.conditions),
        role_details=dict(fw.role_details),
        policies=fw.policies,
        progression_routes=fw.progression_routes,
    )
    return dataclasses.replace(base, **changes)


def task(task_id: str, **changes: Any) -> dict[str, Any]:
    tasks = {t.id: t for t in TASKS}
    tasks[task_id] = dataclasses.replace(tasks[task_id], **changes)
    return {"tasks": tasks}


def role(role_id: str, **changes: Any) -> dict[str, Any]:
    fw = tiny_framework()
    roles = dict(fw.roles)
    roles[role_id] = dataclasses.replace(roles[role_id], **changes)
    return {"roles": roles}


def routes(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"progression_routes": tuple(ProgressionRoute(a, b, "training") for a, b in pairs)}


CASES: list[tuple[str, Callable[[], dict[str, Any]], str, Place]] = [
    (
        "a delegable task needs a delegating registrant role",
        lambda: task("INSULIN", delegated_by=()),
        "has no delegating registrant role",
        Place("task", "INSULIN", "delegated_by"),
    ),
    (
        "a delegable task needs roles it may be delegated to",
        lambda: task("INSULIN", delegable_to=()),
        "has no role it may be delegated to",
        Place("task", "INSULIN", "delegable_to"),
    ),
    (
        "only a registrant delegates",
        lambda: task("INSULIN", delegated_by=("care_worker",), default_holders=("nurse",)),
        "not a registrant role",
        Place("task", "INSULIN", "delegated_by", "care_worker"),
    ),
    (
        "a registrant delegates only what they hold",
        lambda: task("INSULIN", delegated_by=("nurse", "physio")),
        "does not hold it",
        Place("task", "INSULIN", "delegated_by", "physio"),
    ),
    (
        "delegable only to roles that can receive delegation",
        lambda: task("INSULIN", delegable_to=("care_worker", "porter")),
        "cannot receive delegation",
        Place("task", "INSULIN", "delegable_to", "porter"),
    ),
    (
        "a holder does not also receive it by delegation",
        lambda: {
            **task("INSULIN", default_holders=("nurse", "care_worker"), min_cf_level=2),
            **role("care_worker", default_competencies=("WASH", "HOIST", "INSULIN")),
        },
        "by own competence and by delegation",
        Place("task", "INSULIN", "delegable_to", "care_worker"),
    ),
    (
        "only a delegable task names delegation lists",
        lambda: task("WASH", delegated_by=("nurse",)),
        "only a delegable_conditional task",
        Place("task", "WASH", "status"),
    ),
    (
        "a registrant-only task is held by registrants only",
        lambda: {
            **task("CATHETER", default_holders=("nurse", "care_worker"), min_cf_level=2),
            **role("care_worker", default_competencies=("WASH", "HOIST", "CATHETER")),
        },
        "not a registrant role",
        Place("role", "care_worker", "default_competencies", "CATHETER"),
    ),
    (
        "a care worker on a workforce register is still not a registrant",
        lambda: {
            **task("CATHETER", default_holders=("nurse", "care_worker"), min_cf_level=2),
            **role(
                "care_worker", regulator="SCW", default_competencies=("WASH", "HOIST", "CATHETER")
            ),
            "role_details": {
                "care_worker": RoleDetails("care_worker", RoleSector.SOCIAL_CARE, registrant=False)
            },
        },
        "not a registrant role",
        Place("role", "care_worker", "default_competencies", "CATHETER"),
    ),
    (
        "an approved-role task needs registration or an approval",
        lambda: role("amhp", regulator=None, approvals=()),
        "neither registered nor approved",
        Place("role", "amhp", "default_competencies", "DETAIN"),
    ),
    (
        "a task above the role's level needs a training route",
        lambda: task("HOIST", min_cf_level=3),
        "with no training route",
        Place("role", "care_worker", "default_competencies", "HOIST"),
    ),
    (
        "role and task agree on who holds it",
        lambda: role("porter", default_competencies=("WASH",)),
        "disagree",
        Place("role", "porter", "default_competencies", "WASH"),
    ),
    (
        "only unpaid carers have no Career Framework level",
        lambda: role("porter", career_framework_level=None),
        "needs a Career Framework level",
        Place("role", "porter", "cf_level"),
    ),
    (
        "an unpaid carer holds tasks only by delegation",
        lambda: {
            **task("WASH", default_holders=("nurse", "care_worker", "carer")),
            **role("carer", default_competencies=("WASH",)),
        },
        "only by delegation",
        Place("role", "carer", "cf_level"),
    ),
    (
        "ids resolve",
        lambda: task("WASH", domain="PERSONAL"),
        "unknown domain",
        Place("task", "WASH", "domain", "PERSONAL"),
    ),
    (
        "a local policy applies to a delegable task",
        lambda: {"policies": (DelegationPolicy("WASH", forbid=("care_worker",)),)},
        "applies only to a delegable_conditional task",
        Place("policy", "0", "task"),
    ),
    (
        "a local policy allows only roles that can receive delegation",
        lambda: {"policies": (DelegationPolicy("INSULIN", allow=("porter",)),)},
        "cannot receive delegation",
        Place("policy", "0", "allow", "porter"),
    ),
    (
        "progression routes have no cycle",
        lambda: routes(("care_worker", "nurse"), ("nurse", "amhp"), ("amhp", "care_worker")),
        "cycle: amhp -> care_worker -> nurse -> amhp",
        Place("route", "1", ""),
    ),
    (
        "a route leads somewhere else",
        lambda: routes(("nurse", "nurse")),
        "to itself",
        Place("route", "0", "to_role"),
    ),
]


@pytest.mark.parametrize(
    ("change", "reason", "place"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_rule_is_kept(change: Callable[[], dict[str, Any]], reason: str, place: Place) -> None:
    fw = tiny_framework()
    assert find_inconsistencies(parts(fw)) == []
    found = find_inconsistencies(parts(fw, **change()))
    assert len(found) == 1, found
    assert reason in found[0].reason
    assert found[0].places[0] == place
    changed = parts(fw, **change())
    with pytest.raises(UserError, match="inconsistent"):
        Framework(
            "spec",
            changed.roles,
            changed.tasks,
            changed.domains,
            changed.conditions,
            fw.supervision,
            changed.progression_routes,
            changed.role_details,
            policies=changed.policies,
        )


def test_a_cycle_names_every_route_in_it() -> None:
    found = find_inconsistencies(
        parts(tiny_framework(), **routes(("care_worker", "nurse"), ("nurse", "care_worker")))
    )
    assert [p.id for p in found[0].places] == ["1", "0"]


def test_the_tiny_framework_roles_cover_every_staff_group_it_uses() -> None:
    groups = {group for _, group, *_ in ROLES.values()}
    assert StaffGroup.UNPAID_CARERS in groups
    assert isinstance(tiny_framework().roles["carer"], Role)
    assert tiny_framework().tasks["INSULIN"].status is DelegationStatus.DELEGABLE_CONDITIONAL

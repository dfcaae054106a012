"""Spec: who may do a task. A tiny framework, one person (a role, their records, the delegations in
force), one question on 1 June 2025, the expected answer: by own role, by a record, by delegation,
or not at all.

The framework: a nurse (registrant), a physiotherapist (registrant, not a holder of nursing tasks),
a care worker who may receive delegation, a porter who may not, an AMHP (approved role) and an
unpaid carer (no Career Framework level, may receive delegation).

| task      | status                | held by           | delegated by | delegable to        |
|-----------|-----------------------|-------------------|--------------|---------------------|
| WASH      | routine               | nurse, care worker|              |                     |
| HOIST     | trained_role_task     | care worker       |              |                     |
| INSULIN   | delegable_conditional | nurse             | nurse        | care worker, carer  |
| CATHETER  | registrant_only       | nurse             |              |                     |
| DETAIN    | approved_role_only    | amhp              |              |                     |
"""

from __future__ import annotations

import datetime as dt

import pytest

from careforce.domain import Role, StaffGroup, TrainingRecord, UserError
from careforce.domain.framework import (
    Delegation,
    DelegationCondition,
    DelegationPolicy,
    DelegationStatus,
    Domain,
    Framework,
    Grounds,
    RoleDetails,
    RoleSector,
    SupervisionStandard,
    Task,
)

ON = dt.date(2025, 6, 1)
KEY = "0" * 64
D = dt.date
S = DelegationStatus

TASKS = (
    Task("WASH", "Help with washing", "CARE", 2, ("nurse", "care_worker"), S.ROUTINE),
    Task("HOIST", "Hoist transfer", "CARE", 2, ("care_worker",), S.TRAINED_ROLE_TASK),
    Task(
        "INSULIN",
        "Give insulin by pen",
        "CARE",
        3,
        ("nurse",),
        S.DELEGABLE_CONDITIONAL,
        delegated_by=("nurse",),
        delegable_to=("care_worker", "carer"),
        conditions=("DC3", "DC5"),
    ),
    Task("CATHETER", "Insert a urinary catheter", "CARE", 5, ("nurse",), S.REGISTRANT_ONLY),
    Task("DETAIN", "Apply for detention", "CARE", 7, ("amhp",), S.APPROVED_ROLE_ONLY),
)
ROLES = {
    "nurse": ("Nurse", StaffGroup.REGISTERED_NURSING_MIDWIFERY, 5, "NMC", False, ()),
    "physio": (
        "Physiotherapist",
        StaffGroup.SCIENTIFIC_THERAPEUTIC_TECHNICAL,
        5,
        "HCPC",
        False,
        (),
    ),
    "care_worker": ("Care worker", StaffGroup.SOCIAL_CARE_DIRECT, 2, None, True, ()),
    "porter": ("Porter", StaffGroup.ADMIN_ESTATES, 2, None, False, ()),
    "amhp": ("AMHP", StaffGroup.SOCIAL_WORK, 7, "SCW", False, ("amhp",)),
    "carer": ("Unpaid carer", StaffGroup.UNPAID_CARERS, None, None, True, ()),
}
SUPERVISION = SupervisionStandard(0.1, 3.0, 1.0, "assumption")


def tiny_framework(policies: tuple[DelegationPolicy, ...] = ()) -> Framework:
    held = {r: tuple(t.id for t in TASKS if r in t.default_holders) for r in ROLES}
    roles = {
        r: Role(
            r,
            title,
            group,
            level,
            regulator=regulator,
            can_receive_delegation=receives,
            approvals=approvals,
            default_competencies=held[r],
        )
        for r, (title, group, level, regulator, receives, approvals) in ROLES.items()
    }
    return Framework(
        version="spec",
        roles=roles,
        tasks={t.id: t for t in TASKS},
        domains={"CARE": Domain("CARE", "Care")},
        conditions={
            "DC3": DelegationCondition("DC3", "Trained and signed off", ("S56",)),
            "DC5": DelegationCondition("DC5", "Reviewed every year", ("S56",)),
        },
        supervision=SUPERVISION,
        role_details={
            "carer": RoleDetails("carer", RoleSector.INFORMAL, registrant=False),
        },
        policies=policies,
    )


FW = tiny_framework()


def record(
    task: str, achieved: dt.date, expires: dt.date | None, signer: str | None
) -> TrainingRecord:
    return TrainingRecord(KEY, task, achieved, expires, signer)


VALID = record("INSULIN", D(2025, 1, 10), D(2026, 1, 10), "nurse")
EXPIRED = record("INSULIN", D(2024, 1, 10), D(2025, 1, 10), "nurse")
UNSIGNED = record("INSULIN", D(2025, 1, 10), D(2026, 1, 10), None)
NOT_YET = record("INSULIN", D(2025, 7, 1), D(2026, 7, 1), "nurse")
IN_FORCE = FW.delegations_from_records([VALID])[0]
LAPSED = Delegation("INSULIN", "nurse", D(2024, 1, 10), D(2025, 1, 10))
FROM_A_CARE_WORKER = Delegation("INSULIN", "care_worker", D(2025, 1, 10), D(2026, 1, 10))
OPEN_ENDED = Delegation("INSULIN", "nurse", D(2025, 1, 10))

CASES = [
    # (case, role, task, records, delegations, expected)
    ("routine: a holder, nothing else needed", "care_worker", "WASH", [], [], Grounds.ROLE),
    ("routine: not a holder, no record", "porter", "WASH", [], [], None),
    (
        "routine: not a holder, a valid record",
        "porter",
        "WASH",
        [record("WASH", D(2025, 1, 1), None, "nurse")],
        [],
        Grounds.RECORD,
    ),
    (
        "routine: an expired record does not count",
        "porter",
        "WASH",
        [record("WASH", D(2023, 1, 1), D(2024, 1, 1), "nurse")],
        [],
        None,
    ),
    (
        "routine: a record never signed off does not count",
        "porter",
        "WASH",
        [record("WASH", D(2025, 1, 1), None, None)],
        [],
        None,
    ),
    ("trained role task: a holder", "care_worker", "HOIST", [], [], Grounds.ROLE),
    (
        "trained role task: another role with a valid record",
        "porter",
        "HOIST",
        [record("HOIST", D(2025, 1, 1), D(2026, 1, 1), "care_worker")],
        [],
        Grounds.RECORD,
    ),
    (
        "trained role task: a record achieved after the day does not count yet",
        "porter",
        "HOIST",
        [record("HOIST", D(2025, 7, 1), None, "care_worker")],
        [],
        None,
    ),
    ("delegable: the registrant who holds it", "nurse", "INSULIN", [], [], Grounds.ROLE),
    (
        "delegable: record and delegation in force",
        "care_worker",
        "INSULIN",
        [VALID],
        [IN_FORCE],
        Grounds.DELEGATION,
    ),
    ("delegable: record, no delegation", "care_worker", "INSULIN", [VALID], [], None),
    ("delegable: delegation, no record", "care_worker", "INSULIN", [], [OPEN_ENDED], None),
    ("delegable: expired record", "care_worker", "INSULIN", [EXPIRED], [OPEN_ENDED], None),
    (
        "delegable: record without sign-off",
        "care_worker",
        "INSULIN",
        [UNSIGNED],
        [OPEN_ENDED],
        None,
    ),
    ("delegable: record not yet achieved", "care_worker", "INSULIN", [NOT_YET], [OPEN_ENDED], None),
    (
        "delegable: delegation past its review date",
        "care_worker",
        "INSULIN",
        [VALID],
        [LAPSED],
        None,
    ),
    (
        "delegable: delegation by a role that does not delegate it",
        "care_worker",
        "INSULIN",
        [VALID],
        [FROM_A_CARE_WORKER],
        None,
    ),
    (
        "delegable: a role that cannot receive it, even with record and delegation",
        "porter",
        "INSULIN",
        [VALID],
        [IN_FORCE],
        None,
    ),
    (
        "delegable: an unpaid carer it is delegable to",
        "carer",
        "INSULIN",
        [VALID],
        [IN_FORCE],
        Grounds.DELEGATION,
    ),
    (
        "delegable: another registrant extends scope with a valid record",
        "physio",
        "INSULIN",
        [VALID],
        [],
        Grounds.RECORD,
    ),
    ("registrant only: the registrant", "nurse", "CATHETER", [], [], Grounds.ROLE),
    (
        "registrant only: an unregistered worker with a record",
        "care_worker",
        "CATHETER",
        [record("CATHETER", D(2025, 1, 1), None, "nurse")],
        [],
        None,
    ),
    (
        "registrant only: another registrant with a record",
        "physio",
        "CATHETER",
        [record("CATHETER", D(2025, 1, 1), None, "nurse")],
        [],
        Grounds.RECORD,
    ),
    ("approved role only: the approved role", "amhp", "DETAIN", [], [], Grounds.ROLE),
    (
        "approved role only: a registrant with a record is not approved",
        "nurse",
        "DETAIN",
        [record("DETAIN", D(2025, 1, 1), None, "amhp")],
        [],
        None,
    ),
]


@pytest.mark.parametrize(
    ("role", "task", "records", "delegations", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_who_may_do_a_task_on_a_day(
    role: str,
    task: str,
    records: list[TrainingRecord],
    delegations: list[Delegation],
    expected: Grounds | None,
) -> None:
    assert FW.grounds(role, task, ON, records, delegations) is expected
    assert FW.can_do(role, task, ON, records, delegations) is (expected is not None)
    person = FW.tasks_of_person(role, ON, records, delegations)
    assert person.get(task) is expected


def test_a_record_signed_off_by_a_delegating_registrant_is_the_delegation() -> None:
    assert Delegation("INSULIN", "nurse", D(2025, 1, 10), D(2026, 1, 10)) == IN_FORCE
    signed_by_a_carer = record("INSULIN", D(2025, 1, 10), D(2026, 1, 10), "care_worker")
    assert FW.delegations_from_records([signed_by_a_carer, UNSIGNED]) == ()
    with_evidence = [VALID, *FW.delegations_from_records([VALID])]
    records = [r for r in with_evidence if isinstance(r, TrainingRecord)]
    delegations = [d for d in with_evidence if isinstance(d, Delegation)]
    assert FW.can_do("care_worker", "INSULIN", ON, records, delegations)
    assert not FW.can_do("care_worker", "INSULIN", D(2026, 2, 1), records, delegations)


def test_who_may_do_each_task_without_a_person() -> None:
    insulin = FW.who_may_do("INSULIN")
    assert insulin.own_competence == ("nurse",)
    assert insulin.by_delegation == ("care_worker", "carer")
    assert insulin.delegating_roles == ("nurse",)
    assert [c.id for c in insulin.conditions] == ["DC3", "DC5"]
    assert insulin.supervision == SUPERVISION
    catheter = FW.who_may_do("CATHETER")
    assert (catheter.by_delegation, catheter.supervision) == ((), None)


def test_tasks_of_a_role_with_and_without_delegation() -> None:
    assert FW.tasks_of_role("care_worker") == ("WASH", "HOIST")
    assert FW.tasks_of_role("care_worker", with_delegation=True) == ("WASH", "HOIST", "INSULIN")
    assert FW.tasks_of_role("porter", with_delegation=True) == ()
    assert FW.tasks_of_role("carer") == ()
    assert FW.tasks_of_role("carer", with_delegation=True) == ("INSULIN",)
    assert FW.role_tasks("nurse").by_delegation == ()


def test_supervision_a_delegation_needs() -> None:
    assert FW.supervision_for("INSULIN", "care_worker") == SUPERVISION
    # 200 delegated hours, 2 new workers trained, 5 reviewed: 20 + 6 + 5 registrant hours
    assert SUPERVISION.registrant_hours(200, 2, 5) == pytest.approx(31.0)
    with pytest.raises(UserError, match="cannot be delegated"):
        FW.supervision_for("INSULIN", "porter")
    with pytest.raises(UserError, match="cannot be delegated"):
        FW.supervision_for("CATHETER", "care_worker")


def test_a_local_policy_takes_a_role_away_and_caps_the_share() -> None:
    fw = tiny_framework((DelegationPolicy("INSULIN", forbid=("carer",), max_delegated_share=0.4),))
    assert fw.who_may_do("INSULIN").by_delegation == ("care_worker",)
    assert fw.task("INSULIN").max_delegated_share == 0.4
    assert fw.tasks["INSULIN"].delegable_to == ("care_worker", "carer")  # as written
    assert not fw.can_do("carer", "INSULIN", ON, [VALID], [IN_FORCE])
    assert fw.can_do("care_worker", "INSULIN", ON, [VALID], [IN_FORCE])


def test_unknown_ids_are_user_errors_with_a_suggestion() -> None:
    with pytest.raises(UserError, match="did you mean INSULIN"):
        FW.who_may_do("INSULINE")
    with pytest.raises(UserError, match="unknown role 'nures'"):
        FW.tasks_of_role("nures")

"""Invariants of the person-level rule over the bundled framework: records only ever add tasks.

A person is a role, their training and competence records, and the delegations in force (given
directly, or evidenced by records signed off by a delegating registrant). On any day:
- adding a record never removes a task the person can do;
- expiring a record, or taking its sign-off away, never adds one;
- `can_do` and `tasks_of_person` give the same answer for every task.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from careforce.domain import TrainingRecord
from careforce.domain.framework import Delegation, Framework, Grounds
from careforce.framework.loader import default_framework

FW = default_framework()
KEY = "a" * 64
START = dt.date(2023, 1, 1)
ON = dt.date(2025, 6, 1)

ROLE = st.sampled_from(sorted(FW.roles))
TASK = st.sampled_from(sorted(FW.tasks))
SIGNER = st.one_of(st.none(), ROLE)
DAY = st.integers(0, 3 * 366).map(lambda n: START + dt.timedelta(days=n))


@st.composite
def records(draw: st.DrawFn) -> TrainingRecord:
    achieved = draw(DAY)
    lasts = draw(st.one_of(st.none(), st.integers(0, 3 * 366)))
    expires = None if lasts is None else achieved + dt.timedelta(days=lasts)
    return TrainingRecord(KEY, draw(TASK), achieved, expires, draw(SIGNER))


@st.composite
def delegations(draw: st.DrawFn) -> Delegation:
    starts = draw(DAY)
    lasts = draw(st.one_of(st.none(), st.integers(0, 3 * 366)))
    review = None if lasts is None else starts + dt.timedelta(days=lasts)
    # a delegable task, mostly from one of its own delegating roles
    task = FW.task(draw(st.sampled_from(sorted(t for t in FW.tasks if FW.tasks[t].delegable))))
    by = draw(st.one_of(st.sampled_from(task.delegated_by), ROLE))
    return Delegation(task.id, by, starts, review)


def person_tasks(
    fw: Framework, role: str, recs: list[TrainingRecord], given_: list[Delegation]
) -> dict[str, Grounds]:
    evidenced = fw.delegations_from_records(recs)
    return fw.tasks_of_person(role, ON, recs, [*given_, *evidenced])


PERSON = (ROLE, st.lists(records(), max_size=12), st.lists(delegations(), max_size=4))


@settings(max_examples=300, deadline=None)
@given(*PERSON, records())
def test_adding_a_record_never_removes_a_task(
    role: str, recs: list[TrainingRecord], given_: list[Delegation], new: TrainingRecord
) -> None:
    before = person_tasks(FW, role, recs, given_)
    after = person_tasks(FW, role, [*recs, new], given_)
    assert set(before) <= set(after)


@settings(max_examples=300, deadline=None)
@given(*PERSON, st.data())
def test_expiring_or_unsigning_a_record_never_adds_a_task(
    role: str, recs: list[TrainingRecord], given_: list[Delegation], data: st.DataObject
) -> None:
    if not recs:
        return
    i = data.draw(st.integers(0, len(recs) - 1))
    old = recs[i]
    expired = dataclasses.replace(
        old,
        achieved_on=min(old.achieved_on, ON - dt.timedelta(days=2)),
        expires_on=ON - dt.timedelta(days=1),
    )
    unsigned = dataclasses.replace(old, signed_off_by_role=None)
    before = person_tasks(FW, role, recs, given_)
    for worse in (expired, unsigned):
        changed = [*recs[:i], worse, *recs[i + 1 :]]
        assert set(person_tasks(FW, role, changed, given_)) <= set(before)


@settings(max_examples=200, deadline=None)
@given(*PERSON)
def test_can_do_agrees_with_the_list_of_a_person_tasks(
    role: str, recs: list[TrainingRecord], given_: list[Delegation]
) -> None:
    delegated = [*given_, *FW.delegations_from_records(recs)]
    listed = FW.tasks_of_person(role, ON, recs, delegated)
    for task in FW.tasks:
        assert FW.grounds(role, task, ON, recs, delegated) == listed.get(task)
    assert set(FW.tasks_of_role(role)) <= set(listed)
    assert set(listed) <= set(FW.tasks_of_role(role, with_delegation=True)) | {
        r.competency for r in recs
    }

"""The competency framework: tasks, who does them, and the rules of delegation (standard library only).

One competency per task: a task id is also the code of the competency to do it, so a training or
competence record whose code is a task id records competence in that task. Tasks are grouped in
domains. A role holds its default tasks by its own competence; `delegable_conditional` tasks may
also be delegated by a registrant to the roles in `delegable_to`, under conditions DC1-DC8.

Who may do a task, for a person in a role on a day (`Framework.grounds`):
1. a default task of the role: always (own competence);
2. a `routine` or `trained_role_task` task: with a valid record (signed off, unexpired);
3. a `registrant_only` or `delegable_conditional` task: with a valid record, if the role is a
   registrant (a registered professional extends their scope by training);
4. a `delegable_conditional` task, role in `delegable_to` after local policies: with a valid record
   (DC3 training and sign-off) and a delegation in force from one of the task's delegating roles;
5. an `approved_role_only` task: only the roles that hold it (approval is a role, not a course).
Each rule only adds tasks as records are added, and only takes them away as records expire.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from careforce.domain.errors import UserError
from careforce.domain.workforce import Role, TrainingRecord


class DelegationStatus(StrEnum):
    ROUTINE = "routine"
    TRAINED_ROLE_TASK = "trained_role_task"
    DELEGABLE_CONDITIONAL = "delegable_conditional"
    REGISTRANT_ONLY = "registrant_only"
    APPROVED_ROLE_ONLY = "approved_role_only"


class Basis(StrEnum):
    SOURCED = "sourced"
    MIXED = "mixed"
    ASSUMPTION = "assumption"


class RoleSector(StrEnum):
    """Where a framework role works (a role can span employers; `Sector` is the employer's)."""

    NHS = "nhs"
    PRIMARY_CARE = "primary_care"
    SOCIAL_CARE = "social_care"
    THIRD_SECTOR = "third_sector"
    CROSS_SECTOR = "cross_sector"
    INFORMAL = "informal"


class Grounds(StrEnum):
    """Why a person may do a task."""

    ROLE = "role"  # own competence: a default task of the role
    RECORD = "record"  # own competence: a valid training or competence record
    DELEGATION = "delegation"  # delegated by a registrant, with a valid record


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise UserError(message)


def _check_basis(what: str, basis: Basis, sources: tuple[str, ...]) -> None:
    _need(
        basis is Basis.ASSUMPTION or bool(sources), f"{what} is {basis.value} but names no source"
    )
    _need(
        basis is not Basis.ASSUMPTION or not sources,
        f"{what} is an assumption but names sources: mark it mixed",
    )


@dataclass(frozen=True, slots=True)
class Domain:
    id: str
    name: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DelegationCondition:
    id: str
    text: str
    sources: tuple[str, ...] = ()
    basis: Basis = Basis.SOURCED

    def __post_init__(self) -> None:
        _check_basis(f"delegation condition {self.id!r}", self.basis, self.sources)


@dataclass(frozen=True, slots=True)
class Task:
    """A unit of work and the one competency it needs, with its delegation status."""

    id: str
    name: str
    domain: str
    min_cf_level: int
    default_holders: tuple[str, ...]
    status: DelegationStatus
    delegated_by: tuple[str, ...] = ()
    delegable_to: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    legal_basis: str | None = None
    basis: Basis = Basis.ASSUMPTION
    sources: tuple[str, ...] = ()
    notes: str | None = None
    max_delegated_share: float = 1.0  # of the task's hours; a local policy may cap it

    def __post_init__(self) -> None:
        _need(bool(self.id.strip()), "a task needs an id")
        _need(1 <= self.min_cf_level <= 9, f"task {self.id!r} level {self.min_cf_level} not 1-9")
        _need(0.0 <= self.max_delegated_share <= 1.0, f"task {self.id!r} share not 0-1")
        _check_basis(f"task {self.id!r}", self.basis, self.sources)

    @property
    def delegable(self) -> bool:
        return self.status is DelegationStatus.DELEGABLE_CONDITIONAL


@dataclass(frozen=True, slots=True)
class RoleDetails:
    """What the framework knows of a role beyond `Role`: sector, registrant, bases of its figures."""

    role_id: str
    sector: RoleSector
    registrant: bool  # a registered professional: may own registrant tasks and delegate
    level_basis: Basis = Basis.ASSUMPTION
    level_sources: tuple[str, ...] = ()
    pay_basis: str = "not researched"  # "sourced" when pay_sources name the sources
    pay_sources: tuple[str, ...] = ()
    care_workforce_pathway: str | None = None
    trained_above_level: frozenset[str] = frozenset()  # holds_tasks_above_role_level


@dataclass(frozen=True, slots=True)
class SupervisionStandard:
    """Registrant time a delegation costs (DC3 training and sign-off, DC5 supervision and review)."""

    registrant_hours_per_delegated_hour: float
    training_hours_per_worker_per_task: float
    review_hours_per_worker_per_task_per_year: float
    basis: str = "assumption"

    def __post_init__(self) -> None:
        for name in (
            "registrant_hours_per_delegated_hour",
            "training_hours_per_worker_per_task",
            "review_hours_per_worker_per_task_per_year",
        ):
            _need(getattr(self, name) >= 0, f"supervision {name.replace('_', ' ')} is negative")

    def registrant_hours(
        self, delegated_hours: float, workers_trained: float, workers_reviewed: float
    ) -> float:
        """Registrant hours in a year for one task: oversight, training of new workers, reviews."""
        return (
            delegated_hours * self.registrant_hours_per_delegated_hour
            + workers_trained * self.training_hours_per_worker_per_task
            + workers_reviewed * self.review_hours_per_worker_per_task_per_year
        )


@dataclass(frozen=True, slots=True)
class ProgressionRoute:
    from_role: str
    to_role: str
    via: str
    years: float | None = None
    basis: Basis = Basis.ASSUMPTION
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_basis(f"route {self.from_role} -> {self.to_role}", self.basis, self.sources)
        _need(self.years is None or self.years >= 0, "a route cannot take negative years")


@dataclass(frozen=True, slots=True)
class DelegationPolicy:
    """A local policy on one delegable task: roles added or taken away, a cap on the share."""

    task_id: str
    allow: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    max_delegated_share: float | None = None
    basis: str = "local policy"


@dataclass(frozen=True, slots=True)
class Delegation:
    """A registrant's delegation of one task to one person, in force until its review date."""

    task_id: str
    delegated_by_role: str
    starts_on: dt.date
    review_by: dt.date | None = None

    def in_force_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.review_by is None or day <= self.review_by)


@dataclass(frozen=True, slots=True)
class TaskHolders:
    task: Task
    own_competence: tuple[str, ...]
    by_delegation: tuple[str, ...]
    delegating_roles: tuple[str, ...]
    conditions: tuple[DelegationCondition, ...]
    supervision: SupervisionStandard | None


@dataclass(frozen=True, slots=True)
class RoleTasks:
    role: Role
    own: tuple[str, ...]  # without delegation
    by_delegation: tuple[str, ...]  # only when a registrant delegates them
    above_level: tuple[str, ...]  # own tasks above the role's level (a training route)


def _index(values: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True, slots=True, eq=False)
class Framework:
    """Roles, tasks and delegation rules: checked whole on construction, then queried."""

    version: str
    roles: Mapping[str, Role]
    tasks: Mapping[str, Task]
    domains: Mapping[str, Domain]
    conditions: Mapping[str, DelegationCondition]
    supervision: SupervisionStandard
    progression_routes: tuple[ProgressionRoute, ...] = ()
    role_details: Mapping[str, RoleDetails] = field(default_factory=dict)
    supervision_by_task: Mapping[str, SupervisionStandard] = field(default_factory=dict)
    policies: tuple[DelegationPolicy, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    _own: dict[str, frozenset[str]] = field(init=False, repr=False)
    _receivable: dict[str, frozenset[str]] = field(init=False, repr=False)
    _effective: dict[str, Task] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("roles", "tasks", "domains", "conditions", "role_details"):
            object.__setattr__(self, name, _index(getattr(self, name)))
        object.__setattr__(self, "supervision_by_task", _index(self.supervision_by_task))
        object.__setattr__(self, "sources", _index(self.sources))
        from careforce.domain.framework_rules import Parts, find_inconsistencies

        findings = find_inconsistencies(
            Parts(
                self.roles,
                self.tasks,
                self.domains,
                self.conditions,
                self.role_details,
                self.policies,
                self.supervision_by_task,
                self.progression_routes,
            )
        )
        if findings:
            shown = "; ".join(f.reason for f in findings[:5])
            more = f" (and {len(findings) - 5} more)" if len(findings) > 5 else ""
            raise UserError(f"the framework is inconsistent: {shown}{more}")
        effective = {t.id: _apply_policies(t, self.policies) for t in self.tasks.values()}
        own: dict[str, set[str]] = {r: set() for r in self.roles}
        receivable: dict[str, set[str]] = {r: set() for r in self.roles}
        for task in effective.values():
            for role_id in task.default_holders:
                own[role_id].add(task.id)
            for role_id in task.delegable_to:
                receivable[role_id].add(task.id)
        object.__setattr__(self, "_effective", effective)
        object.__setattr__(self, "_own", {r: frozenset(s) for r, s in own.items()})
        object.__setattr__(self, "_receivable", {r: frozenset(s) for r, s in receivable.items()})

    # --- lookups ------------------------------------------------------------------------------

    def task(self, task_id: str) -> Task:
        """The task as in force: local delegation policies applied."""
        found = self._effective.get(task_id)
        if found is None:
            raise UserError(f"unknown task {task_id!r}{_suggest(task_id, self.tasks)}")
        return found

    def role(self, role_id: str) -> Role:
        found = self.roles.get(role_id)
        if found is None:
            raise UserError(f"unknown role {role_id!r}{_suggest(role_id, self.roles)}")
        return found

    def is_registrant(self, role_id: str) -> bool:
        return is_registrant(self.role(role_id), self.role_details.get(role_id))

    # --- queries over roles and tasks ---------------------------------------------------------

    def who_may_do(self, task_id: str) -> TaskHolders:
        task = self.task(task_id)
        return TaskHolders(
            task=task,
            own_competence=task.default_holders,
            by_delegation=task.delegable_to,
            delegating_roles=task.delegated_by,
            conditions=tuple(self.conditions[c] for c in task.conditions),
            supervision=self.supervision_by_task.get(task_id, self.supervision)
            if task.delegable
            else None,
        )

    def tasks_of_role(self, role_id: str, with_delegation: bool = False) -> tuple[str, ...]:
        self.role(role_id)
        held = self._own[role_id] | (self._receivable[role_id] if with_delegation else set())
        return self._ordered(held)

    def role_tasks(self, role_id: str) -> RoleTasks:
        role = self.role(role_id)
        own = self._ordered(self._own[role_id])
        level = role.career_framework_level
        return RoleTasks(
            role=role,
            own=own,
            by_delegation=self._ordered(self._receivable[role_id]),
            above_level=tuple(
                t for t in own if level is not None and self.tasks[t].min_cf_level > level
            ),
        )

    def supervision_for(self, task_id: str, role_id: str) -> SupervisionStandard:
        """Registrant time to delegate the task to a worker in the role."""
        task = self.task(task_id)
        self.role(role_id)
        if role_id not in task.delegable_to:
            raise UserError(f"task {task_id!r} cannot be delegated to role {role_id!r}")
        return self.supervision_by_task.get(task_id, self.supervision)

    # --- the person-level rule ----------------------------------------------------------------

    def grounds(
        self,
        role_id: str,
        task_id: str,
        on: dt.date,
        records: Iterable[TrainingRecord] = (),
        delegations: Iterable[Delegation] = (),
    ) -> Grounds | None:
        """Why a person in the role may do the task on the day, or None (the module's rules)."""
        task = self.task(task_id)
        if task_id in self._own[self.role(role_id).id]:
            return Grounds.ROLE
        if not any(r.competency == task_id and r.valid_on(on) for r in records):
            return None
        return self._with_record(role_id, task, on, tuple(delegations))

    def can_do(
        self,
        role_id: str,
        task_id: str,
        on: dt.date,
        records: Iterable[TrainingRecord] = (),
        delegations: Iterable[Delegation] = (),
    ) -> bool:
        return self.grounds(role_id, task_id, on, records, delegations) is not None

    def tasks_of_person(
        self,
        role_id: str,
        on: dt.date,
        records: Iterable[TrainingRecord] = (),
        delegations: Iterable[Delegation] = (),
    ) -> dict[str, Grounds]:
        """Every task a person in the role may do on the day, with the grounds."""
        out = dict.fromkeys(self._own[self.role(role_id).id], Grounds.ROLE)
        given = tuple(delegations)
        for record in records:
            task = self._effective.get(record.competency)
            if task is None or task.id in out or not record.valid_on(on):
                continue
            found = self._with_record(role_id, task, on, given)
            if found is not None:
                out[task.id] = found
        return out

    def delegations_from_records(self, records: Iterable[TrainingRecord]) -> tuple[Delegation, ...]:
        """A delegable task's record signed off by one of its delegating roles is the record of
        that registrant's delegation (DC3 sign-off), in force until the record expires (DC5)."""
        out = []
        for r in records:
            task = self._effective.get(r.competency)
            if task and task.delegable and r.signed_off_by_role in task.delegated_by:
                out.append(Delegation(task.id, r.signed_off_by_role, r.achieved_on, r.expires_on))
        return tuple(out)

    def _with_record(
        self, role_id: str, task: Task, on: dt.date, delegations: tuple[Delegation, ...]
    ) -> Grounds | None:
        """Grounds given a valid record for the task (which the role does not hold by default)."""
        if task.status in (DelegationStatus.ROUTINE, DelegationStatus.TRAINED_ROLE_TASK):
            return Grounds.RECORD
        if task.status is DelegationStatus.APPROVED_ROLE_ONLY:
            return None
        if self.is_registrant(role_id):
            return Grounds.RECORD
        if task.delegable and role_id in task.delegable_to:
            for d in delegations:
                if (
                    d.task_id == task.id
                    and d.delegated_by_role in task.delegated_by
                    and d.in_force_on(on)
                ):
                    return Grounds.DELEGATION
        return None

    def _ordered(self, ids: Iterable[str]) -> tuple[str, ...]:
        wanted = set(ids)
        return tuple(t for t in self.tasks if t in wanted)


def is_registrant(role: Role, details: RoleDetails | None) -> bool:
    """A registered professional (details say so), else any role with a regulator."""
    return details.registrant if details is not None else role.registered


def _apply_policies(task: Task, policies: Iterable[DelegationPolicy]) -> Task:
    mine = [p for p in policies if p.task_id == task.id]
    if not mine:
        return task
    to = list(task.delegable_to)
    share = task.max_delegated_share
    for policy in mine:
        to = [r for r in to if r not in policy.forbid]
        to += [r for r in policy.allow if r not in to]
        if policy.max_delegated_share is not None:
            share = min(share, policy.max_delegated_share)
    return replace(task, delegable_to=tuple(to), max_delegated_share=share)


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""

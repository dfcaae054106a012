"""From a draft (located entries) to a checked `Framework`, or every problem at its place in the file.

Who holds a task, and who may receive it by delegation, can be written on either side: on the task
(`default_holders`, `delegation.delegable_to`) and on the role (`default_competencies`,
`may_receive_by_delegation`). Within one file both sides must agree. Between the default and a
user's file the user's entry decides, for the ids it names: an entry states the whole truth about
its own id (a task listing its holders, a role listing its tasks).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from careforce.domain import Problem, Role, UserError
from careforce.domain.framework import (
    Basis,
    DelegationCondition,
    DelegationPolicy,
    Domain,
    ProgressionRoute,
    RoleDetails,
    SupervisionStandard,
    Task,
)
from careforce.domain.framework_rules import Parts
from careforce.framework import schema as s
from careforce.framework.document import Draft, Located
from careforce.framework.yamlfile import PathKey

Pair = tuple[str, str]  # (role id, task id)

TASK_FIELDS: dict[str, PathKey] = {
    "default_holders": ("default_holders",),
    "delegated_by": ("delegation", "delegated_by"),
    "delegable_to": ("delegation", "delegable_to"),
    "conditions": ("delegation", "conditions"),
    "status": ("delegation", "status"),
    "domain": ("domain",),
}


def _task_holders(t: s.TaskEntry) -> list[str] | None:
    return t.default_holders if "default_holders" in t.model_fields_set else None


def _task_receivers(t: s.TaskEntry) -> list[str] | None:
    d = t.delegation
    return d.delegable_to if "delegable_to" in d.model_fields_set else None


def _role_holds(r: s.RoleEntry) -> list[str] | None:
    return r.default_competencies if "default_competencies" in r.model_fields_set else None


def _role_receives(r: s.RoleEntry) -> list[str] | None:
    return (
        r.may_receive_by_delegation if "may_receive_by_delegation" in r.model_fields_set else None
    )


def relation(
    draft: Draft,
    task_side: Callable[[s.TaskEntry], list[str] | None],
    role_side: Callable[[s.RoleEntry], list[str] | None],
    names: tuple[str, str],
) -> set[Pair]:
    """The pairs (role, task) the files state, by the rule in the module's docstring. An entry
    without the list says nothing about it; within one file two entries that both have the list
    must agree; between files the user's entry decides."""
    listed = {(r, t) for t, lt in draft.tasks.items() for r in task_side(lt.entry) or ()}
    listed |= {(r, t) for r, lr in draft.roles.items() for t in role_side(lr.entry) or ()}
    kept: set[Pair] = set()
    for role_id, task_id in sorted(listed):
        lt, lr = draft.tasks.get(task_id), draft.roles.get(role_id)
        t_list = task_side(lt.entry) if lt is not None else None
        r_list = role_side(lr.entry) if lr is not None else None
        by_task = None if t_list is None else role_id in t_list
        by_role = None if r_list is None else task_id in r_list
        if lt is None or lr is None:
            keep = bool(by_task or by_role)
        elif lt.file is lr.file or (not lt.file.user and not lr.file.user):
            keep = by_task if by_task is not None else bool(by_role)
            if by_task is not None and by_role is not None and by_task != by_role:
                draft.problems.append(_mirror_problem(lt, lr, by_task, names))
        else:
            first, second = (by_task, by_role) if lt.file.user else (by_role, by_task)
            keep = first if first is not None else bool(second)
        if keep:
            kept.add((role_id, task_id))
    return kept


def _mirror_problem(
    lt: Located[s.TaskEntry], lr: Located[s.RoleEntry], by_task: bool, names: tuple[str, str]
) -> Problem:
    task_list, role_list = names
    t, r = lt.entry.id, lr.entry.id
    if by_task:
        items = entry_field(lt.entry, TASK_FIELDS.get(task_list, (task_list,)))
        path = (*lt.path, *TASK_FIELDS.get(task_list, (task_list,)), items.index(r))
        reason = (
            f"task lists role {r!r} in {task_list}, but role {r!r} does not list it in {role_list}"
        )
        return lt.file.problem(path, f"{reason}: list it on both sides or neither", r)
    path = (*lr.path, role_list, entry_field(lr.entry, (role_list,)).index(t))
    reason = f"role lists task {t!r} in {role_list}, but task {t!r} does not list it in {task_list}"
    return lr.file.problem(path, f"{reason}: list it on both sides or neither", t)


def entry_field(entry: Any, path: PathKey) -> Any:
    for part in path:
        entry = getattr(entry, str(part), None)
    return entry


# --- sources ---------------------------------------------------------------------------------------

_SOURCE_ID = re.compile(r"[A-Za-z0-9_.\-]+")


def source_id(text: str) -> str:
    """`S31 (Wales RLW policy)` cites S31."""
    found = _SOURCE_ID.match(text.strip())
    return found.group(0) if found else text


def check_sources(draft: Draft) -> None:
    known = draft.sources

    def check(located: Located[Any], path: PathKey, ids: Iterable[str]) -> None:
        for i, text in enumerate(ids):
            if source_id(text) not in known:
                draft.problems.append(
                    located.file.problem((*located.path, *path, i), "unknown source id", text)
                )

    for lt in draft.tasks.values():
        check(lt, ("source",), lt.entry.source)
    for lc in draft.conditions.values():
        check(lc, ("source",), lc.entry.source)
    for lroute in draft.routes:
        check(lroute, ("source",), lroute.entry.source)
    for lr in draft.roles.values():
        if lr.entry.pay is not None:
            check(lr, ("pay", "source"), lr.entry.pay.source)
        if not lr.entry.cf_basis.startswith("assumption") and not cited(lr.entry.cf_basis, known):
            draft.problems.append(
                lr.file.problem(
                    (*lr.path, "cf_basis"),
                    "basis is sourced or mixed but names no known source id",
                    lr.entry.cf_basis,
                )
            )


def cited(text: str, known: dict[str, str]) -> tuple[str, ...]:
    return tuple(w for w in dict.fromkeys(_SOURCE_ID.findall(text)) if w in known)


# --- building the domain values ---------------------------------------------------------------------


def build_parts(draft: Draft) -> Parts:
    """The domain values of a draft; an entry that cannot be built is reported and left out."""
    holds = relation(draft, _task_holders, _role_holds, ("default_holders", "default_competencies"))
    receives = relation(
        draft, _task_receivers, _role_receives, ("delegable_to", "may_receive_by_delegation")
    )
    for lr in draft.roles.values():
        for i, t in enumerate(lr.entry.may_receive_by_delegation):
            if t not in draft.tasks and t not in draft.invalid_ids:
                draft.problems.append(
                    lr.file.problem((*lr.path, "may_receive_by_delegation", i), "unknown task", t)
                )
    order = {t: i for i, t in enumerate(draft.tasks)}
    roles: dict[str, Role] = {}
    details: dict[str, RoleDetails] = {}
    for role_id, lr in draft.roles.items():
        group = draft.staff_groups.get(role_id)
        if group is None:
            _invalid(draft, lr, "a new role needs a staff_group")
            continue
        held = sorted((t for r, t in holds if r == role_id), key=lambda t: order.get(t, len(order)))
        try:
            roles[role_id] = _role(lr.entry, group, held)
            details[role_id] = _details(lr.entry, draft.sources)
        except UserError as error:
            _invalid(draft, lr, str(error))
    tasks: dict[str, Task] = {}
    for task_id, lt in draft.tasks.items():
        holders = _roles_of(lt.entry.default_holders, holds, task_id, roles)
        receivers = _roles_of(lt.entry.delegation.delegable_to, receives, task_id, roles)
        try:
            tasks[task_id] = _task(lt.entry, holders, receivers)
        except UserError as error:
            _invalid(draft, lt, str(error))
    return Parts(
        roles=roles,
        tasks=tasks,
        domains={k: Domain(k, v.entry.name, v.entry.note) for k, v in draft.domains.items()},
        conditions={k: _condition(k, v.entry) for k, v in draft.conditions.items()},
        role_details=details,
        policies=tuple(
            DelegationPolicy(
                p.entry.task,
                tuple(p.entry.allow),
                tuple(p.entry.forbid),
                p.entry.max_delegated_share,
                p.entry.basis,
            )
            for p in draft.policies
        ),
        supervision_by_task=supervision_by_task(draft),
        progression_routes=tuple(
            ProgressionRoute(
                r.entry.from_role,
                r.entry.to_role,
                r.entry.via,
                r.entry.years,
                r.entry.basis,
                tuple(source_id(x) for x in r.entry.source),
            )
            for r in draft.routes
        ),
    )


def _roles_of(
    first: list[str], pairs: set[Pair], task_id: str, roles: dict[str, Role]
) -> tuple[str, ...]:
    """The task's roles in the pairs: those its entry lists, in that order, then the others."""
    mine = {r for r, t in pairs if t == task_id}
    listed = [r for r in dict.fromkeys(first) if r in mine]
    return (*listed, *sorted(mine - set(listed), key=lambda r: (r not in roles, r)))


def _invalid(draft: Draft, located: Located[Any], reason: str) -> None:
    draft.invalid_ids.add(located.entry.id)
    draft.problems.append(located.file.problem(located.path, reason, located.entry.id))


def _role(entry: s.RoleEntry, group: Any, tasks: list[str]) -> Role:
    pay = entry.pay or s.PayEntry()
    return Role(
        id=entry.id,
        title=entry.title,
        staff_group=group,
        career_framework_level=entry.cf_level,
        regulator=entry.regulator,
        pay_scale=pay.scale,
        pay_band=pay.band,
        hourly_rate_gbp=pay.default_gbp_per_hour_wales_2025_26,
        can_receive_delegation=entry.can_receive_delegation,
        approvals=tuple(entry.approvals),
        default_competencies=tuple(tasks),
        basis=entry.cf_basis,
    )


def _details(entry: s.RoleEntry, sources: dict[str, str]) -> RoleDetails:
    pay = entry.pay or s.PayEntry()
    pay_sources = tuple(source_id(x) for x in pay.source)
    return RoleDetails(
        role_id=entry.id,
        sector=entry.sector,
        registrant=entry.registrant
        if entry.registrant is not None
        else entry.regulator is not None,
        level_basis=Basis(entry.cf_basis.split(" ", 1)[0]),
        level_sources=cited(entry.cf_basis, sources),
        pay_basis="sourced" if pay_sources else (pay.basis or "not researched"),
        pay_sources=pay_sources,
        care_workforce_pathway=entry.care_workforce_pathway,
        trained_above_level=frozenset(entry.holds_tasks_above_role_level),
    )


def _task(entry: s.TaskEntry, holders: tuple[str, ...], receivers: tuple[str, ...]) -> Task:
    d = entry.delegation
    return Task(
        id=entry.id,
        name=entry.name,
        domain=entry.domain,
        min_cf_level=entry.min_cf_level,
        default_holders=holders,
        status=d.status,
        delegated_by=tuple(d.delegated_by),
        delegable_to=receivers,
        conditions=tuple(d.conditions),
        legal_basis=entry.legal_basis,
        basis=entry.basis,
        sources=tuple(source_id(x) for x in entry.source),
        notes=entry.notes,
    )


def _condition(key: str, entry: s.ConditionEntry) -> DelegationCondition:
    sources = tuple(source_id(x) for x in entry.source)
    basis = entry.basis or (Basis.SOURCED if sources else Basis.ASSUMPTION)
    return DelegationCondition(key, entry.text, sources, basis)


_HOURS = (
    "registrant_hours_per_delegated_hour",
    "training_hours_per_worker_per_task",
    "review_hours_per_worker_per_task_per_year",
)


def _fold(layers: Iterable[tuple[s.SupervisionValues, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for layer, label in layers:
        given = {k: getattr(layer, k) for k in _HOURS if getattr(layer, k) is not None}
        values.update(given)
        if layer.basis is not None:
            values["basis"] = layer.basis
        elif given:
            values["basis"] = f"set in {label}"
    return values


def default_supervision(draft: Draft) -> SupervisionStandard:
    values = _fold((x.entry, x.file.label) for x in draft.supervisions)
    missing = [k for k in _HOURS if k not in values]
    if missing:
        raise UserError(f"supervision needs {', '.join(missing)}")
    return SupervisionStandard(**values)


def supervision_by_task(draft: Draft) -> dict[str, SupervisionStandard]:
    out: dict[str, SupervisionStandard] = {}
    tasks = {t for x in draft.supervisions for t in x.entry.by_task}
    for task_id in sorted(tasks):
        layers: list[tuple[s.SupervisionValues, str]] = [
            (x.entry, x.file.label) for x in draft.supervisions
        ]
        layers += [
            (x.entry.by_task[task_id], x.file.label)
            for x in draft.supervisions
            if task_id in x.entry.by_task
        ]
        values = _fold(layers)
        if all(k in values for k in _HOURS):
            out[task_id] = SupervisionStandard(**values)
    return out

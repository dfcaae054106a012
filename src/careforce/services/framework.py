"""The framework use cases: validate a framework file, show who may do a task, show a role's tasks.

Each returns a plain view (`as_document()` for --json) and has a printer for the terminal.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from careforce.domain import UserError
from careforce.domain.framework import DelegationStatus, Framework, SupervisionStandard
from careforce.framework.loader import default_framework, load_framework

STATUS_MEANING = {
    DelegationStatus.ROUTINE: "core task of the roles that hold it; no delegation needed",
    DelegationStatus.TRAINED_ROLE_TASK: "done by the roles that hold it after employer-certified "
    "training and competence assessment; not delegated person by person",
    DelegationStatus.DELEGABLE_CONDITIONAL: "owned by a registrant, who may delegate it for a named "
    "person to the roles listed, under the conditions listed",
    DelegationStatus.REGISTRANT_ONLY: "needs a registered professional acting within scope; never "
    "delegated to unregistered staff",
    DelegationStatus.APPROVED_ROLE_ONLY: "needs a statutory approval or warrant on top of "
    "registration",
}


def framework_for(file: Path | None) -> Framework:
    """The user's framework file when given, else the bundled default."""
    return default_framework() if file is None else load_framework(file)


# --- validate ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkSummary:
    file: str
    version: str
    domains: int
    tasks: int
    roles: int
    tasks_by_status: dict[str, int]
    tasks_by_basis: dict[str, int]
    delegations: int  # (task, role) pairs a task may be delegated on
    delegation_policies: int
    progression_routes: int

    def as_document(self) -> dict[str, Any]:
        return asdict(self)


def summarise(framework: Framework, file: str) -> FrameworkSummary:
    tasks = list(framework.tasks.values())
    return FrameworkSummary(
        file=file,
        version=framework.version,
        domains=len(framework.domains),
        tasks=len(tasks),
        roles=len(framework.roles),
        tasks_by_status={s.value: sum(t.status is s for t in tasks) for s in DelegationStatus},
        tasks_by_basis=dict(Counter(t.basis.value for t in tasks)),
        delegations=sum(len(framework.task(t.id).delegable_to) for t in tasks),
        delegation_policies=len(framework.policies),
        progression_routes=len(framework.progression_routes),
    )


def validate_framework_file(file: Path) -> FrameworkSummary:
    """Check a framework file whole; `ValidationFailed` lists every problem at its place."""
    return summarise(load_framework(file), str(file))


def print_summary(summary: FrameworkSummary, console: Console) -> None:
    console.print(f"{summary.file}: valid framework, version {summary.version}")
    counts = (
        (summary.domains, "domain"),
        (summary.tasks, "task"),
        (summary.roles, "role"),
        (summary.delegations, "task-role delegation"),
        (summary.delegation_policies, "local delegation policy"),
        (summary.progression_routes, "progression route"),
    )
    console.print("  " + ", ".join(_count(n, noun) for n, noun in counts))
    shown = ", ".join(f"{n} {s}" for s, n in summary.tasks_by_status.items())
    console.print(f"  tasks by delegation status: {shown}")


def _count(n: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n} {noun if n == 1 else plural}"


# --- show --------------------------------------------------------------------------------------


def _role_line(framework: Framework, role_id: str) -> dict[str, Any]:
    role = framework.roles[role_id]
    return {"role": role_id, "title": role.title, "cf_level": role.career_framework_level}


def _supervision(standard: SupervisionStandard | None) -> dict[str, Any] | None:
    return None if standard is None else asdict(standard)


def task_view(task_id: str, file: Path | None = None) -> dict[str, Any]:
    """Who may do a task: by own competence, by delegation (conditions, delegating roles,
    supervision)."""
    framework = framework_for(file)
    holders = framework.who_may_do(task_id)
    task = holders.task
    domain = framework.domains[task.domain]
    return {
        "framework_version": framework.version,
        "task": {
            "id": task.id,
            "name": task.name,
            "domain": {"id": domain.id, "name": domain.name},
            "min_cf_level": task.min_cf_level,
            "status": task.status.value,
            "status_meaning": STATUS_MEANING[task.status],
            "legal_basis": task.legal_basis,
            "basis": task.basis.value,
            "sources": list(task.sources),
            "notes": task.notes,
            "max_delegated_share": task.max_delegated_share,
        },
        "own_competence": [_role_line(framework, r) for r in holders.own_competence],
        "by_delegation": [_role_line(framework, r) for r in holders.by_delegation],
        "delegating_roles": [_role_line(framework, r) for r in holders.delegating_roles],
        "conditions": [asdict(c) for c in holders.conditions],
        "supervision": _supervision(holders.supervision),
        "local_policies": [asdict(p) for p in framework.policies if p.task_id == task_id],
    }


def role_view(role_id: str, file: Path | None = None) -> dict[str, Any]:
    """The tasks of a role: without delegation, and those it may receive by delegation."""
    framework = framework_for(file)
    tasks = framework.role_tasks(role_id)
    role = tasks.role
    details = framework.role_details.get(role_id)

    def line(task_id: str) -> dict[str, Any]:
        t = framework.task(task_id)
        return {
            "task": t.id,
            "name": t.name,
            "domain": t.domain,
            "min_cf_level": t.min_cf_level,
            "status": t.status.value,
        }

    return {
        "framework_version": framework.version,
        "role": {
            "id": role.id,
            "title": role.title,
            "staff_group": role.staff_group.value,
            "sector": details.sector.value if details else None,
            "cf_level": role.career_framework_level,
            "cf_basis": role.basis,
            "regulator": role.regulator,
            "registrant": framework.is_registrant(role_id),
            "can_receive_delegation": role.can_receive_delegation,
            "pay_scale": role.pay_scale,
            "pay_band": role.pay_band,
            "hourly_rate_gbp": role.hourly_rate_gbp,
            "pay_basis": details.pay_basis if details else None,
        },
        "without_delegation": [
            {**line(t), "above_role_level": t in tasks.above_level} for t in tasks.own
        ],
        "by_delegation": [
            {
                **line(t),
                "delegated_by": list(framework.task(t).delegated_by),
                "conditions": list(framework.task(t).conditions),
                "supervision": _supervision(framework.supervision_for(t, role_id)),
            }
            for t in tasks.by_delegation
        ],
        "progression": {
            "from": [asdict(r) for r in framework.progression_routes if r.to_role == role_id],
            "to": [asdict(r) for r in framework.progression_routes if r.from_role == role_id],
        },
    }


def show(role: str | None, task: str | None, file: Path | None) -> dict[str, Any]:
    if (role is None) == (task is None):
        raise UserError("give one of --role ROLE or --task TASK")
    return role_view(role, file) if role is not None else task_view(str(task), file)


def _roles_table(title: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("role", "title", "CF level"):
        table.add_column(column)
    for row in rows:
        level = row["cf_level"]
        table.add_row(row["role"], row["title"], "-" if level is None else str(level))
    return table


def _supervision_text(s: dict[str, Any]) -> str:
    return (
        f"{s['registrant_hours_per_delegated_hour']:g} registrant hours per delegated hour; "
        f"{s['training_hours_per_worker_per_task']:g} hours to train and sign off each worker; "
        f"{s['review_hours_per_worker_per_task_per_year']:g} review hours per worker a year "
        f"({s['basis']})"
    )


def print_view(view: dict[str, Any], console: Console) -> None:
    if "task" in view:
        _print_task(view, console)
    else:
        _print_role(view, console)


def _print_task(view: dict[str, Any], console: Console) -> None:
    t = view["task"]
    console.print(f"[bold]{t['id']}[/] {t['name']}")
    console.print(f"  domain {t['domain']['name']}; Career Framework level {t['min_cf_level']}+")
    console.print(f"  {t['status']}: {t['status_meaning']}")
    if t["legal_basis"]:
        console.print(f"  legal basis: {t['legal_basis']}")
    sources = f" ({', '.join(t['sources'])})" if t["sources"] else ""
    console.print(f"  basis: {t['basis']}{sources}")
    console.print(_roles_table("Own competence", view["own_competence"]))
    if view["by_delegation"]:
        console.print(_roles_table("By delegation", view["by_delegation"]))
        delegating = ", ".join(r["role"] for r in view["delegating_roles"])
        console.print(f"Delegated by: {delegating}")
        if t["max_delegated_share"] < 1:
            console.print(f"At most {t['max_delegated_share']:.0%} of its hours delegated")
        conditions = Table(title="Conditions of delegation", title_justify="left")
        conditions.add_column("id")
        conditions.add_column("condition")
        conditions.add_column("basis")
        for c in view["conditions"]:
            cited = f" ({', '.join(c['sources'])})" if c["sources"] else ""
            conditions.add_row(c["id"], c["text"], c["basis"] + cited)
        console.print(conditions)
        console.print(f"Supervision: {_supervision_text(view['supervision'])}")


def _print_role(view: dict[str, Any], console: Console) -> None:
    r = view["role"]
    level = "no Career Framework level" if r["cf_level"] is None else f"CF level {r['cf_level']}"
    console.print(f"[bold]{r['id']}[/] {r['title']} ({level}; {r['staff_group']})")
    registration = "registrant" if r["registrant"] else "not a registrant"
    console.print(f"  regulator: {r['regulator'] or 'none'} ({registration})")
    own = Table(title="Tasks without delegation", title_justify="left")
    for column in ("task", "name", "status", "CF level"):
        own.add_column(column)
    for t in view["without_delegation"]:
        mark = " (training route)" if t["above_role_level"] else ""
        own.add_row(t["task"], t["name"], t["status"], f"{t['min_cf_level']}{mark}")
    console.print(own)
    if not view["by_delegation"]:
        console.print("No tasks by delegation.")
        return
    by = Table(title="Tasks by delegation", title_justify="left")
    for column in ("task", "name", "delegated by", "conditions", "train h / review h a year"):
        by.add_column(column)
    for t in view["by_delegation"]:
        s = t["supervision"]
        hours = (
            f"{s['training_hours_per_worker_per_task']:g} / "
            f"{s['review_hours_per_worker_per_task_per_year']:g}"
        )
        by.add_row(
            t["task"], t["name"], ", ".join(t["delegated_by"]), " ".join(t["conditions"]), hours
        )
    console.print(by)
    bases = {t["supervision"]["basis"] for t in view["by_delegation"]}
    console.print(f"Supervision basis: {'; '.join(sorted(bases))}")

"""Framework files read into located entries: the bundled default, a user's file, and the two merged.

Every entry keeps the file and the place it came from, so a problem found later, by the loader or
by the domain's rules, is reported where the user can fix it. An entry whose shape is wrong is
reported and left out; its id is remembered so that references to it are not reported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from careforce.domain import Problem, StaffGroup
from careforce.framework import schema as s
from careforce.framework.yamlfile import PathKey, YamlFile, read_yaml_text

E = TypeVar("E", bound=BaseModel)
DATA = "careforce.framework.data"
BUNDLED_FILES = ("tasks.yaml", "roles.yaml", "role_catalogue.yaml", "framework.yaml")


@dataclass(frozen=True)
class Located(Generic[E]):
    entry: E
    file: YamlFile
    path: PathKey


@dataclass
class Draft:
    """A framework as written, entry by entry, before the rules between entries are checked."""

    version: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    domains: dict[str, Located[s.DomainEntry]] = field(default_factory=dict)
    conditions: dict[str, Located[s.ConditionEntry]] = field(default_factory=dict)
    roles: dict[str, Located[s.RoleEntry]] = field(default_factory=dict)
    staff_groups: dict[str, StaffGroup] = field(default_factory=dict)
    tasks: dict[str, Located[s.TaskEntry]] = field(default_factory=dict)
    policies: list[Located[s.PolicyEntry]] = field(default_factory=list)
    supervisions: list[Located[s.SupervisionEntry]] = field(default_factory=list)  # later wins
    routes: list[Located[s.RouteEntry]] = field(default_factory=list)
    invalid_ids: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    mode: str = "replace"
    base_version: str | None = None
    file: YamlFile | None = None  # the user's file, when there is one


def pydantic_problems(file: YamlFile, at: PathKey, error: ValidationError) -> list[Problem]:
    out = []
    for e in error.errors(include_url=False):
        path = (*at, *(p for p in e["loc"] if isinstance(p, str | int)))
        message = str(e["msg"]).removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            message = "unknown key: not part of the framework file format"
        elif e["type"] == "missing":
            message = "required key is missing"
        value = e.get("input") if e["type"] not in ("missing", "extra_forbidden") else None
        out.append(file.problem(path, _lower_first(message), _scalar(value)))
    return out


def _lower_first(message: str) -> str:
    """Pydantic's "Input should be ..." reads as "input should be ..." after a place."""
    word = message.split(" ", 1)[0]
    return message[:1].lower() + message[1:] if word[1:].islower() else message


def _scalar(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) else None


def parse(model: type[E], data: Any, file: YamlFile, at: PathKey, draft: Draft) -> E | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        draft.problems.extend(pydantic_problems(file, at, error))
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            draft.invalid_ids.add(data["id"])
        return None


def add_listed(
    draft: Draft,
    target: dict[str, Located[Any]],
    model: type[E],
    items: list[Any],
    file: YamlFile,
    at: PathKey,
) -> None:
    """Entries with an `id`, each validated alone; a repeated id in the same file is a problem."""
    for i, item in enumerate(items):
        entry = parse(model, item, file, (*at, i), draft)
        if entry is None:
            continue
        entry_id = getattr(entry, "id")  # noqa: B009 (every listed model has an id)
        if entry_id in target and target[entry_id].file is file:
            draft.problems.append(
                file.problem((*at, i, "id"), f"id {entry_id!r} is used twice", entry_id)
            )
            continue
        target[entry_id] = Located(entry, file, (*at, i))


def add_conditions(draft: Draft, items: dict[str, Any], file: YamlFile, at: PathKey) -> None:
    for key, item in items.items():
        entry = parse(s.ConditionEntry, item, file, (*at, str(key)), draft)
        if entry is not None:
            draft.conditions[str(key)] = Located(entry, file, (*at, str(key)))


def add_plain(
    draft: Draft, model: type[E], items: list[Any], file: YamlFile, at: PathKey
) -> list[Located[E]]:
    out = []
    for i, item in enumerate(items):
        entry = parse(model, item, file, (*at, i), draft)
        if entry is not None:
            out.append(Located(entry, file, (*at, i)))
    return out


@cache
def _bundled(name: str) -> YamlFile:
    text = resources.files(DATA).joinpath(name).read_text(encoding="utf-8")
    return read_yaml_text(text, f"careforce/framework/data/{name}", user=False)


def read_default() -> Draft:
    """The bundled default framework, from its four data files."""
    draft = Draft()
    tasks_file, roles_file, catalogue_file, framework_file = map(_bundled, BUNDLED_FILES)
    tasks = parse(s.TasksData, tasks_file.data, tasks_file, (), draft)
    roles = parse(s.RolesData, roles_file.data, roles_file, (), draft)
    catalogue = parse(s.RoleCatalogueData, catalogue_file.data, catalogue_file, (), draft)
    general = parse(s.FrameworkData, framework_file.data, framework_file, (), draft)
    if tasks is None or roles is None or catalogue is None or general is None:
        return draft
    versions = {tasks.meta.version, roles.meta.version, catalogue.version, general.version}
    if len(versions) != 1:
        draft.problems.append(
            framework_file.problem(
                ("version",), f"bundled files disagree on the version: {versions}"
            )
        )
    draft.version = general.version
    draft.sources = {**tasks.meta.sources, **roles.meta.sources}
    add_listed(draft, draft.domains, s.DomainEntry, tasks.domains, tasks_file, ("domains",))
    add_conditions(
        draft, tasks.meta.delegation_conditions, tasks_file, ("meta", "delegation_conditions")
    )
    add_listed(draft, draft.tasks, s.TaskEntry, tasks.tasks, tasks_file, ("tasks",))
    add_listed(draft, draft.roles, s.RoleEntry, roles.roles, roles_file, ("roles",))
    add_listed(
        draft, draft.roles, s.RoleEntry, catalogue.added_roles, catalogue_file, ("added_roles",)
    )
    for group, ids in catalogue.staff_groups.items():
        for i, role_id in enumerate(ids):
            if role_id in draft.staff_groups:
                draft.problems.append(
                    catalogue_file.problem(
                        ("staff_groups", group.value, i), "role is in two staff groups", role_id
                    )
                )
            draft.staff_groups[role_id] = group
    draft.supervisions = _supervision(draft, general.supervision, framework_file, ("supervision",))
    draft.routes = add_plain(
        draft, s.RouteEntry, general.progression_routes, framework_file, ("progression_routes",)
    )
    return draft


def _supervision(
    draft: Draft, data: Any, file: YamlFile, at: PathKey
) -> list[Located[s.SupervisionEntry]]:
    if data is None:
        return []
    entry = parse(s.SupervisionEntry, data, file, at, draft)
    return [] if entry is None else [Located(entry, file, at)]


def read_user(file: YamlFile) -> tuple[Draft, bool]:
    """A user's framework file; the flag says whether its top level was read well enough to go
    on to the rules between entries (a wrong mode, version or section shape stops there)."""
    draft = Draft(problems=list(file.duplicates), file=file)
    data = file.data
    if not isinstance(data, dict):
        draft.problems.append(file.problem((), "a framework file is a mapping of sections"))
        return draft, False
    fields = s.FrameworkFile.model_fields
    for key in data:
        if key not in fields:
            draft.problems.append(
                file.problem((str(key),), "unknown section: not part of the framework file format")
            )
    known = {k: v for k, v in data.items() if k in fields}
    try:
        top = s.FrameworkFile.model_validate(known)
        ok = True
    except ValidationError as error:
        draft.problems.extend(pydantic_problems(file, (), error))
        ok = False
        sections = {k: v for k, v in known.items() if k not in ("mode", "version")}
        try:
            top = s.FrameworkFile.model_validate({"mode": "extend", "version": "?", **sections})
        except ValidationError:
            return draft, False
    _read_sections(draft, top, file)
    draft.mode, draft.version = top.mode, top.version
    return draft, ok


def _read_sections(draft: Draft, top: s.FrameworkFile, file: YamlFile) -> None:
    draft.sources = dict(top.sources)
    add_listed(draft, draft.domains, s.DomainEntry, top.domains, file, ("domains",))
    add_conditions(draft, top.delegation_conditions, file, ("delegation_conditions",))
    add_listed(draft, draft.roles, s.RoleEntry, top.roles, file, ("roles",))
    add_listed(draft, draft.tasks, s.TaskEntry, top.tasks, file, ("tasks",))
    draft.policies = add_plain(
        draft, s.PolicyEntry, top.delegation_policies, file, ("delegation_policies",)
    )
    draft.supervisions = _supervision(draft, top.supervision, file, ("supervision",))
    draft.routes = add_plain(
        draft, s.RouteEntry, top.progression_routes, file, ("progression_routes",)
    )
    for role in draft.roles.values():
        if role.entry.staff_group is not None:
            draft.staff_groups[role.entry.id] = role.entry.staff_group


def merge(base: Draft, user: Draft) -> Draft:
    """The user's draft over the default: `replace` drops the default, `extend` adds to it; an id
    the default already has is replaced only with `override: true`."""
    if user.mode == "replace":
        for table in (user.domains, user.conditions, user.roles, user.tasks):
            for located in table.values():
                if located.entry.override:
                    user.problems.append(
                        located.file.problem(
                            (*located.path, "override"), "override applies only in extend mode"
                        )
                    )
        return user
    out = Draft(
        version=user.version,
        base_version=base.version,
        sources=dict(base.sources),
        staff_groups={**base.staff_groups, **user.staff_groups},
        policies=[*base.policies, *user.policies],
        routes=[*base.routes, *user.routes],
        invalid_ids=base.invalid_ids | user.invalid_ids,
        problems=[*base.problems, *user.problems],
        mode="extend",
        file=user.file,
        supervisions=[*base.supervisions, *user.supervisions],
    )
    file = user.file
    for key, text in user.sources.items():
        if file is not None and key in base.sources and base.sources[key] != text:
            out.problems.append(
                file.problem(
                    ("sources", key), "source id already names another source in the default", key
                )
            )
        out.sources[key] = text
    for name in ("domains", "conditions", "roles", "tasks"):
        table = dict(getattr(base, name))
        for key, located in getattr(user, name).items():
            if located.entry.override and key not in table:
                out.problems.append(
                    located.file.problem(
                        (*located.path, "override"),
                        "override: true, but the default has no such id",
                        key,
                    )
                )
            elif key in table and not located.entry.override:
                where = (*located.path, "id") if name != "conditions" else located.path
                out.problems.append(
                    located.file.problem(
                        where,
                        "id is already in the default framework: set override: true to replace "
                        "that entry, or choose another id",
                        key,
                    )
                )
                continue
            table[key] = located
        setattr(out, name, table)
    return out

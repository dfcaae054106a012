"""Loading a service specification file: every problem at its place, or a checked ServiceSpec.

Problems name the file, the line and the place, for example
`services[3].activities[1].task: unknown task 'MED99'`. Checked on the raw file as well as by the
schema, so that they are reported even where the schema stops early: service ids used twice and
task ids the framework does not know.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from careforce.domain import Problem, UserError, ValidationFailed
from careforce.framework.yamlfile import PathKey, YamlFile, read_yaml_text
from careforce.specification import service_spec as schema
from careforce.specification.service_spec import (
    DRIVER_KINDS,
    Misplaced,
    RepeatedServiceId,
    ServiceSpec,
)

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _field_names() -> list[str]:
    models: list[type[BaseModel]] = [
        getattr(schema, name)
        for name in dir(schema)
        if isinstance(getattr(schema, name), type)
        and issubclass(getattr(schema, name), BaseModel)
        and getattr(schema, name).__module__ == schema.__name__
    ]
    return sorted({field for model in models for field in model.model_fields})


def read_specification_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"service specification {path} does not exist") from None
    except IsADirectoryError:
        raise UserError(f"service specification {path} is a folder, not a file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read service specification {path}: {error}") from None


def load_service_spec(path: Path, known_tasks: Mapping[str, str] | None = None) -> ServiceSpec:
    """The checked specification in `path`; `known_tasks` (task id -> domain) checks task ids.

    Raises UserError when the file cannot be read, ValidationFailed with every problem (file, line,
    place) when its content is wrong.
    """
    return service_spec_from_text(read_specification_text(path), str(path), known_tasks)


def service_spec_from_text(
    text: str, label: str = "services.yaml", known_tasks: Mapping[str, str] | None = None
) -> ServiceSpec:
    """As `load_service_spec`, from text; problems name `label` as the file."""
    file = _parse(text, label)
    problems = list(file.duplicates)
    data = file.data
    spec: ServiceSpec | None = None
    if not isinstance(data, dict):
        problems.append(file.problem((), "a service specification is a mapping of keys"))
    else:
        problems.extend(_repeated_ids(file))
        if known_tasks is not None:
            problems.extend(_unknown_tasks(file, known_tasks))
        try:
            spec = ServiceSpec.model_validate(data)
        except ValidationError as error:
            problems.extend(_schema_problems(file, error))
    if problems or spec is None:
        raise failed(problems, label)
    return spec


def failed(problems: list[Problem], label: str) -> ValidationFailed:
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda p: (p.row or 0, p.column or ""))
    n = len(unique)
    return ValidationFailed(
        unique, summary=f"{n} problem{'s' if n != 1 else ''} in the service specification {label}"
    )


def _parse(text: str, label: str) -> YamlFile:
    try:
        yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        line = None if mark is None else mark.line + 1
        raise failed(
            [Problem(label, line, None, None, f"not valid YAML: {reason}")], label
        ) from None
    return read_yaml_text(text, label)


def _services(file: YamlFile) -> Iterator[tuple[int, dict[str, Any]]]:
    services = file.data.get("services")
    if isinstance(services, list):
        for i, service in enumerate(services):
            if isinstance(service, dict):
                yield i, service


def _repeated_ids(file: YamlFile) -> list[Problem]:
    out = []
    first: dict[str, int] = {}
    for i, service in _services(file):
        sid = service.get("id")
        if not isinstance(sid, str):
            continue
        if sid in first:
            out.append(
                file.problem(
                    ("services", i, "id"), f"id used already by services[{first[sid]}]", sid
                )
            )
        else:
            first[sid] = i
    return out


def _named_tasks(service: dict[str, Any]) -> Iterator[tuple[PathKey, str]]:
    activities = service.get("activities")
    if isinstance(activities, list):
        for k, activity in enumerate(activities):
            if isinstance(activity, dict) and isinstance(activity.get("task"), str):
                yield ("activities", k, "task"), activity["task"]
    for part in ("ratio", "queue"):
        split = service.get(part)
        if isinstance(split, dict) and isinstance(split.get("tasks"), dict):
            for task in split["tasks"]:
                yield (part, "tasks", str(task)), str(task)


def _unknown_tasks(file: YamlFile, known: Collection[str]) -> list[Problem]:
    out = []
    for i, service in _services(file):
        for place, task in _named_tasks(service):
            if task not in known:
                near = difflib.get_close_matches(task, list(known), n=1)
                hint = f": did you mean {near[0]!r}?" if near else ""
                reason = f"unknown task {task!r} (not in the framework){hint}"
                out.append(file.problem(("services", i, *place), reason, task))
    return out


def _clean_location(loc: tuple[Any, ...], data: Any) -> list[str | int]:
    """Pydantic's location as the file's place: drop union tags and dictionary-key markers."""
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if part == "[key]":
            continue
        is_tag = (
            i > 0
            and loc[i - 1] == "driver"
            and part in DRIVER_KINDS
            and isinstance(node, dict)
            and node.get("kind") == part
        )
        if is_tag or not isinstance(part, str | int):
            continue
        out.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return out


def _schema_problems(file: YamlFile, error: ValidationError) -> list[Problem]:
    names = _field_names()
    out = []
    for e in error.errors(include_url=False):
        path: PathKey = tuple(_clean_location(e["loc"], file.data))
        message = str(e["msg"]).removeprefix("Value error, ")
        cause = (e.get("ctx") or {}).get("error")
        kind = e["type"]
        if isinstance(cause, RepeatedServiceId):
            continue  # reported at each repeated id by `_repeated_ids`
        if isinstance(cause, Misplaced):
            message = str(cause)
            path = path if cause.key is None else (*path, cause.key)
        elif kind == "extra_forbidden" and path and path[-1] in names:
            message = "not a key of this entry: it belongs to another kind of entry or driver"
        elif kind == "extra_forbidden":
            near = difflib.get_close_matches(str(path[-1]) if path else "", names, n=1)
            hint = f": did you mean {near[0]!r}?" if near else ""
            message = f"unknown key (not part of service specification version 1){hint}"
        elif kind == "missing":
            message = "required key is missing"
        elif kind == "union_tag_not_found":
            message = f"a driver needs a kind: one of {', '.join(DRIVER_KINDS)}"
        elif kind == "union_tag_invalid":
            message = f"unknown driver kind: one of {', '.join(DRIVER_KINDS)}"
        elif kind in ("too_short", "too_long") and path[-1:] == ("by_hour",):
            given = len(e["input"]) if isinstance(e.get("input"), list) else "another number of"
            message = f"by_hour needs 24 values, hour 0 first; it has {given}"
        elif kind == "literal_error" and path == ("schema_version",):
            message = f"this careforce reads schema_version {schema.SCHEMA_VERSION}"
        value = e.get("input") if kind not in ("missing", "extra_forbidden") else None
        if kind == "union_tag_invalid" and isinstance(value, dict):
            value = value.get("kind")
        shown = value if isinstance(value, str | int | float | bool) else None
        out.append(file.problem(path, message[:1].lower() + message[1:], shown))
    return out


def area_problems(path: Path, spec: ServiceSpec, area_codes: Collection[str]) -> list[Problem]:
    """Areas named in `users_by_area` or `places_by_area` that the population does not have."""
    file: YamlFile | None = None
    out = []
    for i, service in enumerate(spec.services):
        driver = service.driver
        by_area = getattr(driver, "users_by_area", None) or getattr(driver, "places_by_area", None)
        key = "users_by_area" if getattr(driver, "users_by_area", None) else "places_by_area"
        for area in by_area or {}:
            if area in area_codes:
                continue
            if file is None:
                file = read_yaml_text(read_specification_text(path), str(path))
            near = difflib.get_close_matches(area, list(area_codes), n=1)
            hint = f": did you mean {near[0]!r}?" if near else ""
            reason = f"area {area!r} is not in the population file{hint}"
            out.append(file.problem(("services", i, "driver", key, area), reason, area))
    return out

"""Loading a scenario file (TOML): `extends` resolved, every problem at its place, paths resolved.

A scenario that extends another starts from the other's content: tables merge key by key, lists of
programmes and new roles merge by `id` and statutory roles by `kind` (an entry named again changes only the keys
it gives), other lists are replaced. Problems name the file and the place, for example
`programmes[1].fill_rte: unknown key`.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from careforce.domain import Problem, UserError, ValidationFailed
from careforce.scenario import schema
from careforce.scenario.schema import Scenario

MAX_EXTENDS_DEPTH = 10
_MERGED_BY_KEY = {"programmes": "id", "statutory": "kind", "new_roles": "id"}  # merged by item
PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class LoadedScenario:
    """A checked scenario, where it was read from, and the files it came from (itself first)."""

    scenario: Scenario
    path: Path
    chain: tuple[Path, ...]

    def input_path(self, value: str | None) -> Path | None:
        """An input named in the scenario, relative to the scenario file unless absolute."""
        if value is None:
            return None
        given = Path(value).expanduser()
        return given if given.is_absolute() else (self.path.parent / given)

    def database_url(self) -> str:
        """The database as a URL: a plain file name is a SQLite file beside the scenario."""
        value = self.scenario.data.database
        if "://" in value:
            return value
        path = self.input_path(value)
        return f"sqlite:///{path.resolve() if path is not None else value}"


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"scenario file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read scenario file {path}: {error}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationFailed(
            [Problem(str(path), getattr(error, "lineno", None), None, None, f"not TOML: {error}")],
            summary=f"{path} is not a TOML file",
        ) from None


def merge(base: Any, change: Any, at: str = "") -> Any:
    """`change` laid over `base` (see the module notes)."""
    if isinstance(base, dict) and isinstance(change, dict):
        out = dict(base)
        for key, value in change.items():
            out[key] = merge(base.get(key), value, key) if key in base else value
        return out
    if at in _MERGED_BY_KEY and isinstance(base, list) and isinstance(change, list):
        name = _MERGED_BY_KEY[at]
        merged = list(base)
        index = {item.get(name): i for i, item in enumerate(base) if isinstance(item, dict)}
        for item in change:
            key = item.get(name) if isinstance(item, dict) else None
            if key is not None and key in index:
                merged[index[key]] = merge(merged[index[key]], item)
            else:
                merged.append(item)
        return merged
    return change


def _resolved(path: Path) -> tuple[dict[str, Any], tuple[Path, ...]]:
    chain: list[Path] = []
    layers: list[dict[str, Any]] = []
    current: Path | None = path
    while current is not None:
        resolved = current.resolve()
        if resolved in chain:
            names = " -> ".join(p.name for p in (*chain, resolved))
            raise UserError(f"scenario {path}: `extends` goes round in a circle ({names})")
        if len(chain) >= MAX_EXTENDS_DEPTH:
            raise UserError(f"scenario {path}: more than {MAX_EXTENDS_DEPTH} levels of `extends`")
        data = _read(current)
        chain.append(resolved)
        layers.append(data)
        parent = data.get("extends")
        if parent is not None and not isinstance(parent, str):
            raise ValidationFailed(
                [Problem(str(current), None, "extends", repr(parent), "give a file name")]
            )
        current = (current.parent / parent) if parent else None
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged = merge(merged, layer)
    merged["extends"] = layers[0].get("extends")
    return merged, tuple(chain)


def _known_keys() -> list[str]:
    models = [
        m
        for m in vars(schema).values()
        if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == schema.__name__
    ]
    return sorted({f for m in models for f in m.model_fields})


def _format(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _problems(label: str, error: ValidationError) -> list[Problem]:
    known = _known_keys()
    out = []
    for e in error.errors(include_url=False):
        path: PathKey = tuple(p for p in e["loc"] if isinstance(p, str | int))
        message = str(e["msg"]).removeprefix("Value error, ")
        value = e.get("input")
        if e["type"] == "extra_forbidden":
            key = str(path[-1]) if path else ""
            close = difflib.get_close_matches(key, known, n=1)
            message = "unknown key" + (f": did you mean `{close[0]}`?" if close else "")
            value = None
        elif e["type"] == "missing":
            message = "required key is missing"
            value = None
        shown = str(value) if isinstance(value, str | int | float | bool) else None
        out.append(Problem(label, None, _format(path) or None, shown, message))
    return out


def load_scenario(path: Path) -> LoadedScenario:
    """The checked scenario in `path`, with `extends` resolved.

    Raises UserError when a file cannot be read, ValidationFailed listing every problem.
    """
    data, chain = _resolved(path)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        found = _problems(str(path), error)
        raise ValidationFailed(
            found, summary=f"{path}: {len(found)} problem(s) in the scenario; nothing was run"
        ) from None
    return LoadedScenario(scenario, path, chain)


def scenario_json_schema() -> dict[str, Any]:
    """The published contract of scenario files (docs/schemas/scenario.v1.json)."""
    document = Scenario.model_json_schema(mode="validation")
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["$id"] = f"careforce/scenario.v{schema.SCHEMA_VERSION}.json"
    document["title"] = f"careforce scenario, schema version {schema.SCHEMA_VERSION}"
    return document


def main() -> None:
    """Print the JSON Schema: `python -m careforce.scenario.load > docs/schemas/scenario.v1.json`."""
    import json
    import sys

    sys.stdout.write(json.dumps(scenario_json_schema(), indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

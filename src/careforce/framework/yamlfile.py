"""Reading framework YAML with the line of every key and list item, so problems name their place.

A place is a path such as `tasks[3].delegation.delegable_to[1]`: keys joined by dots, list
positions in brackets counted from 0, as the file is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from careforce.domain import Problem, UserError

PathKey = tuple[str | int, ...]
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True)
class YamlFile:
    """A parsed YAML file: its data, the line of each place in it, and duplicate keys found."""

    label: str
    data: Any
    lines: dict[PathKey, int] = field(repr=False)
    duplicates: tuple[Problem, ...] = ()
    user: bool = True

    def line_of(self, path: PathKey) -> int | None:
        """The line of the place, or of the nearest enclosing place the file has."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None

    def problem(
        self, path: PathKey, reason: str, value: object = None, *, line: int | None = None
    ) -> Problem:
        shown = None if value is None else _short(value)
        return Problem(
            file=self.label,
            row=line if line is not None else self.line_of(path),
            column=format_path(path) or None,
            value=shown,
            reason=reason,
        )


def _short(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def read_yaml_text(text: str, label: str, *, user: bool = True) -> YamlFile:
    """Parse one YAML document; a syntax error is a user error that names the line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise UserError(f"{label}{where}: not valid YAML ({error})") from None
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    duplicates: list[Problem] = []
    if node is not None:
        _walk(node, (), lines, duplicates, label)
    return YamlFile(label, data, lines, tuple(duplicates), user)


def read_yaml_file(path: Path) -> YamlFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"framework file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read framework file {path}: {error}") from None
    return read_yaml_text(text, str(path))


def _walk(
    node: yaml.Node,
    path: PathKey,
    lines: dict[PathKey, int],
    duplicates: list[Problem],
    label: str,
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = _key(key_node)
            here = (*path, key)
            if key in seen:
                duplicates.append(
                    Problem(
                        label,
                        key_node.start_mark.line + 1,
                        format_path(here),
                        None,
                        "key given twice in the same mapping: the second would silently win",
                    )
                )
                continue
            seen.add(key)
            lines[here] = key_node.start_mark.line + 1
            _walk(value_node, here, lines, duplicates, label)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, duplicates, label)


def _key(node: yaml.Node) -> str:
    return str(node.value)

"""The default framework exported as one framework file reads back as the default framework."""

from __future__ import annotations

from pathlib import Path

import yaml

from careforce.framework.export import default_framework_text
from careforce.framework.loader import default_framework, framework_from_text, load_framework

FW = default_framework()


def test_the_exported_file_is_a_replace_file_of_the_default_version() -> None:
    data = yaml.safe_load(default_framework_text())
    assert data["mode"] == "replace"
    assert data["version"] == FW.version
    assert all("staff_group" in role for role in data["roles"])


def test_the_exported_file_reads_back_as_the_default_framework() -> None:
    back = framework_from_text(default_framework_text(), "framework.yaml")
    assert back.version == FW.version
    assert list(back.tasks) == list(FW.tasks)
    assert list(back.roles) == list(FW.roles)
    assert {k: t.status for k, t in back.tasks.items()} == {
        k: t.status for k, t in FW.tasks.items()
    }
    for name in (
        "roles",
        "tasks",
        "domains",
        "conditions",
        "supervision",
        "progression_routes",
        "role_details",
        "supervision_by_task",
        "policies",
        "sources",
    ):
        assert getattr(back, name) == getattr(FW, name), name


def test_the_exported_file_loads_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "framework.yaml"
    path.write_text(default_framework_text(), encoding="utf-8")
    back = load_framework(path)
    assert {k: (t.default_holders, t.delegable_to) for k, t in back.tasks.items()} == {
        k: (t.default_holders, t.delegable_to) for k, t in FW.tasks.items()
    }

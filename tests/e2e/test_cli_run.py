"""`careforce run` and `careforce compare`, run as a user runs them: help, and inputs refused
with exit code 2, a clear message and nothing written. (Full runs on the demo region are in
tests/integration/test_run_compare.py.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CAREFORCE = str(Path(sys.executable).with_name("careforce"))
DEMO_DATA = Path(__file__).resolve().parents[2] / "src" / "careforce" / "demo" / "data"
TYPO = """schema_version = 1
name = "More nurses"
extends = "baseline.toml"

[[programmes]]
id = "nursing_adult"
commisioned_places = 400
"""


def careforce(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAREFORCE, *args], capture_output=True, text=True, timeout=300, check=False, cwd=cwd
    )


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    """The demo's baseline scenario and an alternative with a typo in a lever, beside it."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(DEMO_DATA / "baseline.toml", folder / "baseline.toml")
    (folder / "typo.toml").write_text(TYPO, encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", ["run", "compare"])
def test_help_names_the_options(command: str, tmp_path: Path) -> None:
    done = careforce(command, "--help", cwd=tmp_path)
    assert done.returncode == 0
    for option in ("--out", "--runs", "--seed", "--sample", "--plan", "--json"):
        assert option in done.stdout


def test_run_with_a_typo_exits_2_naming_the_key_and_writes_nothing(
    scenarios: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = careforce("run", str(scenarios / "typo.toml"), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2
    assert "programmes[0].commisioned_places" in done.stderr
    assert "did you mean `commissioned_places`" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios"]  # no database made


def test_compare_with_a_typo_in_json_mode_prints_the_problem_document(
    scenarios: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = careforce(
        "compare",
        str(scenarios / "baseline.toml"),
        str(scenarios / "typo.toml"),
        "--out",
        str(out),
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    document = json.loads(done.stdout)
    assert document["ok"] is False
    assert [p["column"] for p in document["problems"]] == ["programmes[0].commisioned_places"]
    assert not out.exists()


def test_compare_needs_an_alternative(scenarios: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = careforce("compare", str(scenarios / "baseline.toml"), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2
    assert "at least one alternative" in done.stderr
    assert not out.exists()


def test_run_without_a_database_exits_2_and_creates_none(scenarios: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = careforce("run", str(scenarios / "baseline.toml"), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2
    assert "no database at" in done.stderr
    assert not out.exists()
    assert not (tmp_path / "careforce.sqlite").exists()


def test_run_needs_out(scenarios: Path, tmp_path: Path) -> None:
    done = careforce("run", str(scenarios / "baseline.toml"), cwd=tmp_path)
    assert done.returncode == 2
    assert "--out" in done.stderr

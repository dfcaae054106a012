"""`careforce competencies` and `careforce training` as a user runs them: published tables only,
small counts of people hidden, a planner's own training targets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import esr_row, write_reference_files, write_source

CAREFORCE = str(Path(sys.executable).with_name("careforce"))
CENSUS = "2026-03-31"


def careforce(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAREFORCE, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Eight nurses and two porters in one health board, imported through the real path."""
    environment = dict(
        os.environ,
        CAREFORCE_SECRET_FILE=str(tmp_path / "key" / "secret.key"),
        CAREFORCE_DATABASE_URL=f"sqlite:///{tmp_path / 'cf.sqlite'}",
    )
    assert careforce(environment, "init").returncode == 0
    localities, organisations = write_reference_files(tmp_path)
    rows = [
        esr_row(post_ref=f"N{i}", staff_number=f"E{i}", ni_number=f"TN00000{i}A") for i in range(8)
    ] + [
        esr_row(
            post_ref=f"P{i}",
            staff_number=f"Q{i}",
            ni_number=f"TN10000{i}A",
            source_role_code="estates_ancillary",
            pay_band="2",
        )
        for i in range(2)
    ]
    extract = write_source(tmp_path / "esr.csv", "esr", rows)
    for kind, path in (
        ("localities", localities),
        ("organisations", organisations),
        ("esr", extract),
    ):
        result = careforce(environment, "import", kind, str(path))
        assert result.returncode == 0, result.stderr
    return environment


def test_competencies_publish_counts_and_hide_small_ones(env: dict[str, str]) -> None:
    result = careforce(env, "competencies", "--census-date", CENSUS, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)["competencies"]
    assert document["headcount_in_post"] == 10
    assert document["posts_unknown_role"] == 0
    by_task = {row["task_id"]: row for row in document["tables"]["by_competency"]}
    nurse_only = [t for t, row in by_task.items() if row["headcount"] == "8"]
    assert nurse_only, "some task is held by the eight nurses alone"
    # a task held by the nurses and the two porters: 10 shown, the porters' share never
    both = [t for t, row in by_task.items() if row["headcount"] == "10"]
    assert all(by_task[t]["posts_role"] in {"10", "*"} for t in both)
    assert all(row["headcount"] not in {"1", "2", "3", "4"} for row in by_task.values())
    assert "person_key" not in json.dumps(document)  # nothing staff-level leaves


def test_training_with_the_planners_own_targets(tmp_path: Path, env: dict[str, str]) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "version: 1\n"
        "targets:\n"
        "  - id: nurses_l1\n"
        "    name: Mental health literacy for nurses\n"
        "    competency: MH01\n"
        "    level: informed\n"
        "    applies_to: {staff_groups: [registered_nursing_midwifery]}\n"
        "    basis: 'assumption: a local target'\n",
        encoding="utf-8",
    )
    result = careforce(
        env, "training", "--census-date", CENSUS, "--targets", str(targets), "--json"
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)["training"]
    assert document["targets"] == ["nurses_l1"]
    overall = document["tables"]["compliance_overall"]
    assert overall == [
        {
            "target_id": "nurses_l1",
            "people_needing": "8",
            "people_compliant": "0",
            "compliance_percent": "0.0",
        }
    ]

    targets.write_text("version: 1\ntargets:\n  - id: x\n    nme: typo\n", encoding="utf-8")
    bad = careforce(env, "training", "--targets", str(targets))
    assert bad.returncode == 2
    assert "targets.yaml" in bad.stderr and "Traceback" not in bad.stderr

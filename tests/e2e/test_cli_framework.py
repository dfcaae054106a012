"""`careforce framework validate` and `careforce framework show`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CAREFORCE = str(Path(sys.executable).with_name("careforce"))
FILES = Path(__file__).resolve().parents[1] / "unit" / "framework_files"
TEN_MISTAKES = FILES / "ten_mistakes.yaml"
EXTENSION = FILES / "local_extension.yaml"


def careforce(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAREFORCE, "framework", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_validate_a_good_file_exits_0_with_a_summary() -> None:
    done = careforce("validate", str(EXTENSION))
    assert done.returncode == 0, done.stderr
    assert "valid framework, version local-2026.1" in done.stdout
    assert "121 tasks" in done.stdout
    done = careforce("validate", str(EXTENSION), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["ok"] is True
    assert document["framework"]["tasks_by_status"]["delegable_conditional"] == 20


def test_validate_lists_every_problem_with_its_place_and_exits_2() -> None:
    done = careforce("validate", str(TEN_MISTAKES))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "10 problems" in done.stderr
    listed = [line for line in done.stderr.splitlines() if line.startswith("  - ")]
    assert len(listed) == 10
    assert "row 28, column 'tasks[0].default_holders[1]'" in listed[2]


def test_validate_json_is_one_document_of_problems() -> None:
    done = careforce("validate", str(TEN_MISTAKES), "--json")
    assert done.returncode == 2
    document = json.loads(done.stdout)
    assert document["ok"] is False
    assert len(document["problems"]) == 10
    first = document["problems"][0]
    assert first["column"] == "roles[0].cf_level"
    assert first["row"] == 15
    assert first["file"] == str(TEN_MISTAKES)


def test_validate_a_missing_file_or_bad_yaml_exits_2(tmp_path: Path) -> None:
    done = careforce("validate", str(tmp_path / "nope.yaml"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("mode: [extend\n")
    done = careforce("validate", str(bad), "--json")
    assert done.returncode == 2
    assert "not valid YAML" in json.loads(done.stdout)["error"]


def test_show_a_task_says_who_may_do_it_and_on_what_conditions() -> None:
    done = careforce("show", "--task", "MED03")
    assert done.returncode == 0, done.stderr
    for text in (
        "Own competence",
        "By delegation",
        "Conditions of delegation",
        "DC3",
        "Supervision",
    ):
        assert text in done.stdout
    done = careforce("show", "--task", "MED03", "--json")
    view = json.loads(done.stdout)
    assert view["task"]["status"] == "delegable_conditional"
    assert "rn_adult" in [r["role"] for r in view["own_competence"]]
    assert "sc_care_worker_dom" in [r["role"] for r in view["by_delegation"]]
    assert [c["id"] for c in view["conditions"]] == [f"DC{i}" for i in range(1, 9)]
    assert view["supervision"]["review_hours_per_worker_per_task_per_year"] == 1


def test_show_a_role_lists_its_tasks_with_and_without_delegation() -> None:
    done = careforce("show", "--role", "sc_care_worker_dom", "--json")
    assert done.returncode == 0, done.stderr
    view = json.loads(done.stdout)
    assert view["role"]["registrant"] is False
    own = [t["task"] for t in view["without_delegation"]]
    delegated = [t["task"] for t in view["by_delegation"]]
    assert "PC01" in own and "MED03" in delegated and not set(own) & set(delegated)
    assert view["progression"]["to"][0]["to_role"] == "sc_senior_care_worker"
    text = careforce("show", "--role", "sc_care_worker_dom")
    assert "Tasks by delegation" in text.stdout


def test_show_uses_a_framework_file_when_given() -> None:
    done = careforce("show", "--task", "TEL02", "--framework", str(EXTENSION), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["own_competence"][0]["role"] == "district_nurse"
    done = careforce("show", "--task", "TEL02")
    assert done.returncode == 2
    assert "unknown task 'TEL02'" in done.stderr


def test_show_needs_exactly_one_of_role_or_task() -> None:
    for args in ([], ["--role", "hcsw", "--task", "PC01"]):
        done = careforce("show", *args)
        assert done.returncode == 2
        assert "give one of --role ROLE or --task TASK" in done.stderr

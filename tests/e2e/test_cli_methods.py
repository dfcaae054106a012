"""`careforce wisn` and `careforce erlang`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CAREFORCE = str(Path(sys.executable).with_name("careforce"))
FILES = Path(__file__).resolve().parents[1] / "unit" / "wisn_files"
WISN_KEYS = {
    "available_working_time_days",
    "available_working_time_hours",
    "standard_workloads",
    "staff_for_health_services",
    "category_allowance_percent",
    "category_allowance_factor",
    "individual_allowance_factor",
    "required_staff",
    "required_staff_rounded",
    "existing_staff",
    "difference",
    "wisn_ratio",
}


def careforce(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAREFORCE, *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_wisn_json_for_one_staff_category() -> None:
    done = careforce("wisn", str(FILES / "health_centre_nurse.yaml"), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert isinstance(document, dict)
    assert set(document) >= WISN_KEYS
    assert set(document) - WISN_KEYS <= {"staff_category", "facility", "reading"}
    assert document["available_working_time_days"] == 205
    assert document["available_working_time_hours"] == 1640
    assert document["standard_workloads"] == {"Outpatient consultation": 6560, "Home visit": 820}
    required = (100_000 / 6560 + 2_000 / 820) / 0.9 + 240 / 1640
    assert document["required_staff"] == pytest.approx(required, rel=1e-12)  # full precision
    assert document["required_staff_rounded"] == 20
    assert document["existing_staff"] == 12
    assert document["difference"] == pytest.approx(12 - required, rel=1e-12)
    assert document["wisn_ratio"] == pytest.approx(12 / required, rel=1e-12)
    assert document["reading"] == "shortage"


def test_wisn_json_is_a_list_for_several_categories_and_text_shows_each() -> None:
    done = careforce("wisn", str(FILES / "two_categories.yaml"), "--json")
    assert done.returncode == 0, done.stderr
    documents = json.loads(done.stdout)
    assert [d["staff_category"] for d in documents] == ["Nurse", "Community health worker"]
    assert all(set(d) >= WISN_KEYS for d in documents)
    shown = careforce("wisn", str(FILES / "two_categories.yaml"))
    assert shown.returncode == 0, shown.stderr
    assert "WISN: Nurse, Health centre" in shown.stdout
    assert "WISN: Community health worker" in shown.stdout
    assert "Required staff, whole (WHO)" in shown.stdout


def test_wisn_bad_file_exits_2_with_every_problem() -> None:
    bad = FILES / "planted_mistakes.yaml"
    done = careforce("wisn", str(bad))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    listed = [line for line in done.stderr.splitlines() if line.startswith("  - ")]
    assert len(listed) == 9
    assert "column 'health_service_activities[0].rate'" in done.stderr
    done = careforce("wisn", str(bad), "--json")
    assert done.returncode == 2
    document = json.loads(done.stdout)
    assert document["ok"] is False and len(document["problems"]) == 9
    assert document["problems"][0]["file"] == str(bad)


def test_wisn_missing_file_exits_2(tmp_path: Path) -> None:
    done = careforce("wisn", str(tmp_path / "nope.yaml"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr


def test_erlang_json() -> None:
    done = careforce(
        "erlang", "--arrivals-per-hour", "100", "--handling-minutes", "3",
        "--target-seconds", "20", "--service-level", "0.8", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document) == {
        "agents",
        "service_level",
        "probability_of_waiting",
        "mean_wait_seconds",
    }
    assert document["agents"] == 8
    assert document["service_level"] == pytest.approx(0.880148, abs=1e-6)
    assert document["probability_of_waiting"] == pytest.approx(0.167267, abs=1e-6)
    assert document["mean_wait_seconds"] == pytest.approx(10.036, abs=1e-3)
    text = careforce(
        "erlang", "--arrivals-per-hour", "100", "--handling-minutes", "3",
        "--target-seconds", "20", "--service-level", "0.8",
    )  # fmt: skip
    assert text.returncode == 0 and "agents" in text.stdout and "8" in text.stdout


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--arrivals-per-hour", "-5", "arrivals per hour must not be negative"),
        ("--handling-minutes", "0", "handling minutes must be above 0"),
        ("--target-seconds", "-1", "target seconds must not be negative"),
        ("--service-level", "80", "service level must be above 0 and below 1"),
        ("--service-level", "1", "service level must be above 0 and below 1"),
    ],
)
def test_erlang_bad_values_exit_2(option: str, value: str, message: str) -> None:
    values = {
        "--arrivals-per-hour": "100",
        "--handling-minutes": "3",
        "--target-seconds": "20",
        "--service-level": "0.8",
    }
    values[option] = value
    args = [part for pair in values.items() for part in pair]
    done = careforce("erlang", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    done = careforce("erlang", *args, "--json")
    assert done.returncode == 2
    assert message in json.loads(done.stdout)["error"]

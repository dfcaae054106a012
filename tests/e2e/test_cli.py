"""The command-line contract, run as a user runs it: exit codes, --json, all-or-nothing imports."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from support import esr_row, social_care_row, write_reference_files, write_source

CAREFORCE = str(Path(sys.executable).with_name("careforce"))
STAFF_TABLES = (
    "persons",
    "person_identifiers",
    "posts",
    "vacancies",
    "training_records",
    "statutory_approvals",
    "volunteers",
    "organisations",
    "localities",
    "role_mappings",
    "imports",
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return dict(
        os.environ,
        CAREFORCE_SECRET_FILE=str(tmp_path / "key" / "secret.key"),
        CAREFORCE_DATABASE_URL=f"sqlite:///{tmp_path / 'cf.sqlite'}",
    )


def careforce(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAREFORCE, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def snapshot(database: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(database) as connection:
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in STAFF_TABLES
        }


@pytest.fixture
def ready(tmp_path: Path, env: dict[str, str]) -> Path:
    """An initialised database with the places and organisations loaded."""
    assert careforce(env, "init").returncode == 0
    localities, organisations = write_reference_files(tmp_path)
    for kind, path in (("localities", localities), ("organisations", organisations)):
        result = careforce(env, "import", kind, str(path))
        assert result.returncode == 0, result.stderr
    return tmp_path / "cf.sqlite"


def test_help_and_usage_errors(env: dict[str, str]) -> None:
    assert careforce(env, "--help").returncode == 0
    assert careforce(env, "import").returncode == 2
    assert careforce(env, "no-such-command").returncode == 2


def test_init_creates_a_private_key_outside_the_database(
    tmp_path: Path, env: dict[str, str]
) -> None:
    result = careforce(env, "init", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    key = Path(document["init"]["secret_file"])
    assert key.exists() and key.stat().st_mode & 0o077 == 0
    assert not key.is_relative_to(tmp_path / "cf.sqlite")
    again = json.loads(careforce(env, "init", "--json").stdout)
    assert again["init"]["secret_created"] is False


def test_import_before_init_is_a_user_error(tmp_path: Path, env: dict[str, str]) -> None:
    localities, _ = write_reference_files(tmp_path)
    result = careforce(env, "import", "localities", str(localities))
    assert result.returncode == 2
    assert "careforce init" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_twice_changes_nothing(tmp_path: Path, env: dict[str, str], ready: Path) -> None:
    extract = write_source(
        tmp_path / "esr.csv", "esr", [esr_row(), esr_row(post_ref="A2", fte="0.2")]
    )
    first = json.loads(careforce(env, "import", "esr", str(extract), "--json").stdout)
    assert first["import"]["added"] > 0
    before = snapshot(ready)
    second = careforce(env, "import", "esr", str(extract), "--json")
    assert second.returncode == 0
    assert json.loads(second.stdout)["import"]["added"] == 0
    assert json.loads(second.stdout)["import"]["changed"] == 0
    after = snapshot(ready)
    assert {t: v for t, v in after.items() if t != "imports"} == {
        t: v for t, v in before.items() if t != "imports"
    }


def test_same_person_in_two_employers_is_one_person(
    tmp_path: Path, env: dict[str, str], ready: Path
) -> None:
    esr = write_source(tmp_path / "esr.csv", "esr", [esr_row(fte="0.8")])
    care = write_source(tmp_path / "care.csv", "social_care", [social_care_row(fte="0.2")])
    assert careforce(env, "import", "esr", str(esr)).returncode == 0
    result = careforce(env, "import", "social_care", str(care))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(ready) as connection:
        people = connection.execute("SELECT COUNT(*) FROM persons").fetchone()[0]
        posts, fte = connection.execute("SELECT COUNT(*), SUM(fte) FROM posts").fetchone()
        sex = connection.execute("SELECT sex FROM persons").fetchone()[0]
    assert (people, posts) == (1, 2)
    assert fte == pytest.approx(1.0)
    assert sex == "female"  # the second file's blank does not wipe the first file's value


def test_no_raw_identifier_is_stored(tmp_path: Path, env: dict[str, str], ready: Path) -> None:
    esr = write_source(
        tmp_path / "esr.csv",
        "esr",
        [esr_row(ni_number="QQ123456C", staff_number="STAFF-9876", registration_number="12A3456E")],
    )
    assert careforce(env, "import", "esr", str(esr)).returncode == 0
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("cf.sqlite*"))
    for raw in (b"QQ123456C", b"STAFF-9876", b"12A3456E", b"1975-06-01"):
        assert raw not in stored


BAD_FILES = {
    "wrong_column": lambda p: p.write_text("Organisation Code,Surname\nNHS1,Jones\n"),
    "bad_date": lambda p: write_source(p, "esr", [esr_row(start_date="2023-02-30")]),
    "unknown_role": lambda p: write_source(p, "esr", [esr_row(source_role_code="ZZ999")]),
    "fte_too_high": lambda p: write_source(p, "esr", [esr_row(fte="1.6")]),
    "duplicate_post": lambda p: write_source(p, "esr", [esr_row(), esr_row()]),
    "missing_field": lambda p: write_source(p, "esr", [esr_row(start_date="")]),
    "not_utf8": lambda p: p.write_bytes(
        "Organisation Code,Assignment Number\nNHS1,Ysbyty Gwynedd \u00e2\n".encode("cp1252")
    ),
    "empty": lambda p: p.write_bytes(b""),
    "garbage_20mb": lambda p: p.write_bytes(os.urandom(20 * 1024 * 1024)),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_malformed_file_is_refused_and_writes_nothing(
    case: str, tmp_path: Path, env: dict[str, str], ready: Path
) -> None:
    good = write_source(tmp_path / "good.csv", "esr", [esr_row()])
    assert careforce(env, "import", "esr", str(good)).returncode == 0
    before = snapshot(ready)
    bad = tmp_path / f"{case}.csv"
    BAD_FILES[case](bad)
    result = careforce(env, "import", "esr", str(bad), "--json")
    assert result.returncode == 2, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["problems"]
    assert all(p["file"] and p["reason"] for p in document["problems"])
    assert "Traceback" not in result.stderr
    assert snapshot(ready) == before


def test_problems_name_row_column_value_and_reason(
    tmp_path: Path, env: dict[str, str], ready: Path
) -> None:
    bad = write_source(tmp_path / "bad.csv", "esr", [esr_row(), esr_row(post_ref="A2", fte="1.6")])
    result = careforce(env, "import", "esr", str(bad), "--json")
    problems = json.loads(result.stdout)["problems"]
    assert {"row": 3, "column": "FTE", "value": "1.6"}.items() <= problems[0].items()
    text = careforce(env, "import", "esr", str(bad))
    assert "row 3" in text.stderr and "FTE" in text.stderr


def test_organisation_option_refuses_other_organisations_rows(
    tmp_path: Path, env: dict[str, str], ready: Path
) -> None:
    extract = write_source(tmp_path / "esr.csv", "esr", [esr_row()])
    result = careforce(env, "import", "esr", str(extract), "--organisation", "CARE1")
    assert result.returncode == 2
    assert "NHS1" in result.stderr


def test_quality_reports_coverage_and_completeness(
    tmp_path: Path, env: dict[str, str], ready: Path
) -> None:
    esr = write_source(tmp_path / "esr.csv", "esr", [esr_row()])
    care = write_source(tmp_path / "care.csv", "social_care", [social_care_row()])
    careforce(env, "import", "esr", str(esr))
    careforce(env, "import", "social_care", str(care))
    result = careforce(env, "quality", "--json")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    json.loads(text)
    assert "SILENT" in text  # the organisation that sent nothing is reported
    plain = careforce(env, "quality")
    assert plain.returncode == 0 and "SILENT" in plain.stdout


def test_quality_takes_the_census_date_of_the_extracts(
    tmp_path: Path, env: dict[str, str], ready: Path
) -> None:
    esr = write_source(tmp_path / "esr.csv", "esr", [esr_row(start_date="2024-06-01")])
    careforce(env, "import", "esr", str(esr))
    before = json.loads(careforce(env, "quality", "--census-date", "2024-03-31", "--json").stdout)
    after = json.loads(careforce(env, "quality", "--census-date", "2024-07-01", "--json").stdout)
    assert before["quality"]["people_in_post"] == 0
    assert after["quality"]["people_in_post"] == 1
    bad = careforce(env, "quality", "--census-date", "31 March")
    assert bad.returncode == 2 and "not a date" in bad.stderr

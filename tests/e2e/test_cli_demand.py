"""`careforce demand`, run as a user runs it: a specification and a population in, FTE out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

CAREFORCE = str(Path(sys.executable).with_name("careforce"))

SPEC = """\
schema_version: 1
name: Two-area test region
base_year: 2026
years: 3
standard_hours_per_fte: 1500
population: population.csv
services:
  - id: district_nursing
    name: District nursing
    setting: community
    driver:
      kind: population
      use_rate:
        - {ages: "75+", rate: 0.1}
    activities:
      - {task: MED03, contacts_per_user_per_year: 30, minutes_per_contact: [20, 40]}
  - id: care_home
    name: Care homes
    setting: residential
    driver: {kind: places, places_by_area: {AREA-B: 50}}
    ratio:
      levels: [{name: all, share_of_places: 1, fte_per_place: 0.8}]
      tasks: {PC01: 1}
"""


def careforce(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAREFORCE, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def region(tmp_path: Path) -> Path:
    """AREA-A: 1,000 people aged 80 each year; AREA-B: 500 aged 80 and 2,000 aged 40."""
    rows = []
    for year in (2026, 2027, 2028, 2029):
        for area in ("AREA-A", "AREA-B"):
            for age in range(101):
                people = {("AREA-A", 80): 1000, ("AREA-B", 80): 500, ("AREA-B", 40): 2000}
                rows.append((area, age, year, people.get((area, age), 0)))
    pl.DataFrame(rows, schema=["area_code", "age", "year", "population"], orient="row").write_csv(
        tmp_path / "population.csv"
    )
    spec = tmp_path / "services.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    return spec


def test_json_gives_central_fte_and_ranges_by_domain_area_and_year(region: Path) -> None:
    done = careforce(
        "demand", region.name, "--runs", "40", "--seed", "5", "--json", cwd=region.parent
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["ok"] is True
    demand = document["demand"]
    assert demand["years"] == [2026, 2027, 2028]
    assert demand["runs"] == 40 and demand["seed"] == 5
    assert demand["standard_hours_per_fte_basis"] == "stated in the specification"
    # district nursing: 150 users x 30 contacts x 30 minutes / 60 = 2,250 hours = 1.5 FTE
    # care homes: 50 places x 0.8 FTE = 40 FTE, all in AREA-B
    med = [r for r in demand["by_domain"] if r["domain"] == "MED"]
    assert [r["fte_central"] for r in med] == pytest.approx([1.5, 1.5, 1.5])
    assert med[0]["fte_p5"] < 1.5 < med[0]["fte_p95"]
    pc = [r for r in demand["by_domain"] if r["domain"] == "PC"]
    assert pc[0]["fte_central"] == pytest.approx(40) and pc[0]["fte_p95"] == pytest.approx(40)
    area_b = next(r for r in demand["by_area"] if r["area_code"] == "AREA-B" and r["year"] == 2026)
    assert area_b["hours_central"] == pytest.approx(40 * 1500 + 750)
    assert {r["setting"] for r in demand["by_setting"]} == {"community", "residential"}
    assert {r["task"] for r in demand["by_task"]} == {"MED03", "PC01"}
    assert demand["total"][0]["fte_central"] == pytest.approx(41.5)


def test_the_same_seed_gives_the_same_numbers(region: Path) -> None:
    runs = [
        careforce(
            "demand", str(region), "--runs", "10", "--years", "2", "--json", cwd=region.parent
        )
        for _ in range(2)
    ]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    assert json.loads(runs[0].stdout)["demand"]["years"] == [2026, 2027]


def test_tables_show_fte_by_domain_and_area(region: Path) -> None:
    done = careforce("demand", str(region), "--runs", "20", cwd=region.parent)
    assert done.returncode == 0, done.stderr
    for heading in ("Required FTE by competency domain", "Required FTE by area", "AREA-B"):
        assert heading in done.stdout


def test_a_typo_in_the_specification_exits_2_with_its_place(region: Path) -> None:
    region.write_text(SPEC.replace("minutes_per_contact", "minutes_per_contcat"), encoding="utf-8")
    done = careforce("demand", str(region), cwd=region.parent)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "services[0].activities[0].minutes_per_contcat" in done.stderr
    done = careforce("demand", str(region), "--json", cwd=region.parent)
    assert done.returncode == 2
    document = json.loads(done.stdout)
    assert document["ok"] is False
    columns = {p["column"] for p in document["problems"]}
    assert "services[0].activities[0].minutes_per_contcat" in columns


def test_an_area_the_population_lacks_or_a_missing_population_exits_2(region: Path) -> None:
    region.write_text(SPEC.replace("AREA-B: 50", "AREA-C: 50"), encoding="utf-8")
    done = careforce("demand", str(region), cwd=region.parent)
    assert done.returncode == 2
    assert "area 'AREA-C' is not in the population file" in done.stderr
    done = careforce(
        "demand", str(region), "--population", "elsewhere.csv", "--years", "9", cwd=region.parent
    )
    assert done.returncode == 2
    assert "population file elsewhere.csv does not exist" in done.stderr

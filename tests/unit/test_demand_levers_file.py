"""The `[demand]` levers of a scenario file reach `compute_demand`: read from TOML, drawn with the
run's seed, and problems reported at their place in the scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from careforce.domain import ValidationFailed
from careforce.scenario.load import load_scenario
from careforce.services.demand import compute_demand

SPEC = """\
schema_version: 1
name: Levers test services
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
      - {task: MED03, contacts_per_user_per_year: 30, minutes_per_contact: 20}
  - id: care_home
    name: Care homes
    setting: residential
    driver: {kind: places, places: 50}
    ratio:
      levels: [{name: all, share_of_places: 1, fte_per_place: 0.8}]
      tasks: {PC01: 1}
"""
SCENARIO = """\
schema_version = 1
name = "Digital nursing"

[data]
database = "staff.sqlite"
census_date = 2026-03-31

{levers}
"""
PRODUCTIVITY = """\
[[demand.productivity]]
services = ["district_nursing"]
tasks = ["{task}"]
minutes_multiplier = [0.7, 0.9]
from_year = 2027
basis = "assumption: remote monitoring"

[[demand.service_shifts]]
service = "care_home"
users_multiplier = 0.5
from_year = 2028
basis = "assumption: more care at home"
"""


def write_inputs(folder: Path, levers: str) -> tuple[Path, Path]:
    """1,000 people aged 80 in one area every year; the specification and a scenario beside."""
    rows = [
        ("LA-A", age, year, 1000 if age == 80 else 0)
        for year in (2026, 2027, 2028)
        for age in range(101)
    ]
    pl.DataFrame(rows, schema=["area_code", "age", "year", "population"], orient="row").write_csv(
        folder / "population.csv"
    )
    spec = folder / "services.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    scenario = folder / "scenario.toml"
    scenario.write_text(SCENARIO.format(levers=levers), encoding="utf-8")
    return spec, scenario


def test_levers_from_a_scenario_file_change_the_hours(tmp_path: Path) -> None:
    spec, path = write_inputs(tmp_path, PRODUCTIVITY.replace("{task}", "MED03"))
    demand = load_scenario(path).scenario.demand
    plain = compute_demand(spec, runs=20, seed=9).result
    levered = compute_demand(spec, runs=20, seed=9, levers=demand, levers_source=path).result
    nursing = levered.hours_by_service[:, 0, 0] / plain.hours_by_service[:, 0, 0]
    assert nursing[0] == pytest.approx([1.0, 0.8, 0.8])  # central 0.8 from 2027
    assert np.all((nursing[1:, 1:] > 0.5) & (nursing[1:, 1:] < 1.1))
    assert len(np.unique(nursing[1:, 1])) == 20  # drawn per run
    homes = levered.hours_by_service[:, 1, 0] / plain.hours_by_service[:, 1, 0]
    assert homes == pytest.approx(np.tile([1.0, 1.0, 0.5], (21, 1)))


def test_no_levers_gives_the_same_outcome_as_before(tmp_path: Path) -> None:
    spec, path = write_inputs(tmp_path, "")
    plain = compute_demand(spec, runs=5, seed=9).result
    demand = load_scenario(path).scenario.demand
    empty = compute_demand(spec, runs=5, seed=9, levers=demand).result
    assert np.array_equal(plain.hours, empty.hours)
    assert np.array_equal(plain.hours_by_service, empty.hours_by_service)


def test_an_unknown_task_names_the_scenario_file_and_the_path(tmp_path: Path) -> None:
    spec, path = write_inputs(tmp_path, PRODUCTIVITY.replace("{task}", "MED0"))
    demand = load_scenario(path).scenario.demand
    with pytest.raises(ValidationFailed) as caught:
        compute_demand(spec, runs=0, levers=demand, levers_source=path)
    [problem] = caught.value.problems
    assert problem.file == str(path)
    assert problem.column == "demand.productivity[0].tasks"
    assert problem.value == "MED0"
    assert "unknown task 'MED0'" in problem.reason


def test_a_framework_task_no_service_does_is_not_a_problem(tmp_path: Path) -> None:
    spec, path = write_inputs(tmp_path, PRODUCTIVITY.replace("{task}", "MED01"))
    demand = load_scenario(path).scenario.demand
    plain = compute_demand(spec, runs=0).result
    levered = compute_demand(spec, runs=0, levers=demand).result
    assert np.array_equal(plain.hours_by_service[:, 0], levered.hours_by_service[:, 0])

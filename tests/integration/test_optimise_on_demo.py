"""`careforce optimise` on the demo region: the plan meets its own target in the central run of the
full projection, its probability over the drawn runs is reported, and a target that cannot be met
says why and exits cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from careforce.services.optimise import MET_TOLERANCE_HOURS, optimise_scenario

CAREFORCE = str(Path(sys.executable).with_name("careforce"))


def test_the_plan_meets_its_target_in_the_central_projection(demo_baseline: Path) -> None:
    outcome = optimise_scenario(demo_baseline, target_year=2031, runs=4, sample=4)
    plan = outcome.plan
    assert plan.feasible, plan.diagnostics
    late = np.asarray(plan.years) >= 2031
    # In the plan's own model and in the full projection's central run.
    assert (plan.unmet[late].sum(axis=(1, 2)) <= 1e-3).all()
    assert (outcome.checked_unmet[0, late] <= MET_TOLERANCE_HOURS).all()
    assert outcome.met()[0]
    assert outcome.probability_met is not None and 0.0 <= outcome.probability_met <= 1.0
    assert outcome.probability_met == pytest.approx(outcome.met()[1:].mean())
    # Costs add up, and nothing is spent in the census year.
    assert plan.total_cost == pytest.approx(np.sum(list(plan.cost.values()), axis=0))
    assert plan.total_cost[0] == pytest.approx(0.0, abs=1e-6)
    # Training is costed for every course year of every place, and no plan saves money: doing
    # nothing costs nothing, so a negative total would be a lever paying for itself.
    problem = outcome.problem
    in_course = np.zeros_like(plan.places)
    for i, length in enumerate(problem.course_years):
        for k in range(int(length)):
            in_course[k:, i] += plan.places[: len(plan.years) - k, i]
    assert plan.cost["training"] == pytest.approx(in_course @ problem.cost_per_place_year)
    assert plan.total_cost.sum() >= -1e-6


def test_an_unreachable_target_says_why(demo_baseline: Path) -> None:
    done = subprocess.run(
        [
            CAREFORCE,
            "optimise",
            str(demo_baseline),
            "--target-year",
            "2027",
            "--runs",
            "2",
            "--sample",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)["plan"]
    assert document["feasible"] is False
    assert document["diagnostics"][0].startswith("The target cannot be met")
    assert any("2027" in line for line in document["diagnostics"])


def test_a_target_year_outside_the_projection_is_refused(demo_baseline: Path) -> None:
    done = subprocess.run(
        [CAREFORCE, "optimise", str(demo_baseline), "--target-year", "2026", "--runs", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "--target-year 2026" in done.stderr + done.stdout

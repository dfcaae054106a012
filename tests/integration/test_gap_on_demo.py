"""`careforce gap` on the demo region: every hour of need is either done by a role that may do it
or counted unmet; no role works beyond its hours; delegation never leaves more unmet; more staff
never leave more unmet; the summary's totals are the allocation's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from careforce.domain import UserError
from careforce.services.gap import GapOutcome, compute_gap

CAREFORCE = str(Path(sys.executable).with_name("careforce"))
TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def baseline(demo_baseline: Path) -> Path:
    return demo_baseline


@pytest.fixture(scope="module")
def outcome(baseline: Path) -> GapOutcome:
    return compute_gap(baseline, runs=6, sample=3)


def test_every_hour_is_done_by_a_role_that_may_do_it_or_counted_unmet(outcome: GapOutcome) -> None:
    p, a = outcome.problem, outcome.allocation
    done = a.hours_done.sum(axis=4)
    network = p.network
    need = p.hours[: len(a.runs)]
    local = ~network
    assert np.allclose(done[..., local] + a.unmet[..., local], need[..., local], atol=1e-3)
    allowed = p.own | p.delegable
    assert np.abs(a.hours_done[..., ~allowed]).max(initial=0.0) <= TOLERANCE
    assert (a.unmet >= -TOLERANCE).all()


def test_no_role_works_beyond_its_task_hours(outcome: GapOutcome) -> None:
    p, a = outcome.problem, outcome.allocation
    capacity = p.fte[: len(a.runs)] * p.task_hours_per_fte
    used = a.hours_done.sum(axis=3) + a.supervision + a.travel
    assert (used <= capacity * (1 + 1e-7) + 1e-4).all()


def test_delegation_never_leaves_more_unmet(outcome: GapOutcome) -> None:
    with_delegation = outcome.allocation.unmet[0].sum(axis=(0, 2))
    without = outcome.without_delegation.unmet[0].sum(axis=(0, 2))
    assert (without >= with_delegation - 1e-3).all()
    table = outcome.summary.delegation
    assert np.allclose(table["unmet_with_central"].to_numpy(), with_delegation)


def test_summary_totals_are_the_allocations(outcome: GapOutcome) -> None:
    s, a, p = outcome.summary, outcome.allocation, outcome.problem
    unmet = a.unmet.sum(axis=(1, 3))  # [r, y]
    assert np.allclose(s.total["hours_central"].to_numpy(), unmet[0])
    assert np.allclose(s.total["fte_central"].to_numpy(), unmet[0] / float(p.task_hours_per_fte[0]))
    by_domain = s.by_domain.group_by("year").agg(pl.col("hours_central").sum()).sort("year")
    assert np.allclose(by_domain["hours_central"].to_numpy(), unmet[0])
    probability = s.total["probability_gap"].to_numpy()
    assert ((probability >= 0) & (probability <= 1)).all()
    drawn = (unmet[1:] > 1.0).mean(axis=0)
    assert np.allclose(probability, drawn)
    assert outcome.runs == (0, 1, 2, 3)


def test_more_staff_never_leave_more_unmet(baseline: Path, outcome: GapOutcome) -> None:
    grown = baseline.parent / "grown.toml"
    roles = ("sc_care_worker_dom", "rn_adult", "social_worker", "rn_mental_health")
    body = "".join(
        f'[[international_recruitment]]\nrole = "{r}"\nrecruits_per_year = 40\n'
        'basis = "assumption: a large intake, for the test"\n'
        for r in roles
    )
    grown.write_text(
        f'schema_version = 1\nname = "Grown"\nextends = "{baseline.name}"\n{body}', encoding="utf-8"
    )
    more = compute_gap(grown, runs=6, sample=0)
    base = outcome.allocation.unmet[0].sum(axis=(0, 2))
    assert (more.allocation.unmet[0].sum(axis=(0, 2)) <= base + 1e-3).all()


def test_gap_command_prints_json_and_refuses_a_scenario_without_services(baseline: Path) -> None:
    done = subprocess.run(
        [CAREFORCE, "gap", str(baseline), "--runs", "2", "--sample", "1", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)["gap"]
    assert document["runs_allocated"] == [0, 1]
    assert {"by_domain", "by_area", "worth_most", "delegation", "assumptions"} <= set(document)
    bare = baseline.parent / "bare.toml"
    text = baseline.read_text(encoding="utf-8").replace('services = "../services.yaml"\n', "")
    bare.write_text(text, encoding="utf-8")
    refused = subprocess.run(
        [CAREFORCE, "gap", str(bare), "--runs", "0"], capture_output=True, text=True, check=False
    )
    assert refused.returncode == 2
    assert "names no services file" in refused.stderr + refused.stdout


def test_no_delegation_allowed_leaves_no_delegated_hours(
    baseline: Path, outcome: GapOutcome
) -> None:
    none = compute_gap(baseline, runs=6, sample=0, delegated_share_cap=0.0)
    assert none.summary.delegation["delegated_hours_central"].to_numpy() == pytest.approx(0.0)
    assert (
        none.allocation.unmet[0].sum(axis=(0, 2))
        >= outcome.allocation.unmet[0].sum(axis=(0, 2)) - 1e-3
    ).all()
    assert any("0% of any task" in line for line in none.assumptions)


def test_a_network_task_must_be_one_of_the_specifications(baseline: Path) -> None:
    with pytest.raises(UserError, match="network tasks not in the specification's tasks: XX99"):
        compute_gap(baseline, runs=0, sample=0, network_tasks=("XX99",))
    pooled = compute_gap(baseline, runs=0, sample=0, network_tasks=("MH13",), travel_overhead=0.2)
    assert bool(pooled.problem.network[pooled.problem.tasks.index("MH13")])

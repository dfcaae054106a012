"""Find the cheapest plan for the demo region; record the time of the plan alone.

Goal: under 30 s on the 2-core machine for the demo region (3 areas, about 60 tasks and 55 roles,
11 years). Builds the demo region in a temporary folder, runs its gap once (projection, required
workforce, allocation of the central run and `--sample` drawn runs), then times the plan: the LP,
the Monte Carlo check of the plan over the same runs, and the corrections the check asks for.

    .venv/bin/python benchmarks/plan_demo.py [--runs 200] [--sample 50] [--target-year 2031]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from careforce.services.demo import run_demo
from careforce.services.gap import compute_gap
from careforce.services.optimise import plan_for_gap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--target-year", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "demo"
        os.environ.setdefault("CAREFORCE_SECRET_FILE", str(Path(folder) / "secret.key"))
        run_demo(out, seed=20261123, runs=1, progress=False)
        scenario = out / "inputs" / "scenarios" / "baseline.toml"
        started = time.perf_counter()
        gap = compute_gap(scenario, runs=args.runs, sample=args.sample)
        gap_seconds = time.perf_counter() - started
        started = time.perf_counter()
        outcome = plan_for_gap(gap, target_year=args.target_year)
        plan_seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    plan = outcome.plan
    print(
        f"{dt.date.today()} {platform.machine()} {os.cpu_count()} cores: demo region, "
        f"{len(gap.problem.areas)} areas x {len(gap.problem.tasks)} tasks x "
        f"{len(gap.problem.groups)} roles x {len(gap.problem.years)} years; gap "
        f"{gap_seconds:.1f} s; plan {plan_seconds:.1f} s (feasible {plan.feasible}, cost "
        f"GBP {plan.total_cost.sum() / 1e6:,.2f} million, probability met "
        f"{outcome.probability_met}); peak {peak:.2f} GB"
    )


if __name__ == "__main__":
    main()

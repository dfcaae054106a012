"""Time the gap allocation LP (METHODS section 6) at national and regional scale.

Goals: the central run of 200 areas x 150 tasks x 60 staff groups x 10 years in under 60 s on the
2-core machine; Monte Carlo at a region's scale (22 areas, 100 runs) in a minute or two.

Problems are synthetic (`careforce.allocation.synthetic.random_problem`): about a quarter of
task-group pairs allowed (some by delegation), 5% network tasks, 10% statutory, capacity a little
short of need overall and unevenly spread over areas and groups. Each measurement runs in its own
child process, so each peak resident memory is its own.

    .venv/bin/python benchmarks/allocation_scale.py            # national and Monte Carlo cases
    .venv/bin/python benchmarks/allocation_scale.py --one-region   # also 200 areas pooled as one
    .venv/bin/python benchmarks/allocation_scale.py --linopy   # also time building linopy models
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from careforce.allocation import AllocationOptions, AllocationProblem, allocate
from careforce.allocation.layout import build_layout, regions_of
from careforce.allocation.synthetic import random_problem
from careforce.parallel import PROCESSES, chunks_of, run_chunks

TASKS, GROUPS, YEARS = 150, 60, 10


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make(areas: int, regions: int, runs: int, years: int = YEARS) -> AllocationProblem:
    rng = np.random.default_rng(2026)
    return random_problem(
        rng, areas=areas, tasks=TASKS, groups=GROUPS, years=years, runs=runs, regions=regions
    )


def describe(problem: AllocationProblem) -> dict[str, Any]:
    options = AllocationOptions()
    regions = regions_of(problem, options)
    layouts = [build_layout(problem, options, areas) for areas in regions]
    allowed = problem.own | problem.delegable
    return {
        "areas": len(problem.areas),
        "lps_per_year": len(regions),
        "allowed_share": float(allowed.mean()),
        "delegable_share": float((problem.delegable & ~problem.own).mean()),
        "columns_per_year": sum(layout.num_columns for layout in layouts),
        "rows_per_year": sum(layout.num_rows for layout in layouts),
        "nonzeros_per_year": sum(int(layout.matrix.nnz) for layout in layouts),
    }


def central(areas: int, regions: int, years: int) -> dict[str, Any]:
    """The central run: problem, the LPs' matrices alone, then the whole allocation."""
    began = time.perf_counter()
    problem = make(areas, regions, runs=1, years=years)
    made = time.perf_counter() - began
    began = time.perf_counter()
    found = describe(problem)
    built = time.perf_counter() - began
    before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    result = allocate(problem)
    total = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_SELF)
    capacity = problem.fte[0] * problem.task_hours_per_fte
    spare = float((result.utilisation[0] < 0.99)[capacity > 0].mean())
    return {
        **found,
        "regions": regions,
        "years": years,
        "problem_s": made,
        "build_s": built,
        "allocate_s": total,
        "cpu_s": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
        "peak_mb": peak_rss_mb(),
        "unmet_share": float(result.unmet.sum() / problem.hours.sum()),
        "groups_with_spare_share": spare,
        "travel_hours": float(result.travel.sum()),
        "load_average": os.getloadavg()[0],
    }


def _cpu_s() -> float:
    """CPU seconds (user and system) of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _chunk(problem: AllocationProblem, chunk: np.ndarray) -> dict[str, Any]:
    """One chunk of runs, summarised so that little travels back between processes."""
    result = allocate(problem, AllocationOptions(runs=tuple(int(r) for r in chunk)))
    return {
        "objective": result.objective.tolist(),
        "unmet_by_task": result.unmet.sum(axis=1).tolist(),
    }


def monte_carlo(areas: int, regions: int, runs: int, chunk: int, workers: int) -> dict[str, Any]:
    problem = make(areas, regions, runs=runs + 1)
    chunks = chunks_of(runs + 1, chunk)
    before = _cpu_s()
    began = time.perf_counter()
    scheduler = PROCESSES if workers > 1 else None
    parts = run_chunks(
        functools.partial(_chunk, problem), chunks, scheduler=scheduler, workers=workers
    )
    total = time.perf_counter() - began
    cpu = _cpu_s() - before
    objective = np.concatenate([np.asarray(p["objective"]) for p in parts])
    return {
        "areas": areas,
        "regions": regions,
        "runs": runs + 1,
        "chunk": chunk,
        "workers": workers,
        "allocate_s": total,
        "cpu_s": cpu,
        "per_run_s": total / (runs + 1),
        "cpu_per_run_s": cpu / (runs + 1),
        "peak_mb": peak_rss_mb(),
        "objective_spread": float(objective.sum(axis=1).std() / objective.sum(axis=1).mean()),
        "load_average": os.getloadavg()[0],
    }


def linopy_build(areas: int, regions: int) -> dict[str, Any]:
    """Building (not solving) the reference's linopy model of one year."""
    from careforce.allocation.reference import build_model

    problem = make(areas, regions, runs=1, years=1)
    began = time.perf_counter()
    model = build_model(problem, AllocationOptions(), 0, 0)
    built = time.perf_counter() - began
    began = time.perf_counter()
    matrices = model.matrices
    _ = (matrices.A, matrices.c, matrices.b)
    exported = time.perf_counter() - began
    return {
        "areas": areas,
        "years": 1,
        "linopy_build_s": built,
        "linopy_matrices_s": exported,
        "variables": int(model.nvars),
        "constraints": int(model.ncons),
        "peak_mb": peak_rss_mb(),
    }


def child(*arguments: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", *arguments]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100, help="Monte Carlo runs beside run 0")
    parser.add_argument("--chunk", type=int, default=10, help="runs per chunk")
    parser.add_argument("--one-region", action="store_true", help="also 200 areas as one region")
    parser.add_argument("--linopy", action="store_true", help="also time linopy model building")
    parser.add_argument("--only", help="only the cases whose label contains this text")
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, *rest = args.measure
        numbers = [int(x) for x in rest]
        found = {"central": central, "monte_carlo": monte_carlo, "linopy": linopy_build}[kind](
            *numbers
        )
        print(json.dumps(found))
        return
    print(
        f"{platform.node()} ({os.cpu_count()} cores, {platform.processor() or platform.machine()}),"
        f" {dt.date.today().isoformat()}, {TASKS} tasks x {GROUPS} groups"
    )
    cases: list[tuple[str, tuple[str, ...]]] = [
        ("national central run, 42 network regions", ("central", "200", "42", str(YEARS))),
        ("national central run, no network pooling", ("central", "200", "200", str(YEARS))),
        ("region central run, one network region", ("central", "22", "1", str(YEARS))),
    ]
    if args.one_region:
        cases.append(("national, one network region, first year", ("central", "200", "1", "1")))
    for workers in (1, 2):
        for regions in (1, 7):
            arguments = ("22", str(regions), str(args.runs), str(args.chunk), str(workers))
            label = f"Monte Carlo 22 areas, {regions} region(s), {workers} process(es)"
            cases.append((label, ("monte_carlo", *arguments)))
    if args.linopy:
        cases.append(("linopy model of one year, 22 areas", ("linopy", "22", "1")))
        cases.append(("linopy model of one year, 200 areas", ("linopy", "200", "42")))
    for label, arguments in cases:
        if args.only and args.only not in label:
            continue
        found = child(*arguments)
        print(f"{label}:")
        print("    " + json.dumps({k: round(v, 3) if isinstance(v, float) else v
                                   for k, v in found.items()}))  # fmt: skip


if __name__ == "__main__":
    main()

"""Time the supply engine at Wales and England scale, and compare one run with plain pandas.

Goal: Wales (200,000 staff; 60 roles x 22 areas x 5 sectors x 50 ages),
10 years, 1,000 runs in under 5 s and 4 GB on the 2-core machine with the numba kernel.
England (300 roles x 200 areas x 5 sectors x 50 ages, most cells empty) with 200 runs is
reported for scale; so are Wales with the drawn runs' results by cell in float32
(`project(..., result_dtype=np.float32)`; the central run stays float64) and Wales with
apprenticeship routes (their intake depends on the source role's stock everywhere, so the
kernel steps every cell a year at a time). Each measurement runs in its own child process, so
each peak resident memory is its own; the numba kernel is timed cold (empty compile cache),
first call with the compile cache filled, and warm. The pandas comparison needs pandas (not a
dependency of careforce: it is skipped with a note where it is not importable).

    .venv/bin/python benchmarks/supply_scale.py [--runs 1000] [--xp-runs 100] [--skip-england]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from careforce.supply.engine import project
from careforce.supply.model import RunParameters, SupplyModel
from careforce.supply.synthetic import random_model, random_parameters

YEARS = 10
SCALES: dict[str, dict[str, Any]] = {
    "wales": dict(roles=60, areas=22, sectors=5, ages=50, programmes=20, courses=4, staff=200_000),
    # The same Wales model with most programmes as apprenticeship routes from another role: every
    # area and sector holds a source role, so the kernel steps all cells a year at a time.
    "wales_routes": dict(
        roles=60, areas=22, sectors=5, ages=50, programmes=20, courses=4, staff=200_000,
        apprenticeships=True,
    ),
    "england": dict(
        roles=300, areas=200, sectors=5, ages=50, programmes=60, courses=4, staff=1_500_000,
        sparse=True,
    ),
}  # fmt: skip


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(scale: str, runs: int) -> tuple[SupplyModel, RunParameters]:
    rng = np.random.default_rng(2026)
    model = random_model(rng, years=YEARS, **SCALES[scale])
    return model, random_parameters(rng, model, runs)


def measure(scale: str, backend: str, runs: int) -> dict[str, Any]:
    """One measurement, in this (child) process: build, project, time, peak memory. Backend
    "numba32" is the kernel with the drawn runs' by-cell results in float32. The kernel is called
    three times: the first call, then the best of two warm calls (the machine is shared)."""
    began = time.perf_counter()
    model, params = build(scale, runs)
    built = time.perf_counter() - began
    dtype = np.float32 if backend == "numba32" else np.float64
    engine = "numba" if backend == "numba32" else backend
    times, cpu = [], []
    for _ in range(3 if engine == "numba" else 1):
        result = None  # so that two results are never held at once
        before = resource.getrusage(resource.RUSAGE_SELF)
        began = time.perf_counter()
        result = project(model, params, YEARS, backend=engine, result_dtype=dtype)
        times.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu.append((after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime))
    best = min(range(1, len(times)), key=times.__getitem__) if len(times) > 1 else 0
    return {
        "scale": scale,
        "backend": backend,
        "runs": runs,
        "cells": int(model.headcount[..., 0].size),
        "staffed_cells": len(model.cells[0]),
        "routes": len(model.routes),
        "staff": float(model.headcount.sum()),
        "build_s": built,
        "first_s": times[0],
        "warm_s": times[best],
        "warm_all_s": times[1:],
        "warm_user_s": cpu[best][0],
        "warm_system_s": cpu[best][1],
        "peak_mb": peak_rss_mb(),
        "load_average": os.getloadavg()[0],
        "central_headcount_final": float(result.central_by_cell()[0][-1].sum()),
    }


def pandas_one_run(model: SupplyModel) -> tuple[float, float]:
    """The central run with pandas data frames, one row per cell and age: (seconds, final
    headcount). The same steps as the engine, written as a planner might with pandas."""
    import pandas as pd

    began = time.perf_counter()
    g, l, c, a = np.nonzero(model.headcount > 0)
    stock = pd.DataFrame(
        {
            "g": g,
            "l": l,
            "c": c,
            "a": a,
            "S": model.headcount[g, l, c, a],
            "F": model.fte[g, l, c, a],
        }
    )
    G, C, A = model.leaver_rate.shape
    gg, cc, aa = (x.ravel() for x in np.meshgrid(range(G), range(C), range(A), indexing="ij"))
    rates = pd.DataFrame(
        {
            "g": gg,
            "c": cc,
            "a": aa,
            "q": model.leaver_rate.ravel(),
            "rs": model.retire_share.ravel(),
        }
    )
    moves = pd.DataFrame(
        [(f, h, model.move_rate[f, h]) for f, h in zip(*np.nonzero(model.move_rate), strict=True)],
        columns=["g", "h", "rate"],
    )
    out_rate = pd.Series(model.move_rate.sum(axis=1), name="out")
    ja = pd.DataFrame(
        [(x, y, model.joiner_age_share[x, y]) for x in range(G) for y in range(A)],
        columns=["g", "a", "share"],
    )
    students = model.students.copy()
    for t in range(YEARS):
        start = stock.groupby(["g", "l", "c"], as_index=False)["S"].sum()
        df = stock.merge(rates, on=["g", "c", "a"])
        retention = model.retention[t][df["g"], df["c"]]
        p = np.minimum(df["q"] * retention, 1.0)
        leavers = df["S"] * p
        returners = leavers * df["rs"] * model.return_rate[df["g"]]
        df["S"] = df["S"] - leavers + returners
        df["F"] = df["F"] - df["F"] * p + returners * model.return_fte_per_head[df["g"]]
        moved = df.merge(moves, on="g")
        moved = moved.assign(
            g=moved["h"], S=moved["S"] * moved["rate"], F=moved["F"] * moved["rate"]
        )
        keep = 1.0 - out_rate[df["g"]].to_numpy()
        df = df.assign(S=df["S"] * keep, F=df["F"] * keep)
        df = pd.concat([df[["g", "l", "c", "a", "S", "F"]], moved[["g", "l", "c", "a", "S", "F"]]])
        df["a"] += 1
        df = df[df["a"] < A]
        arrivals = []
        for q in range(len(model.programmes)):
            starting = min(
                model.commissioned_places[t, q] * model.fill_rate[q], model.placement_capacity[t, q]
            )
            length = model.course_length_years[q]
            cohort = students[q].copy()
            cohort[0] += starting
            surviving = cohort * (1 - model.attrition_rate[q])
            completers = surviving[length - 1]
            students[q] = 0.0
            students[q, 1:length] = surviving[: length - 1]
            role = model.programme_role[q]
            ll, cc2 = np.nonzero(model.programme_spread[q])
            places = pd.DataFrame(
                {"g": role, "l": ll, "c": cc2, "n": completers * model.local_share[q]
                 * model.programme_spread[q, ll, cc2]}
            )  # fmt: skip
            ages = pd.DataFrame({"a": np.arange(A), "share": model.start_age_share[q]})
            arrivals.append(places.merge(ages, how="cross"))
        start = start.assign(
            n=start["S"] * model.joiner_rate[start["g"], start["c"]]
            + model.international_recruits[t][start["g"]]
            * model.international_spread[start["g"], start["l"], start["c"]]
        )
        arrivals.append(start[["g", "l", "c", "n"]].merge(ja, on="g"))
        new = pd.concat(arrivals)
        new = new.assign(S=new["n"] * new["share"])
        new = new.assign(F=new["S"] * model.joiner_fte_per_head[new["g"]])
        df = pd.concat([df, new[["g", "l", "c", "a", "S", "F"]]])
        stock = df.groupby(["g", "l", "c", "a"], as_index=False)[["S", "F"]].sum()
    return time.perf_counter() - began, float(stock["S"].sum())


def measure_pandas(scale: str) -> dict[str, Any]:
    try:
        import pandas  # noqa: F401
    except ImportError:
        return {"scale": scale, "backend": "pandas", "skipped": "pandas is not installed"}
    model, params = build(scale, 1)
    seconds, final = pandas_one_run(model)
    engine = project(model, params, YEARS, backend="numpy")
    return {
        "scale": scale,
        "backend": "pandas",
        "runs": 1,
        "first_s": seconds,
        "warm_s": seconds,
        "peak_mb": peak_rss_mb(),
        "central_headcount_final": final,
        "engine_headcount_final": float(engine.headcount_by_cell[0, -1].sum()),
    }


def child(scale: str, backend: str, runs: int, cache: str | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    if cache:
        env["NUMBA_CACHE_DIR"] = cache
    command = [sys.executable, __file__, "--measure", scale, backend, str(runs)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def show(label: str, found: dict[str, Any]) -> None:
    if "skipped" in found:
        print(f"{label}: skipped ({found['skipped']})")
        return
    runs = found["runs"]
    print(
        f"{label}: first call {found['first_s']:.2f} s, warm {found['warm_s']:.2f} s"
        f" ({runs / found['warm_s']:,.1f} runs/s), peak RSS {found['peak_mb']:,.0f} MB"
    )
    if "warm_user_s" in found:
        every = ", ".join(f"{s:.2f}" for s in found.get("warm_all_s", []))
        print(
            f"    warm CPU: user {found['warm_user_s']:.2f} s, system {found['warm_system_s']:.2f} s"
            f" (load average {found['load_average']:.1f} at the end: other work slows wall time)"
            + (f"; warm calls {every} s" if every else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--xp-runs", type=int, default=100)
    parser.add_argument("--england-runs", type=int, default=200)
    parser.add_argument("--skip-england", action="store_true")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        scale, backend, runs = args.measure
        found = measure_pandas(scale) if backend == "pandas" else measure(scale, backend, int(runs))
        print(json.dumps(found))
        return
    print(
        f"{platform.node()} ({os.cpu_count()} cores, {platform.processor() or platform.machine()}),"
        f" {dt.date.today().isoformat()}, {YEARS} years"
    )
    with tempfile.TemporaryDirectory() as cache:
        cold = child("wales", "numba", args.runs, str(Path(cache) / "numba"))
        cached = child("wales", "numba", args.runs, str(Path(cache) / "numba"))
    print(
        f"Wales: {cold['staff']:,.0f} staff, {cold['staffed_cells']:,} of {cold['cells']:,} cells"
        " staffed"
    )
    show(f"  numba, {args.runs} runs, empty compile cache", cold)
    show(f"  numba, {args.runs} runs, compile cache filled", cached)
    single = child("wales", "numba32", args.runs)
    show(f"  numba, {args.runs} runs, drawn runs' cells in float32 (result_dtype)", single)
    xp = child("wales", "numpy", args.xp_runs)
    show(f"  numpy array path, {args.xp_runs} runs", xp)
    print(f"    1,000 runs at that rate: {1000 * xp['warm_s'] / args.xp_runs:.1f} s")
    routes = child("wales_routes", "numba", args.runs)
    show(
        f"  numba, {args.runs} runs, {routes['routes']} of 20 programmes apprenticeship routes",
        routes,
    )
    pandas = child("wales", "pandas", 1)
    show("  pandas, central run", pandas)
    if "skipped" not in pandas:
        per_run = cached["warm_s"] / cached["runs"]
        print(
            f"    pandas / numba time per run: {pandas['warm_s'] / per_run:,.0f}x; final headcount"
            f" pandas {pandas['central_headcount_final']:,.1f}, engine"
            f" {pandas['engine_headcount_final']:,.1f}"
        )
    if not args.skip_england:
        england = child("england", "numba", args.england_runs)
        print(
            f"England: {england['staff']:,.0f} staff, {england['staffed_cells']:,} of"
            f" {england['cells']:,} cells staffed (results kept for staffed cells only)"
        )
        show(f"  numba, {args.england_runs} runs", england)


if __name__ == "__main__":
    main()

"""Draw and compile a national-scale service specification; record time and peak memory.

Goal: under 30 s and 8 GB on the 2-core machine, for 200 areas x ages 0-100 x 15 years, 150
tasks, 60 services (36 population-driven, 10 caseload, 8 places, 6 queues) and 1,000 drawn runs.
The specification is synthetic and built in memory; the population is random. The result is
float64 (`--dtype float32` halves its memory). Peak memory is the process's resident maximum.

    .venv/bin/python benchmarks/demand_scale.py [--runs 1000] [--dtype float64] [--summary]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import time
from typing import Any

import numpy as np

from careforce.demand.compiler import compile_demand
from careforce.results.demand_summary import summarise_demand
from careforce.specification.demand_inputs import demand_model, draw_parameters
from careforce.specification.service_spec import ServiceSpec

AREAS = 200
YEARS = 15
TASKS = tuple(f"T{i:03d}" for i in range(150))
BANDS = ("0-17", "18-64", "65-74", "75-84", "85+")
KINDS = ["population"] * 36 + ["caseload"] * 10 + ["places"] * 8 + ["arrivals"] * 6


def interval(rng: np.random.Generator, centre: float, spread: float = 0.2) -> list[float]:
    return [centre * (1 - spread * rng.random()), centre * (1 + spread * rng.random())]


def activities(rng: np.random.Generator, count: int) -> list[dict[str, Any]]:
    return [
        {
            "task": TASKS[int(rng.integers(len(TASKS)))],
            "contacts_per_user_per_year": interval(rng, float(rng.uniform(2, 50))),
            "minutes_per_contact": interval(rng, float(rng.uniform(10, 60))),
            "staff_per_contact": int(rng.choice([1, 1, 1, 2])),
            "travel_minutes_per_contact": interval(rng, float(rng.uniform(5, 20))),
        }
        for _ in range(count)
    ]


def split(rng: np.random.Generator, count: int) -> dict[str, float]:
    chosen = rng.choice(len(TASKS), count, replace=False)
    shares = np.full(count, 1 / count)
    return {TASKS[int(t)]: float(s) for t, s in zip(chosen, shares, strict=True)}


def service(rng: np.random.Generator, index: int, kind: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": f"service_{index:02d}",
        "name": f"Service {index}",
        "setting": ["community", "hospital", "residential", "domiciliary"][index % 4],
        "trends": {"users_per_year": interval(rng, 0.01, 0.8), "minutes_per_year": [-0.01, 0.01]},
    }
    if kind == "population":
        rates = [{"ages": b, "rate": interval(rng, float(rng.uniform(0.01, 0.2)))} for b in BANDS]
        entry["driver"] = {"kind": kind, "use_rate": rates, "coverage": [0.8, 0.95]}
        entry["activities"] = activities(rng, 4)
    elif kind == "caseload":
        entry["driver"] = {"kind": kind, "users": interval(rng, 5000.0), "ages": "65+"}
        entry["activities"] = activities(rng, 3)
    elif kind == "places":
        entry["driver"] = {"kind": kind, "places": interval(rng, 20000.0), "ages": "75+"}
        entry["ratio"] = {
            "levels": [
                {"name": "nursing", "share_of_places": 0.4, "fte_per_place": [0.9, 1.3]},
                {"name": "residential", "share_of_places": 0.6, "fte_per_place": [0.6, 0.9]},
            ],
            "tasks": split(rng, 4),
        }
    else:
        entry["driver"] = {
            "kind": kind,
            "by_hour": [interval(rng, 5 + 20 * np.sin(np.pi * h / 24) ** 2) for h in range(24)],
            "scale_with_population": True,
        }
        entry["queue"] = {
            "handling_minutes": [15, 30],
            "answer_seconds": 30,
            "service_level": 0.8,
            "tasks": split(rng, 2),
        }
    return entry


def national_specification(seed: int = 1) -> ServiceSpec:
    rng = np.random.default_rng(seed)
    return ServiceSpec.model_validate(
        {
            "schema_version": 1,
            "name": "Synthetic national services",
            "base_year": 2026,
            "years": YEARS,
            "services": [service(rng, i, kind) for i, kind in enumerate(KINDS)],
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000, help="drawn runs besides run 0")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--summary", action="store_true", help="also time the summary tables")
    args = parser.parse_args()
    spec = national_specification()
    areas = tuple(f"AREA{i:03d}" for i in range(AREAS))
    years = spec.horizon()
    people = np.random.default_rng(2).uniform(0, 2000, (AREAS, 101, YEARS))
    model = demand_model(spec, areas, years, TASKS)
    began = time.perf_counter()
    draws = draw_parameters(spec, model, seed=20261123, runs=np.arange(args.runs + 1))
    drawn = time.perf_counter()
    result = compile_demand(model, people, draws, dtype=getattr(np, args.dtype))
    compiled = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result_mb = (result.hours.nbytes + result.hours_by_service.nbytes) / 2**20
    print(
        f"draw {drawn - began:.1f} s; compile {compiled - drawn:.1f} s; result {result_mb:,.0f} MB"
    )
    if args.summary:
        domains = {t: t[:2] for t in TASKS}
        summarise_demand(result, domains, model.standard_hours_per_fte)
        print(f"summary {time.perf_counter() - compiled:.1f} s")
    print("| date | machine | input | draw + compile | peak memory |")
    print(
        f"| {dt.date.today().isoformat()} | {platform.node() or 'unknown'} ({os.cpu_count()} cores) "
        f"| {AREAS} areas, {len(TASKS)} tasks, {len(KINDS)} services, {YEARS} years, "
        f"{args.runs:,} runs, {args.dtype} | {compiled - began:.1f} s | {peak_mb:,.0f} MB |"
    )


if __name__ == "__main__":
    main()

"""Time the store's upsert of a million posts into a fresh SQLite database, and its peak memory.

Goal: a 1,000,000-post import (with about 700,000 people and two identifiers each) applies in
well under 60 s and 4 GB on the 2-core machine; applying it again finds nothing to change.

    .venv/bin/python benchmarks/store_apply.py [--posts 1000000] [--db URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

from careforce.store.database import make_engine
from careforce.store.migrate import upgrade
from careforce.store.unit_of_work import UnitOfWork
from careforce.store.upsert import ApplyResult

T = TypeVar("T")
AREAS = ("AREA-U", "AREA-V", "AREA-R")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def key(prefix: str, numbers: pl.Expr) -> pl.Expr:
    """A 64-character key, the length of the HMAC digests the store holds."""
    return pl.lit(prefix) + numbers.cast(pl.String).str.zfill(64 - len(prefix))


def build_frames(posts: int, seed: int = 1) -> dict[str, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    people = int(posts / 1.43)
    holder = rng.integers(0, people, posts)
    organisation = rng.integers(0, 10, posts)
    persons = pl.DataFrame({"n": np.arange(people)}).select(
        person_key=key("p", pl.col("n")),
        year_of_birth=(1960 + pl.col("n") % 45).cast(pl.Int64),
        age_band=pl.lit(None, pl.String),
        sex=pl.when(pl.col("n") % 5 == 0).then(pl.lit("male")).otherwise(pl.lit("female")),
        ethnicity=pl.when(pl.col("n") % 11 == 0).then(None).otherwise(pl.lit("White British")),
        disability=pl.lit("no"),
        welsh_language_level=(pl.col("n") % 6).cast(pl.Int64),
        nationality=pl.lit("British"),
        international_recruit=pl.col("n") % 20 == 0,
    )
    identifiers = pl.concat(
        [
            pl.DataFrame({"n": np.arange(people)}).select(
                identifier_key=key(kind, pl.col("n")), person_key=key("p", pl.col("n"))
            )
            for kind in ("staff", "ni")
        ]
    )
    start = np.datetime64("2000-01-01") + rng.integers(0, 9000, posts).astype("timedelta64[D]")
    post_frame = pl.DataFrame(
        {
            "n": np.arange(posts),
            "holder": holder,
            "organisation": organisation,
            "fte": rng.choice([1.0, 0.8, 0.6, 0.5], posts),
            "start_date": start,
        }
    ).select(
        organisation_code=pl.lit("NHS") + pl.col("organisation").cast(pl.String).str.zfill(2),
        post_ref=pl.lit("A") + pl.col("n").cast(pl.String).str.zfill(8),
        person_key=key("p", pl.col("holder")),
        locality_code=pl.lit(pl.Series(AREAS)).get(pl.col("organisation") % 3),
        role_id=pl.lit("registered_nurse"),
        source_role_code=pl.lit("OC900"),
        setting=pl.lit("hospital"),
        contract_type=pl.lit("permanent"),
        pay_band=pl.lit("5"),
        hourly_rate_gbp=pl.lit(None, pl.Float64),
        contracted_hours_per_week=pl.col("fte") * 37.5,
        fte=pl.col("fte"),
        start_date=pl.col("start_date").cast(pl.Date),
        end_date=pl.when(pl.col("n") % 9 == 0)
        .then(pl.col("start_date").cast(pl.Date) + pl.duration(days=400))
        .otherwise(None),
        leaving_reason=pl.when(pl.col("n") % 9 == 0).then(pl.lit("retirement")).otherwise(None),
        source_kind=pl.lit("esr"),
    )
    return {
        "localities": pl.DataFrame(
            {
                "code": ["NATION", "REGION", *AREAS],
                "name": ["Nation", "Region", "Urban", "Valleys", "Rural"],
                "level": ["nation", "region", *["local_authority_area"] * 3],
                "parent_code": [None, "NATION", "REGION", "REGION", "REGION"],
            }
        ),
        "organisations": pl.DataFrame(
            {
                "code": [f"NHS{i:02d}" for i in range(10)],
                "name": [f"Health body {i}" for i in range(10)],
                "sector": ["nhs"] * 10,
                "locality_code": [AREAS[i % 3] for i in range(10)],
            }
        ),
        "persons": persons,
        "person_identifiers": identifiers,
        "posts": post_frame,
    }


def timed(label: str, work: Callable[[], T]) -> T:
    began = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - began:.1f} s (peak RSS so far {peak_rss_mb():,.0f} MB)")
    return result


def write_step(url: str, posts: int) -> None:
    """Build the frames, apply them twice, resolve a million identifiers."""
    frames = timed("built the frames", lambda: build_frames(posts))
    print("  " + ", ".join(f"{name} {frame.height:,}" for name, frame in frames.items()))
    engine = make_engine(url)
    upgrade(engine)

    def apply() -> ApplyResult:
        with UnitOfWork(engine) as uow:
            result = uow.staff.apply(frames)
            uow.commit()
        return result

    for label in ("apply into an empty database", "apply the same frames again"):
        result = timed(label, apply)
        print(
            f"  added {result.added:,}, changed {result.changed:,}, unchanged {result.unchanged:,}"
        )
    keys = frames["person_identifiers"]["identifier_key"].head(1_000_000).to_list()
    with UnitOfWork(engine) as uow:
        found = timed(
            f"resolve {len(keys):,} identifiers", lambda: uow.staff.resolve_identifiers(keys)
        )
    print(f"  found {len(found):,}")
    engine.dispose()


def read_step(url: str) -> None:
    engine = make_engine(url)
    with UnitOfWork(engine) as uow:
        posts = timed("read posts_with_people", uow.read.posts_with_people)
    print(
        f"  {posts.height:,} rows x {posts.width} columns, {posts.estimated_size() / 1e6:,.0f} MB"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--step", choices=("write", "read"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "write":
        write_step(args.db, args.posts)
        return
    if args.step == "read":
        read_step(args.db)
        return
    print(f"{platform.node()} ({os.cpu_count()} cores), {dt.date.today().isoformat()}")
    # Each step runs in its own small child process, so that each peak RSS is that step's own.
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        for step in ("write", "read"):
            command = [
                sys.executable,
                __file__,
                "--step",
                step,
                "--db",
                url,
                "--posts",
                str(args.posts),
            ]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()

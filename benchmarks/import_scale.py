"""Import a 1,000,000-post NHS staff extract and record time and peak memory.

Goal (docs/benchmarks.md): under 60 s and under 4 GB on the 2-core machine. The import runs in a
child process (`careforce import`), so its peak resident memory is measured on its own.

    .venv/bin/python benchmarks/import_scale.py [--posts 1000000] [--record]
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
from pathlib import Path

import numpy as np
import polars as pl

from careforce.framework.mapping import default_role_mapping
from careforce.ingest.formats import ESR, LOCALITIES, ORGANISATIONS

AREAS = ("AREA-U", "AREA-V", "AREA-R")


def write_reference(folder: Path) -> tuple[Path, Path]:
    localities = pl.DataFrame(
        {
            LOCALITIES.column("code").header: ["NATION", "REGION", *AREAS],
            LOCALITIES.column("name").header: ["Nation", "Region", "Urban", "Valleys", "Rural"],
            LOCALITIES.column("level").header: ["nation", "region"] + ["local_authority_area"] * 3,
            LOCALITIES.column("parent_code").header: [None, "NATION", "REGION", "REGION", "REGION"],
        }
    )
    organisations = pl.DataFrame(
        {
            ORGANISATIONS.column("code").header: [f"NHS{i:02d}" for i in range(10)],
            ORGANISATIONS.column("name").header: [f"Health body {i}" for i in range(10)],
            ORGANISATIONS.column("sector").header: ["nhs"] * 10,
            ORGANISATIONS.column("locality_code").header: [AREAS[i % 3] for i in range(10)],
        }
    )
    paths = folder / "localities.csv", folder / "organisations.csv"
    localities.write_csv(paths[0])
    organisations.write_csv(paths[1])
    return paths


def write_extract(path: Path, posts: int, seed: int = 1) -> None:
    """A synthetic extract: about 1.3 posts a person, every column of the ESR format filled."""
    rng = np.random.default_rng(seed)
    codes = sorted(code for (scheme, code) in default_role_mapping() if scheme == "esr")
    people = int(posts / 1.3)
    person = rng.integers(0, people, posts)
    org = rng.integers(0, 10, posts)
    start = dt.date(2000, 1, 1).toordinal() + rng.integers(0, 9000, posts)
    header = {c.field: c.header for c in ESR.columns}
    frame = pl.DataFrame(
        {
            header["organisation_code"]: [f"NHS{o:02d}" for o in org],
            header["post_ref"]: [f"A{i:08d}" for i in range(posts)],
            header["staff_number"]: [f"E{p:08d}" for p in person],
            header["ni_number"]: [f"TN{p:06d}A" for p in person],
            header["registration_number"]: [None] * posts,
            header["date_of_birth"]: [
                dt.date.fromordinal(dt.date(1960, 1, 1).toordinal() + int(p % 14000)).isoformat()
                for p in person
            ],
            header["sex"]: np.where(person % 5 == 0, "male", "female"),
            header["ethnicity"]: [None if p % 11 == 0 else "White British" for p in person],
            header["disability"]: [None if p % 7 == 0 else "no" for p in person],
            header["welsh_language_level"]: (person % 6).astype(str),
            header["nationality"]: "British",
            header["international_recruit"]: np.where(person % 20 == 0, "Y", "N"),
            header["source_role_code"]: [codes[i] for i in rng.integers(0, len(codes), posts)],
            header["locality_code"]: [AREAS[o % 3] for o in org],
            header["setting"]: "hospital",
            header["pay_band"]: "5",
            header["fte"]: np.round(rng.choice([1.0, 0.8, 0.6, 0.5], posts), 2),
            header["contract_type"]: "permanent",
            header["contracted_hours_per_week"]: 37.5,
            header["start_date"]: [dt.date.fromordinal(int(s)).isoformat() for s in start],
            header["end_date"]: [None] * posts,
            header["leaving_reason"]: [None] * posts,
        }
    )
    frame.write_csv(path)


def run(cmd: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument(
        "--record", action="store_true", help="append the result to docs/benchmarks.md"
    )
    args = parser.parse_args()
    careforce = str(Path(sys.executable).with_name("careforce"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(
            os.environ,
            CAREFORCE_SECRET_FILE=str(folder / "secret.key"),
            CAREFORCE_DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite'}",
        )
        localities, organisations = write_reference(folder)
        extract = folder / "esr.csv"
        began = time.perf_counter()
        write_extract(extract, args.posts)
        generated = time.perf_counter() - began
        run([careforce, "init"], env)
        run([careforce, "import", "localities", str(localities)], env)
        run([careforce, "import", "organisations", str(organisations)], env)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        seconds = run([careforce, "import", "esr", str(extract)], env)
        peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        again = run([careforce, "import", "esr", str(extract)], env)
        size_mb = extract.stat().st_size / 1e6
    line = (
        f"| {dt.date.today().isoformat()} | {platform.node() or 'unknown'} ({os.cpu_count()} cores) "
        f"| {args.posts:,} posts, {size_mb:.0f} MB CSV | {seconds:.1f} s | {again:.1f} s "
        f"| {peak_mb:,.0f} MB |"
    )
    print(f"generated the extract in {generated:.1f} s")
    print("| date | machine | input | import | re-import (no change) | peak memory |")
    print(line)
    if args.record:
        with Path("docs/benchmarks.md").open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


if __name__ == "__main__":
    main()

"""The demo region's workforce figures and its scenarios' headline numbers (gap, required and
projected FTE, costs, the cheapest plan) under its fixed seed, rounded: the regression baseline.

Regenerate only on purpose, and review the diff: `make golden`.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

GOLDEN = Path(__file__).with_name("golden") / "demo_workforce.json"
SEED = 20261123


def _rounded(frame: pl.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in frame.iter_rows(named=True):
        out[str(row[key])] = {
            k: round(v, 1) if isinstance(v, float) else v
            for k, v in row.items()
            if k != key and not isinstance(v, str)
        }
    return out


def demo_figures() -> dict[str, Any]:
    """Run the demo into a temporary folder and summarise what it stored."""
    from careforce.services.demo import DEMO_DATABASE, run_demo
    from careforce.services.workforce import summarise_store
    from careforce.store.database import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("CAREFORCE_SECRET_FILE", str(Path(tmp) / "secret.key"))
        outcome = run_demo(Path(tmp) / "demo", seed=SEED, runs=1, progress=False)
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo' / DEMO_DATABASE}")
        try:
            summary = summarise_store(engine, outcome.census_date)
        finally:
            engine.dispose()
    return {
        "seed": SEED,
        "rows_imported": outcome.rows_imported,
        "total_headcount": summary.total_headcount,
        "total_fte": round(summary.total_fte, 1),
        "vacancy_rate": round(summary.vacancy_rate or 0.0, 4),
        "volunteer_headcount": summary.volunteer_headcount,
        "by_sector": _rounded(summary.by_sector, summary.by_sector.columns[0]),
        "by_staff_group": _rounded(summary.by_staff_group, summary.by_staff_group.columns[0]),
        "by_area": _rounded(summary.by_area, summary.by_area.columns[0]),
        "scenarios": {name: _headline(h) for name, h in outcome.headlines.items()},
    }


def _headline(figures: dict[str, Any]) -> dict[str, Any]:
    """A scenario's headline numbers, rounded: FTE to 0.1, shares to 0.1%, money to GBP 1,000."""
    out: dict[str, Any] = {}
    for key, value in figures.items():
        if not isinstance(value, float):
            out[key] = value
        elif key.endswith("_gbp"):
            out[key] = round(value, -3)
        elif key.startswith("probability"):
            out[key] = round(value, 3)
        else:
            out[key] = round(value, 1)
    return out


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(demo_figures(), indent=2, sort_keys=True) + "\n")
    sys.stdout.write(f"wrote {GOLDEN}\n")

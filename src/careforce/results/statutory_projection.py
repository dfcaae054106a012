"""Projected statutory roles (AMHP, section 12): approved people by kind and year, with their range,
and the central run's flows (newly approved, lapsed at re-approval, left with their base post).

Like every supply table: the central run (run 0) and the quantiles of runs 1..R, each taken of
the kind's total within a run (METHODS section 5).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from careforce.results.demand_summary import QUANTILES, spread_of_runs
from careforce.supply.statutory import StatutoryProjection

FLOW_COLUMNS = {
    "trained": "trained_central",
    "due": "due_central",
    "lapsed": "lapsed_central",
    "leavers": "leavers_central",
    "retirements": "retirements_central",
}


def _stats(values: np.ndarray, name: str, quantiles: Sequence[int]) -> dict[str, np.ndarray]:
    return {
        f"{name}_{stat}": np.asarray(v, dtype=np.float64).reshape(-1)
        for stat, v in spread_of_runs(values, quantiles).items()
    }


def empty_statutory_table() -> pl.DataFrame:
    schema = {"kind": pl.String, "year": pl.Int64, "holders_central": pl.Float64}
    return pl.DataFrame(schema=schema | dict.fromkeys(FLOW_COLUMNS.values(), pl.Float64))


def empty_statutory_by_area() -> pl.DataFrame:
    schema = {"kind": pl.String, "area_code": pl.String, "year": pl.Int64}
    return pl.DataFrame(schema=schema | {"holders_central": pl.Float64})


def summarise_statutory(
    projections: Sequence[StatutoryProjection],
    first_year: int,
    *,
    quantiles: Sequence[int] = QUANTILES,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two tables: by kind and year [kind, year, holders_central, holders_p5.., trained_central,
    due_central, lapsed_central, leavers_central, retirements_central], and by kind, area and
    year [kind, area_code, year, holders_central, holders_p5..]. `first_year` labels year 0."""
    tables, areas = [], []
    for p in projections:
        if not len(p.runs) or p.runs[0] != 0:
            raise ValueError("the statutory projection's first run must be the central run 0")
        years = np.arange(first_year, first_year + p.years + 1, dtype=np.int64)
        columns: dict[str, object] = {"kind": [p.kind] * len(years), "year": years}
        columns |= _stats(p.total(), "holders", quantiles)
        for flow, column in FLOW_COLUMNS.items():
            columns[column] = p.flow(flow)[0]
        tables.append(pl.DataFrame(columns, schema_overrides={"kind": pl.String}))
        by_area: dict[str, object] = {
            "kind": [p.kind] * (len(p.areas) * len(years)),
            "area_code": np.repeat(np.asarray(p.areas, dtype=object), len(years)).tolist(),
            "year": np.tile(years, len(p.areas)),
        }
        by_area |= _stats(np.swapaxes(p.holders, 1, 2), "holders", quantiles)  # [r, l, y]
        areas.append(
            pl.DataFrame(by_area, schema_overrides={"kind": pl.String, "area_code": pl.String})
        )
    table = pl.concat(tables, how="diagonal") if tables else empty_statutory_table()
    by_area_table = pl.concat(areas, how="diagonal") if areas else empty_statutory_by_area()
    return table, by_area_table


__all__ = ["empty_statutory_by_area", "empty_statutory_table", "summarise_statutory"]

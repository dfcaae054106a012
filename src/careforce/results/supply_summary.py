"""Projected supply summaries: headcount and FTE by staff group, area and role over the years, the
flows that make the change, the retirement wave, the training pipeline's contribution and the
statutory roles' approved people (results.statutory_projection).

Each table has one row per group and year: the central run (run 0) and the quantiles of runs
1..R (METHODS section 5). Sums are taken within each run before the quantiles, so a total's range
is the range of the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from careforce.results.demand_summary import QUANTILES, group_sum, spread_of_runs
from careforce.results.statutory_projection import (
    empty_statutory_by_area,
    empty_statutory_table,
    summarise_statutory,
)
from careforce.supply.projection import AGE_BANDS, FLOWS, Projection
from careforce.supply.statutory import StatutoryProjection


def _rows(
    key: str,
    labels: Sequence[str],
    years: Sequence[int],
    measures: Mapping[str, np.ndarray],
    quantiles: Sequence[int],
) -> pl.DataFrame:
    """One row per label and year from each `measures[name][r, label, year]`."""
    columns: dict[str, object] = {
        key: np.repeat(np.asarray(labels, dtype=object), len(years)).tolist(),
        "year": np.tile(np.asarray(years, dtype=np.int64), len(labels)),
    }
    for name, values in measures.items():
        for stat, value in spread_of_runs(np.swapaxes(values, 1, 2), quantiles).items():
            columns[f"{name}_{stat}"] = np.asarray(value, dtype=np.float64).reshape(-1)
    return pl.DataFrame(columns, schema_overrides={key: pl.String, "year": pl.Int64})


@dataclass(frozen=True)
class SupplySummary:
    """Tables of projected supply (columns: the key, `year`, then `<measure>_central`, `_p5`...).

    `statutory` and `statutory_by_area` are the approved people of each statutory role
    (results.statutory_projection); empty when none was projected.
    """

    quantiles: tuple[int, ...]
    drawn_runs: int
    years: tuple[int, ...]
    total: pl.DataFrame
    by_staff_group: pl.DataFrame
    by_area: pl.DataFrame
    by_staff_group_area: pl.DataFrame
    by_role: pl.DataFrame
    flows: pl.DataFrame
    retirements: pl.DataFrame
    pipeline: pl.DataFrame
    age_profile: pl.DataFrame
    statutory: pl.DataFrame = field(default_factory=empty_statutory_table)
    statutory_by_area: pl.DataFrame = field(default_factory=empty_statutory_by_area)


def summarise_supply(
    projection: Projection,
    role_groups: Mapping[str, str],
    first_year: int,
    *,
    quantiles: Sequence[int] = QUANTILES,
    statutory: Sequence[StatutoryProjection] = (),
) -> SupplySummary:
    """Sum the projection by staff group (a role's group from `role_groups`), area and role within
    each run, then take the central run and the quantiles; `first_year` labels year 0. The
    statutory roles' projections (same runs and years) are summarised beside them."""
    if not len(projection.runs) or projection.runs[0] != 0:
        raise ValueError("the projection's first run must be the central run 0")
    years = tuple(first_year + y for y in range(projection.years + 1))
    headcount = projection.headcount_by_cell  # [r, y, cell]
    fte = projection.fte_by_cell
    cell_roles = [projection.roles[g] for g in projection.cell_role]
    cell_groups = [role_groups.get(r, "unassigned") for r in cell_roles]
    cell_areas = [projection.areas[a] for a in projection.cell_area]
    groups = sorted(set(cell_groups))
    areas = list(projection.areas)
    roles = list(projection.roles)
    role_group = [role_groups.get(r, "unassigned") for r in roles]

    def by(labels: list[str], order: list[str]) -> dict[str, np.ndarray]:
        return {
            "headcount": np.swapaxes(group_sum(np.swapaxes(headcount, 1, 2), labels, order), 1, 2),
            "fte": np.swapaxes(group_sum(np.swapaxes(fte, 1, 2), labels, order), 1, 2),
        }

    def table(key: str, order: list[str], measures: Mapping[str, np.ndarray]) -> pl.DataFrame:
        return _rows(key, order, years, measures, quantiles)

    pairs = [f"{g}|{a}" for g, a in zip(cell_groups, cell_areas, strict=True)]
    pair_order = [f"{g}|{a}" for g in groups for a in areas if f"{g}|{a}" in set(pairs)]
    by_pair = table("pair", pair_order, by(pairs, pair_order))
    by_pair = by_pair.with_columns(
        pl.col("pair").str.split_exact("|", 1).struct.rename_fields(["staff_group", "area_code"])
    ).unnest("pair")

    flows = projection.flows  # [r, y, g, flow]
    flow_rows = []
    grouped_flows = np.swapaxes(group_sum(np.swapaxes(flows, 1, 2), role_group, groups), 1, 2)
    for f, name in enumerate(FLOWS):
        central = grouped_flows[0, :, :, f]  # [y, group]
        for gi, group in enumerate(groups):
            for yi, year in enumerate(years):
                flow_rows.append((group, year, name, float(central[yi, gi])))
    retire = grouped_flows[..., FLOWS.index("retirements")]
    bands = projection.headcount_by_age_band  # [r, y, g, band]
    grouped_bands = np.swapaxes(group_sum(np.swapaxes(bands, 1, 2), role_group, groups), 1, 2)
    age_rows = [
        (group, band, years[yi], float(grouped_bands[0, yi, gi, bi]))
        for gi, group in enumerate(groups)
        for bi, band in enumerate(AGE_BANDS)
        for yi in (0, len(years) - 1)
    ]
    programmes = list(projection.programmes)
    statutory_table, statutory_by_area = summarise_statutory(
        statutory, first_year, quantiles=quantiles
    )
    return SupplySummary(
        quantiles=tuple(quantiles),
        drawn_runs=len(projection.runs) - 1,
        years=years,
        total=table("measure", ["supply"], by(["supply"] * len(cell_roles), ["supply"])).drop(
            "measure"
        ),
        by_staff_group=table("staff_group", groups, by(cell_groups, groups)),
        by_area=table("area_code", areas, by(cell_areas, areas)),
        by_staff_group_area=by_pair.select(
            "staff_group", "area_code", pl.exclude("staff_group", "area_code")
        ),
        by_role=table("role", roles, by(cell_roles, roles)),
        flows=pl.DataFrame(
            flow_rows, schema=["staff_group", "year", "flow", "headcount_central"], orient="row"
        ),
        retirements=table("staff_group", groups, {"retirements": retire}),
        pipeline=table(
            "programme",
            programmes,
            {"intake": projection.intake, "completers": projection.completers},
        ),
        age_profile=pl.DataFrame(
            age_rows, schema=["staff_group", "age_band", "year", "headcount_central"], orient="row"
        ),
        statutory=statutory_table,
        statutory_by_area=statutory_by_area,
    )

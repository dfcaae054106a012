"""The gap: hours of need the staff who may do them cannot meet, by task, domain, area and year.

From an allocation (METHODS section 6) over the central run and a sample of drawn runs. Each table
has the central run and the quantiles of the drawn runs in unmet hours and in FTE (unmet hours /
the task hours of one FTE), and the probability that the gap is above zero: the share of drawn
runs whose unmet hours exceed `GAP_THRESHOLD_HOURS` (an hour a year, below which a shortfall is
the solver's rounding rather than a gap). Sums are taken within each run first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from careforce.allocation.engine import Allocation
from careforce.allocation.problem import AllocationProblem
from careforce.results.demand_summary import QUANTILES, group_sum, hours_table, spread_of_runs

GAP_THRESHOLD_HOURS = 1.0


@dataclass(frozen=True)
class GapSummary:
    """Tables, one row per group and year; `unmet_*`-less columns are named in each docstring."""

    quantiles: tuple[int, ...]
    runs: tuple[int, ...]  # the projection's runs solved, central first
    task_hours_per_fte: float
    total: pl.DataFrame  # year, hours_*, fte_*, probability_gap, required_hours_central
    by_task: pl.DataFrame  # task, domain, year, ...
    by_domain: pl.DataFrame
    by_area: pl.DataFrame
    by_domain_area: pl.DataFrame
    worth_most: pl.DataFrame  # area_code, year, role, rank, unmet_removed_per_fte_central, _p50
    utilisation: (
        pl.DataFrame
    )  # role, year, capacity_hours_central, used_hours_central, utilisation_central
    delegation: (
        pl.DataFrame
    )  # year, unmet_with_central, unmet_without_central, delegated_hours_central


def _with_probability(table: pl.DataFrame, unmet: np.ndarray) -> pl.DataFrame:
    """Add `probability_gap` to a table built from `unmet[r, group, year]` (null without draws)."""
    if len(unmet) < 2:
        return table.with_columns(probability_gap=pl.lit(None, dtype=pl.Float64))
    above = (unmet[1:] > GAP_THRESHOLD_HOURS).mean(axis=0)
    return table.with_columns(probability_gap=pl.Series(above.reshape(-1), dtype=pl.Float64))


def _gap_table(
    keys: Mapping[str, Sequence[str]],
    years: Sequence[int],
    unmet: np.ndarray,
    hours_per_fte: float,
    quantiles: Sequence[int],
) -> pl.DataFrame:
    table = hours_table(keys, years, unmet, hours_per_fte, quantiles)
    return _with_probability(table, unmet)


def _worth_most(allocation: Allocation, problem: AllocationProblem, top: int) -> pl.DataFrame:
    """The roles whose extra FTE would remove most unmet hours, per area and year (central run,
    with the median of the drawn runs beside it)."""
    value = allocation.unmet_removed_per_fte  # [r, l, y, g]
    spread = spread_of_runs(value, (50,))
    rows = []
    for lo, area in enumerate(problem.areas):
        for yi, year in enumerate(problem.years):
            central = spread["central"][lo, yi]
            # Ties (roles that may each do the whole unmet task) go to the least costly first.
            ranked = np.lexsort((problem.cost_per_hour, -np.round(central, 6)))
            for rank, g in enumerate([g for g in ranked if central[g] > 1e-9][:top], start=1):
                row = {
                    "area_code": area,
                    "year": int(year),
                    "role": problem.groups[g],
                    "rank": rank,
                    "unmet_removed_per_fte_central": float(central[g]),
                }
                if "p50" in spread:
                    row["unmet_removed_per_fte_p50"] = float(spread["p50"][lo, yi, g])
                rows.append(row)
    schema = {
        "area_code": pl.String,
        "year": pl.Int64,
        "role": pl.String,
        "rank": pl.Int64,
        "unmet_removed_per_fte_central": pl.Float64,
    }
    if len(value) > 1:
        schema["unmet_removed_per_fte_p50"] = pl.Float64
    return pl.DataFrame(rows, schema=schema)


def _utilisation(allocation: Allocation, problem: AllocationProblem) -> pl.DataFrame:
    """Region-wide use of each role's task hours in the central run."""
    capacity = (problem.fte[0] * problem.task_hours_per_fte).sum(axis=0)  # [y, g]
    used = allocation.hours_done[0].sum(axis=(0, 2)) + allocation.supervision[0].sum(axis=0)
    frames = []
    for g, role in enumerate(problem.groups):
        cap, use = capacity[:, g], used[:, g]
        frames.append(
            pl.DataFrame(
                {
                    "role": [role] * len(problem.years),
                    "year": list(problem.years),
                    "capacity_hours_central": cap,
                    "used_hours_central": use,
                    "utilisation_central": np.divide(
                        use, cap, out=np.zeros_like(use), where=cap > 0
                    ),
                },
                schema_overrides={"year": pl.Int64},
            )
        )
    return pl.concat(frames)


def _delegated_hours(allocation: Allocation, problem: AllocationProblem) -> np.ndarray:
    """Hours done under delegation, by year, in the first solved run."""
    done = allocation.hours_done[0]  # [l, y, t, g]
    return (done * problem.delegable[None, None]).sum(axis=(0, 2, 3))


def staff_cost(allocation: Allocation, problem: AllocationProblem) -> np.ndarray:
    """Cost of the staff hours the first solved run uses, by year: task work, supervision and
    travel, each at the role's cost per hour."""
    hours = (
        allocation.hours_done[0].sum(axis=2) + allocation.supervision[0] + allocation.travel[0]
    )  # [l, y, g]
    return (hours * problem.cost_per_hour).sum(axis=(0, 2))


def summarise_gap(
    allocation: Allocation,
    problem: AllocationProblem,
    task_domains: Mapping[str, str],
    *,
    without_delegation: Allocation | None = None,
    domain_order: Sequence[str] = (),
    quantiles: Sequence[int] = QUANTILES,
    top: int = 3,
    runs: Sequence[int] | None = None,
) -> GapSummary:
    """Sum the allocation's unmet hours by task, domain, area and domain within area, within each
    solved run, then take the central run, the quantiles and the probability of a gap. The
    problem's run axis holds the solved runs, central first; `runs` names them in the projection."""
    if allocation.runs[0] != 0:
        raise ValueError("the allocation's first run must be the central run 0")
    years = problem.years
    per_fte = float(np.mean(problem.task_hours_per_fte))
    unmet = np.asarray(allocation.unmet, dtype=np.float64)  # [r, l, y, t]
    by_task = unmet.sum(axis=1).transpose(0, 2, 1)  # [r, t, y]
    domains = [task_domains.get(t, "unassigned") for t in problem.tasks]
    present = [d for d in dict.fromkeys([*domain_order, *domains]) if d in domains]
    by_domain = group_sum(by_task, domains, present)
    by_area = unmet.sum(axis=3)  # [r, l, y]
    domain_area = group_sum(unmet.transpose(0, 3, 1, 2), domains, present)  # [r, d, l, y]
    areas = problem.areas

    def table(key: str, labels: Sequence[str], values: np.ndarray) -> pl.DataFrame:
        return _gap_table({key: labels}, years, values, per_fte, quantiles)

    total = table("measure", ["unmet"], by_task.sum(axis=1)[:, None, :]).drop("measure")
    required = problem.hours[0].sum(axis=(0, 2))
    total = total.with_columns(required_hours_central=pl.Series(required, dtype=pl.Float64))
    task_table = table("task", problem.tasks, by_task).with_columns(
        domain=pl.Series(np.repeat(np.asarray(domains, dtype=object), len(years)).tolist())
    )
    domain_area_table = _gap_table(
        {
            "domain": [d for d in present for _ in areas],
            "area_code": [a for _ in present for a in areas],
        },
        years,
        domain_area.reshape(len(unmet), len(present) * len(areas), len(years)),
        per_fte,
        quantiles,
    )
    with_delegation = unmet[0].sum(axis=(0, 2))
    without = np.full(len(years), np.nan)
    cost_without = np.full(len(years), np.nan)
    if without_delegation is not None:
        without = np.asarray(without_delegation.unmet[0]).sum(axis=(0, 2))
        cost_without = staff_cost(without_delegation, problem)
    delegation = pl.DataFrame(
        {
            "year": list(years),
            "unmet_with_central": with_delegation,
            "unmet_without_central": without,
            "delegated_hours_central": _delegated_hours(allocation, problem),
            "staff_cost_with_central": staff_cost(allocation, problem),
            "staff_cost_without_central": cost_without,
        },
        schema_overrides={"year": pl.Int64},
    )
    return GapSummary(
        quantiles=tuple(quantiles),
        runs=tuple(int(r) for r in runs) if runs is not None else tuple(allocation.runs),
        task_hours_per_fte=per_fte,
        total=total,
        by_task=task_table.select("task", "domain", pl.exclude("task", "domain")),
        by_domain=table("domain", present, by_domain),
        by_area=table("area_code", areas, by_area),
        by_domain_area=domain_area_table,
        worth_most=_worth_most(allocation, problem, top),
        utilisation=_utilisation(allocation, problem),
        delegation=delegation,
    )

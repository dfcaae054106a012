"""Required workforce summaries: hours and FTE by competency domain, task, area, setting, service,
and by domain within each area.

Each table has one row per group and year: the central run (run 0) and the quantiles of runs
1..R (METHODS section 5), in hours and in FTE (hours / standard hours of one FTE). Sums are taken
within each run before the quantiles, so a total's range is the range of the total, not a sum of
ranges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from careforce.demand.model import DemandResult

QUANTILES = (5, 25, 50, 75, 95)
UNASSIGNED_DOMAIN = "unassigned"  # a task that the framework in use does not know


def spread_of_runs(
    values: np.ndarray, quantiles: Sequence[int] = QUANTILES
) -> dict[str, np.ndarray]:
    """`central` (run 0) and `p5`, `p25`, ... over runs 1..R of `values[r, ...]`.

    With no drawn runs (R = 0) only the central values are given.
    """
    out = {"central": values[0]}
    if len(values) > 1:
        found = np.percentile(values[1:], list(quantiles), axis=0)
        out |= {f"p{q}": found[i] for i, q in enumerate(quantiles)}
    return out


def group_sum(values: np.ndarray, groups: Sequence[str], order: Sequence[str]) -> np.ndarray:
    """Sum axis 1 of `values[r, k, ...]` into the groups of `order` (`groups[k]` names k's group)."""
    position = {g: i for i, g in enumerate(order)}
    member = np.zeros((len(groups), len(order)))
    member[np.arange(len(groups)), [position[g] for g in groups]] = 1.0
    return np.moveaxis(np.tensordot(values, member, axes=([1], [0])), -1, 1)


def hours_table(
    keys: Mapping[str, Sequence[str]],
    years: Sequence[int],
    hours: np.ndarray,
    hours_per_fte: float,
    quantiles: Sequence[int],
) -> pl.DataFrame:
    """One row per group and year from `hours[r, group, year]`; `keys` names each group's labels
    (one or more key columns, each as long as the groups)."""
    columns: dict[str, object] = {
        key: np.repeat(np.asarray(labels, dtype=object), len(years)).tolist()
        for key, labels in keys.items()
    }
    groups = hours.shape[1]
    columns["year"] = np.tile(np.asarray(years, dtype=np.int64), groups)
    for measure, scale in (("hours", 1.0), ("fte", 1.0 / hours_per_fte)):
        for name, value in spread_of_runs(hours * scale, quantiles).items():
            columns[f"{measure}_{name}"] = np.asarray(value, dtype=np.float64).reshape(-1)
    types = {key: pl.String for key in keys} | {"year": pl.Int64}
    return pl.DataFrame(columns, schema_overrides=types)


@dataclass(frozen=True)
class DemandSummary:
    """Tables of required hours and FTE, one row per group and year (see `hours_table` columns)."""

    quantiles: tuple[int, ...]
    drawn_runs: int
    total: pl.DataFrame
    by_domain: pl.DataFrame
    by_task: pl.DataFrame
    by_area: pl.DataFrame
    by_setting: pl.DataFrame
    by_service: pl.DataFrame
    by_domain_area: pl.DataFrame  # one row per domain, area and year (domain first, then area)


def summarise_demand(
    result: DemandResult,
    task_domains: Mapping[str, str],
    standard_hours_per_fte: float,
    *,
    domain_order: Sequence[str] = (),
    quantiles: Sequence[int] = QUANTILES,
) -> DemandSummary:
    """Sum the result's hours by domain (a task's domain from `task_domains`), task, area, setting,
    service and domain within area, within each run, then take the central run and the quantiles."""
    if not len(result.runs) or result.runs[0] != 0:
        raise ValueError("the result's first run must be the central run 0")
    hours = np.asarray(result.hours, dtype=np.float64)
    by_service = np.asarray(result.hours_by_service, dtype=np.float64)
    years = result.years
    domains = [task_domains.get(t, UNASSIGNED_DOMAIN) for t in result.task_ids]
    present = [d for d in dict.fromkeys([*domain_order, *domains]) if d in domains]
    settings = list(dict.fromkeys(result.settings))
    by_task = hours.sum(axis=2)
    service_years = by_service.sum(axis=2)

    def table(key: str, labels: Sequence[str], values: np.ndarray) -> pl.DataFrame:
        return hours_table({key: labels}, years, values, standard_hours_per_fte, quantiles)

    areas = result.area_codes
    domain_area = group_sum(hours, domains, present)  # [r, domain, area, year]
    domain_area_table = hours_table(
        {
            "domain": [d for d in present for _ in areas],
            "area_code": [a for _ in present for a in areas],
        },
        years,
        domain_area.reshape(len(domain_area), len(present) * len(areas), len(years)),
        standard_hours_per_fte,
        quantiles,
    )

    task_table = table("task", result.task_ids, by_task).with_columns(
        domain=pl.Series(np.repeat(np.asarray(domains, dtype=object), len(years)).tolist())
    )
    return DemandSummary(
        quantiles=tuple(quantiles),
        drawn_runs=len(result.runs) - 1,
        total=table("measure", ["required"], by_task.sum(axis=1)[:, None, :]).drop("measure"),
        by_domain=table("domain", present, group_sum(by_task, domains, present)),
        by_task=task_table.select("task", "domain", pl.exclude("task", "domain")),
        by_area=table("area_code", result.area_codes, hours.sum(axis=1)),
        by_setting=table("setting", settings, group_sum(service_years, result.settings, settings)),
        by_service=table("service", result.service_ids, service_years),
        by_domain_area=domain_area_table,
    )

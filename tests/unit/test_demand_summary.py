"""Summaries of required hours: central run, quantiles of the drawn runs, FTE, groupings."""

from __future__ import annotations

import numpy as np
import pytest

from careforce.demand.model import DemandResult
from careforce.results.demand_summary import group_sum, spread_of_runs, summarise_demand


def result(runs: int) -> DemandResult:
    """Two tasks (of domains PC and MED), two areas, one year; run r has r + 1 hours a cell."""
    hours = np.stack([np.full((2, 2, 1), float(r + 1)) for r in range(runs + 1)])
    return DemandResult(
        hours=hours,
        hours_by_service=hours[:, :1] * 2,  # one service with every hour
        runs=np.arange(runs + 1),
        task_ids=("PC01", "MED03"),
        service_ids=("home_care",),
        settings=("domiciliary",),
        area_codes=("A", "B"),
        years=(2026,),
    )


def test_central_is_run_0_and_quantiles_come_from_the_drawn_runs() -> None:
    values = np.array([100.0, *range(1, 101)])
    spread = spread_of_runs(values)
    assert spread["central"] == 100.0
    assert spread["p50"] == pytest.approx(50.5)
    assert spread["p5"] == pytest.approx(5.95)
    assert list(spread) == ["central", "p5", "p25", "p50", "p75", "p95"]
    assert list(spread_of_runs(values[:1])) == ["central"]


def test_group_sum_adds_members_into_their_groups() -> None:
    values = np.arange(12.0).reshape(2, 3, 2)
    summed = group_sum(values, ["x", "y", "x"], ["y", "x"])
    assert summed[0].tolist() == [[2, 3], [0 + 4, 1 + 5]]


def test_tables_in_hours_and_fte_by_domain_area_setting_and_service() -> None:
    summary = summarise_demand(
        result(4), {"PC01": "PC", "MED03": "MED"}, 1000.0, domain_order=["MED", "PC"]
    )
    assert summary.drawn_runs == 4
    assert summary.by_domain["domain"].to_list() == ["MED", "PC"]
    med = summary.by_domain.row(0, named=True)
    assert med["hours_central"] == 2.0  # two areas of 1 hour in run 0
    assert med["fte_central"] == pytest.approx(0.002)
    assert med["hours_p50"] == pytest.approx(2 * 3.5)  # runs 1..4 hold 2, 3, 4, 5 a cell
    total = summary.total.row(0, named=True)
    assert total["hours_central"] == 4.0 and total["hours_p95"] == pytest.approx(4 * 4.85)
    assert summary.by_area["area_code"].to_list() == ["A", "B"]
    assert summary.by_setting["hours_central"].to_list() == [4.0]
    assert summary.by_task.columns[:3] == ["task", "domain", "year"]


def test_a_task_the_framework_does_not_know_is_unassigned() -> None:
    summary = summarise_demand(result(0), {"PC01": "PC"}, 1650.0)
    assert summary.by_domain["domain"].to_list() == ["PC", "unassigned"]
    assert "hours_p5" not in summary.by_domain.columns

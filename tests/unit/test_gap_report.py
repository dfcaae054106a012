"""The gap's summary and report section on a problem small enough to solve by hand.

One area, two years, a nurse (a registrant) and a care worker. Task MED is the nurse's own and may
be delegated to the care worker; task PC is the care worker's own; task MHA (statutory) only the
nurse may do. Runs 1 and 2 need more than the staff can give, run 0 (central) does not."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from careforce.allocation.engine import Allocation, allocate
from careforce.allocation.problem import AllocationOptions, AllocationProblem
from careforce.report.gap_section import gap_section
from careforce.results.gap_summary import GAP_THRESHOLD_HOURS, GapSummary, summarise_gap

TASKS = ("MED", "PC", "MHA")
GROUPS = ("nurse", "carer")
HOURS_PER_FTE = 1000.0


def problem(hours_by_run: list[list[float]]) -> AllocationProblem:
    hours = np.array(hours_by_run, dtype=float)[:, None, None, :].repeat(2, axis=2)
    runs = hours.shape[0]
    return AllocationProblem(
        tasks=TASKS,
        groups=GROUPS,
        areas=("A",),
        years=(2026, 2027),
        hours=hours,
        fte=np.full((runs, 1, 2, 2), 1.0),
        task_hours_per_fte=np.full(2, HOURS_PER_FTE),
        own=np.array([[True, False], [False, True], [True, False]]),
        delegable=np.array([[False, True], [False, False], [False, False]]),
        supervisors=np.array([[True, False], [False, False], [False, False]]),
        supervision_ratio=np.array([0.1, 0.0, 0.0]),
        max_delegated_share=np.ones(3),
        cost_per_hour=np.array([30.0, 15.0]),
        penalty=np.array([1000.0, 1000.0, 10000.0]),
        network=np.zeros(3, dtype=bool),
    )


@dataclass(frozen=True)
class Figures:
    name: str
    runs: tuple[int, ...]
    assumptions: tuple[str, ...]
    summary: GapSummary
    role_titles: dict[str, str]


@pytest.fixture(scope="module")
def solved() -> tuple[AllocationProblem, Allocation, Allocation]:
    # central: 600 MED + 500 PC + 200 MHA = 1,300 of 2,000 hours; runs 1, 2: 2,500 and 2,200.
    p = problem([[600, 500, 200], [1200, 900, 400], [1000, 800, 400]])
    return p, allocate(p), allocate(p, AllocationOptions(delegation=False, runs=(0,)))


def test_the_gap_by_domain_is_the_unmet_hours_of_its_tasks(solved) -> None:
    p, a, without = solved
    s = summarise_gap(a, p, {"MED": "MED", "PC": "PC", "MHA": "MH"}, without_delegation=without)
    # Central run: nobody short. Run 1: the carer does PC (900) and 100 MED delegated, which
    # costs the nurse 10 hours' supervision; the nurse does MHA (400) and 590 MED: 510 MED unmet.
    # Run 2 likewise: 800 PC + 200 MED, 400 MHA + 20 + 580 MED: 220 unmet.
    assert a.unmet[1].sum() == pytest.approx(2 * 510)
    assert a.unmet[2].sum() == pytest.approx(2 * 220)
    assert s.total["hours_central"].to_list() == pytest.approx([0, 0], abs=1e-6)
    assert s.total["hours_p95"].to_list() == pytest.approx([220 + 0.95 * 290] * 2)
    assert s.total["fte_p5"][0] == pytest.approx((220 + 0.05 * 290) / HOURS_PER_FTE)
    assert s.total["probability_gap"].to_list() == [1.0, 1.0]
    # The statutory task is met first: the nurse does MHA before anything else.
    assert s.by_domain.filter(s.by_domain["domain"] == "MH")["hours_p95"].max() == pytest.approx(0)
    assert GAP_THRESHOLD_HOURS == 1.0


def test_delegation_lets_the_carer_take_the_nurses_task_cheaper(solved) -> None:
    p, a, without = solved
    s = summarise_gap(a, p, {t: t for t in TASKS}, without_delegation=without)
    row = s.delegation.row(0, named=True)
    # Central: the carer does PC (500) and 500 of MED under delegation (50 nurse hours to
    # supervise); without delegation the nurse does all 600 MED at GBP 30.
    assert row["delegated_hours_central"] == pytest.approx(500)
    assert row["staff_cost_with_central"] == pytest.approx(
        100 * 30 + 500 * 15 + 500 * 15 + 50 * 30 + 200 * 30
    )
    assert row["staff_cost_without_central"] == pytest.approx(600 * 30 + 500 * 15 + 200 * 30)
    assert row["unmet_with_central"] == pytest.approx(0)


def test_the_section_names_roles_by_title_and_draws_its_charts(solved) -> None:
    p, a, without = solved
    s = summarise_gap(a, p, {t: t for t in TASKS}, without_delegation=without)
    figures = Figures(
        "Test", (0, 1, 2), ("assumption: test",), s, {"nurse": "Nurse", "carer": "Care worker"}
    )
    section = gap_section(figures, {"MED": "Medicines"}, {"A": "Area A"})
    assert section is not None
    assert section.by_domain.row("MED").label == "Medicines"
    for chart in (section.chart, section.heatmap, section.area_heatmap):
        assert chart.svg.lstrip().startswith("<svg")
    assert "saves GBP" in section.delegation_line
    assert section.worth_most.rows == ()  # the central run has no gap, so no role is worth more
    assert section.delegation.columns[-1] == "Staff cost saved (GBP m a year)"

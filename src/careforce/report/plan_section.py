"""The report section "The cheapest plan": the least costly actions that close the gap, and their cost.

Built from an optimise outcome (METHODS section 8), read through the `PlanFigures` protocol that
`careforce.services.optimise.OptimiseOutcome` satisfies: the plan on the central run, its cost
by lever and year, its actions, and the probability over the drawn runs that it meets its target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from careforce.optimise.plan import LEVERS, Plan
from careforce.optimise.problem import PlanOptions, PlanProblem
from careforce.report.charts import Chart
from careforce.report.format import fmt_percent
from careforce.report.supply_charts import GROUP_COLOURS, fmt_amount, stacked_bars
from careforce.report.tables import Cell, RowView, TableView


class PlanFigures(Protocol):
    @property
    def plan(self) -> Plan: ...
    @property
    def problem(self) -> PlanProblem: ...
    @property
    def options(self) -> PlanOptions: ...
    @property
    def probability_met(self) -> float | None: ...
    @property
    def checked_runs(self) -> tuple[int, ...]: ...


@dataclass(frozen=True, slots=True)
class PlanSection:
    lead: str
    diagnostics: tuple[str, ...]
    chart: Chart | None
    costs: TableView
    actions: TableView


def _millions(value: float) -> str:
    return f"{value / 1e6:,.2f}"


def _cost_table(plan: Plan, per_fte: float) -> TableView:
    levers = [lever for lever in LEVERS if np.abs(plan.cost[lever]).sum() > 0.5]
    rows = []
    for j, year in enumerate(plan.years):
        cells = [Cell(_millions(plan.cost[lever][j])) for lever in levers]
        cells += [
            Cell(_millions(plan.total_cost[j])),
            Cell(fmt_amount(plan.unmet[j].sum() / per_fte)),
        ]
        rows.append(RowView(str(year), str(year), tuple(cells)))
    total = RowView(
        "total",
        "All years",
        (
            *(Cell(_millions(plan.cost[lever].sum())) for lever in levers),
            Cell(_millions(plan.total_cost.sum())),
            Cell(""),
        ),
    )
    return TableView(
        id="plan-costs",
        caption="The plan's cost by lever, GBP million a year (cash, 2025/26 pay), and the gap left",
        columns=("Year", *(lever.capitalize() for lever in levers), "Total", "Gap left (FTE)"),
        rows=tuple(rows),
        total=total,
    )


def _actions_table(
    f: PlanFigures, titles: Mapping[str, str], programme_names: Mapping[str, str]
) -> TableView:
    plan, p = f.plan, f.problem
    groups = p.allocation.groups
    years = plan.years
    rows: list[RowView] = []

    def when(active: np.ndarray) -> str:
        picked = [y for y, a in zip(years, active, strict=True) if a]
        return f"{picked[0]}–{picked[-1]}" if len(picked) > 1 else str(picked[0])

    for i, programme in enumerate(p.programmes):
        places = plan.places[:, i]
        if places.sum() > 0.05:
            name = programme_names.get(programme, programme)
            rows.append(
                RowView(
                    f"places-{programme}",
                    f"Extra training places: {name}",
                    (Cell(when(places > 0.05), numeric=False), Cell(fmt_amount(places.sum()))),
                )
            )
    for g, role in enumerate(groups):
        recruits = plan.recruits[:, g]
        if recruits.sum() > 0.05:
            rows.append(
                RowView(
                    f"recruits-{role}",
                    f"International recruits: {titles.get(role, role)}",
                    (Cell(when(recruits > 0.05), numeric=False), Cell(fmt_amount(recruits.sum()))),
                )
            )
    for g, role in enumerate(groups):
        kept = plan.leavers_kept_share[:, g]
        if kept.max() > 1e-4:
            spend = plan.retention_spend[:, g].sum()
            uplift = plan.pay_uplift[:, g].max()
            words = f"up to {fmt_percent(kept.max())} of leavers kept"
            if spend > 0:
                words += f"; retention spending GBP {_millions(spend)} million in all"
            if uplift > 0:
                words += f"; pay up to {fmt_percent(uplift)} higher"
            rows.append(
                RowView(
                    f"retention-{role}",
                    f"Retention: {titles.get(role, role)}",
                    (Cell(when(kept > 1e-4), numeric=False), Cell(words, numeric=False)),
                )
            )
    trained = plan.trained_workers.sum(axis=(1, 2))
    if trained.sum() > 0.05:
        rows.append(
            RowView(
                "upskilling",
                "Support workers trained for delegated tasks",
                (Cell(when(trained > 0.05), numeric=False), Cell(fmt_amount(trained.sum()))),
            )
        )
    return TableView(
        id="plan-actions",
        caption="The plan's actions",
        columns=("Action", "Years", "How much"),
        rows=tuple(rows),
        note=None if rows else "No action is needed: the central run meets the target as it is.",
    )


def plan_section(f: PlanFigures | None, titles: Mapping[str, str]) -> PlanSection | None:
    """The section's content, or None without a plan (the section is left out)."""
    if f is None:
        return None
    plan, options = f.plan, f.options
    per_fte = float(np.mean(f.problem.allocation.task_hours_per_fte))
    share = options.target_unmet_share
    goal = "no unmet need" if share == 0 else f"at most {fmt_percent(share)} of the need unmet"
    drawn = len(f.checked_runs) - 1
    if plan.feasible:
        lead = (
            f"The least costly mix of actions that leaves {goal} in every year from "
            f"{options.target_year} (central run) costs GBP {_millions(plan.total_cost.sum())} "
            f"million over {plan.years[1]}–{plan.years[-1]}."
        )
    else:
        lead = (
            f"No mix of the actions allowed leaves {goal} from {options.target_year}; the nearest "
            f"plan costs GBP {_millions(plan.total_cost.sum())} million over "
            f"{plan.years[1]}–{plan.years[-1]}."
        )
    if f.probability_met is not None:
        lead += (
            f" Put through the projection with the same random draws, it meets the target in "
            f"{fmt_percent(f.probability_met)} of {drawn} runs."
        )
    levers = [lever for lever in LEVERS if np.abs(plan.cost[lever]).sum() > 0.5]
    chart = None
    if levers:
        years = list(plan.years)
        chart = stacked_bars(
            "chart-plan-costs",
            years,
            {lever.capitalize(): (plan.cost[lever] / 1e3).tolist() for lever in levers},
            GROUP_COLOURS[: len(levers)],
            title="The plan's cost by lever and year",
            description=(
                f"Bars of the plan's cost a year, GBP thousand, {years[0]} to {years[-1]}, one "
                f"segment per lever; GBP {_millions(plan.total_cost.sum())} million in all."
            ),
            ylabel="GBP thousand",
        )
    return PlanSection(
        lead=lead,
        diagnostics=plan.diagnostics,
        chart=chart,
        costs=_cost_table(plan, per_fte),
        actions=_actions_table(f, titles, f.problem.programme_names),
    )

"""The planners' scenario report: one self-contained HTML document for a planning board that
weighs one or more scenarios against a baseline.

In the order a board reads it: headline findings, today's workforce, required and projected
workforce, the gap, how the scenarios compare, what they cost, the cheapest plan, data quality,
the assumptions used, disclosure control and provenance. It shares its sections' partials with
the workforce report, and like it is offline, mails as one file and prints on A4.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import polars as pl

from careforce.costing.scenario_costs import ScenarioCosts
from careforce.demand.wisn import WisnResult
from careforce.report.charts import Chart
from careforce.report.comparison_section import ComparisonFigures, comparison_section
from careforce.report.cost_section import cost_section
from careforce.report.demand_section import DemandFigures, demand_section
from careforce.report.format import fmt_datetime, fmt_percent
from careforce.report.gap_section import GapFigures, fmt_gap, gap_section
from careforce.report.headlines import comparison_headline, gap_headlines, plan_headline
from careforce.report.plan_section import PlanFigures, plan_section
from careforce.report.supply_charts import fmt_amount
from careforce.report.supply_section import BacktestFigures, SupplyFigures, supply_section
from careforce.report.tables import Cell, RowView, TableView
from careforce.report.workforce_report import (
    area_names,
    provenance_rows,
    report_environment,
    workforce_context,
)
from careforce.results.competency import CompetencyInventory
from careforce.results.compliance import ComplianceReport
from careforce.results.provenance import Provenance
from careforce.results.statutory import StatutoryRolesReport
from careforce.results.workforce import WorkforceSummary

T = TypeVar("T")


class ScenarioPlan(PlanFigures, Protocol):
    """A cheapest plan with the assumptions it was found under (an optimise outcome)."""

    @property
    def assumptions(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class ScenarioFigures:
    """One scenario's figures for the report. `levers` are (lever, description, basis) rows, the
    basis a source or ``assumption: why``; `demand` and `supply` add its required and projected
    workforce in detail, beside the required FTE and the gap the gap outcome gives."""

    name: str
    description: str
    gap: GapFigures
    plan: ScenarioPlan | None
    costs: ScenarioCosts | None
    levers: Sequence[tuple[str, str, str]]
    provenance: Provenance
    demand: DemandFigures | None = None
    supply: SupplyFigures | None = None


@dataclass(frozen=True, slots=True)
class ScenarioView:
    """What the template draws for one scenario; every table and chart id starts with `key`."""

    key: str
    name: str
    description: str
    baseline: bool
    need: TableView
    demand: Any
    supply: Any
    gap: Any
    costs: Any
    plan: Any
    assumptions: TableView
    provenance: dict[str, Any]


def scoped(content: T, key: str) -> T:
    """The same section content with every table and chart id prefixed by `key`, so that each
    scenario's copy of a section can share one page with the others'."""
    if isinstance(content, Chart):
        new_id = f"{key}-{content.id}"
        return dataclasses.replace(content, id=new_id, svg=content.svg.replace(content.id, new_id))
    if isinstance(content, TableView):
        return dataclasses.replace(content, id=f"{key}-{content.id}")
    if isinstance(content, tuple | list):
        return type(content)(scoped(item, key) for item in content)
    if dataclasses.is_dataclass(content) and not isinstance(content, type):
        changes = {
            f.name: scoped(getattr(content, f.name), key) for f in dataclasses.fields(content)
        }
        return dataclasses.replace(content, **changes)
    return content


def _need_table(gap: GapFigures, key: str) -> TableView:
    """Required FTE, the FTE gap and the share of need met by year, from the gap outcome."""
    s = gap.summary
    per_fte = s.task_hours_per_fte
    ranged = "fte_p5" in s.total.columns
    rows = []
    for r in s.total.sort("year").iter_rows(named=True):
        required = r["required_hours_central"] / per_fte
        met = 1 - r["fte_central"] / required if required > 0 else 1.0
        rows.append(
            RowView(
                str(r["year"]),
                str(r["year"]),
                (
                    Cell(fmt_amount(required)),
                    Cell(fmt_amount(required - r["fte_central"])),
                    Cell(fmt_gap(r)),
                    Cell(fmt_percent(met)),
                    Cell(
                        "–" if r["probability_gap"] is None else fmt_percent(r["probability_gap"])
                    ),
                ),
            )
        )
    return TableView(
        id=f"{key}-need",
        caption="Required workforce, the need the projected staff meet, and the gap, by year",
        columns=(
            "Year",
            "Required FTE (central)",
            "Met by projected staff, FTE (central)",
            "FTE gap, central (5–95% of runs)" if ranged else "FTE gap, central",
            "Share of need met (central)",
            "Chance of a gap",
        ),
        rows=tuple(rows),
    )


def _basis_of(line: str) -> tuple[str, str]:
    """(what, basis) of an assumption line: 'assumption: x' is an assumption, 'source: x' a
    sourced figure, anything else a setting of the method."""
    head, _, rest = line.partition(":")
    if head.strip().lower() == "assumption" and rest:
        return rest.strip(), "Assumption"
    if head.strip().lower() == "source" and rest:
        return rest.strip(), "Source"
    return line, "Method setting (docs/methods)"


def _assumptions_table(f: ScenarioFigures, key: str) -> TableView:
    rows = []
    for lever, description, basis in f.levers:
        kind = "Assumption" if basis.lower().startswith("assumption") else "Source"
        words = basis.partition(":")[2].strip() if ":" in basis else basis
        cell = f"{kind}: {words}" if words else kind
        rows.append(
            RowView(lever, f"Lever: {lever}", (Cell(description, False), Cell(cell, False)))
        )
    seen: set[str] = set()
    for where, lines in (
        ("The gap", f.gap.assumptions),
        ("The cheapest plan", f.plan.assumptions if f.plan else ()),
        ("Costs", f.costs.assumptions if f.costs else ()),
    ):
        for line in lines:
            if line in seen:
                continue
            seen.add(line)
            what, basis = _basis_of(line)
            rows.append(RowView(where, where, (Cell(what, False), Cell(basis, False))))
    return TableView(
        id=f"{key}-assumptions",
        caption=f"Assumptions used: {f.name}",
        columns=("Where", "Assumption or figure", "Basis"),
        rows=tuple(rows),
        note=None if rows else "No assumption was recorded for this scenario.",
    )


def _provenance(f: ScenarioFigures) -> dict[str, Any]:
    found = provenance_rows(f.provenance)
    drawn = len(f.gap.runs) - 1
    found["rows"] = [
        ("Scenario", f.name),
        *found["rows"],
        ("Runs allocated", f"the central run and {drawn} drawn run{'s' if drawn != 1 else ''}"),
    ]
    return found


def _headlines(
    views: Sequence[ScenarioFigures],
    comparison: ComparisonFigures | None,
    domain_names: Mapping[str, str],
) -> list[str]:
    compared = set(comparison.alternatives) if comparison else set()
    lines = []
    for i, f in enumerate(views):
        if i == 0 or f.name not in compared:
            lines += gap_headlines(f.name, f.gap.summary, domain_names)
    if comparison is not None:
        for name in comparison.alternatives:
            line = comparison_headline(comparison.differences, comparison.baseline, name)
            if line:
                lines.append(line)
    for f in views:
        if f.plan is not None:
            plan = f.plan.plan
            lines.append(
                plan_headline(
                    f.name,
                    feasible=plan.feasible,
                    total_cost=float(plan.total_cost.sum()),
                    first_year=plan.years[1],
                    last_year=plan.years[-1],
                    probability_met=f.plan.probability_met,
                    drawn_runs=len(f.plan.checked_runs) - 1,
                )
            )
    return lines


def _check(scenarios: Sequence[ScenarioFigures], comparison: ComparisonFigures | None) -> None:
    if not scenarios:
        raise ValueError("give at least one scenario: the first is the baseline")
    names = [f.name for f in scenarios]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario names must differ: {', '.join(names)}")
    if comparison is None:
        return
    if comparison.baseline != names[0]:
        raise ValueError(
            f"the comparison's baseline {comparison.baseline!r} must be the first scenario "
            f"({names[0]!r})"
        )
    unknown = [a for a in comparison.alternatives if a not in names]
    if unknown:
        raise ValueError(f"the comparison names scenarios not given: {', '.join(unknown)}")


def render_scenario_report(
    summary: WorkforceSummary,
    scenarios: Sequence[ScenarioFigures],
    *,
    comparison: ComparisonFigures | None = None,
    quality: Mapping[str, pl.DataFrame] | None = None,
    suppress: bool = True,
    training: ComplianceReport | None = None,
    statutory: StatutoryRolesReport | None = None,
    competency: CompetencyInventory | None = None,
    domain_names: Mapping[str, str] | None = None,
    wisn: Sequence[WisnResult] | None = None,
    backtest: BacktestFigures | None = None,
) -> str:
    """The scenario report as one self-contained HTML document (no external resources).

    The first scenario is the baseline; `comparison` (its alternatives among the others) adds the
    section comparing them run by run. `summary`, `quality`, `training`, `statutory` and
    `competency` describe today's workforce, shared by every scenario, and `suppress` hides
    small counts of people in them as the workforce report does; `wisn` and `backtest` go with
    the baseline's required and projected workforce. Gaps, plans and costs are FTE and GBP, not
    counts of people.
    """
    _check(scenarios, comparison)
    names = domain_names or {}
    context = workforce_context(
        summary,
        quality,
        suppress=suppress,
        training=training,
        statutory=statutory,
        competency=competency,
        domain_names=names,
    )
    areas = area_names(summary)
    views = []
    for i, f in enumerate(scenarios):
        key = f"s{i + 1}"
        content = {
            "demand": demand_section(f.demand, wisn if i == 0 else None, areas),
            "supply": supply_section(f.supply, backtest if i == 0 else None, areas),
            "gap": gap_section(f.gap, names, areas),
            "costs": cost_section(f.costs),
            "plan": plan_section(f.plan, f.gap.role_titles),
        }
        views.append(
            ScenarioView(
                key=key,
                name=f.name,
                description=f.description,
                baseline=i == 0,
                need=_need_table(f.gap, key),
                **{part: scoped(value, key) for part, value in content.items()},
                assumptions=_assumptions_table(f, key),
                provenance=_provenance(f),
            )
        )
    compared = comparison_section(comparison, {f.name: f.gap.summary.total for f in scenarios})
    first = scenarios[0].provenance
    generated = fmt_datetime(first.generated_at)
    region = f": {summary.region_name}" if summary.region_name else ""
    context |= {
        "title": f"Scenario report{region}",
        "meta": f"{len(scenarios)} scenario{'s' if len(scenarios) != 1 else ''}: "
        f"{', '.join(f.name for f in scenarios)} · staff in post on {context['census']} · "
        f"generated {generated} · careforce {first.code_version}",
        "generated": generated,
        "code_version": first.code_version,
        "scenarios": views,
        "comparison": compared,
        "headlines": _headlines(scenarios, comparison, names),
        # the definitions speak of the required and projected workforce when any scenario has them
        "demand": next((v.demand for v in views if v.demand), None),
        "supply": next((v.supply for v in views if v.supply), None),
        "contents": _contents(context, views, compared),
    }
    return report_environment().get_template("scenario_report.html.j2").render(**context)


def _contents(
    context: Mapping[str, Any], views: Sequence[ScenarioView], compared: Any
) -> list[tuple[str, str]]:
    out = [("headlines", "Headline findings"), ("workforce", "Today's workforce")]
    out += [("age", "Age and retirement"), ("flows", "Leavers and joiners")]
    out += [("vacancies", "Vacancies"), ("volunteers", "Volunteers")]
    if context["competency"]:
        out.append(("competency", "Competency inventory"))
    out += [("need", "Required and projected workforce"), ("gap", "The gap")]
    if compared:
        out.append(("comparison", "How the scenarios compare"))
    out.append(("costs", "What the scenarios cost"))
    if any(v.plan for v in views):
        out.append(("plan", "The cheapest plan"))
    if context["training"]:
        out.append(("training", "Training and statutory roles"))
    out += [("quality", "Data quality"), ("assumptions", "Assumptions used")]
    out += [("methods", "Definitions and disclosure control"), ("provenance", "Provenance")]
    return out

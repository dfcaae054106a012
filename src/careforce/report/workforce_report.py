"""The planners' workforce report: one self-contained HTML document for a planning board.

Everything the page needs is inside it: the stylesheet is inline, the charts are inline SVG, and
there is no script, web font or image to fetch, so it opens offline, mails as one file and prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import Any

import jinja2
import polars as pl

from careforce.demand.wisn import WisnResult
from careforce.report.competency_section import competency_section
from careforce.report.demand_section import DemandFigures, demand_section
from careforce.report.format import fmt_count, fmt_date, fmt_datetime, fmt_fte, fmt_percent
from careforce.report.gap_section import GapFigures, gap_section
from careforce.report.labels import sector_label, staff_group_label
from careforce.report.plan_section import PlanFigures, plan_section
from careforce.report.supply_section import BacktestFigures, SupplyFigures, supply_section
from careforce.report.tables import TableView, generic_table
from careforce.report.training_section import training_section
from careforce.report.workforce_charts import (
    age_chart,
    flows_chart,
    retirement_chart,
    vacancy_chart,
)
from careforce.report.workforce_tables import (
    age_profile_table,
    flows_overall_table,
    rate_by_year_table,
    retirement_table,
    vacancy_table,
    volunteers_table,
    workforce_tables,
)
from careforce.results.competency import CompetencyInventory
from careforce.results.compliance import ComplianceReport
from careforce.results.disclosure import SMALL_COUNT_THRESHOLD, SUPPRESSED
from careforce.results.provenance import Provenance, redact_database_url
from careforce.results.statutory import StatutoryRolesReport
from careforce.results.workforce import WorkforceSummary


@dataclass(frozen=True, slots=True)
class KeyFigure:
    label: str
    value: str
    detail: str


@cache
def report_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("careforce.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def _key_figures(s: WorkforceSummary, threshold: int, vacancies: TableView) -> list[KeyFigure]:
    hidden_total = _small(s.total_headcount, threshold)
    headcount = SUPPRESSED if hidden_total else fmt_count(s.total_headcount)
    fte = SUPPRESSED if hidden_total else fmt_fte(s.total_fte)
    old = s.aged_55_plus
    share_55 = fmt_percent(s.share_55_plus)
    if _small(old, threshold) or _small(s.headcount_known_age - old, threshold):
        share_55 = SUPPRESSED
    retiring = (
        SUPPRESSED
        if _small(s.headcount_known_age, threshold)
        else fmt_percent(s.share_retiring_10y)
    )
    vacancy_rate = vacancies.total.cells[2].text if vacancies.total else fmt_percent(None)
    volunteers = (
        SUPPRESSED if _small(s.volunteer_headcount, threshold) else fmt_count(s.volunteer_headcount)
    )
    hours = SUPPRESSED if volunteers == SUPPRESSED else fmt_fte(s.volunteer_hours_per_week)
    return [
        KeyFigure("Staff in post", headcount, "people, each counted once"),
        KeyFigure("Full-time equivalent", fte, "FTE in post"),
        KeyFigure("Aged 55 and over", share_55, "of staff with a known age"),
        KeyFigure("Due to retire within 10 years", retiring, "expected share of today's staff"),
        KeyFigure("Vacancy rate", vacancy_rate, f"{fmt_fte(s.vacant_fte)} FTE vacant"),
        KeyFigure("Volunteers", volunteers, f"giving {hours} hours a week"),
    ]


def _published_max(table: TableView, column: int) -> tuple[str, str] | None:
    """The row label and text of the largest published percentage above zero in a column."""
    best: tuple[float, str, str] | None = None
    for row in table.rows:
        text = row.cells[column].text
        if row.cells[column].suppressed or not text.endswith("%"):
            continue
        value = float(text.rstrip("%").replace(",", ""))
        if value > 0 and (best is None or value > best[0]):
            best = (value, row.label, text)
    return None if best is None else (best[1], best[2])


def _findings(
    s: WorkforceSummary,
    figures: list[KeyFigure],
    retirement: TableView,
    leavers: TableView,
    vacancies: TableView,
) -> list[str]:
    out = []
    sectors = s.by_sector.height
    groups = s.by_staff_group.height
    out.append(
        f"{figures[0].value} people ({figures[1].value} FTE) were in post on "
        f"{fmt_date(s.census_date)}, in {sectors} sector{'s' if sectors != 1 else ''} and "
        f"{groups} staff group{'s' if groups != 1 else ''}."
    )
    out.append(
        f"{figures[2].value} of staff with a known age are aged 55 or over; on the assumed "
        f"retirement rates, {figures[3].value} of today's staff would retire within ten years."
    )
    oldest = _published_max(retirement, 4)
    if oldest:
        out.append(f"The staff group most exposed to retirement is {oldest[0]} ({oldest[1]}).")
    top_vacancy = _published_max(vacancies, 2)
    if top_vacancy:
        out.append(
            f"The highest vacancy rate is in {top_vacancy[0]} ({top_vacancy[1]}), against "
            f"{figures[4].value} overall."
        )
    if leavers.columns[1:]:
        latest = len(leavers.columns) - 1
        top_leaver = _published_max(leavers, latest - 1)
        overall = leavers.total.cells[latest - 1].text if leavers.total else "–"
        if top_leaver:
            out.append(
                f"In {leavers.columns[latest]}, the highest leaver rate was in {top_leaver[0]} "
                f"({top_leaver[1]}); the whole workforce's was {overall}."
            )
    return out


def _quality_tables(quality: Mapping[str, pl.DataFrame] | None) -> list[TableView]:
    if quality is None:
        return []
    tables = []
    for i, (title, frame) in enumerate(quality.items(), start=1):
        if not isinstance(frame, pl.DataFrame):
            raise TypeError(f"quality section {title!r} must be a polars DataFrame")
        tables.append(generic_table(f"quality-{i}", str(title), frame))
    return tables


def provenance_rows(p: Provenance, supply: SupplyFigures | None = None) -> dict[str, Any]:
    """What produced the figures: code, time, census, seed, database, parameters and inputs."""
    rows = [
        ("Code version", p.code_version),
        ("Generated at", fmt_datetime(p.generated_at)),
        ("Census date", fmt_date(p.census_date)),
        ("Random seed", "none" if p.seed is None else str(p.seed)),
        ("Database", redact_database_url(p.database) or "–"),
    ]
    if supply is not None:
        rows.append(("Supply scenario", f"{supply.name} ({PurePath(supply.scenario).name})"))
    parameters = [(str(k), str(v)) for k, v in p.parameters.items()]
    return {"rows": rows, "parameters": parameters, "inputs": list(p.inputs)}


def workforce_context(
    summary: WorkforceSummary,
    quality: Mapping[str, pl.DataFrame] | None,
    *,
    suppress: bool,
    training: ComplianceReport | None,
    statutory: StatutoryRolesReport | None,
    competency: CompetencyInventory | None,
    domain_names: Mapping[str, str],
) -> dict[str, Any]:
    """What the sections on today's workforce, training, data quality and definitions draw,
    shared by the workforce report and the scenario report."""
    s = summary
    threshold = SMALL_COUNT_THRESHOLD if suppress else 0
    today = workforce_tables(s, threshold)
    age_table = age_profile_table(s, threshold)
    retirement = retirement_table(s, threshold)
    overall_flows = flows_overall_table(s, threshold)
    rate_tables = []
    for key, frame, heading, labeller in (
        ("staff_group", s.flows_by_staff_group, "Staff group", staff_group_label),
        ("sector", s.flows_by_sector, "Sector", sector_label),
    ):
        for rate, count, noun in (
            ("leaver_rate", "leavers", "Leaver"),
            ("joiner_rate", "joiners", "Joiner"),
        ):
            rate_tables.append(
                rate_by_year_table(
                    table_id=f"{noun.lower()}-rate-{key.replace('_', '-')}",
                    caption=f"{noun} rate by {heading.lower()} and year",
                    flows=frame,
                    overall=s.flows_overall,
                    key=key,
                    key_heading=heading,
                    labeller=labeller,
                    rate=rate,
                    count=count,
                    threshold=threshold,
                )
            )
    vacancies = [
        vacancy_table(
            s,
            s.vacancies_by_staff_group,
            key="staff_group",
            key_heading="Staff group",
            labeller=staff_group_label,
            table_id="vacancies-staff-group",
            caption="Vacancies by staff group",
            threshold=threshold,
        ),
        vacancy_table(
            s,
            s.vacancies_by_sector,
            key="sector",
            key_heading="Sector",
            labeller=sector_label,
            table_id="vacancies-sector",
            caption="Vacancies by sector",
            threshold=threshold,
        ),
    ]
    volunteers = volunteers_table(s, threshold)
    age, age_left_out = age_chart(s, age_table)
    figures = _key_figures(s, threshold, vacancies[0])
    section = training_section(training, statutory, threshold)
    inventory = competency_section(competency, domain_names, threshold)
    people_tables = [
        *(section.tables if section else []),
        *(inventory.tables if inventory else []),
        *today,
        age_table,
        retirement,
        overall_flows,
        *rate_tables,
        *vacancies,
        volunteers,
    ]
    return {
        "census": fmt_date(s.census_date),
        "suppress": suppress,
        "threshold": SMALL_COUNT_THRESHOLD,
        "figures": figures,
        "findings_lines": _findings(s, figures, retirement, rate_tables[0], vacancies[0]),
        "today": today,
        "age_table": age_table,
        "age_chart": age,
        "age_left_out": age_left_out,
        "retirement": retirement,
        "retirement_chart": retirement_chart(s, retirement),
        "flows_overall": overall_flows,
        "flows_chart": flows_chart(s, overall_flows),
        "rate_tables": rate_tables,
        "history_years": s.history_years,
        "vacancies": vacancies,
        "vacancy_chart": vacancy_chart(s, vacancies[0]),
        "volunteers": volunteers,
        "volunteer_total": figures[5],
        "training": section,
        "competency": inventory,
        "quality": _quality_tables(quality),
        "quality_supplied": quality is not None,
        "hazard": [(label, fmt_percent(p)) for label, p in _hazard_rows(s)],
        "primary": sum(t.primary for t in people_tables),
        "secondary": sum(t.secondary for t in people_tables),
    }


def area_names(summary: WorkforceSummary) -> dict[str, str]:
    """Area codes to their names, as the summary's areas give them."""
    areas = summary.by_area.select("area_code", "area").iter_rows()
    return {str(c): str(n) for c, n in areas if c is not None and n is not None}


def render_workforce_report(
    summary: WorkforceSummary,
    quality: Mapping[str, pl.DataFrame] | None,
    provenance: Provenance,
    *,
    suppress: bool = True,
    training: ComplianceReport | None = None,
    statutory: StatutoryRolesReport | None = None,
    competency: CompetencyInventory | None = None,
    domain_names: Mapping[str, str] | None = None,
    demand: DemandFigures | None = None,
    wisn: Sequence[WisnResult] | None = None,
    supply: SupplyFigures | None = None,
    backtest: BacktestFigures | None = None,
    gap: GapFigures | None = None,
    plan: PlanFigures | None = None,
) -> str:
    """The workforce report as one self-contained HTML document (no external resources).

    `quality` maps a section title to a table (any polars frame, shown as it comes); None leaves
    the data quality section saying none was supplied. With `suppress` (the default) counts of
    1 to 4 people, and whatever would reveal them, are shown as ``*``; without it every number is
    exact and the report says it must not be published. `training` (compliance with training
    targets) and `statutory` (AMHP and section 12 approvals) add a section "Training and
    statutory roles"; without either it is left out. `demand` (a demand outcome, as
    `careforce demand` computes it) and `wisn` (WISN results) add a section "Required workforce";
    without either it is left out. `supply` (a supply projection, as `careforce project` computes
    it) and `backtest` (the back-test of its rates) add a section "Projected workforce", after
    it; without either it is left out. `gap` (as `careforce gap` computes it) adds "The gap"
    after it, and `plan` (as `careforce optimise` computes it) "The cheapest plan". Staff-level
    lists are never shown.
    """
    s = summary
    names = domain_names or {}
    context = workforce_context(
        s,
        quality,
        suppress=suppress,
        training=training,
        statutory=statutory,
        competency=competency,
        domain_names=names,
    )
    areas = area_names(s)
    shortfall = gap_section(gap, names, areas)
    parts = {
        "demand": demand_section(demand, wisn, areas),
        "supply": supply_section(supply, backtest, areas),
        "gap": shortfall,
        "plan": plan_section(plan, gap.role_titles if gap is not None else {}),
    }
    generated = fmt_datetime(provenance.generated_at)
    context |= parts | {
        "title": "Workforce summary" + (f": {s.region_name}" if s.region_name else ""),
        "meta": f"Staff in post on {context['census']} · generated {generated} · careforce "
        f"{provenance.code_version}",
        "generated": generated,
        "code_version": provenance.code_version,
        "contents": _contents(context, parts),
        "provenance": provenance_rows(provenance, supply),
    }
    return report_environment().get_template("workforce_report.html.j2").render(**context)


def _contents(context: Mapping[str, Any], parts: Mapping[str, Any]) -> list[tuple[str, str]]:
    shown = {**context, **parts}
    out = [
        ("headlines", "Key findings"),
        ("workforce", "Today's workforce"),
        ("age", "Age and retirement"),
        ("flows", "Leavers and joiners"),
        ("vacancies", "Vacancies"),
        ("volunteers", "Volunteers"),
    ]
    for key, anchor, heading in (
        ("competency", "competency", "Competency inventory"),
        ("demand", "demand", "Required workforce"),
        ("supply", "supply", "Projected workforce"),
        ("gap", "gap", "The gap"),
        ("plan", "plan", "The cheapest plan"),
        ("training", "training", "Training and statutory roles"),
    ):
        if shown.get(key):
            out.append((anchor, heading))
    out += [("quality", "Data quality"), ("methods", "Definitions"), ("provenance", "Provenance")]
    return out


def _hazard_rows(s: WorkforceSummary) -> list[tuple[str, float]]:
    steps = s.retirement_hazard.steps
    rows = []
    for i, (low, p) in enumerate(steps):
        if i + 1 < len(steps):
            high = steps[i + 1][0] - 1
            label = f"Under {high + 1}" if low == 0 else f"{low}–{high}"
        else:
            label = f"{low} and over"
        rows.append((label, p))
    return rows

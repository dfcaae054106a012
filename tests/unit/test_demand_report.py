"""The report's "Required workforce" section: required FTE by domain and area now and later, with
the ranges of the runs as the summary gives them, the fan chart, and the WISN table."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from careforce.demand.model import DemandResult
from careforce.report import render_workforce_report
from careforce.report.demand_section import demand_section, fan_chart
from careforce.report.tables import TableView
from careforce.results.demand_summary import summarise_demand
from careforce.services.demand import DemandOutcome, compute_demand
from careforce.services.methods import wisn_from_file
from unit.test_summaries_report import PROVENANCE, make_summary

WISN_FILE = Path(__file__).parent / "wisn_files" / "health_centre_nurse.yaml"
AREAS = {"LA-A": "Aberwen", "LA-B": "Bryn"}  # the areas of make_summary()
SPEC = """\
schema_version: 1
name: Two-area test services
base_year: 2026
years: 3
standard_hours_per_fte: 1500
population: population.csv
services:
  - id: district_nursing
    name: District nursing
    setting: community
    driver:
      kind: population
      use_rate:
        - {ages: "75+", rate: 0.1}
    activities:
      - {task: MED03, contacts_per_user_per_year: 30, minutes_per_contact: [20, 40]}
  - id: care_home
    name: Care homes
    setting: residential
    driver: {kind: places, places_by_area: {LA-B: 50}}
    ratio:
      levels: [{name: all, share_of_places: 1, fte_per_place: 0.8}]
      tasks: {PC01: 1}
"""
RANGE = re.compile(r"^(?P<central>[\d,.]+) \((?P<low>[\d,.]+)–(?P<high>[\d,.]+)\)$")


def write_spec(folder: Path) -> Path:
    """LA-A: 1,000 people aged 80 each year; LA-B: 500 aged 80 and 2,000 aged 40."""
    people = {("LA-A", 80): 1000, ("LA-B", 80): 500, ("LA-B", 40): 2000}
    rows = [
        (area, age, year, people.get((area, age), 0))
        for year in (2026, 2027, 2028)
        for area in AREAS
        for age in range(101)
    ]
    pl.DataFrame(rows, schema=["area_code", "age", "year", "population"], orient="row").write_csv(
        folder / "population.csv"
    )
    spec = folder / "services.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> DemandOutcome:
    return compute_demand(write_spec(tmp_path_factory.mktemp("spec")), runs=40, seed=5)


def cells(view: TableView | None) -> dict[tuple[str, str], str]:
    assert view is not None
    rows = (*view.rows, *([view.total] if view.total else []))
    return {
        (row.label, heading): c.text
        for row in rows
        for heading, c in zip(view.columns[1:], row.cells, strict=True)
    }


def number(text: str) -> float:
    return float(text.replace(",", ""))


def test_domain_table_shows_the_summary_central_and_5_to_95_range(outcome: DemandOutcome) -> None:
    section = demand_section(outcome, None, AREAS)
    assert section is not None and section.by_domain is not None
    shown = cells(section.by_domain)
    names = outcome.domain_names
    # 150 users x 30 contacts x 30 minutes / 60 = 2,250 hours / 1,500 = 1.5 FTE; 50 x 0.8 = 40
    assert shown[(names["MED"], "2026")].startswith("1.5 (")
    assert shown[(names["PC"], "2028")] == "40.0 (40.0–40.0)"
    assert shown[(names["PC"], "Change in the central run")] == "+0.0 (+0.0%)"
    assert shown[("All domains", "2026")].startswith("41.5 (")
    rows = {
        (names.get(r["domain"], r["domain"]), str(r["year"])): r
        for r in outcome.summary.by_domain.iter_rows(named=True)
    } | {("All domains", str(r["year"])): r for r in outcome.summary.total.iter_rows(named=True)}
    for (label, heading), text in shown.items():
        if heading.startswith("Change"):
            continue
        found = RANGE.match(text)
        assert found, text
        row = rows[(label, heading)]
        for part, column in (("central", "fte_central"), ("low", "fte_p5"), ("high", "fte_p95")):
            assert number(found[part]) == pytest.approx(row[column], abs=0.05)
    med = rows[(names["MED"], "2026")]
    assert med["fte_p5"] < 1.5 < med["fte_p95"]  # the ranges come from the drawn runs


def test_area_and_domain_by_area_tables_use_area_names_and_add_up(outcome: DemandOutcome) -> None:
    section = demand_section(outcome, None, AREAS)
    assert section is not None
    by_area = cells(section.by_area)
    assert by_area[("Aberwen", "2026")].startswith("1.0 (")
    assert by_area[("Bryn", "2028")].startswith("40.5 (")
    crossed = cells(section.domain_area)
    names = outcome.domain_names
    assert section.domain_area is not None
    assert "2028" in section.domain_area.caption
    assert crossed[(names["MED"], "Aberwen")] == "1.0"
    assert crossed[(names["MED"], "Bryn")] == "0.5"
    assert crossed[(names["PC"], "Aberwen")] == "0.0"
    assert crossed[(names["PC"], "All areas")] == "40.0"
    assert crossed[("All domains", "Bryn")] == "40.5"
    assert crossed[("All domains", "All areas")] == "41.5"


def test_by_domain_area_sums_within_runs_before_the_quantiles() -> None:
    """Two tasks of one domain move in opposite directions run by run: their sum never varies,
    so its range is a point, though each task's range is wide."""
    runs = 20
    hours = np.zeros((runs + 1, 2, 2, 1))
    hours[:, 0, 0, 0] = np.arange(runs + 1)
    hours[:, 1, 0, 0] = 100 - np.arange(runs + 1)
    hours[:, 0, 1, 0] = 7.0
    result = DemandResult(
        hours=hours,
        hours_by_service=hours.sum(axis=1, keepdims=True),
        runs=np.arange(runs + 1),
        task_ids=("PC01", "PC02"),
        service_ids=("home_care",),
        settings=("domiciliary",),
        area_codes=("A", "B"),
        years=(2026,),
    )
    summary = summarise_demand(result, {"PC01": "PC", "PC02": "PC"}, 100.0)
    table = summary.by_domain_area
    assert table.columns[:3] == ["domain", "area_code", "year"]
    assert table.columns[3:] == summary.by_area.columns[2:]
    a = table.filter(pl.col("area_code") == "A").row(0, named=True)
    assert a["hours_central"] == 100.0 and a["hours_p5"] == a["hours_p95"] == 100.0
    assert a["fte_central"] == pytest.approx(1.0)
    b = table.filter(pl.col("area_code") == "B").row(0, named=True)
    assert b["hours_central"] == 7.0
    assert summary.by_task["hours_p95"][0] - summary.by_task["hours_p5"][0] > 10


def test_the_demand_document_has_the_domain_by_area_table(outcome: DemandOutcome) -> None:
    rows = outcome.as_document()["by_domain_area"]
    assert len(rows) == 2 * 2 * 3  # domains x areas x years
    assert {"domain", "area_code", "year", "fte_central", "fte_p5", "fte_p95"} <= set(rows[0])


def test_the_fan_chart_draws_the_central_run_and_both_bands(outcome: DemandOutcome) -> None:
    chart = fan_chart(outcome.summary.total, outcome.runs)
    assert chart.svg.startswith('<svg class="chart" role="img"')
    assert "http" not in chart.svg
    assert chart.svg.count("<path") > 5
    for label in ("Central run", "25–75% of runs", "5–95% of runs"):
        assert label in chart.svg
    assert "41.5 in 2026" in chart.description and "40 runs" in chart.description


def test_with_the_central_run_only_there_are_no_ranges(tmp_path: Path) -> None:
    central = compute_demand(write_spec(tmp_path), runs=0, seed=5)
    section = demand_section(central, None, AREAS)
    assert section is not None and section.lead is not None
    assert cells(section.by_domain)[("All domains", "2026")] == "41.5"
    assert "no ranges" in section.lead
    assert section.chart is not None and "of runs" not in section.chart.svg


def test_the_wisn_table_shows_the_ratio_and_its_reading() -> None:
    results = wisn_from_file(WISN_FILE)
    section = demand_section(None, results, {})
    assert section is not None and section.by_domain is None and section.chart is None
    shown = cells(section.wisn)
    # the worked example of docs/methods/wisn.md: 12 staff against 19.794 required
    assert shown[("Nurse", "Facility")] == "Health centre"
    assert shown[("Nurse", "Available working hours a year (one FTE)")] == "1,640.0"
    assert shown[("Nurse", "Required staff")] == "19.79"
    assert shown[("Nurse", "Required, whole staff")] == "20"
    assert shown[("Nurse", "Existing staff")] == "12"
    assert shown[("Nurse", "Difference (existing − required)")] == "-7.8"
    assert shown[("Nurse", "WISN ratio")] == "0.61"
    assert shown[("Nurse", "WHO reading")] == "Shortage"
    assert "a WISN ratio of 0.61: shortage" in section.wisn_lines[0]


def render(**extra: Any) -> str:
    return render_workforce_report(make_summary(), None, PROVENANCE, **extra)


def test_the_report_gains_the_section_and_its_contents_entry(outcome: DemandOutcome) -> None:
    html = render(demand=outcome, wisn=wisn_from_file(WISN_FILE))
    assert '<a href="#demand">Required workforce</a>' in html
    section = html[html.index('<section id="demand"') : html.index('<section id="quality"')]
    for table_id in ("demand-domain", "demand-area", "demand-domain-area", "demand-wisn"):
        assert f'<table id="{table_id}"' in section
    assert 'aria-labelledby="chart-demand-title chart-demand-desc"' in section
    assert "services.yaml" in section and "1,500 standard hours per FTE" in section
    assert "5–95% range of 40 runs" in section and "seed 5" in section
    assert '<td class="num">0.61</td>' in section
    assert "<dt>WISN ratio</dt>" in html and "<dt>Required workforce</dt>" in html
    assert "http://" not in html and "https://" not in html


def test_without_demand_or_wisn_the_section_is_left_out() -> None:
    html = render()
    assert 'id="demand"' not in html and "#demand" not in html
    only_wisn = render(wisn=wisn_from_file(WISN_FILE))
    assert '<table id="demand-wisn"' in only_wisn and 'id="demand-domain"' not in only_wisn

"""The report's "Projected workforce" section: headcount and FTE by staff group and area now and
in the last year with the runs' ranges as the summary gives them, the fan charts, the retirement
wave, the training pipeline's share of joiners, statutory roles and the back-test of the rates."""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest

from careforce.report import render_workforce_report
from careforce.report.supply_section import (
    SupplySection,
    fmt_amount,
    supply_section,
    total_fan_chart,
)
from careforce.report.tables import TableView
from careforce.results.supply_summary import SupplySummary, summarise_supply
from careforce.supply.projection import AGE_BANDS, FLOWS, Projection
from careforce.supply.rates_history import Period
from unit.test_summaries_report import PROVENANCE, make_summary

CENSUS = dt.date(2026, 3, 31)
AREAS = {"LA-A": "Aberwen", "LA-B": "Bryn"}  # the areas of make_summary()
GROUPS = {"rn_adult": "registered_nursing_midwifery", "social_worker": "social_work"}
RUNS = 20
RANGE = re.compile(r"^(?P<central>[\d,.]+) \((?P<low>[\d,.]+)–(?P<high>[\d,.]+)\)$")


def make_projection(runs: int = RUNS) -> Projection:
    """Two roles in two areas over two years. Central run: adult nurses in Aberwen 100 -> 110 ->
    120, in Bryn 50 -> 55 -> 60; social workers in Aberwen 20 -> 18 -> 16; FTE 0.8 a head. The
    drawn runs spread the later years evenly around the central run."""
    r = np.arange(runs + 1)
    spread = np.where(r == 0, 0.0, (r - (runs + 1) / 2) / max(runs, 1))[:, None]  # [r, 1]
    central = np.array([[100.0, 50.0, 20.0], [110.0, 55.0, 18.0], [120.0, 60.0, 16.0]])
    headcount = np.repeat(central[None], runs + 1, axis=0)
    headcount[:, 1:, :] *= 1 + 0.2 * spread[:, :, None]
    bands = np.zeros((runs + 1, 3, 2, len(AGE_BANDS)))
    bands[:, :, 0, 2] = headcount[:, :, :2].sum(axis=2)
    bands[:, :, 1, 3] = headcount[:, :, 2]
    flows = np.zeros((runs + 1, 3, 2, len(FLOWS)))
    per_year = {  # (flow, role): central flows in years 1 and 2
        ("retirements", 0): (5.0, 6.0),
        ("retirements", 1): (2.0, 3.0),
        ("pipeline_joiners", 0): (10.0, 12.0),
        ("other_joiners", 0): (20.0, 20.0),
        ("other_joiners", 1): (4.0, 4.0),
        ("returners", 0): (1.0, 1.0),
        ("moves_in", 1): (7.0, 7.0),  # a move within the region is not a joiner
    }
    for (flow, role), values in per_year.items():
        flows[:, 1:, role, FLOWS.index(flow)] = values
    flows[:, :, :, FLOWS.index("leavers")] = flows[:, :, :, FLOWS.index("retirements")]
    programme = np.zeros((runs + 1, 3, 1))
    programme[:, 1:, 0] = [30.0, 30.0]
    completers = programme.copy()
    completers[:, 1:, 0] = [10.0, 12.0]
    completers[:, 2, 0] *= 1 + 0.5 * spread[:, 0]
    return Projection(
        roles=("rn_adult", "social_worker"),
        areas=("LA-A", "LA-B"),
        sectors=("nhs",),
        programmes=("nursing_adult",),
        runs=r,
        cell_role=np.array([0, 0, 1]),
        cell_area=np.array([0, 1, 0]),
        cell_sector=np.array([0, 0, 0]),
        headcount_by_cell=headcount,
        fte_by_cell=0.8 * headcount,
        headcount_by_age_band=bands,
        flows=flows,
        students=programme,
        intake=programme,
        completers=completers,
    )


@dataclass(frozen=True)
class Rates:
    period: Period
    k: float


@dataclass(frozen=True)
class Outcome:
    scenario: str
    name: str
    census_date: dt.date
    runs: int
    seed: int
    rates: Rates
    summary: SupplySummary


@dataclass(frozen=True)
class Backtested:
    fit: Period
    test: Period
    summary: pl.DataFrame


def make_outcome(runs: int = RUNS) -> Outcome:
    return Outcome(
        scenario="inputs/scenarios/baseline.toml",
        name="Baseline",
        census_date=CENSUS,
        runs=runs,
        seed=7,
        rates=Rates(Period.ending_on(CENSUS, 3), 20.0),
        summary=summarise_supply(make_projection(runs), GROUPS, CENSUS.year),
    )


def make_backtest() -> Backtested:
    history = Period.ending_on(CENSUS, 3)
    fit, rest = history.split(2)
    summary = pl.DataFrame(
        {
            "flow": ["leavers", "joiners"],
            "cells": [147, 22],
            "actual": [5758, 6375],
            "predicted": [5548.0, 5858.5],
            "total_error": [-0.0365, -0.0810],
            "total_abs_error": [0.0365, 0.0810],
            "wape": [0.0980, 0.0813],
            "published_total_abs_error": [0.0166, 0.1399],
            "published_wape": [0.0948, 0.1408],
        }
    )
    return Backtested(fit, rest.years()[0], summary)


@pytest.fixture(scope="module")
def section() -> SupplySection:
    found = supply_section(make_outcome(), make_backtest(), AREAS)
    assert found is not None
    return found


def cells(view: TableView | None) -> dict[tuple[str, str], str]:
    """(row label, column heading) -> text; a heading repeated under two groups gets `#2`."""
    assert view is not None
    headings = list(view.columns[1:])
    seen: dict[str, int] = {}
    for i, h in enumerate(headings):
        seen[h] = seen.get(h, 0) + 1
        headings[i] = h if seen[h] == 1 else f"{h}#{seen[h]}"
    rows = (*view.rows, *([view.total] if view.total else []))
    return {
        (row.label, heading): c.text
        for row in rows
        for heading, c in zip(headings, row.cells, strict=True)
    }


def number(text: str) -> float:
    return float(text.replace(",", ""))


def test_staff_group_tables_show_the_census_then_the_central_run_and_its_range(
    section: SupplySection,
) -> None:
    headcount, fte = section.by_staff_group
    shown = cells(headcount)
    assert shown[("Registered nursing and midwifery", "2026")] == "150"  # the census: no range
    assert shown[("Registered nursing and midwifery", "Change in the central run")] == (
        "+30 (+20.0%)"
    )
    assert shown[("Social work", "Change in the central run")] == "-4.0 (-20.0%)"
    assert shown[("All staff groups", "2026")] == "170"
    summary = make_outcome().summary
    rows = {
        r["staff_group"]: r
        for r in summary.by_staff_group.filter(pl.col("year") == 2028).iter_rows(named=True)
    }
    found = RANGE.match(shown[("Registered nursing and midwifery", "2028")])
    assert found is not None
    row = rows["registered_nursing_midwifery"]
    assert number(found["central"]) == pytest.approx(row["headcount_central"], abs=0.5)
    assert number(found["low"]) == pytest.approx(row["headcount_p5"], abs=0.5)
    assert number(found["high"]) == pytest.approx(row["headcount_p95"], abs=0.5)
    assert row["headcount_p5"] < 180 < row["headcount_p95"]  # the range comes from the runs
    assert cells(fte)[("Registered nursing and midwifery", "2026")] == "120"  # 0.8 a head
    assert "FTE" in fte.caption and "headcount" in headcount.caption


def test_the_area_tables_use_area_names_and_add_up(section: SupplySection) -> None:
    by_area = cells(section.by_area)
    assert by_area[("Aberwen", "2026")] == "120"
    assert by_area[("Bryn", "2026")] == "50"
    assert by_area[("Bryn", "2026#2")] == "40"  # FTE beside headcount
    assert by_area[("All areas", "Change")] == "+26 (+15.3%)"
    crossed = cells(section.group_area)
    assert section.group_area is not None and "2028" in section.group_area.caption
    assert crossed[("Registered nursing and midwifery", "Aberwen")] == "120"
    assert crossed[("Registered nursing and midwifery", "Bryn")] == "60"
    assert crossed[("Social work", "Bryn")] == "0"
    assert crossed[("All staff groups", "All areas")] == "196"


def test_the_headline_gives_now_and_later_with_the_change(section: SupplySection) -> None:
    assert section.lines[0].startswith("Projected headcount: 170 posts in 2026 and 196 (")
    assert "+26 (+15.3%)" in section.lines[0]
    assert section.lead is not None
    for words in ("“Baseline” (baseline.toml)", "5–95% range of 20 runs", "seed 7", "k = 20"):
        assert words in section.lead
    assert "last 3 years of history (1 April 2023 to 31 March 2026)" in section.lead
    assert "Headcount counts posts" in section.lead


def test_the_retirement_wave_counts_each_year_and_its_share_of_today(
    section: SupplySection,
) -> None:
    shown = cells(section.retirements)
    assert shown[("Registered nursing and midwifery", "2027")] == "5"
    assert shown[("Registered nursing and midwifery", "All years")] == "11"
    assert shown[("Social work", "Share of 2026 headcount")] == "25.0%"  # 5 of 20
    assert shown[("All staff groups", "2028")] == "9"
    assert shown[("All staff groups", "Share of 2026 headcount")] == "9.4%"  # 16 of 170
    assert section.retirement_lead is not None and "Social work" in section.retirement_lead
    chart = section.retirement_chart
    assert chart is not None and chart.svg.startswith('<svg class="chart" role="img"')
    assert "16 in all" in chart.description


def test_the_pipeline_share_counts_only_joiners_from_outside(section: SupplySection) -> None:
    shown = cells(section.joiners)
    # 2027: 10 from training, 24 other, 1 returner = 35 (the 7 moving between roles are not)
    assert shown[("2027", "From training")] == "10"
    assert shown[("2027", "All joiners")] == "35"
    assert shown[("2027", "Share from training")] == "28.6%"
    assert shown[("All years", "From training")] == "22"
    assert shown[("All years", "Share from training")] == "30.6%"  # 22 of 72
    programmes = cells(section.programmes)
    assert programmes[("Nursing adult", "Completers 2027")] == "10"
    found = RANGE.match(programmes[("Nursing adult", "Completers 2028")])
    assert found is not None and float(found["low"]) < 12 < float(found["high"])
    assert programmes[("All programmes", "Completers 2027–2028, central")] == "22"


def test_statutory_roles_show_when_the_summary_has_them() -> None:
    outcome = make_outcome()
    section = supply_section(outcome, None, AREAS)
    assert section is not None and section.statutory is None
    assert section.statutory_note is not None and "Training and statutory" in section.statutory_note
    summary = copy.copy(outcome.summary)
    statutory = pl.DataFrame(
        {
            "kind": ["amhp"] * 3,
            "year": [2026, 2027, 2028],
            "holders_central": [40.0, 42.0, 45.0],
            "holders_p5": [40.0, 39.0, 38.0],
            "holders_p95": [40.0, 44.0, 50.0],
            "trained_central": [0.0, 4.0, 5.0],
        }
    )
    object.__setattr__(summary, "statutory", statutory)
    with_roles = supply_section(Outcome(**{**outcome.__dict__, "summary": summary}), None, AREAS)
    assert with_roles is not None
    shown = cells(with_roles.statutory)
    label = "Approved mental health professionals (AMHPs)"
    assert shown[(label, "2026")] == "40"
    assert shown[(label, "2028")] == "45 (38–50)"
    assert shown[(label, "Change in the central run")] == "+5.0 (+12.5%)"
    assert shown[(label, "Newly approved")] == "9.0"  # 2027 and 2028
    assert with_roles.statutory is not None
    assert ("2027–2028, central run", 1) in with_roles.statutory.column_groups


def test_the_backtest_table_and_its_reading(section: SupplySection) -> None:
    shown = cells(section.backtest)
    assert section.backtest is not None
    assert "2025‑26 predicted from 2023‑24 and 2024‑25" in section.backtest.caption
    assert shown[("Leavers", "Cells")] == "147"
    assert shown[("Leavers", "Total error")] == "-3.6%"
    assert shown[("Leavers", "WAPE by cell")] == "9.8%"
    assert shown[("Joiners", "Size of total error")] == "14.0%"
    assert shown[("Joiners", "WAPE by cell#2")] == "14.1%"
    assert section.backtest_line is not None
    assert "leavers 3.6% low in total with a WAPE of 9.8% by cell" in section.backtest_line


def test_the_fan_charts_draw_the_central_run_and_both_bands(section: SupplySection) -> None:
    chart = total_fan_chart(make_outcome().summary.total, RUNS)
    assert chart.svg.startswith('<svg class="chart" role="img"')
    assert "http" not in chart.svg
    for label in ("Central run", "25–75% of runs", "5–95% of runs"):
        assert label in chart.svg
    assert "170 in 2026" in chart.description and "20 runs" in chart.description
    groups = section.group_charts
    assert groups is not None
    assert "Registered nursing and midwifery" in groups.svg and "Social work" in groups.svg
    assert 'aria-labelledby="chart-supply-groups-title chart-supply-groups-desc"' in groups.svg


def test_with_the_central_run_only_there_are_no_ranges() -> None:
    section = supply_section(make_outcome(runs=0), None, AREAS)
    assert section is not None and section.lead is not None
    assert "no ranges" in section.lead
    assert cells(section.by_staff_group[0])[("All staff groups", "2028")] == "196"
    assert section.total_chart is not None and "of runs" not in section.total_chart.svg
    assert section.backtest is None


def test_nothing_to_show_leaves_the_section_out_and_a_backtest_alone_shows() -> None:
    assert supply_section(None, None, AREAS) is None
    alone = supply_section(None, make_backtest(), AREAS)
    assert alone is not None and alone.backtest is not None and not alone.by_staff_group


def test_fmt_amount_keeps_a_decimal_only_for_small_numbers() -> None:
    assert fmt_amount(34570.4) == "34,570"
    assert fmt_amount(12.4) == "12"
    assert fmt_amount(4.75) == "4.8"
    assert fmt_amount(-0.01) == "0"


def test_the_report_gains_the_section_after_required_workforce() -> None:
    html = render_workforce_report(
        make_summary(),
        None,
        PROVENANCE,
        supply=make_outcome(),
        backtest=make_backtest(),
    )
    assert '<a href="#supply">Projected workforce</a>' in html
    assert html.index('<section id="supply"') < html.index('<section id="quality"')
    section = html[html.index('<section id="supply"') : html.index('<section id="quality"')]
    for table in ("supply-staff-group", "supply-area", "supply-retirements", "supply-backtest"):
        assert f'<table id="{table}"' in section
    assert section.count('<svg class="chart"') == 4
    assert "Bryn" in section and "Organisation" not in section
    assert "Supply scenario</dt>\n<dd>Baseline (baseline.toml)</dd>" in html
    assert "http://" not in section and "https://" not in section


def test_without_a_projection_the_report_has_no_section() -> None:
    html = render_workforce_report(make_summary(), None, PROVENANCE)
    assert 'id="supply"' not in html and "#supply" not in html

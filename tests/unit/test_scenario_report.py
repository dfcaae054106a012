"""The scenario report from small hand-made figures: its headlines say what its tables say.

Two scenarios on one area, two years, a nurse and a care worker (the gap's small problem): the
baseline's drawn runs need more than the staff can give; the alternative needs less. The
comparison, plan and costs are written by hand so that each headline's numbers are known."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

import numpy as np
import polars as pl
import pytest

from careforce.allocation.engine import allocate
from careforce.allocation.problem import AllocationOptions, AllocationProblem
from careforce.costing.scenario_costs import LEVERS as COST_LEVERS
from careforce.costing.scenario_costs import ScenarioCosts
from careforce.optimise.plan import LEVERS as PLAN_LEVERS
from careforce.optimise.plan import Plan
from careforce.report import ScenarioFigures, render_scenario_report, render_workforce_report
from careforce.report.headlines import comparison_headline, gap_headlines, signed_millions
from careforce.report.scenario_report import scoped
from careforce.report.tables import Cell, RowView, TableView
from careforce.results import Provenance, summarise_workforce
from careforce.results.gap_summary import GapSummary, summarise_gap
from careforce.results.workforce import WorkforceSummary

CENSUS = dt.date(2025, 3, 31)
YEARS = (2026, 2027)
TASKS = ("MED", "PC", "MHA")
DOMAINS = {"MED": "medicines", "PC": "personal_care", "MHA": "mental_health"}
DOMAIN_NAMES = {"medicines": "Medicines", "personal_care": "Personal care"}
HOURS_PER_FTE = 1000.0


def gap_summary(hours_by_run: list[list[float]]) -> GapSummary:
    hours = np.array(hours_by_run, dtype=float)[:, None, None, :].repeat(2, axis=2)
    runs = hours.shape[0]
    p = AllocationProblem(
        tasks=TASKS,
        groups=("nurse", "carer"),
        areas=("A",),
        years=YEARS,
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
    without = allocate(p, AllocationOptions(delegation=False, runs=(0,)))
    return summarise_gap(allocate(p), p, DOMAINS, without_delegation=without)


@dataclass(frozen=True)
class Gap:
    name: str
    runs: tuple[int, ...]
    assumptions: tuple[str, ...]
    summary: GapSummary
    role_titles: dict[str, str]


@dataclass(frozen=True)
class CheapestPlan:
    plan: Plan
    problem: Any
    options: Any
    probability_met: float | None
    checked_runs: tuple[int, ...]
    assumptions: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    baseline: str
    alternatives: tuple[str, ...]
    differences: pl.DataFrame


def cheapest_plan() -> CheapestPlan:
    y = len(YEARS)
    cost = {lever: np.zeros(y) for lever in PLAN_LEVERS}
    cost["recruitment"] = np.array([0.0, 1_250_000.0])
    plan = Plan(
        feasible=True,
        status="ok",
        diagnostics=(),
        years=YEARS,
        places=np.zeros((y, 0)),
        recruits=np.array([[0.0, 0.0], [0.0, 3.0]]),
        retention_spend=np.zeros((y, 2)),
        leavers_kept_share=np.zeros((y, 2)),
        pay_uplift=np.zeros((y, 2)),
        trained_workers=np.zeros((y, 1, 3)),
        extra_fte=np.zeros((y, 2, 1)),
        cost=cost,
        unmet=np.zeros((y, 1, 3)),
        need=np.ones((y, 1, 3)),
        shortfall=np.zeros(y),
        objective=0.0,
    )
    allocation = SimpleNamespace(groups=("nurse", "carer"), task_hours_per_fte=np.full(2, 1000.0))
    problem = SimpleNamespace(allocation=allocation, programmes=(), programme_names={})
    return CheapestPlan(
        plan=plan,
        problem=problem,
        options=SimpleNamespace(target_unmet_share=0.0, target_year=2027),
        probability_met=0.5,
        checked_runs=(0, 1, 2),
        assumptions=("assumption: a recruit costs GBP 12,000", "allocated runs: three"),
    )


def costs() -> ScenarioCosts:
    by_run = np.zeros((3, len(YEARS), len(COST_LEVERS)))
    by_run[:, :, 0] = [[2e6, 2.1e6], [1.9e6, 2.0e6], [2.2e6, 2.3e6]]
    return ScenarioCosts(
        base_year=2025,
        years=YEARS,
        levers=COST_LEVERS,
        by_run=by_run,
        runs=np.array([0, 1, 2]),
        assumptions=("assumption: on-costs of 30% on pay",),
    )


def differences() -> pl.DataFrame:
    rows = []
    for measure, values in (
        ("gap_fte", [(-0.1, -0.2, 0.0, 1.0), (-0.25, -0.4, -0.05, 1.0)]),
        (
            "cost_gbp",
            [(150_000.0, 100_000.0, 200_000.0, 0.0), (320_000.0, 300_000.0, 340_000.0, 0.0)],
        ),
    ):
        for year, (central, q5, q95, better) in zip(YEARS, values, strict=True):
            rows.append(
                {
                    "scenario": "Grow training",
                    "measure": measure,
                    "year": year,
                    "central": central,
                    "q5": q5,
                    "q25": q5,
                    "q50": central,
                    "q75": q95,
                    "q95": q95,
                    "p_better": better,
                }
            )
    return pl.DataFrame(rows)


def make_summary() -> WorkforceSummary:
    """Sixty staff, three of them paramedics: a small cell to hide."""
    staff = [("NHS1", "rn_adult", 30), ("NHS1", "paramedic", 3), ("IND1", "sc_care_worker_res", 27)]
    rows = []
    for org, role, people in staff:
        for i in range(people):
            rows.append(
                {
                    "organisation_code": org,
                    "post_ref": f"{role}-{i}",
                    "person_key": hashlib.sha256(f"{role}{i}".encode()).hexdigest(),
                    "locality_code": "LA-A",
                    "role_id": role,
                    "fte": 1.0,
                    "start_date": dt.date(2015 + i % 8, 4, 1),
                    "end_date": None,
                    "leaving_reason": None,
                    "year_of_birth": 1960 + (i * 7) % 40,
                    "age_band": None,
                    "sector": "nhs" if org == "NHS1" else "independent",
                }
            )
    posts = pl.DataFrame(
        rows,
        schema_overrides={"end_date": pl.Date, "leaving_reason": pl.String, "age_band": pl.String},
    )
    localities = pl.DataFrame(
        {
            "code": ["R", "LA-A"],
            "name": ["Test Region", "Aberwen"],
            "level": ["region", "local_authority_area"],
            "parent_code": ["W", "R"],
        }
    )
    organisations = pl.DataFrame(
        {
            "code": ["NHS1", "IND1"],
            "name": ["Health board", "Care home"],
            "sector": ["nhs", "independent"],
            "locality_code": ["LA-A", "LA-A"],
        }
    )
    vacancies = pl.DataFrame(
        {
            "organisation_code": ["NHS1"],
            "vacancy_ref": ["V1"],
            "role_id": ["rn_adult"],
            "locality_code": ["LA-A"],
            "fte": [2.0],
            "since": [dt.date(2025, 1, 1)],
        }
    )
    volunteers = pl.DataFrame(
        schema={
            "organisation_code": pl.String,
            "volunteer_ref": pl.String,
            "person_key": pl.String,
            "locality_code": pl.String,
            "role_id": pl.String,
            "hours_per_week": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
        }
    )
    return summarise_workforce(
        posts, vacancies, volunteers, localities, organisations, census_date=CENSUS
    )


def provenance(seed: int, digest: str) -> Provenance:
    return Provenance(
        code_version="0.1.0+test",
        generated_at=dt.datetime(2025, 4, 2, 9, 30, tzinfo=dt.UTC),
        seed=seed,
        census_date=CENSUS,
        inputs=(("baseline.toml", digest * 64),),
        database="sqlite:///careforce.sqlite",
    )


@pytest.fixture(scope="module")
def summary() -> WorkforceSummary:
    return make_summary()


def two_scenarios() -> list[ScenarioFigures]:
    """A baseline with a plan and costs, and an alternative with neither."""
    titles = {"nurse": "Nurse", "carer": "Care worker"}
    # Central run: no gap. Drawn runs 1 and 2: 510 and 220 hours of medicines unmet a year.
    baseline = Gap(
        "Baseline",
        (0, 1, 2),
        ("assumption: 20% of hours beyond the tasks", "allocated runs: three"),
        gap_summary([[600, 500, 200], [1200, 900, 400], [1000, 800, 400]]),
        titles,
    )
    alternative = Gap(
        "Grow training",
        (0, 1, 2),
        ("assumption: 20% of hours beyond the tasks",),
        gap_summary([[600, 500, 200], [1000, 900, 400], [900, 800, 400]]),
        titles,
    )
    return [
        ScenarioFigures(
            name="Baseline",
            description="Today's patterns carried forward.",
            gap=baseline,
            plan=cheapest_plan(),
            costs=costs(),
            levers=[("programmes", "286 nursing places a year", "S33")],
            provenance=provenance(1, "a"),
        ),
        ScenarioFigures(
            name="Grow training",
            description="A fifth more nursing places.",
            gap=alternative,
            plan=None,
            costs=None,
            levers=[("programmes", "343 nursing places a year", "assumption: a fifth more")],
            provenance=provenance(1, "b"),
        ),
    ]


@pytest.fixture(scope="module")
def scenarios() -> list[ScenarioFigures]:
    return two_scenarios()


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return Comparison("Baseline", ("Grow training",), differences())


@pytest.fixture(scope="module")
def html(summary, scenarios, comparison) -> str:
    return render_scenario_report(
        summary, scenarios, comparison=comparison, domain_names=DOMAIN_NAMES
    )


class Parsed(HTMLParser):
    """Section ids in order, every element id, the headline list items and table cells by id."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.ids: list[str] = []
        self.headlines: list[str] = []
        self.cells: dict[str, list[str]] = {}
        self._section = ""
        self._table = ""
        self._cell: list[str] | None = None
        self._item: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "section":
            self._section = str(found.get("id"))
            self.sections.append(self._section)
        if tag == "table":
            self._table = str(found.get("id"))
            self.cells[self._table] = []
        if tag in ("td", "th") and self._table:
            self._cell = []
        if tag == "li" and self._section == "headlines":
            self._item = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells[self._table].append("".join(self._cell).strip())
            self._cell = None
        if tag == "table":
            self._table = ""
        if tag == "li" and self._item is not None:
            self.headlines.append(" ".join("".join(self._item).split()))
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._item is not None:
            self._item.append(data)


def parse(document: str) -> Parsed:
    parsed = Parsed()
    parsed.feed(document)
    return parsed


def test_sections_come_in_the_order_a_board_reads_them(html: str) -> None:
    order = parse(html).sections
    wanted = [
        "headlines",
        "workforce",
        "need",
        "gap",
        "comparison",
        "costs",
        "plan",
        "quality",
        "assumptions",
        "methods",
        "provenance",
    ]
    assert [s for s in order if s in wanted] == wanted


def test_the_report_is_self_contained_and_its_ids_are_unique(html: str) -> None:
    assert not re.search(r"""(src|href)=["'](?!#|data:)""", html)
    assert "http://" not in html and "https://" not in html
    ids = parse(html).ids
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for chart_id in ("s1-chart-gap", "s2-chart-gap", "s1-chart-scenario-costs"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html


def test_the_baseline_headline_gives_the_gap_its_range_domains_and_chance(
    html: str, scenarios: list[ScenarioFigures]
) -> None:
    parsed = parse(html)
    lines = parsed.headlines
    # Drawn runs leave 510 and 220 hours of medicines unmet: 0.22 to 0.51 FTE, central 0.
    assert lines[0] == (
        "In 2027, Baseline leaves a gap of 0 FTE in the central run "
        "(5–95% of runs: 0.2 to 0.5); no competency domain has a gap in the central run."
    )
    assert lines[1] == "Under Baseline, the chance of a gap in 2027 is 100.0% of runs."
    # The same figures in the gap table below: its total row for 2027.
    total = parsed.cells["s1-gap-domain"][-3:]
    assert total == ["0 (0.2–0.5)", "0 (0.2–0.5)", "100.0%"]


def test_an_alternative_headline_gives_the_change_its_cost_and_chance_of_doing_better(
    html: str,
) -> None:
    parsed = parse(html)
    line = next(x for x in parsed.headlines if x.startswith("Against Baseline"))
    assert line == (
        "Against Baseline, Grow training changes the gap in 2027 by -0.2 FTE (5–95% of paired "
        "runs: -0.4 to -0.1). It leaves a smaller gap than Baseline in 100.0% of paired runs. "
        "Its cost in 2027 changes by GBP +0.32 million (+0.30 to +0.34)."
    )
    table = parsed.cells["comparison-1"]
    assert table[table.index("FTE gap, 2027") + 1 : table.index("FTE gap, 2027") + 4] == [
        "-0.2",
        "-0.4 to -0.1",
        "100.0%",
    ]
    cost = table.index("Cost (GBP million a year), 2027")
    assert table[cost + 1 : cost + 3] == ["+0.32", "+0.30 to +0.34"]


def test_only_a_scenario_with_a_plan_has_a_plan_headline(html: str) -> None:
    plans = [x for x in parse(html).headlines if "plan" in x]
    assert plans == [
        "The cheapest plan that meets Baseline's target costs GBP 1.25 million over 2027–2027 "
        "and meets the target in 50.0% of 2 runs."
    ]
    assert "No plan was sought for this scenario." in html


def test_every_assumption_says_where_it_comes_from(html: str) -> None:
    parsed = parse(html)
    baseline = parsed.cells["s1-assumptions"]
    assert "Source: S33" in baseline
    assert "Assumption" in baseline and "on-costs of 30% on pay" in baseline
    assert baseline.count("20% of hours beyond the tasks") == 1  # once, though gap and plan hold it
    assert "Method setting (docs/methods)" in baseline
    assert "Assumption: a fifth more" in parsed.cells["s2-assumptions"]


def test_provenance_is_given_for_each_scenario(html: str) -> None:
    parsed = parse(html)
    assert parsed.cells["s1-inputs"][-1] == "a" * 64
    assert parsed.cells["s2-inputs"][-1] == "b" * 64
    assert "the central run and 2 drawn runs" in html


def test_small_numbers_are_suppressed_unless_asked(summary, scenarios) -> None:
    hidden = render_scenario_report(summary, scenarios[:1])
    assert 'class="num suppressed"' in hidden
    assert "Counts of 1 to 4 people are shown as" in hidden
    exact = render_scenario_report(summary, scenarios[:1], suppress=False)
    assert 'class="num suppressed"' not in exact
    assert "must not be published" in exact


def test_one_scenario_without_comparison_or_costs_still_renders(summary, scenarios) -> None:
    only = dataclasses_replace(scenarios[1])
    html = render_scenario_report(summary, [only])
    parsed = parse(html)
    assert "comparison" not in parsed.sections and "plan" not in parsed.sections
    assert "No costs were computed for this scenario." in html
    assert parsed.headlines[0].startswith("In 2027, Grow training leaves a gap of 0 FTE")


def dataclasses_replace(f: ScenarioFigures) -> ScenarioFigures:
    import dataclasses

    return dataclasses.replace(f, name="Grow training", plan=None, costs=None)


def test_a_comparison_must_start_from_the_first_scenario(summary, scenarios) -> None:
    wrong = Comparison("Grow training", ("Baseline",), differences())
    with pytest.raises(ValueError, match="must be the first scenario"):
        render_scenario_report(summary, scenarios, comparison=wrong)


def test_gap_headlines_name_the_largest_domains_first() -> None:
    s = gap_summary([[1600, 1400, 200], [1600, 1400, 200]])
    lines = gap_headlines("Baseline", s, DOMAIN_NAMES)
    assert re.match(r"In 2027, Baseline leaves a gap of [\d.]+ FTE in the central run", lines[0])
    assert ", in Medicines (" in lines[0] or ", in Personal care (" in lines[0]


def test_a_comparison_without_drawn_runs_gives_no_range_or_chance() -> None:
    frame = pl.DataFrame(
        {
            "scenario": ["B"],
            "measure": ["gap_fte"],
            "year": [2030],
            "central": [-12.0],
            "q5": [None],
            "q95": [None],
            "p_better": [None],
        },
        schema_overrides={"q5": pl.Float64, "q95": pl.Float64, "p_better": pl.Float64},
    )
    assert (
        comparison_headline(frame, "A", "B") == "Against A, B changes the gap in 2030 by -12 FTE."
    )
    assert comparison_headline(frame, "A", "C") is None
    assert signed_millions(-400_000) == "-0.40"
    assert signed_millions(1_000) == "0.00"


def test_scoping_renames_every_table_and_chart_inside_a_section() -> None:
    table = TableView("t", "T", ("A", "B"), (RowView("r", "R", (Cell("1"),)),))
    scoped_table = scoped((table, [table]), "s2")
    assert scoped_table[0].id == "s2-t" and scoped_table[1][0].id == "s2-t"


def test_the_workforce_report_still_renders(summary) -> None:
    html = render_workforce_report(summary, None, provenance(1, "c"))
    ids = parse(html).sections
    assert ids[:2] == ["headlines", "workforce"] and ids[-1] == "provenance"
    assert 'table id="inputs"' in html


def test_a_plan_that_needs_nothing_says_so_rather_than_pricing_it_at_zero() -> None:
    from careforce.report.headlines import plan_headline

    common = dict(feasible=True, first_year=2027, last_year=2036, drawn_runs=50)
    assert plan_headline("Grow", total_cost=0.0, probability_met=0.8, **common) == (  # type: ignore[arg-type]
        "Grow meets its target in the central run with no further action; it meets it in 80.0% "
        "of 50 runs."
    )
    priced = plan_headline("Grow", total_cost=2_440_000.0, probability_met=None, **common)  # type: ignore[arg-type]
    assert (
        priced
        == "The cheapest plan that meets Grow's target costs GBP 2.44 million over 2027–2036."
    )

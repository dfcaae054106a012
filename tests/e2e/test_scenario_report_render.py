"""The scenario report opened in Chromium: offline, its charts drawn, and printable on A4.

Two scenarios and their comparison, from the small hand-made figures of the unit tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from careforce.report import render_scenario_report
from unit.test_scenario_report import (
    DOMAIN_NAMES,
    Comparison,
    differences,
    make_summary,
    two_scenarios,
)

pytestmark = pytest.mark.chromium


@pytest.fixture(scope="module")
def scenario_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    html = render_scenario_report(
        make_summary(),
        two_scenarios(),
        comparison=Comparison("Baseline", ("Grow training",), differences()),
        domain_names=DOMAIN_NAMES,
    )
    path = tmp_path_factory.mktemp("scenario_report") / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture
def opened(chromium_browser: Any, scenario_report: Path) -> Any:
    """The report in a page that refuses every request but the file itself; the page, the
    requests made, those refused and the console errors."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    url = scenario_report.as_uri()
    requested: list[str] = []
    refused: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def only_the_file(route: Any) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_file)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    try:
        yield page, url, requested, refused, errors
    finally:
        context.close()


def test_it_loads_nothing_but_itself_and_logs_no_error(opened: Any) -> None:
    page, url, requested, refused, errors = opened
    assert [r for r in requested if not r.startswith("data:")] == [url]
    assert refused == []
    assert errors == []
    assert page.locator("main > section").first.get_attribute("id") == "headlines"


def test_every_chart_draws_with_a_size(opened: Any) -> None:
    page = opened[0]
    charts = page.locator("svg.chart")
    assert charts.count() >= 8  # each scenario's gap charts, the comparison's, the costs, the plan
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 80, i
    for name in (
        "FTE gap by year, each scenario (central run)",
        "Change in the FTE gap against the baseline, by year",
    ):
        assert page.get_by_role("img", name=name).count() == 1


def test_print_hides_the_contents_and_starts_sections_on_new_pages(
    opened: Any, tmp_path: Path
) -> None:
    page = opened[0]
    assert page.locator("nav.toc").is_visible()
    page.emulate_media(media="print")
    assert page.evaluate("matchMedia('print').matches")
    assert page.locator("nav.toc").is_hidden()
    style = page.evaluate(
        """() => {
            const gap = getComputedStyle(document.querySelector('#gap'));
            const chart = getComputedStyle(document.querySelector('figure.chart-figure'));
            const masthead = getComputedStyle(document.querySelector('.masthead'));
            return {gap: gap.breakBefore, chart: chart.breakInside, masthead: masthead.backgroundColor};
        }"""
    )
    assert style == {"gap": "page", "chart": "avoid", "masthead": "rgb(255, 255, 255)"}
    for i in range(page.locator("svg.chart").count()):
        box = page.locator("svg.chart").nth(i).bounding_box()
        assert box is not None and box["width"] > 200
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")

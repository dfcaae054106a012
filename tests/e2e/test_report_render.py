"""The workforce report opened in Chromium: offline, readable, charts drawn, and printable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.chromium


@pytest.fixture
def page(chromium_browser: Any) -> Any:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def open_report(page: Any, report_file: Path) -> tuple[str, list[str], list[str]]:
    """Open the report, recording every request and refusing any but the file itself."""
    url = report_file.as_uri()
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    def only_the_file(route: Any) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_file)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return url, requested, refused


def test_the_report_loads_nothing_but_itself(page: Any, report_file: Path) -> None:
    url, requested, refused = open_report(page, report_file)
    assert requested == [url]
    assert refused == []


def test_the_headline_section_is_visible_first(page: Any, report_file: Path) -> None:
    open_report(page, report_file)
    headline = page.locator("#headlines")
    assert headline.is_visible()
    assert "Key findings" in headline.inner_text()
    assert page.locator("#headlines .card").count() == 6
    first_section = page.locator("main > section").first
    assert first_section.get_attribute("id") == "headlines"
    box = headline.bounding_box()
    assert box is not None and box["y"] < 900  # on the first screen


def test_the_charts_render_with_accessible_names(
    page: Any, report_file: Path, tmp_path: Path
) -> None:
    open_report(page, report_file)
    charts = page.locator("svg.chart")
    assert charts.count() >= 3
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 300 and box["height"] > 100
        assert chart.locator("rect, path").count() > 5
    assert page.get_by_role("img", name="Vacancy rate by staff group").count() == 1
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000


def test_every_table_has_a_visible_caption(page: Any, report_file: Path) -> None:
    open_report(page, report_file)
    tables = page.locator("table")
    assert tables.count() >= 15
    captions = page.locator("table > caption")
    assert captions.count() == tables.count()
    assert all(text.strip() for text in captions.all_inner_texts())


def test_print_emulation_hides_navigation_and_breaks_pages(
    page: Any, report_file: Path, tmp_path: Path
) -> None:
    open_report(page, report_file)
    assert page.locator("nav.toc").is_visible()
    page.emulate_media(media="print")
    assert page.evaluate("matchMedia('print').matches")
    assert page.locator("nav.toc").is_hidden()
    style = page.evaluate(
        """() => {
            const s = getComputedStyle(document.querySelector('#workforce'));
            return {breakBefore: s.breakBefore, shadow: s.boxShadow};
        }"""
    )
    assert style == {"breakBefore": "page", "shadow": "none"}
    assert page.locator("svg.chart").first.bounding_box()["width"] > 300
    shot = tmp_path / "report-print.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    sections = page.locator("main > section").count()
    assert pages >= sections  # each section starts a new page

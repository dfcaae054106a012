"""`careforce demo` on a fresh folder: the region goes through the real import path to a report."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

CAREFORCE = str(Path(sys.executable).with_name("careforce"))


def run_demo(root: Path) -> tuple[Path, dict[str, object]]:
    env = dict(os.environ, CAREFORCE_SECRET_FILE=str(root / "secret.key"))
    out = root / "out"
    result = subprocess.run(
        [CAREFORCE, "demo", "--out", str(out), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out, json.loads(result.stdout)["demo"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    return run_demo(tmp_path_factory.mktemp("demo"))


def test_demo_writes_the_report_and_leaves_its_inputs(demo: tuple[Path, dict[str, object]]) -> None:
    out, outcome = demo
    report = (out / "report.html").read_text(encoding="utf-8")
    assert Path(str(outcome["report"])) == out / "report.html"
    for heading in (
        "Today",
        "Age",
        "Leaver",
        "Vacanc",
        "Data quality",
        "statutory roles",
        "AMHP",
        "Competency inventory",
    ):
        assert heading.lower() in report.lower()
    assert "http://" not in report and "https://" not in report
    inputs = out / "inputs"
    names = {p.name for p in inputs.iterdir()}
    assert {"localities.csv", "organisations.csv", "population.csv"} <= names
    assert any(name.endswith(".xlsx") for name in names)
    assert any(name.startswith("calibration") for name in names)


def test_demo_loads_every_source_file_through_the_import_path(
    demo: tuple[Path, dict[str, object]],
) -> None:
    out, outcome = demo
    with sqlite3.connect(out / "careforce.sqlite") as connection:
        imported = {row[0] for row in connection.execute("SELECT file_name FROM imports")}
        people = connection.execute("SELECT COUNT(*) FROM persons").fetchone()[0]
        linked = connection.execute(
            "SELECT COUNT(*) FROM (SELECT person_key FROM posts p JOIN organisations o "
            "ON o.code = p.organisation_code GROUP BY person_key HAVING COUNT(DISTINCT o.sector) > 1)"
        ).fetchone()[0]
    assert len(imported) == outcome["files_imported"]
    assert people > 20_000
    assert linked > 0  # people with posts in two sectors are linked, not counted twice


def test_demo_is_reproducible_from_its_seed(
    demo: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    out, _ = demo
    again, _ = run_demo(tmp_path)
    for source in sorted((out / "inputs").glob("*.csv")):
        assert (again / "inputs" / source.name).read_bytes() == source.read_bytes()


def test_the_demo_report_opens_offline_in_chromium(
    demo: tuple[Path, dict[str, object]], chromium_browser: object, tmp_path: Path
) -> None:
    out, _ = demo
    page = chromium_browser.new_page()  # type: ignore[attr-defined]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((out / "report.html").as_uri())
    assert requested == [(out / "report.html").as_uri()]
    assert page.locator("h1").first.is_visible()
    charts = page.locator("svg")
    assert charts.count() >= 3
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    page.screenshot(path=str(tmp_path / "demo-report.png"), full_page=True)
    page.close()


def test_no_demo_post_starts_before_the_person_is_sixteen(
    demo: tuple[Path, dict[str, object]],
) -> None:
    out, _ = demo
    with sqlite3.connect(out / "careforce.sqlite") as connection:
        early = connection.execute(
            "SELECT COUNT(*) FROM posts p JOIN persons q ON q.person_key = p.person_key "
            "WHERE CAST(substr(p.start_date, 1, 4) AS INTEGER) < q.year_of_birth + 16"
        ).fetchone()[0]
    assert early == 0


def _block(report: str, section: str, scenario: int) -> str:
    """One scenario's block (`s1` the baseline) of a top-level section of the report."""
    body = report[report.index(f'<section id="{section}"') :]
    body = body[: body.index("</section>\n", body.index(f'id="s{scenario}-{section}-block"'))]
    return body[body.index(f'id="s{scenario}-{section}-block"') :]


def test_the_demo_report_shows_the_required_workforce_and_the_cmht_wisn(
    demo: tuple[Path, dict[str, object]],
) -> None:
    out, _ = demo
    report = (out / "report.html").read_text(encoding="utf-8")
    assert '<a href="#need">Required and projected workforce</a>' in report
    section = _block(report, "need", 1)
    assert '<table id="s1-demand-domain"' in section
    assert "Personal care &amp; daily living" in section
    fan = section[section.index('<svg class="chart"') : section.index("</svg>")]
    assert 'aria-labelledby="s1-chart-demand-title s1-chart-demand-desc"' in fan
    assert "25–75% of runs" in fan
    wisn = section[section.index('<table id="s1-demand-wisn"') :]
    assert "community mental health team" in wisn
    ratio = re.search(r"WISN ratio of (\d\.\d\d): (shortage|balanced|surplus)", section)
    assert ratio is not None and 0.5 < float(ratio[1]) < 1.5
    assert f'<td class="num">{ratio[1]}</td>' in wisn
    for name in ("services.yaml", "framework.yaml", "population.csv", "baseline.toml"):
        assert f"{name}</th>" in report, name  # listed with its hash among the inputs


def test_the_demo_report_projects_the_workforce_and_backtests_its_rates(
    demo: tuple[Path, dict[str, object]],
) -> None:
    out, _ = demo
    report = (out / "report.html").read_text(encoding="utf-8")
    section = _block(report, "need", 1)
    assert "5–95% range of 200 runs" in section  # the demo's default --runs
    for table in ("supply-staff-group", "supply-area", "supply-retirements", "supply-joiners"):
        assert f'<table id="s1-{table}"' in section
    assert "Registered nursing and midwifery" in section
    backtest = section[section.index('<table id="s1-supply-backtest"') :]
    backtest = backtest[: backtest.index("</table>")]
    for row in ("Leavers", "Joiners"):
        assert f'<th scope="row">{row}</th>' in backtest
    assert re.search(r'<td class="num">[-+]\d+\.\d%</td>', backtest)
    assert "Pre-registration nursing (adult)" in section  # programmes by their scenario names


def test_the_demo_runs_compares_and_stores_three_scenarios(
    demo: tuple[Path, dict[str, object]],
) -> None:
    out, outcome = demo
    names = ["Baseline", "Grow training", "Delegate and upskill"]
    assert list(outcome["headlines"]) == names  # type: ignore[call-overload]
    report = (out / "report.html").read_text(encoding="utf-8")
    # Headline findings first, then the comparison of each alternative with the baseline.
    assert report.index('<section id="headlines"') < report.index('<section id="workforce"')
    comparison = report[report.index('<section id="comparison"') :]
    comparison = comparison[: comparison.index("</section>")]
    for name in names[1:]:
        assert f"{name} minus Baseline" in comparison
    assert '<section id="costs"' in report and '<section id="plan"' in report
    workbook = out / "results.xlsx"
    assert outcome["workbook"] == str(workbook) and workbook.stat().st_size > 0
    with sqlite3.connect(out / "careforce.sqlite") as connection:
        stored = [r[0] for r in connection.execute("SELECT name FROM scenario_run ORDER BY id")]
        differences = connection.execute(
            "SELECT COUNT(*) FROM scenario_result WHERE table_name = 'difference_from_baseline'"
        ).fetchone()[0]
    assert stored == names
    assert differences > 0
    # The alternatives extend the baseline and change only what they name.
    grow = (out / "inputs" / "scenarios" / "grow_training.toml").read_text(encoding="utf-8")
    assert 'extends = "baseline.toml"' in grow

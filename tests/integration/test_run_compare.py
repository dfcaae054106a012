"""`careforce run` and `careforce compare` on the demo region: outputs written, results and
provenance stored and read back, differences paired run by run, bad inputs refused before
anything is written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from careforce.domain import UserError
from careforce.results.comparison import PROJECTED_FTE
from careforce.scenario.load import load_scenario
from careforce.services.compare import CompareOutcome, compare_scenarios
from careforce.store.database import make_engine
from careforce.store.unit_of_work import UnitOfWork

CAREFORCE = str(Path(sys.executable).with_name("careforce"))
RUNS, SAMPLE, SEED = 4, 2, 11
COURSE_YEARS = 3  # adult nursing: the first extra completers finish three years after census
MORE_NURSES = """schema_version = 1
name = "More nurses"
extends = "baseline.toml"

[[programmes]]
id = "nursing_adult"
commissioned_places = 400
placement_capacity = 500
"""


def _sheets(workbook: Path) -> list[str]:
    with zipfile.ZipFile(workbook) as archive:
        return re.findall(r'<sheet name="([^"]+)"', archive.read("xl/workbook.xml").decode())


def _engine_for(scenario: Path):  # type: ignore[no-untyped-def]
    return make_engine(load_scenario(scenario).database_url())


def _stored_runs(scenario: Path) -> pl.DataFrame:
    engine = _engine_for(scenario)
    try:
        with UnitOfWork(engine) as uow:
            return uow.scenarios.runs()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def alternative(demo_baseline: Path) -> Path:
    path = demo_baseline.with_name("more_nurses.toml")
    path.write_text(MORE_NURSES, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def compared(
    demo_baseline: Path, alternative: Path, tmp_path_factory: pytest.TempPathFactory
) -> CompareOutcome:
    out = tmp_path_factory.mktemp("compare") / "out"
    return compare_scenarios(
        [demo_baseline, alternative], out=out, runs=RUNS, seed=SEED, sample=SAMPLE, progress=False
    )


def test_compare_writes_the_report_and_the_workbook(compared: CompareOutcome) -> None:
    assert compared.report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype")
    sheets = _sheets(compared.workbook)
    for name in (
        "Required workforce",
        "Projected FTE",
        "Gap by domain",
        "Costs",
        "Comparison",
        "Provenance",
        "Assumptions",
    ):
        assert name in sheets
    assert "Plan actions" not in sheets  # no plan was asked for
    with zipfile.ZipFile(compared.workbook) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert "GBP (2025/26 prices)" in strings and "(FTE)" in strings


def test_extra_places_change_nothing_until_their_first_completers_arrive(
    compared: CompareOutcome,
) -> None:
    baseline, more = compared.runs
    census_year = baseline.gap.census_date.year
    years = np.array(baseline.measure_years()[PROJECTED_FTE])
    difference = more.measures()[PROJECTED_FTE] - baseline.measures()[PROJECTED_FTE]  # [r, y]
    assert difference.shape[0] == RUNS + 1
    before = years < census_year + COURSE_YEARS
    assert before.any() and (~before).any()
    assert (difference[:, before] == 0.0).all()  # exactly: the same random numbers
    assert (difference[:, ~before] > 0.0).all()  # every run, paired with its own baseline run
    table = compared.comparison.differences.filter(
        (pl.col("scenario") == "More nurses") & (pl.col("measure") == PROJECTED_FTE)
    )
    early = table.filter(pl.col("year") < census_year + COURSE_YEARS)
    assert early["central"].to_list() == early["q5"].to_list() == early["q95"].to_list()
    assert set(early["central"].to_list()) == {0.0}
    last = table.filter(pl.col("year") == int(years[-1])).row(0, named=True)
    assert last["central"] == pytest.approx(difference[0, -1])
    assert last["q5"] > 0 and last["p_better"] == 1.0


def test_runs_and_results_are_stored_and_read_back(
    compared: CompareOutcome, demo_baseline: Path
) -> None:
    engine = _engine_for(demo_baseline)
    try:
        with UnitOfWork(engine) as uow:
            for run in compared.runs:
                assert run.stored_id is not None
                record = uow.scenarios.run(run.stored_id)
                assert record is not None
                assert record["name"] == run.name
                assert record["seed"] == SEED and record["runs"] == RUNS
                assert record["census_date"] == run.gap.census_date
                assert record["scenario"]["name"] == run.name
                provenance = record["provenance"]
                assert provenance["seed"] == SEED
                names = {i["name"] for i in provenance["inputs"]}
                assert {"baseline.toml", "../services.yaml"} <= names
                assert "***" in provenance["database"] or "sqlite" in provenance["database"]
                gap = uow.scenarios.results(run.stored_id, "gap")
                region = gap.filter((pl.col("key") == "region") & (pl.col("measure") == "gap_fte"))
                expected = run.gap.summary.total["fte_central"].to_list()
                assert region["central"].to_list() == pytest.approx(expected)
                tables = set(uow.scenarios.results(run.stored_id)["table_name"])
                assert {"gap", "required_fte", "projected_fte", "costs"} <= tables
            alternative_id = compared.runs[1].stored_id
            assert alternative_id is not None
            differences = uow.scenarios.results(alternative_id, "difference_from_baseline")
            assert set(differences["key"]) == {"Baseline"}
            assert PROJECTED_FTE in set(differences["measure"])
    finally:
        engine.dispose()


def test_scenarios_with_different_seeds_are_refused_before_anything_runs(
    demo_baseline: Path, tmp_path: Path
) -> None:
    other = demo_baseline.with_name("other_seed.toml")
    other.write_text(
        'schema_version = 1\nname = "Other seed"\nextends = "baseline.toml"\n\n'
        "[projection]\nseed = 7\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    with pytest.raises(UserError, match=r"seed differs.*would not be paired"):
        compare_scenarios([demo_baseline, other], out=out, runs=RUNS, progress=False)
    assert not out.exists()


def test_a_typo_in_a_lever_exits_2_naming_the_key_and_writes_nothing(
    demo_baseline: Path, tmp_path: Path
) -> None:
    typo = demo_baseline.with_name("typo.toml")
    typo.write_text(
        MORE_NURSES.replace("commissioned_places", "commisioned_places"), encoding="utf-8"
    )
    before = _stored_runs(demo_baseline).height
    out = tmp_path / "out"
    done = subprocess.run(
        [CAREFORCE, "compare", str(demo_baseline), str(typo), "--out", str(out), "--runs", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "programmes[0].commisioned_places" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert _stored_runs(demo_baseline).height == before


def test_run_through_the_command_line(demo_baseline: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = _stored_runs(demo_baseline).height
    done = subprocess.run(
        [
            CAREFORCE,
            "run",
            str(demo_baseline),
            "--out",
            str(out),
            "--runs",
            str(RUNS),
            "--sample",
            str(SAMPLE),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)["run"]
    assert (out / "report.html").exists() and (out / "results.xlsx").exists()
    assert document["report"] == str(out / "report.html")
    (scenario,) = document["scenarios"]
    assert scenario["name"] == "Baseline"
    assert scenario["gap_fte_p5"] <= scenario["gap_fte_p95"]
    assert scenario["cost_total_gbp"] > 0
    stored = _stored_runs(demo_baseline)
    assert stored.height == before + 1
    assert stored["id"].to_list()[-1] == scenario["stored_id"]
    assert "Comparison" not in _sheets(out / "results.xlsx")

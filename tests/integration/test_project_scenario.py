"""`careforce project` on the demo region: chunks of runs in a process pool and on a real local Dask
cluster give the same projection as one process; common random numbers; the pipeline lever; the
statutory roles start from today's holders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from careforce.results.statutory import statutory_roles
from careforce.scenario.load import load_scenario
from careforce.scenario.supply_inputs import draw_supply_parameters
from careforce.services.snapshot import read_snapshot
from careforce.services.supply import prepare, project_scenario
from careforce.store.database import make_engine
from careforce.supply.engine import project
from careforce.supply.model import RunParameters
from careforce.supply.projection import FLOWS, JOINER_FLOWS

CAREFORCE = str(Path(sys.executable).with_name("careforce"))
ARRAYS = ("headcount_by_cell", "fte_by_cell", "headcount_by_age_band", "flows", "completers")


@pytest.fixture(scope="module")
def baseline(demo_baseline: Path) -> Path:
    return demo_baseline


def extend(baseline: Path, name: str, body: str) -> Path:
    path = baseline.parent / f"{name}.toml"
    path.write_text(
        f'schema_version = 1\nname = "{name}"\nextends = "{baseline.name}"\n{body}',
        encoding="utf-8",
    )
    return path


def test_the_demo_baseline_projects_and_conserves_its_stock(baseline: Path) -> None:
    outcome = project_scenario(baseline, runs=3)
    p = outcome.projection
    assert p.headcount_by_cell.shape[:2] == (4, 11)
    assert (p.headcount_by_cell >= 0).all()
    total = p.headcount_by_cell.sum(axis=2)  # [r, y]
    flows = p.flows.sum(axis=2)  # [r, y, flow]
    joined = sum(flows[:, 1:, FLOWS.index(f)] for f in JOINER_FLOWS)
    left = sum(flows[:, 1:, FLOWS.index(f)] for f in ("leavers", "moves_out", "into_training"))
    assert np.allclose(total[:, 1:], total[:, :-1] + joined - left)
    first = outcome.summary.total.row(0, named=True)
    assert first["year"] == 2026 and first["headcount_central"] == pytest.approx(30196)


@pytest.mark.parametrize("scheduler", ["processes", "dask-local"])
def test_chunks_anywhere_give_the_same_projection(baseline: Path, scheduler: str) -> None:
    here = project_scenario(baseline, runs=5, chunk_runs=6).projection
    there = project_scenario(baseline, runs=5, chunk_runs=2, scheduler=scheduler).projection
    for name in ARRAYS:
        assert np.array_equal(getattr(here, name), getattr(there, name)), name


def test_changing_one_lever_leaves_every_other_draw_identical(baseline: Path) -> None:
    base = load_scenario(baseline)
    changed = load_scenario(
        extend(baseline, "fill", '[[programmes]]\nid = "social_work"\nfill_rate = [0.5, 0.7]\n')
    )
    model, rates, groups = prepare(base)
    runs = np.arange(30)
    a = draw_supply_parameters(model, base.scenario, rates, groups, runs=runs)
    b = draw_supply_parameters(model, changed.scenario, rates, groups, runs=runs)
    assert a.leaver_multiplier.tobytes() == b.leaver_multiplier.tobytes()
    assert a.joiner_multiplier.tobytes() == b.joiner_multiplier.tobytes()
    moved = list(model.programmes).index("social_work")
    others = [i for i in range(len(model.programmes)) if i != moved]
    assert a.fill_rate[:, others].tobytes() == b.fill_rate[:, others].tobytes()
    assert not np.array_equal(a.fill_rate[1:, moved], b.fill_rate[1:, moved])
    assert a.fill_rate[0, moved] == pytest.approx(0.9)  # run 0 central
    assert b.fill_rate[0, moved] == pytest.approx(0.6)


def test_more_commissions_never_give_fewer_nurses(baseline: Path) -> None:
    grow = extend(
        baseline, "grow", '[[programmes]]\nid = "nursing_adult"\ncommissioned_places = 400\n'
    )
    base = project_scenario(baseline, runs=0).summary.by_role
    more = project_scenario(grow, runs=0).summary.by_role

    def nurses(frame: object) -> list[float]:
        rows = frame.filter(frame["role"] == "rn_adult")  # type: ignore[attr-defined]
        return list(rows["headcount_central"])

    assert all(m >= b - 1e-9 for m, b in zip(nurses(more), nurses(base), strict=True))
    assert nurses(more)[-1] > nurses(base)[-1] + 100


def test_the_command_line(baseline: Path) -> None:
    env = dict(os.environ)
    done = subprocess.run(
        [CAREFORCE, "project", str(baseline), "--runs", "2", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)["projection"]
    assert document["runs"] == 2 and document["years"][0] == 2026
    assert {"by_staff_group", "by_area", "flows", "pipeline", "retirements"} <= set(document)
    typo = extend(baseline, "typo", '[[retention]]\nstaff_grop = "social_work"\n')
    bad = subprocess.run(
        [CAREFORCE, "project", str(typo)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert bad.returncode == 2
    assert "retention[0].staff_grop" in bad.stderr and "Traceback" not in bad.stderr
    plan = subprocess.run(
        [CAREFORCE, "project", "--plan"], capture_output=True, text=True, timeout=300, check=False
    )
    assert plan.returncode == 0 and "leavers" in plan.stdout.lower()


def test_statutory_roles_start_from_todays_holders_and_follow_their_levers(baseline: Path) -> None:
    outcome = project_scenario(baseline, runs=3)
    loaded = load_scenario(baseline)
    engine = make_engine(loaded.database_url())
    try:
        snapshot = read_snapshot(engine)
    finally:
        engine.dispose()
    today = statutory_roles(
        snapshot.statutory_approvals,
        snapshot.posts_with_people,
        census_date=loaded.scenario.data.census_date,
    ).by_kind
    table = outcome.summary.statutory
    assert table["kind"].unique(maintain_order=True).to_list() == ["amhp", "section_12"]
    for kind in ("amhp", "section_12"):
        rows = table.filter(pl.col("kind") == kind).sort("year")
        assert rows["year"].to_list() == list(range(2026, 2037))
        holders = today.filter(pl.col("kind") == kind)["current_holders"].item()
        assert holders > 0
        assert rows["holders_central"][0] == pytest.approx(holders)
        assert rows["holders_p5"][0] == pytest.approx(holders)
        assert (rows["holders_p5"] <= rows["holders_p95"]).all()
        numbers = rows.select(pl.exclude("kind", "year")).to_numpy()
        assert (numbers >= 0).all()
        change = rows["trained_central"] - rows["lapsed_central"] - rows["leavers_central"]
        assert np.allclose(
            rows["holders_central"][1:], (rows["holders_central"] + change.shift(-1))[:-1]
        )
        assert rows["trained_central"][1] > 0 and rows["lapsed_central"][1] > 0
    assert outcome.as_document()["statutory"][0]["kind"] == "amhp"
    more = extend(
        baseline,
        "more_amhps",
        '[[statutory]]\nkind = "amhp"\ntrained_per_year = 10\nbasis = "assumption: a test"\n',
    )
    grown = project_scenario(more, runs=0).summary.statutory
    base = outcome.summary.statutory

    def last(frame: pl.DataFrame, kind: str) -> float:
        return float(frame.filter(pl.col("kind") == kind)["holders_central"][-1])

    assert last(grown, "amhp") > last(base, "amhp") + 20


def test_process_noise_draws_whole_people_and_leaves_the_central_run(baseline: Path) -> None:
    noisy = extend(baseline, "noisy", "[projection]\nprocess_noise = true\n")
    smooth = project_scenario(baseline, runs=2).projection.headcount_by_cell
    first = project_scenario(noisy, runs=2)
    again = project_scenario(noisy, runs=2, chunk_runs=1).projection.headcount_by_cell
    assert first.backend == "numpy" and first.backend_asked == "numba"
    assert "process noise is drawn on the numpy array path" in first.as_document()["backend_note"]
    drawn = first.projection.headcount_by_cell
    assert np.allclose(drawn[0], smooth[0])  # run 0 never has noise
    assert not np.allclose(drawn[1:], smooth[1:])
    assert np.array_equal(drawn, again)  # the same draws however the runs are chunked
    assert (drawn >= 0).all()


def test_apprenticeship_routes_take_support_workers_into_training(baseline: Path) -> None:
    """The demo's nursing associate and nursing degree apprenticeship take their students from
    the healthcare support workers; doubling the degree apprenticeship's places means fewer
    support workers at once and more adult nurses once its first new cohort completes."""
    outcome = project_scenario(baseline, runs=2)
    model, p = outcome.model, outcome.projection
    hcsw = model.roles.index("hcsw")
    names = ("nursing_associate", "nursing_degree_apprenticeship")
    routes = [model.programmes.index(i) for i in names]
    assert list(model.routes) == sorted(routes)
    assert (model.programme_source_role[routes] == hcsw).all()
    assert np.allclose(p.flow("into_training")[:, :, hcsw], p.intake[:, :, routes].sum(axis=2))
    assert p.flow("into_training")[0, 1, hcsw] > 30
    others = [g for g in range(len(model.roles)) if g != hcsw]
    assert (p.flow("into_training")[:, :, others] == 0).all()
    # The kernel and the array path agree on the central run.
    central = RunParameters.central(model)
    kernel = project(model, central, 10, backend="numba")
    arrays = project(model, central, 10, backend="numpy")
    for name in ARRAYS:
        assert np.allclose(getattr(kernel, name), getattr(arrays, name), rtol=1e-9, atol=1e-9)
    more = extend(
        baseline,
        "more_apprentices",
        '[[programmes]]\nid = "nursing_degree_apprenticeship"\ncommissioned_places = 60\n',
    )
    grown = project_scenario(more, runs=0).summary.by_role

    def headcount(frame: pl.DataFrame, role: str) -> list[float]:
        return list(frame.filter(pl.col("role") == role)["headcount_central"])

    base = outcome.summary.by_role
    assert headcount(grown, "hcsw")[1] < headcount(base, "hcsw")[1] - 20
    # A 4-year course: the first bigger intake (2027) joins the stock of 2030.
    assert headcount(grown, "rn_adult")[3] == pytest.approx(headcount(base, "rn_adult")[3])
    assert headcount(grown, "rn_adult")[4] > headcount(base, "rn_adult")[4] + 15


def test_a_programme_for_a_role_nobody_holds_yet_starts_from_none(baseline: Path) -> None:
    """Physician associates: in the framework, not in the demo's staff; the baseline trains some."""
    outcome = project_scenario(baseline, runs=2)
    model = outcome.model
    g = model.roles.index("physician_associate")
    assert model.headcount[g].sum() == 0 and model.joiner_fte_per_head[g] == 1.0
    assert (model.leaver_rate[g, :, :-1] > 0).all()  # the staff group's rates, not none
    by_role = outcome.summary.by_role.filter(pl.col("role") == "physician_associate")
    assert by_role["headcount_central"][0] == 0 and by_role["headcount_central"][-1] > 10
    sources = {r["role_id"]: r["source"] for r in outcome.as_document()["joiner_fte_per_head"]}
    assert sources["physician_associate"] == "starting stock"
    assert sources["hcsw"] == "history"
    joiners = outcome.rates.joiner_fte_per_head.filter(pl.col("role_id") == "hcsw")
    hcsw = model.roles.index("hcsw")
    assert model.joiner_fte_per_head[hcsw] == pytest.approx(joiners["fte_per_head"].item())

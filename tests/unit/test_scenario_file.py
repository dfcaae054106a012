"""Scenario files: the schema refuses unknown keys with their path, `extends` merges by key and by
programme id, and the published JSON Schema is current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from careforce.domain import UserError, ValidationFailed
from careforce.scenario.load import load_scenario, merge, scenario_json_schema

ROOT = Path(__file__).resolve().parents[2]
BASE = """
schema_version = 1
name = "Baseline"

[data]
database = "careforce.sqlite"
census_date = 2026-03-31

[projection]
runs = 50

[[programmes]]
id = "nursing_adult"
name = "Pre-registration nursing (adult)"
role = "rn_adult"
length_years = 3
commissioned_places = 285
fill_rate = [0.8, 0.9]
attrition = 0.25
local_share = 0.7
source = "S33"

[[programmes]]
id = "social_work"
name = "Social work degree"
role = "social_worker"
length_years = 3
commissioned_places = 40
fill_rate = 0.9
attrition = 0.2
local_share = 0.8
sectors = {local_authority = 1.0}
basis = "assumption: a small cohort"
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        load_scenario(path)
    return {str(p.column): p.reason for p in caught.value.problems}


def test_a_baseline_loads_with_defaults_and_resolved_paths(tmp_path: Path) -> None:
    loaded = load_scenario(write(tmp_path, "base.toml", BASE))
    s = loaded.scenario
    assert s.projection.runs == 50 and s.projection.years == 10
    assert s.programmes[0].fill_rate.central == pytest.approx(0.85)
    assert s.programmes[0].fill_rate.low == 0.8
    assert loaded.database_url() == f"sqlite:///{tmp_path / 'careforce.sqlite'}"


def test_extends_changes_only_what_differs(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", BASE)
    child = write(
        tmp_path,
        "grow.toml",
        'schema_version = 1\nname = "Grow"\nextends = "base.toml"\n'
        '[[programmes]]\nid = "nursing_adult"\ncommissioned_places = 340\n'
        "[projection]\nseed = 7\n",
    )
    loaded = load_scenario(child)
    nursing, social = loaded.scenario.programmes
    assert nursing.commissioned_places.central == 340
    assert nursing.attrition.central == 0.25  # kept from the baseline
    assert social.commissioned_places.central == 40
    assert loaded.scenario.projection.seed == 7 and loaded.scenario.projection.runs == 50
    assert loaded.scenario.name == "Grow"
    assert [p.name for p in loaded.chain] == ["grow.toml", "base.toml"]


def test_typos_are_refused_with_their_path_and_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", BASE)
    child = write(
        tmp_path,
        "typo.toml",
        'schema_version = 1\nname = "T"\nextends = "base.toml"\n'
        '[[programmes]]\nid = "nursing_adult"\nfill_rte = 0.5\n'
        "[projection]\nrunz = 3\n",
    )
    found = problems(child)
    assert found["programmes[0].fill_rte"] == "unknown key: did you mean `fill_rate`?"
    assert found["projection.runz"] == "unknown key: did you mean `runs`?"


@pytest.mark.parametrize(
    ("change", "place"),
    [
        ("fill_rate = 1.4", "programmes[0].fill_rate"),
        ("length_years = 0", "programmes[0].length_years"),
        ("sectors = {nhs = 0.5}", "programmes[0]"),
        ('source = ""', "programmes[0]"),
        ('from_role = "rn_adult"', "programmes[0]"),
        ('from_role = ""', "programmes[0].from_role"),
    ],
)
def test_bad_values_name_their_place(tmp_path: Path, change: str, place: str) -> None:
    base = write(tmp_path, "base.toml", BASE)
    child = write(
        tmp_path,
        "bad.toml",
        f'schema_version = 1\nname = "B"\nextends = "{base.name}"\n'
        f'[[programmes]]\nid = "nursing_adult"\n{change}\n',
    )
    assert place in problems(child)


def test_a_programme_may_be_an_apprenticeship_route_from_another_role(tmp_path: Path) -> None:
    base = write(tmp_path, "base.toml", BASE)
    child = write(
        tmp_path,
        "route.toml",
        f'schema_version = 1\nname = "R"\nextends = "{base.name}"\n'
        '[[programmes]]\nid = "nursing_adult"\nfrom_role = "hcsw"\n',
    )
    programmes = load_scenario(child).scenario.programmes
    assert [(p.id, p.from_role) for p in programmes] == [
        ("nursing_adult", "hcsw"),
        ("social_work", None),
    ]


def test_extends_in_a_circle_and_missing_files_are_user_errors(tmp_path: Path) -> None:
    a = write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(UserError, match="circle"):
        load_scenario(a)
    with pytest.raises(UserError, match="does not exist"):
        load_scenario(tmp_path / "none.toml")
    bad = write(tmp_path, "bad.toml", "name = \n")
    with pytest.raises(ValidationFailed, match="not a TOML file") as caught:
        load_scenario(bad)
    assert caught.value.problems[0].reason.startswith("not TOML")


def test_merge_replaces_plain_lists_and_merges_programmes_by_id() -> None:
    base = {"projection": {"quantiles": [5, 50, 95]}, "programmes": [{"id": "a", "x": 1}]}
    change = {"projection": {"quantiles": [50]}, "programmes": [{"id": "b"}, {"id": "a", "y": 2}]}
    assert merge(base, change) == {
        "projection": {"quantiles": [50]},
        "programmes": [{"id": "a", "x": 1, "y": 2}, {"id": "b"}],
    }


def test_the_published_json_schema_is_current() -> None:
    committed = json.loads((ROOT / "docs/schemas/scenario.v1.json").read_text(encoding="utf-8"))
    assert committed == scenario_json_schema(), (
        "docs/schemas/scenario.v1.json is stale: run "
        "`.venv/bin/python -m careforce.scenario.load > docs/schemas/scenario.v1.json`"
    )
    assert committed["additionalProperties"] is False


def test_statutory_levers_merge_by_kind() -> None:
    base = {"statutory": [{"kind": "amhp", "trained_per_year": 4}, {"kind": "s12", "x": 1}]}
    change = {"statutory": [{"kind": "amhp", "lapse_at_reapproval": 0.1}]}
    assert merge(base, change)["statutory"] == [
        {"kind": "amhp", "trained_per_year": 4, "lapse_at_reapproval": 0.1},
        {"kind": "s12", "x": 1},
    ]


def test_the_plans_levers_come_from_the_scenario_and_say_so() -> None:
    from careforce.scenario.plan_inputs import lever_assumptions
    from careforce.scenario.schema import Plan

    levers = Plan(cost_per_recruit=9_000.0, basis="assumption: a local estimate")
    words = lever_assumptions(levers)
    assert any(
        "GBP 9,000" in line and line.startswith("assumption: a local estimate") for line in words
    )
    with pytest.raises(ValueError, match="retention_curve must start at"):
        Plan(retention_curve=[[100.0, 0.1]])

"""Training targets files: the bundled defaults load, and a planner's mistakes are named by path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import yaml

from careforce.domain import TrainingRecord, UserError
from careforce.results.compliance import assess_compliance
from careforce.results.training_targets import (
    bundled_training_targets_text,
    load_training_targets,
    parse_training_targets,
)


def _one_target(**changes: object) -> str:
    target: dict[str, object] = {
        "id": "fire",
        "name": "Fire safety",
        "competency": "FIRE1",
        "level": "basic",
        "applies_to": {"all_staff": True},
        "basis": "assumption: every employer's mandatory training",
    }
    target.update(changes)
    return yaml.safe_dump({"version": 1, "targets": [target]})


def test_the_bundled_targets_follow_the_mental_health_literacy_levels() -> None:
    targets = load_training_targets()
    assert [(t.id, t.competency, t.level) for t in targets.targets] == [
        ("mh_level_1", "MH01", "informed"),
        ("mh_level_2", "MH02", "skilled"),
        ("mh_enhanced", "MH16", "enhanced"),
    ]
    assert targets.target("mh_level_1").applies_to.all_staff
    assert targets.target("mh_level_1").codes == ("MH01", "MH02", "MH16")
    assert "social_care_direct" in targets.target("mh_level_2").applies_to.staff_groups
    assert "mental_health" in targets.target("mh_enhanced").applies_to.settings
    assert all(t.source and t.source.startswith("S73") for t in targets.targets)


def test_a_planners_own_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(_one_target(), encoding="utf-8")
    targets = load_training_targets(path)
    assert [t.id for t in targets.targets] == ["fire"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "red"}, "targets.0.colour"),
        ({"applies_to": {"roles": ["astronaut"]}}, "unknown framework role astronaut"),
        ({"applies_to": {"staff_groups": ["pilots"]}}, "targets.0.applies_to.staff_groups.0"),
        ({"applies_to": {}}, "say who the target applies to"),
        ({"basis": None}, "needs `source"),
        ({"basis": "because"}, "must read `assumption"),
        ({"source": "figures.md"}, "must start with a source id"),
        ({"met_by": ["FIRE1"]}, "repeats the target's own competency"),
        ({"competency": "fire safety!"}, "targets.0.competency"),
    ],
)
def test_a_bad_target_is_refused_with_its_path(changes: dict[str, object], message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_training_targets(_one_target(**changes), "mine.yaml")
    assert "mine.yaml" in str(caught.value)
    assert message in str(caught.value)


def test_target_ids_are_unique() -> None:
    raw = yaml.safe_load(_one_target())
    raw["targets"].append(dict(raw["targets"][0]))
    with pytest.raises(UserError, match="used twice"):
        parse_training_targets(yaml.safe_dump(raw))


def test_a_missing_or_broken_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read"):
        load_training_targets(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("targets: [", encoding="utf-8")
    with pytest.raises(UserError, match="not valid YAML"):
        load_training_targets(broken)


def test_the_bundled_text_is_what_loads() -> None:
    assert parse_training_targets(bundled_training_targets_text()) == load_training_targets()


def test_compliance_agrees_with_the_record_rule_of_the_domain() -> None:
    """The vectorised rule and `TrainingRecord.valid_on` say the same for every kind of record."""
    census = dt.date(2025, 3, 31)
    cases = [
        (dt.date(2024, 1, 1), None, "x"),
        (dt.date(2024, 1, 1), census, "x"),
        (dt.date(2024, 1, 1), dt.date(2025, 3, 30), "x"),
        (dt.date(2024, 1, 1), None, None),
        (census, None, "x"),
        (dt.date(2025, 4, 1), None, "x"),
    ]
    people = [f"p{i}" for i in range(len(cases))]
    posts = pl.DataFrame(
        {
            "organisation_code": "NHS1",
            "organisation_name": "NHS1",
            "person_key": people,
            "locality_code": "LA-A",
            "role_id": "rn_adult",
            "setting": "hospital",
            "start_date": dt.date(2020, 1, 1),
            "end_date": None,
            "sector": "nhs",
        },
        schema_overrides={"end_date": pl.Date},
    )
    records = pl.DataFrame(
        {
            "person_key": people,
            "competency": "FIRE1",
            "achieved_on": [c[0] for c in cases],
            "expires_on": [c[1] for c in cases],
            "signed_off_by_role": [c[2] for c in cases],
        },
        schema_overrides={"expires_on": pl.Date, "signed_off_by_role": pl.String},
    )
    report = assess_compliance(
        posts, records, parse_training_targets(_one_target()), census_date=census
    )
    gaps = set(report.gaps["person_key"].to_list())
    for person, (achieved, expires, signer) in zip(people, cases, strict=True):
        valid = TrainingRecord(person, "FIRE1", achieved, expires, signer).valid_on(census)
        assert valid == (person not in gaps), (achieved, expires, signer)

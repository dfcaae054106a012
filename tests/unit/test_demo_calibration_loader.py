"""The calibration loader: the bundled file is valid, every figure has a provenance, and mistakes are
reported with their path in the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from careforce.demo.calibration import (
    bundled_calibration_text,
    first_match,
    load_calibration,
    parse_calibration,
)
from careforce.domain import UserError


def _raw() -> dict[str, Any]:
    data = yaml.safe_load(bundled_calibration_text())
    assert isinstance(data, dict)
    return data


def _problem(raw: dict[str, Any]) -> str:
    with pytest.raises(UserError) as caught:
        parse_calibration(yaml.safe_dump(raw, sort_keys=False))
    return str(caught.value)


def test_bundled_calibration_loads() -> None:
    cal = load_calibration()
    assert 450_000 <= cal.total_population <= 500_000
    assert [a.code for a in cal.region.areas] == ["GW-CAER", "GW-CWM", "GW-GLAN"]
    assert cal.census_date.isoformat() == "2026-03-31"


def _figures_and_loose_numbers(node: Any, path: str, figures: list[str], loose: list[str]) -> None:
    if isinstance(node, dict):
        if "value" in node:
            figures.append(path)
            if not ({"source", "basis"} & set(node)):
                loose.append(path)
            return
        for key, child in node.items():
            _figures_and_loose_numbers(child, f"{path}.{key}", figures, loose)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            _figures_and_loose_numbers(child, f"{path}.{i}", figures, loose)
    elif isinstance(node, int | float) and not isinstance(node, bool) and path != ".version":
        loose.append(path)


def test_every_figure_has_a_source_or_a_basis() -> None:
    figures: list[str] = []
    loose: list[str] = []
    _figures_and_loose_numbers(_raw(), "", figures, loose)
    assert len(figures) > 150
    assert loose == []  # no figure without provenance, and no number outside a figure


def test_sources_name_reference_ids_and_assumptions_say_why() -> None:
    text = bundled_calibration_text()
    sources = [line for line in text.splitlines() if "source:" in line]
    assert sources and all('source: "S' in line for line in sources)
    assert all('basis: "assumption: ' in line for line in text.splitlines() if "basis:" in line)


def test_a_misspelt_key_is_reported_with_its_path() -> None:
    raw = _raw()
    group = raw["nhs"]["staff_groups"]["nmhv"]
    group["fte_per_100"] = group.pop("fte_per_1000")
    message = _problem(raw)
    assert "nhs.staff_groups.nmhv.fte_per_100" in message
    assert "nhs.staff_groups.nmhv.fte_per_1000" in message  # and the key it should have been


def test_an_unknown_role_is_reported_with_its_path() -> None:
    raw = _raw()
    raw["nhs"]["staff_groups"]["ambulance"]["roles"]["value"] = {
        "paramedik": 0.45,
        "emergency_medical_technician": 0.55,
    }
    message = _problem(raw)
    assert "nhs.staff_groups.ambulance.roles.value" in message and "paramedik" in message


def test_a_figure_without_provenance_is_refused() -> None:
    raw = _raw()
    del raw["social_care"]["headcount_per_1000"]["source"]
    assert "social_care.headcount_per_1000" in _problem(raw)


def test_a_basis_must_say_it_is_an_assumption() -> None:
    raw = _raw()
    raw["nhs"]["fixed_term_share"]["basis"] = "we think so"
    assert "nhs.fixed_term_share" in _problem(raw)


def test_shares_must_add_up() -> None:
    raw = _raw()
    raw["social_care"]["settings"]["residential"]["roles"]["value"]["sc_care_worker_res"] = 0.9
    message = _problem(raw)
    assert "social_care.settings.residential.roles.value" in message and "add up" in message


def test_a_registered_share_that_the_roles_do_not_give_is_refused() -> None:
    raw = _raw()
    raw["nhs"]["staff_groups"]["nmhv"]["registered_share"]["value"] = 0.7
    assert "nhs.staff_groups.nmhv" in _problem(raw)


def test_settings_that_break_the_published_council_share_are_refused() -> None:
    raw = _raw()
    raw["social_care"]["settings"]["residential"]["sectors"]["value"] = {
        "local_authority": 0.6,
        "independent": 0.35,
        "third_sector": 0.05,
    }
    message = _problem(raw)
    assert "social_care" in message and "local_authority_share" in message


def test_profiles_must_end_with_a_catch_all() -> None:
    raw = _raw()
    raw["leavers"] = raw["leavers"][:-1]
    assert "leavers" in _problem(raw)


def test_an_unknown_area_is_reported() -> None:
    raw = _raw()
    raw["nhs"]["organisation"]["area"] = "GW-NOWHERE"
    assert "nhs.organisation.area" in _problem(raw)


def test_an_edited_copy_loads_from_a_path(tmp_path: Path) -> None:
    raw = _raw()
    raw["social_care"]["headcount_per_1000"]["value"] = 24.0
    path = tmp_path / "calibration.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert load_calibration(path).social_care.headcount_per_1000.value == 24.0
    with pytest.raises(UserError, match="cannot read"):
        load_calibration(tmp_path / "missing.yaml")
    path.write_text("region: [unclosed", encoding="utf-8")
    with pytest.raises(UserError, match="not valid YAML"):
        load_calibration(path)


def test_profiles_are_read_top_down() -> None:
    cal = load_calibration()
    assert first_match(cal.leavers, "rn_adult", "nhs").rate.value == 0.088
    assert first_match(cal.leavers, "sc_care_worker_dom", "independent").rate.value == 0.285
    assert first_match(cal.leavers, "volunteer", "third_sector", paid=False).name == "volunteers"
    assert (
        first_match(cal.leavers, "link_worker", "third_sector").name
        == "other_social_care_and_community"
    )
    assert first_match(cal.age_profiles, "admin_clerical", "nhs").name == "nhs_staff"

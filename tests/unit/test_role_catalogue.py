"""The bundled role catalogue matches the reference framework it is built from."""

import csv
from importlib import resources

import yaml

from careforce.domain import StaffGroup
from careforce.framework.catalogue import role_catalogue
from careforce.framework.mapping import default_role_mapping, map_role_code


def test_every_reference_role_is_in_the_catalogue_with_its_level() -> None:
    text = resources.files("careforce.framework.data").joinpath("roles.yaml").read_text("utf-8")
    reference = yaml.safe_load(text)["roles"]
    roles = role_catalogue()
    assert len(reference) == 53
    for entry in reference:
        assert roles[entry["id"]].career_framework_level == entry["cf_level"]


def test_every_nhs_staff_group_has_a_role() -> None:
    groups = {role.staff_group for role in role_catalogue().values()}
    assert groups == set(StaffGroup)


def test_default_mapping_names_only_catalogue_roles() -> None:
    roles = role_catalogue()
    mapping = default_role_mapping()
    assert mapping
    assert set(mapping.values()) <= set(roles)
    text = (
        resources.files("careforce.framework.data").joinpath("role_mapping.csv").read_text("utf-8")
    )
    rows = list(csv.DictReader(text.splitlines()))
    assert len({(r["scheme"], r["source_code"]) for r in rows}) == len(rows)


def test_role_codes_map_case_insensitively_and_ids_map_to_themselves() -> None:
    mapping = default_role_mapping()
    scheme, code = next(iter(mapping))
    assert map_role_code(mapping, scheme, code.lower()) == mapping[(scheme, code)]
    assert map_role_code(mapping, "esr", "rn_adult") == "rn_adult"
    assert map_role_code(mapping, "esr", "NOT-A-CODE") is None

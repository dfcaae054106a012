"""The bundled default framework: what it holds, and the fixes made to the research draft it is built
from (docs/design/framework.md lists them)."""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources

import yaml

from careforce.domain import StaffGroup
from careforce.domain.framework import Basis, DelegationStatus, RoleSector
from careforce.framework.catalogue import role_catalogue
from careforce.framework.loader import default_framework
from careforce.framework.mapping import default_role_mapping

FW = default_framework()


def _data(name: str) -> dict:
    text = resources.files("careforce.framework.data").joinpath(name).read_text("utf-8")
    return yaml.safe_load(text)


def test_tasks_domains_and_roles_are_all_there() -> None:
    assert FW.version == "0.2"
    assert len(FW.tasks) == 119
    assert len(FW.domains) == 18
    assert len(FW.roles) == 57  # 53 from roles.yaml, 4 added by role_catalogue.yaml
    assert {t.domain for t in FW.tasks.values()} == set(FW.domains)
    assert len(FW.conditions) == 8


def test_counts_of_delegation_status_are_those_figures_md_states() -> None:
    counts = Counter(t.status for t in FW.tasks.values())
    assert counts == {
        DelegationStatus.DELEGABLE_CONDITIONAL: 19,
        DelegationStatus.REGISTRANT_ONLY: 34,
        DelegationStatus.APPROVED_ROLE_ONLY: 6,
        DelegationStatus.TRAINED_ROLE_TASK: 44,
        DelegationStatus.ROUTINE: 16,
    }


def test_every_entry_has_a_basis_and_sourced_entries_name_known_sources() -> None:
    # figures.md 7 counts 31 sourced, 12 mixed, 76 assumption; MED04 named a source while marked
    # an assumption and is now mixed
    assert Counter(t.basis for t in FW.tasks.values()) == {
        Basis.SOURCED: 31,
        Basis.MIXED: 13,
        Basis.ASSUMPTION: 75,
    }
    for task in FW.tasks.values():
        assert set(task.sources) <= set(FW.sources), task.id
    for details in FW.role_details.values():
        if details.level_basis is not Basis.ASSUMPTION:
            assert details.level_sources, details.role_id
        assert set(details.pay_sources) <= set(FW.sources)
    for route in FW.progression_routes:
        assert set(route.sources) <= set(FW.sources)


def test_every_role_the_mapping_or_tasks_name_resolves() -> None:
    assert set(default_role_mapping().values()) <= set(FW.roles)
    for task in FW.tasks.values():
        named = {*task.default_holders, *task.delegated_by, *task.delegable_to}
        assert named <= set(FW.roles), task.id
    assert role_catalogue() == dict(FW.roles)


def test_roles_and_tasks_agree_on_who_holds_and_who_may_receive_each_task() -> None:
    for role in FW.roles.values():
        assert role.default_competencies == FW.tasks_of_role(role.id)
        for task_id in FW.tasks_of_role(role.id, with_delegation=True):
            task = FW.task(task_id)
            assert role.id in task.default_holders or role.id in task.delegable_to
    raw = {r["id"]: r for r in _data("roles.yaml")["roles"]}
    for role_id, entry in raw.items():
        assert (
            tuple(entry.get("default_competencies") or ()) == FW.roles[role_id].default_competencies
        )
        receives = tuple(entry.get("may_receive_by_delegation") or ())
        assert receives == FW.role_tasks(role_id).by_delegation, role_id


def test_fix_delegating_registrants_hold_what_they_delegate() -> None:
    assert "MED03" in FW.tasks_of_role("district_nurse")
    assert "OBS01" in FW.tasks_of_role("gp")
    for task in FW.tasks.values():
        assert set(task.delegated_by) <= set(task.default_holders), task.id
        assert all(FW.is_registrant(r) for r in task.delegated_by), task.id


def test_fix_no_role_holds_a_task_both_ways() -> None:
    assert "NUT05" in FW.role_tasks("sc_senior_care_worker").by_delegation
    assert "NUT05" not in FW.tasks_of_role("sc_senior_care_worker")
    assert "REH01" in FW.role_tasks("sc_reablement_worker").by_delegation
    for task in FW.tasks.values():
        assert not set(task.default_holders) & set(task.delegable_to), task.id


def test_fix_care_workers_on_the_social_care_register_are_not_registrants() -> None:
    dom = FW.roles["sc_care_worker_dom"]
    assert dom.registered and not FW.is_registrant(dom.id)
    assert FW.is_registrant("rn_adult") and FW.is_registrant("social_worker")
    assert not FW.is_registrant("hcsw")


def test_unpaid_carers_have_no_level_and_hold_tasks_only_by_delegation() -> None:
    carer = FW.roles["unpaid_carer"]
    assert carer.career_framework_level is None
    assert carer.staff_group is StaffGroup.UNPAID_CARERS
    assert FW.role_details["unpaid_carer"].sector is RoleSector.INFORMAL
    assert FW.tasks_of_role("unpaid_carer") == ()
    assert "MED03" in FW.tasks_of_role("unpaid_carer", with_delegation=True)
    assert carer.basis.startswith("assumption")


def test_tasks_above_a_role_level_are_held_only_through_a_training_route() -> None:
    for role in FW.roles.values():
        above = FW.role_tasks(role.id).above_level
        assert set(above) <= FW.role_details[role.id].trained_above_level, role.id
    assert FW.role_tasks("sc_new_to_care").above_level[:2] == ("PC01", "PC02")


def test_supervision_defaults_are_the_figures_md_assumptions() -> None:
    s = FW.supervision
    assert 2 <= s.training_hours_per_worker_per_task <= 4
    assert s.review_hours_per_worker_per_task_per_year == 1
    assert s.registrant_hours_per_delegated_hour == 0
    assert s.basis.startswith("assumption")
    assert FW.supervision_for("MED03", "sc_care_worker_dom") == s


def test_progression_routes_include_the_care_nursing_and_amhp_ladders() -> None:
    routes = {(r.from_role, r.to_role) for r in FW.progression_routes}
    assert {
        ("sc_care_worker_dom", "sc_senior_care_worker"),
        ("hcsw", "nursing_associate"),
        ("nursing_associate", "rn_adult"),
        ("social_worker", "amhp"),
    } <= routes
    for route in FW.progression_routes:
        assert (route.basis is Basis.ASSUMPTION) == (not route.sources)


def test_the_data_files_carry_the_same_version() -> None:
    versions = {
        _data("tasks.yaml")["meta"]["version"],
        _data("roles.yaml")["meta"]["version"],
        _data("role_catalogue.yaml")["version"],
        _data("framework.yaml")["version"],
    }
    assert versions == {FW.version}
    assert re.fullmatch(r"\d+\.\d+", FW.version)

"""A user's framework file: extend or replace the default; every problem at its place in the file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from careforce.domain import UserError, ValidationFailed
from careforce.framework.loader import default_framework, framework_from_text, load_framework

FILES = Path(__file__).with_name("framework_files")

TEN_MISTAKES = [
    # (column, row): one per planted mistake, in the order of the file
    ("roles[0].cf_level", 15),
    ("roles[1].default_competencies[0]", 22),
    ("tasks[0].default_holders[1]", 28),
    ("tasks[1].domain", 32),
    ("tasks[2].id", 36),
    ("tasks[3].delegation.delegated_by", 46),
    ("tasks[4].delegation.delegable_to[0]", 58),
    ("delegation_policies[1].task", 65),
    ("supervision.hours_per_month", 69),
    ("progression_routes[1]", 74),
]


def problems_of(text: str) -> list[tuple[str | None, str]]:
    with pytest.raises(ValidationFailed) as caught:
        framework_from_text(textwrap.dedent(text), "local.yaml")
    return [(p.column, p.reason) for p in caught.value.problems]


def test_ten_planted_mistakes_give_ten_messages_each_at_its_place() -> None:
    path = FILES / "ten_mistakes.yaml"
    with pytest.raises(ValidationFailed) as caught:
        load_framework(path)
    problems = caught.value.problems
    assert [(p.column, p.row) for p in problems] == TEN_MISTAKES
    assert {p.file for p in problems} == {str(path)}
    lines = path.read_text().splitlines()
    for problem, number in zip(problems, range(1, 11), strict=True):
        # each planted mistake's comment is on the reported line or just below it
        assert problem.row is not None
        nearby = " ".join(lines[problem.row - 1 : problem.row + 1])
        assert f"# {number}:" in nearby, (number, problem)
    reasons = [p.reason for p in problems]
    assert "outside the Career Framework levels 1-9" in reasons[0]
    assert "no training route" in reasons[1]
    assert "unknown role 'telecare_worker'" in reasons[2]
    assert "unknown domain 'TELEC'" in reasons[3]
    assert "used twice" in reasons[4]
    assert "no delegating registrant role" in reasons[5]
    assert "cannot receive delegation" in reasons[6]
    assert "unknown task 'MED99'" in reasons[7]
    assert "unknown key" in reasons[8]
    assert "cycle: sc_senior_care_worker -> sc_supervisor -> sc_senior_care_worker" in reasons[9]


def test_a_valid_extension_adds_to_the_default_and_changes_what_it_names() -> None:
    fw = load_framework(FILES / "local_extension.yaml")
    default = default_framework()
    assert fw.version == "local-2026.1 (extends careforce default 0.2)"
    assert len(fw.tasks) == len(default.tasks) + 2
    assert fw.who_may_do("TEL01").own_competence == ("telecare_responder", "sc_care_worker_dom")
    assert "TEL01" in fw.tasks_of_role("sc_care_worker_dom")
    assert fw.tasks_of_role("telecare_responder") == ("EM01", "TEL01")
    assert fw.role_tasks("telecare_responder").by_delegation == ("MED03", "TEL02")
    # the overridden task states its holders in full: the default's other holders lose it
    assert fw.who_may_do("PC05").own_competence == ("volunteer", "sc_new_to_care")
    assert "PC05" not in fw.tasks_of_role("sc_care_worker_dom")
    assert "PC05" in default.tasks_of_role("sc_care_worker_dom")
    # the local policy: no unpaid carers, telecare responders allowed, at most half the hours
    med03 = fw.who_may_do("MED03")
    assert "unpaid_carer" not in med03.by_delegation
    assert "telecare_responder" in med03.by_delegation
    assert fw.task("MED03").max_delegated_share == 0.5
    # supervision: the default's, then the file's, then the file's for one task
    assert fw.supervision.training_hours_per_worker_per_task == 4
    assert fw.supervision.review_hours_per_worker_per_task_per_year == 1
    assert med03.supervision is not None
    assert med03.supervision.review_hours_per_worker_per_task_per_year == 2
    assert med03.supervision.training_hours_per_worker_per_task == 4
    assert ("telecare_responder", "sc_senior_care_worker") in {
        (r.from_role, r.to_role) for r in fw.progression_routes
    }


MINIMAL = """
    mode: replace
    version: '1'
    sources: {P1: Our delegation policy}
    domains: [{id: CARE, name: Care}]
    delegation_conditions:
      DC1: {text: Trained and signed off, source: [P1]}
    roles:
      - {id: nurse, title: Nurse, staff_group: registered_nursing_midwifery, sector: nhs,
         cf_level: 5, regulator: NMC}
      - {id: carer, title: Care worker, staff_group: social_care_direct, sector: social_care,
         cf_level: 2, can_receive_delegation: true}
    tasks:
      - id: INS
        name: Insulin
        domain: CARE
        min_cf_level: 3
        default_holders: [nurse]
        delegation: {status: delegable_conditional, delegated_by: [nurse], delegable_to: [carer],
                     conditions: [DC1]}
"""


def test_a_replacement_stands_alone_with_the_default_supervision() -> None:
    fw = framework_from_text(textwrap.dedent(MINIMAL))
    assert set(fw.roles) == {"nurse", "carer"}
    assert fw.version == "1"
    assert fw.who_may_do("INS").by_delegation == ("carer",)
    assert fw.supervision == default_framework().supervision
    assert fw.progression_routes == ()


def test_both_sides_of_a_holding_in_one_file_must_agree() -> None:
    text = MINIMAL.replace(
        "cf_level: 2, can_receive_delegation: true}",
        "cf_level: 2, can_receive_delegation: true, may_receive_by_delegation: []}",
    )
    found = problems_of(text)
    assert found == [
        (
            "tasks[0].delegation.delegable_to[0]",
            "task lists role 'carer' in delegable_to, but role 'carer' does not list it in "
            "may_receive_by_delegation: list it on both sides or neither",
        )
    ]


@pytest.mark.parametrize(
    ("text", "column", "reason"),
    [
        (
            "mode: extend\nversion: x\nroles: [{id: rn_adult, title: N, sector: nhs, cf_level: 5}]",
            "roles[0].id",
            "already in the default framework",
        ),
        (
            "mode: extend\nversion: x\ndomains: [{id: NEW, name: New, override: true}]",
            "domains[0].override",
            "the default has no such id",
        ),
        ("mode: extend\nversion: x\nrole: []", "role", "unknown section"),
        ("mode: extend\nversion: x\nversion: y", "version", "key given twice"),
        ("mode: patch\nversion: x", "mode", "input should be 'extend' or 'replace'"),
        ("mode: extend", "version", "required key is missing"),
        (
            "mode: extend\nversion: x\nroles: [{id: r1, title: R, sector: nhs, cf_level: 3}]",
            "roles[0]",
            "a new role needs a staff_group",
        ),
        (
            "mode: extend\nversion: x\ntasks: [{id: T9, name: T, domain: PC, min_cf_level: 2, "
            "delegation: {status: routine}, basis: sourced, source: [S999]}]",
            "tasks[0].source[0]",
            "unknown source id",
        ),
        (
            "mode: extend\nversion: x\ntasks: [{id: T9, name: T, domain: PC, min_cf_level: 2, "
            "delegation: {status: routine}, basis: sourced}]",
            "tasks[0]",
            "basis is sourced but no source is named",
        ),
        (
            "mode: extend\nversion: x\ndelegation_policies: [{task: MED03, allow: [nursing_associate]}]",
            "delegation_policies[0].allow[0]",
            "already holds",
        ),
    ],
)
def test_one_mistake_one_message(text: str, column: str | None, reason: str) -> None:
    found = problems_of(text)
    assert len(found) == 1, found
    assert found[0][0] == column
    assert reason in found[0][1]


def test_a_file_that_is_not_yaml_or_not_there_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="line 2: not valid YAML"):
        framework_from_text("mode: extend\n  version: [x\n")
    with pytest.raises(UserError, match="does not exist"):
        load_framework(tmp_path / "missing.yaml")
    with pytest.raises(ValidationFailed):
        framework_from_text("- just\n- a list\n")

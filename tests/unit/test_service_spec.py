"""The service specification: every problem at its place in the file, unknown keys refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from careforce.domain import UserError, ValidationFailed
from careforce.framework.loader import default_framework
from careforce.sampling import Uncertain
from careforce.specification.service_loader import load_service_spec, service_spec_from_text
from careforce.specification.service_spec import ServiceSpec, age_range

FILES = Path(__file__).parent / "service_files"
BELONGS_ELSEWHERE = "not a key of this entry: it belongs to another kind of entry or driver"
TASKS = {t.id: t.domain for t in default_framework().tasks.values()}

GOOD = """\
schema_version: 1
name: Gwennol services
base_year: 2026
years: 11
population: population.csv
services:
  - id: district_nursing
    name: District nursing
    setting: community
    driver:
      kind: population
      use_rate:
        - {ages: "65-74", rate: 0.03}
        - {ages: "75-84", rate: [0.07, 0.09]}
        - {ages: "85+", rate: {central: 0.2, low: 0.15, high: 0.3}}
      coverage: 0.9
    activities:
      - task: MED03
        contacts_per_user_per_year: 52
        minutes_per_contact: [15, 25]
        staff_per_contact: 2
        travel_minutes_per_contact: 15
    trends: {users_per_year: [0.005, 0.02]}
"""


def problems_of(text: str) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ValidationFailed) as failed:
        service_spec_from_text(text, "spec.yaml", TASKS)
    return [(p.row, p.column, p.reason) for p in failed.value.problems]


def test_a_good_specification_loads_with_its_uncertain_values() -> None:
    spec = service_spec_from_text(GOOD, "spec.yaml", TASKS)
    service = spec.services[0]
    assert spec.horizon() == list(range(2026, 2037))
    assert spec.horizon(3) == [2026, 2027, 2028]
    assert spec.hours_per_fte == 1650  # the stated default, an assumption
    rates = [entry.rate for entry in service.driver.use_rate]  # type: ignore[union-attr]
    assert rates == [
        Uncertain.point(0.03),
        Uncertain.interval(0.07, 0.09),
        Uncertain(0.2, 0.15, 0.3),
    ]
    assert service.activities[0].travel_minutes_per_contact == Uncertain.point(15)
    assert service.trends.minutes_per_year == Uncertain.point(0.0)
    assert spec.task_ids() == ["MED03"]


def test_every_planted_mistake_is_one_problem_at_its_place() -> None:
    path = FILES / "planted_mistakes.yaml"
    with pytest.raises(ValidationFailed) as failed:
        load_service_spec(path, TASKS)
    error = failed.value
    assert str(error) == f"11 problems in the service specification {path}"
    found = {p.column: (p.row, p.reason) for p in error.problems}
    assert len(found) == 11
    assert all(p.file == str(path) for p in error.problems)
    expected = {
        "services[0].driver.use_rate[1].rate": (14, "low 0.3 is above high 0.1"),
        "services[0].activities[0].minutes_per_contacts": (18, "unknown key"),
        "services[0].activities[0].minutes_per_contact": (16, "required key is missing"),
        "services[0].activities[1].task": (19, "unknown task 'MED99'"),
        "services[1].setting": (24, "input should be 'hospital'"),
        "services[1].ratio.levels": (27, "share_of_places sums to 0.9"),
        "services[2].driver.by_hour": (36, "by_hour needs 24 values, hour 0 first; it has 23"),
        "services[2].queue.tasks": (41, "the tasks' shares sum to 0.8"),
        "services[3].id": (42, "id used already by services[1]"),
        "services[3].ratio": (48, "a ratio staffs places"),
        "services[4].driver": (54, "unknown driver kind"),
    }
    for column, (row, reason) in expected.items():
        assert found[column][0] == row, column
        assert found[column][1].startswith(reason), (column, found[column][1])


def test_unknown_keys_are_refused_at_every_level_with_a_suggestion() -> None:
    text = GOOD.replace("years: 11", "years: 11\nhorizon: 20").replace(
        "coverage: 0.9", "coverage: 0.9\n      coverge: 1"
    )
    found = problems_of(text)
    assert [(column, reason.split(" (")[0]) for _, column, reason in found] == [
        ("horizon", "unknown key"),
        ("services[0].driver.coverge", "unknown key"),
    ]
    assert "did you mean 'coverage'?" in found[1][2]


def test_parts_that_do_not_fit_the_driver_are_named() -> None:
    no_activities = GOOD[: GOOD.index("    activities:")]
    assert problems_of(no_activities) == [
        (7, "services[0].activities", "a population driver needs activities: the work per user")
    ]
    places = GOOD.replace("kind: population", "kind: places\n      places: 10")
    assert problems_of(places) == [
        (13, "services[0].driver.use_rate", BELONGS_ELSEWHERE),
        (17, "services[0].driver.coverage", BELONGS_ELSEWHERE),
    ]
    driver = GOOD[GOOD.index("    driver:") : GOOD.index("    activities:")]
    both = GOOD.replace(driver, "    driver: {kind: caseload, users: 10, users_by_area: {A: 3}}\n")
    assert problems_of(both) == [
        (10, "services[0].driver.users_by_area", "give users or users_by_area, not both")
    ]


@pytest.mark.parametrize(
    ("old", "new", "column", "reason"),
    [
        ('rate: 0.03}', "rate: 1.5}", "services[0].driver.use_rate[0].rate", "a share or rate"),
        ("rate: [0.07, 0.09]", "rate: [0, 0.09]", "services[0].driver.use_rate[1].rate",
         "the 80% interval of a share or rate must lie strictly between 0 and 1"),
        ("minutes_per_contact: [15, 25]", "minutes_per_contact: [0, 25]",
         "services[0].activities[0].minutes_per_contact", "the 80% interval of a positive"),
        ("{central: 0.2, low: 0.15, high: 0.3}", "{central: 0.4, low: 0.15, high: 0.3}",
         "services[0].driver.use_rate[2].rate", "low <= central <= high"),
        ('"75-84"', '"84-75"', "services[0].driver.use_rate[1].ages", "age band '84-75'"),
        ('"65-74"', '"65-80"', "services[0].driver.use_rate", "age bands '65-80' and '75-84'"),
        ("staff_per_contact: 2", "staff_per_contact: 0", "services[0].activities[0].staff_per_contact",
         "input should be greater than or equal to 1"),
        ("id: district_nursing", "id: District Nursing", "services[0].id", "string should match"),
        ("schema_version: 1", "schema_version: 2", "schema_version", "this careforce reads"),
        ("coverage: 0.9", "coverage: yes", "services[0].driver.coverage", "give a number"),
    ],
)  # fmt: skip
def test_each_value_is_checked_for_what_it_means(
    old: str, new: str, column: str, reason: str
) -> None:
    assert old in GOOD
    found = problems_of(GOOD.replace(old, new, 1))
    assert len(found) == 1, found
    assert found[0][1] == column
    assert found[0][2].startswith(reason), found[0][2]


def test_yaml_syntax_errors_are_a_problem_with_the_line() -> None:
    found = problems_of(GOOD.replace("coverage: 0.9", "coverage: [0.9"))
    assert len(found) == 1
    row, column, reason = found[0]
    assert row is not None and row >= 16
    assert column is None and reason.startswith("not valid YAML")


def test_repeated_keys_are_reported() -> None:
    found = problems_of(GOOD.replace("years: 11", "years: 11\nyears: 12"))
    assert found == [
        (5, "years", "key given twice in the same mapping: the second would silently win")
    ]


def test_a_missing_or_unreadable_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        load_service_spec(tmp_path / "nope.yaml")
    with pytest.raises(UserError, match="is a folder"):
        load_service_spec(tmp_path)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(UserError, match="cannot read"):
        load_service_spec(binary)


def test_without_a_framework_any_task_id_is_accepted() -> None:
    spec = service_spec_from_text(GOOD.replace("MED03", "LOCAL01"), "spec.yaml")
    assert spec.task_ids() == ["LOCAL01"]


def test_age_bands() -> None:
    assert age_range("65-74") == (65, 74)
    assert age_range("85+") == (85, 100)
    assert age_range("0-17") == (0, 17)
    with pytest.raises(ValueError):
        age_range("old")


def test_the_specification_is_frozen() -> None:
    spec = ServiceSpec.model_validate(
        service_spec_from_text(GOOD, "spec.yaml").model_dump(mode="python")
    )
    with pytest.raises(ValueError):
        spec.name = "changed"  # type: ignore[misc]

"""Reading WISN files: both multi-category forms, every planted mistake at its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from careforce.demand.wisn import Period, wisn
from careforce.domain import UserError, ValidationFailed
from careforce.specification.wisn_file import load_wisn_file, wisn_inputs_from_text

FILES = Path(__file__).parent / "wisn_files"
ONE = FILES / "health_centre_nurse.yaml"
TWO = FILES / "two_categories.yaml"
MISTAKES = FILES / "planted_mistakes.yaml"


def problems_of(text: str) -> list[tuple[str | None, str]]:
    with pytest.raises(ValidationFailed) as caught:
        wisn_inputs_from_text(text, "w.yaml")
    assert all(p.file == "w.yaml" for p in caught.value.problems)
    return [(p.column, p.reason) for p in caught.value.problems]


def test_one_staff_category() -> None:
    [inputs] = load_wisn_file(ONE)
    assert inputs.staff_category == "Nurse" and inputs.facility == "Health centre"
    assert (inputs.available_working_time.days, inputs.available_working_time.hours) == (205, 1640)
    reports = inputs.category_allowances[1]
    assert (reports.hours, reports.per) == (2.0, Period.WEEK)
    assert wisn(inputs).required_staff == pytest.approx(19.7940, abs=5e-5)


def test_staff_categories_form() -> None:
    nurse, chw = load_wisn_file(TWO)
    assert nurse.available_working_time.days == pytest.approx(207)  # 260 - 10 - 30 - 13
    assert wisn(nurse).category_allowance_percent == pytest.approx(48 / 1656 * 100)
    assert wisn(nurse).required_staff == pytest.approx(60000 / 6624 / (1 - 48 / 1656))
    assert (chw.available_working_time.days, chw.available_working_time.hours) == (200, 1500)
    result = wisn(chw)
    assert result.standard_workloads == {"Home visit": 1200.0, "Health talk": 1500.0}
    assert result.individual_allowance_factor == pytest.approx(80 / 1500)  # 2 h x 40 weeks


def test_top_level_list_form_reads_the_same() -> None:
    text = TWO.read_text(encoding="utf-8")
    listed = "\n".join(line[2:] for line in text.splitlines() if line.startswith("  "))
    assert wisn_inputs_from_text(listed) == load_wisn_file(TWO)


def test_every_planted_mistake_is_reported_once_at_its_place() -> None:
    with pytest.raises(ValidationFailed) as caught:
        load_wisn_file(MISTAKES)
    found = [(p.column, p.reason) for p in caught.value.problems]
    assert all(p.file == str(MISTAKES) for p in caught.value.problems)
    assert found == [
        (
            "available_working_time.sick_leave_rate",
            "give sick leave in days or as a rate, not both",
        ),
        ("health_service_activities[0].rate", "give unit_time or rate, not both"),
        ("health_service_activities[1]", "give unit_time or rate"),
        ("health_service_activities[2].unit_time.minutes", "input should be greater than 0"),
        ("health_service_activities[3].annual_workload", "input should be a valid number"),
        ("category_allowances[0].time.per", "input should be 'day', 'week', 'month' or 'year'"),
        ("individual_allowances[0].staff", "input should be a valid integer"),
        ("existing_staff", "required key is missing"),
        ("colour", "unknown key: not part of the WISN file format"),
    ]
    rows = {p.column: p.row for p in caught.value.problems}
    assert rows["colour"] == 4
    assert rows["health_service_activities[0].rate"] == 14
    assert "9 problems" in str(caught.value)


def test_unknown_key_is_refused_anywhere() -> None:
    text = ONE.read_text(encoding="utf-8").replace(
        "    unit_time: {minutes: 15}", "    unit_time: {minutes: 15, seconds: 3}"
    )
    assert problems_of(text) == [
        (
            "health_service_activities[0].unit_time.seconds",
            "unknown key: not part of the WISN file format",
        )
    ]


def test_places_in_a_list_and_in_staff_categories() -> None:
    body = "staff_category: A\nexisting_staff: -1\n"
    listed = "- " + body.replace("\n", "\n  ", 1)
    assert ("[0].existing_staff", "input should be greater than or equal to 0") in problems_of(
        listed
    )
    nested = "staff_categories:\n  - " + body.replace("\n", "\n    ", 1)
    assert ("staff_categories[0].existing_staff", "input should be greater than or equal to 0") in (
        problems_of(nested)
    )


def test_rules_between_entries() -> None:
    text = ONE.read_text(encoding="utf-8")
    twice = text.replace("name: Home visit", "name: Outpatient consultation")
    assert problems_of(twice) == [
        ("health_service_activities[1].name", "activity name is used twice in this staff category")
    ]
    all_day = text.replace("percent_of_working_time: 5", "percent_of_working_time: 99")
    [(place, reason)] = problems_of(all_day)
    assert place == "category_allowances" and "104.0% of working time" in reason


def test_available_working_time_forms() -> None:
    text = ONE.read_text(encoding="utf-8")
    start, end = text.index("available_working_time:"), text.index("health_service_activities:")
    awt = text[start:end]
    direct = text.replace(awt, "available_working_time: {days: 205, hours: 1640}\n")
    assert load_wisn_file(ONE)[0].available_working_time == (
        wisn_inputs_from_text(direct)[0].available_working_time
    )
    mixed = text.replace(
        awt, "available_working_time: {days: 205, hours: 1640, annual_leave_days: 3}\n"
    )
    assert problems_of(mixed) == [
        (
            "available_working_time.annual_leave_days",
            "leave is already out of days or hours given directly",
        )
    ]
    one_only = text.replace(awt, "available_working_time: {days: 205}\n")
    assert problems_of(one_only) == [
        ("available_working_time", "give two of days, hours and hours_per_day")
    ]
    no_hours = text.replace("  hours_per_day: 8\n", "")
    assert problems_of(no_hours) == [
        (
            "available_working_time.hours_per_day",
            "required key is missing (or give days and hours directly)",
        )
    ]
    too_much_leave = text.replace("annual_leave_days: 30", "annual_leave_days: 300")
    [(place, reason)] = problems_of(too_much_leave)
    assert place == "available_working_time" and "no working days are left" in reason


def test_file_level_problems() -> None:
    assert problems_of("just text") == [
        (None, "a WISN file is a mapping (one staff category) or a list of them")
    ]
    text = ONE.read_text(encoding="utf-8") + "existing_staff: 3\n"
    assert (
        "existing_staff",
        "key given twice in the same mapping: the second would silently win",
    ) in (problems_of(text))


def test_missing_unreadable_or_broken_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        load_wisn_file(tmp_path / "nope.yaml")
    with pytest.raises(UserError, match="is a folder"):
        load_wisn_file(tmp_path)
    broken = tmp_path / "broken.yaml"
    broken.write_text("staff_category: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid YAML"):
        load_wisn_file(broken)

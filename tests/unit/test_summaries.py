"""Pure pieces of the summaries: years of history, the retirement hazard, provenance, formats."""

from __future__ import annotations

import datetime as dt

import pytest

from careforce.report.format import fmt_count, fmt_date, fmt_datetime, fmt_fte, fmt_percent
from careforce.report.labels import age_band_label, column_label, sector_label, staff_group_label
from careforce.results._common import years_before
from careforce.results.ages import DEFAULT_RETIREMENT_HAZARD, RetirementHazard
from careforce.results.flows import history_years
from careforce.results.provenance import Provenance, redact_database_url


def test_history_years_end_on_the_census_date_oldest_first() -> None:
    years = history_years(dt.date(2025, 3, 31), 3)
    assert [y.label for y in years] == ["2022-23", "2023-24", "2024-25"]
    assert years[0].first_day == dt.date(2022, 4, 1)
    assert years[-1].last_day == dt.date(2025, 3, 31)
    assert years[-1].previous_census == dt.date(2024, 3, 31)


def test_a_calendar_year_census_is_labelled_by_its_year() -> None:
    years = history_years(dt.date(2024, 12, 31), 2)
    assert [(y.label, y.first_day) for y in years] == [
        ("2023", dt.date(2023, 1, 1)),
        ("2024", dt.date(2024, 1, 1)),
    ]


def test_history_needs_at_least_one_year() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        history_years(dt.date(2025, 3, 31), 0)


def test_years_before_a_leap_day_falls_back_to_28_february() -> None:
    assert years_before(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)


@pytest.mark.parametrize(
    ("age", "probability"),
    [(30, 0.005), (54, 0.005), (55, 0.05), (62, 0.15), (66, 0.35), (70, 0.6)],
)
def test_default_retirement_hazard_follows_the_reference_table(
    age: int, probability: float
) -> None:
    assert DEFAULT_RETIREMENT_HAZARD.at(age) == probability


def test_retiring_within_ten_years_rises_with_age() -> None:
    chances = [DEFAULT_RETIREMENT_HAZARD.within(a) for a in range(20, 70)]
    assert chances == sorted(chances)
    assert DEFAULT_RETIREMENT_HAZARD.within(70) == pytest.approx(1 - 0.4**10)


def test_a_hazard_must_start_at_zero_and_hold_probabilities() -> None:
    with pytest.raises(ValueError, match="start at age 0"):
        RetirementHazard(steps=((16, 0.1),))
    with pytest.raises(ValueError, match="0-1"):
        RetirementHazard(steps=((0, 1.5),))


def test_database_passwords_are_redacted() -> None:
    url = "postgresql+psycopg://planner:s3cr%40t@db.example:5432/careforce"
    assert redact_database_url(url) == "postgresql+psycopg://planner:***@db.example:5432/careforce"
    assert redact_database_url("sqlite:///careforce.db") == "sqlite:///careforce.db"
    assert redact_database_url("postgresql://db/x?user=a&password=b") == (
        "postgresql://db/x?user=a&password=***"
    )


def test_provenance_redacts_its_database_and_checks_digests() -> None:
    p = Provenance(
        code_version="0.1.0",
        generated_at=dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC),
        seed=1,
        census_date=dt.date(2025, 3, 31),
        inputs=(("staff.csv", "0" * 64),),
        database="postgresql+psycopg://u:pw@h/db",
    )
    assert p.database == "postgresql+psycopg://u:***@h/db"
    assert p.as_dict()["inputs"] == [{"name": "staff.csv", "sha256": "0" * 64}]
    with pytest.raises(ValueError, match="not a SHA-256"):
        Provenance("0.1.0", p.generated_at, None, p.census_date, inputs=(("x.csv", "abc"),))


def test_numbers_are_formatted_for_planners() -> None:
    assert fmt_count(12345) == "12,345"
    assert fmt_fte(1234.56) == "1,234.6"
    assert fmt_percent(0.1234) == "12.3%"
    assert fmt_percent(None) == fmt_fte(None) == fmt_count(None) == "–"
    assert fmt_date(dt.date(2025, 3, 1)) == "1 March 2025"
    assert fmt_datetime(dt.datetime(2025, 3, 1, 14, 5, tzinfo=dt.UTC)) == "1 March 2025, 14:05 UTC"


def test_codes_read_as_words() -> None:
    assert staff_group_label("registered_nursing_midwifery") == "Registered nursing and midwifery"
    assert sector_label("nhs") == "NHS"
    assert sector_label("new_sector") == "New sector"
    assert age_band_label("55-64") == "55–64"
    assert age_band_label("unknown") == "Not known"
    assert column_label("rows_failed") == "Rows failed"

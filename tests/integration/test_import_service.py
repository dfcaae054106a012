"""The import use case on SQLite and PostgreSQL: linkage, merges, idempotence, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from careforce.domain import ValidationFailed
from careforce.services.importing import import_file, initialise
from careforce.store.database import make_engine
from support import esr_row, social_care_row, write_reference_files, write_source


@pytest.fixture
def database(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CAREFORCE_SECRET_FILE", str(tmp_path / "secret.key"))
    initialise(db_url)
    localities, organisations = write_reference_files(tmp_path)
    import_file("localities", localities, db_url)
    import_file("organisations", organisations, db_url)
    return db_url


def count(url: str, sql: str) -> object:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


def test_one_person_across_employers_headcount_once_fte_summed(
    database: str, tmp_path: Path
) -> None:
    esr = write_source(tmp_path / "esr.csv", "esr", [esr_row(fte="0.6")])
    care = write_source(tmp_path / "care.csv", "social_care", [social_care_row(fte="0.3")])
    import_file("esr", esr, database)
    import_file("social_care", care, database)
    assert count(database, "SELECT COUNT(*) FROM persons") == 1
    assert count(database, "SELECT SUM(fte) FROM posts") == pytest.approx(0.9)


def test_a_staff_number_later_linked_to_an_ni_number_merges_two_people(
    database: str, tmp_path: Path
) -> None:
    first = write_source(tmp_path / "care1.csv", "social_care", [social_care_row(ni_number="")])
    import_file("social_care", first, database)
    esr = write_source(tmp_path / "esr.csv", "esr", [esr_row()])
    import_file("esr", esr, database)
    assert count(database, "SELECT COUNT(*) FROM persons") == 2  # nothing links them yet
    linked = write_source(tmp_path / "care2.csv", "social_care", [social_care_row()])
    import_file("social_care", linked, database)
    assert count(database, "SELECT COUNT(*) FROM persons") == 1
    assert count(database, "SELECT COUNT(DISTINCT person_key) FROM posts") == 1
    assert count(database, "SELECT COUNT(*) FROM posts") == 2


def test_importing_twice_adds_and_changes_nothing(database: str, tmp_path: Path) -> None:
    esr = write_source(tmp_path / "esr.csv", "esr", [esr_row(), esr_row(post_ref="A2")])
    first = import_file("esr", esr, database)
    again = import_file("esr", esr, database)
    assert first.added > 0
    assert (again.added, again.changed) == (0, 0)


def test_an_invalid_file_writes_nothing(database: str, tmp_path: Path) -> None:
    bad = write_source(tmp_path / "esr.csv", "esr", [esr_row(), esr_row(post_ref="A2", fte="9")])
    with pytest.raises(ValidationFailed):
        import_file("esr", bad, database)
    assert count(database, "SELECT COUNT(*) FROM posts") == 0
    assert count(database, "SELECT COUNT(*) FROM persons") == 0

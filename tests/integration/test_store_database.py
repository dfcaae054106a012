"""Choosing the database and opening it: URLs, SQLite settings, failures a user can act on."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import sqlalchemy as sa

from careforce.domain import UserError
from careforce.store.database import display_url, make_engine, resolve_database_url


@pytest.fixture
def no_url_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREFORCE_DATABASE_URL", raising=False)


@pytest.mark.usefixtures("no_url_variable")
def test_default_is_an_sqlite_file_in_the_working_directory() -> None:
    assert resolve_database_url(None) == "sqlite:///careforce.sqlite"


def test_option_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREFORCE_DATABASE_URL", "sqlite:///from-env.sqlite")
    assert resolve_database_url("sqlite:///from-option.sqlite") == "sqlite:///from-option.sqlite"
    assert resolve_database_url(None) == "sqlite:///from-env.sqlite"


@pytest.mark.usefixtures("no_url_variable")
@pytest.mark.parametrize(
    ("given", "resolved"),
    [
        ("foo.sqlite", "sqlite:///foo.sqlite"),
        ("/data/plan.db", "sqlite:////data/plan.db"),
        ("postgresql://u:p@db:5432/cf", "postgresql+psycopg://u:p@db:5432/cf"),
        ("postgres://u@db/cf", "postgresql+psycopg://u@db/cf"),
        ("postgresql+psycopg://u:p@db/cf", "postgresql+psycopg://u:p@db/cf"),
    ],
)
def test_paths_and_postgresql_spellings(given: str, resolved: str) -> None:
    assert resolve_database_url(given) == resolved


@pytest.mark.usefixtures("no_url_variable")
@pytest.mark.parametrize("given", ["mysql://u:secret@h/db", "postgresql+psycopg2://u@h/db"])
def test_unknown_schemes_are_refused_with_the_urls_that_work(given: str) -> None:
    with pytest.raises(UserError) as refused:
        resolve_database_url(given)
    message = str(refused.value)
    assert "sqlite:///PATH" in message
    assert "postgresql+psycopg://user:pass@host:port/db" in message
    assert "secret" not in message


def test_display_url_hides_the_password() -> None:
    assert display_url("postgresql+psycopg://u:s3cret@h/db") == "postgresql+psycopg://u:***@h/db"


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        engine.dispose()


def test_sqlite_rolls_back_schema_changes_too(sqlite_url: str) -> None:
    """The engine opens real transactions, so DDL is undone with the rest."""
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
            connection.rollback()
        assert "scratch" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_an_unopenable_sqlite_file_is_a_user_error(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "x.sqlite"
    with pytest.raises(UserError, match="cannot open the database at sqlite:///"):
        make_engine(f"sqlite:///{missing}")


def test_a_file_that_is_not_a_database_is_a_user_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("these are not the pages of a database\n" * 200)
    with pytest.raises(UserError, match="cannot open the database"):
        make_engine(f"sqlite:///{bogus}")


def test_an_unreachable_server_is_a_user_error_without_the_password() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://planner:s3cret-pw@127.0.0.1:{port}/careforce"
    with pytest.raises(UserError) as refused:
        make_engine(url)
    message = str(refused.value)
    assert (
        f"cannot open the database at postgresql+psycopg://planner:***@127.0.0.1:{port}" in message
    )
    assert "s3cret-pw" not in message

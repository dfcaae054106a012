"""Which database, and a configured engine for it: embedded SQLite or a PostgreSQL server.

SQLite gets foreign keys switched on (it ignores them otherwise), and write-ahead logging with
NORMAL synchronisation: bulk loads are fast and readers (the web application) are not blocked by a
running import. Its Python driver opens transactions only before data changes, so the engine emits
BEGIN itself: schema changes and reads then sit in the same transaction as writes and roll back
with them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from careforce.domain import UserError

DATABASE_URL_VARIABLE = "CAREFORCE_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///careforce.sqlite"
SUPPORTED_URLS = "sqlite:///PATH or postgresql+psycopg://user:pass@host:port/db"

SQLITE_BUSY_SECONDS = 60.0

_POSTGRES_ALIASES = ("postgres", "postgresql", "postgresql+psycopg")
_SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-65536",  # 64 MiB of pages: a large import touches much of each index
    "PRAGMA temp_store=MEMORY",
)


def resolve_database_url(option: str | None) -> str:
    """The URL from `--db`, else CAREFORCE_DATABASE_URL, else an SQLite file in the working
    directory. A bare file path becomes an SQLite URL; `postgresql://` means psycopg 3."""
    chosen = option or os.environ.get(DATABASE_URL_VARIABLE) or DEFAULT_DATABASE_URL
    chosen = chosen.strip()
    if "://" not in chosen:
        return f"sqlite:///{chosen}"
    url = _parse(chosen)
    if url.drivername in ("sqlite", "sqlite+pysqlite"):
        return chosen
    if url.drivername in _POSTGRES_ALIASES:
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise UserError(
        f"unsupported database URL {display_url(chosen)!r}: use {SUPPORTED_URLS} "
        f"(--db or {DATABASE_URL_VARIABLE})"
    )


def display_url(url: str | sa.URL) -> str:
    """The URL with its password hidden: safe for messages, logs and reports."""
    try:
        parsed = url if isinstance(url, sa.URL) else sa.make_url(url)
    except sa.exc.ArgumentError:
        return "<unreadable database URL>"
    return parsed.render_as_string(hide_password=True)


def make_engine(url: str | sa.URL) -> sa.Engine:
    """An engine for the URL, connected once so that a bad URL fails here with a UserError."""
    parsed = _parse(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        # Pooled connections move between threads (web workers) but are used by one at a time;
        # a writer waits up to SQLITE_BUSY_SECONDS for another's import to finish.
        engine = sa.create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
        )
        _configure_sqlite(engine)
    elif parsed.get_backend_name() == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    else:
        raise UserError(f"unsupported database URL {display_url(parsed)!r}: use {SUPPORTED_URLS}")
    with connection_errors(engine), engine.connect():
        pass
    return engine


@contextmanager
def connection_errors(engine: sa.Engine) -> Iterator[None]:
    """Turn a failure to open a connection into a UserError naming the database (password
    hidden). Wrap only the connecting: errors of statements are not the user's to fix."""
    try:
        yield
    except sa.exc.DBAPIError as error:
        reason = _first_line(error.orig, engine.url.password)
        raise UserError(
            f"cannot open the database at {display_url(engine.url)}: {reason}"
        ) from error


def _first_line(error: BaseException | None, password: str | None) -> str:
    text = str(error).strip().splitlines()[0] if error is not None and str(error).strip() else ""
    if password:
        text = text.replace(str(password), "***")
    return text or "connection failed"


def _parse(url: str) -> sa.URL:
    try:
        return sa.make_url(url)
    except sa.exc.ArgumentError as error:
        raise UserError(
            f"cannot read the database URL {display_url(url)!r}: use {SUPPORTED_URLS}"
        ) from error


def _configure_sqlite(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver no longer opens transactions itself
        cursor = dbapi_connection.cursor()
        try:
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def driver_connection(connection: sa.Connection) -> Any:
    """The driver's own connection, inside the SQLAlchemy transaction, for bulk paths that
    SQLAlchemy does not offer (executemany of plain tuples, COPY, cursors that yield tuples)."""
    if not connection.in_transaction():
        connection.begin()
    driver = connection.connection.driver_connection
    if driver is None:  # pragma: no cover - a live connection always has its driver connection
        raise RuntimeError("the connection has no driver connection")
    return driver

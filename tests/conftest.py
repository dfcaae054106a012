"""Database fixtures shared by the test suite: SQLite files and PostgreSQL databases.

`db_url` runs a test once on each database. PostgreSQL comes from CAREFORCE_TEST_POSTGRES_URL
when set (a server where that role may CREATE DATABASE; CI sets it), otherwise from a throwaway
cluster that each pytest process (each xdist worker) starts once on a free port and stops at the
end. A fresh database is created for every test and dropped after it. Without PostgreSQL the
tests skip with the reason, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import polars as pl
import pytest
import sqlalchemy as sa

from careforce.store.database import make_engine
from careforce.store.migrate import upgrade

POSTGRES_URL_VARIABLE = "CAREFORCE_TEST_POSTGRES_URL"


@dataclass(frozen=True)
class _PostgresServer:
    """A server URL whose role can create databases, or why there is none."""

    url: sa.URL | None
    reason: str = ""


def _unavailable(reason: str) -> NoReturn:
    message = f"PostgreSQL is not available: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: the integration tests need PostgreSQL)", pytrace=False)
    pytest.skip(message)


def _postgres_bindir() -> Path | None:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder, run as the `postgres` user when
    we are root (the server refuses to run as root)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="careforce-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise RuntimeError("running as root and `runuser` is missing")
            shutil.chown(self.root, user="postgres", group="postgres")
            self._as_user = [runuser, "-u", "postgres", "--"]

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self._as_user, *command], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-800:]}")

    def start(self) -> sa.URL:
        initdb = str(self.bindir / "initdb")
        self._run(initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-locale", "--no-sync")  # fmt: skip
        last_error: Exception | None = None
        for _ in range(5):  # another process may take the free port before the server does
            self.port = _free_port()
            options = (
                f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                          "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")  # fmt: skip
            except RuntimeError as error:
                last_error = error
                continue
            return sa.URL.create(
                "postgresql+psycopg",
                username="postgres",
                host="127.0.0.1",
                port=self.port,
                database="postgres",
            )
        raise RuntimeError(f"the server did not start: {last_error}")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def _postgres_server() -> Iterator[_PostgresServer]:
    configured = os.environ.get(POSTGRES_URL_VARIABLE)
    if configured:
        url = sa.make_url(configured)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        yield _PostgresServer(url)
        return
    bindir = _postgres_bindir()
    if bindir is None:
        yield _PostgresServer(None, f"set {POSTGRES_URL_VARIABLE} or install PostgreSQL (initdb)")
        return
    try:
        cluster = _Cluster(bindir)
    except (RuntimeError, LookupError, OSError) as error:
        yield _PostgresServer(None, f"cannot prepare a throwaway cluster: {error}")
        return
    try:
        url = cluster.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        cluster.stop()
        yield _PostgresServer(None, f"cannot start a throwaway cluster: {error}")
        return
    try:
        yield _PostgresServer(url)
    finally:
        cluster.stop()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@pytest.fixture
def postgres_url(_postgres_server: _PostgresServer) -> Iterator[str]:
    """A URL to a new, empty PostgreSQL database, dropped after the test."""
    server = _postgres_server.url
    if server is None:
        _unavailable(_postgres_server.reason)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"careforce_test_{worker}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {_quote(name)}")
    except sa.exc.DBAPIError as error:
        admin.dispose()
        _unavailable(f"cannot create a database on {server.render_as_string()}: {error.orig}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(admin, name)
        admin.dispose()


def _drop_database(admin: sa.Engine, name: str) -> None:
    """Drop even if a test left connections open (FORCE needs PostgreSQL 13 or later)."""
    with admin.connect() as connection:
        if (connection.dialect.server_version_info or (0,)) >= (13,):
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
            return
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quote(name)}")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL to a new SQLite file in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'careforce.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The test runs once on SQLite and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def db_engine(db_url: str) -> Iterator[sa.Engine]:
    """An engine on a database upgraded to the newest schema revision."""
    engine = make_engine(db_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def person_key(name: str) -> str:
    """A stand-in for the keyed hash of a staff identifier: 64 hex characters."""
    return hashlib.sha256(name.encode()).hexdigest()


@pytest.fixture
def staff_frames() -> dict[str, pl.DataFrame]:
    """A small, complete set of store frames (every table but imports), as ingest hands them over:
    two organisations in a region, three people, their identifiers, posts and records."""
    d = dt.date
    p1, p2, p3 = person_key("p1"), person_key("p2"), person_key("p3")
    return {
        "localities": pl.DataFrame(
            {
                "code": ["W", "R1", "A1", "A2"],
                "name": ["Nation", "Region", "Area one", "Area two"],
                "level": ["nation", "region", "local_authority_area", "local_authority_area"],
                "parent_code": [None, "W", "R1", "R1"],
            }
        ),
        "organisations": pl.DataFrame(
            {
                "code": ["NHS1", "CARE1"],
                "name": ["Health board", 'Care homes, "Ltd"'],
                "sector": ["nhs", "independent"],
                "locality_code": ["A1", "A2"],
            }
        ),
        "role_mappings": pl.DataFrame(
            {
                "scheme": ["esr", "social_care"],
                "source_code": ["oc900", "SC1"],
                "role_id": ["registered_nurse", "care_worker"],
                "note": ["", None],
            }
        ),
        "persons": pl.DataFrame(
            {
                "person_key": [p1, p2, p3],
                "year_of_birth": [1980, None, 1999],
                "age_band": [None, "45-54", None],
                "sex": ["female", "male", None],
                "ethnicity": ["White British", None, "Asian"],
                "disability": ["no", None, "yes"],
                "welsh_language_level": [3, None, 0],
                "nationality": ["British", "Irish", None],
                "international_recruit": [False, None, True],
            },
            schema_overrides={"welsh_language_level": pl.Int64, "year_of_birth": pl.Int64},
        ),
        "person_identifiers": pl.DataFrame(
            {
                "identifier_key": [person_key(f"id{i}") for i in range(4)],
                "person_key": [p1, p1, p2, p3],
            }
        ),
        "posts": pl.DataFrame(
            {
                "organisation_code": ["NHS1", "NHS1", "CARE1"],
                "post_ref": ["A001", "A002", "P-7"],
                "person_key": [p1, p2, p3],
                "locality_code": ["A1", "A1", "A2"],
                "role_id": ["registered_nurse", "hcsw", "care_worker"],
                "source_role_code": ["OC900", "OC001", None],
                "setting": ["hospital", "community", "residential"],
                "contract_type": ["permanent", "fixed_term", "zero_hours"],
                "pay_band": ["5", "3", None],
                "hourly_rate_gbp": [None, None, 11.9],
                "contracted_hours_per_week": [37.5, 22.5, 0.0],
                "fte": [1.0, 0.1 + 0.2, 0.0],
                "start_date": [d(2015, 4, 1), d(2020, 1, 31), d(2023, 9, 4)],
                "end_date": [None, d(2024, 3, 31), None],
                "leaving_reason": [None, "end_of_fixed_term", None],
                "source_kind": ["esr", "esr", "social_care"],
            }
        ),
        "vacancies": pl.DataFrame(
            {
                "organisation_code": ["NHS1"],
                "vacancy_ref": ["V1"],
                "role_id": ["registered_nurse"],
                "locality_code": ["A1"],
                "fte": [0.6],
                "since": [d(2024, 1, 15)],
            }
        ),
        "training_records": pl.DataFrame(
            {
                "person_key": [p1, p3],
                "competency": ["venepuncture", "medication_administration"],
                "achieved_on": [d(2022, 5, 1), d(2023, 10, 1)],
                "expires_on": [d(2025, 5, 1), None],
                "signed_off_by_role": ["registered_nurse", None],
            }
        ),
        "statutory_approvals": pl.DataFrame(
            {
                "person_key": [p2],
                "kind": ["amhp"],
                "approved_on": [d(2021, 6, 1)],
                "expires_on": [d(2026, 6, 1)],
                "approving_body": [None],
            },
            schema_overrides={"approving_body": pl.String},
        ),
        "volunteers": pl.DataFrame(
            {
                "organisation_code": ["CARE1"],
                "volunteer_ref": ["VOL-1"],
                "person_key": [p2],
                "locality_code": ["A2"],
                "role_id": ["befriender"],
                "hours_per_week": [4.5],
                "start_date": [d(2022, 2, 2)],
                "end_date": [None],
            },
            schema_overrides={"end_date": pl.Date},
        ),
    }

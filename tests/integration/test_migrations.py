"""The packaged Alembic revisions build exactly the schema written in tables.py."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from careforce.domain import UserError
from careforce.store import migrate, tables
from careforce.store.database import make_engine
from careforce.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    require_current,
    upgrade,
)


def _schema_differences(engine: sa.Engine, metadata: sa.MetaData) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_upgrade_from_empty_reaches_head(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        assert upgrade(engine) == head_revision()
        assert current_revision(engine) == head_revision()
        table_names = set(sa.inspect(engine).get_table_names())
        assert table_names == set(tables.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_migrated_schema_matches_tables_py(db_engine: sa.Engine) -> None:
    assert _schema_differences(db_engine, tables.metadata) == []


def test_schema_comparison_detects_a_drift(db_engine: sa.Engine) -> None:
    """The comparison above can fail: a column missing from the revisions is reported."""
    drifted = sa.MetaData()
    for table in tables.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["posts"].append_column(sa.Column("grade_note", sa.String(20), nullable=True))
    differences = _schema_differences(db_engine, drifted)
    assert [d[0] for d in differences if isinstance(d, tuple)] == ["add_column"]


def test_upgrade_twice_changes_nothing(db_engine: sa.Engine) -> None:
    organisation = {"code": "W", "name": "Nation", "level": "nation", "parent_code": None}
    with db_engine.begin() as connection:
        connection.execute(sa.insert(tables.localities), [organisation])
    assert upgrade(db_engine) == head_revision()
    with db_engine.connect() as connection:
        kept = connection.execute(sa.select(tables.localities)).mappings().all()
        versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    assert [dict(row) for row in kept] == [organisation]
    assert versions == [(head_revision(),)]


def test_upgrade_accepts_a_url(db_url: str) -> None:
    assert upgrade(db_url) == head_revision()
    engine = make_engine(db_url)
    try:
        require_current(engine)
    finally:
        engine.dispose()


def test_require_current_refuses_an_empty_database(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with pytest.raises(UserError, match=r"not initialised; run `careforce init`"):
            require_current(engine)
    finally:
        engine.dispose()


def test_require_current_refuses_an_unknown_revision(db_engine: sa.Engine) -> None:
    with db_engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(UserError, match="newer than this careforce"):
        require_current(db_engine)
    with pytest.raises(UserError, match="made by a newer careforce"):
        upgrade(db_engine)


def test_require_current_accepts_a_migrated_database(db_engine: sa.Engine) -> None:
    require_current(db_engine)  # raises if not current
    assert current_revision(db_engine) == head_revision()


def test_foreign_keys_are_enforced(db_engine: sa.Engine) -> None:
    """SQLite ignores foreign keys unless told otherwise; the engine tells it."""
    orphan = {"code": "A1", "name": "Area", "level": "local_authority_area", "parent_code": "NOPE"}
    with pytest.raises(sa.exc.IntegrityError), db_engine.begin() as connection:
        connection.execute(sa.insert(tables.localities), [orphan])


BATCH_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("localities", recreate="always") as batch:
        batch.add_column(sa.Column("welsh_name", sa.String(200), nullable=True))


def downgrade() -> None:
    pass
"""


def test_a_batch_migration_of_a_referenced_table_keeps_the_rows(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite rebuilds a table to alter it; the rows that refer to it must survive that."""
    scripts = tmp_path / "migrations"
    shutil.copytree(str(resources.files("careforce.store").joinpath("migrations")), scripts)
    (scripts / "versions" / "r9001_batch.py").write_text(
        BATCH_REVISION.replace("{head}", head_revision())
    )
    engine = make_engine(sqlite_url)
    try:
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(
                sa.insert(tables.localities),
                [{"code": "W", "name": "Nation", "level": "nation", "parent_code": None}],
            )
            connection.execute(
                sa.insert(tables.organisations),
                [{"code": "O1", "name": "Org", "sector": "nhs", "locality_code": "W"}],
            )

        def rehearsal_config(connection: sa.Connection | None = None) -> Config:
            config = alembic_config(connection)
            config.set_main_option("script_location", str(scripts))
            return config

        monkeypatch.setattr(migrate, "alembic_config", rehearsal_config)
        assert migrate.upgrade(engine) == "9001"
        with engine.connect() as connection:
            assert connection.execute(sa.select(tables.organisations.c.code)).all() == [("O1",)]
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            names = [c["name"] for c in sa.inspect(connection).get_columns("localities")]
        assert "welsh_name" in names
    finally:
        engine.dispose()

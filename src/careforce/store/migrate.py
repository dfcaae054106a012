"""Create or upgrade the schema with the Alembic revisions shipped in the package.

The Alembic configuration is built in code (script location found through importlib.resources),
so an installed careforce needs no alembic.ini and no working-directory conventions.

To draft a new revision after changing tables.py (then edit it by hand and review it):

    .venv/bin/python -m careforce.store.migrate revision "add the shifts table"
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError

from careforce.domain import UserError
from careforce.store.database import display_url, make_engine


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (and a connection to use)."""
    config = Config()
    location = resources.files("careforce.store").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    config.set_main_option("file_template", "r%%(rev)s_%%(slug)s")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this version of careforce knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revision 0001
        raise RuntimeError("no migrations are packaged")
    return head


def upgrade(engine_or_url: sa.Engine | str) -> str:
    """Bring the database to the newest revision, in one transaction; return that revision."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        with engine.connect() as connection, _foreign_keys_checked_at_end(connection):
            command.upgrade(alembic_config(connection), "head")
        revision = current_revision(engine)
    except CommandError as error:  # a revision this careforce does not know: a newer careforce
        raise UserError(
            f"cannot upgrade the database at {display_url(engine.url)}: {error}; "
            "it was made by a newer careforce"
        ) from error
    finally:
        if engine is not engine_or_url:
            engine.dispose()
    if revision is None:  # pragma: no cover - an upgrade always stamps the version table
        raise RuntimeError("the upgrade left no revision stamp")
    return revision


@contextmanager
def _foreign_keys_checked_at_end(connection: sa.Connection) -> Iterator[None]:
    """One transaction for the whole upgrade. On SQLite, foreign key checks are off during it
    (its batch mode drops and renames tables that other rows refer to, and the switch only
    works outside a transaction), and every key is checked before the commit instead."""
    if connection.dialect.name != "sqlite":
        with connection.begin():
            yield
        return
    driver = connection.connection.driver_connection
    if driver is None:  # pragma: no cover - a live connection always has its driver connection
        raise RuntimeError("the connection has no driver connection")
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            yield
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


def current_revision(bind: sa.Engine | sa.Connection) -> str | None:
    """The revision the database is at, or None when it was never initialised."""
    if isinstance(bind, sa.Engine):
        with bind.connect() as connection:
            return current_revision(connection)
    return MigrationContext.configure(bind).get_current_revision()


def require_current(engine: sa.Engine) -> None:
    """Refuse to work on a database whose schema is not the one this code was written for."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    where = display_url(engine.url)
    if current is None:
        raise UserError(f"the database at {where} is not initialised; run `careforce init`")
    known = {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    if current not in known:
        raise UserError(
            f"the database at {where} is at revision {current}, newer than this careforce "
            f"(which knows up to {head}); upgrade careforce"
        )
    raise UserError(
        f"the database at {where} is not upgraded (revision {current}, this careforce needs "
        f"{head}); run `careforce init`"
    )


def draft_revision(message: str) -> Path:
    """Write a draft revision holding the difference between the migrated schema and tables.py."""
    number = f"{int(head_revision()) + 1:04d}"
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'draft.sqlite'}")
        try:
            upgrade(engine)
            with engine.begin() as connection:
                script = command.revision(
                    alembic_config(connection), message=message, autogenerate=True, rev_id=number
                )
        finally:
            engine.dispose()
    if not isinstance(script, Script):  # pragma: no cover - one head, so one script
        raise RuntimeError("alembic wrote no single revision")
    return Path(script.path)


def _main() -> None:
    parser = argparse.ArgumentParser(description="Maintain careforce's schema revisions.")
    actions = parser.add_subparsers(dest="action", required=True)
    draft = actions.add_parser("revision", help="draft a revision from the changes to tables.py")
    draft.add_argument("message")
    arguments = parser.parse_args()
    print(draft_revision(arguments.message))


if __name__ == "__main__":
    _main()

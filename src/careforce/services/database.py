"""Opening the store for a use case: resolve the URL, check the schema is current."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine

from careforce.domain import UserError
from careforce.store.database import make_engine, resolve_database_url
from careforce.store.migrate import require_current, upgrade


def open_database(db_option: str | None, *, migrate: bool = False) -> tuple[str, Engine]:
    """The engine for the URL; without `migrate`, a missing or old database is a user error.

    A missing SQLite file is reported before connecting, because connecting would create an
    empty file where the user ran the command.
    """
    url = resolve_database_url(db_option)
    parsed = sa.engine.make_url(url)
    missing_file = (
        parsed.get_backend_name() == "sqlite"
        and parsed.database not in (None, "", ":memory:")
        and not Path(str(parsed.database)).exists()
    )
    if missing_file and not migrate:
        raise UserError(f"no database at {parsed.database}; run `careforce init` first")
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    else:
        require_current(engine)
    return url, engine

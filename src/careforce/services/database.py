"""Opening the store for a use case: resolve the URL, check the schema is current."""

from __future__ import annotations

from sqlalchemy import Engine

from careforce.store.database import make_engine, resolve_database_url
from careforce.store.migrate import require_current, upgrade


def open_database(db_option: str | None, *, migrate: bool = False) -> tuple[str, Engine]:
    url = resolve_database_url(db_option)
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    else:
        require_current(engine)
    return url, engine

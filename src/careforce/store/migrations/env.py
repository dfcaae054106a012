"""Alembic environment: runs on the connection that `careforce.store.migrate` hands over.

SQLite cannot ALTER most things, so migrations run in batch mode there: copy the table, drop the
old one, rename the copy (`careforce.store.migrate.upgrade` switches SQLite's foreign key checks
off around that and checks every key before it commits).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from careforce.store.tables import metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise RuntimeError("careforce migrations run against a live connection, not as SQL text")
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("use careforce.store.migrate, which passes the connection in")
    _run(connection)


_main()

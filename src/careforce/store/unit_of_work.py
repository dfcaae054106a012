"""The unit of work: one connection, one transaction, rolled back unless committed.

Use cases open one around everything that must happen together (an import writes its rows and
its log entry, or nothing), and reach the tables only through its repositories:

    with UnitOfWork(engine) as uow:
        result = uow.staff.apply(frames)
        uow.imports.record(...)
        uow.commit()
"""

from __future__ import annotations

from types import TracebackType

import sqlalchemy as sa

from careforce.store.database import connection_errors
from careforce.store.read import ReadRepository
from careforce.store.repositories import (
    ImportRepository,
    ReferenceRepository,
    ScenarioRunRepository,
    StaffRepository,
)
from careforce.store.upsert import ApplyResult

__all__ = ["ApplyResult", "UnitOfWork"]


class UnitOfWork:
    reference: ReferenceRepository
    staff: StaffRepository
    imports: ImportRepository
    scenarios: ScenarioRunRepository
    read: ReadRepository

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._connection: sa.Connection | None = None

    def __enter__(self) -> UnitOfWork:
        if self._connection is not None:
            raise RuntimeError("a unit of work cannot be entered twice")
        with connection_errors(self._engine):
            connection = self._engine.connect()
        self._connection = connection
        self.reference = ReferenceRepository(connection)
        self.staff = StaffRepository(connection)
        self.imports = ImportRepository(connection)
        self.scenarios = ScenarioRunRepository(connection)
        self.read = ReadRepository(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.rollback()  # discards whatever was not committed; a no-op otherwise
        finally:
            connection.close()

    def commit(self) -> None:
        """Make everything done so far permanent. Work after this starts a new transaction,
        which is again rolled back on exit unless committed."""
        self._live().commit()

    def rollback(self) -> None:
        self._live().rollback()

    def _live(self) -> sa.Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._connection

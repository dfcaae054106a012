"""The database: tables, packaged migrations, the unit of work and its repositories.

Use cases open a `careforce.store.unit_of_work.UnitOfWork` on an engine from
`careforce.store.database.make_engine`; nothing else in the package talks SQL.
"""

"""Alembic migrations, shipped inside the package so that `careforce init` needs no alembic.ini."""

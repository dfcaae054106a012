"""Add the tables of scenario runs and their results.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

QUANTILE_COLUMNS = ("q5", "q25", "q50", "q75", "q95")


def upgrade() -> None:
    op.create_table(
        "scenario_run",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scenario_file", sa.String(255), nullable=False),
        sa.Column("scenario_json", sa.Text, nullable=False),
        sa.Column("scenario_sha256", sa.String(64), nullable=False),
        sa.Column("code_version", sa.String(64), nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("runs", sa.Integer, nullable=False),
        sa.Column("census_date", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("provenance_json", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scenario_run"),
    )
    op.create_table(
        "scenario_result",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("measure", sa.String(64), nullable=False),
        sa.Column("central", sa.Float, nullable=True),
        *(sa.Column(name, sa.Float, nullable=True) for name in QUANTILE_COLUMNS),
        sa.PrimaryKeyConstraint("id", name="pk_scenario_result"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scenario_run.id"],
            name="fk_scenario_result_run_id_scenario_run",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_scenario_result_run_id", "scenario_result", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_scenario_result_run_id", table_name="scenario_result")
    op.drop_table("scenario_result")
    op.drop_table("scenario_run")

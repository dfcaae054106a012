"""Create every table of the first schema.

Written out rather than generated at run time, so that a later change to tables.py arrives only
through a new revision; a test checks that the revisions produce exactly tables.py.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _organisation_code() -> sa.Column[str]:
    return sa.Column("organisation_code", sa.String(64), nullable=False)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "localities",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("parent_code", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("code", name="pk_localities"),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["localities.code"], name="fk_localities_parent_code_localities"
        ),
    )
    op.create_table(
        "organisations",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sector", sa.String(32), nullable=False),
        sa.Column("locality_code", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_organisations"),
        sa.ForeignKeyConstraint(
            ["locality_code"],
            ["localities.code"],
            name="fk_organisations_locality_code_localities",
        ),
    )
    op.create_table(
        "role_mappings",
        sa.Column("scheme", sa.String(32), nullable=False),
        sa.Column("source_code", sa.String(64), nullable=False),
        sa.Column("role_id", sa.String(64), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("scheme", "source_code", name="pk_role_mappings"),
    )
    op.create_table(
        "persons",
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("year_of_birth", sa.Integer, nullable=True),
        sa.Column("age_band", sa.String(16), nullable=True),
        sa.Column("sex", sa.String(32), nullable=True),
        sa.Column("ethnicity", sa.String(64), nullable=True),
        sa.Column("disability", sa.String(32), nullable=True),
        sa.Column("welsh_language_level", sa.Integer, nullable=True),
        sa.Column("nationality", sa.String(64), nullable=True),
        sa.Column("international_recruit", sa.Boolean, nullable=True),
        sa.PrimaryKeyConstraint("person_key", name="pk_persons"),
    )
    op.create_table(
        "person_identifiers",
        sa.Column("identifier_key", sa.String(64), nullable=False),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("identifier_key", name="pk_person_identifiers"),
        sa.ForeignKeyConstraint(
            ["person_key"],
            ["persons.person_key"],
            name="fk_person_identifiers_person_key_persons",
        ),
    )
    op.create_table(
        "posts",
        _id(),
        _organisation_code(),
        sa.Column("post_ref", sa.String(64), nullable=False),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("locality_code", sa.String(64), nullable=False),
        sa.Column("role_id", sa.String(64), nullable=False),
        sa.Column("source_role_code", sa.String(64), nullable=True),
        sa.Column("setting", sa.String(32), nullable=False),
        sa.Column("contract_type", sa.String(32), nullable=False),
        sa.Column("pay_band", sa.String(16), nullable=True),
        sa.Column("hourly_rate_gbp", sa.Float, nullable=True),
        sa.Column("contracted_hours_per_week", sa.Float, nullable=False),
        sa.Column("fte", sa.Float, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("leaving_reason", sa.String(64), nullable=True),
        sa.Column("source_kind", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_posts"),
        sa.ForeignKeyConstraint(
            ["organisation_code"],
            ["organisations.code"],
            name="fk_posts_organisation_code_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["person_key"], ["persons.person_key"], name="fk_posts_person_key_persons"
        ),
        sa.ForeignKeyConstraint(
            ["locality_code"], ["localities.code"], name="fk_posts_locality_code_localities"
        ),
        sa.UniqueConstraint("organisation_code", "post_ref", name="uq_posts_organisation_post_ref"),
    )
    op.create_table(
        "vacancies",
        _id(),
        _organisation_code(),
        sa.Column("vacancy_ref", sa.String(64), nullable=False),
        sa.Column("role_id", sa.String(64), nullable=False),
        sa.Column("locality_code", sa.String(64), nullable=False),
        sa.Column("fte", sa.Float, nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_vacancies"),
        sa.ForeignKeyConstraint(
            ["organisation_code"],
            ["organisations.code"],
            name="fk_vacancies_organisation_code_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["locality_code"], ["localities.code"], name="fk_vacancies_locality_code_localities"
        ),
        sa.UniqueConstraint(
            "organisation_code", "vacancy_ref", name="uq_vacancies_organisation_ref"
        ),
    )
    op.create_table(
        "training_records",
        _id(),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("competency", sa.String(64), nullable=False),
        sa.Column("achieved_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=True),
        sa.Column("signed_off_by_role", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_training_records"),
        sa.ForeignKeyConstraint(
            ["person_key"],
            ["persons.person_key"],
            name="fk_training_records_person_key_persons",
        ),
        sa.UniqueConstraint(
            "person_key", "competency", "achieved_on", name="uq_training_person_competency_date"
        ),
    )
    op.create_table(
        "statutory_approvals",
        _id(),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("approved_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("approving_body", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_statutory_approvals"),
        sa.ForeignKeyConstraint(
            ["person_key"],
            ["persons.person_key"],
            name="fk_statutory_approvals_person_key_persons",
        ),
        sa.UniqueConstraint(
            "person_key", "kind", "approved_on", name="uq_approvals_person_kind_date"
        ),
    )
    op.create_table(
        "volunteers",
        _id(),
        _organisation_code(),
        sa.Column("volunteer_ref", sa.String(64), nullable=False),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("locality_code", sa.String(64), nullable=False),
        sa.Column("role_id", sa.String(64), nullable=False),
        sa.Column("hours_per_week", sa.Float, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_volunteers"),
        sa.ForeignKeyConstraint(
            ["organisation_code"],
            ["organisations.code"],
            name="fk_volunteers_organisation_code_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["person_key"], ["persons.person_key"], name="fk_volunteers_person_key_persons"
        ),
        sa.ForeignKeyConstraint(
            ["locality_code"], ["localities.code"], name="fk_volunteers_locality_code_localities"
        ),
        sa.UniqueConstraint(
            "organisation_code", "volunteer_ref", name="uq_volunteers_organisation_ref"
        ),
    )
    op.create_table(
        "imports",
        _id(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("rows_added", sa.Integer, nullable=False),
        sa.Column("rows_changed", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("code_version", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
    )


def downgrade() -> None:
    for table in (
        "imports",
        "volunteers",
        "statutory_approvals",
        "training_records",
        "vacancies",
        "posts",
        "person_identifiers",
        "persons",
        "role_mappings",
        "organisations",
        "localities",
    ):
        op.drop_table(table)

"""SQLAlchemy tables: the one place the database schema is written down (Alembic follows it).

Natural keys carry unique constraints so that importing the same file twice changes nothing.
No table ever holds a raw staff identifier: `person_key` is an HMAC-SHA256 digest.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

localities = sa.Table(
    "localities",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("level", sa.String(32), nullable=False),
    sa.Column("parent_code", sa.String(64), sa.ForeignKey("localities.code"), nullable=True),
)

organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("sector", sa.String(32), nullable=False),
    sa.Column("locality_code", sa.String(64), sa.ForeignKey("localities.code"), nullable=False),
)

role_mappings = sa.Table(
    "role_mappings",
    metadata,
    sa.Column("scheme", sa.String(32), primary_key=True),
    sa.Column("source_code", sa.String(64), primary_key=True),
    sa.Column("role_id", sa.String(64), nullable=False),
    sa.Column("note", sa.String(200), nullable=True),
)

persons = sa.Table(
    "persons",
    metadata,
    sa.Column("person_key", sa.String(64), primary_key=True),
    sa.Column("year_of_birth", sa.Integer, nullable=True),
    sa.Column("age_band", sa.String(16), nullable=True),
    sa.Column("sex", sa.String(32), nullable=True),
    sa.Column("ethnicity", sa.String(64), nullable=True),
    sa.Column("disability", sa.String(32), nullable=True),
    sa.Column("welsh_language_level", sa.Integer, nullable=True),
    sa.Column("nationality", sa.String(64), nullable=True),
    sa.Column("international_recruit", sa.Boolean, nullable=True),
)

# Every staff identifier seen (NI number, registration, employer staff number), as a keyed hash,
# pointing at the person it identifies: how a file that gives only a staff number finds the person
# that another file linked by NI number.
person_identifiers = sa.Table(
    "person_identifiers",
    metadata,
    sa.Column("identifier_key", sa.String(64), primary_key=True),
    sa.Column("person_key", sa.String(64), sa.ForeignKey("persons.person_key"), nullable=False),
)

posts = sa.Table(
    "posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "organisation_code", sa.String(64), sa.ForeignKey("organisations.code"), nullable=False
    ),
    sa.Column("post_ref", sa.String(64), nullable=False),
    sa.Column("person_key", sa.String(64), sa.ForeignKey("persons.person_key"), nullable=False),
    sa.Column("locality_code", sa.String(64), sa.ForeignKey("localities.code"), nullable=False),
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
    sa.UniqueConstraint("organisation_code", "post_ref", name="uq_posts_organisation_post_ref"),
)

vacancies = sa.Table(
    "vacancies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "organisation_code", sa.String(64), sa.ForeignKey("organisations.code"), nullable=False
    ),
    sa.Column("vacancy_ref", sa.String(64), nullable=False),
    sa.Column("role_id", sa.String(64), nullable=False),
    sa.Column("locality_code", sa.String(64), sa.ForeignKey("localities.code"), nullable=False),
    sa.Column("fte", sa.Float, nullable=False),
    sa.Column("since", sa.Date, nullable=False),
    sa.UniqueConstraint("organisation_code", "vacancy_ref", name="uq_vacancies_organisation_ref"),
)

training_records = sa.Table(
    "training_records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_key", sa.String(64), sa.ForeignKey("persons.person_key"), nullable=False),
    sa.Column("competency", sa.String(64), nullable=False),
    sa.Column("achieved_on", sa.Date, nullable=False),
    sa.Column("expires_on", sa.Date, nullable=True),
    sa.Column("signed_off_by_role", sa.String(64), nullable=True),
    sa.UniqueConstraint(
        "person_key", "competency", "achieved_on", name="uq_training_person_competency_date"
    ),
)

statutory_approvals = sa.Table(
    "statutory_approvals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_key", sa.String(64), sa.ForeignKey("persons.person_key"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("approved_on", sa.Date, nullable=False),
    sa.Column("expires_on", sa.Date, nullable=False),
    sa.Column("approving_body", sa.String(200), nullable=True),
    sa.UniqueConstraint("person_key", "kind", "approved_on", name="uq_approvals_person_kind_date"),
)

volunteers = sa.Table(
    "volunteers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "organisation_code", sa.String(64), sa.ForeignKey("organisations.code"), nullable=False
    ),
    sa.Column("volunteer_ref", sa.String(64), nullable=False),
    sa.Column("person_key", sa.String(64), sa.ForeignKey("persons.person_key"), nullable=False),
    sa.Column("locality_code", sa.String(64), sa.ForeignKey("localities.code"), nullable=False),
    sa.Column("role_id", sa.String(64), nullable=False),
    sa.Column("hours_per_week", sa.Float, nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=True),
    sa.UniqueConstraint(
        "organisation_code", "volunteer_ref", name="uq_volunteers_organisation_ref"
    ),
)

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("rows_added", sa.Integer, nullable=False),
    sa.Column("rows_changed", sa.Integer, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("code_version", sa.String(64), nullable=False),
)

# Which rows each source kind writes, in load order (parents before children).
STAFF_TABLES = (
    persons,
    person_identifiers,
    posts,
    vacancies,
    training_records,
    statutory_approvals,
    volunteers,
)

# A scenario run and the results its report shows, so that any figure can be traced to the
# scenario content, code and seed behind it. Results are long: one row per table, year, key
# (a competency domain, a lever, a staff group) and measure.
scenario_run = sa.Table(
    "scenario_run",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
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
)

scenario_result = sa.Table(
    "scenario_result",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "run_id",
        sa.Integer,
        sa.ForeignKey("scenario_run.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("measure", sa.String(64), nullable=False),
    sa.Column("central", sa.Float, nullable=True),
    sa.Column("q5", sa.Float, nullable=True),
    sa.Column("q25", sa.Float, nullable=True),
    sa.Column("q50", sa.Float, nullable=True),
    sa.Column("q75", sa.Float, nullable=True),
    sa.Column("q95", sa.Float, nullable=True),
)

# Tables of model results, written by scenario runs rather than by imports.
RESULT_TABLES = (scenario_run, scenario_result)

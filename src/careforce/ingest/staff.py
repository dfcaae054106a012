"""From typed rows to the store's tables, for staff extracts and the files that refer to staff.

esr, social_care  -> persons, person_identifiers, posts
volunteer         -> persons, person_identifiers, posts (paid rows), volunteers (unpaid rows)
vacancies         -> vacancies
training          -> training_records   (each person must already be known)
approvals         -> statutory_approvals (each person must already be known)
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from careforce.ingest import checks
from careforce.ingest.batch import KIND_TABLES, empty, shaped
from careforce.ingest.context import ImportContext
from careforce.ingest.formats import SourceFormat
from careforce.ingest.problems import ROW, ProblemLog
from careforce.ingest.pseudonymise import link_persons

STANDARD_WEEKLY_HOURS = 37.5  # one whole-time equivalent
MAX_FTE = 1.5
YOUNGEST_AGE = 14  # a year of birth later than this many years before the extract is an error
VOLUNTEER_SETTING = "community_support"  # setting of paid posts in the third-sector return
PERSON_FIELDS = (
    "year_of_birth",
    "age_band",
    "sex",
    "ethnicity",
    "disability",
    "welsh_language_level",
    "nationality",
    "international_recruit",
)


def fte_from_hours(hours: pl.Expr) -> pl.Expr:
    """Hours a week / 37.5, capped at 1.5 FTE (the quality report flags what the cap hides)."""
    return pl.min_horizontal(hours / STANDARD_WEEKLY_HOURS, pl.lit(MAX_FTE)).round(4)


Tables = dict[str, pl.DataFrame]


def build_staff_tables(
    fmt: SourceFormat,
    typed: pl.DataFrame,
    headers: Mapping[str, str],
    context: ImportContext,
    log: ProblemLog,
) -> tuple[Tables, tuple[tuple[str, str], ...]]:
    """The tables a staff-related file writes, and any person merges; problems go to `log`."""
    kind = fmt.kind
    frame = _common_checks(fmt, typed, headers, context, log)
    if kind == "vacancies":
        return {"vacancies": _vacancies(frame)} if not log else {}, ()
    if kind in ("training", "approvals"):
        return _person_records(fmt, frame, headers, context, log), ()
    frame = _person_checks(fmt, frame, headers, context, log)
    linked = link_persons(frame, context.secret, context.resolve_identifiers, log, headers)
    if log:
        return {}, ()
    rows = linked.frame
    tables: Tables = {
        "persons": _persons(rows),
        "person_identifiers": shaped("person_identifiers", linked.person_identifiers),
    }
    if kind == "volunteer":
        paid = rows.filter(pl.col("paid"))
        tables["posts"] = _posts(kind, paid)
        tables["volunteers"] = _volunteers(rows.filter(~pl.col("paid")))
    else:
        tables["posts"] = _posts(kind, rows)
    return {t: tables.get(t, empty(t)) for t in KIND_TABLES[kind]}, linked.person_merges


def _common_checks(
    fmt: SourceFormat,
    frame: pl.DataFrame,
    headers: Mapping[str, str],
    context: ImportContext,
    log: ProblemLog,
) -> pl.DataFrame:
    fields = checks.fmt_fields(fmt)
    checks.check_known_codes(
        frame,
        fmt,
        headers,
        log,
        field="organisation_code",
        known=context.organisations,
        what="organisation",
        import_first="organisations",
    )
    if "locality_code" in fields:
        checks.check_known_codes(
            frame,
            fmt,
            headers,
            log,
            field="locality_code",
            known=context.localities,
            what="locality",
            import_first="localities",
            level=checks.LOCAL_AUTHORITY_AREA,
        )
    if fmt.role_scheme is not None:
        frame = checks.map_roles(frame, fmt, headers, log, context.role_mapping, fmt.role_scheme)
    if "end_date" in fields:
        checks.check_order(frame, fmt, headers, log, first="start_date", then="end_date")
    if "leaving_reason" in fields:
        checks.check_leaving_reason(frame, fmt, headers, log)
    if fmt.kind == "training":
        checks.check_order(frame, fmt, headers, log, first="achieved_on", then="expires_on")
        checks.check_framework_roles(frame, fmt, headers, log, "signed_off_by_role")
    if fmt.kind == "approvals":
        checks.check_order(
            frame, fmt, headers, log, first="approved_on", then="expires_on", strict=True
        )
    checks.check_duplicates(frame, fmt, headers, log)
    return frame


def _person_checks(
    fmt: SourceFormat,
    frame: pl.DataFrame,
    headers: Mapping[str, str],
    context: ImportContext,
    log: ProblemLog,
) -> pl.DataFrame:
    """Year of birth (never the whole date), and the paid/volunteer rules of the third sector."""
    fields = checks.fmt_fields(fmt)
    if "date_of_birth" in fields:
        frame = frame.with_columns(
            pl.col("date_of_birth").dt.year().cast(pl.Int64).alias("year_of_birth")
        )
        frame = frame.drop("date_of_birth")
        born = "date_of_birth"
    else:
        born = "year_of_birth"
    latest = context.as_of.year - YOUNGEST_AGE
    if born in fields:
        log.add_rows(
            frame.filter(pl.col("year_of_birth") > latest),
            column=headers.get(born, fmt.column(born).header),
            reason=f"born after {latest}: younger than {YOUNGEST_AGE} at the extract date",
            value=pl.col("year_of_birth"),
        )
    if fmt.kind == "volunteer":
        paid, unpaid = pl.col("paid").fill_null(False), (pl.col("paid") == False)  # noqa: E712
        for field, reason, rows in (
            (
                "contract_type",
                "a paid post needs a contract type",
                paid & pl.col("contract_type").is_null(),
            ),
            (
                "fte",
                "a volunteer (Paid = N) has no FTE: leave it blank",
                unpaid & (pl.col("fte") > 0),
            ),
            (
                "contract_type",
                "a volunteer (Paid = N) has no contract type: leave it blank",
                unpaid & pl.col("contract_type").is_not_null(),
            ),
        ):
            log.add_rows(
                frame.filter(rows.fill_null(False)),
                column=headers.get(field, fmt.column(field).header),
                reason=reason,
                value=pl.col(field),
            )
    for field in PERSON_FIELDS:
        if field not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(field))
    return frame


def _person_records(
    fmt: SourceFormat,
    frame: pl.DataFrame,
    headers: Mapping[str, str],
    context: ImportContext,
    log: ProblemLog,
) -> Tables:
    # rows already reported as repeats of the format's key are not reported again below
    already = frame.filter(
        pl.all_horizontal(pl.col(k).is_not_null() for k in fmt.key_columns)
        & (pl.len().over(fmt.key_columns) > 1)
    ).select(ROW)
    linked = link_persons(
        frame, context.secret, context.resolve_identifiers, log, headers, known_only=True
    )
    rows = linked.frame
    if fmt.kind == "training":
        table, keys = "training_records", ("person_key", "competency", "achieved_on")
    else:
        table, keys = "statutory_approvals", ("person_key", "kind", "approved_on")
    # rows with different staff numbers can still be one person: the table's key is the person's
    checks.check_duplicates(
        rows.join(already, on=ROW, how="anti"),
        fmt,
        headers,
        log,
        keys=keys,
        label=f"person + {' + '.join(fmt.column(k).header for k in keys[1:])}",
    )
    if log:
        return {}
    return {table: shaped(table, rows)}


def _persons(rows: pl.DataFrame) -> pl.DataFrame:
    """One row a person: the first value given for each field, over the rows of the file."""
    persons = rows.group_by("person_key", maintain_order=True).agg(
        pl.col(f).drop_nulls().first() for f in PERSON_FIELDS
    )
    return shaped("persons", persons)


def _posts(kind: str, rows: pl.DataFrame) -> pl.DataFrame:
    if kind == "volunteer":
        rows = rows.with_columns(
            pl.lit(VOLUNTEER_SETTING).alias("setting"),
            pl.col("hours_per_week").alias("contracted_hours_per_week"),
        )
    fte = pl.col("fte")
    if kind != "esr":
        fte = pl.coalesce(fte, fte_from_hours(pl.col("contracted_hours_per_week")))
    for field in ("pay_band", "hourly_rate_gbp"):
        if field not in rows.columns:
            rows = rows.with_columns(pl.lit(None).alias(field))
    return shaped("posts", rows.with_columns(fte.alias("fte"), pl.lit(kind).alias("source_kind")))


def _volunteers(rows: pl.DataFrame) -> pl.DataFrame:
    return shaped("volunteers", rows.rename({"post_ref": "volunteer_ref"}))


def _vacancies(rows: pl.DataFrame) -> pl.DataFrame:
    return shaped("vacancies", rows)

"""Reference files: localities, organisations and role mappings, checked against each other.

localities    -> localities     (parents in the file or already imported, and above their children)
organisations -> organisations  (sector from the list, base in a known local authority area)
role_mapping  -> role_mappings  (source codes upper-case, roles from the framework catalogue)
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from careforce.ingest import checks
from careforce.ingest.batch import shaped
from careforce.ingest.context import ImportContext
from careforce.ingest.formats import LEVELS, SourceFormat
from careforce.ingest.problems import ROW, ProblemLog

LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}  # nation 0 ... area 2


def build_reference_tables(
    fmt: SourceFormat,
    typed: pl.DataFrame,
    headers: Mapping[str, str],
    context: ImportContext,
    log: ProblemLog,
) -> dict[str, pl.DataFrame]:
    if fmt.kind == "localities":
        return _localities(fmt, typed, headers, context, log)
    if fmt.kind == "organisations":
        return _organisations(fmt, typed, headers, context, log)
    return _role_mappings(fmt, typed, headers, log)


def _localities(
    fmt: SourceFormat,
    frame: pl.DataFrame,
    headers: Mapping[str, str],
    context: ImportContext,
    log: ProblemLog,
) -> dict[str, pl.DataFrame]:
    checks.check_duplicates(frame, fmt, headers, log)
    parent_column = headers.get("parent_code", fmt.column("parent_code").header)
    is_nation = pl.col("level") == "nation"
    log.add_rows(
        frame.filter((is_nation & pl.col("parent_code").is_not_null()).fill_null(False)),
        column=parent_column,
        reason="a nation has no parent locality: leave Parent Code blank",
        value=pl.col("parent_code"),
    )
    log.add_rows(
        frame.filter((~is_nation & pl.col("parent_code").is_null()).fill_null(False)),
        column=parent_column,
        reason="a region or local authority area needs the code of the locality above it",
    )
    levels = dict(context.localities)
    levels.update(
        dict(frame.select("code", "level").drop_nulls().unique("code", keep="first").iter_rows())
    )
    checks.check_known_codes(
        frame.filter(~is_nation.fill_null(False)),
        fmt,
        headers,
        log,
        field="parent_code",
        known=levels,
        what="parent locality",
        import_first="localities",
    )
    rank = pl.col("level").replace_strict(LEVEL_RANK, default=None, return_dtype=pl.Int64)
    parent_level = pl.col("parent_code").replace_strict(levels, default=None, return_dtype=pl.Utf8)
    parent_rank = parent_level.replace_strict(LEVEL_RANK, default=None, return_dtype=pl.Int64)
    log.add_rows(
        frame.filter((~is_nation & (parent_rank >= rank)).fill_null(False)),
        column=parent_column,
        reason=pl.format(
            "the parent locality is a {}, not above a {}",
            parent_level.str.replace_all("_", " "),
            pl.col("level").str.replace_all("_", " "),
        ),
        value=pl.col("parent_code"),
    )
    if log:
        return {}
    ordered = frame.with_columns(rank.alias("_rank")).sort(["_rank", ROW])
    return {"localities": shaped("localities", ordered)}


def _organisations(
    fmt: SourceFormat,
    frame: pl.DataFrame,
    headers: Mapping[str, str],
    context: ImportContext,
    log: ProblemLog,
) -> dict[str, pl.DataFrame]:
    checks.check_duplicates(frame, fmt, headers, log)
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
    if log:
        return {}
    return {"organisations": shaped("organisations", frame)}


def _role_mappings(
    fmt: SourceFormat, frame: pl.DataFrame, headers: Mapping[str, str], log: ProblemLog
) -> dict[str, pl.DataFrame]:
    frame = frame.with_columns(pl.col("source_code").str.to_uppercase())
    checks.check_duplicates(frame, fmt, headers, log)
    checks.check_framework_roles(frame, fmt, headers, log, "role_id")
    if log:
        return {}
    return {"role_mappings": shaped("role_mappings", frame)}

"""Checks across fields and rows: date order, duplicates, codes known to the database, role codes.

Each check reads the typed frame from `validate.parse_values` (a bad value there is already null,
so it is not reported twice) and logs every failing row. Problems about one unknown code are
grouped: one problem per code, at its first row, listing the rows that use it.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from careforce.framework.catalogue import role_catalogue
from careforce.framework.mapping import map_role_code
from careforce.ingest.formats import SourceFormat, ValueType
from careforce.ingest.problems import ROW, ProblemLog, other_rows, rows_preview_expr

LOCAL_AUTHORITY_AREA = "local_authority_area"


def _header(fmt: SourceFormat, headers: Mapping[str, str], field: str) -> str:
    return headers.get(field, fmt.column(field).header)


def check_order(
    frame: pl.DataFrame,
    fmt: SourceFormat,
    headers: Mapping[str, str],
    log: ProblemLog,
    *,
    first: str,
    then: str,
    strict: bool = False,
) -> None:
    """`then` must not be before `first` (nor on it, when strict)."""
    late = pl.col(then) <= pl.col(first) if strict else pl.col(then) < pl.col(first)
    word = "on or before" if strict else "before"
    log.add_rows(
        frame.filter(late.fill_null(False)),
        column=_header(fmt, headers, then),
        reason=f"{fmt.column(then).header} is {word} {fmt.column(first).header}",
        value=pl.col(then).dt.to_string("%Y-%m-%d"),
    )


def check_leaving_reason(
    frame: pl.DataFrame, fmt: SourceFormat, headers: Mapping[str, str], log: ProblemLog
) -> None:
    log.add_rows(
        frame.filter(pl.col("leaving_reason").is_not_null() & pl.col("end_date").is_null()),
        column=_header(fmt, headers, "leaving_reason"),
        reason="a leaving reason needs an end date",
        value=pl.col("leaving_reason"),
    )


def check_duplicates(
    frame: pl.DataFrame,
    fmt: SourceFormat,
    headers: Mapping[str, str],
    log: ProblemLog,
    keys: tuple[str, ...] | None = None,
    label: str | None = None,
) -> None:
    """Rows that repeat the format's key: every row of a repeat is reported, naming the others."""
    keys = keys or fmt.key_columns
    if not keys:
        return
    complete = frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in keys))
    repeated = complete.filter(pl.len().over(keys) > 1).select(ROW, *keys)
    if repeated.height == 0:
        return
    others = other_rows(repeated, list(keys))
    named = [k for k in keys if k in fmt_fields(fmt)]
    label = label or " + ".join(_header(fmt, headers, k) for k in named)
    shown = [k for k in named if fmt.column(k).type is not ValueType.IDENTIFIER]
    value = pl.concat_str([pl.col(k).cast(pl.Utf8) for k in shown], separator=" / ")
    failing = repeated.join(others, on=ROW).sort(ROW)
    log.add_rows(
        failing,
        column=label,
        reason=pl.format("duplicate: the same {} as row {}", pl.lit(label), pl.col("_others_text")),
        value=value if shown else None,
    )


def fmt_fields(fmt: SourceFormat) -> set[str]:
    return {c.field for c in fmt.columns}


def check_known_codes(
    frame: pl.DataFrame,
    fmt: SourceFormat,
    headers: Mapping[str, str],
    log: ProblemLog,
    *,
    field: str,
    known: Mapping[str, str],
    what: str,
    import_first: str,
    level: str | None = None,
) -> None:
    """Every code in `field` must be in `known` (and, with `level`, known at that level)."""
    codes = frame.select(pl.col(field).drop_nulls().unique()).to_series().to_list()
    unknown = [c for c in codes if c not in known]
    wrong_level = [c for c in codes if c in known and level is not None and known[c] != level]
    column = _header(fmt, headers, field)
    for bad, reason in (
        (
            unknown,
            f"unknown {what} code: import the {import_first} file first "
            f"(`careforce import {import_first} FILE`)",
        ),
        (wrong_level, f"this {what} is not a local authority area; give the area's code"),
    ):
        if bad:
            _grouped(frame, log, field=field, codes=bad, column=column, reason=reason)


def _grouped(
    frame: pl.DataFrame,
    log: ProblemLog,
    *,
    field: str,
    codes: list[str],
    column: str,
    reason: str,
) -> None:
    """One problem per code, at its first row, listing every row that has it."""
    groups = (
        frame.filter(pl.col(field).is_in(codes))
        .group_by(field)
        .agg(pl.col(ROW).sort())
        .with_columns(pl.col(ROW).list.first().alias("_first"))
        .sort("_first")
    )
    log.add_rows(
        groups.select(pl.col("_first").alias(ROW), field, pl.col(ROW).alias("_rows")),
        column=column,
        reason=pl.when(pl.col("_rows").list.len() > 1)
        .then(
            pl.format(
                "{} ({} rows: {})",
                pl.lit(reason),
                pl.col("_rows").list.len(),
                rows_preview_expr(pl.col("_rows")),
            )
        )
        .otherwise(pl.lit(reason)),
        value=pl.col(field),
    )


def map_roles(
    frame: pl.DataFrame,
    fmt: SourceFormat,
    headers: Mapping[str, str],
    log: ProblemLog,
    mapping: Mapping[tuple[str, str], str],
    scheme: str,
) -> pl.DataFrame:
    """Add `role_id` from `source_role_code`; an unmapped code is a problem, never a guess."""
    codes = frame.select(pl.col("source_role_code").drop_nulls().unique()).to_series().to_list()
    lookup = mapping if isinstance(mapping, dict) else dict(mapping)
    found = {c: map_role_code(lookup, scheme, c) for c in codes}
    unmapped = sorted(c for c, role in found.items() if role is None)
    if unmapped:
        log.unmapped_role_codes = tuple(sorted({*log.unmapped_role_codes, *unmapped}))
        _grouped(
            frame,
            log,
            field="source_role_code",
            codes=unmapped,
            column=_header(fmt, headers, "source_role_code"),
            reason=f"role code not mapped to a framework role (scheme {scheme!r}): add it to a "
            "role mapping file (Scheme, Source Code, Role) and run "
            "`careforce import role_mapping FILE`",
        )
    mapped = {c: r for c, r in found.items() if r is not None}
    return frame.with_columns(
        pl.col("source_role_code")
        .replace_strict(mapped, default=None, return_dtype=pl.Utf8)
        .alias("role_id")
    )


def check_framework_roles(
    frame: pl.DataFrame,
    fmt: SourceFormat,
    headers: Mapping[str, str],
    log: ProblemLog,
    field: str,
) -> None:
    """Values of `field` must be framework role ids."""
    roles = role_catalogue()
    codes = frame.select(pl.col(field).drop_nulls().unique()).to_series().to_list()
    unknown = sorted(c for c in codes if c not in roles)
    if unknown:
        _grouped(
            frame,
            log,
            field=field,
            codes=unknown,
            column=_header(fmt, headers, field),
            reason="not a framework role id (see `careforce framework show`)",
        )

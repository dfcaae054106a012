"""Validation of values, one column type at a time, as polars expressions over the whole file.

`parse_values` turns the text columns of a `RawTable` into typed columns: a value that fails its
check becomes null and leaves a problem in the log, so later cross-field checks never report the
same bad value twice. Choices come out as their canonical lower-case value, identifiers in their
normal form (upper-case, no spaces) ready for pseudonymisation.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from careforce.ingest.formats import Column, SourceFormat, ValueType
from careforce.ingest.problems import ROW, ProblemLog

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$"
MAX_CODE_LENGTH = 64
MAX_TEXT_LENGTH = 200
MAX_IDENTIFIER_LENGTH = 64
MISSING = "missing mandatory field"
YES = ("y", "yes", "true", "1")
NO = ("n", "no", "false", "0")

_ISO = r"^\d{4}-\d{1,2}-\d{1,2}$"
_DMY = r"^\d{1,2}/\d{1,2}/\d{4}$"


def choice_key(text: str) -> str:
    """How choices are compared: case, spaces, underscores and hyphens do not count."""
    return re.sub(r"[\s_\-]+", "", text).casefold()


def _choice_key_expr(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(r"[\s_\-]+", "")


def normalise_identifier(expr: pl.Expr) -> pl.Expr:
    """Identifiers compare upper-case with every space removed: 'ab 12 34 56 c' -> 'AB123456C'."""
    return expr.str.to_uppercase().str.replace_all(r"\s+", "")


def _number(low: float | None, high: float | None) -> str:
    def fmt(x: float) -> str:
        return f"{x:g}"

    if low is not None and high is not None:
        return f"{fmt(low)} to {fmt(high)}"
    if low is not None:
        return f"at least {fmt(low)}"
    return f"at most {fmt(high or 0)}"


Check = tuple[pl.Expr, str | pl.Expr]  # (mask: True where the value fails, reason)


def _value_name(col: Column) -> str:
    return f"_v_{col.field}"


def _column_rules(col: Column, extract_date: dt.date) -> tuple[pl.Expr, list[Check]]:
    """The typed value of one column and the checks it must pass.

    Checks refer to the parsed value by its column (`_v_<field>`), so each value is parsed once.
    """
    raw = pl.col(col.field)
    v = pl.col(_value_name(col))
    present = raw.is_not_null()
    checks: list[Check] = []
    if col.required:
        checks.append((raw.is_null(), MISSING))
    t = col.type
    if t in (ValueType.TEXT, ValueType.CODE, ValueType.IDENTIFIER):
        if t is ValueType.CODE:
            checks.append(
                (
                    present & ~raw.str.contains(CODE_PATTERN),
                    "not a valid code: use letters, digits and _ . - / only, starting with a "
                    "letter or digit",
                )
            )
        limit = col.max_length or {
            ValueType.TEXT: MAX_TEXT_LENGTH,
            ValueType.CODE: MAX_CODE_LENGTH,
        }.get(t, MAX_IDENTIFIER_LENGTH)
        checks.append((v.str.len_chars() > limit, f"longer than {limit} characters"))
        return (normalise_identifier(raw) if t is ValueType.IDENTIFIER else raw), checks
    if t in (ValueType.NUMBER, ValueType.INTEGER):
        bad = present & (v.is_null() | ~v.is_finite())
        checks.append((bad, "not a number"))
        if t is ValueType.INTEGER:
            checks.append((~bad & present & (v != v.floor()), "not a whole number"))
        out_of_range = pl.lit(False)
        if col.low is not None:
            out_of_range = out_of_range | (v < col.low)
        if col.high is not None:
            out_of_range = out_of_range | (v > col.high)
        if col.low is not None or col.high is not None:
            checks.append(
                (~bad & out_of_range, f"outside the allowed range {_number(col.low, col.high)}")
            )
        return raw.cast(pl.Float64, strict=False), checks
    if t is ValueType.DATE:
        return _date_rules(col, raw, v, extract_date, checks)
    if t is ValueType.YES_NO:
        key = raw.str.to_lowercase()
        checks.append((present & v.is_null(), "not yes or no: use Y or N"))
        return pl.when(key.is_in(YES)).then(True).when(key.is_in(NO)).then(False), checks
    if t is ValueType.CHOICE:
        mapping = {choice_key(c): c for c in col.choices}
        value = _choice_key_expr(raw).replace_strict(mapping, default=None, return_dtype=pl.Utf8)
        checks.append(
            (present & v.is_null(), f"not one of the allowed values: {', '.join(col.choices)}")
        )
        return value, checks
    raise AssertionError(f"unhandled value type {t}")  # pragma: no cover


def _date_rules(
    col: Column, raw: pl.Expr, v: pl.Expr, extract_date: dt.date, checks: list[Check]
) -> tuple[pl.Expr, list[Check]]:
    iso = raw.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    dmy = raw.str.strptime(pl.Date, "%d/%m/%Y", strict=False)
    shaped = raw.str.contains(_ISO) | raw.str.contains(_DMY)
    present = raw.is_not_null()
    checks.append(
        (present & v.is_null() & ~shaped, "not a date: write it as 2024-03-31 or 31/03/2024")
    )
    checks.append(
        (
            present & v.is_null() & shaped,
            "impossible date: there is no such day (dates are year-month-day or day/month/year)",
        )
    )
    checks.append((v < EARLIEST_DATE, "date before 1900"))
    if col.may_be_future:
        checks.append((v > LATEST_DATE, "date after 2100"))
    else:
        checks.append(
            (v > extract_date, f"date in the future (after the extract date {extract_date})")
        )
    return pl.coalesce(iso, dmy), checks


def parse_values(
    fmt: SourceFormat,
    raw: pl.DataFrame,
    headers: dict[str, str] | None,
    log: ProblemLog,
    extract_date: dt.date,
) -> pl.DataFrame:
    """Typed values for every column of the format (all-null where the file lacks the column).

    A value that fails a check is logged with its row and column and becomes null.
    """
    headers = headers or {}
    values: list[pl.Expr] = []
    masks: list[pl.Expr] = []
    typed: list[pl.Expr] = [pl.col(ROW)]
    failures: list[tuple[str, Column, str | pl.Expr]] = []
    for col in fmt.columns:
        if col.field not in raw.columns:
            typed.append(pl.lit(None, dtype=_dtype(col)).alias(col.field))
            continue
        value, checks = _column_rules(col, extract_date)
        values.append(value.alias(_value_name(col)))
        names = []
        for n, (mask, reason) in enumerate(checks):
            name = f"_bad_{col.field}_{n}"
            masks.append(mask.fill_null(False).alias(name))
            failures.append((name, col, reason))
            names.append(name)
        ok = ~pl.any_horizontal(names) if names else pl.lit(True)
        typed.append(
            pl.when(ok)
            .then(pl.col(_value_name(col)))
            .cast(_dtype(col), strict=False)
            .alias(col.field)
        )
    flagged = raw.lazy().with_columns(values).with_columns(masks).collect()
    for name, col, reason in failures:
        failing = flagged.filter(pl.col(name))
        if failing.height:
            shown = None if col.type is ValueType.IDENTIFIER else pl.col(col.field)
            log.add_rows(
                failing,
                column=headers.get(col.field, col.header),
                reason=reason,
                value=shown,
            )
    return flagged.select(typed)


def _dtype(col: Column) -> pl.DataType:
    return {
        ValueType.INTEGER: pl.Int64(),
        ValueType.NUMBER: pl.Float64(),
        ValueType.DATE: pl.Date(),
        ValueType.YES_NO: pl.Boolean(),
    }.get(col.type, pl.Utf8())

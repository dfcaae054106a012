"""Reading the population file: people by area, single year of age and year, as an array.

Columns `area_code, age, year, population` (as the demo writes `inputs/population.csv`); `age` a
whole number 0-100 (100 means 100 and over), `population` people, not negative and not
necessarily whole (projections need not be). Each (area, age, year) at most once, every age of
every year of the horizon present for every area. Problems name the file, the row as a
spreadsheet shows it (the header is row 1) and the column; every row's problems are found with
whole-column expressions, and at most `MAX_LISTED` are listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from careforce.domain import Problem, UserError, ValidationFailed

COLUMNS = ("area_code", "age", "year", "population")
AGES = 101
MAX_LISTED = 200
_ROW = "_row"


@dataclass(frozen=True, eq=False)
class PopulationTable:
    """`people[l, a, y]`: people in area `area_codes[l]`, aged a (0..100), in year `years[y]`."""

    area_codes: tuple[str, ...]
    years: tuple[int, ...]
    people: np.ndarray


def read_population(path: Path, years: Sequence[int] | None = None) -> PopulationTable:
    """The population in `path`, for `years` (default every year in the file, in order).

    Raises UserError when the file cannot be read, ValidationFailed with every problem found
    (at most MAX_LISTED listed) when its content is wrong or a year of the horizon is missing.
    """
    label = str(path)
    frame = _read(path)
    found = _header_problems(frame, label)
    if found:
        raise _failed(found, label, len(found))
    frame = frame.select(COLUMNS).with_row_index(_ROW, offset=2)
    typed, found, count = _typed(frame, label)
    repeated, n_repeated = _duplicates(typed, label)
    found, count = found + repeated, count + n_repeated
    wanted = sorted(set(typed["year"].drop_nulls().to_list())) if years is None else list(years)
    if not found:
        found = _coverage(typed, wanted, label)
        count = len(found)
    if found:
        raise _failed(found, label, count)
    return _as_array(typed, wanted)


def _read(path: Path) -> pl.DataFrame:
    if not path.exists():
        raise UserError(f"population file {path} does not exist")
    if path.is_dir():
        raise UserError(f"population file {path} is a folder, not a file")
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (OSError, pl.exceptions.PolarsError) as error:
        raise UserError(f"cannot read population file {path} as CSV: {error}") from None
    return frame.rename({c: c.strip().lstrip("\ufeff").strip() for c in frame.columns})


def _header_problems(frame: pl.DataFrame, label: str) -> list[Problem]:
    out = []
    for column in COLUMNS:
        if column not in frame.columns:
            out.append(Problem(label, 1, column, None, "required column is missing"))
    for column in frame.columns:
        if column not in COLUMNS:
            reason = f"unknown column; the columns are {', '.join(COLUMNS)}"
            out.append(Problem(label, 1, column, None, reason))
    return out


def _problems_where(
    frame: pl.DataFrame, failing: pl.Expr, column: str, reason: str, label: str
) -> tuple[list[Problem], int]:
    bad = frame.filter(failing)
    shown = bad.head(MAX_LISTED).select(_ROW, pl.col(f"_{column}"))
    listed = [Problem(label, int(row), column, value, reason) for row, value in shown.iter_rows()]
    return listed, bad.height


def _typed(frame: pl.DataFrame, label: str) -> tuple[pl.DataFrame, list[Problem], int]:
    """The columns as numbers, and a problem for each value that is not one it may be."""
    text = {c: pl.col(c).str.strip_chars() for c in COLUMNS}
    typed = frame.with_columns(
        area_code=text["area_code"],
        age=text["age"].cast(pl.Int64, strict=False),
        year=text["year"].cast(pl.Int64, strict=False),
        population=text["population"].cast(pl.Float64, strict=False),
    )
    both = typed.with_columns(frame.select(pl.col(c).alias(f"_{c}") for c in COLUMNS))
    checks = [
        (pl.col("area_code").fill_null("") == "", "area_code", "area code is empty"),
        (pl.col("age").is_null(), "age", "age must be a whole number 0-100"),
        (~pl.col("age").is_between(0, 100), "age", "age must be 0-100 (100 means 100 and over)"),
        (pl.col("year").is_null(), "year", "year must be a whole number such as 2026"),
        (pl.col("population").is_null(), "population", "population must be a number"),
        (~pl.col("population").is_finite(), "population", "population must be a finite number"),
        (pl.col("population") < 0, "population", "population must not be negative"),
    ]
    problems: list[Problem] = []
    count = 0
    for failing, column, reason in checks:
        listed, n = _problems_where(both, failing.fill_null(False), column, reason, label)
        problems += listed
        count += n
    return typed, problems, count


def _duplicates(frame: pl.DataFrame, label: str) -> tuple[list[Problem], int]:
    keys = ["area_code", "age", "year"]
    ranked = frame.drop_nulls(keys).with_columns(_first=pl.col(_ROW).min().over(keys))
    repeated = ranked.filter(pl.col(_ROW) != pl.col("_first"))
    listed = [
        Problem(
            label,
            int(row),
            "age",
            str(age),
            f"area {area}, age {age}, year {year} is given already in row {first}",
        )
        for row, area, age, year, first in repeated.head(MAX_LISTED)
        .select(_ROW, *keys, "_first")
        .iter_rows()
    ]
    return listed, repeated.height


def _ranges(values: list[int]) -> str:
    """'3-17, 40' from [3, 4, ..., 17, 40]."""
    parts: list[str] = []
    start = previous = values[0]
    for v in values[1:]:
        if v == previous + 1:
            previous = v
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = v
    parts.append(str(start) if start == previous else f"{start}-{previous}")
    return ", ".join(parts)


def _coverage(frame: pl.DataFrame, years: list[int], label: str) -> list[Problem]:
    """Every area needs every age in every year of the horizon."""
    if frame.is_empty():
        return [Problem(label, None, None, None, "the file has no rows")]
    areas = frame.select(pl.col("area_code").unique(maintain_order=True))
    grid = areas.join(pl.DataFrame({"year": years}, schema={"year": pl.Int64}), how="cross")
    ages = (
        frame.filter(pl.col("year").is_in(years))
        .group_by("area_code", "year")
        .agg(pl.col("age").unique().sort().alias("ages"))
    )
    held = grid.join(ages, on=["area_code", "year"], how="left", maintain_order="left")
    out = []
    no_rows = held.filter(pl.col("ages").is_null()).group_by("area_code", maintain_order=True)
    for (area,), group in no_rows:
        missing = _ranges(sorted(group["year"].to_list()))
        reason = f"area {area} has no rows for {missing} (the horizon is {years[0]}-{years[-1]})"
        out.append(Problem(label, None, "year", str(area), reason))
    partial = held.filter(pl.col("ages").list.len() < AGES).head(MAX_LISTED)
    for area, year, present in partial.iter_rows():
        lacking = sorted(set(range(AGES)) - set(present))
        ages_text = f"age{'s' if len(lacking) > 1 else ''} {_ranges(lacking)}"
        reason = (
            f"area {area}, year {year} has no rows for {ages_text}: give every age 0-100 "
            "(0 where there is nobody)"
        )
        out.append(Problem(label, None, "age", str(area), reason))
    return out


def _as_array(frame: pl.DataFrame, years: list[int]) -> PopulationTable:
    areas = tuple(frame["area_code"].unique(maintain_order=True).to_list())
    held = frame.filter(pl.col("year").is_in(years)).select(
        pl.col("area_code").cast(pl.Enum(areas)).to_physical().alias("l"),
        pl.col("year").replace_strict(years, list(range(len(years)))).alias("y"),
        "age",
        "population",
    )
    people = np.zeros((len(areas), AGES, len(years)))
    index = tuple(held[c].to_numpy() for c in ("l", "age", "y"))
    people[index] = held["population"].to_numpy()
    return PopulationTable(areas, tuple(years), people)


def _failed(problems: list[Problem], label: str, found: int) -> ValidationFailed:
    listed = sorted(problems, key=lambda p: (p.row or 0, p.column or ""))[:MAX_LISTED]
    more = f" (the first {MAX_LISTED} listed)" if found > len(listed) else ""
    return ValidationFailed(
        listed,
        summary=f"{found} problem{'s' if found != 1 else ''} in the population file {label}{more}",
    )

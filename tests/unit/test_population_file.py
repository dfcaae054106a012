"""The population file: people by area, single year of age and year; problems by row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from careforce.domain import UserError, ValidationFailed
from careforce.specification.population import read_population

AREAS = ("W06000001", "W06000002")
YEARS = (2026, 2027, 2028)


def table(areas: tuple[str, ...] = AREAS, years: tuple[int, ...] = YEARS) -> pl.DataFrame:
    """People = 1000 x area number + 10 x age + year offset, so every cell can be checked."""
    rows = [
        (area, age, year, 1000 * i + 10 * age + (year - 2026))
        for i, area in enumerate(areas)
        for year in years
        for age in range(101)
    ]
    return pl.DataFrame(rows, schema=["area_code", "age", "year", "population"], orient="row")


def write(tmp_path: Path, frame: pl.DataFrame | str) -> Path:
    path = tmp_path / "population.csv"
    if isinstance(frame, str):
        path.write_text(frame, encoding="utf-8")
    else:
        frame.write_csv(path)
    return path


def problems(path: Path, years: list[int] | None = None) -> list[tuple[int | None, str | None]]:
    with pytest.raises(ValidationFailed) as failed:
        read_population(path, years)
    return [(p.row, p.column) for p in failed.value.problems]


def test_the_file_becomes_people_by_area_age_and_year(tmp_path: Path) -> None:
    found = read_population(write(tmp_path, table().reverse()), [2027, 2028])
    assert found.area_codes == ("W06000002", "W06000001")  # as first met in the file
    assert found.years == (2027, 2028)
    assert found.people.shape == (2, 101, 2)
    assert found.people[1, 85, 0] == 850 + 1  # W06000001, age 85, 2027
    assert found.people[0, 0, 1] == 1000 + 2  # W06000002, age 0, 2028


def test_every_year_in_the_file_by_default(tmp_path: Path) -> None:
    found = read_population(write(tmp_path, table()))
    assert found.years == YEARS
    assert found.people.sum() == pytest.approx(table()["population"].sum())


def test_rows_with_bad_values_are_each_a_problem_with_row_and_column(tmp_path: Path) -> None:
    text = table().write_csv()
    lines = text.splitlines()
    lines[3] = "W06000001,two,2026,12"  # row 4
    lines[5] = "W06000001,4,2026,-3"  # row 6
    lines[7] = "W06000001,101,2026,5"  # row 8
    lines[9] = ",8,2026,5"  # row 10
    lines[11] = "W06000001,10,20x6,5"  # row 12
    lines[12] = "W06000001,11,2026,many"  # row 13
    found = problems(write(tmp_path, "\n".join(lines) + "\n"))
    assert found == [
        (4, "age"),
        (6, "population"),
        (8, "age"),
        (10, "area_code"),
        (12, "year"),
        (13, "population"),
    ]


def test_a_repeated_area_age_and_year_names_the_first_row(tmp_path: Path) -> None:
    frame = pl.concat([table(), table().slice(5, 1)])
    path = write(tmp_path, frame)
    with pytest.raises(ValidationFailed) as failed:
        read_population(path)
    (problem,) = failed.value.problems
    assert problem.row == frame.height + 1
    assert problem.reason == "area W06000001, age 5, year 2026 is given already in row 7"


def test_missing_years_of_the_horizon_and_missing_ages(tmp_path: Path) -> None:
    frame = table().filter(
        ~((pl.col("area_code") == "W06000002") & (pl.col("year") == 2028))
        & ~((pl.col("area_code") == "W06000001") & pl.col("age").is_between(3, 17))
    )
    with pytest.raises(ValidationFailed) as failed:
        read_population(write(tmp_path, frame), [2026, 2027, 2028, 2029])
    reasons = sorted(p.reason for p in failed.value.problems)
    assert reasons[:3] == [
        "area W06000001 has no rows for 2029 (the horizon is 2026-2029)",
        "area W06000001, year 2026 has no rows for ages 3-17: give every age 0-100 "
        "(0 where there is nobody)",
        "area W06000001, year 2027 has no rows for ages 3-17: give every age 0-100 "
        "(0 where there is nobody)",
    ]
    assert "area W06000002 has no rows for 2028-2029 (the horizon is 2026-2029)" in reasons


def test_columns_missing_or_unknown_are_problems_of_the_header_row(tmp_path: Path) -> None:
    frame = table().rename({"population": "people"}).with_columns(pl.lit("x").alias("note"))
    assert problems(write(tmp_path, frame)) == [(1, "note"), (1, "people"), (1, "population")]


def test_fractional_people_are_accepted(tmp_path: Path) -> None:
    frame = table().with_columns(pl.col("population") / 3)
    found = read_population(write(tmp_path, frame))
    assert found.people[0, 1, 0] == pytest.approx(10 / 3)
    assert found.people.dtype == np.float64


def test_a_missing_file_or_a_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        read_population(tmp_path / "nope.csv")
    with pytest.raises(UserError, match="is a folder"):
        read_population(tmp_path)

"""The file readers on real CSV and .xlsx files: the same content gives the same tables."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

from careforce.domain import ValidationFailed
from careforce.framework.mapping import default_role_mapping
from careforce.ingest import FORMATS, ImportBatch, ImportContext, read_source

CONTEXT = ImportContext(
    secret=b"integration-secret-0001",
    role_mapping=default_role_mapping(),
    localities={"W06000001": "local_authority_area", "W06000002": "local_authority_area"},
    organisations={"ORG1": "nhs", "CARE1": "independent"},
    resolve_identifiers=lambda keys: {},
    extract_date=dt.date(2025, 3, 31),
)
HEADERS = [c.header for c in FORMATS["esr"].columns]


def esr_rows(n: int) -> list[dict[str, str]]:
    return [
        {
            "Organisation Code": "ORG1",
            "Assignment Number": f"{i:03d}",  # leading zeros must survive
            "Employee Number": f"00{i}",
            "NI Number": f"AB{i:06d}C" if i % 3 else "",
            "Registration Number": "",
            "Date of Birth": f"19{60 + i % 30}-0{1 + i % 9}-1{i % 9}",
            "Sex": ["female", "male", "Not Stated"][i % 3],
            "Ethnicity": "Gwyn, Cymreig" if i % 2 else "",  # a comma inside a value
            "Disability": "no",
            "Welsh Language Level": str(i % 6),
            "Nationality": "Cymru\nWales" if i == 1 else "British",  # a line break inside a value
            "International Recruit": "Y" if i % 4 == 0 else "N",
            "Occupation Code": ["OC001", "OC005", "OC012"][i % 3],
            "Area Code": "W06000001" if i % 2 else "W06000002",
            "Setting": "hospital",
            "Pay Band": ["3", "5", "8a"][i % 3],
            "FTE": ["1", "0.8", "0.53"][i % 3],
            "Contract Type": "permanent",
            "Contracted Hours": ["37.5", "30", "20"][i % 3],
            "Start Date": f"2020-0{1 + i % 9}-0{1 + i % 9}",
            "End Date": "2024-12-31" if i % 5 == 0 else "",
            "Leaving Reason": "retirement" if i % 10 == 0 else "",
        }
        for i in range(1, n + 1)
    ]


def write_csv(path: Path, rows: list[dict[str, str]], *, line_end: str = "\n") -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, HEADERS, lineterminator=line_end)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path,
    rows: list[dict[str, object]],
    *,
    sheets: tuple[str, ...] = ("Sheet1",),
    data_sheet: str = "Sheet1",
    first_row: int = 0,
) -> Path:
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name in sheets:
        ws = book.add_worksheet(name)
        if name != data_sheet:
            ws.write_row(0, 0, ["Something else entirely"])
            continue
        ws.write_row(first_row, 0, HEADERS)
        for i, r in enumerate(rows, start=first_row + 1):
            for j, h in enumerate(HEADERS):
                value = r[h]
                if isinstance(value, dt.date):
                    ws.write_datetime(i, j, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, (int, float)):
                    ws.write_number(i, j, value)
                elif value != "":
                    ws.write_string(i, j, str(value))
    book.close()
    return path


def assert_same_batch(a: ImportBatch, b: ImportBatch) -> None:
    assert a.rows == b.rows
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        assert_frame_equal(a.tables[name], b.tables[name])


def test_the_same_content_as_csv_and_as_xlsx_gives_the_same_tables(tmp_path: Path) -> None:
    rows = esr_rows(40)
    from_csv = read_source("esr", write_csv(tmp_path / "esr.csv", rows), CONTEXT)
    from_xlsx = read_source(
        "esr", write_xlsx(tmp_path / "esr.xlsx", [dict(r) for r in rows]), CONTEXT
    )
    assert_same_batch(from_csv, from_xlsx)
    posts = from_csv.tables["posts"]
    assert posts["post_ref"][:3].to_list() == ["001", "002", "003"]
    assert posts.height == 40


def test_excel_numbers_and_date_cells_read_like_their_text(tmp_path: Path) -> None:
    rows = esr_rows(40)
    typed: list[dict[str, object]] = []
    for r in rows:
        t: dict[str, object] = dict(r)
        t["Start Date"] = dt.date.fromisoformat(r["Start Date"])  # a real date cell
        t["Date of Birth"] = dt.date.fromisoformat(r["Date of Birth"])
        t["FTE"] = float(r["FTE"])  # number cells
        t["Contracted Hours"] = float(r["Contracted Hours"])
        t["Welsh Language Level"] = int(r["Welsh Language Level"])
        typed.append(t)
    from_csv = read_source("esr", write_csv(tmp_path / "esr.csv", rows), CONTEXT)
    from_xlsx = read_source("esr", write_xlsx(tmp_path / "esr.xlsx", typed), CONTEXT)
    assert_same_batch(from_csv, from_xlsx)


def test_an_excel_serial_day_number_in_a_date_column_is_a_date(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [dict(r) for r in esr_rows(1)]
    rows[0]["Start Date"] = 45382  # 2024-03-31 in Excel's day numbering
    batch = read_source("esr", write_xlsx(tmp_path / "esr.xlsx", rows), CONTEXT)
    assert batch.tables["posts"]["start_date"].to_list() == [dt.date(2024, 3, 31)]


def test_a_serial_day_number_in_a_csv_is_not_a_date(tmp_path: Path) -> None:
    rows = esr_rows(1)
    rows[0]["Start Date"] = "45382"
    with pytest.raises(ValidationFailed) as failed:
        read_source("esr", write_csv(tmp_path / "esr.csv", rows), CONTEXT)
    assert failed.value.problems[0].reason.startswith("not a date")


def test_the_sheet_named_after_the_kind_is_read(tmp_path: Path) -> None:
    rows = esr_rows(3)
    path = write_xlsx(
        tmp_path / "book.xlsx", [dict(r) for r in rows], sheets=("Notes", "ESR"), data_sheet="ESR"
    )
    assert read_source("esr", path, CONTEXT).tables["posts"].height == 3


def test_otherwise_the_first_sheet_is_read(tmp_path: Path) -> None:
    rows = esr_rows(3)
    path = write_xlsx(
        tmp_path / "book.xlsx",
        [dict(r) for r in rows],
        sheets=("Staff", "Notes"),
        data_sheet="Staff",
    )
    assert read_source("esr", path, CONTEXT).tables["posts"].height == 3


def test_excel_row_numbers_count_rows_above_the_header(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [dict(r) for r in esr_rows(3)]
    rows[1]["FTE"] = "1.6"
    path = write_xlsx(tmp_path / "esr.xlsx", rows, first_row=2)  # header in row 3
    with pytest.raises(ValidationFailed) as failed:
        read_source("esr", path, CONTEXT)
    [problem] = failed.value.problems
    assert (problem.row, problem.column, problem.value) == (5, "FTE", "1.6")


def test_excel_blank_rows_keep_row_numbers(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [dict(r) for r in esr_rows(2)]
    blank: dict[str, object] = dict.fromkeys(HEADERS, "")
    rows[1]["FTE"] = "1.6"
    path = write_xlsx(tmp_path / "esr.xlsx", [rows[0], blank, rows[1]])
    with pytest.raises(ValidationFailed) as failed:
        read_source("esr", path, CONTEXT)
    assert [(p.row, p.column) for p in failed.value.problems] == [(4, "FTE")]


def test_windows_line_endings(tmp_path: Path) -> None:
    rows = esr_rows(5)
    unix = read_source("esr", write_csv(tmp_path / "unix.csv", rows), CONTEXT)
    windows = read_source("esr", write_csv(tmp_path / "win.csv", rows, line_end="\r\n"), CONTEXT)
    assert_same_batch(unix, windows)


def test_quoted_values_keep_their_commas_and_line_breaks(tmp_path: Path) -> None:
    batch = read_source("esr", write_csv(tmp_path / "esr.csv", esr_rows(2)), CONTEXT)
    persons = batch.tables["persons"]
    assert persons["ethnicity"].to_list()[0] == "Gwyn, Cymreig"
    assert persons["nationality"].to_list()[0] == "Cymru\nWales"


def test_an_empty_workbook(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "empty.xlsx"))
    book.add_worksheet()
    book.close()
    with pytest.raises(ValidationFailed) as failed:
        read_source("esr", tmp_path / "empty.xlsx", CONTEXT)
    assert failed.value.problems[0].reason.startswith("the file is empty")


def test_a_workbook_with_only_a_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "esr.xlsx", [])
    with pytest.raises(ValidationFailed) as failed:
        read_source("esr", path, CONTEXT)
    assert [p.reason for p in failed.value.problems] == [
        "the file has a header row but no data rows"
    ]


def test_a_large_csv_reads_every_row(tmp_path: Path) -> None:
    rows = esr_rows(40) * 250
    for i, r in enumerate(rows):
        r = rows[i] = dict(r)
        r["Assignment Number"] = f"X{i}"
    batch = read_source("esr", write_csv(tmp_path / "esr.csv", rows), CONTEXT)
    assert batch.rows == 10_000
    posts = batch.tables["posts"]
    assert posts.height == 10_000
    assert posts["person_key"].n_unique() == batch.tables["persons"].height
    assert isinstance(posts, pl.DataFrame)

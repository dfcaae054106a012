"""Problems with a file as a whole: kind, path, type, encoding, emptiness, header row."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from test_ingest_support import ESR_ROW, make_context, row, write_csv

from careforce.domain import UserError, ValidationFailed
from careforce.ingest import read_source


def _only_problem(kind: str, path: Path) -> str:
    with pytest.raises(ValidationFailed) as failed:
        read_source(kind, path, make_context())
    assert len(failed.value.problems) == 1, failed.value.problems
    problem = failed.value.problems[0]
    assert problem.file == path.name
    return problem.reason


def test_an_unknown_kind_lists_the_kinds(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [ESR_ROW])
    with pytest.raises(UserError, match=r"unknown kind of file 'payroll'.*esr, social_care"):
        read_source("payroll", path, make_context())


def test_a_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        read_source("esr", tmp_path / "absent.csv", make_context())


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a file"):
        read_source("esr", tmp_path, make_context())


@pytest.mark.parametrize("suffix", [".txt", ".xls", ".json", ""])
def test_an_unsupported_file_type(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"staff{suffix}"
    path.write_text("Organisation Code\nORG1\n", encoding="utf-8")
    reason = _only_problem("esr", path)
    assert reason.startswith("unsupported file type")
    assert "CSV UTF-8" in reason and ".xlsx" in reason


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert _only_problem("esr", path).startswith("the file is empty")


def test_a_file_of_blank_lines_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n\r\n  \n")
    assert _only_problem("esr", path).startswith("the file is empty")


def test_a_header_row_without_data(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(",".join(ESR_ROW) + "\n", encoding="utf-8")
    assert _only_problem("esr", path) == "the file has a header row but no data rows"


def test_a_header_row_followed_by_blank_rows_has_no_data(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(",".join(ESR_ROW) + "\n" + "," * (len(ESR_ROW) - 1) + "\n\n", encoding="utf-8")
    assert _only_problem("esr", path) == "the file has a header row but no data rows"


def test_no_header_row(tmp_path: Path) -> None:
    path = tmp_path / "noheader.csv"
    path.write_text(",".join(ESR_ROW.values()) + "\n", encoding="utf-8")
    reason = _only_problem("esr", path)
    assert "the first row is not the header row" in reason
    assert "expected columns: Organisation Code, Assignment Number" in reason


def test_semicolon_separated_values_get_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text(";".join(ESR_ROW) + "\n" + ";".join(ESR_ROW.values()) + "\n", encoding="utf-8")
    assert "separated by ';'" in _only_problem("esr", path)


def test_latin_1_text_is_not_utf_8(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "latin.csv", [row(ESR_ROW, Ethnicity="Gwyn Cymreig é")], encoding="latin-1"
    )
    reason = _only_problem("esr", path)
    assert reason.startswith("not UTF-8 text: byte 0xE9 in line 2")
    assert "save it as CSV UTF-8" in reason


def test_utf_16_text_is_not_utf_8(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "utf16.csv", [ESR_ROW], encoding="utf-16")
    assert _only_problem("esr", path).startswith("not UTF-8 text: the file is UTF-16")


def test_a_utf_8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", [ESR_ROW], encoding="utf-8-sig")
    assert read_source("esr", path, make_context()).tables["posts"].height == 1


def test_an_excel_workbook_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert "this is an Excel workbook" in _only_problem("esr", path)


def test_a_csv_file_named_xlsx(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "staff.xlsx", [ESR_ROW])
    assert "not an Excel .xlsx workbook" in _only_problem("esr", path)


def test_a_damaged_workbook(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    assert _only_problem("esr", path).startswith("the workbook could not be read")


def test_twenty_megabytes_of_random_bytes_fail_fast(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(os.urandom(20 * 1024 * 1024))
    start = time.perf_counter()
    reason = _only_problem("esr", path)
    elapsed = time.perf_counter() - start
    assert reason.startswith("not UTF-8 text")
    assert elapsed < 5, f"took {elapsed:.1f} s"


def test_a_large_text_file_of_the_wrong_shape_fails_on_its_header(tmp_path: Path) -> None:
    path = tmp_path / "words.csv"
    with path.open("w", encoding="utf-8") as f:
        for i in range(200_000):
            f.write(f"lorem ipsum {i},dolor sit amet\n")
    start = time.perf_counter()
    reason = _only_problem("esr", path)
    assert "the first row is not the header row" in reason
    assert time.perf_counter() - start < 5


def test_a_missing_required_column_names_it(tmp_path: Path) -> None:
    data = {k: v for k, v in ESR_ROW.items() if k != "Start Date"}
    path = write_csv(tmp_path / "esr.csv", [data])
    with pytest.raises(ValidationFailed) as failed:
        read_source("esr", path, make_context())
    [problem] = failed.value.problems
    assert (problem.row, problem.column) == (1, "Start Date")
    assert problem.reason.startswith("missing required column; expected columns: ")
    assert "End Date (optional)" in problem.reason


def test_a_missing_optional_column_is_fine(tmp_path: Path) -> None:
    data = {k: v for k, v in ESR_ROW.items() if k not in ("Ethnicity", "Leaving Reason")}
    batch = read_source("esr", write_csv(tmp_path / "esr.csv", [data]), make_context())
    assert batch.tables["persons"]["ethnicity"].to_list() == [None]


def test_an_unknown_column_names_it(tmp_path: Path) -> None:
    data = {**ESR_ROW, "Shoe Size": "9"}
    with pytest.raises(ValidationFailed) as failed:
        read_source("esr", write_csv(tmp_path / "esr.csv", [data]), make_context())
    [problem] = failed.value.problems
    assert (problem.row, problem.column) == (1, "Shoe Size")
    assert problem.reason.startswith("unknown column; expected columns: Organisation Code")


def test_a_column_given_twice(tmp_path: Path) -> None:
    headers = [*ESR_ROW, "fte"]
    path = write_csv(tmp_path / "esr.csv", [ESR_ROW], headers=headers)
    with pytest.raises(ValidationFailed) as failed:
        read_source("esr", path, make_context())
    [problem] = failed.value.problems
    assert problem.column == "fte"
    assert problem.reason.startswith("column appears twice")


def test_headers_match_whatever_their_case_and_spacing(tmp_path: Path) -> None:
    data = {f"  {k.upper().replace(' ', '_')} ": v for k, v in ESR_ROW.items()}
    batch = read_source("esr", write_csv(tmp_path / "esr.csv", [data]), make_context())
    assert batch.tables["posts"]["post_ref"].to_list() == ["A001"]


def test_columns_may_come_in_any_order(tmp_path: Path) -> None:
    headers = list(reversed(ESR_ROW))
    path = write_csv(tmp_path / "esr.csv", [ESR_ROW], headers=headers)
    assert read_source("esr", path, make_context()).tables["posts"].height == 1


def test_a_row_with_too_many_values(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "esr.csv", [ESR_ROW, row(ESR_ROW, Assignment_Number="A002")])
    with path.open("a", encoding="utf-8") as f:
        f.write(",".join(ESR_ROW.values()) + ",extra,values\n")
    with pytest.raises(ValidationFailed) as failed:
        read_source("esr", path, make_context())
    [problem] = failed.value.problems
    assert problem.row == 4
    assert "this row has 24 values but the header has 22 columns" in problem.reason


def test_values_without_a_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "esr.csv", [{**ESR_ROW, "": "surprise"}])
    with pytest.raises(ValidationFailed) as failed:
        read_source("esr", path, make_context())
    [problem] = failed.value.problems
    assert problem.reason == f"column {len(ESR_ROW) + 1} has values but no header"


def test_an_empty_column_without_a_header_is_ignored(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "esr.csv", [{**ESR_ROW, "": ""}])
    assert read_source("esr", path, make_context()).tables["posts"].height == 1


def test_the_batch_describes_the_file(tmp_path: Path) -> None:
    import hashlib

    path = write_csv(tmp_path / "esr.csv", [ESR_ROW, row(ESR_ROW, Assignment_Number="A002")])
    batch = read_source("esr", path, make_context())
    assert batch.file_name == "esr.csv"
    assert batch.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert batch.rows == 2
    assert batch.unmapped_role_codes == ()


def test_blank_values_beyond_the_header_are_harmless(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "esr.csv", [ESR_ROW])
    with path.open("a", encoding="utf-8") as f:
        f.write(",".join(row(ESR_ROW, Assignment_Number="A002").values()) + ",,\n")
    assert read_source("esr", path, make_context()).tables["posts"].height == 2

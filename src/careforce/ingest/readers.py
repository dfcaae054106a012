"""Readers for the two file types users send: CSV (UTF-8) and Excel workbooks (.xlsx).

Every value is read as text, stripped, and a blank becomes null: types are parsed in validation,
so "007" stays "007". A file is judged on its encoding and its header row before any data row is
parsed, so a binary or foreign file fails in well under a second whatever its size. Column headers
match the format's headers (or field names) ignoring case, spaces, underscores and hyphens.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from careforce.ingest.formats import SourceFormat, ValueType
from careforce.ingest.problems import ROW, ProblemLog

SUPPORTED_SUFFIXES = (".csv", ".xlsx")
_CHUNK = 1 << 20
_SAVE_AS = "save it as CSV UTF-8 (comma-separated) or as an Excel workbook (.xlsx)"
_ZIP_MAGIC = b"PK\x03\x04"
_EXCEL_EPOCH_SERIAL_MAX = 2958465  # 9999-12-31
_EXCEL_DAY_ZERO = dt.date(1899, 12, 30)  # Excel day 1 is 1900-01-01 (after its 1900 leap-day slip)


@dataclass(frozen=True)
class RawTable:
    """The file's data rows as text: one Utf8 column per format field found, plus ROW."""

    frame: pl.DataFrame
    headers: Mapping[str, str]  # field -> the header as written in the file
    rows: int  # data rows in the file (blank rows left out)
    sha256: str


def header_key(text: str) -> str:
    """How headers are compared: case, spaces, underscores and hyphens do not count."""
    return re.sub(r"[\s_\-]+", "", text).casefold()


def expected_columns(fmt: SourceFormat) -> str:
    return ", ".join(f"{c.header}{'' if c.required else ' (optional)'}" for c in fmt.columns)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_raw(fmt: SourceFormat, path: Path, log: ProblemLog) -> RawTable | None:
    """The file's rows as text, or None (with the reasons logged) when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(fmt, path, log)
    if suffix == ".xlsx":
        return _read_xlsx(fmt, path, log)
    hint = ""
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods", ".numbers"):
        hint = f" ({suffix} workbooks are not read)"
    log.add(f"unsupported file type {suffix or '(none)'!r}{hint}: {_SAVE_AS}")
    return None


# -- CSV ---------------------------------------------------------------------------------------


def _read_csv(fmt: SourceFormat, path: Path, log: ProblemLog) -> RawTable | None:
    checked = _check_text(path, log)
    if checked is None:
        return None
    sha, head = checked
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    if not text.strip():
        log.add("the file is empty: the first row must hold the column headers")
        return None
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except csv.Error as e:
        log.add(f"the first row could not be read as CSV ({e}): {_SAVE_AS}")
        return None
    if len(head) == _CHUNK and "\n" not in text:
        log.add("the first megabyte holds no line break: this is not a CSV file with a header row")
        return None
    fields = _match_header(fmt, header, log)
    if fields is None:
        return None
    try:
        frame = _polars_csv(path)
    except (pl.exceptions.PolarsError, OSError) as e:
        if not _only_blank_extras(path, len(header), str(e), log):
            return None
        frame = _polars_csv(path, truncate_ragged_lines=True)
    if frame.width != len(header):
        log.add(f"the header row has {len(header)} columns but {frame.width} were read: {_SAVE_AS}")
        return None
    frame = frame.rename(
        dict(zip(frame.columns, [f"_c{i}" for i in range(frame.width)], strict=True))
    )
    return _finish(fmt, frame, header, fields, 0, sha, log)


def _check_text(path: Path, log: ProblemLog) -> tuple[str, bytes] | None:
    """(sha256, first chunk) of a file that is UTF-8 text throughout, else None with the reason."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    with path.open("rb") as f:
        head = f.read(_CHUNK)
        reason = _sniff(head)
        if reason is not None:
            log.add(reason)
            return None
        chunk = head
        while chunk:
            digest.update(chunk)
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as e:
                row = lines + chunk.count(b"\n", 0, e.start) + 1
                log.add(
                    f"not UTF-8 text: byte 0x{chunk[e.start]:02X} in line {row} is not UTF-8; "
                    "save it as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')"
                )
                return None
            lines += chunk.count(b"\n")
            chunk = f.read(_CHUNK)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            log.add(
                "not UTF-8 text: the file ends in the middle of a character; save it as CSV UTF-8"
            )
            return None
    return digest.hexdigest(), head


def _sniff(head: bytes) -> str | None:
    if not head or not head.lstrip(b"\xef\xbb\xbf \t\r\n"):
        return "the file is empty: the first row must hold the column headers"
    if head.startswith(_ZIP_MAGIC):
        return "this is an Excel workbook or another zip file, not CSV text: name it .xlsx or save it as CSV UTF-8"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "not UTF-8 text: the file is UTF-16 ('Unicode text'); save it as CSV UTF-8"
    if b"\x00" in head:
        return "not UTF-8 text: the file holds binary data; save it as CSV UTF-8"
    return None


def _polars_csv(path: Path, *, truncate_ragged_lines: bool = False) -> pl.DataFrame:
    return pl.read_csv(
        path,
        has_header=True,
        infer_schema=False,
        encoding="utf8",
        raise_if_empty=False,
        truncate_ragged_lines=truncate_ragged_lines,
    )


def _only_blank_extras(path: Path, width: int, message: str, log: ProblemLog) -> bool:
    """After a parse error: True when the only fault is blank values beyond the header's columns
    (trailing commas, harmless); otherwise log the rows with too many values, or the error."""
    ragged: list[tuple[int, int]] = []
    blank_extras = False
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        try:
            next(reader)
            for i, record in enumerate(reader, start=2):
                if len(record) > width:
                    if any(v.strip() for v in record[width:]):
                        ragged.append((i, len(record)))
                    else:
                        blank_extras = True
        except csv.Error as e:
            log.add(f"the file could not be read as CSV ({e}): {_SAVE_AS}")
            return False
    for row, n in ragged:
        log.add(
            f"this row has {n} values but the header has {width} columns "
            "(a comma inside a value must be in double quotes)",
            row=row,
        )
    if ragged:
        return False
    if not blank_extras:
        first = message.strip().splitlines()[0] if message.strip() else "unknown error"
        log.add(f"the file could not be read as CSV ({first}): {_SAVE_AS}")
        return False
    return True


# -- Excel -------------------------------------------------------------------------------------


def _read_xlsx(fmt: SourceFormat, path: Path, log: ProblemLog) -> RawTable | None:
    with path.open("rb") as f:
        head = f.read(8)
    if not head:
        log.add("the file is empty: the first row must hold the column headers")
        return None
    if not head.startswith(_ZIP_MAGIC):
        log.add("not an Excel .xlsx workbook (a CSV file should be named .csv)")
        return None
    try:
        sheets = _sheet_names(path)
        sheet = next((s for s in sheets if header_key(s) == header_key(fmt.kind)), sheets[0])
        frame = pl.read_excel(
            path,
            engine="calamine",
            sheet_name=sheet,
            has_header=False,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except Exception as e:  # the Excel engine raises its own error types for damaged files
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        log.add(f"the workbook could not be read ({first}): {_SAVE_AS}")
        return None
    if frame.height == 0:
        log.add("the file is empty: the first row must hold the column headers")
        return None
    frame = frame.select(pl.all().cast(pl.Utf8))
    frame = frame.rename(
        dict(zip(frame.columns, [f"_c{i}" for i in range(frame.width)], strict=True))
    )
    header = ["" if v is None else str(v) for v in frame.row(0)]
    fields = _match_header(fmt, header, log)
    if fields is None:
        return None
    offset = _first_used_row(path, sheet) - 1
    sha = file_sha256(path)
    return _finish(fmt, frame.slice(1), header, fields, offset, sha, log, excel=True)


def _sheet_names(path: Path) -> list[str]:
    import fastexcel

    names = list(fastexcel.read_excel(path).sheet_names)
    if not names:
        raise ValueError("the workbook has no sheets")
    return names


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _first_used_row(path: Path, sheet: str) -> int:
    """The worksheet row (1-based) of the first cell with a value, so row numbers match Excel's.

    The Excel engine starts a sheet at its first used row; a header in row 3 would otherwise be
    reported as row 1. Any difficulty reading the parts falls back to 1.
    """
    try:
        with zipfile.ZipFile(path) as z:
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            rid = next(
                s.get(f"{{{_NS['r']}}}id")
                for s in book.iter(f"{{{_NS['m']}}}sheet")
                if s.get("name") == sheet
            )
            target = next(
                r.get("Target")
                for r in rels.iter(f"{{{_NS['p']}}}Relationship")
                if r.get("Id") == rid
            )
            if target is None:
                return 1
            name = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            with z.open(name) as part:
                for _, element in ElementTree.iterparse(part):
                    if element.tag == f"{{{_NS['m']}}}row" and any(
                        c.find("m:v", _NS) is not None or c.find("m:is", _NS) is not None
                        for c in element.iter(f"{{{_NS['m']}}}c")
                    ):
                        return int(element.get("r") or 1)
    except (KeyError, StopIteration, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return 1
    return 1


def _excel_date(expr: pl.Expr) -> pl.Expr:
    """Excel date cells arrive as '2024-03-31 00:00:00' or as a serial day number: make them ISO."""
    stamp = expr.str.extract(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", 1)
    is_serial = expr.str.contains(r"^\d{1,7}(\.\d+)?$")
    serial = expr.cast(pl.Float64, strict=False).floor().cast(pl.Int64, strict=False)
    day = (pl.lit(_EXCEL_DAY_ZERO) + pl.duration(days=serial)).dt.to_string("%Y-%m-%d")
    from_serial = pl.when(is_serial & serial.is_between(1, _EXCEL_EPOCH_SERIAL_MAX)).then(day)
    return pl.coalesce(stamp, from_serial, expr)


# -- header and rows ---------------------------------------------------------------------------


def _match_header(fmt: SourceFormat, header: list[str], log: ProblemLog) -> dict[int, str] | None:
    """Column position -> field for every recognised header; None when the header is unusable."""
    by_key: dict[str, str] = {}
    for c in fmt.columns:
        by_key[header_key(c.header)] = c.field
        by_key[header_key(c.field)] = c.field
    expected = expected_columns(fmt)
    named = [(i, h.strip()) for i, h in enumerate(header) if h.strip()]
    if not named:
        log.add(f"the first row is blank: it must hold the column headers ({expected})", row=1)
        return None
    matched = {i: by_key[header_key(h)] for i, h in named if header_key(h) in by_key}
    if not matched:
        hint = ""
        if len(named) == 1 and (";" in named[0][1] or "\t" in named[0][1]):
            hint = " (values seem to be separated by ';' or tabs: save it as comma-separated CSV UTF-8)"
        log.add(
            f"the first row is not the header row of the {fmt.title} format{hint}; "
            f"expected columns: {expected}",
            row=1,
        )
        return None
    ok = True
    seen: dict[str, int] = {}
    for i, h in named:
        field = matched.get(i)
        if field is None:
            log.add(
                f"unknown column{_guess(fmt, h)}; expected columns: {expected}", row=1, column=h
            )
            ok = False
        elif field in seen:
            log.add(f"column appears twice (also column {seen[field] + 1})", row=1, column=h)
            ok = False
        else:
            seen[field] = i
    for c in fmt.columns:
        if c.required and c.field not in seen:
            log.add(
                f"missing required column; expected columns: {expected}", row=1, column=c.header
            )
            ok = False
    return {i: f for f, i in seen.items()} if ok else None


def _guess(fmt: SourceFormat, header: str) -> str:
    """' (did you mean 'X'?)' for a header close to one of the format's, else ''."""
    names = {header_key(c.header): c.header for c in fmt.columns}
    close = difflib.get_close_matches(header_key(header), list(names), n=1, cutoff=0.75)
    return f" (did you mean {names[close[0]]!r}?)" if close else ""


def _finish(
    fmt: SourceFormat,
    frame: pl.DataFrame,
    header: list[str],
    fields: dict[int, str],
    offset: int,
    sha: str,
    log: ProblemLog,
    *,
    excel: bool = False,
) -> RawTable | None:
    """Keep the recognised columns, strip values, number rows, drop blank rows."""
    if frame.height == 0:
        log.add("the file has a header row but no data rows")
        return None
    unnamed = [f"_c{i}" for i, h in enumerate(header) if not h.strip() and i < frame.width]
    if unnamed:
        holding = frame.select(
            (pl.col(n).str.strip_chars().str.len_chars() > 0).any().alias(n) for n in unnamed
        ).row(0, named=True)
        for name in (n for n, has_values in holding.items() if has_values):
            log.add(f"column {int(name[2:]) + 1} has values but no header", row=1)
        if any(holding.values()):
            return None
    dates = {c.field for c in fmt.columns if c.type is ValueType.DATE}
    columns = []
    for i, field in sorted(fields.items()):
        value = pl.col(f"_c{i}").str.strip_chars()
        value = pl.when(value.str.len_chars() > 0).then(value)
        if excel and field in dates:
            value = _excel_date(value)
        columns.append(value.alias(field))
    out = frame.select(*columns, (pl.int_range(pl.len(), dtype=pl.Int64) + 2 + offset).alias(ROW))
    out = out.filter(pl.any_horizontal(pl.all().exclude(ROW).is_not_null()))
    if out.height == 0:
        log.add("the file has a header row but no data rows")
        return None
    headers = {field: header[i].strip() for i, field in fields.items()}
    return RawTable(out, headers, out.height, sha)

"""The source formats as Markdown: the text of docs/formats.md, generated, never written by hand."""

from __future__ import annotations

from careforce.ingest.batch import KIND_TABLES
from careforce.ingest.formats import FORMATS, Column, SourceFormat, ValueType

_TYPE_TEXT = {
    ValueType.TEXT: "text",
    ValueType.CODE: "code",
    ValueType.INTEGER: "whole number",
    ValueType.NUMBER: "number",
    ValueType.DATE: "date",
    ValueType.YES_NO: "yes/no",
    ValueType.CHOICE: "choice",
    ValueType.IDENTIFIER: "identifier (pseudonymised)",
}

_INTRO = """\
# Source formats

Every file careforce imports follows one of the formats below. A file is CSV (UTF-8; in Excel,
"Save As > CSV UTF-8") or an Excel workbook (.xlsx: the sheet named after the kind, else the first
sheet). The first row holds the column headers; they match whatever their case and spacing, and
columns may come in any order. A column not listed is refused, so that nothing is silently
ignored.

Values:

- dates are `2024-03-31` or `31/03/2024` (Excel date cells are read as dates); dates before 1900
  are refused, and so are dates after the extract date except end and expiry dates;
- yes/no is `Y`/`N` (also yes/no, true/false, 1/0);
- a choice is one of the listed values, in any case, with spaces or underscores;
- codes are letters, digits and `_ . - /`, starting with a letter or digit;
- identifiers (NI number, registration number, staff number) are replaced at import by a keyed
  hash and are never stored (spaces and case do not matter).

An import is all or nothing: a file with any problem writes nothing, and every problem is listed
with its row (as a spreadsheet numbers it, the header being row 1), column and value.
"""


def _allowed(col: Column) -> str:
    if col.type is ValueType.CHOICE:
        return ", ".join(f"`{c}`" for c in col.choices)
    if col.type is ValueType.YES_NO:
        return "Y, N"
    if col.low is not None and col.high is not None:
        return f"{col.low:g} to {col.high:g}"
    if col.low is not None:
        return f"at least {col.low:g}"
    if col.high is not None:
        return f"at most {col.high:g}"
    if col.max_length is not None:
        return f"up to {col.max_length} characters"
    return ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(fmt: SourceFormat) -> str:
    """One format as a Markdown section: title, description, and its table of columns."""
    lines = [
        f"## {fmt.title}",
        "",
        f"Kind: `{fmt.kind}` (`careforce import {fmt.kind} FILE`). {fmt.description}",
        "",
    ]
    notes = []
    if fmt.key_columns:
        keys = ", ".join(fmt.column(k).header for k in fmt.key_columns)
        notes.append(f"Each row is identified by {keys}: a repeat is refused.")
    if fmt.role_scheme:
        notes.append(
            f"Role codes are mapped to framework roles through the `{fmt.role_scheme}` scheme of "
            "the role mapping (a framework role id is accepted as it is); an unmapped code is "
            "refused."
        )
    tables = ", ".join(f"`{t}`" for t in KIND_TABLES.get(fmt.kind, ()))
    if tables:
        notes.append(f"Writes: {tables}.")
    if notes:
        lines += [" ".join(notes), ""]
    lines += [
        "| Header | Required | Type | Allowed values | Description |",
        "|---|---|---|---|---|",
    ]
    for c in fmt.columns:
        lines.append(
            f"| {_cell(c.header)} | {'yes' if c.required else 'no'} | {_TYPE_TEXT[c.type]} | "
            f"{_cell(_allowed(c))} | {_cell(c.description)} |"
        )
    return "\n".join(lines) + "\n"


def formats_markdown() -> str:
    """Every documented source format, as one Markdown document."""
    sections = [format_markdown(f) for f in FORMATS.values()]
    return _INTRO + "\n" + "\n".join(sections)

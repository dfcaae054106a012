"""The generated documentation of source formats, and the formats' own consistency."""

from __future__ import annotations

import pytest

from careforce.ingest import FORMATS, KIND_TABLES, formats_markdown
from careforce.ingest.docs import format_markdown
from careforce.ingest.formats import ValueType
from careforce.ingest.readers import header_key
from careforce.ingest.validate import choice_key


def test_every_format_is_a_section_with_every_column() -> None:
    text = formats_markdown()
    assert text.startswith("# Source formats")
    for fmt in FORMATS.values():
        assert f"## {fmt.title}" in text
        assert f"`careforce import {fmt.kind} FILE`" in text
        for column in fmt.columns:
            assert f"| {column.header} |" in text


def test_a_section_lists_header_required_type_allowed_values_and_description() -> None:
    text = format_markdown(FORMATS["esr"])
    assert "| Header | Required | Type | Allowed values | Description |" in text
    assert "| FTE | yes | number | 0 to 1.5 | Whole-time equivalent of the assignment |" in text
    assert "| Setting | yes | choice | `hospital`, `community`," in text
    assert "| NI Number | no | identifier (pseudonymised) |" in text
    assert "Each row is identified by Organisation Code, Assignment Number" in text
    assert "`esr` scheme" in text


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_headers_and_field_names_are_unambiguous(kind: str) -> None:
    fmt = FORMATS[kind]
    owners: dict[str, str] = {}
    for column in fmt.columns:
        for name in {header_key(column.header), header_key(column.field)}:
            assert owners.setdefault(name, column.field) == column.field, name


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_choices_are_unambiguous_and_key_columns_exist(kind: str) -> None:
    fmt = FORMATS[kind]
    for column in fmt.columns:
        if column.type is ValueType.CHOICE:
            keys = [choice_key(c) for c in column.choices]
            assert len(set(keys)) == len(keys), column.header
    for field in fmt.key_columns:
        assert fmt.column(field).required, field
    assert kind in KIND_TABLES

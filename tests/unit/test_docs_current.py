"""Documentation generated from code is current (regenerate with `make docs`)."""

from pathlib import Path

from careforce.ingest.docs import formats_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_formats_reference_matches_the_column_specifications() -> None:
    committed = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    assert committed == formats_markdown(), "docs/formats.md is stale: run `make docs`"

"""Pieces shared by the report's projection sections (required and projected workforce): rows of a
summary table by key in one year, a signed change, and the central-run table of groups by area."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from careforce.report.tables import Cell, RowView, TableView

Format = Callable[[float], str]


def rows_by_key(frame: pl.DataFrame, key: str, year: int) -> dict[str, dict[str, Any]]:
    """The rows of `year`, by their `key` column."""
    return {str(r[key]): r for r in frame.filter(pl.col("year") == year).iter_rows(named=True)}


def signed_change(base: float, last: float, fmt: Format) -> str:
    """The change of the central run, signed, with its percent of the base when there is one."""
    difference = last - base
    text = fmt(difference)
    text = text if text.startswith("-") else f"+{text}"
    if base > 0:
        text += f" ({100 * difference / base:+.1f}%)"
    return text


def group_by_area_table(
    *,
    table_id: str,
    caption: str,
    row_heading: str,
    total_label: str,
    groups: Sequence[tuple[str, str]],
    areas: Sequence[str],
    area_labels: Mapping[str, str],
    cell: Callable[[str, str], float],
    group_total: Callable[[str], float],
    area_total: Callable[[str], float],
    grand_total: float,
    fmt: Format,
) -> TableView:
    """Central values of each group (key, label) in each area, with group, area and grand totals."""
    rows = tuple(
        RowView(
            key,
            label,
            (*(Cell(fmt(cell(key, a))) for a in areas), Cell(fmt(group_total(key)))),
        )
        for key, label in groups
    )
    total_row = RowView(
        "total",
        total_label,
        (*(Cell(fmt(area_total(a))) for a in areas), Cell(fmt(grand_total))),
    )
    return TableView(
        id=table_id,
        caption=caption,
        columns=(row_heading, *(area_labels.get(a, a) for a in areas), "All areas"),
        rows=rows,
        total=total_row,
    )

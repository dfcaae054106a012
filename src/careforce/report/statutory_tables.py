"""The report's tables on statutory roles (AMHP and section 12 approvals), with disclosure control.

Counts of people go through `careforce.results.disclosure`; FTE beside a hidden count is hidden
with it. The holders themselves (staff-level) are never shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

from careforce.report.format import fmt_fte
from careforce.report.labels import sector_label
from careforce.report.tables import RowView, TableView, cell, count_measure_table, table_note
from careforce.report.training_tables import NO_POST, role_label, row_total_mask
from careforce.results._common import UNASSIGNED
from careforce.results.disclosure import SUPPRESSED, format_count, suppress_counts, suppress_table
from careforce.results.statutory import StatutoryRolesReport

KIND_LABELS = {
    "amhp": "Approved mental health professionals (AMHPs)",
    "section_12": "Section 12(2) approved doctors",
}
KIND_SHORT_LABELS = {"amhp": "AMHPs", "section_12": "Section 12(2) doctors"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def kind_short_label(kind: str) -> str:
    return KIND_SHORT_LABELS.get(kind, kind_label(kind))


def short_date(day: dt.date) -> str:
    return f"{day.day}\u00a0{day:%b}\u00a0{day.year}"


def expiry_table(s: StatutoryRolesReport, threshold: int) -> TableView:
    """Per kind: current holders, how many expire in each coming year, and lapsed last year."""
    years = s.expiries.filter(pl.col("kind") == s.by_kind["kind"][0]).sort("year")
    by_kind = s.by_kind
    wide = s.expiries.pivot(on="year", index="kind", values="expiring")
    year_columns = [str(y) for y in years["year"].to_list()]
    frame = by_kind.join(wide, on="kind", how="left", maintain_order="left")
    with_later = bool(by_kind["expiring_later"].sum())
    columns = [*year_columns, *(["expiring_later"] if with_later else [])]
    body = frame.select(columns).to_numpy().astype(np.int64).reshape(frame.height, len(columns))
    mask, primary, secondary = row_total_mask(body, frame["current_holders"].to_numpy(), threshold)
    lapsed = suppress_counts(frame["lapsed_last_year"].to_list(), total=False, threshold=threshold)
    primary += sum(lapsed.mask)
    rows = []
    for i, r in enumerate(frame.iter_rows(named=True)):
        values = [*body[i], r["current_holders"]]
        text = [SUPPRESSED if mask[i, j] else format_count(v) for j, v in enumerate(values)]
        cells = (cell(text[-1]), *(cell(t) for t in text[:-1]), cell(lapsed.cells[i]))
        rows.append(RowView(r["kind"], kind_short_label(r["kind"]), cells))
    headings = [short_date(d) for d in years["last_day"].to_list()]
    return TableView(
        id="statutory-expiries",
        caption="Current approvals and when they expire",
        columns=(
            "Approval",
            "Current holders",
            *headings,
            *(["Later"] if with_later else []),
            "Lapsed in the last year",
        ),
        rows=tuple(rows),
        note=table_note(primary, secondary, threshold),
        primary=primary,
        secondary=secondary,
        column_groups=(("", 2), ("Expiring in the year to", len(columns)), ("", 1)),
    )


def amhp_fte_table(s: StatutoryRolesReport, threshold: int) -> TableView | None:
    """AMHP holders by where their AMHP time is recorded, with the FTE in the role."""
    found = s.fte_in_role.filter(pl.col("kind") == "amhp")
    if found.is_empty():
        return None
    r = found.row(0, named=True)
    rest = r["current_holders"] - r["holders_in_role_posts"] - r["holders_combined"]
    share = f"{100 * s.combined_amhp_share:.0f}%"
    frame = pl.DataFrame(
        {
            "where": ["role_posts", "combined", "neither"],
            "headcount": [r["holders_in_role_posts"], r["holders_combined"], rest],
            "fte": [r["fte_role_posts"], r["fte_combined"], 0.0],
        }
    )
    labels = {
        "role_posts": "In AMHP posts",
        "combined": f"Within a social work post ({share} of its FTE assumed)",
        "neither": "Neither on the census date",
    }
    return count_measure_table(
        table_id="amhp-fte",
        caption="AMHPs: full-time equivalent in the role",
        frame=frame,
        key="where",
        key_heading="Where the AMHP time is",
        labeller=labels.__getitem__,
        count_heading="People",
        measure_heading="FTE in the role",
        total_count=r["current_holders"],
        total_measure=r["fte_in_role"],
        measure_format=fmt_fte,
        threshold=threshold,
        total_label="All current AMHPs",
        extra_note="FTE beside a hidden count is hidden too.",
    )


def holders_by_role_table(s: StatutoryRolesReport, kind: str, threshold: int) -> TableView | None:
    frame = s.holders_by_role.filter(pl.col("kind") == kind).select("role_id", "holders", "fte")
    total = s.by_kind.filter(pl.col("kind") == kind)
    if frame.is_empty() or total.is_empty():
        return None
    return count_measure_table(
        table_id=f"holders-by-role-{kind.replace('_', '-')}",
        caption=f"{kind_short_label(kind)} by the role they hold",
        frame=frame,
        key="role_id",
        key_heading="Role",
        labeller=role_label,
        count="holders",
        count_heading="People",
        measure_heading="FTE of these posts",
        total_count=int(total["current_holders"][0]),
        total_measure=float(frame["fte"].sum()),
        measure_format=fmt_fte,
        threshold=threshold,
        extra_note="FTE beside a hidden count is hidden too.",
    )


def holders_where_table(
    s: StatutoryRolesReport,
    *,
    frame: pl.DataFrame,
    key: str,
    key_heading: str,
    labeller: Callable[[str], str],
    table_id: str,
    caption: str,
    threshold: int,
) -> TableView:
    """Rows of `key` (areas, sectors), one column of current holders per kind, with totals."""
    kinds = s.by_kind["kind"].to_list()
    wide = frame.pivot(on="kind", index=key, values="holders", aggregate_function="sum")
    for k in kinds:
        if k not in wide.columns:
            wide = wide.with_columns(pl.lit(0, dtype=pl.Int64).alias(k))
    wide = wide.select(key, *kinds).with_columns(pl.col(kinds).fill_null(0))
    totals = dict(s.by_kind.select("kind", "current_holders").iter_rows())
    table = suppress_table(
        wide,
        kinds,
        by_rows=False,
        threshold=threshold,
        column_totals={k: int(totals[k]) for k in kinds},
    )
    records = table.display.select(kinds).rows()
    keys = [str(k) for k in wide[key].to_list()]
    rows = tuple(
        RowView(k, labeller(k), tuple(cell(v) for v in rec))
        for k, rec in zip(keys, records[:-1], strict=True)
    )
    return TableView(
        id=table_id,
        caption=caption,
        columns=(key_heading, *(kind_short_label(k) for k in kinds)),
        rows=rows,
        total=RowView("total", "Total", tuple(cell(v) for v in records[-1])),
        note=table_note(table.primary, table.secondary, threshold),
        primary=table.primary,
        secondary=table.secondary,
    )


def area_label(area: str) -> str:
    return NO_POST if area == UNASSIGNED else area


def holder_sector_label(sector: str) -> str:
    return NO_POST if sector == UNASSIGNED else sector_label(sector)


__all__ = [
    "amhp_fte_table",
    "area_label",
    "expiry_table",
    "holder_sector_label",
    "holders_by_role_table",
    "holders_where_table",
    "kind_label",
    "kind_short_label",
]

"""The report's tables on training compliance, with disclosure control.

Counts of people go through `careforce.results.disclosure`. A compliance rate is hidden wherever
the people it rests on (those compliant, those not, or all who need the target) are hidden, since
with the number needing it would give them back. The gaps list is staff-level and is never shown:
it stays with the organisation that employs the person. Statutory roles: `statutory_tables`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

from careforce.framework.catalogue import role_catalogue
from careforce.report.format import MISSING, fmt_percent
from careforce.report.labels import staff_group_label
from careforce.report.tables import RowView, TableView, cell, table_note
from careforce.results._common import UNASSIGNED
from careforce.results.compliance import GAP_REASONS, ComplianceReport
from careforce.results.disclosure import (
    SUPPRESSED,
    format_count,
    suppress_table,
    suppression_mask,
)
from careforce.results.training_targets import AppliesTo, TrainingTarget

NO_POST = "No post on the census date"
REASON_LABELS = {"no_record": "No record", "expired": "Expired", "not_signed_off": "Not signed off"}


def role_label(role_id: str) -> str:
    if role_id == UNASSIGNED:
        return NO_POST
    role = role_catalogue().get(role_id)
    return role.title if role is not None else role_id


def applies_to_text(a: AppliesTo) -> str:
    """Who a target applies to, in words."""
    if a.all_staff:
        parts = ["All staff in post"]
    else:
        parts = []
        if a.staff_groups:
            parts.append("Staff groups: " + ", ".join(staff_group_label(g) for g in a.staff_groups))
        if a.roles:
            parts.append("Roles: " + ", ".join(role_label(r) for r in a.roles))
        if a.settings:
            parts.append("Anyone working in: " + ", ".join(s.replace("_", " ") for s in a.settings))
    excluded = [staff_group_label(g) for g in a.except_staff_groups]
    excluded += [role_label(r) for r in a.except_roles]
    if excluded:
        parts.append("Except: " + ", ".join(excluded))
    return "; ".join(parts) + "."


def provenance_text(t: TrainingTarget) -> str:
    """Where a target comes from: its source, then the assumption it is applied by."""
    parts = []
    if t.source:
        parts.append(f"Source: {t.source.rstrip('.')}.")
    if t.basis:
        assumption = t.basis.removeprefix("assumption:").strip()
        parts.append(f"Assumption: {assumption[:1].upper()}{assumption[1:].rstrip('.')}.")
    return " ".join(parts)


def targets_table(targets: Sequence[TrainingTarget]) -> TableView:
    rows = tuple(
        RowView(
            t.id,
            t.name,
            (
                cell(", ".join(t.codes), numeric=False),
                cell(applies_to_text(t.applies_to), numeric=False),
                cell(provenance_text(t), numeric=False),
            ),
        )
        for t in targets
    )
    return TableView(
        id="training-targets",
        caption="The training targets checked, who they apply to and where they come from",
        columns=("Target", "Records that count", "Applies to", "Source and assumptions"),
        rows=rows,
        note="A record of any of the codes counts; the first is the target's own level.",
    )


def row_total_mask(
    body: np.ndarray, totals: np.ndarray, threshold: int
) -> tuple[np.ndarray, int, int]:
    """Suppression of rows of counts published with each row's total (the last column)."""
    grid = np.column_stack([body, totals]) if body.size else np.zeros((0, 1), np.int64)
    return suppression_mask(grid, row_totals=True, column_totals=False, threshold=threshold)


def compliance_overview_table(c: ComplianceReport, threshold: int) -> TableView:
    """Per target: staff needing it, compliant, each reason for a gap, and the rate."""
    reasons = c.gaps_by_reason.pivot(on="reason", index="target_id", values="people")
    frame = c.overall.join(reasons, on="target_id", how="left", maintain_order="left")
    columns = ["people_compliant", *GAP_REASONS]
    frame = frame.with_columns(pl.col(columns).fill_null(0))
    body = frame.select(columns).to_numpy().astype(np.int64).reshape(frame.height, len(columns))
    mask, primary, secondary = row_total_mask(body, frame["people_needing"].to_numpy(), threshold)
    rows = []
    for i, r in enumerate(frame.iter_rows(named=True)):
        values = [*body[i], r["people_needing"]]
        text = [SUPPRESSED if mask[i, j] else format_count(v) for j, v in enumerate(values)]
        rate = SUPPRESSED if mask[i].any() else fmt_percent(r["compliance_rate"])
        cells = (cell(text[-1]), cell(text[0]), *(cell(t) for t in text[1:-1]), cell(rate))
        rows.append(RowView(r["target_id"], c.targets.target(r["target_id"]).label, cells))
    hidden_rates = sum(bool(mask[i].any()) for i in range(frame.height))
    return TableView(
        id="compliance-overview",
        caption="Compliance with each training target on the census date",
        columns=(
            "Target",
            "Staff needing it",
            "Compliant",
            *(REASON_LABELS[r] for r in GAP_REASONS),
            "Compliance rate",
        ),
        rows=tuple(rows),
        note=table_note(
            primary,
            secondary,
            threshold,
            "A rate beside a hidden count is hidden too." if hidden_rates else None,
        ),
        primary=primary,
        secondary=secondary,
    )


def _target_cells(
    rates: pl.DataFrame, overall: dict[str, int], key: str, threshold: int
) -> tuple[dict[str, tuple[str, str]], tuple[str, str], int, int]:
    """(needing, rate) text per key and for the whole, for one target, with suppression."""
    frame = rates.select(
        pl.col(key).cast(pl.String),
        "people_compliant",
        (pl.col("people_needing") - pl.col("people_compliant")).alias("not_compliant"),
        "people_needing",
        "compliance_rate",
    )
    needing, compliant = overall["people_needing"], overall["people_compliant"]
    table = suppress_table(
        frame.select(key, "people_compliant", "not_compliant"),
        ["people_compliant", "not_compliant"],
        threshold=threshold,
        row_totals=frame["people_needing"].to_list(),
        column_totals={"people_compliant": compliant, "not_compliant": needing - compliant},
        grand_total=needing,
    )
    shown = table.display["Total"].to_list()
    hidden = table.mask.rows()
    values = [*frame.select("people_compliant", "not_compliant", "people_needing").rows()]
    values.append((compliant, needing - compliant, needing))
    rates_list = [*frame["compliance_rate"].to_list(), compliant / needing if needing else None]
    out: list[tuple[str, str]] = []
    primary = secondary = 0
    for i, h in enumerate(hidden):
        small = [0 < v < threshold for v in values[i]]
        if h[2]:
            primary += small[2]
            secondary += not small[2]
        rate = fmt_percent(rates_list[i])
        if any(h):
            rate = SUPPRESSED
            primary += small[0] or small[1]
            secondary += not (small[0] or small[1])
        out.append((shown[i], rate))
    keys = frame[key].to_list()
    return dict(zip(keys, out[:-1], strict=True)), out[-1], primary, secondary


def compliance_matrix_table(
    c: ComplianceReport,
    *,
    rates: pl.DataFrame,
    key: str,
    key_heading: str,
    labeller: Callable[[str], str],
    table_id: str,
    caption: str,
    threshold: int,
) -> TableView:
    """Rows of `key` (staff groups, areas), two columns per target: staff needing it, rate."""
    keys = [str(k) for k in rates[key].unique(maintain_order=True).to_list()]
    per_target = []
    primary = secondary = 0
    for t in c.targets.targets:
        overall = c.overall.filter(pl.col("target_id") == t.id).row(0, named=True)
        cells, total, p, s = _target_cells(
            rates.filter(pl.col("target_id") == t.id), overall, key, threshold
        )
        per_target.append((cells, total))
        primary, secondary = primary + p, secondary + s
    rows = []
    for k in keys:
        row_cells = []
        for cells, _ in per_target:
            needing, rate = cells.get(k, (MISSING, MISSING))
            row_cells += [cell(needing), cell(rate)]
        rows.append(RowView(k, labeller(k), tuple(row_cells)))
    total_cells = tuple(cell(text) for _, total in per_target for text in total)
    groups = (("", 1), *((t.label, 2) for t in c.targets.targets))
    return TableView(
        id=table_id,
        caption=caption,
        columns=(key_heading, *(("Staff needing it", "% compliant") * len(per_target))),
        rows=tuple(rows),
        total=RowView("total", "All staff", total_cells),
        note=table_note(
            primary,
            secondary,
            threshold,
            "– : the target does not apply. A rate is hidden where the people compliant or not "
            "compliant include 1 to 4 people.",
        ),
        primary=primary,
        secondary=secondary,
        column_groups=groups,
    )


__all__ = [
    "NO_POST",
    "applies_to_text",
    "compliance_matrix_table",
    "compliance_overview_table",
    "role_label",
    "row_total_mask",
    "targets_table",
]

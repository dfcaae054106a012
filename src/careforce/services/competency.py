"""`careforce competencies` and `careforce training`: what the workforce can do, and its training.

Both read the store once and publish only aggregate tables with small counts of people hidden:
their output may leave the organisation. Staff-level lists (who lacks which training) stay inside
the organisation that owns the data and are never printed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from careforce.results.disclosure import SMALL_COUNT_THRESHOLD, suppress_long_table
from careforce.services.database import open_database
from careforce.services.snapshot import read_snapshot
from careforce.services.training import TrainingOutcome, training_from_snapshot

INVENTORY_COUNTS = ("headcount", "posts", "posts_role", "posts_record", "posts_delegation")
COMPLIANCE_COUNTS = ("people_needing", "people_compliant")
STATUTORY_COUNTS = (
    "current_holders",
    "lapsed_last_year",
    "expiring_later",
    "expiring",
    "holders",
    "holders_in_role_posts",
    "holders_combined",
)


@dataclass(frozen=True, slots=True)
class PublishedTables:
    """Titled tables as text, small counts of people shown as `*`, ready to print or share."""

    census_date: dt.date
    tables: dict[str, pl.DataFrame]
    cells_hidden: int
    notes: dict[str, Any]

    def as_document(self) -> dict[str, Any]:
        return {
            "census_date": self.census_date.isoformat(),
            "small_count_threshold": SMALL_COUNT_THRESHOLD,
            "cells_hidden": self.cells_hidden,
            **self.notes,
            "tables": {name: frame.to_dicts() for name, frame in self.tables.items()},
        }


def _publish(
    frames: dict[str, pl.DataFrame],
    counts: tuple[str, ...],
    *,
    of_column: str | None = None,
    derived: tuple[str, ...] = (),
) -> tuple[dict[str, pl.DataFrame], int]:
    out: dict[str, pl.DataFrame] = {}
    hidden = 0
    for name, frame in frames.items():
        shown, n = suppress_long_table(frame, counts, of_column=of_column, derived_columns=derived)
        out[name] = shown
        hidden += n
    return out, hidden


def _outcome(
    db_option: str | None, census_date: dt.date | None, targets_file: Path | None
) -> tuple[dt.date, TrainingOutcome]:
    day = census_date or dt.date.today()
    _, engine = open_database(db_option)
    try:
        snapshot = read_snapshot(engine)
    finally:
        engine.dispose()
    return day, training_from_snapshot(snapshot, day, targets_file=targets_file)


def competencies_report(db_option: str | None, census_date: dt.date | None) -> PublishedTables:
    """The competency inventory by competency, domain and area, organisation, sector and
    delegation in force, in headcount (people once) and FTE (posts once)."""
    day, outcome = _outcome(db_option, census_date, None)
    inv = outcome.competency
    names = outcome.domain_names
    by_domain_area = inv.by_domain_area.with_columns(
        pl.col("domain").replace_strict(names, default=pl.col("domain")).alias("domain_name")
    ).select("domain", "domain_name", "area_code", "area", "headcount", "fte")
    # the grounds split the posts: a small split is hidden with what it could be worked out from
    split, hidden_split = _publish(
        {"by_competency": inv.by_competency}, INVENTORY_COUNTS, of_column="posts", derived=("fte",)
    )
    tables, hidden = _publish(
        {
            "by_domain_area": by_domain_area,
            "by_organisation": inv.by_organisation,
            "by_sector": inv.by_sector,
            "delegated_in_force": inv.delegated_in_force,
        },
        INVENTORY_COUNTS,
        derived=("fte",),
    )
    return PublishedTables(
        day,
        {**split, **tables},
        hidden + hidden_split,
        {
            "framework_version": inv.framework_version,
            "posts_in_post": inv.posts_in_post,
            "headcount_in_post": inv.headcount_in_post,
            "fte_in_post": round(inv.fte_in_post, 2),
            "posts_unknown_role": inv.posts_unknown_role,
        },
    )


def training_report(
    db_option: str | None, census_date: dt.date | None, targets_file: Path | None = None
) -> PublishedTables:
    """Compliance with the training targets (bundled, or the planner's own file) by role,
    organisation and area, the gaps by reason, and the AMHP and section 12 approvals."""
    day, outcome = _outcome(db_option, census_date, targets_file)
    c = outcome.compliance
    s = outcome.statutory
    frames = {
        "compliance_overall": c.overall,
        "compliance_by_staff_group": c.by_staff_group,
        "compliance_by_role": c.by_role,
        "compliance_by_organisation": c.by_organisation,
        "compliance_by_area": c.by_area,
    }
    percent = (pl.col("compliance_rate") * 100).round(1).alias("compliance_percent")
    compliance, hidden = _publish(
        {name: f.with_columns(percent).drop("compliance_rate") for name, f in frames.items()},
        COMPLIANCE_COUNTS,
        of_column="people_needing",
        derived=("compliance_percent",),
    )
    gaps, hidden_gaps = _publish({"gaps_by_reason": c.gaps_by_reason}, ("people",))
    statutory, hidden_statutory = _publish(
        {
            "statutory_by_kind": s.by_kind,
            "statutory_expiries": s.expiries,
            "statutory_holders_by_area": s.holders_by_area,
            "statutory_fte_in_role": s.fte_in_role,
        },
        STATUTORY_COUNTS,
        derived=("fte_role_posts", "fte_combined", "fte_in_role"),
    )
    return PublishedTables(
        day,
        {**compliance, **gaps, **statutory},
        hidden + hidden_gaps + hidden_statutory,
        {
            "targets": [t.id for t in c.targets.targets],
            "targets_source": str(targets_file) if targets_file else "bundled default",
        },
    )


def print_tables(published: PublishedTables, console: Console, *, max_rows: int = 40) -> None:
    console.print(f"On {published.census_date.isoformat()}")
    for key, value in published.notes.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        console.print(f"  {key.replace('_', ' ')}: {shown}")
    for name, frame in published.tables.items():
        table = Table(title=name.replace("_", " ").capitalize(), title_justify="left")
        for column in frame.columns:
            table.add_column(column.replace("_", " "))
        for row in frame.head(max_rows).iter_rows():
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
        if frame.height > max_rows:
            console.print(f"  ... {frame.height - max_rows:,} more rows (use --json for all)")
    console.print(
        f"Counts of 1 to {SMALL_COUNT_THRESHOLD - 1} people are shown as * "
        f"({published.cells_hidden:,} cells)."
    )

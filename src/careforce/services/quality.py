"""The data quality use case: gaps in the data are an output, never hidden."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from careforce.domain import UserError
from careforce.ingest.quality import QualityReport, assess_quality
from careforce.results.disclosure import suppress_long_table
from careforce.results.quality_tables import completeness_wide
from careforce.services.database import open_database
from careforce.services.snapshot import StoreSnapshot
from careforce.store.unit_of_work import UnitOfWork

STAFF_LEVEL_TABLES = frozenset({"soft_check_failures"})
PEOPLE_COUNT_COLUMNS = ("people", "recorded", "records")
DERIVED_COLUMNS = ("percent_recorded",)
COMPLETENESS_MEASURES = frozenset({"field", "people", "recorded", "percent_recorded"})


@dataclasses.dataclass(frozen=True)
class QualityOutcome:
    census_date: dt.date
    report: QualityReport

    def sections(self, *, aggregates_only: bool = False) -> dict[str, pl.DataFrame]:
        """Title -> table, in the report's order.

        `aggregates_only` leaves out the tables that list individual posts: those stay with the
        organisation that owns the data and never go into a report that may be shared.
        """
        out: dict[str, pl.DataFrame] = {}
        for field in dataclasses.fields(self.report):
            value = getattr(self.report, field.name)
            if not isinstance(value, pl.DataFrame):
                continue
            if aggregates_only and field.name in STAFF_LEVEL_TABLES:
                continue
            out[field.name.replace("_", " ").capitalize()] = value
        return out

    def shareable_sections(self) -> tuple[dict[str, pl.DataFrame], int]:
        """The aggregate tables with small counts of people suppressed, for a shared report."""
        out: dict[str, pl.DataFrame] = {}
        hidden = 0
        for title, frame in self.sections(aggregates_only=True).items():
            shown, n = suppress_long_table(
                frame,
                PEOPLE_COUNT_COLUMNS,
                of_column="people",
                derived_columns=DERIVED_COLUMNS,
            )
            if "field" in shown.columns and "percent_recorded" in shown.columns:
                shown = shown.drop("organisation_code", strict=False)  # the name says it
                keys = [c for c in shown.columns if c not in COMPLETENESS_MEASURES]
                shown = completeness_wide(shown, keys)
            out[title] = shown
            hidden += n
        return out, hidden

    def scalars(self) -> dict[str, Any]:
        return {
            f.name: getattr(self.report, f.name)
            for f in dataclasses.fields(self.report)
            if not isinstance(getattr(self.report, f.name), pl.DataFrame)
        }

    def as_document(self) -> dict[str, Any]:
        return {
            "census_date": self.census_date.isoformat(),
            **self.scalars(),
            **{
                f.name: getattr(self.report, f.name).to_dicts()
                for f in dataclasses.fields(self.report)
                if isinstance(getattr(self.report, f.name), pl.DataFrame)
            },
        }


def assess_snapshot(snapshot: StoreSnapshot, census_date: dt.date) -> QualityReport:
    return assess_quality(snapshot.posts_with_people, snapshot.organisations, census_date)


def assess_store(engine: Any, census_date: dt.date) -> QualityReport:
    with UnitOfWork(engine) as uow:
        posts = uow.read.posts_with_people()
        organisations = uow.read.organisations()
    return assess_quality(posts, organisations, census_date)


def parse_census_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--census-date {text!r} is not a date: write it as 2026-03-31") from None


def quality_report(db_option: str | None, census_date: dt.date | None = None) -> QualityOutcome:
    day = census_date or dt.date.today()
    _, engine = open_database(db_option)
    try:
        return QualityOutcome(day, assess_store(engine, day))
    finally:
        engine.dispose()


def print_quality(outcome: QualityOutcome, console: Console) -> None:
    console.print(f"Data quality on {outcome.census_date.isoformat()}")
    for name, value in outcome.scalars().items():
        console.print(f"  {name.replace('_', ' ')}: {value}")
    for title, frame in outcome.sections().items():
        table = Table(title=title, title_justify="left")
        for column in frame.columns:
            table.add_column(column)
        for row in frame.head(50).iter_rows():
            table.add_row(*("" if v is None else _fmt(v) for v in row))
        console.print(table)
        if frame.height > 50:
            console.print(f"  ... {frame.height - 50:,} more rows (use --json for all)")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)

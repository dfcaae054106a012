"""Tables of the projected workforce that stand apart from its stock: statutory roles and the
back-test of the rates, with the range and change formats the section's tables share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import polars as pl

from careforce.report.format import fmt_percent
from careforce.report.labels import year_label
from careforce.report.ranges import rows_by_key, signed_change
from careforce.report.statutory_tables import kind_label
from careforce.report.supply_charts import fmt_amount
from careforce.report.tables import Cell, RowView, TableView

# The statutory roles' flows over the projection (columns of the summary's `statutory` table).
FLOW_LABELS = {"leavers": "Leavers", "joiners": "Joiners"}
STATUTORY_FLOWS = (
    ("trained_central", "Newly approved"),
    ("lapsed_central", "Not re-approved"),
    ("leavers_central", "Left with their post"),
)


class PeriodLike(Protocol):
    """Whole years `[start, end)`, as `careforce.supply.rates_history.Period` holds them."""

    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date: ...


class BacktestFigures(Protocol):
    """What the section reads from the back-test: its years and one summary row a flow."""

    @property
    def fit(self) -> PeriodLike: ...
    @property
    def test(self) -> PeriodLike: ...
    @property
    def summary(self) -> pl.DataFrame: ...


def _ranged(row: Mapping[str, Any], measure: str) -> bool:
    """Whether the row has a 5-95% range that is more than a point (year 0 is the census)."""
    low, high = row.get(f"{measure}_p5"), row.get(f"{measure}_p95")
    return low is not None and high is not None and high - low > 1e-9


def fmt_range(row: Mapping[str, Any], measure: str) -> str:
    """`central (p5–p95)`; the central value alone where the runs give no range."""
    central = fmt_amount(row[f"{measure}_central"])
    if not _ranged(row, measure):
        return central
    return f"{central} ({fmt_amount(row[f'{measure}_p5'])}–{fmt_amount(row[f'{measure}_p95'])})"


def fmt_change(base: float, last: float) -> str:
    """The change of the central run, signed, with its percent of the base when there is one."""
    return signed_change(base, last, fmt_amount)


def period_years(period: PeriodLike) -> list[str]:
    """The period's years as a planner names them: '2025‑26' (or '2025' for calendar years)."""
    calendar = (period.start.month, period.start.day) == (1, 1)
    first = period.start.year
    count = max(1, round((period.end - period.start).days / 365.2425))
    return [
        str(y) if calendar else year_label(f"{y}-{(y + 1) % 100:02d}")
        for y in range(first, first + count)
    ]


def join_and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def statutory_table(frame: pl.DataFrame, base: int, last: int) -> TableView:
    """Projected holders of each statutory role now and in the last year, and, where the summary
    gives them, the central run's flows over the years between (what the change is made of)."""
    at_base, at_last = rows_by_key(frame, "kind", base), rows_by_key(frame, "kind", last)
    flows = [(c, h) for c, h in STATUTORY_FLOWS if c in frame.columns]
    later = frame.filter(pl.col("year") > base)
    sums = {
        str(r["kind"]): r
        for r in later.group_by("kind").agg(pl.col(c).sum() for c, _ in flows).iter_rows(named=True)
    }
    rows = tuple(
        RowView(
            k,
            kind_label(k),
            (
                Cell(fmt_range(at_base[k], "holders")),
                Cell(fmt_range(at_last[k], "holders")),
                Cell(fmt_change(at_base[k]["holders_central"], at_last[k]["holders_central"])),
                *(Cell(fmt_amount(sums[k][c])) for c, _ in flows),
            ),
        )
        for k in at_base
        if k in at_last
    )
    groups: tuple[tuple[str, int], ...] = (
        ("", 1),
        ("Holders, central (5–95% of runs)", 2),
        ("", 1),
    )
    if flows:
        groups = (*groups, (f"{base + 1}–{last}, central run", len(flows)))
    return TableView(
        id="supply-statutory",
        caption=f"Projected holders of statutory roles, {base} and {last}",
        columns=(
            "Statutory role",
            str(base),
            str(last),
            "Change in the central run",
            *(h for _, h in flows),
        ),
        rows=rows,
        column_groups=groups,
    )


def backtest_table(b: BacktestFigures) -> TableView:
    """The back-test's error by flow, for the rates from history and the published defaults."""
    rows = []
    for r in b.summary.iter_rows(named=True):
        flow = str(r["flow"])
        cells = (
            Cell(f"{int(r['cells']):,}"),
            Cell(f"{r['actual']:,.0f}"),
            Cell(f"{r['predicted']:,.0f}"),
            Cell(f"{100 * r['total_error']:+.1f}%"),
            Cell(fmt_percent(r["wape"])),
            Cell(fmt_percent(r["published_total_abs_error"])),
            Cell(fmt_percent(r["published_wape"])),
        )
        rows.append(RowView(flow, FLOW_LABELS.get(flow, flow.capitalize()), cells))
    test = join_and(period_years(b.test))
    return TableView(
        id="supply-backtest",
        caption=f"Back-test of the rates: {test} predicted from {join_and(period_years(b.fit))}",
        columns=(
            "Flow",
            "Cells",
            f"Actual, {test}",
            "Predicted",
            "Total error",
            "WAPE by cell",
            "Size of total error",
            "WAPE by cell",
        ),
        rows=tuple(rows),
        column_groups=(("", 3), ("Rates from history", 4), ("Published defaults alone", 2)),
    )


def backtest_line(b: BacktestFigures) -> str:
    found = {str(r["flow"]): r for r in b.summary.iter_rows(named=True)}
    parts = []
    for flow, r in found.items():
        word = FLOW_LABELS.get(flow, flow).lower()
        direction = "low" if r["total_error"] < 0 else "high"
        parts.append(
            f"{word} {fmt_percent(abs(r['total_error']))} {direction} in total with a WAPE of "
            f"{fmt_percent(r['wape'])} by cell (published defaults alone: "
            f"{fmt_percent(r['published_wape'])})"
        )
    return (
        f"Fitted on {join_and(period_years(b.fit))} and applied to the stock at the start of "
        f"{join_and(period_years(b.test))}, the rates from history predicted {join_and(parts)}."
    )

"""The report section "What the scenario costs": each lever's cost a year, central with its range.

Built from `careforce.costing.scenario_costs.ScenarioCosts` (docs/design/costing.md): a table of
the central cost by year and lever with the 5-95% range over the drawn runs, and a stacked bar
chart of the central cost by lever. A lever that costs nothing in every run is left out of both.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from careforce.costing.scenario_costs import ScenarioCosts
from careforce.report.charts import Chart
from careforce.report.supply_charts import GROUP_COLOURS, stacked_bars
from careforce.report.tables import Cell, RowView, TableView

LEVER_LABELS = {
    "pay_bill": "Pay bill",
    "training": "Training places",
    "international_recruitment": "International recruitment",
    "retention": "Retention",
    "pay_uplift": "Pay uplift",
    "delegation_training": "Delegation training",
    "total": "Total",
}
NOTHING = 0.5  # GBP: below this a lever costs nothing


@dataclass(frozen=True, slots=True)
class CostSection:
    lead: str
    chart: Chart | None
    costs: TableView
    assumptions: tuple[str, ...]


def _millions(value: float) -> str:
    return f"{value / 1e6:,.2f}"


def _with_range(row: dict[str, float], drawn: bool) -> str:
    """'12.34 (11.90–12.80)': GBP million, central with the 5-95% range over the drawn runs."""
    text = _millions(row["central"])
    low, high = _millions(row["q5"]), _millions(row["q95"])
    if drawn and (low, high) != (text, text):
        text += f" ({low}–{high})"
    return text


def _costed_levers(costs: ScenarioCosts) -> list[str]:
    spent = abs(costs.by_run).max(axis=(0, 1))
    return [lever for lever, most in zip(costs.levers, spent, strict=True) if most > NOTHING]


def _table(costs: ScenarioCosts, levers: list[str], prices: str) -> TableView:
    drawn = costs.drawn_index.size > 0
    frame = pl.concat([costs.by_year_lever(), costs.total_by_year()])
    cells = {(r["year"], r["lever"]): r for r in frame.iter_rows(named=True)}
    shown = [*levers, "total"]
    rows = tuple(
        RowView(
            str(year),
            str(year),
            tuple(Cell(_with_range(cells[(year, lever)], drawn)) for lever in shown),
        )
        for year in costs.years
    )
    central = costs.by_run[costs.central_index]  # [y, lever]
    total = RowView(
        "total",
        "All years (central)",
        (
            *(Cell(_millions(central[:, costs.levers.index(lever)].sum())) for lever in levers),
            Cell(_millions(central.sum())),
        ),
    )
    spread = "with the 5–95% range over the drawn runs in brackets" if drawn else "one run"
    return TableView(
        id="scenario-costs",
        caption=f"The scenario's cost by lever, GBP million a year ({prices}), central run "
        f"{spread}",
        columns=("Year", *(LEVER_LABELS.get(lever, lever) for lever in shown)),
        rows=rows,
        total=total,
        note=None if levers else "No lever of the scenario costs anything.",
    )


def cost_section(costs: ScenarioCosts | None) -> CostSection | None:
    """The section's content, or None without costs (the section is left out)."""
    if costs is None:
        return None
    levers = _costed_levers(costs)
    prices = f"cash, {costs.base_year}/{(costs.base_year + 1) % 100:02d} prices"
    years = list(costs.years)
    central = costs.by_run[costs.central_index]
    whole = float(central.sum())
    lead = (
        f"On the central run the scenario costs GBP {_millions(whole)} million over "
        f"{years[0]}–{years[-1]} ({prices}: no inflation applied), GBP "
        f"{_millions(float(central[-1].sum()))} million in {years[-1]}."
    )
    if costs.drawn_index.size:
        final = costs.total_by_year().filter(pl.col("year") == years[-1]).row(0, named=True)
        lead += (
            f" Over {costs.drawn_index.size} drawn runs, {years[-1]}'s cost lies between GBP "
            f"{_millions(final['q5'])} and {_millions(final['q95'])} million in 9 runs of 10."
        )
    chart = None
    if levers:
        chart = stacked_bars(
            "chart-scenario-costs",
            years,
            {
                LEVER_LABELS.get(lever, lever): (
                    central[:, costs.levers.index(lever)] / 1e6
                ).tolist()
                for lever in levers
            },
            GROUP_COLOURS[: len(levers)],
            title="The scenario's cost by lever and year",
            description=(
                f"Bars of the central run's cost a year, GBP million, {years[0]} to {years[-1]}, "
                f"one segment per lever; GBP {_millions(whole)} million in all."
            ),
            ylabel="GBP million",
        )
    return CostSection(
        lead=lead,
        chart=chart,
        costs=_table(costs, levers, prices),
        assumptions=costs.assumptions,
    )

"""Charts of the projected workforce: fan charts of headcount over the runs and stacked bars.

Kept apart from the section's words and tables so that other sections can draw the same fans.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import polars as pl
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from careforce.report.charts import _RC, GRID, INK, MUTED, Chart, _figure, _style, _svg
from careforce.report.demand_section import CENTRAL_COLOUR, INNER_BAND, OUTER_BAND
from careforce.report.format import MISSING
from careforce.report.labels import staff_group_label

# Ten staff groups stacked in one bar need ten colours that stay apart.
GROUP_COLOURS = (
    "#1d4e89",
    "#e07a1f",
    "#2a9d8f",
    "#8a5a9e",
    "#c8553d",
    "#6baed6",
    "#f4c95d",
    "#52606d",
    "#9bc53d",
    "#d48fb0",
)
# The joiner flows from outside the region's workforce; moves between roles stay inside it.


def fmt_amount(value: float) -> str:
    """A projected count or FTE: whole from 10 up (the runs' spread dwarfs a decimal), one
    decimal below, where a whole number would hide a small programme or group."""
    if abs(value) < 0.05:
        return "0"
    return f"{value:,.0f}" if abs(value) >= 9.95 else f"{value:,.1f}"


def draw_fan(
    ax: Axes, frame: pl.DataFrame, measure: str, *, legend: bool, small: bool = False
) -> None:
    """The central run as a line over the 25-75% and 5-95% bands of the runs that give them;
    `legend` labels the series (once a figure), `small` draws a thinner line without markers."""
    years = frame["year"].to_list()
    for low, high, colour, label in (
        ("p5", "p95", OUTER_BAND, "5–95% of runs"),
        ("p25", "p75", INNER_BAND, "25–75% of runs"),
    ):
        if f"{measure}_{low}" in frame.columns and f"{measure}_{high}" in frame.columns:
            ax.fill_between(
                years,
                frame[f"{measure}_{low}"].to_list(),
                frame[f"{measure}_{high}"].to_list(),
                color=colour,
                linewidth=0,
                label=label if legend else None,
            )
    ax.plot(
        years,
        frame[f"{measure}_central"].to_list(),
        color=CENTRAL_COLOUR,
        linewidth=1.6 if small else 2,
        marker=None if small else "o",
        markersize=3,
        label="Central run" if legend else None,
    )
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))


def range_words(frame: pl.DataFrame, measure: str, runs: int) -> str:
    if f"{measure}_p5" not in frame.columns:
        return ""
    last = frame.row(frame.height - 1, named=True)
    return (
        f" Shaded bands show the middle half (25–75%) and 5–95% of {runs:,} runs; in "
        f"{last['year']} the 5–95% range is {fmt_amount(last[f'{measure}_p5'])} to "
        f"{fmt_amount(last[f'{measure}_p95'])}."
    )


def total_fan_chart(total: pl.DataFrame, runs: int) -> Chart:
    """Total projected headcount by year: the central run over the bands of the drawn runs."""
    frame = total.sort("year")
    years = frame["year"].to_list()
    central = frame["headcount_central"].to_list()
    chart_id = "chart-supply"
    title = "Projected headcount by year, all staff groups"
    description = (
        f"Line of the projected headcount (posts) of all staff groups by year, {years[0]} to "
        f"{years[-1]}: {fmt_amount(central[0])} in {years[0]} and {fmt_amount(central[-1])} in "
        f"{years[-1]} in the central run." + range_words(frame, "headcount", runs)
    )
    with mpl.rc_context(_RC):
        fig = _figure(7.6, 3.4)
        ax = fig.add_subplot()
        _style(ax)
        draw_fan(ax, frame, "headcount", legend=True)
        for x, y in ((years[0], central[0]), (years[-1], central[-1])):
            ax.annotate(
                fmt_amount(y),
                (x, y),
                xytext=(0, 8),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color=INK,
            )
        ax.set_xticks(years, labels=[str(y) for y in years])
        ax.set_ylabel("Headcount (posts)", color=MUTED)
        ax.margins(x=0.03, y=0.12)
        ax.legend(ncols=3, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=9)
        svg = _svg(fig, chart_id, title, description)
    return Chart(chart_id, title, description, svg)


def group_fan_charts(by_group: pl.DataFrame, groups: Sequence[str], runs: int) -> Chart:
    """One small fan chart of headcount per staff group, each on its own scale, two a row."""
    chart_id = "chart-supply-groups"
    title = "Projected headcount by staff group and year"
    columns = 2
    rows = math.ceil(len(groups) / columns)
    words = []
    with mpl.rc_context(_RC):
        fig = _figure(7.6, 1.45 * rows + 0.5)
        grid = fig.subplots(rows, columns, squeeze=False, sharex=True)
        for i, group in enumerate(groups):
            ax = grid[i // columns][i % columns]
            _style(ax)
            frame = by_group.filter(pl.col("staff_group") == group).sort("year")
            years = frame["year"].to_list()
            first, then = frame["headcount_central"][0], frame["headcount_central"][-1]
            change = f"{100 * (then - first) / first:+.0f}%" if first > 0 else MISSING
            draw_fan(ax, frame, "headcount", legend=i == 0, small=True)
            ax.set_title(
                f"{staff_group_label(group)}: {fmt_amount(then)} ({change})",
                fontsize=8.5,
                loc="left",
                color=INK,
            )
            ax.tick_params(labelsize=7.5)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=3))
            ax.set_xticks([years[0], years[len(years) // 2], years[-1]])
            ax.margins(x=0.02, y=0.1)
            words.append(
                f"{staff_group_label(group)} {fmt_amount(first)} to {fmt_amount(then)} ({change})"
            )
        for j in range(len(groups), rows * columns):
            grid[j // columns][j % columns].set_visible(False)
        fig.legend(ncols=3, loc="outside upper left", frameon=False, fontsize=8.5)
        description = (
            f"Small line charts of the projected headcount of each staff group, {years[0]} to "
            f"{years[-1]}, each on its own scale, in the central run: {'; '.join(words)}."
        )
        if "headcount_p5" in by_group.columns:
            description += f" Shaded bands show 25–75% and 5–95% of {runs:,} runs."
        svg = _svg(fig, chart_id, title, description)
    return Chart(chart_id, title, description, svg)


def stacked_bars(
    chart_id: str,
    years: Sequence[int],
    series: Mapping[str, Sequence[float]],
    colours: Sequence[str],
    *,
    title: str,
    description: str,
    ylabel: str,
) -> Chart:
    """Bars a year, one segment per series, the legend to the right (read top down as stacked)."""
    with mpl.rc_context(_RC):
        fig = _figure(7.6, 3.6)
        ax = fig.add_subplot()
        _style(ax)
        bottom = [0.0] * len(years)
        for (name, values), colour in zip(series.items(), colours, strict=True):
            ax.bar(years, values, bottom=bottom, color=colour, width=0.72, label=name)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        for x, y in zip(years, bottom, strict=True):
            ax.annotate(
                fmt_amount(y),
                (x, y),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
                color=MUTED,
            )
        ax.set_xticks(list(years), labels=[str(y) for y in years])
        ax.tick_params(axis="x", labelsize=8.5)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
        ax.set_ylabel(ylabel, color=MUTED)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.margins(y=0.1)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(
            handles[::-1],
            labels[::-1],
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            fontsize=8,
            handlelength=1.2,
        )
        svg = _svg(fig, chart_id, title, description)
    return Chart(chart_id, title, description, svg)

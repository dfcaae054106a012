"""Static charts for the report, drawn with matplotlib and inlined as accessible SVG.

No pyplot (no global state): each chart is its own `Figure`, saved as SVG text with its date and
creator stripped, ids prefixed so several charts can share one page, and a `<title>` and `<desc>`
for screen readers. Output is deterministic for the same data.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import matplotlib as mpl
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

INK = "#1f2933"
MUTED = "#52606d"
GRID = "#d9e2ec"
SERIES = ("#1d4e89", "#e07a1f", "#2a9d8f", "#8a5a9e")
# Age bands young to old: blues, then warm colours for the bands at or near retirement age.
# (fill, text) by age band code: blues for the young, warm colours near retirement age.
AGE_COLOURS: dict[str, tuple[str, str]] = {
    "16-24": ("#c6dbef", INK),
    "25-34": ("#9ecae1", INK),
    "35-44": ("#6baed6", INK),
    "45-54": ("#2171b5", "white"),
    "55-64": ("#f4a259", INK),
    "65+": ("#c8553d", "white"),
    "unknown": ("#bcccdc", INK),
}

_RC: Any = {  # matplotlib settings for every chart
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial"],
    "font.size": 10,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "text.color": INK,
}


def _percent_tick(value: float, _position: float) -> str:
    """An axis tick as a percent: 0.1 -> '10%', 0.025 -> '2.5%'."""
    text = f"{100 * value:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    description: str  # alt text: what the chart shows, in a sentence or two
    svg: str
    note: str = ""  # shown under the chart (what was left out of it, and why)


def _prefix_ids(svg: str, prefix: str) -> str:
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    return re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{prefix}-\1"', svg)


def _svg(fig: Figure, chart_id: str, title: str, description: str) -> str:
    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": chart_id, "svg.fonttype": "none"}):
        fig.savefig(
            buffer,
            format="svg",
            bbox_inches="tight",
            pad_inches=0.05,
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = _prefix_ids(text, chart_id)
    # Inline SVG in HTML needs no namespace declarations (the parser supplies them), and leaving
    # them out keeps every address out of the document.
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text)
    text = re.sub(r'\s(width|height)="[\d.]+pt"', "", text, count=2)
    head = (
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' preserveAspectRatio="xMidYMid meet"'
    )
    text = head + text[len("<svg") :]
    label = f'<title id="{chart_id}-title">{escape(title)}</title>'
    label += f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    close = text.index(">") + 1
    return text[:close] + label + text[close:]


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=96, layout="constrained")


def _style(ax: object) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    ax.set_axisbelow(True)


def age_profile_chart(
    chart_id: str,
    groups: Sequence[str],
    bands: Sequence[tuple[str, str]],
    shares: Sequence[Sequence[float]],
    *,
    title: str,
    description: str,
) -> Chart:
    """100% stacked horizontal bars: the age mix of each staff group (`shares[group][band]`).

    `bands` are (code, label) pairs; the code picks the colour.
    """
    with mpl.rc_context(_RC):
        fig = _figure(7.6, 0.42 * len(groups) + 1.3)
        ax = fig.add_subplot()
        _style(ax)
        positions = list(range(len(groups)))[::-1]
        left = [0.0] * len(groups)
        for b, (code, band) in enumerate(bands):
            widths = [row[b] for row in shares]
            colour, text_colour = AGE_COLOURS.get(code, (SERIES[b % len(SERIES)], "white"))
            ax.barh(positions, widths, left=left, color=colour, height=0.7, label=band)
            for y, x0, w in zip(positions, left, widths, strict=True):
                if w >= 0.07:
                    ax.text(
                        x0 + w / 2,
                        y,
                        f"{100 * w:.0f}%",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color=text_colour,
                    )
            left = [x + w for x, w in zip(left, widths, strict=True)]
        ax.set_yticks(positions, labels=list(groups))
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(FuncFormatter(_percent_tick))
        ax.grid(axis="x", color=GRID, linewidth=0.8)
        ax.legend(
            ncols=len(bands),
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            frameon=False,
            fontsize=9,
            handlelength=1.2,
            columnspacing=1.2,
        )
        svg = _svg(fig, chart_id, title, description)
    return Chart(chart_id, title, description, svg)


def bar_chart(
    chart_id: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    description: str,
    horizontal: bool = True,
    percent: bool = True,
) -> Chart:
    """Grouped bars, one group per category and one bar per series; a missing value draws none."""
    names = list(series)
    n = len(names)
    height = 0.8 / max(n, 1)
    with mpl.rc_context(_RC):
        if horizontal:
            fig = _figure(7.6, max(0.38 * len(categories) * max(n, 1) ** 0.5 + 1.1, 2.0))
        else:
            fig = _figure(7.6, 3.0)
        ax = fig.add_subplot()
        _style(ax)
        base = list(range(len(categories)))
        axis: Axis
        if horizontal:
            base = base[::-1]
        drawn_series = 0
        for s, name in enumerate(names):
            values = series[name]
            offset = (s - (n - 1) / 2) * height
            if horizontal:  # categories run top to bottom: the first series on top
                offset = -offset
            drawn = [(p + offset, v) for p, v in zip(base, values, strict=True) if v is not None]
            if not drawn:
                continue
            drawn_series += 1
            where, heights = zip(*drawn, strict=True)
            colour = SERIES[s % len(SERIES)]
            if horizontal:
                bars = ax.barh(where, heights, height=height * 0.92, color=colour, label=name)
            else:
                bars = ax.bar(where, heights, width=height * 0.92, color=colour, label=name)
            labels = [f"{100 * v:.1f}%" if percent else f"{v:,.1f}" for v in heights]
            ax.bar_label(bars, labels=labels, padding=3, fontsize=8, color=MUTED)
        if horizontal:
            ax.set_yticks(base, labels=list(categories))
            ax.grid(axis="x", color=GRID, linewidth=0.8)
            axis = ax.xaxis
            ax.margins(x=0.12)
        else:
            ax.set_xticks(base, labels=list(categories))
            ax.grid(axis="y", color=GRID, linewidth=0.8)
            axis = ax.yaxis
            ax.margins(y=0.15)
        if percent:
            axis.set_major_formatter(FuncFormatter(_percent_tick))
        if n > 1 and drawn_series:
            ax.legend(ncols=n, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=9)
        svg = _svg(fig, chart_id, title, description)
    return Chart(chart_id, title, description, svg)

"""The scenario report's headline findings: a few plain sentences a board reads first.

Pure: figures in, sentences out. Each number is formatted exactly as the table it comes from shows
it (the gap by competency domain, the scenario comparison, the cheapest plan), so a reader can
find it again below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from careforce.report.format import fmt_percent
from careforce.report.supply_charts import fmt_amount
from careforce.results.gap_summary import GapSummary

GAP_FTE = "gap_fte"
COST_GBP = "cost_gbp"
NO_GAP_FTE = 0.05  # below this a domain's central gap shows as 0
NAMED_DOMAINS = 3  # the largest domains named in a sentence; the rest are counted


def signed_fte(value: float) -> str:
    """An FTE difference with its sign: +12, -3.5, 0."""
    text = fmt_amount(value)
    return f"+{text}" if value > 0 and text != "0" else text


def millions(value: float) -> str:
    """GBP in millions to two decimals, as the cost tables show them: 1234567 -> '1.23'."""
    return f"{value / 1e6:,.2f}"


def signed_millions(value: float) -> str:
    """A cost difference in GBP million with its sign: +1.23, -0.40."""
    text = millions(value)
    return f"+{text}" if value > 0 and text.strip("0.,") else text


def _last(frame: pl.DataFrame) -> dict[str, Any]:
    return frame.sort("year").row(frame.height - 1, named=True)


def gap_domains(
    summary: GapSummary, domain_names: Mapping[str, str], year: int
) -> list[tuple[str, float]]:
    """The competency domains with a central gap in `year`, largest first: (label, FTE)."""
    rows = summary.by_domain.filter(pl.col("year") == year).iter_rows(named=True)
    found = [
        (domain_names.get(r["domain"], r["domain"]), float(r["fte_central"]))
        for r in rows
        if r["fte_central"] > NO_GAP_FTE
    ]
    return sorted(found, key=lambda item: -item[1])


def _domain_words(domains: Sequence[tuple[str, float]]) -> str:
    named = [f"{label} ({fmt_amount(fte)} FTE)" for label, fte in domains[:NAMED_DOMAINS]]
    rest = len(domains) - len(named)
    if rest:
        named.append(f"{rest} more domain{'s' if rest != 1 else ''}")
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def gap_headlines(name: str, summary: GapSummary, domain_names: Mapping[str, str]) -> list[str]:
    """The gap in the last year, central and 5-95% range, the domains it falls in, and the
    chance of a gap."""
    last = _last(summary.total)
    year = int(last["year"])
    central = fmt_amount(last["fte_central"])
    spread = ""
    if last.get("fte_p5") is not None:
        spread = f" (5–95% of runs: {fmt_amount(last['fte_p5'])} to {fmt_amount(last['fte_p95'])})"
    domains = gap_domains(summary, domain_names, year)
    if domains:
        where = f", in {_domain_words(domains)}"
    else:
        where = "; no competency domain has a gap in the central run"
    lines = [f"In {year}, {name} leaves a gap of {central} FTE in the central run{spread}{where}."]
    if last.get("probability_gap") is not None:
        lines.append(
            f"Under {name}, the chance of a gap in {year} is "
            f"{fmt_percent(last['probability_gap'])} of runs."
        )
    return lines


def _difference_row(
    differences: pl.DataFrame, scenario: str, measure: str
) -> dict[str, Any] | None:
    rows = differences.filter((pl.col("scenario") == scenario) & (pl.col("measure") == measure))
    return _last(rows) if rows.height else None


def comparison_headline(differences: pl.DataFrame, baseline: str, alternative: str) -> str | None:
    """How an alternative changes the gap and the cost in the last year against the baseline,
    with the 5-95% range of the paired differences and the chance it does better; None when the
    comparison holds neither measure for it."""
    gap = _difference_row(differences, alternative, GAP_FTE)
    cost = _difference_row(differences, alternative, COST_GBP)
    sentences = []
    if gap is not None:
        words = f"changes the gap in {gap['year']} by {signed_fte(gap['central'])} FTE"
        if gap["central"] == 0 and gap.get("q5") == 0 and gap.get("q95") == 0:
            words = f"leaves the gap in {gap['year']} as it is in every run"
        elif gap.get("q5") is not None:
            words += f" (5–95% of paired runs: {signed_fte(gap['q5'])} to {signed_fte(gap['q95'])})"
        sentences.append(f"Against {baseline}, {alternative} {words}.")
        if gap.get("p_better") is not None:
            sentences.append(
                f"It leaves a smaller gap than {baseline} in {fmt_percent(gap['p_better'])} of "
                "paired runs."
            )
    if cost is not None:
        words = f"cost in {cost['year']} changes by GBP {signed_millions(cost['central'])} million"
        if cost.get("q5") is not None:
            words += f" ({signed_millions(cost['q5'])} to {signed_millions(cost['q95'])})"
        whose = "Its" if sentences else f"Against {baseline}, {alternative}'s"
        sentences.append(f"{whose} {words}.")
    return " ".join(sentences) or None


def plan_headline(
    name: str,
    *,
    feasible: bool,
    total_cost: float,
    first_year: int,
    last_year: int,
    probability_met: float | None,
    drawn_runs: int,
) -> str:
    """The cheapest plan's cost over its years and the chance it meets its target."""
    cost = f"GBP {millions(total_cost)} million over {first_year}–{last_year}"
    if feasible and abs(total_cost) < 500:  # less than the figure's rounding shows
        sentence = f"{name} meets its target in the central run with no further action"
        if probability_met is not None:
            return sentence + (
                f"; it meets it in {fmt_percent(probability_met)} of {drawn_runs} runs."
            )
        return sentence + "."
    if feasible:
        sentence = f"The cheapest plan that meets {name}'s target costs {cost}"
    else:
        sentence = f"No plan meets {name}'s target; the nearest costs {cost}"
    if probability_met is not None:
        sentence += f" and meets the target in {fmt_percent(probability_met)} of {drawn_runs} runs"
    return sentence + "."

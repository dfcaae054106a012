"""The results workbook (Excel): one sheet per table, units in every column header.

Counts of people go through the small-number rule of `careforce.results.disclosure`: a count of
1 to 4 is shown as ``*``, and so is every value in its row that would reveal it (its FTE). Modelled
hours, FTE of need and costs are not counts of people and are shown as they are.

The workbook is built in memory and returned as bytes, so that the caller writes it only when
everything else succeeded; its creation time is fixed, so the same results give the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl
import xlsxwriter

from careforce.results.comparison import MEASURE_UNITS, ScenarioComparison
from careforce.results.disclosure import SMALL_COUNT_THRESHOLD, SUPPRESSED

_FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
_OPTIONS = {
    "in_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
SHEET_NAME_LIMIT = 31  # characters Excel allows in a sheet name


@dataclass(frozen=True)
class Sheet:
    """A table for the workbook.

    `headers` gives a column's header (with its unit), else the column's name is shown.
    `people_columns` count people; `linked_columns` are hidden wherever a count in the row is.
    """

    name: str
    frame: pl.DataFrame
    headers: Mapping[str, str] = field(default_factory=dict)
    note: str = ""
    people_columns: tuple[str, ...] = ()
    linked_columns: tuple[str, ...] = ()


def _hidden_rows(sheet: Sheet, threshold: int) -> list[bool]:
    present = [c for c in sheet.people_columns if c in sheet.frame.columns]
    if not present:
        return [False] * sheet.frame.height
    small = pl.any_horizontal(
        [((pl.col(c) > 0) & (pl.col(c) < threshold)).fill_null(False) for c in present]
    )
    return sheet.frame.select(small.alias("small"))["small"].to_list()


def workbook_bytes(sheets: Sequence[Sheet], *, threshold: int = SMALL_COUNT_THRESHOLD) -> bytes:
    """The workbook of `sheets`, in order, as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, _OPTIONS)
    workbook.set_properties({"created": _FIXED_TIME, "title": "careforce results"})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    italic = workbook.add_format({"italic": True})
    seen: set[str] = set()
    for sheet in sheets:
        name = sheet.name[:SHEET_NAME_LIMIT]
        if name.lower() in seen:
            raise ValueError(f"two sheets are named {name!r}")
        seen.add(name.lower())
        page = workbook.add_worksheet(name)
        frame = sheet.frame
        hidden = _hidden_rows(sheet, threshold)
        masked = {c for c in (*sheet.people_columns, *sheet.linked_columns) if c in frame.columns}
        for c, column in enumerate(frame.columns):
            page.write_string(0, c, sheet.headers.get(column, column), bold)
            page.set_column(c, c, max(12, min(40, len(sheet.headers.get(column, column)) + 2)))
        for c, series in enumerate(frame.iter_columns()):
            numeric = series.dtype.is_numeric()
            values = series.to_list() if numeric else series.cast(pl.String).to_list()
            for r, value in enumerate(values, start=1):
                if series.name in masked and hidden[r - 1]:
                    page.write_string(r, c, SUPPRESSED)
                elif value is None or (numeric and value != value):
                    continue
                elif numeric:
                    page.write_number(r, c, value)
                else:
                    page.write_string(r, c, value)
        page.freeze_panes(1, 0)
        notes = [sheet.note] if sheet.note else []
        if any(hidden) and masked:
            notes.append(
                f"{SUPPRESSED}: a count of 1 to {threshold - 1} people, or a figure that would "
                "reveal one, is not shown"
            )
        for i, text in enumerate(notes):
            page.write_string(frame.height + 2 + i, 0, text, italic)
    workbook.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class ScenarioTables:
    """One scenario's tables for the workbook, as the services summarise them.

    required: domain, year, fte_central, fte_p5.., hours_central. projected: staff_group, year,
    headcount_central, fte_central, fte_p5... gap: domain, year, fte_central, fte_p5..,
    hours_central, probability_gap. costs: year, lever, central, q5... plan_actions: action,
    item, year, amount, unit (None without a plan). provenance: name -> value.
    assumptions: (where from, text).
    """

    name: str
    required: pl.DataFrame
    projected: pl.DataFrame
    gap: pl.DataFrame
    costs: pl.DataFrame
    price_basis: str
    plan_actions: pl.DataFrame | None
    provenance: Mapping[str, object]
    assumptions: Sequence[tuple[str, str]]


_QUANTILE_LABELS = {5: "5th", 25: "25th", 50: "median", 75: "75th", 95: "95th"}


def _range_headers(prefix: str, unit: str, names: str) -> dict[str, str]:
    """Headers of a central column and its quantile columns (`names`: "p" or "q")."""
    out = {f"{prefix}central": f"Central ({unit})"}
    for q, label in _QUANTILE_LABELS.items():
        out[f"{prefix}{names}{q}"] = (
            f"{label} percentile ({unit})" if q != 50 else f"Median ({unit})"
        )
    return out


def _stacked(frames: Sequence[tuple[str, pl.DataFrame]]) -> pl.DataFrame:
    parts = [f.select(pl.lit(name).alias("scenario"), pl.all()) for name, f in frames if f.height]
    return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame({"scenario": []})


def results_sheets(
    scenarios: Sequence[ScenarioTables], comparison: ScenarioComparison | None
) -> list[Sheet]:
    """The workbook's sheets: required workforce, projected FTE, gap, costs, plan actions (when
    a plan was made), the comparison (when there is one), provenance and assumptions."""
    fte = _range_headers("fte_", "FTE", "p")
    basis = scenarios[0].price_basis if scenarios else "GBP"
    sheets = [
        Sheet(
            "Required workforce",
            _stacked([(s.name, s.required) for s in scenarios]),
            {
                "domain": "Competency domain",
                "year": "Year",
                **fte,
                "hours_central": "Required hours, central (hours a year)",
            },
            note="FTE: required hours a year over the standard hours of one FTE.",
        ),
        Sheet(
            "Projected FTE",
            _stacked([(s.name, s.projected) for s in scenarios]),
            {
                "staff_group": "Staff group",
                "year": "Year",
                "headcount_central": "Headcount, central (people)",
                **fte,
            },
            note="Staff in post, the whole region, by staff group and year.",
            people_columns=("headcount_central",),
            linked_columns=tuple(fte),
        ),
        Sheet(
            "Gap by domain",
            _stacked([(s.name, s.gap) for s in scenarios]),
            {
                "domain": "Competency domain",
                "year": "Year",
                **fte,
                "hours_central": "Unmet hours, central (hours a year)",
                "probability_gap": "Probability of a gap (share of runs)",
            },
            note="Unmet need: hours no role that may do them can do, over one FTE's task hours.",
        ),
        Sheet(
            "Costs",
            _stacked([(s.name, s.costs) for s in scenarios]),
            {"year": "Year", "lever": "Lever", **_range_headers("", f"GBP ({basis})", "q")},
            note=f"Costs a year by lever, at {basis}; lever 'total' sums each run's levers.",
        ),
    ]
    plans = [(s.name, s.plan_actions) for s in scenarios if s.plan_actions is not None]
    if plans:
        sheets.append(
            Sheet(
                "Plan actions",
                _stacked(plans),
                {
                    "action": "Action",
                    "item": "Programme or role",
                    "year": "Year",
                    "amount": "Amount",
                    "unit": "Unit",
                },
                note="The cheapest plan found for the central run.",
            )
        )
    if comparison is not None:
        sheets.append(
            Sheet(
                "Comparison",
                comparison.differences.with_columns(
                    pl.col("measure").replace_strict(MEASURE_UNITS, default="").alias("unit")
                ),
                {
                    "scenario": "Alternative",
                    "measure": "Measure",
                    "year": "Year",
                    **_range_headers("", "difference", "q"),
                    "p_better": "Probability the alternative is better (share of runs)",
                    "unit": "Unit",
                },
                note=f"Each alternative less the baseline ({comparison.baseline}), run by run. "
                + " ".join(comparison.notes[1:]),
            )
        )
        if comparison.gap_closed.height:
            sheets.append(
                Sheet(
                    "Gap closed",
                    comparison.gap_closed,
                    {"year": "Year", "share_closed": "Share of runs with the gap closed"},
                )
            )
    sheets.append(
        Sheet(
            "Provenance",
            pl.DataFrame(
                [(s.name, k, str(v)) for s in scenarios for k, v in s.provenance.items()],
                schema={"scenario": pl.String, "item": pl.String, "value": pl.String},
                orient="row",
            ),
            {"item": "Item", "value": "Value"},
        )
    )
    sheets.append(
        Sheet(
            "Assumptions",
            pl.DataFrame(
                [(s.name, src, text) for s in scenarios for src, text in s.assumptions],
                schema={"scenario": pl.String, "source": pl.String, "assumption": pl.String},
                orient="row",
            ),
            {"source": "Where from", "assumption": "Assumption"},
        )
    )
    return [
        dataclasses.replace(sh, headers={"scenario": "Scenario", **sh.headers}) for sh in sheets
    ]

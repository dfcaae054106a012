"""The standalone staffing methods: WISN from a file, Erlang C for one queue.

Each use case returns the engine's result; `*_document` gives the JSON-ready dict (full
precision) and `print_*` the readable table, which rounds only what it shows.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from careforce.demand.erlang import ErlangStaffing, staffing
from careforce.demand.wisn import WisnResult, wisn
from careforce.domain import UserError
from careforce.specification.wisn_file import load_wisn_file

WISN_KEYS = (
    "staff_category",
    "facility",
    "available_working_time_days",
    "available_working_time_hours",
    "standard_workloads",
    "staff_for_health_services",
    "category_allowance_percent",
    "category_allowance_factor",
    "individual_allowance_factor",
    "required_staff",
    "required_staff_rounded",
    "existing_staff",
    "difference",
    "wisn_ratio",
    "reading",
)


def wisn_from_file(path: Path) -> list[WisnResult]:
    """WISN for every staff category of a WISN file, in file order."""
    return [wisn(inputs) for inputs in load_wisn_file(path)]


def wisn_document(result: WisnResult) -> dict[str, Any]:
    """One staff category as JSON: the fields of METHODS 2, unrounded, and the WHO reading."""
    document: dict[str, Any] = {key: getattr(result, key) for key in WISN_KEYS}
    document["standard_workloads"] = dict(result.standard_workloads)
    document["reading"] = result.reading.value
    return document


def erlang(
    arrivals_per_hour: float, handling_minutes: float, target_seconds: float, service_level: float
) -> ErlangStaffing:
    """Staff on duty for one queue: the smallest number that answers `service_level` of the
    arrivals within `target_seconds` (Erlang C). Bad values are a UserError."""
    checks = (
        (arrivals_per_hour, arrivals_per_hour >= 0, "arrivals per hour must not be negative"),
        (handling_minutes, handling_minutes > 0, "handling minutes must be above 0"),
        (target_seconds, target_seconds >= 0, "target seconds must not be negative"),
        (service_level, 0 < service_level < 1, "service level must be above 0 and below 1 "
         "(0.8 for 80%)"),
    )  # fmt: skip
    wrong = [
        f"{why} (got {value:g})" for value, ok, why in checks if not (ok and math.isfinite(value))
    ]
    if wrong:
        raise UserError("; ".join(wrong))
    return staffing(arrivals_per_hour, handling_minutes, target_seconds, service_level)


def erlang_document(result: ErlangStaffing) -> dict[str, Any]:
    return {
        "agents": result.agents,
        "service_level": result.service_level,
        "probability_of_waiting": result.probability_of_waiting,
        "mean_wait_seconds": result.mean_wait_seconds,
    }


def print_wisn(results: list[WisnResult], console: Console) -> None:
    for result in results:
        title = result.staff_category + (f", {result.facility}" if result.facility else "")
        table = Table(title=f"WISN: {title}", title_justify="left", show_header=False)
        table.add_column("quantity")
        table.add_column("value", justify="right")
        rows = [
            ("AWT (days a year per FTE)", _num(result.available_working_time_days, 1)),
            ("AWT (hours a year per FTE)", _num(result.available_working_time_hours, 1)),
            *(
                (f"Standard workload: {name}", _num(value, 1))
                for name, value in result.standard_workloads.items()
            ),
            ("Staff for health services", _num(result.staff_for_health_services, 2)),
            ("Category allowances (%)", _num(result.category_allowance_percent, 2)),
            ("Category allowance factor", _num(result.category_allowance_factor, 3)),
            ("Individual allowance factor", _num(result.individual_allowance_factor, 3)),
            ("Required staff", _num(result.required_staff, 2)),
            ("Required staff, whole (WHO)", str(result.required_staff_rounded)),
            ("Existing staff", _num(result.existing_staff, 0)),
            ("Difference (existing - required)", _num(result.difference, 2)),
            ("WISN ratio (existing / required)", _ratio(result.wisn_ratio)),
        ]
        for label, value in rows:
            table.add_row(label, value)
        console.print(table)
        console.print(f"Reading: {result.reading.value}, {result.reading.meaning}.\n")


def _ratio(ratio: float | None) -> str:
    return "none (nothing required)" if ratio is None else _num(ratio, 2)


def print_erlang(result: ErlangStaffing, console: Console) -> None:
    console.print(f"agents                  {result.agents}")
    console.print(f"service_level           {result.service_level:.4f}")
    console.print(f"probability_of_waiting  {result.probability_of_waiting:.4f}")
    console.print(f"mean_wait_seconds       {result.mean_wait_seconds:.2f}")


def _num(value: float, places: int) -> str:
    return f"{value:,.{places}f}"

"""Numbers and dates as planners read them: thousands separators, FTE and percents to 1 dp."""

from __future__ import annotations

import datetime as dt
import math

MISSING = "–"  # shown where a value does not apply or is not known


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_count(value: float | None) -> str:
    """A whole number with thousands separators: 12345 -> '12,345'."""
    return MISSING if value is None or _missing(value) else f"{round(value):,}"


def fmt_fte(value: float | None) -> str:
    """FTE (or hours) to one decimal place with thousands separators: 1234.56 -> '1,234.6'."""
    return MISSING if value is None or _missing(value) else f"{value:,.1f}"


def fmt_percent(share: float | None) -> str:
    """A fraction as a percent to one decimal place: 0.1234 -> '12.3%'."""
    return MISSING if share is None or _missing(share) else f"{100.0 * share:,.1f}%"


def fmt_date(day: dt.date) -> str:
    """A date in words: 2025-03-31 -> '31 March 2025'."""
    return f"{day.day} {day:%B %Y}"


def fmt_datetime(moment: dt.datetime) -> str:
    """A timestamp to the minute, with its offset when it has one: '31 March 2025, 14:05 UTC'."""
    zone = ""
    if moment.tzinfo is not None:
        offset = moment.utcoffset()
        zone = " UTC" if offset == dt.timedelta(0) else f" {moment:%z}"
    return f"{fmt_date(moment.date())}, {moment:%H:%M}{zone}"

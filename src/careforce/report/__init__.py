"""Reports: the self-contained HTML workforce report."""

from careforce.report.workforce_report import render_workforce_report

__all__ = ["render_workforce_report"]

"""Reports: the self-contained HTML workforce report and scenario report."""

from careforce.report.scenario_report import ScenarioFigures, render_scenario_report
from careforce.report.workforce_report import render_workforce_report

__all__ = ["ScenarioFigures", "render_scenario_report", "render_workforce_report"]

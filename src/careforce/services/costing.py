"""The cost of a scenario by year and lever, over the runs of its gap's supply projection.

Reads the scenario and framework the gap was computed from, turns them and the projection into
the costing's arrays (careforce.scenario.cost_inputs) and costs every run
(careforce.costing.scenario_costs; docs/design/costing.md).
"""

from __future__ import annotations

from pathlib import Path

from careforce.costing.scenario_costs import ScenarioCosts, scenario_costs
from careforce.scenario.cost_inputs import cost_inputs
from careforce.scenario.load import load_scenario
from careforce.services.framework import framework_for
from careforce.services.gap import GapOutcome
from careforce.services.rates import role_groups


def cost_scenario(gap: GapOutcome) -> ScenarioCosts:
    """The costs of the scenario `gap` was computed for, at its `[costing]` base year's prices."""
    loaded = load_scenario(Path(gap.scenario))
    framework = framework_for(loaded.input_path(loaded.scenario.data.framework))
    groups = dict(role_groups().iter_rows())
    inputs = cost_inputs(
        loaded.scenario,
        framework,
        gap.supply.projection,
        census_year=gap.supply.census_date.year,
        role_groups=groups,
    )
    return scenario_costs(inputs)

"""The costs of the demo region's baseline: the pay bill is FTE x pay summed over roles, the
totals are the levers summed, no cost is negative, and the years are the projection's 1..N."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from careforce.costing.pay import pay_of_roles
from careforce.costing.scenario_costs import LEVERS, ScenarioCosts
from careforce.report.cost_section import cost_section
from careforce.scenario.load import load_scenario
from careforce.services.costing import cost_scenario
from careforce.services.framework import framework_for
from careforce.services.gap import GapOutcome, compute_gap


@pytest.fixture(scope="module")
def gap(demo_baseline: Path) -> GapOutcome:
    return compute_gap(demo_baseline, runs=4, sample=2)


@pytest.fixture(scope="module")
def costs(gap: GapOutcome) -> ScenarioCosts:
    return cost_scenario(gap)


def test_years_are_the_projection_years_after_the_census(
    gap: GapOutcome, costs: ScenarioCosts
) -> None:
    census = gap.supply.census_date.year
    steps = gap.supply.projection.years
    assert costs.years == tuple(range(census + 1, census + steps + 1))
    assert costs.by_run.shape == (len(gap.supply.projection.runs), steps, len(LEVERS))
    assert costs.levers == LEVERS


def test_pay_bill_is_fte_times_pay_summed(gap: GapOutcome, costs: ScenarioCosts) -> None:
    loaded = load_scenario(Path(gap.scenario))
    framework = framework_for(loaded.input_path(loaded.scenario.data.framework))
    projection = gap.supply.projection
    overridden = {o.role for o in loaded.scenario.costing.pay}
    assert loaded.scenario.costing.on_cost_rate is None and not overridden
    pay = pay_of_roles(framework, [r for r in projection.roles if r in framework.roles])
    fte = projection.fte()[:, 1:].sum(axis=(3, 4))  # [r, y, g]
    annual = np.array([pay[r].annual_cost_gbp for r in projection.roles])
    expected = fte @ annual
    assert np.allclose(costs.by_run[..., LEVERS.index("pay_bill")], expected, rtol=1e-9)
    table = costs.by_year_lever().filter(pl.col("lever") == "pay_bill")
    assert np.allclose(table["central"].to_numpy(), expected[0], rtol=1e-9)
    by_role = costs.pay_bill_by_role()
    summed = by_role.group_by("year").agg(pl.col("annual_cost_central").sum()).sort("year")
    assert np.allclose(summed["annual_cost_central"].to_numpy(), expected[0], rtol=1e-9)


def test_totals_are_the_levers_summed_and_nothing_is_negative(costs: ScenarioCosts) -> None:
    assert (costs.by_run >= 0).all()
    levers = costs.by_year_lever()
    total = costs.total_by_year()
    assert set(total["lever"]) == {"total"}
    summed = levers.group_by("year").agg(pl.col("central").sum()).sort("year")
    assert np.allclose(total.sort("year")["central"].to_numpy(), summed["central"].to_numpy())
    for frame in (levers, total):
        values = frame.select("q5", "q25", "q50", "q75", "q95").to_numpy()
        assert (values >= 0).all()
        assert (np.diff(values, axis=1) >= -1e-6).all()


def test_training_and_recruitment_follow_the_projection(
    gap: GapOutcome, costs: ScenarioCosts
) -> None:
    loaded = load_scenario(Path(gap.scenario))
    costing = loaded.scenario.costing
    projection = gap.supply.projection
    place = {
        p.id: costing.cost_per_place_year
        if p.cost_per_place_year is None
        else p.cost_per_place_year
        for p in loaded.scenario.programmes
    }
    # Everyone who studied in the year is costed: those still in training after it and those
    # who completed in it.
    studying = projection.students[:, 1:] + projection.completers[:, 1:]
    expected = studying @ np.array([place[p] for p in projection.programmes])
    assert np.allclose(costs.by_run[..., LEVERS.index("training")], expected)
    three_year = projection.programmes.index("nursing_adult")
    intake = projection.intake[0, -1, three_year]
    assert studying[0, -1, three_year] > 2.5 * intake  # three cohorts, less attrition
    recruits = projection.flow("international_joiners")[:, 1:]
    assert np.allclose(
        costs.by_run[..., LEVERS.index("international_recruitment")].sum(),
        sum(
            recruits[..., projection.roles.index(r.role)].sum()
            * (costing.cost_per_recruit if r.cost_per_recruit is None else r.cost_per_recruit)
            for r in loaded.scenario.international_recruitment
        ),
    )
    assert costs.as_document()["base_year"] == costing.base_year


def test_the_report_section_shows_every_costed_lever(costs: ScenarioCosts) -> None:
    section = cost_section(costs)
    assert section is not None and section.chart is not None
    assert section.chart.svg.startswith("<svg") and "http" not in section.chart.svg
    assert [r.key for r in section.costs.rows] == [str(y) for y in costs.years]
    assert section.costs.columns[0] == "Year" and section.costs.columns[-1] == "Total"
    assert "Pay bill" in section.costs.columns
    assert section.costs.total is not None
    assert "million" in section.lead
    assert cost_section(None) is None

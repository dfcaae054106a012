"""The workforce levers on the demo region, end to end: a pay uplift lowers the covered staff's
leavers by its factor from its year and changes nothing else, and leaves every other random
stream's draws as they were; delegation levers stop, cap and widen delegated work in the gap
from their year; a new role with a programme's intake is projected and does its tasks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from careforce.domain import ValidationFailed
from careforce.scenario.gap_inputs import DELEGATED_HOURS_PER_WORKER
from careforce.scenario.load import load_scenario
from careforce.scenario.supply_inputs import draw_supply_parameters
from careforce.services.gap import GapOutcome, compute_gap
from careforce.services.optimise import plan_for_gap
from careforce.services.supply import prepare, project_scenario

NURSES = "registered_nursing_midwifery"
UPLIFT = f"""
[[pay_uplifts]]
staff_group = "{NURSES}"
uplift = 0.05
turnover_elasticity = {{ central = 2.0, low = 1.0, high = 3.0 }}
from_year = 2029
basis = "assumption: for the test"
"""
NEW_ROLE = """
[[new_roles]]
id = "mc_support_worker"
title = "Multi-competency support worker"
like_role = "senior_hcsw"
career_framework_level = 3
tasks = ["PC01", "PC02", "PC03", "PC04", "PC08", "MOB01", "MOB02", "NUT01"]
delegated_tasks = ["OBS03"]
annual_pay = 15000
basis = "assumption: for the test"

[[programmes]]
id = "mc_support_worker"
name = "Multi-competency support worker programme"
role = "mc_support_worker"
length_years = 1
commissioned_places = 60
fill_rate = 0.9
attrition = 0.1
local_share = 0.9
sectors = { nhs = 0.5, independent = 0.5 }
basis = "assumption: for the test"
"""


def extend(baseline: Path, name: str, body: str) -> Path:
    path = baseline.parent / f"{name}.toml"
    path.write_text(
        f'schema_version = 1\nname = "{name}"\nextends = "{baseline.name}"\n{body}',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def base_gap(demo_baseline: Path) -> GapOutcome:
    return compute_gap(demo_baseline, runs=0, sample=0)


def delegated_hours(outcome: GapOutcome) -> np.ndarray:
    """[y, t] hours done under delegation in the central run, over the region."""
    p = outcome.problem
    pairs = p.delegable & ~p.own  # [t, g]
    return (outcome.allocation.hours_done[0] * pairs).sum(axis=(0, 3))


# --- pay uplift ---------------------------------------------------------------------------------


def test_a_pay_uplift_lowers_the_covered_leavers_by_its_factor_from_its_year(
    demo_baseline: Path,
) -> None:
    base, raised = load_scenario(demo_baseline), load_scenario(extend(demo_baseline, "pay", UPLIFT))
    before, _, groups = prepare(base)
    after, _, _ = prepare(raised)
    covered = np.array([groups.get(r) == NURSES for r in before.roles])
    assert covered.any()
    labels = np.array(
        [base.scenario.data.census_date.year + t + 1 for t in range(len(after.retention))]
    )
    ratio = after.retention / before.retention  # [y, g, c]
    expected = np.where((labels >= 2029)[:, None] & covered[None, :], 1 - 2.0 * 0.05, 1.0)
    assert_allclose(ratio, np.broadcast_to(expected[:, :, None], ratio.shape))
    for name in (
        "headcount",
        "fte",
        "leaver_rate",
        "joiner_rate",
        "move_rate",
        "commissioned_places",
    ):
        assert np.array_equal(getattr(before, name), getattr(after, name)), name

    baseline = project_scenario(demo_baseline, runs=0).projection
    uplifted = project_scenario(raised.path, runs=0).projection
    leavers = baseline.flow("leavers")[0], uplifted.flow("leavers")[0]  # [y, g]
    years = np.arange(len(leavers[0])) + base.scenario.data.census_date.year
    early = years < 2029
    assert_allclose(leavers[1][early], leavers[0][early])
    late = (years >= 2029)[:, None] & covered[None, :]
    assert leavers[1][late].sum() < leavers[0][late].sum()
    first = int(np.argmax(years == 2029))  # the first year's stock is the same, so 0.9 exactly
    # 0.9 but for those who leave at the last age whatever the lever
    assert_allclose(leavers[1][first, covered], 0.9 * leavers[0][first, covered], rtol=0.01)
    assert_allclose(leavers[1][:, ~covered][early], leavers[0][:, ~covered][early])


def test_a_pay_uplift_leaves_every_other_streams_draws_identical(demo_baseline: Path) -> None:
    base, raised = load_scenario(demo_baseline), load_scenario(extend(demo_baseline, "pay", UPLIFT))
    model, rates, groups = prepare(base)
    runs = np.arange(40)
    a = draw_supply_parameters(model, base.scenario, rates, groups, runs=runs)
    b = draw_supply_parameters(model, raised.scenario, rates, groups, runs=runs)
    covered = np.array([groups.get(r) == NURSES for r in model.roles])
    for name in ("joiner_multiplier", "international_multiplier", "fill_rate"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name
    assert a.leaver_multiplier[:, ~covered].tobytes() == b.leaver_multiplier[:, ~covered].tobytes()
    ratio = b.leaver_multiplier[:, covered] / a.leaver_multiplier[:, covered]
    assert_allclose(ratio[0], 1.0)  # run 0 is central
    assert_allclose(ratio, np.repeat(ratio[:, :1], covered.sum(), axis=1))  # one draw a run
    assert ratio[1:].std() > 0.01
    assert ((ratio >= 0.0) & (ratio <= 1.0 / 0.9 + 1e-9)).all()  # kept = 1 - e x 0.05, e > 0


# --- delegation ---------------------------------------------------------------------------------


def test_stopping_delegation_from_a_year_is_no_delegation_from_then_and_not_before(
    demo_baseline: Path, base_gap: GapOutcome
) -> None:
    path = extend(
        demo_baseline,
        "stop",
        '[[delegation]]\nallowed = false\nfrom_year = 2029\nbasis = "assumption: for the test"\n',
    )
    stopped = compute_gap(path, runs=0, sample=0)
    years = np.array(stopped.problem.years)
    early, late = years < 2029, years >= 2029
    unmet_base = base_gap.allocation.unmet[0].sum(axis=0)  # [y, t]
    unmet = stopped.allocation.unmet[0].sum(axis=0)
    assert_allclose(unmet[early], unmet_base[early], atol=1e-6)
    assert_allclose(delegated_hours(stopped)[late], 0.0, atol=1e-6)
    assert (unmet[late].sum(axis=1) >= unmet_base[late].sum(axis=1) - 1e-3).all()
    without = base_gap.without_delegation.objective[0]
    assert_allclose(stopped.allocation.objective[0][late], without[late], rtol=1e-7)
    assert any("not delegated" in line for line in stopped.assumptions)


def test_a_cap_from_a_year_limits_the_delegated_hours_of_every_task(
    demo_baseline: Path, base_gap: GapOutcome
) -> None:
    path = extend(
        demo_baseline,
        "cap",
        '[[delegation]]\nmax_share = 0.05\nfrom_year = 2030\nbasis = "assumption: for the test"\n',
    )
    capped = compute_gap(path, runs=0, sample=0)
    years = np.array(capped.problem.years)
    need = capped.problem.hours[0].sum(axis=0)  # [y, t]
    done = delegated_hours(capped)
    late = years >= 2030
    assert (done[late] <= 0.05 * need[late] + 1e-6).all()
    # before its year the same optimum (hours may move between tasks of equal cost)
    assert_allclose(
        done[~late].sum(axis=1), delegated_hours(base_gap)[~late].sum(axis=1), rtol=1e-7
    )


def test_training_more_workers_raises_the_delegated_hours_limit_year_by_year(
    demo_baseline: Path, base_gap: GapOutcome
) -> None:
    path = extend(
        demo_baseline,
        "train",
        "[[delegation]]\ntrained_per_year = 10\nfrom_year = 2028\n"
        'basis = "assumption: for the test"\n',
    )
    trained = compute_gap(path, runs=0, sample=0)
    p, b = trained.problem, base_gap.problem
    assert p.delegation_hours is not None and b.delegation_hours is not None
    added = (p.delegation_hours - b.delegation_hours).sum(axis=0)  # [y, t] over the areas
    years = np.array(p.years)
    hours = DELEGATED_HOURS_PER_WORKER * 10 * np.clip(years - 2028 + 1, 0, None)
    widened = added[-1] > 0  # every task the framework lets registrants delegate
    assert widened[(p.delegable & ~p.own).any(axis=1)].all()
    assert_allclose(added[:, widened], np.repeat(hours[:, None], widened.sum(), axis=1))
    assert_allclose(added[:, ~widened], 0.0)
    unmet = trained.allocation.unmet[0].sum(axis=(0, 2))
    assert (unmet <= base_gap.allocation.unmet[0].sum(axis=(0, 2)) + 1e-3).all()


# --- new roles ----------------------------------------------------------------------------------


def test_a_new_role_with_a_programme_is_projected_and_does_its_tasks(
    demo_baseline: Path, base_gap: GapOutcome
) -> None:
    path = extend(demo_baseline, "new_role", NEW_ROLE)
    outcome = compute_gap(path, runs=0, sample=0)
    by_role = outcome.supply.summary.by_role
    rows = by_role.filter(by_role["role"] == "mc_support_worker").sort("year")
    assert rows["headcount_central"][0] == 0
    assert rows["headcount_central"][-1] > 40
    p, a = outcome.problem, outcome.allocation
    k = p.groups.index("mc_support_worker")
    own = [p.tasks.index(t) for t in ("PC01", "PC02", "PC03", "PC04") if t in p.tasks]
    assert own and p.own[own, k].all()
    done = a.hours_done[0][..., k].sum(axis=0)  # [y, t]
    assert done[-1, own].sum() > 1_000
    allowed = p.own[:, k] | p.delegable[:, k]
    assert_allclose(done[:, ~allowed], 0.0, atol=1e-6)
    assert any("new role mc_support_worker" in line for line in outcome.assumptions)
    plan = plan_for_gap(outcome)
    assert "mc_support_worker" in plan.problem.allocation.groups


def test_a_new_role_naming_a_task_the_framework_lacks_names_its_place(demo_baseline: Path) -> None:
    body = NEW_ROLE.replace('"NUT01"]', '"NUT01", "NOPE99"]')
    with pytest.raises(ValidationFailed) as failed:
        compute_gap(extend(demo_baseline, "bad_role", body), runs=0, sample=0)
    assert ("new_roles[0].tasks", "NOPE99") in {(p.column, p.value) for p in failed.value.problems}
    bad_like = NEW_ROLE.replace('like_role = "senior_hcsw"', 'like_role = "senior_hcsww"')
    with pytest.raises(ValidationFailed) as failed:
        project_scenario(extend(demo_baseline, "bad_like", bad_like), runs=0)
    assert ("new_roles[0].like_role", "senior_hcsww") in {
        (p.column, p.value) for p in failed.value.problems
    }


# --- fill rate by year --------------------------------------------------------------------------


def test_a_fill_rate_named_for_a_year_sets_that_years_intake_only(demo_baseline: Path) -> None:
    changed = extend(
        demo_baseline,
        "fill_by_year",
        """
[[programmes]]
id = "nursing_adult"
fill_rate_by_year = [{ year = 2029, value = 0.5 }]
""",
    )
    base = project_scenario(demo_baseline, runs=0).projection
    lower = project_scenario(changed, runs=0).projection
    p = base.programmes.index("nursing_adult")
    years = [2026 + t for t in range(base.years + 1)]
    at = years.index(2029)
    commissioned = load_scenario(demo_baseline).scenario.programmes[0]
    assert commissioned.id == "nursing_adult"
    assert lower.intake[0, at, p] == pytest.approx(commissioned.commissioned_places.central * 0.5)
    others = [i for i in range(len(years)) if i != at]
    assert_allclose(lower.intake[0, others, p], base.intake[0, others, p])
    # Fewer starters in 2029 mean fewer completers three years on, and never more staff.
    assert lower.completers[0, at + 2, p] < base.completers[0, at + 2, p]
    assert (
        lower.headcount_by_cell[0].sum(axis=1) <= base.headcount_by_cell[0].sum(axis=1) + 1e-9
    ).all()

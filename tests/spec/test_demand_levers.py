"""Spec: the scenario's levers on demand (productivity and service shifts), worked by hand.

One area, four years (2026-2029): 100 people aged 70 and 100 aged 30 every year, so every change
comes from a lever. Only the central run is computed unless a test says otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from careforce.demand.compiler import compile_demand
from careforce.demand.erlang import agents_needed
from careforce.demand.levers import DemandLevers, phase_in
from careforce.demand.model import DemandResult
from careforce.domain import ValidationFailed
from careforce.scenario.demand_levers import demand_levers
from careforce.scenario.schema import Demand
from careforce.specification.demand_inputs import demand_model, draw_parameters
from careforce.specification.service_spec import ServiceSpec

AREAS = ("A",)
YEARS = (2026, 2027, 2028, 2029)
BASIS = {"basis": "assumption: a worked example"}


def population() -> np.ndarray:
    people = np.zeros((1, 101, len(YEARS)))
    people[0, 70, :] = 100
    people[0, 30, :] = 100
    return people


def run(
    *services: dict[str, Any], levers: dict[str, Any] | None = None, runs: int = 0, seed: int = 1
) -> DemandResult:
    spec = ServiceSpec.model_validate(
        {
            "schema_version": 1,
            "name": "hand-worked",
            "base_year": 2026,
            "years": len(YEARS),
            "standard_hours_per_fte": 1650,
            "services": list(services),
        }
    )
    model = demand_model(spec, AREAS, YEARS)
    index = np.arange(runs + 1)
    draws = draw_parameters(spec, model, seed=seed, runs=index)
    drawn = None
    if levers is not None:
        drawn = demand_levers(Demand.model_validate(levers), model, seed=seed, runs=index)
    return compile_demand(model, population(), draws, levers=drawn)


def hours(result: DemandResult, task: str) -> np.ndarray:
    """Central hours of one task by year (the one area)."""
    return result.hours[0, result.task_ids.index(task), 0]


def activity(task: str = "MED03", **values: Any) -> dict[str, Any]:
    return {"task": task, "contacts_per_user_per_year": 12, "minutes_per_contact": 20, **values}


def district_nursing(*activities: dict[str, Any]) -> dict[str, Any]:
    # users: 100 aged 70 x 0.1 = 10 a year
    return {
        "id": "district_nursing",
        "name": "District nursing",
        "setting": "community",
        "driver": {"kind": "population", "use_rate": [{"ages": "65+", "rate": 0.1}]},
        "activities": list(activities) or [activity(travel_minutes_per_contact=10)],
    }


def care_home(**extra: Any) -> dict[str, Any]:
    # FTE = 10 places x 0.5 = 5; hours = 5 x 1650 = 8,250
    return {
        "id": "care_home",
        "name": "Care homes",
        "setting": "residential",
        "driver": {"kind": "places", "places": 10},
        "ratio": {
            "levels": [{"name": "all", "share_of_places": 1, "fte_per_place": 0.5}],
            "tasks": {"PC01": 1.0},
        },
        **extra,
    }


def crisis_line(tasks: dict[str, float] | None = None) -> dict[str, Any]:
    # 6 arrivals an hour of 20 minutes: 2 Erlangs, 4 on duty (tests/spec/test_demand_drivers.py)
    return {
        "id": "crisis_line",
        "name": "Crisis line",
        "setting": "mental_health",
        "driver": {"kind": "arrivals", "per_hour": 6},
        "queue": {
            "handling_minutes": 20,
            "answer_seconds": 30,
            "service_level": 0.8,
            "tasks": tasks or {"MH05": 1.0},
        },
    }


def queue_hours(arrivals: float, minutes: float) -> float:
    return float(agents_needed(arrivals, minutes, 30, 0.8)) * 24 * 365


def test_phase_in_reaches_the_full_effect_phase_in_years_after_from_year() -> None:
    years = np.array([2026, 2027, 2028, 2029, 2030])
    assert phase_in(years, 2028, 0) == pytest.approx([0, 0, 1, 1, 1])
    assert phase_in(years, 2028, 1) == pytest.approx([0, 0, 0.5, 1, 1])
    assert phase_in(years, 2027, 3) == pytest.approx([0, 0.25, 0.5, 0.75, 1])


def test_minutes_multiplier_phased_in_on_an_activity_service() -> None:
    # 10 users x 12 contacts x (20 minutes x factor + 10 travel) / 60; factor 1, 1, 0.9, 0.8
    levers = {
        "productivity": [
            {"minutes_multiplier": 0.8, "from_year": 2028, "phase_in_years": 1, **BASIS}
        ]
    }
    result = run(district_nursing(), levers=levers)
    assert hours(result, "MED03") == pytest.approx([60, 60, 56, 52])


def test_minutes_multiplier_on_one_task_leaves_the_others_and_the_split_follows() -> None:
    service = district_nursing(activity("MED03"), activity("PC01", minutes_per_contact=40))
    levers = {"productivity": [{"tasks": ["MED03"], "minutes_multiplier": 0.5, **BASIS}]}
    result = run(service, levers=levers)
    # MED03: 10 x 12 x 10 / 60 = 20 hours; PC01 unchanged: 10 x 12 x 40 / 60 = 80
    assert hours(result, "MED03") == pytest.approx([20] * 4)
    assert hours(result, "PC01") == pytest.approx([80] * 4)
    assert result.hours_by_service[0, 0, 0] == pytest.approx([100] * 4)


def test_a_later_lever_changes_the_split_over_tasks_by_year() -> None:
    service = district_nursing(activity("MED03"), activity("PC01"))
    change = {"tasks": ["PC01"], "minutes_multiplier": 2.0, "from_year": 2028}
    result = run(service, levers={"productivity": [{**change, **BASIS}]})
    assert hours(result, "MED03") == pytest.approx([40] * 4)
    assert hours(result, "PC01") == pytest.approx([40, 40, 80, 80])
    assert result.hours.sum(axis=1) == pytest.approx(result.hours_by_service.sum(axis=1))


def test_levers_on_the_same_work_multiply() -> None:
    levers = {
        "productivity": [
            {"services": ["district_nursing"], "minutes_multiplier": 0.5, **BASIS},
            {"tasks": ["MED03"], "minutes_multiplier": 0.5, **BASIS},
        ],
        "service_shifts": [
            {"service": "district_nursing", "users_multiplier": 2, **BASIS},
            {"service": "district_nursing", "users_multiplier": 1.5, **BASIS},
        ],
    }
    result = run(district_nursing(activity()), levers=levers)
    # 10 x 2 x 1.5 users x 12 contacts x 20 x 0.25 minutes / 60 = 30
    assert hours(result, "MED03") == pytest.approx([30] * 4)


def test_users_shift_on_a_population_driven_service() -> None:
    levers = {"service_shifts": [{"service": "district_nursing", "users_multiplier": 1.5, **BASIS}]}
    levers["service_shifts"][0]["from_year"] = 2027
    result = run(district_nursing(), levers=levers)
    assert hours(result, "MED03") == pytest.approx([60, 90, 90, 90])


def test_users_shift_scales_places_and_productivity_leaves_the_ratio_alone() -> None:
    service = care_home(activities=[activity("MED03")])  # 10 places x 12 x 20 / 60 = 40 hours
    levers = {
        "productivity": [{"minutes_multiplier": 0.5, **BASIS}],
        "service_shifts": [{"service": "care_home", "users_multiplier": 2, **BASIS}],
    }
    result = run(service, levers=levers)
    assert hours(result, "PC01") == pytest.approx([16_500] * 4)  # 20 places x 0.5 x 1650
    assert hours(result, "MED03") == pytest.approx([40] * 4)  # 20 places x 12 x 10 / 60


def test_a_users_multiplier_scales_a_queues_arrivals_before_erlang_c() -> None:
    levers = {"service_shifts": [{"service": "crisis_line", "users_multiplier": 2, **BASIS}]}
    before, after = (
        hours(run(crisis_line()), "MH05"),
        hours(run(crisis_line(), levers=levers), "MH05"),
    )
    assert before == pytest.approx([queue_hours(6, 20)] * 4)
    assert after == pytest.approx([queue_hours(12, 20)] * 4)
    assert not np.allclose(after, 2 * before)  # a bigger queue pools: staff do not simply double


def test_a_minutes_multiplier_scales_a_queues_handling_time() -> None:
    levers = {"productivity": [{"minutes_multiplier": 1.5, "from_year": 2027, **BASIS}]}
    result = run(crisis_line(), levers=levers)
    assert hours(result, "MH05") == pytest.approx([queue_hours(6, 20)] + [queue_hours(6, 30)] * 3)


def test_a_lever_on_one_of_a_queues_tasks_changes_its_share_of_the_handling_time() -> None:
    # handling 20 x (0.5 x 0.5 + 0.5 x 1) = 15 minutes; MH05 takes 0.25 / 0.75 of the hours
    line = crisis_line({"MH05": 0.5, "MH01": 0.5})
    levers = {"productivity": [{"tasks": ["MH05"], "minutes_multiplier": 0.5, **BASIS}]}
    result = run(line, levers=levers)
    total = queue_hours(6, 15)
    assert hours(result, "MH05") == pytest.approx([total / 3] * 4)
    assert hours(result, "MH01") == pytest.approx([total * 2 / 3] * 4)


def test_no_levers_and_empty_levers_give_the_same_numbers_bit_for_bit() -> None:
    services = (district_nursing(), care_home(), crisis_line())
    plain = run(*services, runs=6)
    empty = run(*services, levers={}, runs=6)
    assert np.array_equal(plain.hours, empty.hours)
    assert np.array_equal(plain.hours_by_service, empty.hours_by_service)


def test_a_lever_leaves_the_services_it_does_not_name_bit_for_bit() -> None:
    services = (district_nursing(), care_home(), crisis_line())
    levers = {"service_shifts": [{"service": "care_home", "users_multiplier": [0.5, 1.5], **BASIS}]}
    plain = run(*services, runs=6)
    shifted = run(*services, levers=levers, runs=6)
    for s in (0, 2):
        assert np.array_equal(plain.hours_by_service[:, s], shifted.hours_by_service[:, s])
    assert not np.array_equal(plain.hours_by_service[:, 1], shifted.hours_by_service[:, 1])


def test_an_interval_is_central_in_run_0_and_drawn_in_the_others() -> None:
    interval = {"central": 1.5, "low": 1.2, "high": 2.0}
    levers = {"service_shifts": [{"service": "district_nursing", "users_multiplier": interval}]}
    levers["service_shifts"][0] |= BASIS
    result = run(district_nursing(), levers=levers, runs=200)
    per_run = result.hours[:, 0, 0, 0] / 60  # the drawn multiplier of each run
    assert per_run[0] == pytest.approx(1.5)
    drawn = per_run[1:]
    assert len(np.unique(drawn)) == 200
    assert np.mean((drawn >= 1.2) & (drawn <= 2.0)) == pytest.approx(0.8, abs=0.1)


def test_adding_a_lever_leaves_every_other_streams_draws_byte_identical() -> None:
    spec = ServiceSpec.model_validate(
        {
            "schema_version": 1,
            "name": "streams",
            "base_year": 2026,
            "years": 4,
            "services": [district_nursing(), crisis_line()],
        }
    )
    model = demand_model(spec, AREAS, YEARS)
    runs = np.arange(51)
    one = {"productivity": [{"minutes_multiplier": [0.7, 0.9], **BASIS}]}
    two = {
        "productivity": [*one["productivity"], {"minutes_multiplier": [0.5, 1.1], **BASIS}],
        "service_shifts": [{"service": "crisis_line", "users_multiplier": [1, 3], **BASIS}],
    }
    first = demand_levers(Demand.model_validate(one), model, seed=7, runs=runs)
    both = demand_levers(Demand.model_validate(two), model, seed=7, runs=runs)
    assert first.minutes[0].factor.tobytes() == both.minutes[0].factor.tobytes()
    assert not np.array_equal(both.minutes[0].factor, both.minutes[1].factor)
    draws = draw_parameters(spec, model, seed=7, runs=runs)
    again = draw_parameters(spec, model, seed=7, runs=runs)  # the levers drew from no other stream
    for d, e in zip(draws.services, again.services, strict=True):
        assert d.users_trend_per_year.tobytes() == e.users_trend_per_year.tobytes()


def test_blocks_of_runs_do_not_change_the_levers_results() -> None:
    spec = ServiceSpec.model_validate(
        {
            "schema_version": 1,
            "name": "blocks",
            "base_year": 2026,
            "years": 4,
            "services": [district_nursing(activity(), activity("PC01")), crisis_line()],
        }
    )
    model = demand_model(spec, AREAS, YEARS)
    runs = np.arange(9)
    draws = draw_parameters(spec, model, seed=3, runs=runs)
    levers = {
        "productivity": [
            {"tasks": ["PC01", "MH05"], "minutes_multiplier": [0.6, 0.9], "phase_in_years": 2}
        ]
    }
    levers["productivity"][0] |= BASIS
    drawn = demand_levers(Demand.model_validate(levers), model, seed=3, runs=runs)
    whole = compile_demand(model, population(), draws, levers=drawn)
    blocks = compile_demand(model, population(), draws, levers=drawn, block_runs=2)
    assert np.array_equal(whole.hours_by_service, blocks.hours_by_service)
    assert blocks.hours == pytest.approx(whole.hours, rel=1e-12)


@pytest.mark.parametrize(
    ("levers", "place", "value"),
    [
        ({"productivity": [{"tasks": ["MED99"]}]}, "demand.productivity[0].tasks", "MED99"),
        (
            {"productivity": [{"services": ["nursing"]}]},
            "demand.productivity[0].services",
            "nursing",
        ),
        ({"service_shifts": [{"service": "crisis"}]}, "demand.service_shifts[0].service", "crisis"),
        (
            {"productivity": [{"services": ["care_home"]}]},
            "demand.productivity[0].services",
            "care_home",
        ),
    ],
)
def test_an_unknown_or_unreachable_id_is_a_problem_at_its_place(
    levers: dict[str, list[dict[str, Any]]], place: str, value: str
) -> None:
    for entries in levers.values():
        for entry in entries:
            entry |= BASIS
            entry.setdefault(
                "users_multiplier" if "service" in entry else "minutes_multiplier", 0.9
            )
    with pytest.raises(ValidationFailed) as caught:
        run(district_nursing(), care_home(), crisis_line(), levers=levers)
    [problem] = caught.value.problems
    assert (problem.column, problem.value) == (place, value)


def test_levers_must_be_drawn_for_the_runs_of_the_draws() -> None:
    spec = ServiceSpec.model_validate(
        {"schema_version": 1, "name": "x", "base_year": 2026, "years": 4,
         "services": [district_nursing()]}
    )  # fmt: skip
    model = demand_model(spec, AREAS, YEARS)
    draws = draw_parameters(spec, model, seed=1, runs=np.arange(3))
    with pytest.raises(ValueError, match="runs of the draws"):
        compile_demand(model, population(), draws, levers=DemandLevers(runs=np.arange(2)))

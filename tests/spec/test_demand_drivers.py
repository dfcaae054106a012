"""Spec: required hours from each kind of driver, on a population small enough to add up by hand.

Two areas, two years. Area A: 100 people aged 70 in 2026 and 200 in 2027. Area B: 50 aged 80 and
50 aged 30 in both years. Only the central run is computed (run 0: every value at its centre).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from careforce.demand.compiler import compile_demand
from careforce.demand.model import DemandResult
from careforce.specification.demand_inputs import demand_model, draw_parameters
from careforce.specification.service_spec import ServiceSpec

AREAS = ("A", "B")
YEARS = (2026, 2027)


def population() -> np.ndarray:
    people = np.zeros((2, 101, 2))
    people[0, 70, :] = [100, 200]
    people[1, 80, :] = 50
    people[1, 30, :] = 50
    return people


def run(*services: dict[str, Any], runs: int = 0) -> DemandResult:
    spec = ServiceSpec.model_validate(
        {
            "schema_version": 1,
            "name": "hand-worked",
            "base_year": 2026,
            "years": 2,
            "standard_hours_per_fte": 1650,
            "services": list(services),
        }
    )
    model = demand_model(spec, AREAS, YEARS)
    draws = draw_parameters(spec, model, seed=1, runs=np.arange(runs + 1))
    return compile_demand(model, population(), draws)


def task_hours(result: DemandResult, task: str) -> np.ndarray:
    """Central hours of one task by area (rows) and year (columns)."""
    return result.hours[0, result.task_ids.index(task)]


def activity(task: str = "MED03", **values: Any) -> dict[str, Any]:
    return {"task": task, "contacts_per_user_per_year": 12, "minutes_per_contact": 20, **values}


def population_service(**extra: Any) -> dict[str, Any]:
    return {
        "id": "district_nursing",
        "name": "District nursing",
        "setting": "community",
        "driver": {
            "kind": "population",
            "use_rate": [{"ages": "65-74", "rate": 0.1}, {"ages": "75+", "rate": 0.2}],
            "coverage": 0.5,
        },
        "activities": [activity(travel_minutes_per_contact=10)],
        **extra,
    }


def test_population_driver_users_times_contacts_times_minutes() -> None:
    # users: A 100 x 0.1 x 0.5 = 5 (2026), 10 (2027); B 50 x 0.2 x 0.5 = 5
    # hours a user: 12 contacts x (20 + 10 travel) minutes / 60 = 6
    result = run(population_service())
    assert task_hours(result, "MED03") == pytest.approx(np.array([[30, 60], [30, 30]]))
    assert result.hours_by_service[0, 0] == pytest.approx(np.array([[30, 60], [30, 30]]))


def test_a_double_handed_call_doubles_the_staff_hours() -> None:
    service = population_service(
        activities=[activity(travel_minutes_per_contact=10, staff_per_contact=2)]
    )
    assert task_hours(run(service), "MED03") == pytest.approx(np.array([[60, 120], [60, 60]]))


def test_activities_of_one_service_add_by_task() -> None:
    service = population_service(
        activities=[
            activity("MED03", minutes_per_contact=30),  # 6 hours a user
            activity("PC01", contacts_per_user_per_year=52, minutes_per_contact=15),  # 13
            activity("MED03", contacts_per_user_per_year=2, minutes_per_contact=30),  # 1
        ]
    )
    result = run(service)
    assert task_hours(result, "MED03")[:, 0] == pytest.approx([35, 35])
    assert task_hours(result, "PC01")[:, 0] == pytest.approx([65, 65])


def test_trends_compound_from_the_base_year() -> None:
    # 2027: users x 1.10, minutes (and travel) x 1.05 on top of the population's own change
    service = population_service(trends={"users_per_year": 0.10, "minutes_per_year": 0.05})
    hours = task_hours(run(service), "MED03")
    assert hours[:, 0] == pytest.approx([30, 30])
    assert hours[:, 1] == pytest.approx([60 * 1.1 * 1.05, 30 * 1.1 * 1.05])


def caseload(driver: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "reablement",
        "name": "Reablement",
        "setting": "domiciliary",
        "driver": {"kind": "caseload", **driver},
        "activities": [activity("REHAB01", contacts_per_user_per_year=10, minutes_per_contact=60)],
    }


@pytest.mark.parametrize(
    ("driver", "users"),
    [
        # 120 users over the population aged 65+: A 100 of 150 in 2026, 200 of 250 in 2027
        ({"users": 120, "ages": "65+"}, [[80, 96], [40, 24]]),
        # moving with that population from the base year: 120 x P[l, y] / 150
        ({"users": 120, "ages": "65+", "scale_with_population": True}, [[80, 160], [40, 40]]),
        # all ages: A 100 of 200 in 2026, 200 of 300 in 2027
        ({"users": 120}, [[60, 80], [60, 40]]),
        ({"users_by_area": {"A": 10}}, [[10, 10], [0, 0]]),
        ({"users_by_area": {"A": 10, "B": 4}, "scale_with_population": True}, [[10, 20], [4, 4]]),
    ],
)
def test_caseload_driver_spreads_or_moves_the_users(
    driver: dict[str, Any], users: list[list[float]]
) -> None:
    # 10 contacts of an hour a user a year: hours equal 10 x users
    hours = task_hours(run(caseload(driver)), "REHAB01")
    assert hours == pytest.approx(10 * np.array(users))


def care_home(**driver: Any) -> dict[str, Any]:
    return {
        "id": "care_home",
        "name": "Care homes",
        "setting": "residential",
        "driver": {"kind": "places", **driver},
        "ratio": {
            "levels": [
                {"name": "nursing", "share_of_places": 0.4, "fte_per_place": 0.5},
                {"name": "residential", "share_of_places": 0.6, "fte_per_place": 1.0},
            ],
            "tasks": {"PC01": 0.75, "MED01": 0.25},
        },
    }


def test_places_driver_ratio_staffing() -> None:
    # FTE = 100 places x (0.4 x 0.5 + 0.6 x 1.0) = 80; hours = 80 x 1650 = 132,000
    # spread over the population aged 75+: all of it in B
    result = run(care_home(places=100, ages="75+"))
    assert result.hours_by_service[0, 0].sum(axis=0) == pytest.approx([132_000, 132_000])
    assert task_hours(result, "PC01") == pytest.approx(np.array([[0, 0], [99_000, 99_000]]))
    assert task_hours(result, "MED01") == pytest.approx(np.array([[0, 0], [33_000, 33_000]]))


def test_places_by_area_with_activities_count_each_place_as_a_user() -> None:
    service = care_home(places_by_area={"A": 10})
    service["activities"] = [activity("MED03")]  # 12 x 20 / 60 = 4 hours a place
    result = run(service)
    assert task_hours(result, "MED03")[0] == pytest.approx([40, 40])
    assert task_hours(result, "PC01")[0] == pytest.approx([10 * 0.8 * 1650 * 0.75] * 2)


def crisis_line(driver: dict[str, Any], **queue: Any) -> dict[str, Any]:
    return {
        "id": "crisis_line",
        "name": "Crisis line",
        "setting": "mental_health",
        "driver": {"kind": "arrivals", "ages": "16+", **driver},
        "queue": {
            "handling_minutes": 20,
            "answer_seconds": 30,
            "service_level": 0.8,
            "tasks": {"MH05": 1.0},
            **queue,
        },
    }


def test_arrivals_driver_erlang_c_staff_on_duty_all_day() -> None:
    # A = 6 an hour x 20 min / 60 = 2 Erlangs. N = 3: C = 4/9, service level 1 - 4/9 x
    # exp(-1 x 30/1200) = 0.567; N = 4: C = 4/23, service level 1 - 4/23 x exp(-2 x 30/1200)
    # = 0.835 >= 0.8. So 4 on duty, 24 hours, 365 days: 35,040 hours, spread by the population
    # aged 16+ (A 100 and B 100 in 2026; A 200 and B 100 in 2027).
    result = run(crisis_line({"per_hour": 6}))
    expected = np.array([[17_520, 23_360], [17_520, 11_680]])
    assert task_hours(result, "MH05") == pytest.approx(expected)


def test_arrivals_by_hour_staff_only_the_busy_hours() -> None:
    by_hour = [0] * 12 + [6] * 12  # nobody arrives before noon: no staff then
    result = run(crisis_line({"by_hour": by_hour, "days_per_year": 300}))
    assert result.hours[0].sum(axis=(0, 1)) == pytest.approx([4 * 12 * 300] * 2)


def test_arrivals_that_scale_with_population_need_more_staff() -> None:
    # 2027: the population aged 16+ rises from 200 to 300, so 9 arrivals an hour, A = 3
    result = run(crisis_line({"per_hour": 6, "scale_with_population": True}))
    totals = result.hours[0].sum(axis=(0, 1)) / (24 * 365)
    assert totals[0] == 4
    assert totals[1] > 4


def test_every_service_together_adds_up_and_keeps_its_own_hours() -> None:
    services = (population_service(), caseload({"users": 120}), care_home(places=100))
    together = run(*services, crisis_line({"per_hour": 6}), runs=5)
    assert together.hours.sum(axis=1) == pytest.approx(together.hours_by_service.sum(axis=1))
    alone = run(care_home(places=100))
    assert together.hours_by_service[0, 2] == pytest.approx(alone.hours_by_service[0, 0])

"""Spec: the competency inventory. A tiny framework and tiny frames in, the competencies each post
holds on 1 June 2025 out, with the summaries' headcount (people once) and FTE (posts).

| task    | status                | held by            | delegated by | delegable to |
|---------|-----------------------|--------------------|--------------|--------------|
| WASH    | routine               | nurse, care worker |              |              |
| HOIST   | trained_role_task     | care worker        |              |              |
| INSULIN | delegable_conditional | nurse              | nurse        | care worker  |
| DETAIN  | approved_role_only    | amhp               |              |              |
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import polars as pl
import pytest

from careforce.domain import Role, StaffGroup, TrainingRecord
from careforce.domain.framework import (
    DelegationCondition,
    DelegationStatus,
    Domain,
    Framework,
    SupervisionStandard,
    Task,
)
from careforce.results.competency import CompetencyInventory, competency_inventory

ON = dt.date(2025, 6, 1)
D = dt.date
S = DelegationStatus
TASKS = (
    Task("WASH", "Help with washing", "CARE", 2, ("nurse", "care_worker"), S.ROUTINE),
    Task("HOIST", "Hoist transfer", "MOVE", 2, ("care_worker",), S.TRAINED_ROLE_TASK),
    Task(
        "INSULIN",
        "Give insulin by pen",
        "CARE",
        3,
        ("nurse",),
        S.DELEGABLE_CONDITIONAL,
        delegated_by=("nurse",),
        delegable_to=("care_worker",),
        conditions=("DC3",),
    ),
    Task("DETAIN", "Apply for detention", "CARE", 7, ("amhp",), S.APPROVED_ROLE_ONLY),
)
ROLES = {
    "nurse": ("Nurse", StaffGroup.REGISTERED_NURSING_MIDWIFERY, 5, "NMC", False, ()),
    "care_worker": ("Care worker", StaffGroup.SOCIAL_CARE_DIRECT, 2, None, True, ()),
    "porter": ("Porter", StaffGroup.ADMIN_ESTATES, 2, None, False, ()),
    "amhp": ("AMHP", StaffGroup.SOCIAL_WORK, 7, "SCW", False, ("amhp",)),
}


def tiny_framework() -> Framework:
    held = {r: tuple(t.id for t in TASKS if r in t.default_holders) for r in ROLES}
    return Framework(
        version="spec",
        roles={
            r: Role(
                r,
                title,
                group,
                level,
                regulator=regulator,
                can_receive_delegation=receives,
                approvals=approvals,
                default_competencies=held[r],
            )
            for r, (title, group, level, regulator, receives, approvals) in ROLES.items()
        },
        tasks={t.id: t for t in TASKS},
        domains={"CARE": Domain("CARE", "Care"), "MOVE": Domain("MOVE", "Moving")},
        conditions={"DC3": DelegationCondition("DC3", "Trained and signed off", ("S56",))},
        supervision=SupervisionStandard(0.1, 3.0, 1.0, "assumption"),
    )


FW = tiny_framework()
LOCALITIES = pl.DataFrame({"code": ["LA-A", "LA-B"], "name": ["Aberwen", "Bryn"]})
POST_SCHEMA: dict[str, Any] = {
    "organisation_code": pl.String,
    "organisation_name": pl.String,
    "post_ref": pl.String,
    "person_key": pl.String,
    "role_id": pl.String,
    "locality_code": pl.String,
    "sector": pl.String,
    "fte": pl.Float64,
    "start_date": pl.Date,
    "end_date": pl.Date,
}
RECORD_SCHEMA: dict[str, Any] = {
    "person_key": pl.String,
    "competency": pl.String,
    "achieved_on": pl.Date,
    "expires_on": pl.Date,
    "signed_off_by_role": pl.String,
}


def post(
    person: str,
    role: str,
    fte: float = 1.0,
    *,
    org: str = "NHS1",
    place: str = "LA-A",
    end: dt.date | None = None,
) -> dict[str, Any]:
    sector = "nhs" if org.startswith("NHS") else "independent"
    return {
        "organisation_code": org,
        "organisation_name": f"{org} name",
        "post_ref": f"{org}-{person}-{role}",
        "person_key": person,
        "role_id": role,
        "locality_code": place,
        "sector": sector,
        "fte": fte,
        "start_date": D(2020, 1, 1),
        "end_date": end,
    }


def rec(
    person: str,
    task: str,
    achieved: dt.date = D(2025, 1, 10),
    expires: dt.date | None = D(2026, 1, 10),
    signer: str | None = "nurse",
) -> dict[str, Any]:
    return {
        "person_key": person,
        "competency": task,
        "achieved_on": achieved,
        "expires_on": expires,
        "signed_off_by_role": signer,
    }


def inventory(posts: list[dict[str, Any]], records: list[dict[str, Any]]) -> CompetencyInventory:
    return competency_inventory(
        pl.DataFrame(posts, schema=POST_SCHEMA),
        pl.DataFrame(records, schema=RECORD_SCHEMA),
        FW,
        census_date=ON,
        localities=LOCALITIES,
    )


def held(inv: CompetencyInventory, person: str) -> dict[str, str]:
    rows = inv.posts_competencies.filter(pl.col("person_key") == person)
    return dict(zip(rows["task_id"], rows["grounds"], strict=True))


def test_a_role_holds_its_default_tasks() -> None:
    inv = inventory([post("p1", "care_worker"), post("p2", "amhp")], [])
    assert held(inv, "p1") == {"WASH": "role", "HOIST": "role"}
    assert held(inv, "p2") == {"DETAIN": "role"}


def test_a_valid_record_adds_a_task_the_rule_allows() -> None:
    inv = inventory([post("p1", "porter")], [rec("p1", "WASH"), rec("p1", "DETAIN")])
    assert held(inv, "p1") == {"WASH": "record"}  # an approved role is not a course


@pytest.mark.parametrize(
    "record",
    [
        rec("p1", "WASH", D(2024, 1, 1), D(2025, 5, 31)),  # expired the day before
        rec("p1", "WASH", signer=None),  # never signed off
        rec("p1", "WASH", D(2025, 6, 2), None),  # achieved after the census date
    ],
    ids=["expired", "unsigned", "not_yet"],
)
def test_a_record_that_is_not_valid_adds_nothing(record: dict[str, Any]) -> None:
    inv = inventory([post("p1", "porter")], [record])
    assert held(inv, "p1") == {}
    assert inv.by_competency.filter(pl.col("task_id") == "WASH")["posts"].item() == 0


def test_a_record_expiring_on_the_census_date_still_counts() -> None:
    inv = inventory([post("p1", "porter")], [rec("p1", "WASH", D(2024, 6, 1), ON)])
    assert held(inv, "p1") == {"WASH": "record"}


def test_a_delegation_in_force_adds_a_delegable_task() -> None:
    inv = inventory(
        [post("p1", "care_worker"), post("p2", "porter"), post("p3", "care_worker")],
        [
            rec("p1", "INSULIN"),  # signed off by a nurse: the delegation
            rec("p2", "INSULIN"),  # a porter may not receive it
            rec("p3", "INSULIN", signer="care_worker"),  # not signed off by a delegating role
        ],
    )
    assert held(inv, "p1") == {"WASH": "role", "HOIST": "role", "INSULIN": "delegation"}
    assert "INSULIN" not in held(inv, "p2") and "INSULIN" not in held(inv, "p3")
    assert inv.delegated_in_force.to_dicts() == [
        {"task_id": "INSULIN", "role_id": "care_worker", "headcount": 1, "posts": 1, "fte": 1.0}
    ]


def test_a_lapsed_delegation_adds_nothing() -> None:
    inv = inventory(
        [post("p1", "care_worker")], [rec("p1", "INSULIN", D(2024, 1, 1), D(2025, 1, 1))]
    )
    assert "INSULIN" not in held(inv, "p1")
    assert inv.delegated_in_force.is_empty()


def test_a_person_with_two_posts_counts_once_in_headcount_both_posts_in_fte() -> None:
    posts = [
        post("p1", "care_worker", 0.6, org="IND1", place="LA-B"),
        post("p1", "nurse", 0.4),
        post("p2", "nurse", 1.0),
        post("gone", "nurse", 1.0, end=D(2025, 5, 31)),
    ]
    inv = inventory(posts, [])
    wash = inv.by_competency.filter(pl.col("task_id") == "WASH").row(0, named=True)
    assert (wash["headcount"], wash["posts"], wash["fte"]) == (2, 3, pytest.approx(2.0))
    assert (wash["posts_role"], wash["posts_record"], wash["posts_delegation"]) == (3, 0, 0)
    assert inv.by_competency["task_id"].to_list() == ["WASH", "HOIST", "INSULIN", "DETAIN"]
    care = inv.by_domain_area.filter(pl.col("domain") == "CARE").sort("area")
    assert care.select("area", "headcount", "fte").to_dicts() == [
        {"area": "Aberwen", "headcount": 2, "fte": pytest.approx(1.4)},  # a post once a domain
        {"area": "Bryn", "headcount": 1, "fte": pytest.approx(0.6)},
    ]
    sectors = inv.by_sector.filter(pl.col("task_id") == "WASH")
    assert dict(zip(sectors["sector"], sectors["headcount"], strict=True)) == {
        "nhs": 2,
        "independent": 1,
    }
    orgs = inv.by_organisation.filter(pl.col("task_id") == "WASH")
    assert dict(zip(orgs["organisation_code"], orgs["fte"], strict=True)) == {
        "IND1": pytest.approx(0.6),
        "NHS1": pytest.approx(1.4),
    }
    assert (inv.posts_in_post, inv.headcount_in_post) == (3, 2)
    assert inv.fte_in_post == pytest.approx(2.0)


def test_a_role_the_framework_does_not_know_holds_nothing() -> None:
    inv = inventory([post("p1", "astronaut")], [rec("p1", "WASH")])
    assert held(inv, "p1") == {}
    assert inv.posts_unknown_role == 1 and inv.posts_in_post == 1


def _random_region(seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    roles = [*ROLES, "astronaut"]
    posts, records = [], []
    for i in range(300):
        person = f"p{rng.randrange(200)}"
        posts.append(
            post(
                person,
                rng.choice(roles),
                round(rng.uniform(0.1, 1.0), 2),
                org=rng.choice(["NHS1", "IND1"]) + f"-{i}",
                place=rng.choice(["LA-A", "LA-B"]),
                end=rng.choice([None, None, D(2025, 1, 1), ON]),
            )
        )
    for _ in range(400):
        achieved = D(2023, 1, 1) + dt.timedelta(days=rng.randrange(1000))
        expires = rng.choice([None, achieved + dt.timedelta(days=rng.randrange(900))])
        records.append(
            rec(
                f"p{rng.randrange(200)}",
                rng.choice([*(t.id for t in TASKS), "OTHER"]),
                achieved,
                expires,
                rng.choice([None, "nurse", "care_worker"]),
            )
        )
    return posts, records


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_inventory_reconciles_with_the_posts_and_the_framework(seed: int) -> None:
    posts, records = _random_region(seed)
    inv = inventory(posts, records)
    in_post = [p for p in posts if p["end_date"] is None or p["end_date"] >= ON]
    assert inv.posts_in_post == len(in_post)
    assert inv.headcount_in_post == len({p["person_key"] for p in in_post})
    assert inv.fte_in_post == pytest.approx(sum(p["fte"] for p in in_post))

    # the framework asked post by post, with the person's own records as they are
    objects = [TrainingRecord(**r) for r in records]
    expected: dict[str, list[dict[str, Any]]] = {t.id: [] for t in TASKS}
    for p in in_post:
        if p["role_id"] not in FW.roles:
            continue
        mine = [r for r in objects if r.person_key == p["person_key"]]
        tasks = FW.tasks_of_person(p["role_id"], ON, mine, FW.delegations_from_records(mine))
        for task in tasks:
            expected[task].append(p)

    rows = inv.posts_competencies
    assert rows.select("organisation_code", "post_ref", "task_id").is_duplicated().sum() == 0
    for task in FW.tasks:
        got = inv.by_competency.filter(pl.col("task_id") == task).row(0, named=True)
        holders = expected[task]
        assert got["posts"] == len(holders) == rows.filter(pl.col("task_id") == task).height
        assert got["headcount"] == len({p["person_key"] for p in holders})
        assert got["fte"] == pytest.approx(sum(p["fte"] for p in holders))
        assert got["posts"] == got["posts_role"] + got["posts_record"] + got["posts_delegation"]
    # every post counted once per competency it holds, in every breakdown
    assert inv.by_competency["posts"].sum() == rows.height
    assert inv.by_organisation["posts"].sum() == rows.height
    assert inv.by_sector["fte"].sum() == pytest.approx(rows["fte"].sum())

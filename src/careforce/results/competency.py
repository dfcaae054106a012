"""Competency inventory: which competencies the workforce in post holds on a census date.

**Posts.** Every post in post on the census date (as for headcount: started on or before it, no
end date or one on or after it).

**Competencies held.** A competency is a framework task (a task id is its competency code). For
each post, the tasks its holder may do in the post's role on the census date, by the framework's
person-level rule (`Framework.tasks_of_person`), with the grounds:
- `role`: a default task of the post's role;
- `record`: a valid training or competence record of the person (achieved on or before the
  census date, unexpired, signed off: `compliance.valid_record`), where the rule lets a record
  add the task to the role;
- `delegation`: a delegable task with a valid record signed off by one of the task's delegating
  roles, which is that registrant's delegation, in force while the record is
  (`Framework.delegations_from_records`), to a role the task may be delegated to.
An expired record, one dated after the census date, or one without sign-off adds nothing. Records
belong to the person, so a person with two posts in different roles may hold different tasks in
each. A post whose role the framework does not know holds nothing (counted in
`posts_unknown_role`).

**Counting.** Headcount counts people (a person with two posts holding a task counts once); posts
and FTE count posts, each post once per task it holds, so for every task its FTE is the sum of
the FTE of the posts holding it. By domain, a post counts once however many of the domain's tasks
it holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from careforce.domain import TrainingRecord
from careforce.domain.framework import Framework, Grounds
from careforce.results._common import (
    SECTOR_ORDER,
    UNASSIGNED,
    count_people,
    in_post_on,
    order_by,
    sector_column,
    sum_fte,
    with_area,
)
from careforce.results.compliance import valid_record

GROUNDS: tuple[str, ...] = tuple(g.value for g in Grounds)

_SEP = "\x1f"  # between a record's competency and signer
_JOIN = "\x1e"  # between records
_POST_COLUMNS = [
    "organisation_code",
    "organisation_name",
    "post_ref",
    "person_key",
    "role_id",
    "locality_code",
    "area_code",
    "area",
    "sector",
    "fte",
]


@dataclass(frozen=True, slots=True, eq=False)
class CompetencyInventory:
    """Competencies held by the workforce in post on `census_date` (rules in the module notes).

    Frames (columns in brackets):
    - posts_competencies [organisation_code, organisation_name, post_ref, person_key, role_id,
      locality_code, area_code, area, sector, fte, task_id, domain, grounds]: one row per post and
      task held; staff-level, never for a report
    - by_competency [task_id, domain, headcount, posts, fte, posts_role, posts_record,
      posts_delegation]: every framework task in framework order, zeros included; the posts_*
      columns split `posts` by grounds
    - by_domain_area [domain, area_code, area, headcount, fte]: people and posts holding at least
      one task of the domain
    - by_organisation [organisation_code, organisation_name, sector, task_id, domain, headcount,
      posts, fte]; by_sector [sector, task_id, domain, headcount, posts, fte]
    - delegated_in_force [task_id, role_id, headcount, posts, fte]: tasks held by delegation
    Totals of the posts in post (to reconcile with the workforce summary): `posts_in_post`,
    `headcount_in_post`, `fte_in_post`, and `posts_unknown_role`.
    """

    census_date: dt.date
    framework_version: str
    posts_competencies: pl.DataFrame
    by_competency: pl.DataFrame
    by_domain_area: pl.DataFrame
    by_organisation: pl.DataFrame
    by_sector: pl.DataFrame
    delegated_in_force: pl.DataFrame
    posts_in_post: int
    headcount_in_post: int
    fte_in_post: float
    posts_unknown_role: int


def _records_key(records: pl.DataFrame, framework: Framework, census_date: dt.date) -> pl.DataFrame:
    """[person_key, records_key]: each person's valid records of framework tasks, as one text key
    (sorted competency and signer pairs), for people with at least one."""
    valid = (
        records.filter(valid_record(census_date))
        .filter(pl.col("competency").is_in(list(framework.tasks)))
        .select(
            "person_key",
            pl.concat_str(pl.col("competency"), pl.col("signed_off_by_role"), separator=_SEP).alias(
                "pair"
            ),
        )
        .unique()
    )
    return valid.group_by("person_key").agg(
        pl.col("pair").sort().str.join(_JOIN).alias("records_key")
    )


def _held_by_combination(
    combinations: pl.DataFrame, framework: Framework, census_date: dt.date
) -> pl.DataFrame:
    """[role_id, records_key, task_id, grounds] for each distinct role and set of valid records:
    the framework's person-level rule, asked once per combination rather than once per post."""
    rows: list[tuple[str, str, str, str]] = []
    for role_id, key in combinations.iter_rows():
        if role_id not in framework.roles:
            continue
        records = []
        for pair in key.split(_JOIN) if key else ():
            competency, signer = pair.split(_SEP)
            records.append(TrainingRecord("", competency, census_date, None, signer))
        delegations = framework.delegations_from_records(records)
        held = framework.tasks_of_person(role_id, census_date, records, delegations)
        rows.extend((role_id, key, task, grounds.value) for task, grounds in held.items())
    return pl.DataFrame(
        rows,
        schema={
            "role_id": pl.String,
            "records_key": pl.String,
            "task_id": pl.String,
            "grounds": pl.String,
        },
        orient="row",
    )


def _task_frame(framework: Framework) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "task_id": list(framework.tasks),
            "domain": [t.domain for t in framework.tasks.values()],
        },
        schema={"task_id": pl.String, "domain": pl.String},
    )


def _counts(held: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return held.group_by(by).agg(count_people(), pl.len().cast(pl.Int64).alias("posts"), sum_fte())


def _in_task_order(frame: pl.DataFrame, framework: Framework) -> pl.DataFrame:
    return order_by(frame, "task_id", tuple(framework.tasks))


def competency_inventory(
    posts_with_people: pl.DataFrame,
    training_records: pl.DataFrame,
    framework: Framework,
    *,
    census_date: dt.date,
    localities: pl.DataFrame | None = None,
) -> CompetencyInventory:
    """The competencies held on `census_date` by post and person, and their summaries.

    Inputs are the store's frames. Columns used: posts_with_people organisation_code,
    organisation_name, post_ref, person_key, role_id, locality_code, sector, fte, start_date,
    end_date; training_records person_key, competency, achieved_on, expires_on,
    signed_off_by_role; localities (area names) code, name. Other columns are ignored.
    """
    if localities is None:
        localities = pl.DataFrame(schema={"code": pl.String, "name": pl.String})
    posts = posts_with_people.filter(in_post_on(census_date))
    posts = sector_column(with_area(posts, localities))
    posts = posts.with_columns(
        pl.col("organisation_name").fill_null(pl.col("organisation_code")),
        pl.col("fte").cast(pl.Float64),
    ).select(_POST_COLUMNS)

    keys = _records_key(training_records, framework, census_date)
    posts = posts.join(keys, on="person_key", how="left", maintain_order="left").with_columns(
        pl.col("records_key").fill_null("")
    )
    combinations = posts.select("role_id", "records_key").unique(maintain_order=True)
    held_by = _held_by_combination(combinations, framework, census_date)
    tasks = _task_frame(framework)
    held = (
        posts.join(held_by, on=["role_id", "records_key"], how="inner")
        .join(tasks, on="task_id", how="left")
        .drop("records_key")
    )
    held = _in_task_order(held.sort("organisation_code", "post_ref"), framework).select(
        *_POST_COLUMNS, "task_id", "domain", "grounds"
    )

    grounds_counts = held.group_by("task_id").agg(
        *((pl.col("grounds") == g).sum().cast(pl.Int64).alias(f"posts_{g}") for g in GROUNDS)
    )
    by_competency = (
        tasks.join(_counts(held, ["task_id"]), on="task_id", how="left", maintain_order="left")
        .join(grounds_counts, on="task_id", how="left", maintain_order="left")
        .with_columns(
            pl.col("headcount", "posts", *(f"posts_{g}" for g in GROUNDS)).fill_null(0),
            pl.col("fte").fill_null(0.0),
        )
    )

    domain_posts = held.unique(["organisation_code", "post_ref", "domain"], maintain_order=True)
    domain_order = tuple(framework.domains)
    by_domain_area = order_by(
        domain_posts.group_by("domain", "area_code", "area")
        .agg(count_people(), sum_fte())
        .sort(pl.col("area") == UNASSIGNED, "area", "area_code"),
        "domain",
        domain_order,
    )
    by_organisation = _in_task_order(
        _counts(held, ["organisation_code", "organisation_name", "sector", "task_id", "domain"]),
        framework,
    ).sort("organisation_code", maintain_order=True)
    by_sector = order_by(
        _in_task_order(_counts(held, ["sector", "task_id", "domain"]), framework),
        "sector",
        SECTOR_ORDER,
    )
    delegated = _in_task_order(
        _counts(
            held.filter(pl.col("grounds") == Grounds.DELEGATION.value), ["task_id", "role_id"]
        ).sort("role_id"),
        framework,
    )
    return CompetencyInventory(
        census_date=census_date,
        framework_version=framework.version,
        posts_competencies=held,
        by_competency=by_competency.select(
            "task_id", "domain", "headcount", "posts", "fte", *(f"posts_{g}" for g in GROUNDS)
        ),
        by_domain_area=by_domain_area.select("domain", "area_code", "area", "headcount", "fte"),
        by_organisation=by_organisation.select(
            "organisation_code",
            "organisation_name",
            "sector",
            "task_id",
            "domain",
            "headcount",
            "posts",
            "fte",
        ),
        by_sector=by_sector.select("sector", "task_id", "domain", "headcount", "posts", "fte"),
        delegated_in_force=delegated.select("task_id", "role_id", "headcount", "posts", "fte"),
        posts_in_post=posts.height,
        headcount_in_post=int(posts["person_key"].n_unique()),
        fte_in_post=float(posts["fte"].sum()),
        posts_unknown_role=int((~posts["role_id"].is_in(list(framework.roles))).sum()),
    )


__all__ = ["GROUNDS", "CompetencyInventory", "competency_inventory"]

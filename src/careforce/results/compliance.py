"""Training compliance on a census date: who needs each training target, and who meets it.

**Who needs a target.** Every post in post on the census date (started on or before it, no end
date or one on or after it) that the target's `applies_to` selects (`training_targets`). A person
needs the target once, however many of their posts call for it.

**Who meets it.** A person meets a target when they hold a training record for one of its codes
(its competency, or a higher level in `met_by`) that on the census date was:
- achieved: `achieved_on` on or before the census date (a record dated later does not count yet);
- unexpired: no `expires_on`, or `expires_on` on or after the census date (the last day it is
  valid, as `TrainingRecord.valid_on` reads it);
- signed off: `signed_off_by_role` is given.

**Why a gap.** A person who needs a target and does not meet it has one reason, the nearest to
compliance among their records for it: `not_signed_off` (achieved and unexpired, but not signed
off), else `expired` (achieved and past its expiry, signed or not), else `no_record` (no record,
or only records dated after the census date).

**Rates.** People needing, people compliant and the compliance rate (compliant / needing, a
fraction) by target, and by target and staff group, role, organisation and local authority area.
As with headcount, a person counts once in each cell they have a needing post in, and once in the
target's overall figure.

**Gaps list.** One row per organisation, person and target missed, for the organisation's own
use: it is staff-level and never leaves that organisation (`ComplianceReport.gaps_for`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from careforce.results._common import (
    STAFF_GROUP_ORDER,
    UNASSIGNED,
    in_post_on,
    order_by,
    sector_column,
    with_area,
    with_staff_group,
)
from careforce.results.training_targets import TrainingTargets

NO_RECORD = "no_record"
EXPIRED = "expired"
NOT_SIGNED_OFF = "not_signed_off"
COMPLIANT = "compliant"
GAP_REASONS: tuple[str, ...] = (NO_RECORD, EXPIRED, NOT_SIGNED_OFF)

# A record's standing on the census date, worst to best; a person takes their best record's.
_RANK = {NO_RECORD: 0, EXPIRED: 1, NOT_SIGNED_OFF: 2, COMPLIANT: 3}
_STATUS_OF_RANK = {rank: status for status, rank in _RANK.items()}

_RATE_COLUMNS = ["people_needing", "people_compliant", "compliance_rate"]


@dataclass(frozen=True, slots=True, eq=False)
class ComplianceReport:
    """Compliance with each training target on `census_date` (definitions in the module notes).

    Frames (columns in brackets); every rate frame ends with people_needing, people_compliant,
    compliance_rate (null where nobody needs the target):
    - overall [target_id, ...]; by_staff_group [target_id, staff_group, ...];
      by_role [target_id, staff_group, role_id, ...]; by_organisation [target_id,
      organisation_code, organisation_name, sector, ...]; by_area [target_id, area_code, area, ...]
    - gaps_by_reason [target_id, reason, people]: every target and reason, zeros included
    - gaps [organisation_code, organisation_name, person_key, role_id, target_id, competency,
      reason, record_achieved_on, record_expires_on]: staff-level, see `gaps_for`
    Targets appear in the order of `targets`.
    """

    census_date: dt.date
    targets: TrainingTargets
    overall: pl.DataFrame
    by_staff_group: pl.DataFrame
    by_role: pl.DataFrame
    by_organisation: pl.DataFrame
    by_area: pl.DataFrame
    gaps_by_reason: pl.DataFrame
    gaps: pl.DataFrame

    def gaps_for(self, organisation_code: str) -> pl.DataFrame:
        """The gaps list of one organisation's own staff: for that organisation only."""
        return self.gaps.filter(pl.col("organisation_code") == organisation_code)


def _needs(posts: pl.DataFrame, targets: TrainingTargets) -> pl.DataFrame:
    """One row per post in post and target it needs: the post's columns plus `target_id`."""
    frames = [
        posts.filter(t.applies_to.post_needs()).with_columns(pl.lit(t.id).alias("target_id"))
        for t in targets.targets
    ]
    return pl.concat(frames, how="vertical")


def _record_rank(census_date: dt.date) -> pl.Expr:
    """Each record's standing on the census date, as a rank of `_RANK`."""
    return (
        pl.when(pl.col("achieved_on") > census_date)
        .then(_RANK[NO_RECORD])
        .when(pl.col("expires_on").is_not_null() & (pl.col("expires_on") < census_date))
        .then(_RANK[EXPIRED])
        .when(pl.col("signed_off_by_role").is_null())
        .then(_RANK[NOT_SIGNED_OFF])
        .otherwise(_RANK[COMPLIANT])
        .cast(pl.Int64)
        .alias("rank")
    )


def valid_record(census_date: dt.date) -> pl.Expr:
    """A training record that counts on the census date: achieved, unexpired and signed off."""
    return _record_rank(census_date) == _RANK[COMPLIANT]


def _person_status(
    needs: pl.DataFrame,
    records: pl.DataFrame,
    targets: TrainingTargets,
    census_date: dt.date,
) -> pl.DataFrame:
    """[person_key, target_id, status, record_achieved_on, record_expires_on]: one row per
    person needing a target, with the best record for it (the latest of equals)."""
    codes = pl.DataFrame(
        [(t.id, code) for t in targets.targets for code in t.codes],
        schema={"target_id": pl.String, "competency": pl.String},
        orient="row",
    )
    people = needs.select("person_key", "target_id").unique(maintain_order=True)
    ranked = (
        records.select(
            "person_key", "competency", "achieved_on", "expires_on", "signed_off_by_role"
        )
        .join(people.select("person_key").unique(), on="person_key", how="semi")
        .join(codes, on="competency", how="inner")
        .with_columns(_record_rank(census_date))
        .join(people, on=["person_key", "target_id"], how="semi")
    )
    best = ranked.sort(
        ["person_key", "target_id", "rank", "achieved_on"], descending=[False, False, True, True]
    ).unique(["person_key", "target_id"], keep="first", maintain_order=True)
    best = best.select(
        "person_key",
        "target_id",
        "rank",
        pl.when(pl.col("rank") > _RANK[NO_RECORD])
        .then(pl.col("achieved_on"))
        .alias("record_achieved_on"),
        pl.when(pl.col("rank") > _RANK[NO_RECORD])
        .then(pl.col("expires_on"))
        .alias("record_expires_on"),
    )
    status = people.join(best, on=["person_key", "target_id"], how="left").with_columns(
        pl.col("rank")
        .fill_null(_RANK[NO_RECORD])
        .replace_strict(_STATUS_OF_RANK, return_dtype=pl.String)
        .alias("status")
    )
    return status.drop("rank")


def _rates(needs: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """People needing and compliant, and the rate, per target and `by` (people once a cell)."""
    compliant = pl.col("status") == COMPLIANT
    return (
        needs.group_by(["target_id", *by])
        .agg(
            pl.col("person_key").n_unique().cast(pl.Int64).alias("people_needing"),
            pl.col("person_key")
            .filter(compliant)
            .n_unique()
            .cast(pl.Int64)
            .alias("people_compliant"),
        )
        .with_columns(
            pl.when(pl.col("people_needing") > 0)
            .then(pl.col("people_compliant") / pl.col("people_needing"))
            .alias("compliance_rate")
        )
        .select("target_id", *by, *_RATE_COLUMNS)
    )


def _in_target_order(frame: pl.DataFrame, targets: TrainingTargets) -> pl.DataFrame:
    return order_by(frame, "target_id", tuple(t.id for t in targets.targets))


def _gaps_by_reason(status: pl.DataFrame, targets: TrainingTargets) -> pl.DataFrame:
    grid = pl.DataFrame(
        [(t.id, r) for t in targets.targets for r in GAP_REASONS],
        schema={"target_id": pl.String, "reason": pl.String},
        orient="row",
    )
    counts = (
        status.filter(pl.col("status") != COMPLIANT)
        .group_by("target_id", pl.col("status").alias("reason"))
        .agg(pl.len().cast(pl.Int64).alias("people"))
    )
    return grid.join(
        counts, on=["target_id", "reason"], how="left", maintain_order="left"
    ).with_columns(pl.col("people").fill_null(0))


def _gaps(needs: pl.DataFrame, status: pl.DataFrame, targets: TrainingTargets) -> pl.DataFrame:
    competency = pl.DataFrame(
        {
            "target_id": [t.id for t in targets.targets],
            "competency": [t.competency for t in targets.targets],
        }
    )
    missing = status.filter(pl.col("status") != COMPLIANT)
    rows = (
        needs.join(missing, on=["person_key", "target_id"], how="inner")
        .group_by("organisation_code", "person_key", "target_id")
        .agg(
            pl.col("organisation_name").first(),
            pl.col("role_id").unique().sort().str.join(", "),
            pl.col("status").first().alias("reason"),
            pl.col("record_achieved_on").first(),
            pl.col("record_expires_on").first(),
        )
        .join(competency, on="target_id", how="left")
    )
    rows = _in_target_order(rows.sort("organisation_code", "role_id", "person_key"), targets)
    return rows.sort("organisation_code", maintain_order=True).select(
        "organisation_code",
        "organisation_name",
        "person_key",
        "role_id",
        "target_id",
        "competency",
        "reason",
        "record_achieved_on",
        "record_expires_on",
    )


def assess_compliance(
    posts_with_people: pl.DataFrame,
    training_records: pl.DataFrame,
    targets: TrainingTargets,
    *,
    census_date: dt.date,
    localities: pl.DataFrame | None = None,
) -> ComplianceReport:
    """Compliance with each target on `census_date` (every rule is in the module notes).

    Inputs are the store's frames. Columns used: posts_with_people person_key, organisation_code,
    organisation_name, sector, role_id, setting, locality_code, start_date, end_date;
    training_records person_key, competency, achieved_on, expires_on, signed_off_by_role;
    localities (for the area names; without them an area is shown by its locality code) code,
    name. Other columns are ignored.
    """
    if localities is None:
        localities = pl.DataFrame(schema={"code": pl.String, "name": pl.String})
    posts = posts_with_people.filter(in_post_on(census_date))
    posts = sector_column(with_area(with_staff_group(posts), localities))
    posts = posts.with_columns(pl.col("organisation_name").fill_null(pl.col("organisation_code")))
    needs = _needs(posts, targets)
    status = _person_status(needs, training_records, targets, census_date)
    needs = needs.join(
        status.select("person_key", "target_id", "status"),
        on=["person_key", "target_id"],
        how="left",
        maintain_order="left",
    )

    every_target = pl.DataFrame({"target_id": [t.id for t in targets.targets]})
    overall = every_target.join(_rates(needs, []), on="target_id", how="left").with_columns(
        pl.col("people_needing", "people_compliant").fill_null(0)
    )
    by_group = order_by(_rates(needs, ["staff_group"]), "staff_group", STAFF_GROUP_ORDER)
    by_role = order_by(
        _rates(needs, ["staff_group", "role_id"]).sort("role_id"),
        "staff_group",
        STAFF_GROUP_ORDER,
    )
    by_org = _rates(needs, ["organisation_code", "organisation_name", "sector"]).sort(
        "organisation_code"
    )
    by_area = _rates(needs, ["area_code", "area"]).sort(
        pl.col("area") == UNASSIGNED, "area", "area_code"
    )
    return ComplianceReport(
        census_date=census_date,
        targets=targets,
        overall=overall,
        by_staff_group=_in_target_order(by_group, targets),
        by_role=_in_target_order(by_role, targets),
        by_organisation=_in_target_order(by_org, targets),
        by_area=_in_target_order(by_area, targets),
        gaps_by_reason=_gaps_by_reason(status, targets),
        gaps=_gaps(needs, status, targets),
    )


__all__ = [
    "COMPLIANT",
    "EXPIRED",
    "GAP_REASONS",
    "NOT_SIGNED_OFF",
    "NO_RECORD",
    "ComplianceReport",
    "assess_compliance",
    "valid_record",
]

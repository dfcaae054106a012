"""Training and competence records of staff in post: mental health literacy, a sample of role
competencies, and delegated tasks that care workers were trained and signed off for.

A record counts only while unexpired and signed off, so a calibrated share is past its expiry and
another was never signed off: the gaps a planner's competency inventory has to live with.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import polars as pl
import yaml

from careforce.demo.calibration import Calibration
from careforce.demo.sampling import DAYS_PER_YEAR, day, exact_mask, exact_mask_within
from careforce.framework.catalogue import role_catalogue

# Mental health literacy levels (NES informed / skilled / enhanced, S63), highest first.
MH_LEVELS = ("MH16", "MH02", "MH01")


@cache
def _framework() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """Tasks each role may receive by delegation, and tasks only an approved role may do."""
    data = resources.files("careforce.framework.data")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    roles: Any = yaml.load(data.joinpath("roles.yaml").read_text("utf-8"), Loader=loader)
    tasks: Any = yaml.load(data.joinpath("tasks.yaml").read_text("utf-8"), Loader=loader)
    delegable = {r["id"]: tuple(r.get("may_receive_by_delegation") or ()) for r in roles["roles"]}
    approved_only = frozenset(
        t["id"] for t in tasks["tasks"] if t["delegation"]["status"] == "approved_role_only"
    )
    return delegable, approved_only


def mh_literacy_level(role_id: str) -> str:
    """The highest literacy level among the role's competencies (everyone is at least informed)."""
    held = set(role_catalogue()[role_id].default_competencies)
    return next((level for level in MH_LEVELS if level in held), MH_LEVELS[-1])


def _stamp(
    rng: np.random.Generator,
    cal: Calibration,
    rows: pl.DataFrame,
    validity_years: int,
    signer: pl.Expr,
) -> pl.DataFrame:
    """Achieved and expiry dates (an exact share expired) and the signing role (a share unsigned)."""
    t = cal.training
    n = len(rows)
    term = round(validity_years * DAYS_PER_YEAR)
    expired = exact_mask(rng, n, t.expired_share.value)
    ago = np.where(
        expired, rng.integers(term + 1, term + 731, size=n), rng.integers(0, term, size=n)
    )
    achieved = day(cal.census_date) - ago
    unsigned = exact_mask(rng, n, t.unsigned_share.value)
    return rows.with_columns(
        achieved_on=pl.Series(achieved, dtype=pl.Int64),
        expires_on=pl.Series(achieved + term, dtype=pl.Int64),
        signed_off_by_role=pl.when(pl.Series(unsigned)).then(None).otherwise(signer),
    )


def training_records(
    rng: np.random.Generator, cal: Calibration, posts: pl.DataFrame
) -> pl.DataFrame:
    """org, staff_number, ni_number, competency, dates and signer for staff in post at the census."""
    t = cal.training
    staff = (
        posts.filter(pl.col("end").is_null() & pl.col("primary") & pl.col("paid"))
        .unique(["org", "staff_number"], keep="first", maintain_order=True)
        .select("org", "staff_number", "ni_number", "role", "sector")
    )
    signer = pl.col("sector").replace_strict(
        t.signed_off_by.value, default=None, return_dtype=pl.Utf8
    )
    frames = []
    sectors = staff["sector"].to_numpy()
    covered = np.zeros(len(staff), dtype=bool)
    for sector, share in t.mh_literacy_coverage.value.items():
        covered |= exact_mask_within(rng, sectors == sector, share)
    literacy = staff.filter(pl.Series(covered)).with_columns(
        competency=pl.col("role").replace_strict(
            {r: mh_literacy_level(r) for r in role_catalogue()}
        ),
    )
    frames.append(_stamp(rng, cal, literacy, t.validity_years.value, signer))
    frames.append(
        _stamp(rng, cal, _role_competencies(rng, cal, staff), t.validity_years.value, signer)
    )
    delegated_signer = pl.lit(t.delegated_signed_off_by.value)
    frames.append(
        _stamp(
            rng,
            cal,
            _delegated(rng, cal, staff),
            t.delegated_validity_years.value,
            delegated_signer,
        )
    )
    columns = [
        "org",
        "staff_number",
        "ni_number",
        "competency",
        "achieved_on",
        "expires_on",
        "signed_off_by_role",
    ]
    records = pl.concat([f.select(columns) for f in frames])
    return records.sort("org", "staff_number", "competency").rename({"org": "organisation_code"})


def _role_competencies(
    rng: np.random.Generator, cal: Calibration, staff: pl.DataFrame
) -> pl.DataFrame:
    """A sample of each person's role competencies (not the literacy, approval or delegated ones)."""
    delegable, approved_only = _framework()
    per_person = cal.training.competencies_per_person.value
    frames = []
    for role, group in staff.group_by("role", maintain_order=True):
        role_id = str(role[0])
        skip = approved_only | set(delegable.get(role_id, ())) | set(MH_LEVELS)
        pool = [
            c
            for c in role_catalogue()[role_id].default_competencies
            if c not in skip and not c.startswith("MH")
        ]
        k = min(per_person, len(pool))
        if k == 0:
            continue
        picks = np.argsort(rng.random((len(group), len(pool))), axis=1)[:, :k]
        frames.append(
            group.select(pl.all().repeat_by(k).explode()).with_columns(
                competency=pl.Series(np.asarray(pool, dtype=object)[picks.ravel()], dtype=pl.Utf8)
            )
        )
    return (
        pl.concat(frames)
        if frames
        else staff.clear().with_columns(competency=pl.lit(None, dtype=pl.Utf8))
    )


def _delegated(rng: np.random.Generator, cal: Calibration, staff: pl.DataFrame) -> pl.DataFrame:
    """Delegated tasks that care workers hold a record for (each at the calibrated share)."""
    delegable, _ = _framework()
    share = cal.training.delegated_task_share.value
    roles = staff["role"].to_numpy()
    frames = []
    for role_id in sorted(set(roles)):
        for task in delegable.get(role_id, ()):
            chosen = exact_mask_within(rng, roles == role_id, share)
            frames.append(staff.filter(pl.Series(chosen)).with_columns(competency=pl.lit(task)))
    return (
        pl.concat(frames)
        if frames
        else staff.clear().with_columns(competency=pl.lit(None, dtype=pl.Utf8))
    )

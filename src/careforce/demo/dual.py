"""People with a second post at another employer: nurses on a care home's bank, care workers with
a second provider. The second post belongs to the same person, so both files carry the same NI
number and import links them."""

from __future__ import annotations

import numpy as np
import polars as pl

from careforce.demo.calibration import Calibration
from careforce.demo.sampling import DAYS_PER_YEAR, day, exact_mask_within
from careforce.demo.social_care import hourly_rates, pick_providers
from careforce.domain import StaffGroup
from careforce.framework.catalogue import role_catalogue


def _nurse_candidates(posts: pl.DataFrame) -> np.ndarray:
    """NHS registered nurses in a substantive post on the census day."""
    nurses = [
        r.id
        for r in role_catalogue().values()
        if r.staff_group is StaffGroup.REGISTERED_NURSING_MIDWIFERY
    ]
    eligible = (
        (pl.col("kind") == "esr")
        & pl.col("role").is_in(nurses)
        & pl.col("end").is_null()
        & (pl.col("contract") != "bank")
        & pl.col("primary")
    )
    return posts.select(eligible).to_series().to_numpy()


def nurses_on_care_bank_count(cal: Calibration, nhs_posts: pl.DataFrame) -> int:
    """How many NHS nurses will hold a care bank post (taken off the social care headcount)."""
    eligible = _nurse_candidates(nhs_posts)
    return round(eligible.sum() * cal.dual_posts.nurses_on_care_bank.share.value)


def _second_posts(
    rng: np.random.Generator,
    cal: Calibration,
    chosen: pl.DataFrame,
    orgs: pl.DataFrame,
    *,
    role: str | None = None,
    setting: str | None = None,
) -> pl.DataFrame:
    """Bank posts at an independent provider in the same area: in `role` and `setting`, or else in
    the person's own role and setting. A post that lands at the person's own employer is dropped."""
    roles = chosen["role"].to_numpy() if role is None else np.full(len(chosen), role, dtype=object)
    settings = (
        chosen["setting"].to_numpy()
        if setting is None
        else np.full(len(chosen), setting, dtype=object)
    )
    providers = pick_providers(
        rng,
        orgs.filter(pl.col("submits")),
        np.full(len(chosen), "independent", dtype=object),
        settings,
        chosen["area"].to_numpy(),
    )
    longest = cal.dual_posts.started_within_days.value
    census = day(cal.census_date)
    started = census - rng.integers(30, longest + 1, size=len(chosen))
    sixteen = chosen["dob"].to_numpy() + int(np.ceil(16 * DAYS_PER_YEAR))
    started = np.maximum(started, sixteen)  # nobody takes a second post before they are 16
    second = chosen.with_columns(
        org=pl.Series(providers, dtype=pl.Utf8),
        sector=pl.lit("independent"),
        role=pl.Series(roles, dtype=pl.Utf8),
        kind=pl.lit("social_care"),
        setting=pl.Series(settings, dtype=pl.Utf8),
        contract=pl.lit("bank"),
        hours=pl.lit(0.0),
        fte=pl.lit(None, dtype=pl.Float64),
        pay_band=pl.lit(None, dtype=pl.Utf8),
        hourly_rate=pl.Series(hourly_rates(rng, cal, roles)),
        start=pl.Series(started, dtype=pl.Int64),
        primary=pl.lit(False),
    )
    return second.filter((pl.col("org") != pl.Series(chosen["org"])) & (pl.col("start") <= census))


def add_dual_posts(
    rng: np.random.Generator, cal: Calibration, posts: pl.DataFrame, orgs: pl.DataFrame
) -> pl.DataFrame:
    """The posts plus the second posts of nurses on a care bank and of care workers."""
    rules = cal.dual_posts
    nurses = posts.filter(pl.Series(_nurse_candidates(posts)))
    count = nurses_on_care_bank_count(cal, posts)
    nurses = nurses[np.sort(rng.choice(len(nurses), size=count, replace=False))]
    on_bank = _second_posts(
        rng,
        cal,
        nurses,
        orgs,
        role=rules.nurses_on_care_bank.care_role,
        setting=rules.nurses_on_care_bank.setting,
    )
    submitting = orgs.filter(pl.col("submits"))["code"].to_list()
    care = (
        posts.select(
            (pl.col("kind") == "social_care")
            & pl.col("role").is_in(list(rules.care_workers_second_provider.roles))
            & pl.col("sector").is_in(["independent", "third_sector"])
            & pl.col("org").is_in(submitting)
            & pl.col("end").is_null()
            & pl.col("primary")
        )
        .to_series()
        .to_numpy()
    )
    workers = posts.filter(
        pl.Series(exact_mask_within(rng, care, rules.care_workers_second_provider.share.value))
    )
    second = _second_posts(rng, cal, workers, orgs)
    return pl.concat([posts, on_bank.select(posts.columns), second.select(posts.columns)])

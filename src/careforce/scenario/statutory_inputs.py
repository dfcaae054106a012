"""From the store's statutory approvals and posts, the supply model and a scenario to each approval
kind's model (`StatutoryModel`) and its per-run parameters (docs/design/supply.md, "Statutory
roles").

Conventions:
- The holders on the census date are results.statutory's current holders (each person's latest
  approval valid on that day), so year 0 of the projection is today's count. Their year of facing
  re-approval is the year their approval expires (results.statutory's expiry years).
- A holder's base posts are their posts in post on the census date in the kind's eligible roles,
  or, with none there, all their posts in post (a sole AMHP's AMHP post); each holder weighs 1,
  shared between their base posts. Area and age are those of the base posts (age from the year
  of birth); a holder whose age is unknown takes the ages of the kind's other holders in the area,
  and a holder with no post in post the areas and ages of the others.
- Newly approved people come from the eligible roles: each role in proportion to today's take-up
  (its holders over its headcount), so a role that supplies no holder today does not move the
  inflow. They are spread over areas and ages as that weighted eligible stock is on the census
  date, from `TRAINEE_MIN_AGE`.
- Trained a year: the scenario's value; else the store's first approvals over the history years
  where it can tell them from renewals (the store's approvals of the kind reach back a full
  approval term before them); else `DEFAULT_TRAINED_SHARE` of today's holders. Lapse at
  re-approval: the scenario's value, else `DEFAULT_LAPSE`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

from careforce.domain import StatutoryApprovalKind
from careforce.results.statutory import APPROVAL_YEARS, LATER, statutory_roles, years_after
from careforce.sampling import Kind, Uncertain, draw, uniforms
from careforce.scenario.schema import Scenario, Statutory
from careforce.supply.model import RunParameters, SupplyModel
from careforce.supply.projection import Projection
from careforce.supply.statutory import (
    StatutoryModel,
    StatutoryProjection,
    StatutoryRunParameters,
    eligible_index,
    holder_leaving,
    project_statutory,
    role_headcount,
)

# Who may train for each approval (figures.md 2.5): AMHPs are social workers (95%), mental health
# and learning disability nurses (4%), occupational therapists and psychologists (<1%), never
# doctors (S18, S70); section 12(2) approval is for doctors: consultant psychiatrists (approved
# clinicians, so approved automatically), psychiatry trainees and some GPs (S65).
ELIGIBLE_ROLES: dict[str, tuple[str, ...]] = {
    StatutoryApprovalKind.AMHP.value: (
        "social_worker",
        "rn_mental_health",
        "rn_learning_disability",
        "occupational_therapist",
        "clinical_psychologist",
    ),
    StatutoryApprovalKind.SECTION_12.value: (
        "consultant_psychiatrist",
        "doctor_resident_specialty",
        "gp",
    ),
}
# AMHP training follows 2-3 years' post-qualifying experience (S70, figures.md 2.5 and 2.7).
TRAINEE_MIN_AGE = 25
# Newly approved a year as a share of today's holders, where neither the scenario nor the history
# says. Assumption: about as many are approved as leave and lapse, since AMHP numbers in England
# hardly changed from 2019 to 2025 (3,730 to 3,800, S18); no figure for section 12 (assumption).
DEFAULT_TRAINED_SHARE: dict[str, Uncertain] = {
    StatutoryApprovalKind.AMHP.value: Uncertain.interval(0.08, 0.16),
    StatutoryApprovalKind.SECTION_12.value: Uncertain.interval(0.06, 0.14),
}
# Share of holders due for re-approval who do not renew. Assumption: no published figure
# (figures.md 2.5 has none); most renew, and section 12 doctors who are approved clinicians keep
# the approval with their post.
DEFAULT_LAPSE: dict[str, Uncertain] = {
    StatutoryApprovalKind.AMHP.value: Uncertain.interval(0.05, 0.15),
    StatutoryApprovalKind.SECTION_12.value: Uncertain.interval(0.02, 0.08),
}
FALLBACK_TRAINED_SHARE = Uncertain.interval(0.06, 0.14)
FALLBACK_LAPSE = Uncertain.interval(0.05, 0.15)


@dataclass(frozen=True, eq=False)
class StatutoryInputs:
    """One kind's model and what its runs are drawn from.

    `base_weight[g, c]` is today's holders' base posts over the supply model's roles and sectors
    (adds up to 1); `eligible_weight[g]` each role's take-up, the weight of its headcount in the
    eligible stock; `trained_from` and `lapse_from` say where the values came from (`scenario`,
    `history` or `default`).
    """

    model: StatutoryModel
    trained: Uncertain
    trained_from: str
    lapse: Uncertain
    lapse_from: str
    base_weight: np.ndarray
    eligible_weight: np.ndarray
    scale_with_eligible: bool
    eligible_roles: tuple[str, ...]


def _posts_in_post(posts: pl.DataFrame, census_date: dt.date) -> pl.DataFrame:
    on = pl.lit(census_date)
    return posts.filter(
        (pl.col("start_date") <= on) & (pl.col("end_date").is_null() | (pl.col("end_date") >= on))
    ).select(
        "person_key",
        "role_id",
        pl.col("locality_code").alias("area_code"),
        pl.col("sector").fill_null("unassigned"),
        (census_date.year - pl.col("year_of_birth")).alias("age"),
    )


def _base_posts(
    holders: pl.DataFrame, posts: pl.DataFrame, eligible: Sequence[str]
) -> pl.DataFrame:
    """Each holder's base posts with the holder's weight shared between them (module notes)."""
    joined = holders.select("person_key", "term").join(posts, on="person_key", how="inner")
    joined = joined.with_columns(pl.col("role_id").is_in(list(eligible)).alias("eligible"))
    joined = joined.filter(pl.col("eligible") | ~pl.col("eligible").any().over("person_key"))
    return joined.with_columns((1.0 / pl.len().over("person_key")).alias("weight"))


def trained_from_history(
    approvals: pl.DataFrame, kind: str, census_date: dt.date, history_years: int
) -> Uncertain | None:
    """First approvals a year over the history years, or None where the store cannot tell them.

    An approval is a first one when the person has no earlier approval of the kind, which the
    store shows only from a full approval term after its earliest approval of the kind: before
    that, a renewal of an approval older than the records looks the same. The years counted run
    from the later of (census - history_years) and that day; under a year, None. The value is a
    Poisson rate's Jeffreys posterior median with its 10th and 90th percentiles.
    """
    of_kind = approvals.filter(
        (pl.col("kind") == kind) & (pl.col("approved_on") <= census_date)
    ).select("person_key", "approved_on")
    if of_kind.height == 0:
        return None
    earliest = of_kind["approved_on"].min()
    if not isinstance(earliest, dt.date):
        return None
    start = max(years_after(census_date, -history_years), years_after(earliest, APPROVAL_YEARS))
    years = (census_date - start).days / 365.25
    if years < 1.0:
        return None
    first = of_kind.group_by("person_key").agg(pl.col("approved_on").min())
    count = first.filter(pl.col("approved_on") > start).height
    low, central, high = stats.gamma.ppf([0.1, 0.5, 0.9], count + 0.5) / years
    return Uncertain(float(central), float(low), float(high))


def _spread_like(target: np.ndarray, profile: np.ndarray, amount: float) -> None:
    """Add `amount` to `target` in the proportions of `profile` (evenly when it is empty)."""
    total = profile.sum()
    target += amount * (profile / total if total > 0 else np.full(profile.shape, 1 / profile.size))


def _holders(
    base: pl.DataFrame,
    without_post: np.ndarray,
    supply: SupplyModel,
    terms: int,
    fallback: np.ndarray,
) -> np.ndarray:
    """Holders `[l, a, e]` (module notes); `without_post[e]` counts holders with no post."""
    areas, ages = len(supply.areas), supply.headcount.shape[-1]
    holders = np.zeros((areas, ages, terms))
    rows = base.with_columns(
        pl.col("area_code").replace_strict(
            {a: i for i, a in enumerate(supply.areas)}, return_dtype=pl.Int64
        )
    )
    known = rows.filter(pl.col("age").is_not_null())
    a = np.clip(known["age"].to_numpy() - supply.age_min, 0, ages - 1)
    np.add.at(
        holders,
        (known["area_code"].to_numpy(), a, known["term"].to_numpy()),
        known["weight"].to_numpy(),
    )
    by_area_age = holders.sum(axis=2)
    for row in rows.filter(pl.col("age").is_null()).iter_rows(named=True):
        l, e = row["area_code"], row["term"]
        profile = by_area_age[l] if by_area_age[l].sum() > 0 else by_area_age.sum(axis=0)
        _spread_like(holders[l, :, e], profile, row["weight"])
    profile = holders.sum(axis=2)
    for e, count in enumerate(without_post):
        if count:
            _spread_like(holders[:, :, e], profile if profile.sum() > 0 else fallback, count)
    return holders


def _kind_inputs(
    kind: str,
    entry: Statutory | None,
    current: pl.DataFrame,
    approvals: pl.DataFrame,
    posts: pl.DataFrame,
    supply: SupplyModel,
    scenario: Scenario,
) -> StatutoryInputs:
    census = scenario.data.census_date
    terms = APPROVAL_YEARS
    eligible = tuple(
        entry.eligible_roles
        if entry is not None and entry.eligible_roles is not None
        else ELIGIBLE_ROLES.get(kind, ())
    )
    roles = {r: g for g, r in enumerate(supply.roles)}
    sectors = {s: c for c, s in enumerate(supply.sectors)}
    holders = current.with_columns(
        pl.when(pl.col("expiry_year") == LATER)
        .then(terms - 1)
        .otherwise(pl.col("expiry_year").cast(pl.Int64, strict=False) - 1)
        .clip(0, terms - 1)
        .cast(pl.Int64)
        .alias("term")
    )
    base = _base_posts(holders, posts, eligible)
    with_post = set(base["person_key"].to_list())
    terms_without = np.bincount(
        holders.filter(~pl.col("person_key").is_in(list(with_post)))["term"].to_numpy(),
        minlength=terms,
    ).astype(np.float64)

    base_weight = np.zeros((len(supply.roles), len(supply.sectors)))
    for row in base.group_by("role_id", "sector").agg(pl.col("weight").sum()).iter_rows():
        base_weight[roles[row[0]], sectors[row[1]]] += row[2]
    in_model = [roles[r] for r in eligible if r in roles]
    stock_by_role = supply.headcount.sum(axis=(1, 2, 3))
    take_up = np.zeros(len(supply.roles))
    for g in in_model:
        if stock_by_role[g] > 0:
            take_up[g] = base_weight[g].sum() / stock_by_role[g]
    if take_up.sum() == 0:
        take_up[in_model] = 1.0
    if base_weight.sum() > 0:
        base_weight /= base_weight.sum()
    elif in_model:  # no holder in post: holders leave as the eligible staff do
        base_weight[in_model] = supply.headcount[in_model].sum(axis=(1, 3))
        base_weight /= max(base_weight.sum(), 1e-300)

    pool = np.tensordot(take_up, supply.headcount.sum(axis=2), axes=([0], [0]))  # [l, a]
    pool[:, : max(TRAINEE_MIN_AGE - supply.age_min, 0)] = 0.0
    uniform = np.zeros_like(pool)
    uniform[:, max(TRAINEE_MIN_AGE - supply.age_min, 0) :] = 1.0
    start = _holders(base, terms_without, supply, terms, pool if pool.sum() > 0 else uniform)
    spread = next((s for s in (pool, start.sum(axis=2), uniform) if s.sum() > 0), uniform)
    spread = spread / spread.sum()

    count = float(holders.height)
    history = trained_from_history(approvals, kind, census, scenario.rates.history_years)
    if entry is not None and entry.trained_per_year is not None:
        trained, trained_from = entry.trained_per_year, "scenario"
    elif history is not None:
        trained, trained_from = history, "history"
    else:
        share = DEFAULT_TRAINED_SHARE.get(kind, FALLBACK_TRAINED_SHARE)
        trained = Uncertain(share.central * count, share.low * count, share.high * count)
        trained_from = "default"
    if entry is not None and entry.lapse_at_reapproval is not None:
        lapse, lapse_from = entry.lapse_at_reapproval, "scenario"
    else:
        lapse, lapse_from = DEFAULT_LAPSE.get(kind, FALLBACK_LAPSE), "default"
    by_year = {v.year: v.value for v in entry.trained_by_year} if entry is not None else {}
    labels = [census.year + t + 1 for t in range(supply.years)]
    model = StatutoryModel(
        kind=kind,
        areas=supply.areas,
        holders=start,
        trained_per_year=np.array([by_year.get(y, trained.central) for y in labels]),
        trainee_spread=spread,
        lapse_at_reapproval=lapse.central,
        age_min=supply.age_min,
    )
    return StatutoryInputs(
        model=model,
        trained=trained,
        trained_from=trained_from,
        lapse=lapse,
        lapse_from=lapse_from,
        base_weight=base_weight,
        eligible_weight=take_up,
        scale_with_eligible=entry.scale_with_eligible if entry is not None else True,
        eligible_roles=eligible,
    )


def statutory_inputs(
    approvals: pl.DataFrame,
    posts_with_people: pl.DataFrame,
    supply: SupplyModel,
    scenario: Scenario,
) -> tuple[StatutoryInputs, ...]:
    """Every approval kind's inputs (see the module notes): the known kinds, then any other kind
    the store or the scenario names."""
    census = scenario.data.census_date
    report = statutory_roles(
        approvals, posts_with_people, census_date=census, horizon_years=APPROVAL_YEARS
    )
    entries = {s.kind: s for s in scenario.statutory}
    kinds = list(report.by_kind["kind"].to_list())
    kinds += [k for k in entries if k not in kinds]
    posts = _posts_in_post(posts_with_people, census)
    return tuple(
        _kind_inputs(
            kind,
            entries.get(kind),
            report.holders.filter(pl.col("kind") == kind),
            approvals,
            posts,
            supply,
            scenario,
        )
        for kind in kinds
    )


def draw_statutory_parameters(
    inputs: StatutoryInputs,
    supply: SupplyModel,
    params: RunParameters,
    projection: Projection,
    seed: int,
) -> StatutoryRunParameters:
    """Per-run parameters: training and lapse drawn from the streams
    `supply.statutory.<kind>.training` and `.lapse`; leaving from the base roles' rates, the runs'
    leaver multipliers and the retention levers; the eligible index from the projection."""
    runs = params.runs
    kind = inputs.model.kind
    rows = np.searchsorted(projection.runs, runs)
    if not np.array_equal(projection.runs[rows], runs):
        raise ValueError("the supply projection lacks some of the runs to draw")
    trained = inputs.trained
    multiplier = (
        np.ones(len(runs))
        if trained.is_point or trained.central <= 0
        else draw(
            trained, Kind.POSITIVE, uniforms(seed, f"supply.statutory.{kind}.training", runs), runs
        )
        / trained.central
    )
    lapse = draw(
        inputs.lapse, Kind.SHARE, uniforms(seed, f"supply.statutory.{kind}.lapse", runs), runs
    )
    leaving, retiring = holder_leaving(
        supply.leaver_rate,
        supply.retire_share,
        params.leaver_multiplier,
        supply.retention,
        inputs.base_weight,
    )
    years = inputs.model.years
    index = (
        eligible_index(role_headcount(projection)[rows], inputs.eligible_weight)[:, :years]
        if inputs.scale_with_eligible
        else np.ones((len(runs), years))
    )
    return StatutoryRunParameters(
        runs=runs,
        trained_multiplier=multiplier,
        lapse=np.clip(lapse, 0.0, 1.0),
        leaving=leaving,
        retiring=retiring,
        eligible_index=index,
    )


def project_statutory_roles(
    inputs: Sequence[StatutoryInputs],
    supply: SupplyModel,
    params: RunParameters,
    projection: Projection,
    seed: int,
) -> tuple[StatutoryProjection, ...]:
    """Each kind's projection over the supply projection's runs and years."""
    return tuple(
        project_statutory(i.model, draw_statutory_parameters(i, supply, params, projection, seed))
        for i in inputs
    )


__all__ = [
    "DEFAULT_LAPSE",
    "DEFAULT_TRAINED_SHARE",
    "ELIGIBLE_ROLES",
    "StatutoryInputs",
    "draw_statutory_parameters",
    "project_statutory_roles",
    "statutory_inputs",
    "trained_from_history",
]

"""Approved mental health professionals: who holds an approval, and their AMHP posts.

AMHPs are sized per 100k population (figures.md 2.5). NHS-employed AMHPs and some council ones work
solely as AMHPs (their own stock, with history); most combine the role with a council social work
post (an extra AMHP post beside it, at the FTE that makes the published FTE per head); the rest hold
an approval but are not on the rota. Those picked from the social workers follow the AMHP age
profile, band by band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from careforce.demo.calibration import Calibration, first_match, parse_band
from careforce.demo.flows import FlowRules
from careforce.demo.nhs import areas_for
from careforce.demo.sampling import DAYS_PER_YEAR, age_at, day, exact_counts
from careforce.demo.social_care import hourly_rates
from careforce.demo.stocks import grow, stack

ROLE = "amhp"


@dataclass(frozen=True, slots=True)
class AmhpCounts:
    headcount: int
    nhs_sole: int
    council_sole: int
    combined: int
    not_on_rota: int

    @staticmethod
    def of(cal: Calibration) -> AmhpCounts:
        amhp = cal.mental_health.amhp
        total = round(amhp.headcount_per_100k.value * cal.total_population / 100_000)
        nhs = round(amhp.nhs_employed_share.value * total)
        council_sole = max(round(amhp.sole_share.value * total) - nhs, 0)
        combined = min(round(amhp.combined_share.value * total), total - nhs - council_sole)
        return AmhpCounts(total, nhs, council_sole, combined, total - nhs - council_sole - combined)

    def combined_fte(self, cal: Calibration) -> float:
        """FTE of each combined AMHP post, so that AMHP FTE per head is the published share."""
        amhp = cal.mental_health.amhp
        target = amhp.fte_per_headcount.value * self.headcount
        sole = (self.nhs_sole + self.council_sole) * amhp.sole_fte.value
        return float(np.clip((target - sole) / max(self.combined, 1), 0.05, 1.0))


def sole_amhp_posts(rng: np.random.Generator, cal: Calibration, rules: FlowRules) -> pl.DataFrame:
    """AMHPs working only as AMHPs: the NHS ones in the ESR extract, the council ones in returns."""
    counts = AmhpCounts.of(cal)
    fte = cal.mental_health.amhp.sole_fte.value
    nhs = grow(
        rng,
        cal,
        rules,
        role=ROLE,
        sector="nhs",
        kind="esr",
        count=counts.nhs_sole,
        growth=cal.nhs.growth_per_year.value,
    )
    nhs = nhs.with_columns(org=pl.lit(cal.nhs.organisation.code), setting=pl.lit("mental_health"))
    council = grow(
        rng,
        cal,
        rules,
        role=ROLE,
        sector="local_authority",
        kind="social_care",
        count=counts.council_sole,
        growth=cal.social_care.growth_per_year.value,
    ).with_columns(setting=pl.lit("social_work_team"))
    posts = stack([nhs, council])
    areas = areas_for(rng, cal, np.full(len(posts), "community", dtype=object))
    councils = {a.code: a.council.code for a in cal.region.areas}
    return posts.with_columns(
        area=pl.Series(areas, dtype=pl.Utf8),
        org=pl.when(pl.col("sector") == "nhs")
        .then(pl.col("org"))
        .otherwise(pl.Series(areas, dtype=pl.Utf8).replace_strict(councils)),
        contract=pl.lit("permanent"),
        fte=pl.lit(fte),
        hours=pl.lit(round(fte * cal.region.hours_per_fte.value, 2)),
        hourly_rate=pl.when(pl.col("sector") == "nhs")
        .then(None)
        .otherwise(pl.Series(hourly_rates(rng, cal, np.full(len(posts), ROLE)))),
    )


def add_combined_amhps(
    rng: np.random.Generator, cal: Calibration, posts: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pick AMHPs among council social workers; add AMHP posts for those on the rota.

    Returns the posts with the new AMHP posts, and every AMHP (person, organisation) to approve.
    """
    counts = AmhpCounts.of(cal)
    census_day = day(cal.census_date)
    social_workers = (
        (pl.col("role") == "social_worker")
        & (pl.col("sector") == "local_authority")
        & pl.col("end").is_null()
    )
    pool = posts.filter(social_workers)
    ages = age_at(pool["dob"].to_numpy(), census_day)
    profile = first_match(cal.age_profiles, ROLE, "local_authority", True)
    bands = [(*parse_band(k), v) for k, v in profile.bands.value.items()]
    sole = posts.filter((pl.col("role") == ROLE) & pl.col("end").is_null())
    sole_ages = age_at(sole["dob"].to_numpy(), census_day)
    wanted = counts.combined + counts.not_on_rota
    # Ages that complete the profile of all AMHPs, given the ages of those working solely as AMHPs.
    need = exact_counts(counts.headcount, [s for *_, s in bands]) - np.array(
        [((sole_ages >= low) & (sole_ages <= high)).sum() for low, high, _ in bands]
    )
    need = (
        exact_counts(wanted, np.clip(need, 0, None))
        if need.clip(0).sum() > wanted
        else need.clip(0)
    )
    picked: list[int] = []
    for (low, high, _), n in zip(bands, need, strict=True):
        in_band = np.flatnonzero((ages >= low) & (ages <= high))
        picked += rng.choice(in_band, size=min(int(n), len(in_band)), replace=False).tolist()
    rest = np.setdiff1d(np.arange(len(pool)), picked)
    picked += rng.choice(rest, size=min(wanted - len(picked), len(rest)), replace=False).tolist()
    chosen = pool[rng.permutation(picked)]
    on_rota = chosen.head(counts.combined)
    fte = round(counts.combined_fte(cal), 2)
    started = census_day - rng.integers(
        30, int(cal.mental_health.approval_years.value * DAYS_PER_YEAR), size=len(on_rota)
    )
    amhp_posts = on_rota.with_columns(
        role=pl.lit(ROLE),
        contract=pl.lit("permanent"),
        fte=pl.lit(fte),
        hours=pl.lit(round(fte * cal.region.hours_per_fte.value, 2)),
        start=pl.max_horizontal(pl.col("start"), pl.Series(started)),
        hourly_rate=pl.Series(hourly_rates(rng, cal, np.full(len(on_rota), ROLE))),
        primary=pl.lit(False),
    )
    holders = pl.concat(
        [sole.select("person", "org", "area"), chosen.select("person", "org", "area")]
    )
    return pl.concat([posts, amhp_posts.select(posts.columns)]), holders

"""Vacancies and statutory approvals, drawn from the posts in the returns.

Vacancy totals are set exactly from the filled posts and the calibrated rate, rate = vacant /
(filled + vacant): FTE for the NHS and AMHPs, posts for social care (as the published rates are).
The total is then cut into vacancies of the usual sizes.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import polars as pl

from careforce.demo.amhp import ROLE as AMHP
from careforce.demo.calibration import Calibration
from careforce.demo.identifiers import source_code
from careforce.demo.nhs import group_parts
from careforce.demo.sampling import DAYS_PER_YEAR, day, exact_mask, exact_mask_within

VACANCY_SCHEMA = {
    "organisation_code": pl.Utf8,
    "source_role_code": pl.Utf8,
    "locality_code": pl.Utf8,
    "fte": pl.Float64,
    "since": pl.Int64,
}


def _cut(rng: np.random.Generator, total: float, sizes: tuple[float, ...]) -> np.ndarray:
    """Vacancy FTEs of the usual sizes adding up to `total` (the last one takes what is left)."""
    if total < 0.01:
        return np.zeros(0)
    draws = rng.choice(np.asarray(sizes), size=int(np.ceil(total / min(sizes))) + 1)
    ends = np.cumsum(draws)
    whole = int(np.searchsorted(ends, total + 1e-9, side="right"))
    left = round(total - (ends[whole - 1] if whole else 0.0), 2)
    return np.round(np.append(draws[:whole], [left] if left >= 0.01 else []), 2)


def _vacancies_like(
    rng: np.random.Generator,
    cal: Calibration,
    templates: pl.DataFrame,
    ftes: np.ndarray,
    weights: np.ndarray | None = None,
) -> pl.DataFrame:
    """One vacancy per FTE, at the employer, role and area of a post drawn from the templates."""
    if len(ftes) == 0 or len(templates) == 0:
        return pl.DataFrame(schema=VACANCY_SCHEMA)
    p = None if weights is None else weights / weights.sum()
    picked = templates[rng.choice(len(templates), size=len(ftes), p=p)]
    open_days = rng.integers(0, cal.vacancies.longest_open_days.value + 1, size=len(ftes))
    return pl.DataFrame(
        {
            "organisation_code": picked["org"],
            "source_role_code": picked["role"].replace_strict(
                {r: source_code("esr", r) for r in picked["role"].unique()}
            ),
            "locality_code": picked["area"],
            "fte": ftes,
            "since": day(cal.census_date) - open_days,
        },
        schema=VACANCY_SCHEMA,
    )


def vacancies(rng: np.random.Generator, cal: Calibration, posts: pl.DataFrame) -> pl.DataFrame:
    """The vacancies file: NHS by staff group FTE, AMHPs by FTE, social care by posts."""
    census = posts.filter(pl.col("end").is_null())
    sizes = cal.vacancies.fte_sizes.value
    frames = []
    nhs = census.filter((pl.col("kind") == "esr") & (pl.col("role") != AMHP))
    rate_parts: dict[str, float] = defaultdict(float)
    fte_parts: dict[str, float] = defaultdict(float)
    for name, parts in group_parts(cal).items():
        rate = cal.nhs.staff_groups[name].vacancy_rate.value
        for role, part in parts.items():
            rate_parts[role] += part * rate / (1 - rate)
            fte_parts[role] += part
    for role in sorted(fte_parts):
        filled = nhs.filter(pl.col("role") == role)
        total = float(filled["fte"].sum()) * rate_parts[role] / fte_parts[role]
        frames.append(_vacancies_like(rng, cal, filled, _cut(rng, total, sizes)))
    amhp_posts = census.filter(pl.col("role") == AMHP)
    rate = cal.mental_health.amhp.vacancy_rate.value
    amhp_total = float(amhp_posts["fte"].sum()) * rate / (1 - rate)
    frames.append(
        _vacancies_like(
            rng, cal, amhp_posts, _cut(rng, amhp_total, sizes), amhp_posts["fte"].to_numpy()
        )
    )
    care = census.filter((pl.col("kind") == "social_care") & (pl.col("role") != AMHP))
    rate = cal.vacancies.social_care_rate.value
    count = min(round(len(care) * rate / (1 - rate)), len(care))
    templates = care[np.sort(rng.choice(len(care), size=count, replace=False))]
    frames.append(_vacancies_like(rng, cal, templates, rng.choice(np.asarray(sizes), size=count)))
    out = pl.concat(frames).sort(
        "organisation_code", "since", "source_role_code", maintain_order=True
    )
    return out.with_columns(
        vacancy_ref=pl.format(
            "V{}",
            pl.int_range(1, pl.len() + 1).over("organisation_code").cast(pl.Utf8).str.zfill(5),
        )
    )


def approvals(
    rng: np.random.Generator, cal: Calibration, posts: pl.DataFrame, amhps: pl.DataFrame
) -> pl.DataFrame:
    """AMHP approvals (by the council of the area) and section 12 approvals of doctors."""
    mh = cal.mental_health
    census = posts.filter(pl.col("end").is_null() & pl.col("primary"))
    doctors = census.filter(pl.col("kind") == "esr")
    psychiatrists = (doctors["role"] == "consultant_psychiatrist").to_numpy()
    trainees = (
        (doctors["role"] == "doctor_resident_specialty") & (doctors["setting"] == "mental_health")
    ).to_numpy()
    gps = (doctors["role"] == "gp").to_numpy()
    section_12 = (
        psychiatrists
        | exact_mask_within(
            rng, trainees, mh.section_12.resident_specialty_mental_health_share.value
        )
        | exact_mask_within(rng, gps, mh.section_12.gp_share.value)
    )
    councils = {a.code: a.council.name for a in cal.region.areas}
    holders = pl.concat(
        [
            amhps.select("person", "org", "area").with_columns(
                kind=pl.lit("amhp"), approving_body=pl.col("area").replace_strict(councils)
            ),
            doctors.filter(pl.Series(section_12))
            .select("person", "org", "area")
            .with_columns(
                kind=pl.lit("section_12"), approving_body=pl.lit(mh.approving_body_section_12)
            ),
        ]
    )
    lapsed = np.zeros(len(holders), dtype=bool)
    for kind, share in (
        ("amhp", mh.amhp.lapsed_share.value),
        ("section_12", mh.section_12.lapsed_share.value),
    ):
        of_kind = (holders["kind"] == kind).to_numpy()
        lapsed[of_kind] = exact_mask(rng, int(of_kind.sum()), share)
    term = round(mh.approval_years.value * DAYS_PER_YEAR)
    ago = np.where(
        lapsed,
        rng.integers(term + 1, term + 366, size=len(holders)),
        rng.integers(0, term, size=len(holders)),
    )
    approved = day(cal.census_date) - ago
    return holders.with_columns(
        approved_on=pl.Series(approved), expires_on=pl.Series(approved + term)
    )

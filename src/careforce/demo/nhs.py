"""NHS staff of the health board: the ESR extract's posts, sized from the published FTE per 1,000.

Each published staff group's FTE (figures.md 2.1) is split between framework roles; headcount is FTE
times the published headcount per FTE, and part-time posts make up the difference. Retiring nurses
come back on the bank at the calibrated retire-and-return share.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import polars as pl

from careforce.demo.calibration import Calibration
from careforce.demo.flows import FlowRules
from careforce.demo.places import area_codes, area_weights
from careforce.demo.sampling import by_group, day, exact_counts, exact_mask_within
from careforce.demo.stocks import assign, grow, stack
from careforce.framework.catalogue import role_catalogue

AFC_BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")
_AFC_RANGE = re.compile(r"^\s*(\d[a-d]?)(?:\s*-\s*(\d[a-d]?))?")
_SITE_SETTINGS = ("hospital", "corporate")


def group_parts(cal: Calibration) -> dict[str, dict[str, float]]:
    """FTE of each framework role within each published staff group."""
    people = cal.total_population
    parts = {}
    for name, group in cal.nhs.staff_groups.items():
        fixed = {r: f.value * people / 100_000 for r, f in group.fixed_fte_per_100k.items()}
        rest = group.fte_per_1000.value * people / 1000 - sum(fixed.values())
        parts[name] = {**fixed, **{r: share * rest for r, share in group.roles.value.items()}}
    return parts


def role_targets(cal: Calibration) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """FTE of each framework role, and the shares of its FTE by setting."""
    fte: dict[str, float] = defaultdict(float)
    by_setting: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for name, parts in group_parts(cal).items():
        for role, part in parts.items():
            fte[role] += part
            for setting, share in cal.nhs.staff_groups[name].settings.value.items():
                by_setting[role][setting] += part * share
    settings = {
        role: cal.nhs.role_settings.value.get(role) or {s: v / fte[role] for s, v in mix.items()}
        for role, mix in by_setting.items()
    }
    return dict(fte), settings


def fte_values(cal: Calibration) -> tuple[list[float], list[float]]:
    """Possible FTEs of a post and their shares: full time, and part time evenly over the values
    given, with the full-time share set so that headcount / FTE is the published ratio."""
    part_time = list(cal.nhs.part_time_fte.value)
    mean = 1.0 / cal.nhs.headcount_per_fte.value
    part_mean = float(np.mean(part_time))
    full = float(np.clip((mean - part_mean) / (1.0 - part_mean), 0.0, 1.0))
    return [1.0, *part_time], [full, *([(1.0 - full) / len(part_time)] * len(part_time))]


def afc_bands(text: str | None) -> list[str]:
    """`"5-7"` -> ["5", "6", "7"]; `"8a-8c"` -> ["8a", "8b", "8c"]; anything else -> []."""
    found = _AFC_RANGE.match(text or "")
    if not found or found[1] not in AFC_BANDS:
        return []
    high = found[2] if found[2] in AFC_BANDS else found[1]
    return list(AFC_BANDS[AFC_BANDS.index(found[1]) : AFC_BANDS.index(high) + 1])


def pay_grades(cal: Calibration, role_id: str) -> tuple[list[str], list[float]]:
    """The grades a role's staff are on, and their shares (lowest grade first)."""
    medical = cal.nhs.medical_grades.value.get(role_id)
    if medical:
        return list(medical), list(medical.values())
    bands = afc_bands(role_catalogue()[role_id].pay_band)
    weights = list(cal.nhs.afc_band_weights.value[: len(bands)])
    return bands, [w / sum(weights) for w in weights]


def assign_pay_grades(
    rng: np.random.Generator,
    roles: np.ndarray,
    ages: np.ndarray,
    grade_of: dict[str, tuple[list[str], list[float]]],
) -> np.ndarray:
    """Grades in exact shares within each role, older staff more often on the higher grades."""
    out = np.full(len(roles), None, dtype=object)
    for role, (grades, shares) in grade_of.items():
        idx = np.flatnonzero(roles == role)
        if not grades or len(idx) == 0:
            continue
        order = np.argsort(ages[idx] + rng.normal(0.0, 6.0, size=len(idx)), kind="stable")
        ladder = np.repeat(np.asarray(grades, dtype=object), exact_counts(len(idx), shares))
        out[idx[order]] = ladder
    return out


def areas_for(rng: np.random.Generator, cal: Calibration, settings: np.ndarray) -> np.ndarray:
    """Local authority area of each post: sites for hospital and corporate posts, else population."""
    codes = area_codes(cal)
    sites = cal.nhs.hospital_site_areas.value
    site_shares = np.array([sites.get(c, 0.0) for c in codes])
    shares = {
        s: site_shares if s in _SITE_SETTINGS else area_weights(cal)["population"]
        for s in np.unique(settings)
    }
    return np.asarray(codes, dtype=object)[by_group(rng, settings, shares)]


def nhs_posts(rng: np.random.Generator, cal: Calibration, rules: FlowRules) -> pl.DataFrame:
    """Every ESR assignment of the health board in the window, returners on the bank included."""
    targets, settings = role_targets(cal)
    values, shares = fte_values(cal)
    nhs = cal.nhs
    frames = []
    for role in sorted(targets):
        count = round(targets[role] * nhs.headcount_per_fte.value)
        posts = grow(
            rng,
            cal,
            rules,
            role=role,
            sector="nhs",
            kind="esr",
            count=count,
            growth=nhs.growth_per_year.value,
        )
        fixed_term = 1.0 if role in nhs.fixed_term_roles else nhs.fixed_term_share.value
        posts = posts.with_columns(
            setting=pl.Series(
                assign(rng, posts, list(settings[role]), list(settings[role].values())),
                dtype=pl.Utf8,
            ),
            fte=pl.Series(assign(rng, posts, values, shares), dtype=pl.Float64),
            contract=pl.Series(
                assign(rng, posts, ["permanent", "fixed_term"], [1 - fixed_term, fixed_term]),
                dtype=pl.Utf8,
            ),
        )
        frames.append(posts)
    posts = stack(frames)
    census_day = day(cal.census_date)
    ages = (census_day - posts["dob"].to_numpy()) / 365.2425
    roles = posts["role"].to_numpy()
    grades = {r: pay_grades(cal, r) for r in targets}
    posts = posts.with_columns(
        org=pl.lit(nhs.organisation.code),
        area=pl.Series(areas_for(rng, cal, posts["setting"].to_numpy()), dtype=pl.Utf8),
        hours=(pl.col("fte") * cal.region.hours_per_fte.value).round(2),
        pay_band=pl.Series(assign_pay_grades(rng, roles, ages, grades), dtype=pl.Utf8),
    )
    return pl.concat([posts, returners(rng, cal, posts, census_day)])


def returners(
    rng: np.random.Generator, cal: Calibration, posts: pl.DataFrame, census_day: int
) -> pl.DataFrame:
    """Bank posts of retired nurses who came back within the year (retire and return)."""
    rule = cal.flows.retire_and_return
    retired = (
        ((posts["reason"] == "retirement") & posts["role"].is_in(list(rule.roles)))
        .fill_null(False)
        .to_numpy()
    )
    chosen = posts.filter(pl.Series(exact_mask_within(rng, retired, rule.share.value)))
    back = chosen["end"].to_numpy() + rng.integers(1, rule.within_days.value + 1, size=len(chosen))
    return chosen.with_columns(
        start=pl.Series(back, dtype=pl.Int64),
        end=pl.lit(None, dtype=pl.Int64),
        reason=pl.lit(None, dtype=pl.Utf8),
        contract=pl.lit("bank"),
        fte=pl.lit(0.0),
        hours=pl.lit(0.0),
        primary=pl.lit(False),
    ).filter(pl.col("start") <= census_day)

"""Social care staff of councils, independent and third-sector providers (the provider returns).

The workforce is sized at the published headcount per 1,000, split by setting, then by sector and
role within each setting; roles fixed per 1,000 (registered social workers) come first. Posts go to
an area by the setting's weighting and to a provider of that sector and setting, in proportion to
provider size. Care staff who leave for another employer in the sector are, at the calibrated
share, the same people as joiners of another provider (same date of birth, later linked by NI).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import polars as pl

from careforce.demo.calibration import Calibration
from careforce.demo.flows import FlowRules
from careforce.demo.places import area_codes, area_weights
from careforce.demo.sampling import DAYS_PER_YEAR, by_group, exact_counts, exact_mask_within
from careforce.demo.stocks import assign, grow, in_census, stack, window
from careforce.domain import UserError
from careforce.framework.catalogue import role_catalogue

CONTRACTS = ("zero_hours", "bank", "agency", "fixed_term", "permanent")
_NO_HOURS = ("zero_hours", "bank")
Cell = tuple[str, str, str]  # setting, sector, role


def care_cells(cal: Calibration, reserved: int) -> dict[Cell, int]:
    """Headcount in post at the census by setting, sector and role (adding up exactly).

    `reserved` people are taken off the total for posts made elsewhere (nurses on a care bank).
    """
    care = cal.social_care
    people = cal.total_population
    total = care.headcount_per_1000.value * people / 1000 - reserved
    expected: dict[Cell, float] = defaultdict(float)
    for name, setting in care.settings.items():
        fixed = {role: f.value * people / 1000 for role, f in setting.fixed_per_1000.items()}
        rest = setting.share.value * total - sum(fixed.values())
        if rest < 0:
            raise UserError(
                f"social_care.settings.{name}: fixed_per_1000 roles exceed the setting's share"
            )
        for sector, sector_share in setting.sectors.value.items():
            for role, count in fixed.items():
                expected[(name, sector, role)] += count * sector_share
            for role, role_share in setting.roles.value.items():
                expected[(name, sector, role)] += rest * sector_share * role_share
    cells = list(expected)
    counts = exact_counts(round(sum(expected.values())), [expected[c] for c in cells])
    return {cell: int(n) for cell, n in zip(cells, counts, strict=True) if n > 0}


def hourly_median(cal: Calibration, role_id: str) -> float:
    rate = role_catalogue()[role_id].hourly_rate_gbp or cal.social_care.hourly_rates.value.get(
        role_id
    )
    if rate is None:
        raise UserError(f"social_care.hourly_rates: no hourly rate for role {role_id!r}")
    return float(rate)


def hourly_rates(rng: np.random.Generator, cal: Calibration, roles: np.ndarray) -> np.ndarray:
    """Basic hourly pay: the role's median with a lognormal spread, never below the floor."""
    care = cal.social_care
    unique, index = np.unique(np.asarray(roles, dtype=str), return_inverse=True)
    medians = np.array([hourly_median(cal, r) for r in unique])[index]
    spread = np.exp(rng.normal(0.0, care.hourly_spread.value, size=len(roles)))
    return np.round(np.maximum(medians * spread, care.hourly_floor.value), 2)


def pick_providers(
    rng: np.random.Generator,
    orgs: pl.DataFrame,
    sectors: np.ndarray,
    settings: np.ndarray,
    areas: np.ndarray,
) -> np.ndarray:
    """A provider for each post: one of its sector and setting in its area, by size; else of its
    sector and setting anywhere; else of its sector."""
    providers = orgs.filter(pl.col("setting").is_not_null())
    codes = providers["code"].to_numpy()
    p_sector = providers["sector"].to_numpy()
    p_setting = providers["setting"].to_numpy()
    p_area = providers["locality_code"].to_numpy()
    weight = providers["weight"].to_numpy()
    out = np.empty(len(sectors), dtype=object)
    keys = np.char.add(
        np.char.add(sectors.astype(str), "|"),
        np.char.add(np.char.add(settings.astype(str), "|"), areas.astype(str)),
    )
    for key in np.unique(keys):
        sector, setting, area = key.split("|")
        rows = np.flatnonzero(keys == key)
        for fits in (
            (p_sector == sector) & (p_setting == setting) & (p_area == area),
            (p_sector == sector) & (p_setting == setting),
            p_sector == sector,
        ):
            if fits.any():
                w = weight[fits] / weight[fits].sum()
                out[rows] = codes[fits][rng.choice(int(fits.sum()), size=len(rows), p=w)]
                break
        else:
            raise UserError(f"no {sector} provider for {setting} posts in organisations")
    return out


def social_care_posts(
    rng: np.random.Generator, cal: Calibration, rules: FlowRules, orgs: pl.DataFrame, reserved: int
) -> pl.DataFrame:
    """Every post of the social care provider returns in the window (before linking movers)."""
    care = cal.social_care
    cells = care_cells(cal, reserved)
    by_stock: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for (setting, sector, role), n in cells.items():
        by_stock[(role, sector)][setting] = n
    frames = []
    for (role, sector), settings in sorted(by_stock.items()):
        posts = grow(
            rng,
            cal,
            rules,
            role=role,
            sector=sector,
            kind="social_care",
            count=sum(settings.values()),
            growth=care.growth_per_year.value,
        )
        chosen = assign(rng, posts, list(settings), list(settings.values()))
        frames.append(posts.with_columns(setting=pl.Series(chosen, dtype=pl.Utf8)))
    posts = stack(frames)
    settings_of = posts["setting"].to_numpy()
    codes = np.asarray(area_codes(cal), dtype=object)
    weights = area_weights(cal)
    areas = codes[
        by_group(
            rng, settings_of, {s: weights[care.area_weighting.value[s]] for s in care.settings}
        )
    ]
    sectors = posts["sector"].to_numpy()
    council = {a.code: a.council.code for a in cal.region.areas}
    orgs_of = pl.Series(areas, dtype=pl.Utf8).replace_strict(council).to_numpy().astype(object)
    commissioned = sectors != "local_authority"
    orgs_of[commissioned] = pick_providers(
        rng, orgs, sectors[commissioned], settings_of[commissioned], areas[commissioned]
    )
    posts = posts.with_columns(
        area=pl.Series(areas, dtype=pl.Utf8),
        org=pl.Series(orgs_of, dtype=pl.Utf8),
        hourly_rate=pl.Series(hourly_rates(rng, cal, posts["role"].to_numpy()), dtype=pl.Float64),
    )
    return _link_movers(rng, cal, contracts_and_hours(rng, cal, posts))


def contracts_and_hours(
    rng: np.random.Generator, cal: Calibration, posts: pl.DataFrame
) -> pl.DataFrame:
    """Contract type (zero-hours by setting, exact among census posts), hours a week and FTE."""
    care = cal.social_care
    others = [care.bank_share.value, care.agency_share.value, care.fixed_term_share.value]
    shares = {}
    for name, setting in care.settings.items():
        zero = setting.zero_hours_share.value
        for census in ("census", "history"):
            shares[f"{name}|{census}"] = np.array([zero, *others, 1.0 - zero - sum(others)])
    census_flag = np.where(in_census(posts), "census", "history")
    keys = np.char.add(np.char.add(posts["setting"].to_numpy().astype(str), "|"), census_flag)
    contracts = np.asarray(CONTRACTS, dtype=object)[by_group(rng, keys, shares)]
    contracted = ~np.isin(contracts, _NO_HOURS)
    full_time = exact_mask_within(rng, contracted, care.full_time_share.value)
    hours = np.where(
        full_time,
        rng.integers(72, 91, size=len(posts)) / 2.0,  # 36 to 45 hours
        rng.integers(16, 72, size=len(posts)) / 2.0,  # 8 to 35.5 hours
    )
    hours = np.where(contracted, hours, 0.0)
    fte = np.where(contracted, np.round(hours / cal.region.hours_per_fte.value, 2), np.nan)
    return posts.with_columns(
        contract=pl.Series(contracts, dtype=pl.Utf8),
        hours=pl.Series(hours),
        fte=pl.Series(fte).fill_nan(None),
    )


def _link_movers(rng: np.random.Generator, cal: Calibration, posts: pl.DataFrame) -> pl.DataFrame:
    """Make a share of same-sector leavers the same people as later joiners of another provider."""
    roles = list(cal.flows.mover_roles)
    first_day = window(cal).first_day
    mover = (
        (posts["role"].is_in(roles) & (posts["reason"] == "resignation_other_employer_same_sector"))
        .fill_null(False)
        .to_numpy()
    )
    linked = exact_mask_within(rng, mover, cal.flows.movers_linked_share.value)
    joiner = (posts["role"].is_in(roles) & (posts["start"] > first_day)).to_numpy()
    decade = posts["dob"].to_numpy() // 3653
    person = posts["person"].to_numpy().copy()
    dob = posts["dob"].to_numpy().copy()
    primary = posts["primary"].to_numpy().copy()
    org = posts["org"].to_numpy()
    start, end = posts["start"].to_numpy(), posts["end"].fill_null(0).to_numpy()
    for band in np.unique(decade[linked]):
        leavers = np.flatnonzero(linked & (decade == band))
        joiners = rng.permutation(np.flatnonzero(joiner & (decade == band)))
        m = min(len(leavers), len(joiners))
        leavers = leavers[np.argsort(end[leavers], kind="stable")][:m]
        joiners = joiners[np.argsort(start[joiners], kind="stable")][len(joiners) - m :]
        sixteen = dob[joiners] + int(
            np.ceil(16 * DAYS_PER_YEAR)
        )  # the leaver takes this birth date
        ok = (
            (start[joiners] > end[leavers])
            & (org[joiners] != org[leavers])
            & (start[leavers] >= sixteen)
        )
        person[leavers[ok]] = person[joiners[ok]]
        dob[leavers[ok]] = dob[joiners[ok]]
        primary[leavers[ok]] = False
    return posts.with_columns(
        person=pl.Series(person), dob=pl.Series(dob), primary=pl.Series(primary)
    )

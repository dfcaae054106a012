"""The region's organisations: the health board, one council per area, care providers, charities.

Provider names are made up from Welsh-sounding words and a kind of service, so that no real
organisation is named. Each provider has a main setting and a size weight (lognormal) that decides
its share of the sector's staff in that setting.
"""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl

from careforce.demo.calibration import Calibration
from careforce.demo.places import area_codes, area_weights
from careforce.demo.sampling import exact_counts

_FIRST = ("Bryn", "Ty", "Plas", "Maes", "Coed", "Llys", "Glan", "Pen", "Cae", "Bron", "Nant", "Dol")
_SECOND = (
    "Celyn",
    "Derwen",
    "Onnen",
    "Eithin",
    "Helyg",
    "Grug",
    "Rhedyn",
    "Ywen",
    "Bedw",
    "Criafol",
)
_KIND = {
    ("independent", "residential"): "Care Homes Ltd",
    ("independent", "domiciliary"): "Home Care Ltd",
    ("independent", "community_support"): "Supported Living Ltd",
    ("independent", "day_services"): "Day Opportunities Ltd",
    ("independent", "social_work_team"): "Care Management Ltd",
    ("third_sector", "residential"): "Housing and Care Association",
    ("third_sector", "domiciliary"): "Home Support Trust",
    ("third_sector", "community_support"): "Community Trust",
    ("third_sector", "day_services"): "Day Centre Association",
    ("third_sector", "social_work_team"): "Advocacy Service",
}
_PREFIX = {"independent": "IND", "third_sector": "TS"}

ORGANISATION_SCHEMA = {
    "code": pl.Utf8,
    "name": pl.Utf8,
    "sector": pl.Utf8,
    "locality_code": pl.Utf8,
    "setting": pl.Utf8,  # a provider's main care setting; null for others
    "weight": pl.Float64,  # a provider's size weight within its sector and setting
    "submits": pl.Boolean,  # False for an expected organisation that sends no data
}


def _providers(
    cal: Calibration,
    rng: np.random.Generator,
    sector: str,
    counts: dict[str, int],
    names: list[str],
) -> list[tuple[object, ...]]:
    weights = area_weights(cal)
    areas = area_codes(cal)
    rows: list[tuple[object, ...]] = []
    for setting, count in counts.items():
        scheme = cal.social_care.area_weighting.value.get(setting, "population")
        per_area = exact_counts(count, weights[scheme])
        for area, n in zip(areas, per_area, strict=True):
            for _ in range(n):
                code = f"{_PREFIX[sector]}{len(rows) + 1:03d}"
                name = f"{names.pop()} {_KIND[(sector, setting)]}"
                rows.append((code, name, sector, area, setting, 1.0, True))
    sizes = rng.lognormal(0.0, cal.organisations.provider_size_spread.value, size=len(rows))
    return [(*row[:5], float(size), True) for row, size in zip(rows, sizes, strict=True)]


def organisations_table(cal: Calibration, rng: np.random.Generator) -> pl.DataFrame:
    """Every organisation expected to submit data, with its sector and main base."""
    names = [f"{a} {b}" for a, b in itertools.product(_FIRST, _SECOND)]
    names = [names[i] for i in rng.permutation(len(names))]
    nhs = cal.nhs.organisation
    rows: list[tuple[object, ...]] = [
        (nhs.code, nhs.name, "nhs", nhs.area, None, 1.0, True),
        *(
            (a.council.code, a.council.name, "local_authority", a.code, None, 1.0, True)
            for a in cal.region.areas
        ),
    ]
    independent = _providers(
        cal, rng, "independent", cal.organisations.independent_providers.value, names
    )
    third = _providers(
        cal, rng, "third_sector", cal.organisations.third_sector_providers.value, names
    )
    rows += _without_returns(independent, cal.organisations.non_submitting.value)
    rows += third
    rows += [
        (o.code, o.name, "volunteer_involving", o.area, None, 1.0, True)
        for o in cal.organisations.volunteer_involving
    ]
    return pl.DataFrame(rows, schema=ORGANISATION_SCHEMA, orient="row")


def _without_returns(providers: list[tuple[object, ...]], count: int) -> list[tuple[object, ...]]:
    """Mark the smallest home care providers (or else the smallest of all) as sending no data."""
    home_care = [i for i, p in enumerate(providers) if p[4] == "domiciliary"]
    pool = home_care if len(home_care) > count else list(range(len(providers)))
    silent = set(sorted(pool, key=lambda i: float(providers[i][5]))[:count])  # type: ignore[arg-type]
    return [(*p[:6], i not in silent) for i, p in enumerate(providers)]

"""Published defaults for the supply rates, used where the imported history has nothing to say.

Every figure carries its provenance: `source` names the reference figures (figures.md section 9
ids, with the section the figure is read from), or `basis` starts with "assumption:" and says why.
The table is Python rather than a data file because the supply engine reads no files (import
contract); a planner's own history replaces these figures wherever it has exposure.

Where a source gives a single figure, its 80% interval is that figure +-25%
(`SINGLE_FIGURE_SPREAD`, an assumption); where the source gives several years, the interval spans
them.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from careforce.domain.workforce import AGE_BANDS

SINGLE_FIGURE_SPREAD = 0.25  # assumption: +-25% around a single published figure
MAX_LEAVING_PROBABILITY = 0.9
_CAP_BASIS = "assumption: a cap on leaver rate plus retirement hazard at older ages"
OLDEST_AGE = 74  # the open band 65+ is read as 65-74, the oldest age the projection holds
UNKNOWN_AGE = "unknown"


@dataclass(frozen=True, slots=True)
class PublishedRate:
    """A published (or assumed) rate: central value, 80% interval and where it comes from."""

    central: float
    low: float
    high: float
    source: str = ""
    basis: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.low <= self.central <= self.high:
            raise ValueError(f"0 <= low <= central <= high is needed: {self}")
        if not self.source and not self.basis.startswith("assumption:"):
            raise ValueError(f"a default needs a source id or an 'assumption:' basis: {self}")

    @property
    def provenance(self) -> str:
        return "; ".join(part for part in (self.source, self.basis) if part)


def _figure(central: float, source: str = "", basis: str = "") -> PublishedRate:
    """A single published figure with the +-25% interval of `SINGLE_FIGURE_SPREAD`."""
    spread = SINGLE_FIGURE_SPREAD * central
    return PublishedRate(central, central - spread, central + spread, source, basis)


_NHS_OTHER = _figure(
    0.075,
    source="S20 (figures.md 2.4): about 1 in 9 NHS staff leave a year, retirement included",
    basis="assumption: the part that is not retirement (as figures.md 6.6 other NHS staff)",
)
_OTHER_SOCIAL_CARE = _figure(
    0.12, basis="assumption: between social workers (8%, S11) and care workers (28.5%, S12)"
)

# Annual probability of leaving other than by retirement, by staff group (any sector).
NON_RETIREMENT_LEAVER_RATE: dict[str, PublishedRate] = {
    "medical_dental": PublishedRate(
        0.17,
        0.10,
        0.25,
        source="S19 (figures.md 2.4, 6.6): consultants 4.9%, resident doctors 15-45% (rotation)",
        basis="assumption: weighted for a group about a third consultants",
    ),
    "registered_nursing_midwifery": PublishedRate(
        0.088,
        0.075,
        0.115,
        source="S19 (figures.md 2.4, 6.6): nurses 8.8% (Sep 2023 - Sep 2024); 9.9%, 11.5% before",
    ),
    "nursing_support": _figure(
        0.12,
        source="S20 (figures.md 2.4): about 1 in 9 NHS staff leave a year",
        basis="assumption: the HCSW rate of figures.md 6.6",
    ),
    "scientific_therapeutic_technical": _NHS_OTHER,
    "ambulance": _NHS_OTHER,
    "admin_estates": _NHS_OTHER,
    "social_care_direct": PublishedRate(
        0.285,
        0.231,
        0.307,
        source="S12, S87 (figures.md 2.3, 6.6): care & support workers 28.5% (2024/25); "
        "all roles 23.1% (2024/25) to 30.7% (2017/18)",
    ),
    "social_care_management": _OTHER_SOCIAL_CARE,
    "social_work": _figure(
        0.08, source="S11 (figures.md 2.2, 6.6): 480 of 5,965 left the register in a year"
    ),
    "third_sector_community": _OTHER_SOCIAL_CARE,
    "volunteers": _figure(0.20, basis="assumption: a fifth of volunteers stop each year"),
    "unpaid_carers": _figure(0.20, basis="assumption: as volunteers; no published figure"),
}

# Roles whose published rate differs from their staff group's.
ROLE_NON_RETIREMENT_LEAVER_RATE: dict[str, PublishedRate] = {
    "consultant_physician": PublishedRate(
        0.049, 0.045, 0.060, source="S19 (figures.md 2.4): consultants 4.9%, 5.3%, 6.0%"
    ),
    "consultant_psychiatrist": PublishedRate(
        0.049, 0.045, 0.060, source="S19 (figures.md 2.4): consultants 4.9%, 5.3%, 6.0%"
    ),
    "doctor_resident_specialty": PublishedRate(
        0.226, 0.20, 0.24, source="S19 (figures.md 2.4): specialty registrars 22.6-23.8%"
    ),
    "doctor_foundation": PublishedRate(
        0.315, 0.183, 0.447, source="S19 (figures.md 2.4, 6.6): FY1 18.3%, FY2 44.7%; their mean"
    ),
    "sc_registered_manager": _figure(
        0.17, source="S12 (figures.md 2.3, 6.6): registered managers 17% (2024/25)"
    ),
    "social_worker": _figure(
        0.08, source="S11 (figures.md 2.2, 6.6): 480 of 5,965 left the register in a year"
    ),
    "amhp": _figure(
        0.08, source="S11 (figures.md 2.2, 6.6): social workers' rate (95% of AMHPs, S18)"
    ),
}

ALL_STAFF_NON_RETIREMENT = _figure(
    0.09,
    source="S20 (figures.md 2.4): 1 in 9 NHS staff leave a year, about 2% at retirement age",
)
ALL_STAFF_LEAVER_RATE = _figure(
    0.111, source="S20 (figures.md 2.4): about 1 in 9 NHS staff leave a year, retirement included"
)

_HAZARD_BASIS = (
    "assumption: the suggested default hazard of figures.md 2.6, tuned to an average "
    "retirement age of about 62 (S25)"
)
# Annual probability of retiring: (lowest age, highest age, rate).
RETIREMENT_HAZARD: tuple[tuple[int, int, PublishedRate], ...] = (
    (16, 54, _figure(0.005, basis=_HAZARD_BASIS)),
    (55, 59, _figure(0.05, basis=_HAZARD_BASIS)),
    (60, 64, _figure(0.15, basis=_HAZARD_BASIS)),
    (65, 67, _figure(0.35, basis=_HAZARD_BASIS)),
    (68, 120, _figure(0.60, basis=_HAZARD_BASIS)),
)
RETIREMENT_UNKNOWN_AGE = _figure(
    0.02, source="S20 (figures.md 2.4): for nurses about 2% a year leave at retirement age"
)


@dataclass(frozen=True, slots=True)
class PublishedFigure:
    """A published (or assumed) quantity that is not a probability (growth, FTE per head)."""

    value: float
    source: str = ""
    basis: str = ""

    def __post_init__(self) -> None:
        if not self.source and not self.basis.startswith("assumption:"):
            raise ValueError(f"a default needs a source id or an 'assumption:' basis: {self}")

    @property
    def provenance(self) -> str:
        return "; ".join(part for part in (self.source, self.basis) if part)


_SOCIAL_CARE_GROWTH = PublishedFigure(
    -0.0075, source="S08, S09 (figures.md 2.2): 84,134 people (2022) to 82,875 (2024)"
)
# Stock growth a year by sector: joiners replace the leavers and grow (or shrink) the stock.
SECTOR_GROWTH: dict[str, PublishedFigure] = {
    "nhs": PublishedFigure(0.027, source="S01 (figures.md 2.1): NHS Wales FTE +2.7% in a year"),
    "local_authority": _SOCIAL_CARE_GROWTH,
    "independent": _SOCIAL_CARE_GROWTH,
    "third_sector": _SOCIAL_CARE_GROWTH,
    "volunteer_involving": PublishedFigure(0.0, basis="assumption: volunteer numbers stable"),
}
NO_GROWTH = PublishedFigure(0.0, basis="assumption: a stock of unknown sector holds steady")

# Staff groups whose joiner rate is published directly.
JOINER_RATE: dict[str, PublishedRate] = {
    "social_work": _figure(
        0.064, source="S11 (figures.md 2.2): 382 joined the register in a year, 5,965 on it"
    ),
}

_SOCIAL_CARE_FTE = PublishedFigure(
    0.75,
    source="S09 (figures.md 2.2): 50% work 36 hours a week or more",
    basis="assumption: the other half work about half time",
)
FTE_PER_HEAD: dict[str, PublishedFigure] = {
    "nhs": PublishedFigure(
        0.866, source="S02 (figures.md 2.1): 97,061 FTE for 112,105 headcount (1 / 1.155)"
    ),
    "local_authority": _SOCIAL_CARE_FTE,
    "independent": _SOCIAL_CARE_FTE,
    "third_sector": _SOCIAL_CARE_FTE,
    "volunteer_involving": _SOCIAL_CARE_FTE,
}
FTE_PER_HEAD_UNKNOWN_SECTOR = PublishedFigure(
    0.8, basis="assumption: between the NHS (0.866, S02) and social care (0.75)"
)

PROGRESSION_RATE = PublishedFigure(
    0.0, basis="assumption: no published figure; no move between roles where history has none"
)


def band_ages(age_band: str) -> range:
    """The single years of age of a band; the open band 65+ is read as 65-74 (`OLDEST_AGE`)."""
    for name, low, high in AGE_BANDS:
        if name == age_band:
            return range(low, min(high, OLDEST_AGE) + 1)
    raise ValueError(f"unknown age band {age_band!r}")


def hazard_at(age: int) -> PublishedRate:
    """The published retirement hazard at a single year of age (0.5% below the first band)."""
    for low, high, rate in RETIREMENT_HAZARD:
        if low <= age <= high:
            return rate
    return RETIREMENT_HAZARD[0][2]


def band_hazard(age_band: str) -> PublishedRate:
    """The hazard averaged over the band's single years of age ("unknown": 2% a year, S20)."""
    if age_band == UNKNOWN_AGE:
        return RETIREMENT_UNKNOWN_AGE
    rates = [hazard_at(a) for a in band_ages(age_band)]
    n = len(rates)
    return PublishedRate(
        sum(r.central for r in rates) / n,
        sum(r.low for r in rates) / n,
        sum(r.high for r in rates) / n,
        basis=_HAZARD_BASIS,
    )


def non_retirement_rate(staff_group: str, role_id: str | None = None) -> PublishedRate:
    """The role's published rate if it has one, else its staff group's, else all staff's."""
    if role_id is not None and role_id in ROLE_NON_RETIREMENT_LEAVER_RATE:
        return ROLE_NON_RETIREMENT_LEAVER_RATE[role_id]
    return NON_RETIREMENT_LEAVER_RATE.get(staff_group, ALL_STAFF_NON_RETIREMENT)


def _combined(parts: list[PublishedRate | PublishedFigure]) -> tuple[str, str]:
    sources = "; ".join(dict.fromkeys(p.source for p in parts if p.source))
    bases = "; ".join(dict.fromkeys(p.basis for p in parts if p.basis))
    if bases and not bases.startswith("assumption:"):
        bases = "assumption: " + bases
    return sources, bases


def default_leaver_rate(
    staff_group: str, age_band: str, role_id: str | None = None
) -> PublishedRate:
    """Leaving for any reason: the non-retirement rate plus the band's retirement hazard, capped."""
    other, retire = non_retirement_rate(staff_group, role_id), band_hazard(age_band)
    cap = MAX_LEAVING_PROBABILITY
    source, basis = _combined([other, retire])
    return PublishedRate(
        min(cap, other.central + retire.central),
        min(cap, other.low + retire.low),
        min(cap, other.high + retire.high),
        source,
        basis,
    )


def default_joiner_rate(staff_group: str, sector: str) -> PublishedRate:
    """Joiners over the stock: the published rate, else leavers (all ages) plus sector growth."""
    if staff_group in JOINER_RATE:
        return JOINER_RATE[staff_group]
    other, retire = non_retirement_rate(staff_group), RETIREMENT_UNKNOWN_AGE
    growth = SECTOR_GROWTH.get(sector, NO_GROWTH)
    source, basis = _combined([other, retire, growth])
    basis = "; ".join(p for p in (basis, "derived: joiners replace leavers, plus growth") if p)
    return PublishedRate(
        max(0.0, other.central + retire.central + growth.value),
        max(0.0, other.low + retire.low + growth.value),
        max(0.0, other.high + retire.high + growth.value),
        source,
        basis,
    )


def default_fte_per_head(sector: str) -> PublishedFigure:
    return FTE_PER_HEAD.get(sector, FTE_PER_HEAD_UNKNOWN_SECTOR)


def published_defaults() -> pl.DataFrame:
    """Every default in this module, one row each: kind, key, central, low, high, source, basis."""
    rows: list[tuple[str, str, float, float, float, str, str]] = []

    def rate(kind: str, key: str, r: PublishedRate) -> None:
        rows.append((kind, key, r.central, r.low, r.high, r.source, r.basis))

    def figure(kind: str, key: str, f: PublishedFigure) -> None:
        rows.append((kind, key, f.value, f.value, f.value, f.source, f.basis))

    for group, r in NON_RETIREMENT_LEAVER_RATE.items():
        rate("non_retirement_leaver_rate", group, r)
    rate("non_retirement_leaver_rate", "all staff", ALL_STAFF_NON_RETIREMENT)
    for role, r in ROLE_NON_RETIREMENT_LEAVER_RATE.items():
        rate("non_retirement_leaver_rate", f"role {role}", r)
    rate("leaver_rate", "all staff", ALL_STAFF_LEAVER_RATE)
    for low, high, r in RETIREMENT_HAZARD:
        rate("retirement_hazard", f"ages {low}-{high}", r)
    rate("retirement_hazard", "age unknown", RETIREMENT_UNKNOWN_AGE)
    for group, r in JOINER_RATE.items():
        rate("joiner_rate", group, r)
    for sector, f in SECTOR_GROWTH.items():
        figure("stock_growth", sector, f)
    figure("stock_growth", "sector unknown", NO_GROWTH)
    for sector, f in FTE_PER_HEAD.items():
        figure("fte_per_head", sector, f)
    figure("fte_per_head", "sector unknown", FTE_PER_HEAD_UNKNOWN_SECTOR)
    figure("progression_rate", "any move", PROGRESSION_RATE)
    cap = PublishedFigure(MAX_LEAVING_PROBABILITY, basis=_CAP_BASIS)
    figure("max_leaving_probability", "any cell", cap)
    schema = ["kind", "key", "central", "low", "high", "source", "basis"]
    return pl.DataFrame(rows, schema=schema, orient="row")

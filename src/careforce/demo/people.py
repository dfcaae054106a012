"""The people behind the posts: equality fields and personal identifiers.

Each person takes the equality profile of their first post (its role, sector, paid or not), and
every share in the profile is hit exactly within it. International recruits are mostly from minority
ethnic groups; the rest of the profile's minority share falls on the others.

Identifiers are fake but well formed. NI numbers use the administrative prefixes TN, NT, ZZ, BG,
GB, NK and KN, which are never issued to anyone; registration numbers follow each regulator's shape
with a marker that real ones do not carry (an X in an NMC PIN, a leading 0 for the GMC).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from careforce.demo.calibration import Calibration, first_match
from careforce.demo.sampling import exact_categorical, exact_mask, exact_mask_within
from careforce.demo.sections import EqualityProfile

NI_PREFIXES = ("TN", "NT", "ZZ", "BG", "GB", "NK", "KN")
NI_SUFFIXES = "ABCD"
SEXES = ("female", "male", "other", "not_stated")
DISABILITY = ("yes", "no", "prefer_not_to_say")
# Illustrative nationalities of international recruits, by ethnic group.
_RECRUIT_NATIONALITY = {
    "Asian or Asian British - Indian": "Indian",
    "Asian or Asian British - Pakistani": "Pakistani",
    "Asian or Asian British - Any other Asian background": "Filipino",
    "Black or Black British - African": "Nigerian",
    "Black or Black British - Caribbean": "Jamaican",
    "Mixed or multiple ethnic groups": "Zimbabwean",
    "Other ethnic group": "Nepalese",
}
_WHITE_OTHER = "White - Any other White background"
_EU_NATIONALITIES = ("Polish", "Romanian", "Portuguese")


def _draw(
    rng: np.random.Generator, cal: Calibration, profile: EqualityProfile, n: int
) -> dict[str, np.ndarray]:
    eq = cal.equality
    female = profile.female_share.value
    other, not_stated = eq.sex_other_share.value, eq.sex_not_stated_share.value
    sex = np.asarray(SEXES)[
        exact_categorical(rng, n, [female, 1 - female - other - not_stated, other, not_stated])
    ]
    recruit = exact_mask(rng, n, profile.international_recruit_share.value)
    share_recruits = profile.international_recruit_share.value
    recruit_minority = eq.international_minority_ethnic_share.value
    rest_minority = (profile.minority_ethnic_share.value - share_recruits * recruit_minority) / max(
        1 - share_recruits, 1e-9
    )
    minority = np.zeros(n, dtype=bool)
    minority |= exact_mask_within(rng, recruit, recruit_minority)
    minority |= exact_mask_within(rng, ~recruit, float(np.clip(rest_minority, 0, 1)))
    minority_groups = eq.minority_ethnic_groups.value
    white_groups = eq.white_ethnic_groups.value
    ethnicity = np.empty(n, dtype=object)
    ethnicity[minority] = np.asarray(list(minority_groups), dtype=object)[
        exact_categorical(rng, int(minority.sum()), list(minority_groups.values()))
    ]
    ethnicity[~minority] = np.asarray(list(white_groups), dtype=object)[
        exact_categorical(rng, int((~minority).sum()), list(white_groups.values()))
    ]
    ethnicity[recruit & ~minority] = _WHITE_OTHER
    nationality = np.full(n, "British", dtype=object)
    white_other = ethnicity == _WHITE_OTHER
    nationality[white_other] = rng.choice(_EU_NATIONALITIES, size=int(white_other.sum()))
    nationality[recruit & minority] = (
        pl.Series(ethnicity[recruit & minority], dtype=pl.Utf8)
        .replace_strict(_RECRUIT_NATIONALITY, default="Other")
        .to_numpy()
    )
    levels = eq.welsh_levels.value
    welsh = np.zeros(n, dtype=np.int64)
    # International recruits have no Welsh; the profile's share falls on everyone else.
    speakers = profile.welsh_some_ability_share.value / max(1 - share_recruits, 1e-9)
    speaks = exact_mask_within(rng, ~recruit, min(speakers, 1.0))
    welsh[speaks] = np.asarray(list(levels))[
        exact_categorical(rng, int(speaks.sum()), list(levels.values()))
    ]
    declared = profile.disability_share.value
    unsaid = eq.disability_prefer_not_to_say_share.value
    disability = np.asarray(DISABILITY)[
        exact_categorical(rng, n, [declared, 1 - declared - unsaid, unsaid])
    ]
    return {
        "sex": sex,
        "ethnicity": ethnicity,
        "disability": disability,
        "welsh_language_level": welsh,
        "nationality": nationality,
        "international_recruit": recruit,
    }


def ni_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct NI-number-shaped identifiers that can never be real (unissued prefixes)."""
    per_prefix = 1_000_000 * len(NI_SUFFIXES)
    drawn = rng.choice(per_prefix * len(NI_PREFIXES), size=n, replace=False)
    prefix = np.asarray(NI_PREFIXES)[drawn // per_prefix]
    digits = (drawn % per_prefix) // len(NI_SUFFIXES)
    suffix = np.asarray(list(NI_SUFFIXES))[drawn % len(NI_SUFFIXES)]
    return np.char.add(np.char.add(prefix, np.char.zfill(digits.astype(str), 6)), suffix)


def people_table(rng: np.random.Generator, cal: Calibration, posts: pl.DataFrame) -> pl.DataFrame:
    """One row per person: date of birth, equality fields, NI number and a registration serial."""
    first = posts.filter(pl.col("primary")).select("person", "dob", "role", "sector", "paid")
    if first["person"].n_unique() != len(first) or len(first) != posts["person"].n_unique():
        raise AssertionError("every person needs exactly one first post")
    key = pl.concat_str("role", "sector", pl.col("paid").cast(pl.Utf8), separator="|")
    profile_of = {
        f"{r}|{s}|{str(p).lower()}": cal.equality.profiles.index(
            first_match(cal.equality.profiles, r, s, p)
        )
        for r, s, p in first.select("role", "sector", "paid").unique().iter_rows()
    }
    group = first.select(key.replace_strict(profile_of)).to_series().to_numpy()
    columns: dict[str, np.ndarray] = {}
    for i, profile in enumerate(cal.equality.profiles):
        idx = np.flatnonzero(group == i)
        for name, values in _draw(rng, cal, profile, len(idx)).items():
            if name not in columns:
                columns[name] = np.empty(
                    len(first), dtype=object if values.dtype.kind in "UO" else values.dtype
                )
            columns[name][idx] = values
    return first.select("person", "dob").with_columns(
        *(pl.Series(name, values) for name, values in columns.items()),
        ni_number=pl.Series(ni_numbers(rng, len(first))),
        registration_serial=pl.Series(
            rng.choice(900_000, size=len(first), replace=False) + 100_000
        ),
    )

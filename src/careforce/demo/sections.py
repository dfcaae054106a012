"""The sections of the calibration file, one model each; `calibration.Calibration` holds them all.

Unknown keys are refused; checks that need more than one figure (shares that must reproduce a
published total) live on the section that holds them, so the error names that section's path.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from careforce.demo.figures import (
    AgeBands,
    Figure,
    Fraction,
    RoleId,
    RoleShares,
    Selector,
    Shares,
    Strict,
    ends_with_catch_all,
    grades,
    hazard_bands,
    keys_in,
    known_roles,
    role_settings,
    sums_to_one,
)
from careforce.framework.catalogue import role_catalogue
from careforce.ingest.formats import (
    APPROVALS,
    CARE_SETTINGS,
    ESR,
    LEAVING_REASONS,
    NHS_SETTINGS,
    SECTORS,
    SOCIAL_CARE,
    TRAINING,
    VOLUNTEER,
    SourceFormat,
)


class Named(Strict):
    code: str
    name: str


class Area(Strict):
    code: str
    name: str
    kind: str
    council: Named
    population: Figure[Annotated[int, Field(gt=0)]]
    share_0_15: Figure[Fraction]
    share_65_plus: Figure[Fraction]
    share_85_plus: Figure[Fraction]
    unpaid_carer_share: Figure[Fraction]

    @model_validator(mode="after")
    def _consistent(self) -> Area:
        if self.share_85_plus.value >= self.share_65_plus.value:
            raise ValueError("share_85_plus must be below share_65_plus")
        if self.share_0_15.value + self.share_65_plus.value >= 1:
            raise ValueError("share_0_15 and share_65_plus leave nobody aged 16-64")
        return self


class Region(Strict):
    nation: Named
    health_board: Named
    census_date: Figure[dt.date]
    base_year: Figure[int]
    projection_years: Figure[Annotated[int, Field(ge=1, le=50)]]
    history_years: Figure[Annotated[int, Field(ge=1, le=10)]]
    hours_per_fte: Figure[Annotated[float, Field(gt=0, le=80)]]
    areas: tuple[Area, ...] = Field(min_length=1)


class PopulationGrowth(Strict):
    age_0_15: Figure[float]
    age_16_64: Figure[float]
    age_65_plus: Figure[float]
    age_85_plus: Figure[float]


class PopulationShape(Strict):
    ratio_per_year_65_84: Figure[Annotated[float, Field(gt=0, le=1)]]
    ratio_per_year_85_100: Figure[Annotated[float, Field(gt=0, le=1)]]
    growth_per_year: PopulationGrowth


class VolunteerOrganisation(Strict):
    code: str
    name: str
    area: str
    volunteers: Figure[Annotated[int, Field(ge=0)]]
    paid_staff: Figure[Annotated[int, Field(ge=0)]]


class Organisations(Strict):
    independent_providers: Figure[Annotated[dict[str, int], keys_in(CARE_SETTINGS, "setting")]]
    third_sector_providers: Figure[Annotated[dict[str, int], keys_in(CARE_SETTINGS, "setting")]]
    provider_size_spread: Figure[Annotated[float, Field(ge=0)]]
    non_submitting: Figure[Annotated[int, Field(ge=0)]]
    volunteer_involving: tuple[VolunteerOrganisation, ...]


class NhsOrganisation(Strict):
    code: str
    name: str
    area: str


class NhsStaffGroup(Strict):
    fte_per_1000: Figure[Annotated[float, Field(ge=0)]]
    fixed_fte_per_100k: Annotated[dict[str, Figure[float]], AfterValidator(known_roles)] = Field(
        default_factory=dict
    )
    registered_share: Figure[Fraction] | None = None
    roles: Figure[RoleShares]
    settings: Figure[Annotated[Shares, keys_in(NHS_SETTINGS, "NHS setting")]]
    vacancy_rate: Figure[Annotated[float, Field(ge=0, lt=1)]]

    @model_validator(mode="after")
    def _registered_share(self) -> NhsStaffGroup:
        if self.registered_share is not None:
            catalogue = role_catalogue()
            registered = sum(s for r, s in self.roles.value.items() if catalogue[r].registered)
            if abs(registered - self.registered_share.value) > 0.005:
                raise ValueError(
                    f"registered roles hold {registered:.3f} of the group's FTE, "
                    f"but registered_share is {self.registered_share.value}"
                )
        return self


class Nhs(Strict):
    organisation: NhsOrganisation
    headcount_per_fte: Figure[Annotated[float, Field(ge=1.0, le=3.0)]]
    growth_per_year: Figure[float]
    part_time_fte: Figure[tuple[Annotated[float, Field(gt=0, lt=1)], ...]]
    fixed_term_share: Figure[Fraction]
    fixed_term_roles: tuple[RoleId, ...]
    hospital_site_areas: Figure[Shares]
    staff_groups: dict[str, NhsStaffGroup]
    overall_vacancy_rate: Figure[Fraction]
    role_settings: Figure[Annotated[dict[str, dict[str, float]], AfterValidator(role_settings)]]
    medical_grades: Figure[Annotated[dict[str, dict[str, float]], AfterValidator(grades)]]
    afc_band_weights: Figure[tuple[float, ...]]


class CareSetting(Strict):
    share: Figure[Fraction]
    sectors: Figure[
        Annotated[Shares, keys_in(("local_authority", "independent", "third_sector"), "sector")]
    ]
    zero_hours_share: Figure[Fraction]
    fixed_per_1000: Annotated[dict[str, Figure[float]], AfterValidator(known_roles)] = Field(
        default_factory=dict
    )
    roles: Figure[RoleShares]


class SocialCare(Strict):
    headcount_per_1000: Figure[Annotated[float, Field(gt=0)]]
    local_authority_share: Figure[Fraction]
    care_worker_share: Figure[Fraction]
    care_worker_roles: tuple[RoleId, ...]
    growth_per_year: Figure[float]
    zero_hours_share: Figure[Fraction]
    full_time_share: Figure[Fraction]
    bank_share: Figure[Fraction]
    agency_share: Figure[Fraction]
    fixed_term_share: Figure[Fraction]
    settings: Annotated[dict[str, CareSetting], keys_in(CARE_SETTINGS, "care setting")]
    area_weighting: Figure[dict[str, Literal["older", "population"]]]
    hourly_rates: Figure[Annotated[dict[str, float], AfterValidator(known_roles)]]
    hourly_spread: Figure[Annotated[float, Field(ge=0)]]
    hourly_floor: Figure[Annotated[float, Field(ge=0)]]

    def fixed_fraction(self, setting: CareSetting) -> float:
        """The share of the whole workforce that the setting's fixed per-1,000 roles take."""
        return sum(f.value for f in setting.fixed_per_1000.values()) / self.headcount_per_1000.value

    @model_validator(mode="after")
    def _implied_totals(self) -> SocialCare:
        sums_to_one({k: s.share.value for k, s in self.settings.items()})
        missing = sorted(set(self.settings) - set(self.area_weighting.value))
        if missing:
            raise ValueError(f"area_weighting: no weighting for {', '.join(missing)}")
        checks = {
            "local_authority_share": (
                sum(
                    s.share.value * s.sectors.value.get("local_authority", 0.0)
                    for s in self.settings.values()
                ),
                self.local_authority_share.value,
                0.02,
            ),
            "zero_hours_share": (
                sum(s.share.value * s.zero_hours_share.value for s in self.settings.values()),
                self.zero_hours_share.value,
                0.02,
            ),
            "care_worker_share": (
                sum(
                    (s.share.value - self.fixed_fraction(s))
                    * sum(s.roles.value.get(r, 0.0) for r in self.care_worker_roles)
                    for s in self.settings.values()
                ),
                self.care_worker_share.value,
                0.03,
            ),
        }
        for name, (implied, stated, tolerance) in checks.items():
            if abs(implied - stated) > tolerance:
                raise ValueError(f"the settings imply a {name} of {implied:.3f}, not {stated}")
        return self


class Amhp(Strict):
    headcount_per_100k: Figure[Annotated[float, Field(ge=0)]]
    fte_per_headcount: Figure[Fraction]
    sole_share: Figure[Fraction]
    combined_share: Figure[Fraction]
    nhs_employed_share: Figure[Fraction]
    sole_fte: Figure[Annotated[float, Field(gt=0, le=1.5)]]
    vacancy_rate: Figure[Annotated[float, Field(ge=0, lt=1)]]
    lapsed_share: Figure[Fraction]

    @model_validator(mode="after")
    def _shares(self) -> Amhp:
        if self.sole_share.value + self.combined_share.value > 1:
            raise ValueError("sole_share and combined_share add up to more than 1")
        if self.nhs_employed_share.value > self.sole_share.value:
            raise ValueError(
                "NHS-employed AMHPs work solely as AMHPs, so they cannot outnumber sole AMHPs"
            )
        return self


class Section12(Strict):
    resident_specialty_mental_health_share: Figure[Fraction]
    gp_share: Figure[Fraction]
    lapsed_share: Figure[Fraction]


class MentalHealth(Strict):
    amhp: Amhp
    section_12: Section12
    approval_years: Figure[Annotated[int, Field(ge=1, le=10)]]
    approving_body_section_12: str


class Volunteering(Strict):
    third_sector_paid_per_1000: Figure[Annotated[float, Field(ge=0)]]
    third_sector_paid_roles: Figure[RoleShares]
    volunteers_per_paid: Figure[Annotated[float, Field(ge=0)]]
    peer_volunteer_share: Figure[Fraction]
    hours_per_week: Figure[Annotated[dict[int, float], AfterValidator(sums_to_one)]]
    growth_per_year: Figure[float]


class RetireAndReturn(Strict):
    roles: tuple[RoleId, ...]
    share: Figure[Fraction]
    within_days: Figure[Annotated[int, Field(ge=1)]]


class Flows(Strict):
    retirement_hazard: Figure[Annotated[dict[str, float], AfterValidator(hazard_bands)]]
    max_leaving_probability: Figure[Annotated[float, Field(gt=0, lt=1)]]
    retire_and_return: RetireAndReturn
    movers_linked_share: Figure[Fraction]
    mover_roles: tuple[RoleId, ...]


class AgeProfile(Selector):
    bands: Figure[Annotated[AgeBands, AfterValidator(sums_to_one)]]


_NON_RETIREMENT = tuple(r for r in LEAVING_REASONS if r != "retirement")


class LeaverClass(Selector):
    rate: Figure[Annotated[float, Field(ge=0, lt=1)]]
    reasons: Figure[Annotated[Shares, keys_in(_NON_RETIREMENT, "leaving reason")]]


class EqualityProfile(Selector):
    female_share: Figure[Fraction]
    minority_ethnic_share: Figure[Fraction]
    international_recruit_share: Figure[Fraction]
    welsh_some_ability_share: Figure[Fraction]
    disability_share: Figure[Fraction]


class Equality(Strict):
    profiles: Annotated[tuple[EqualityProfile, ...], AfterValidator(ends_with_catch_all)]
    international_minority_ethnic_share: Figure[Fraction]
    sex_not_stated_share: Figure[Fraction]
    sex_other_share: Figure[Fraction]
    disability_prefer_not_to_say_share: Figure[Fraction]
    welsh_levels: Figure[Annotated[dict[int, float], AfterValidator(sums_to_one)]]
    minority_ethnic_groups: Figure[Shares]
    white_ethnic_groups: Figure[Shares]


def _gap_fields(fmt: SourceFormat) -> Any:
    optional = tuple(c.field for c in fmt.columns if not c.required)
    return keys_in(optional, f"optional {fmt.kind} field")


GapRates = dict[str, Fraction]


class DataGaps(Strict):
    esr: Figure[Annotated[GapRates, _gap_fields(ESR)]]
    local_authority: Figure[Annotated[GapRates, _gap_fields(SOCIAL_CARE)]]
    independent: Figure[Annotated[GapRates, _gap_fields(SOCIAL_CARE)]]
    third_sector: Figure[Annotated[GapRates, _gap_fields(SOCIAL_CARE)]]
    volunteer_paid: Figure[Annotated[GapRates, _gap_fields(VOLUNTEER)]]
    volunteer_unpaid: Figure[Annotated[GapRates, _gap_fields(VOLUNTEER)]]
    training: Figure[Annotated[GapRates, _gap_fields(TRAINING)]]
    approvals: Figure[Annotated[GapRates, _gap_fields(APPROVALS)]]


CareSettingName = Literal[
    "residential", "domiciliary", "day_services", "social_work_team", "community_support"
]


class NursesOnCareBank(Strict):
    share: Figure[Fraction]
    care_role: RoleId
    setting: CareSettingName
    note: str = ""


class CareWorkersSecondProvider(Strict):
    share: Figure[Fraction]
    roles: tuple[RoleId, ...]


class DualPosts(Strict):
    started_within_days: Figure[Annotated[int, Field(ge=31)]]
    nurses_on_care_bank: NursesOnCareBank
    care_workers_second_provider: CareWorkersSecondProvider


class Vacancies(Strict):
    social_care_rate: Figure[Annotated[float, Field(ge=0, lt=1)]]
    fte_sizes: Figure[tuple[Annotated[float, Field(gt=0, le=1.5)], ...]]
    longest_open_days: Figure[Annotated[int, Field(ge=1)]]


class Training(Strict):
    mh_literacy_coverage: Figure[Annotated[dict[str, Fraction], keys_in(SECTORS, "sector")]]
    competencies_per_person: Figure[Annotated[int, Field(ge=0)]]
    delegated_task_share: Figure[Fraction]
    validity_years: Figure[Annotated[int, Field(ge=1)]]
    delegated_validity_years: Figure[Annotated[int, Field(ge=1)]]
    expired_share: Figure[Fraction]
    unsigned_share: Figure[Fraction]
    signed_off_by: Figure[Annotated[dict[str, RoleId], keys_in(SECTORS, "sector")]]
    delegated_signed_off_by: Figure[RoleId]

"""The workforce data model: organisations, places, roles, people, posts and their records.

Everything is frozen and checked on construction, so a value that exists is a valid one. Headcount
and FTE are never mixed: a Post carries FTE, a Person is counted once for headcount.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from careforce.domain.errors import UserError

MAX_FTE = 1.5  # a post above 1.5 FTE is a data error, not a long week


class Sector(StrEnum):
    """Who employs or involves the person: the sectors of integrated care."""

    NHS = "nhs"
    LOCAL_AUTHORITY = "local_authority"
    INDEPENDENT = "independent"
    THIRD_SECTOR = "third_sector"
    VOLUNTEER_INVOLVING = "volunteer_involving"


class LocalityLevel(StrEnum):
    NATION = "nation"
    REGION = "region"
    LOCAL_AUTHORITY_AREA = "local_authority_area"


class ContractType(StrEnum):
    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    ZERO_HOURS = "zero_hours"
    BANK = "bank"
    AGENCY = "agency"
    VOLUNTEER = "volunteer"


class Setting(StrEnum):
    """Where the work is done; social care settings follow the Social Care Wales collections."""

    HOSPITAL = "hospital"
    COMMUNITY = "community"
    PRIMARY_CARE = "primary_care"
    MENTAL_HEALTH = "mental_health"
    AMBULANCE = "ambulance"
    CORPORATE = "corporate"
    RESIDENTIAL = "residential"
    DOMICILIARY = "domiciliary"
    DAY_SERVICES = "day_services"
    SOCIAL_WORK_TEAM = "social_work_team"
    COMMUNITY_SUPPORT = "community_support"


class StaffGroup(StrEnum):
    """Reporting groups: NHS staff groups as published (figures.md 2.1) plus social care groups."""

    MEDICAL_DENTAL = "medical_dental"
    REGISTERED_NURSING_MIDWIFERY = "registered_nursing_midwifery"
    NURSING_SUPPORT = "nursing_support"
    SCIENTIFIC_THERAPEUTIC_TECHNICAL = "scientific_therapeutic_technical"
    AMBULANCE = "ambulance"
    ADMIN_ESTATES = "admin_estates"
    SOCIAL_CARE_DIRECT = "social_care_direct"
    SOCIAL_CARE_MANAGEMENT = "social_care_management"
    SOCIAL_WORK = "social_work"
    THIRD_SECTOR_COMMUNITY = "third_sector_community"
    VOLUNTEERS = "volunteers"
    UNPAID_CARERS = "unpaid_carers"


class StatutoryApprovalKind(StrEnum):
    AMHP = "amhp"
    SECTION_12 = "section_12"


AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("16-24", 16, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, 120),
)


@dataclass(frozen=True, slots=True)
class AgeBand:
    label: str
    low: int
    high: int

    @staticmethod
    def parse(label: str) -> AgeBand:
        for name, low, high in AGE_BANDS:
            if name == label.strip():
                return AgeBand(name, low, high)
        names = ", ".join(n for n, _, _ in AGE_BANDS)
        raise UserError(f"unknown age band {label!r}; use one of {names}")

    @staticmethod
    def of_age(age: int) -> AgeBand:
        for name, low, high in AGE_BANDS:
            if low <= age <= high:
                return AgeBand(name, low, high)
        raise UserError(f"age {age} is outside working ages 16-120")


_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")


def _check_code(kind: str, value: str) -> None:
    if not _CODE.match(value):
        raise UserError(
            f"{kind} code {value!r} must be 1-64 letters, digits or _ . - / and start with a letter "
            "or digit"
        )


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not (low <= value <= high):
        raise UserError(f"{name} {value} is outside {low}-{high}")


@dataclass(frozen=True, slots=True)
class Locality:
    """A place in the hierarchy nation > region > local authority area."""

    code: str
    name: str
    level: LocalityLevel
    parent_code: str | None = None

    def __post_init__(self) -> None:
        _check_code("locality", self.code)
        if self.level is LocalityLevel.NATION and self.parent_code is not None:
            raise UserError(f"nation {self.code!r} cannot have a parent locality")
        if self.level is not LocalityLevel.NATION and self.parent_code is None:
            raise UserError(f"{self.level.value} {self.code!r} needs a parent locality")


@dataclass(frozen=True, slots=True)
class Organisation:
    code: str
    name: str
    sector: Sector
    locality_code: str

    def __post_init__(self) -> None:
        _check_code("organisation", self.code)
        if not self.name.strip():
            raise UserError(f"organisation {self.code!r} needs a name")


@dataclass(frozen=True, slots=True)
class Role:
    """A framework role: what a post is, in the planners' catalogue (not an employer's job title)."""

    id: str
    title: str
    staff_group: StaffGroup
    career_framework_level: int | None  # None only for unpaid carers, who are not on the framework
    regulator: str | None = None
    pay_scale: str | None = None
    pay_band: str | None = None
    hourly_rate_gbp: float | None = None
    can_receive_delegation: bool = False
    approvals: tuple[str, ...] = ()
    default_competencies: tuple[str, ...] = ()
    basis: str = "assumption"

    def __post_init__(self) -> None:
        _check_code("role", self.id)
        if self.career_framework_level is not None:
            _check_range(
                f"role {self.id!r} Career Framework level", self.career_framework_level, 1, 9
            )

    @property
    def registered(self) -> bool:
        return self.regulator is not None


@dataclass(frozen=True, slots=True)
class Person:
    """A member of staff, known only by a pseudonymous key (never a raw identifier)."""

    person_key: str
    year_of_birth: int | None = None
    age_band: str | None = None
    sex: str | None = None
    ethnicity: str | None = None
    disability: str | None = None
    welsh_language_level: int | None = None
    nationality: str | None = None
    international_recruit: bool | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9a-f]{64}", self.person_key):
            raise UserError("a person key must be a 64-character HMAC-SHA256 hex digest")
        if self.year_of_birth is not None:
            _check_range("year of birth", self.year_of_birth, 1900, dt.date.today().year - 14)
        if self.age_band is not None:
            AgeBand.parse(self.age_band)
        if self.welsh_language_level is not None:
            _check_range("Welsh language level", self.welsh_language_level, 0, 5)


@dataclass(frozen=True, slots=True)
class Post:
    """One job a person holds in one organisation; FTE sums over posts, headcount does not."""

    post_ref: str
    person_key: str
    organisation_code: str
    locality_code: str
    role_id: str
    setting: Setting
    contract_type: ContractType
    start_date: dt.date
    contracted_hours_per_week: float
    fte: float
    pay_band: str | None = None
    hourly_rate_gbp: float | None = None
    end_date: dt.date | None = None
    leaving_reason: str | None = None
    source_role_code: str | None = None

    def __post_init__(self) -> None:
        _check_range(f"post {self.post_ref!r} FTE", self.fte, 0.0, MAX_FTE)
        _check_range(
            f"post {self.post_ref!r} contracted hours", self.contracted_hours_per_week, 0, 80
        )
        if self.end_date is not None and self.end_date < self.start_date:
            raise UserError(f"post {self.post_ref!r} ends before it starts")
        if self.leaving_reason and self.end_date is None:
            raise UserError(f"post {self.post_ref!r} has a leaving reason but no end date")

    def in_post_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@dataclass(frozen=True, slots=True)
class Vacancy:
    organisation_code: str
    role_id: str
    locality_code: str
    fte: float
    since: dt.date

    def __post_init__(self) -> None:
        if self.fte <= 0:
            raise UserError(f"a vacancy needs a positive FTE, not {self.fte}")


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    """A competency or course achieved; counts only while unexpired and signed off."""

    person_key: str
    competency: str
    achieved_on: dt.date
    expires_on: dt.date | None = None
    signed_off_by_role: str | None = None

    def __post_init__(self) -> None:
        if self.expires_on is not None and self.expires_on < self.achieved_on:
            raise UserError(
                f"training record for {self.competency!r} expires before it was achieved"
            )

    def valid_on(self, day: dt.date) -> bool:
        unexpired = self.expires_on is None or self.expires_on >= day
        return self.achieved_on <= day and unexpired and self.signed_off_by_role is not None


@dataclass(frozen=True, slots=True)
class StatutoryApproval:
    """AMHP or section 12 approval: a stock that lapses at re-approval (five-yearly)."""

    person_key: str
    kind: StatutoryApprovalKind
    approved_on: dt.date
    expires_on: dt.date
    approving_body: str | None = None

    def __post_init__(self) -> None:
        if self.expires_on <= self.approved_on:
            raise UserError(f"{self.kind.value} approval expires on or before its approval date")


@dataclass(frozen=True, slots=True)
class Volunteer:
    """An unpaid volunteer: counted in hours a week, never as FTE of paid staff."""

    person_key: str
    organisation_code: str
    locality_code: str
    role_id: str
    hours_per_week: float
    start_date: dt.date
    end_date: dt.date | None = None

    def __post_init__(self) -> None:
        _check_range("volunteer hours a week", self.hours_per_week, 0, 80)

"""The documented source formats: one column specification per kind of file a user imports.

Column headers (or field names) are matched without regard to case, spaces, underscores or
hyphens. `field` is the name the value takes after import (the store column, or an identifier that
is pseudonymised and dropped). `docs/formats.md` is generated from these specifications
(`careforce.ingest.docs.formats_markdown`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ValueType(StrEnum):
    TEXT = "text"
    CODE = "code"  # a short identifier: letters, digits, _ . - /
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"  # ISO 8601 (2024-03-31) or day/month/year (31/03/2024); Excel dates too
    YES_NO = "yes_no"  # Y/N, yes/no, true/false, 1/0
    CHOICE = "choice"  # one of `choices`
    IDENTIFIER = "identifier"  # a staff identifier: pseudonymised at import, never stored


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str
    type: ValueType
    required: bool
    description: str
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    max_length: int | None = None  # longest text accepted (the store column's width)
    may_be_future: bool = False  # a date that may fall after the extract date (an end or expiry)


@dataclass(frozen=True, slots=True)
class SourceFormat:
    kind: str
    title: str
    description: str
    columns: tuple[Column, ...]
    role_scheme: str | None = None  # which role mapping scheme the role codes use
    key_columns: tuple[str, ...] = ()  # fields that identify a row: a repeat is a duplicate

    def column(self, field: str) -> Column:
        for c in self.columns:
            if c.field == field:
                return c
        raise KeyError(field)


T, C, I, N, D, YN, CH, ID = (
    ValueType.TEXT,
    ValueType.CODE,
    ValueType.INTEGER,
    ValueType.NUMBER,
    ValueType.DATE,
    ValueType.YES_NO,
    ValueType.CHOICE,
    ValueType.IDENTIFIER,
)

SECTORS = ("nhs", "local_authority", "independent", "third_sector", "volunteer_involving")
LEVELS = ("nation", "region", "local_authority_area")
CONTRACT_TYPES = ("permanent", "fixed_term", "zero_hours", "bank", "agency")
SEXES = ("female", "male", "other", "not_stated")
DISABILITY = ("yes", "no", "prefer_not_to_say")
NHS_SETTINGS = ("hospital", "community", "primary_care", "mental_health", "ambulance", "corporate")
CARE_SETTINGS = (
    "residential",
    "domiciliary",
    "day_services",
    "social_work_team",
    "community_support",
)
LEAVING_REASONS = (
    "retirement",
    "resignation_other_employer_same_sector",
    "resignation_left_sector",
    "end_of_fixed_term",
    "dismissal",
    "death",
    "other",
)
APPROVAL_KINDS = ("amhp", "section_12")
AGE_BAND_CHOICES = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")

_EQUALITY = (
    Column("Sex", "sex", CH, False, "Sex as recorded", SEXES),
    Column(
        "Ethnicity",
        "ethnicity",
        T,
        False,
        "Ethnic group as recorded (free text or code)",
        max_length=64,
    ),
    Column("Disability", "disability", CH, False, "Declared disability", DISABILITY),
    Column(
        "Welsh Language Level",
        "welsh_language_level",
        I,
        False,
        "Welsh language skills, 0 (none) to 5 (proficient)",
        low=0,
        high=5,
    ),
    Column("Nationality", "nationality", T, False, "Nationality as recorded", max_length=64),
    Column(
        "International Recruit",
        "international_recruit",
        YN,
        False,
        "Recruited from outside the UK",
    ),
)

_POST_TAIL = (
    Column("Contract Type", "contract_type", CH, True, "Kind of contract", CONTRACT_TYPES),
    Column(
        "Contracted Hours",
        "contracted_hours_per_week",
        N,
        True,
        "Contracted hours a week (0 for zero-hours and bank)",
        low=0,
        high=80,
    ),
    Column("Start Date", "start_date", D, True, "Date the post started"),
    Column(
        "End Date",
        "end_date",
        D,
        False,
        "Date the post ended or will end (blank if in post)",
        may_be_future=True,
    ),
    Column("Leaving Reason", "leaving_reason", CH, False, "Why the post ended", LEAVING_REASONS),
)

LOCALITIES = SourceFormat(
    kind="localities",
    title="Localities",
    description="The place hierarchy: nation, region (health board or partnership), local authority "
    "area. A parent is given in the same file (in any row) or imported before.",
    columns=(
        Column("Code", "code", C, True, "Locality code"),
        Column("Name", "name", T, True, "Locality name"),
        Column("Level", "level", CH, True, "Level in the hierarchy", LEVELS),
        Column(
            "Parent Code",
            "parent_code",
            C,
            False,
            "Code of the locality above (blank for a nation)",
        ),
    ),
    key_columns=("code",),
)

ORGANISATIONS = SourceFormat(
    kind="organisations",
    title="Organisations",
    description="Employers and volunteer-involving organisations expected to submit data; the list "
    "against which data coverage is measured.",
    columns=(
        Column("Code", "code", C, True, "Organisation code"),
        Column("Name", "name", T, True, "Organisation name"),
        Column("Sector", "sector", CH, True, "Sector", SECTORS),
        Column("Locality Code", "locality_code", C, True, "Local authority area of its main base"),
    ),
    key_columns=("code",),
)

ROLE_MAPPING = SourceFormat(
    kind="role_mapping",
    title="Role code mapping",
    description="Extends the mapping from source role codes to framework roles. A row for a code "
    "that is already mapped replaces the mapping.",
    columns=(
        Column(
            "Scheme",
            "scheme",
            CH,
            True,
            "Which source format uses the code",
            ("esr", "social_care", "volunteer"),
        ),
        Column(
            "Source Code",
            "source_code",
            C,
            True,
            "Role or occupation code as it appears in the source",
        ),
        Column("Role", "role_id", C, True, "Framework role id"),
        Column("Note", "note", T, False, "Why this mapping"),
    ),
    key_columns=("scheme", "source_code"),
)

ESR = SourceFormat(
    kind="esr",
    title="NHS electronic staff record (ESR) style extract",
    description="One row per assignment (post) of NHS staff, current and ended in the period.",
    role_scheme="esr",
    columns=(
        Column("Organisation Code", "organisation_code", C, True, "Employing NHS organisation"),
        Column(
            "Assignment Number",
            "post_ref",
            C,
            True,
            "Assignment (post) number, unique in the organisation",
        ),
        Column(
            "Employee Number", "staff_number", ID, True, "Employer staff number (pseudonymised)"
        ),
        Column(
            "NI Number",
            "ni_number",
            ID,
            False,
            "National insurance number (pseudonymised); links people across employers",
        ),
        Column(
            "Registration Number",
            "registration_number",
            ID,
            False,
            "Professional registration (pseudonymised)",
        ),
        Column(
            "Date of Birth", "date_of_birth", D, False, "Reduced to the year of birth at import"
        ),
        *_EQUALITY,
        Column(
            "Occupation Code",
            "source_role_code",
            C,
            True,
            "Occupation code, mapped to a framework role",
        ),
        Column(
            "Area Code", "locality_code", C, True, "Local authority area where the post is based"
        ),
        Column("Setting", "setting", CH, True, "Where the post works", NHS_SETTINGS),
        Column(
            "Pay Band",
            "pay_band",
            C,
            False,
            "Agenda for Change band (2-9, 8a-8d) or a medical grade",
            max_length=16,
        ),
        Column("FTE", "fte", N, True, "Whole-time equivalent of the assignment", low=0, high=1.5),
        *_POST_TAIL,
    ),
    key_columns=("organisation_code", "post_ref"),
)

SOCIAL_CARE = SourceFormat(
    kind="social_care",
    title="Social care provider workforce return",
    description="One row per post held by a worker of a social care provider (council, independent "
    "or third sector), as in the annual workforce data collection.",
    role_scheme="social_care",
    columns=(
        Column("Provider Code", "organisation_code", C, True, "Provider (organisation) code"),
        Column("Post ID", "post_ref", C, True, "Post identifier, unique in the provider"),
        Column(
            "Worker ID", "staff_number", ID, True, "Provider's worker identifier (pseudonymised)"
        ),
        Column(
            "NI Number",
            "ni_number",
            ID,
            False,
            "National insurance number (pseudonymised); links people across employers",
        ),
        Column(
            "Registration Number",
            "registration_number",
            ID,
            False,
            "Social Care Wales registration (pseudonymised)",
        ),
        Column("Year of Birth", "year_of_birth", I, False, "Year of birth", low=1900, high=2015),
        *_EQUALITY,
        Column(
            "Job Role", "source_role_code", C, True, "Job role category, mapped to a framework role"
        ),
        Column(
            "Local Authority",
            "locality_code",
            C,
            True,
            "Local authority area where the post is based",
        ),
        Column("Service Setting", "setting", CH, True, "Service the post works in", CARE_SETTINGS),
        Column(
            "Hourly Rate",
            "hourly_rate_gbp",
            N,
            False,
            "Basic hourly pay in pounds",
            low=0,
            high=200,
        ),
        Column(
            "FTE",
            "fte",
            N,
            False,
            "Whole-time equivalent; worked out from hours / 37.5 if blank",
            low=0,
            high=1.5,
        ),
        *_POST_TAIL,
    ),
    key_columns=("organisation_code", "post_ref"),
)

VOLUNTEER = SourceFormat(
    kind="volunteer",
    title="Third-sector and volunteer return",
    description="One row per paid post or volunteer placement in a third-sector or "
    "volunteer-involving organisation. Volunteers give hours a week and no FTE.",
    role_scheme="volunteer",
    columns=(
        Column("Organisation Code", "organisation_code", C, True, "Organisation code"),
        Column(
            "Placement ID",
            "post_ref",
            C,
            True,
            "Post or placement identifier, unique in the organisation",
        ),
        Column(
            "Person ID",
            "staff_number",
            ID,
            True,
            "Organisation's person identifier (pseudonymised)",
        ),
        Column("NI Number", "ni_number", ID, False, "National insurance number (pseudonymised)"),
        Column("Age Band", "age_band", CH, False, "Age band", AGE_BAND_CHOICES),
        *_EQUALITY,
        Column("Role", "source_role_code", C, True, "Role code, mapped to a framework role"),
        Column("Local Authority", "locality_code", C, True, "Local authority area"),
        Column("Paid", "paid", YN, True, "Y for a paid post, N for a volunteer"),
        Column(
            "Hours per Week",
            "hours_per_week",
            N,
            True,
            "Hours a week (contracted or volunteered)",
            low=0,
            high=80,
        ),
        Column("FTE", "fte", N, False, "Whole-time equivalent of a paid post", low=0, high=1.5),
        Column(
            "Contract Type",
            "contract_type",
            CH,
            False,
            "Kind of contract of a paid post",
            CONTRACT_TYPES,
        ),
        Column("Start Date", "start_date", D, True, "Date the post or placement started"),
        Column(
            "End Date",
            "end_date",
            D,
            False,
            "Date it ended or will end (blank if current)",
            may_be_future=True,
        ),
        Column("Leaving Reason", "leaving_reason", CH, False, "Why it ended", LEAVING_REASONS),
    ),
    key_columns=("organisation_code", "post_ref"),
)

VACANCIES = SourceFormat(
    kind="vacancies",
    title="Vacancies",
    description="Funded posts being recruited to, one row per vacancy.",
    role_scheme="esr",
    columns=(
        Column("Organisation Code", "organisation_code", C, True, "Organisation code"),
        Column(
            "Vacancy ID", "vacancy_ref", C, True, "Vacancy identifier, unique in the organisation"
        ),
        Column(
            "Role",
            "source_role_code",
            C,
            True,
            "Role code (framework role id or an ESR occupation code)",
        ),
        Column("Locality Code", "locality_code", C, True, "Local authority area"),
        Column("FTE", "fte", N, True, "FTE of the vacancy", low=0.01, high=1.5),
        Column("Vacant Since", "since", D, True, "Date the post became vacant"),
    ),
    key_columns=("organisation_code", "vacancy_ref"),
)

_PERSON_ID = (
    Column("Organisation Code", "organisation_code", C, True, "Employer that holds the record"),
    Column("Staff Number", "staff_number", ID, True, "Employer staff number (pseudonymised)"),
    Column("NI Number", "ni_number", ID, False, "National insurance number (pseudonymised)"),
)

TRAINING = SourceFormat(
    kind="training",
    title="Training and competence records",
    description="Competencies and courses achieved. A record counts only while unexpired and signed off.",
    columns=(
        *_PERSON_ID,
        Column("Competency", "competency", C, True, "Competency, task or course code"),
        Column("Date Achieved", "achieved_on", D, True, "Date achieved"),
        Column(
            "Expiry Date",
            "expires_on",
            D,
            False,
            "Date it expires (blank if it does not)",
            may_be_future=True,
        ),
        Column(
            "Signed Off By Role",
            "signed_off_by_role",
            C,
            False,
            "Framework role of the assessor who signed it off",
        ),
    ),
    key_columns=("organisation_code", "staff_number", "competency", "achieved_on"),
)

APPROVALS = SourceFormat(
    kind="approvals",
    title="Statutory approvals (AMHP, section 12)",
    description="Approvals to act as an approved mental health professional or a section 12 doctor; "
    "re-approval is five-yearly.",
    columns=(
        *_PERSON_ID,
        Column("Approval", "kind", CH, True, "Kind of approval", APPROVAL_KINDS),
        Column("Approved On", "approved_on", D, True, "Date of (re-)approval"),
        Column("Expires On", "expires_on", D, True, "Date the approval lapses", may_be_future=True),
        Column("Approving Body", "approving_body", T, False, "Who approved"),
    ),
    key_columns=("organisation_code", "staff_number", "kind", "approved_on"),
)

FORMATS: dict[str, SourceFormat] = {
    f.kind: f
    for f in (
        LOCALITIES,
        ORGANISATIONS,
        ROLE_MAPPING,
        ESR,
        SOCIAL_CARE,
        VOLUNTEER,
        VACANCIES,
        TRAINING,
        APPROVALS,
    )
}

STAFF_KINDS = ("esr", "social_care", "volunteer")
REFERENCE_KINDS = ("localities", "organisations", "role_mapping")
PERSON_RECORD_KINDS = ("training", "approvals")  # rows about people already imported

"""Words for codes: staff groups, sectors and age bands as a planning board reads them."""

from __future__ import annotations

STAFF_GROUP_LABELS: dict[str, str] = {
    "medical_dental": "Medical and dental",
    "registered_nursing_midwifery": "Registered nursing and midwifery",
    "nursing_support": "Nursing and healthcare support",
    "scientific_therapeutic_technical": "Scientific, therapeutic and technical",
    "ambulance": "Ambulance",
    "admin_estates": "Administration and estates",
    "social_care_direct": "Social care: direct care",
    "social_care_management": "Social care: management",
    "social_work": "Social work",
    "third_sector_community": "Third sector and community",
    "volunteers": "Volunteers",
    "unpaid_carers": "Unpaid carers",
    "unassigned": "Not assigned",
}

SECTOR_LABELS: dict[str, str] = {
    "nhs": "NHS",
    "local_authority": "Local authority",
    "independent": "Independent",
    "third_sector": "Third sector",
    "volunteer_involving": "Volunteer-involving",
    "unassigned": "Not assigned",
}


def _fallback(code: str) -> str:
    return code.replace("_", " ").capitalize()


def staff_group_label(code: str) -> str:
    return STAFF_GROUP_LABELS.get(code, _fallback(code))


def sector_label(code: str) -> str:
    return SECTOR_LABELS.get(code, _fallback(code))


def age_band_label(band: str) -> str:
    return "Not known" if band == "unknown" else band.replace("-", "–")


def year_label(year: str) -> str:
    """A year of history, kept on one line: '2024-25' with a non-breaking hyphen."""
    return year.replace("-", "\u2011")


def column_label(name: str) -> str:
    """A column name of a generic table made readable: 'rows_failed' -> 'Rows failed'."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else name

"""Small source files for tests, written in the documented formats (headers from formats.py)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from careforce.ingest.formats import FORMATS

LOCALITY_ROWS = [
    {"code": "W", "name": "Nation", "level": "nation", "parent_code": ""},
    {"code": "HB", "name": "Health board", "level": "region", "parent_code": "W"},
    {"code": "LA1", "name": "Urban", "level": "local_authority_area", "parent_code": "HB"},
    {"code": "LA2", "name": "Valleys", "level": "local_authority_area", "parent_code": "HB"},
]
ORGANISATION_ROWS = [
    {"code": "NHS1", "name": "Health board", "sector": "nhs", "locality_code": "LA1"},
    {"code": "CARE1", "name": "Care provider", "sector": "independent", "locality_code": "LA2"},
    {
        "code": "SILENT",
        "name": "Provider that sends nothing",
        "sector": "independent",
        "locality_code": "LA2",
    },
]


def esr_row(**values: str) -> dict[str, str]:
    row = {
        "organisation_code": "NHS1",
        "post_ref": "A1",
        "staff_number": "E100",
        "ni_number": "TN000001A",
        "registration_number": "",
        "date_of_birth": "1975-06-01",
        "sex": "female",
        "ethnicity": "White",
        "disability": "no",
        "welsh_language_level": "2",
        "nationality": "British",
        "international_recruit": "N",
        "source_role_code": "rn_adult",
        "locality_code": "LA1",
        "setting": "hospital",
        "pay_band": "5",
        "fte": "1.0",
        "contract_type": "permanent",
        "contracted_hours_per_week": "37.5",
        "start_date": "2015-09-01",
        "end_date": "",
        "leaving_reason": "",
    }
    row.update(values)
    return row


def social_care_row(**values: str) -> dict[str, str]:
    row = {
        "organisation_code": "CARE1",
        "post_ref": "S1",
        "staff_number": "W77",
        "ni_number": "TN000001A",
        "registration_number": "",
        "year_of_birth": "1975",
        "sex": "",
        "ethnicity": "",
        "disability": "",
        "welsh_language_level": "",
        "nationality": "",
        "international_recruit": "",
        "source_role_code": "sc_care_worker_dom",
        "locality_code": "LA2",
        "setting": "domiciliary",
        "hourly_rate_gbp": "12.60",
        "fte": "",
        "contract_type": "zero_hours",
        "contracted_hours_per_week": "0",
        "start_date": "2022-01-10",
        "end_date": "",
        "leaving_reason": "",
    }
    row.update(values)
    return row


def write_source(path: Path, kind: str, rows: Iterable[Mapping[str, str]]) -> Path:
    """Write rows keyed by field name under the format's headers."""
    columns = FORMATS[kind].columns
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in columns])
        for row in rows:
            writer.writerow([row.get(c.field, "") for c in columns])
    return path


def write_reference_files(folder: Path) -> tuple[Path, Path]:
    return (
        write_source(folder / "localities.csv", "localities", LOCALITY_ROWS),
        write_source(folder / "organisations.csv", "organisations", ORGANISATION_ROWS),
    )

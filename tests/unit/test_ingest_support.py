"""Helpers shared by the ingest unit tests: a context, valid example rows, file writers.

The tests at the bottom check the helpers themselves: each example row imports cleanly.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pytest

from careforce.domain import Problem, ValidationFailed
from careforce.framework.mapping import default_role_mapping
from careforce.ingest import FORMATS, ImportBatch, ImportContext, read_source

SECRET = b"test-secret-0123456789abcdef"
EXTRACT_DATE = dt.date(2025, 3, 31)
LOCALITIES = {
    "W92": "nation",
    "R1": "region",
    "W06000001": "local_authority_area",
    "W06000002": "local_authority_area",
}
ORGANISATIONS = {
    "ORG1": "nhs",
    "ORG2": "nhs",
    "CARE1": "independent",
    "LA1": "local_authority",
    "VOL1": "third_sector",
}


def make_context(
    known: Mapping[str, str] | None = None,
    *,
    secret: bytes = SECRET,
    max_problems_listed: int = 200,
    role_mapping: Mapping[tuple[str, str], str] | None = None,
) -> ImportContext:
    """A context over fixed reference data; `known` fakes the database's identifier keys."""
    table = dict(known or {})
    return ImportContext(
        secret=secret,
        role_mapping=dict(role_mapping if role_mapping is not None else default_role_mapping()),
        localities=LOCALITIES,
        organisations=ORGANISATIONS,
        resolve_identifiers=lambda keys: {k: table[k] for k in keys if k in table},
        max_problems_listed=max_problems_listed,
        extract_date=EXTRACT_DATE,
    )


ESR_ROW = {
    "Organisation Code": "ORG1",
    "Assignment Number": "A001",
    "Employee Number": "E001",
    "NI Number": "AB123456C",
    "Registration Number": "12A3456E",
    "Date of Birth": "1980-05-17",
    "Sex": "female",
    "Ethnicity": "White Welsh",
    "Disability": "no",
    "Welsh Language Level": "3",
    "Nationality": "British",
    "International Recruit": "N",
    "Occupation Code": "OC005",
    "Area Code": "W06000001",
    "Setting": "hospital",
    "Pay Band": "5",
    "FTE": "1",
    "Contract Type": "permanent",
    "Contracted Hours": "37.5",
    "Start Date": "2019-09-01",
    "End Date": "",
    "Leaving Reason": "",
}

SOCIAL_CARE_ROW = {
    "Provider Code": "CARE1",
    "Post ID": "P001",
    "Worker ID": "W001",
    "NI Number": "CD654321A",
    "Registration Number": "",
    "Year of Birth": "1990",
    "Sex": "male",
    "Ethnicity": "",
    "Disability": "",
    "Welsh Language Level": "",
    "Nationality": "",
    "International Recruit": "",
    "Job Role": "JR002",
    "Local Authority": "W06000002",
    "Service Setting": "domiciliary",
    "Hourly Rate": "12.60",
    "FTE": "",
    "Contract Type": "zero_hours",
    "Contracted Hours": "30",
    "Start Date": "01/06/2022",
    "End Date": "",
    "Leaving Reason": "",
}

VOLUNTEER_ROW = {
    "Organisation Code": "VOL1",
    "Placement ID": "V001",
    "Person ID": "X001",
    "NI Number": "",
    "Age Band": "65+",
    "Sex": "",
    "Ethnicity": "",
    "Disability": "",
    "Welsh Language Level": "",
    "Nationality": "",
    "International Recruit": "",
    "Role": "VR003",
    "Local Authority": "W06000001",
    "Paid": "N",
    "Hours per Week": "4",
    "FTE": "",
    "Contract Type": "",
    "Start Date": "2023-01-10",
    "End Date": "",
    "Leaving Reason": "",
}

VACANCY_ROW = {
    "Organisation Code": "ORG1",
    "Vacancy ID": "VAC1",
    "Role": "rn_adult",
    "Locality Code": "W06000001",
    "FTE": "1",
    "Vacant Since": "2025-01-06",
}

TRAINING_ROW = {
    "Organisation Code": "ORG1",
    "Staff Number": "E001",
    "NI Number": "",
    "Competency": "venepuncture",
    "Date Achieved": "2024-02-01",
    "Expiry Date": "2027-02-01",
    "Signed Off By Role": "rn_adult",
}

APPROVAL_ROW = {
    "Organisation Code": "LA1",
    "Staff Number": "S77",
    "NI Number": "",
    "Approval": "AMHP",
    "Approved On": "2022-04-01",
    "Expires On": "2027-03-31",
    "Approving Body": "Cardiff Council",
}

LOCALITY_ROWS = [
    {"Code": "W92X", "Name": "Wales", "Level": "nation", "Parent Code": ""},
    {"Code": "W06000099", "Name": "Newport", "Level": "local_authority_area", "Parent Code": "R9"},
    {"Code": "R9", "Name": "Gwent", "Level": "region", "Parent Code": "W92X"},
]

ORGANISATION_ROW = {
    "Code": "ORG9",
    "Name": "Example Health Board",
    "Sector": "NHS",
    "Locality Code": "W06000001",
}

ROLE_MAPPING_ROW = {"Scheme": "esr", "Source Code": "oc900", "Role": "rn_adult", "Note": ""}

EXAMPLES: dict[str, list[dict[str, str]]] = {
    "esr": [ESR_ROW],
    "social_care": [SOCIAL_CARE_ROW],
    "volunteer": [VOLUNTEER_ROW],
    "vacancies": [VACANCY_ROW],
    "localities": LOCALITY_ROWS,
    "organisations": [ORGANISATION_ROW],
    "role_mapping": [ROLE_MAPPING_ROW],
}


def row(base: Mapping[str, str], **changes: str) -> dict[str, str]:
    """A copy of `base` with changes given by header (spaces as underscores: Start_Date=...)."""
    out = dict(base)
    for key, value in changes.items():
        header = key.replace("_", " ")
        assert header in out, f"no column {header!r}"
        out[header] = value
    return out


def write_csv(
    path: Path,
    rows: Sequence[Mapping[str, str]],
    *,
    headers: Sequence[str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    headers = list(headers if headers is not None else rows[0].keys())
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        for r in rows:
            writer.writerow([r.get(h, "") for h in headers])
    return path


def import_rows(
    tmp_path: Path,
    kind: str,
    rows: Sequence[Mapping[str, str]],
    context: ImportContext | None = None,
    name: str | None = None,
) -> ImportBatch:
    path = write_csv(tmp_path / (name or f"{kind}.csv"), rows)
    return read_source(kind, path, context or make_context())


def problems(
    tmp_path: Path,
    kind: str,
    rows: Sequence[Mapping[str, str]],
    context: ImportContext | None = None,
) -> list[Problem]:
    with pytest.raises(ValidationFailed) as failed:
        import_rows(tmp_path, kind, rows, context)
    return failed.value.problems


def reasons(found: Iterable[Problem]) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.reason) for p in found]


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_each_example_row_imports_cleanly(tmp_path: Path, kind: str) -> None:
    batch = import_rows(tmp_path, kind, EXAMPLES[kind])
    assert batch.kind == kind
    assert batch.rows == len(EXAMPLES[kind])


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_example_rows_use_every_documented_header(kind: str) -> None:
    headers = {c.header for c in FORMATS[kind].columns}
    assert set(EXAMPLES[kind][0]) == headers

"""The report section "Training and statutory roles": small numbers hidden, nobody identifiable."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from html.parser import HTMLParser
from typing import Any

import polars as pl
import pytest

from careforce.report import render_workforce_report
from careforce.results import Provenance, summarise_workforce
from careforce.results.compliance import ComplianceReport, assess_compliance
from careforce.results.statutory import StatutoryRolesReport, statutory_roles
from careforce.results.training_targets import load_training_targets
from careforce.results.workforce import WorkforceSummary

CENSUS = dt.date(2025, 3, 31)
SECTOR = {"NHS1": "nhs", "LA1": "local_authority", "IND1": "independent"}
# (organisation, role, setting, people, of whom trained): three paramedics make small cells.
STAFF = [
    ("NHS1", "rn_adult", "hospital", 30, 24),
    ("NHS1", "paramedic", "ambulance", 3, 1),
    ("NHS1", "rn_mental_health", "mental_health", 12, 9),
    ("LA1", "social_worker", "social_work_team", 14, 10),
    ("IND1", "sc_care_worker_res", "residential", 40, 22),
]
LOCALITIES = pl.DataFrame(
    {
        "code": ["R", "LA-A", "LA-B"],
        "name": ["Test Region", "Aberwen", "Bryn"],
        "level": ["region", "local_authority_area", "local_authority_area"],
        "parent_code": ["W", "R", "R"],
    }
)
PROVENANCE = Provenance(
    code_version="0.1.0+test",
    generated_at=dt.datetime(2025, 4, 2, 9, 30, tzinfo=dt.UTC),
    seed=1,
    census_date=CENSUS,
    inputs=(),
    database="sqlite:///careforce.db",
)


def person(role: str, i: int) -> str:
    return hashlib.sha256(f"{role}-{i}".encode()).hexdigest()


def _frames() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    posts: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    for org, role, setting, people, trained in STAFF:
        for i in range(people):
            key = person(role, i)
            posts.append(
                {
                    "organisation_code": org,
                    "organisation_name": f"{org} name",
                    "post_ref": f"{org}-{role}-{i}",
                    "person_key": key,
                    "locality_code": "LA-A" if i % 3 else "LA-B",
                    "role_id": role,
                    "setting": setting,
                    "fte": 1.0,
                    "start_date": dt.date(2018, 1, 1),
                    "end_date": None,
                    "year_of_birth": 1970 + i,
                    "age_band": None,
                    "leaving_reason": None,
                    "sector": SECTOR[org],
                }
            )
            if i < trained:
                for code in ("MH01", "MH02", "MH16"):
                    records.append(
                        {
                            "person_key": key,
                            "competency": code,
                            "achieved_on": dt.date(2024, 1, 1),
                            "expires_on": dt.date(2027, 1, 1),
                            "signed_off_by_role": "clinical_nurse_specialist",
                        }
                    )
    # Three AMHPs among the social workers (one with an AMHP post); twelve section 12 doctors
    # without posts here, two of whom lapsed in the last year and two expiring in each year.
    approvals = [
        {
            "person_key": person("social_worker", i),
            "kind": "amhp",
            "approved_on": dt.date(2021 + i, 6, 1),
            "expires_on": dt.date(2026 + i, 5, 31),
        }
        for i in range(3)
    ] + [
        {
            "person_key": person("doctor", i),
            "kind": "section_12",
            "approved_on": dt.date(2019 + i % 6, 9, 1),
            "expires_on": dt.date(2024 + i % 6, 8, 31),
        }
        for i in range(12)
    ]
    posts.append({**posts[-1], "post_ref": "AMHP-1", "role_id": "amhp", "fte": 0.4})
    posts[-1].update(person_key=person("social_worker", 0), organisation_code="LA1")
    return (
        pl.DataFrame(
            posts,
            schema_overrides={
                "end_date": pl.Date,
                "leaving_reason": pl.String,
                "age_band": pl.String,
            },
        ),
        pl.DataFrame(records),
        pl.DataFrame(approvals),
    )


@pytest.fixture(scope="module")
def reports() -> tuple[WorkforceSummary, ComplianceReport, StatutoryRolesReport]:
    posts, records, approvals = _frames()
    organisations = pl.DataFrame(
        {"code": list(SECTOR), "name": list(SECTOR), "sector": list(SECTOR.values())}
    ).with_columns(pl.lit("LA-A").alias("locality_code"))
    empty_vacancies = pl.DataFrame(
        schema={
            "organisation_code": pl.String,
            "role_id": pl.String,
            "fte": pl.Float64,
            "since": pl.Date,
        }
    )
    empty_volunteers = pl.DataFrame(
        schema={
            "person_key": pl.String,
            "locality_code": pl.String,
            "hours_per_week": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
        }
    )
    summary = summarise_workforce(
        posts, empty_vacancies, empty_volunteers, LOCALITIES, organisations, census_date=CENSUS
    )
    compliance = assess_compliance(
        posts, records, load_training_targets(), census_date=CENSUS, localities=LOCALITIES
    )
    statutory = statutory_roles(approvals, posts, census_date=CENSUS, localities=LOCALITIES)
    return summary, compliance, statutory


@pytest.fixture(scope="module")
def html(reports: tuple[WorkforceSummary, ComplianceReport, StatutoryRolesReport]) -> str:
    summary, compliance, statutory = reports
    return render_workforce_report(
        summary, None, PROVENANCE, training=compliance, statutory=statutory
    )


class _Cells(HTMLParser):
    """Rows of cell texts of one table, by id."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows = table_id, False, []
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self._text is not None:
            self.rows[-1].append("".join(self._text).strip())
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def cells(html: str, table_id: str) -> dict[str, list[str]]:
    parser = _Cells(table_id)
    parser.feed(html)
    assert parser.rows, f"no table {table_id}"
    return {r[0]: r[1:] for r in parser.rows if r}


def test_the_section_and_its_contents_entry_appear_when_given(html: str) -> None:
    assert '<section id="training"' in html and 'href="#training"' in html
    for table_id in (
        "compliance-overview",
        "compliance-staff-group",
        "compliance-area",
        "statutory-expiries",
        "amhp-fte",
        "holders-by-role-section-12",
        "statutory-area",
        "statutory-sector",
        "training-targets",
    ):
        assert f'id="{table_id}"' in html


def test_the_section_is_left_out_when_not_given(
    reports: tuple[WorkforceSummary, ComplianceReport, StatutoryRolesReport],
) -> None:
    html = render_workforce_report(reports[0], None, PROVENANCE)
    assert 'id="training"' not in html and "Statutory roles" not in html


def test_no_person_key_appears_anywhere(html: str) -> None:
    posts, _, approvals = _frames()
    keys = set(posts["person_key"]) | set(approvals["person_key"])
    assert not any(key in html for key in keys)
    assert not re.search(r"[0-9a-f]{64}", html)


def test_small_counts_of_approvals_show_as_stars(html: str) -> None:
    expiries = cells(html, "statutory-expiries")
    amhp = expiries["AMHPs"]
    assert amhp[0] == "*"  # three current AMHPs
    assert set(amhp[1:6]) <= {"*", "0"}
    s12 = expiries["Section 12(2) doctors"]
    assert s12[0] == "10"  # two of twelve lapsed before the census date
    assert s12[1:6] == ["*"] * 5  # two expire each year
    assert s12[6] == "*"  # two lapsed in the last year


def test_compliance_rates_are_hidden_with_the_small_counts_they_rest_on(html: str) -> None:
    by_group = cells(html, "compliance-staff-group")
    ambulance = by_group["Ambulance"]
    assert ambulance[:2] == ["*", "*"]  # three paramedics, one trained
    nurses = by_group["Registered nursing and midwifery"]
    assert nurses[0] == "42" and nurses[1] == "78.6%"  # 33 of 42 trained
    overview = cells(html, "compliance-overview")
    assert overview["Level 1 (informed)"][0] == "99"


def test_without_suppression_every_number_is_exact(
    reports: tuple[WorkforceSummary, ComplianceReport, StatutoryRolesReport],
) -> None:
    summary, compliance, statutory = reports
    html = render_workforce_report(
        summary, None, PROVENANCE, suppress=False, training=compliance, statutory=statutory
    )
    expiries = cells(html, "statutory-expiries")
    assert expiries["AMHPs"][0] == "3"
    assert cells(html, "compliance-staff-group")["Ambulance"][:2] == ["3", "33.3%"]

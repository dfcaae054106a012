"""Browser fixtures: Debian's Chromium driven by Playwright, and a rendered workforce report.

Playwright's own browser download is never used: the tests launch /usr/bin/chromium. Without it
the browser tests skip with the reason, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
CENSUS = dt.date(2025, 3, 31)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """A headless Chromium (playwright.sync_api.Browser), one per test process."""
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true: the browser tests need it", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


# --- a small fictional region ------------------------------------------------------------------

ORGANISATIONS = [
    ("NHS1", "Bro Cwm University Health Board", "nhs", "LA1"),
    ("LA1", "Aberwen Council", "local_authority", "LA1"),
    ("LA2", "Cwm Du Council", "local_authority", "LA2"),
    ("IND1", "Ty Hafan Care", "independent", "LA1"),
    ("IND2", "Coastal Care", "independent", "LA2"),
    ("TS1", "Cwm Community Link", "third_sector", "LA2"),
]
ROLES = {
    "nhs": ["rn_adult", "hcsw", "physiotherapist", "doctor_foundation", "admin_clerical"],
    "local_authority": ["social_worker", "sc_care_worker_dom"],
    "independent": ["sc_care_worker_res", "sc_senior_care_worker", "sc_registered_manager"],
    "third_sector": ["link_worker"],
}


def synthetic_region(seed: int = 7, people: int = 900) -> dict[str, pl.DataFrame]:
    """Frames shaped as the store returns them, for a region of about `people` staff."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for i in range(people):
        person = hashlib.sha256(f"person-{i}".encode()).hexdigest()
        born = int(rng.integers(1957, 2005))
        for k in range(2 if rng.random() < 0.05 else 1):
            org, name, sector, place = ORGANISATIONS[int(rng.integers(len(ORGANISATIONS)))]
            start = dt.date(2012, 1, 1) + dt.timedelta(days=int(rng.integers(0, 4800)))
            end = start + dt.timedelta(days=int(rng.integers(60, 2500)))
            ended = rng.random() < 0.3 and end <= CENSUS
            fte = float(rng.choice([1.0, 0.8, 0.6, 0.4]))
            rows.append(
                {
                    "organisation_code": org,
                    "post_ref": f"{org}-{i}-{k}",
                    "person_key": person,
                    "locality_code": place,
                    "role_id": ROLES[sector][int(rng.integers(len(ROLES[sector])))],
                    "contracted_hours_per_week": 37.5 * fte,
                    "fte": fte,
                    "start_date": start,
                    "end_date": end if ended else None,
                    "leaving_reason": (
                        ("retirement" if 2025 - born > 58 else "resignation_left_sector")
                        if ended
                        else None
                    ),
                    "year_of_birth": born if rng.random() > 0.04 else None,
                    "age_band": None,
                    "sector": sector,
                    "organisation_name": name,
                }
            )
    posts = pl.DataFrame(
        rows,
        schema_overrides={
            "end_date": pl.Date,
            "leaving_reason": pl.String,
            "year_of_birth": pl.Int64,
            "age_band": pl.String,
        },
    )
    vacancies = pl.DataFrame(
        [
            {
                "organisation_code": org,
                "vacancy_ref": f"V{j}",
                "role_id": ROLES[sector][j % len(ROLES[sector])],
                "locality_code": place,
                "fte": 1.0,
                "since": dt.date(2024, 9, 1),
            }
            for j, (org, _, sector, place) in enumerate(ORGANISATIONS * 6)
        ]
    )
    volunteers = pl.DataFrame(
        {
            "organisation_code": ["TS1"] * 30,
            "volunteer_ref": [f"VOL{j}" for j in range(30)],
            "person_key": [hashlib.sha256(f"vol-{j}".encode()).hexdigest() for j in range(30)],
            "locality_code": ["LA1" if j % 3 else "LA2" for j in range(30)],
            "role_id": ["volunteer"] * 30,
            "hours_per_week": [float(2 + j % 6) for j in range(30)],
            "start_date": [dt.date(2023, 5, 1)] * 30,
            "end_date": [None] * 30,
        },
        schema_overrides={"end_date": pl.Date},
    )
    localities = pl.DataFrame(
        {
            "code": ["W", "R1", "LA1", "LA2"],
            "name": ["Wales", "Bro Cwm", "Aberwen", "Cwm Du"],
            "level": ["nation", "region", "local_authority_area", "local_authority_area"],
            "parent_code": [None, "W", "R1", "R1"],
        }
    )
    organisations = pl.DataFrame(
        ORGANISATIONS, schema=["code", "name", "sector", "locality_code"], orient="row"
    )
    return {
        "posts_with_people": posts,
        "vacancies": vacancies,
        "volunteers": volunteers,
        "localities": localities,
        "organisations": organisations,
    }


@pytest.fixture(scope="session")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workforce report of the fictional region, written to a temporary file."""
    from careforce.report import render_workforce_report
    from careforce.results import Provenance, summarise_workforce

    summary = summarise_workforce(**synthetic_region(), census_date=CENSUS)
    provenance = Provenance(
        code_version="0.1.0+e2e",
        generated_at=dt.datetime(2025, 4, 2, 9, 30, tzinfo=dt.UTC),
        seed=7,
        census_date=CENSUS,
        inputs=(("staff.csv", "c" * 64),),
        database="sqlite:///careforce.db",
    )
    quality = {
        "Soft check failures": pl.DataFrame({"check": ["FTE does not match hours"], "records": [4]})
    }
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_workforce_report(summary, quality, provenance), encoding="utf-8")
    return path

"""The HTML workforce report: self-contained, accessible, and small numbers hidden."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import polars as pl
import pytest

from careforce.report import render_workforce_report
from careforce.results import Provenance, summarise_workforce
from careforce.results.workforce import WorkforceSummary

CENSUS = dt.date(2025, 3, 31)
SECTOR = {"NHS1": "nhs", "LA1": "local_authority", "IND1": "independent"}
# (organisation, role, people): three paramedics make a small cell.
STAFF = [
    ("NHS1", "rn_adult", 30),
    ("NHS1", "paramedic", 3),
    ("NHS1", "hcsw", 12),
    ("LA1", "social_worker", 14),
    ("IND1", "sc_care_worker_res", 40),
]


def _posts() -> pl.DataFrame:
    rows: list[dict[str, Any]] = []
    n = 0
    for org, role, people in STAFF:
        for i in range(people):
            n += 1
            person = hashlib.sha256(f"{role}{i}".encode()).hexdigest()
            start = dt.date(2012 + n % 12, 1 + n % 12, 1)
            leaves = n % 7 == 0
            rows.append(
                {
                    "organisation_code": org,
                    "post_ref": f"P{n}",
                    "person_key": person,
                    "locality_code": "LA-A" if n % 3 else "LA-B",
                    "role_id": role,
                    "fte": 1.0 if n % 2 else 0.6,
                    "start_date": start,
                    "end_date": dt.date(2023 + n % 2, 6, 30) if leaves else None,
                    "leaving_reason": "retirement" if leaves and n % 2 else None,
                    "year_of_birth": 1958 + (n * 7) % 45,
                    "age_band": None,
                    "sector": SECTOR[org],
                }
            )
    return pl.DataFrame(
        rows,
        schema_overrides={"end_date": pl.Date, "leaving_reason": pl.String, "age_band": pl.String},
    )


def make_summary() -> WorkforceSummary:
    localities = pl.DataFrame(
        {
            "code": ["R", "LA-A", "LA-B"],
            "name": ["Test Region", "Aberwen", "Bryn"],
            "level": ["region", "local_authority_area", "local_authority_area"],
            "parent_code": ["W", "R", "R"],
        }
    )
    organisations = pl.DataFrame(
        {"code": list(SECTOR), "name": list(SECTOR), "sector": list(SECTOR.values())}
    ).with_columns(pl.lit("LA-A").alias("locality_code"))
    vacancies = pl.DataFrame(
        {
            "organisation_code": ["NHS1", "IND1"],
            "vacancy_ref": ["V1", "V2"],
            "role_id": ["rn_adult", "sc_care_worker_res"],
            "locality_code": ["LA-A", "LA-A"],
            "fte": [2.0, 3.0],
            "since": [dt.date(2025, 1, 1)] * 2,
        }
    )
    volunteers = pl.DataFrame(
        {
            "organisation_code": ["IND1"] * 8,
            "volunteer_ref": [f"V{i}" for i in range(8)],
            "person_key": [f"{i:064x}" for i in range(8)],
            "locality_code": ["LA-A"] * 6 + ["LA-B"] * 2,
            "role_id": ["volunteer"] * 8,
            "hours_per_week": [3.0] * 8,
            "start_date": [dt.date(2024, 1, 1)] * 8,
            "end_date": [None] * 8,
        },
        schema_overrides={"end_date": pl.Date},
    )
    return summarise_workforce(
        _posts(), vacancies, volunteers, localities, organisations, census_date=CENSUS
    )


PROVENANCE = Provenance(
    code_version="0.1.0+test",
    generated_at=dt.datetime(2025, 4, 2, 9, 30, tzinfo=dt.UTC),
    seed=1234,
    census_date=CENSUS,
    inputs=(("staff_extract.csv", "ab" * 32),),
    database="postgresql+psycopg://planner:topsecret@db.internal:5432/careforce",
    parameters={"history_years": 3},
)
QUALITY = {
    "Completeness of key fields": pl.DataFrame(
        {"field": ["year_of_birth"], "records": [99], "missing": [3]}
    )
}


@pytest.fixture(scope="module")
def summary() -> WorkforceSummary:
    return make_summary()


@pytest.fixture(scope="module")
def html(summary: WorkforceSummary) -> str:
    return render_workforce_report(summary, QUALITY, PROVENANCE)


@dataclass
class Table:
    id: str | None
    caption: str = ""
    rows: list[list[tuple[str, dict[str, str | None], str]]] = field(default_factory=list)


class ReportParser(HTMLParser):
    """Collects tables (caption, cells with their tag and attributes), resource links and ids."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.links: list[tuple[str, str, str]] = []
        self.ids: list[str] = []
        self.tags: list[str] = []
        self._cell: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "action", "data") and value:
                self.links.append((tag, name, value))
            if name == "id" and value:
                self.ids.append(value)
        if tag == "table":
            self.tables.append(Table(attributes.get("id")))
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th"):
            self._cell = (tag, attributes)
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1].rows[-1].append((*self._cell, "".join(self._text).strip()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self.tables[-1].caption += data
        if self._cell is not None:
            self._text.append(data)


def parse(document: str) -> ReportParser:
    parser = ReportParser()
    parser.feed(document)
    return parser


def table(parsed: ReportParser, table_id: str) -> Table:
    return next(t for t in parsed.tables if t.id == table_id)


def row(t: Table, label: str) -> list[str]:
    return next([c[2] for c in r] for r in t.rows if r and r[0][2] == label)


def test_the_report_is_one_html_document(html: str) -> None:
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert "<title>Workforce summary: Test Region (census 31 March 2025)</title>" in html


def test_nothing_is_loaded_from_elsewhere(html: str) -> None:
    parsed = parse(html)
    assert all(value.startswith("#") for _, _, value in parsed.links), parsed.links
    assert not re.search(r"""url\(\s*['"]?(?!#)""", html)
    assert "@import" not in html
    assert "http://" not in html and "https://" not in html
    assert not {"script", "link", "img", "iframe", "object"} & set(parsed.tags)


def test_every_table_has_a_caption_and_scoped_headings(html: str) -> None:
    parsed = parse(html)
    assert len(parsed.tables) >= 15
    for t in parsed.tables:
        assert t.caption.strip(), t.id
        for r in t.rows:
            for tag, attributes, _ in r:
                if tag == "th":
                    assert attributes.get("scope") in ("col", "row"), (t.id, r)


def test_ids_are_unique_so_charts_do_not_clash(html: str) -> None:
    ids = parse(html).ids
    assert len(ids) == len(set(ids))


def test_small_counts_and_their_fte_are_starred(html: str, summary: WorkforceSummary) -> None:
    by_group = table(parse(html), "by-staff-group")
    assert row(by_group, "Ambulance") == ["Ambulance", "*", "*"]
    # The next smallest group is hidden too, so the total cannot give the three away.
    starred = [r[0][2] for r in by_group.rows[1:-1] if r[1][2] == "*"]
    assert len(starred) == 2
    assert row(by_group, "Total")[1] == f"{summary.total_headcount:,}"
    assert 'class="num suppressed"' in html
    assert "1 value shown as * involves 1 to 4 people; 1 more is hidden" in html


def test_without_suppression_every_number_shows_and_a_warning_says_so(
    summary: WorkforceSummary,
) -> None:
    document = render_workforce_report(summary, None, PROVENANCE, suppress=False)
    by_group = table(parse(document), "by-staff-group")
    assert row(by_group, "Ambulance") == ["Ambulance", "3", "2.6"]
    assert "must not be published" in document
    assert 'class="num suppressed"' not in document


def test_headline_findings_come_first(html: str, summary: WorkforceSummary) -> None:
    main = html[html.index("<main>") :]
    assert main.index('id="headlines"') < main.index('id="workforce"') < main.index('id="age"')
    headline = main[: main.index('id="workforce"')]
    assert f'<p class="value">{summary.total_headcount:,}</p>' in headline
    assert "Vacancy rate" in headline and "Aged 55 and over" in headline


def test_charts_are_inline_svg_with_a_title_and_description(html: str) -> None:
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) >= 3
    for tag in svgs:
        assert 'role="img"' in tag and "aria-labelledby" in tag
    assert html.count("<title id=") == len(svgs)
    assert html.count("<desc id=") == len(svgs)


def test_rendering_is_deterministic(summary: WorkforceSummary, html: str) -> None:
    assert render_workforce_report(summary, QUALITY, PROVENANCE) == html


def test_quality_tables_are_rendered_as_given(html: str, summary: WorkforceSummary) -> None:
    quality = table(parse(html), "quality-1")
    assert quality.caption == "Completeness of key fields"
    assert [text for _, _, text in quality.rows[0]] == ["Field", "Records", "Missing"]
    assert row(quality, "year_of_birth") == ["year_of_birth", "99", "3"]
    empty = render_workforce_report(summary, None, PROVENANCE)
    assert "No data quality report was supplied" in empty
    with pytest.raises(TypeError, match="must be a polars DataFrame"):
        render_workforce_report(summary, {"Bad": "not a frame"}, PROVENANCE)


def test_provenance_names_inputs_and_hides_the_database_password(html: str) -> None:
    assert "topsecret" not in html
    assert "postgresql+psycopg://planner:***@db.internal:5432/careforce" in html
    inputs = table(parse(html), "inputs")
    assert row(inputs, "staff_extract.csv") == ["staff_extract.csv", "ab" * 32]
    assert "1234" in html and "0.1.0+test" in html


def test_a_print_stylesheet_breaks_pages_before_sections(html: str) -> None:
    assert "@media print" in html
    assert "break-before: page" in html
    assert "box-shadow: none" in html


EMPTY_VACANCIES = pl.DataFrame(
    schema={
        "organisation_code": pl.String,
        "vacancy_ref": pl.String,
        "role_id": pl.String,
        "locality_code": pl.String,
        "fte": pl.Float64,
        "since": pl.Date,
    }
)
EMPTY_VOLUNTEERS = pl.DataFrame(
    schema={
        "organisation_code": pl.String,
        "volunteer_ref": pl.String,
        "person_key": pl.String,
        "locality_code": pl.String,
        "role_id": pl.String,
        "hours_per_week": pl.Float64,
        "start_date": pl.Date,
        "end_date": pl.Date,
    }
)


def small_summary(people: int) -> WorkforceSummary:
    """The first `people` nurses alone, with no vacancies and no volunteers."""
    posts = _posts().filter(pl.col("role_id") == "rn_adult").head(people)
    localities = pl.DataFrame(
        {
            "code": ["LA-A", "LA-B"],
            "name": ["Aberwen", "Bryn"],
            "level": ["local_authority_area"] * 2,
            "parent_code": ["R", "R"],
        }
    )
    organisations = pl.DataFrame(
        {"code": ["NHS1"], "name": ["NHS1"], "sector": ["nhs"], "locality_code": ["LA-A"]}
    )
    return summarise_workforce(
        posts, EMPTY_VACANCIES, EMPTY_VOLUNTEERS, localities, organisations, census_date=CENSUS
    )


@pytest.mark.parametrize("people", [0, 3])
def test_an_empty_or_tiny_workforce_still_renders_and_hides_everything_small(
    people: int,
) -> None:
    summary = small_summary(people)
    document = render_workforce_report(summary, {}, PROVENANCE)
    parsed = parse(document)
    by_sector = table(parsed, "by-sector")
    total = row(by_sector, "Total")
    assert total[1:] == (["*", "*"] if people else ["0", "0.0"])
    assert "The data quality report has nothing to show." in document
    if people:
        cards = re.findall(r'<p class="value">([^<]*)</p>', document)
        assert cards[:4] == ["*", "*", "*", "*"]

"""Writing the region as the source files users import, exactly in the documented formats.

Columns, headers and their order come from `careforce.ingest.formats`; dates are ISO text; yes/no
fields are Y or N. Gaps are made here, as a sender's file would have them: for each field, the
calibrated share of the rows from each kind of sender is left blank.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from careforce.demo.calibration import Calibration
from careforce.demo.identifiers import source_code
from careforce.demo.region import DemoRegion
from careforce.demo.sampling import age_at, day, exact_mask_within
from careforce.domain.workforce import AGE_BANDS
from careforce.ingest.formats import FORMATS, SourceFormat, ValueType

_EQUALITY = (
    "sex",
    "ethnicity",
    "disability",
    "welsh_language_level",
    "nationality",
    "international_recruit",
)
_FIXED_TIME = dt.datetime(2000, 1, 1)
_AGE_BAND_STARTS = np.array([low for _, low, _ in AGE_BANDS[1:]])
_AGE_BAND_LABELS = np.array(
    [label for label, _, _ in AGE_BANDS], dtype=object
)  # workbook metadata time, so equal inputs give equal bytes


def _yes_no(name: str) -> pl.Expr:
    return (
        pl.when(pl.col(name).is_null())
        .then(None)
        .when(pl.col(name))
        .then(pl.lit("Y"))
        .otherwise(pl.lit("N"))
        .alias(name)
    )


def _with_people(posts: pl.DataFrame, people: pl.DataFrame, scheme: str) -> pl.DataFrame:
    codes = {r: source_code(scheme, r) for r in posts["role"].unique()}
    return posts.join(
        people.select("person", "ni_number", *_EQUALITY),
        on="person",
        how="left",
        maintain_order="left",
    ).with_columns(
        organisation_code=pl.col("org"),
        source_role_code=pl.col("role").replace_strict(codes),
        locality_code=pl.col("area"),
        contract_type=pl.col("contract"),
        leaving_reason=pl.col("reason"),
        start_date=pl.col("start"),
        end_date=pl.col("end"),
        international_recruit=_yes_no("international_recruit"),
    )


def esr_rows(posts: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    return (
        _with_people(posts.filter(pl.col("kind") == "esr"), people, "esr")
        .with_columns(date_of_birth=pl.col("dob"), contracted_hours_per_week=pl.col("hours"))
        .sort("staff_number", "post_ref")
    )


def social_care_rows(posts: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    rows = _with_people(posts.filter(pl.col("kind") == "social_care"), people, "social_care")
    return rows.with_columns(
        year_of_birth=pl.col("dob").cast(pl.Int32).cast(pl.Date).dt.year(),
        hourly_rate_gbp=pl.col("hourly_rate"),
        contracted_hours_per_week=pl.col("hours"),
    ).sort("organisation_code", "post_ref")


def volunteer_rows(posts: pl.DataFrame, people: pl.DataFrame, census_day: int) -> pl.DataFrame:
    rows = _with_people(posts.filter(pl.col("kind") == "volunteer"), people, "volunteer")
    when = rows["end"].fill_null(census_day).to_numpy()
    ages = age_at(rows["dob"].to_numpy(), when)
    return rows.with_columns(
        age_band=pl.Series(_AGE_BAND_LABELS[np.searchsorted(_AGE_BAND_STARTS, ages, side="right")]),
        paid=_yes_no("paid"),
        hours_per_week=pl.col("hours"),
    ).sort("organisation_code", "post_ref")


def make_gaps(
    rng: np.random.Generator,
    rows: pl.DataFrame,
    sender: str | pl.Series,
    rates: dict[str, dict[str, float]],
) -> pl.DataFrame:
    """Blank the calibrated share of each field among each sender's rows that have a value.

    `sender` names who sent each row (or all rows): a key of the calibration's data_gaps."""
    blanks: dict[str, np.ndarray] = {}
    if isinstance(sender, str):
        senders = np.full(len(rows), sender, dtype=object)
    else:
        senders = sender.to_numpy()
    for who, fields in rates.items():
        for field, share in fields.items():
            if field not in rows.columns or share <= 0:
                continue
            eligible = (senders == who) & rows[field].is_not_null().to_numpy()
            blanks[field] = blanks.get(field, np.zeros(len(rows), dtype=bool)) | exact_mask_within(
                rng, eligible, share
            )
    return rows.with_columns(
        pl.when(pl.Series(mask)).then(None).otherwise(pl.col(field)).alias(field)
        for field, mask in blanks.items()
    )


def gap_rates(cal: Calibration) -> dict[str, dict[str, float]]:
    gaps = cal.data_gaps
    return {name: getattr(gaps, name).value for name in type(gaps).model_fields}


def as_source(rows: pl.DataFrame, fmt: SourceFormat) -> pl.DataFrame:
    """Exactly the format's columns, in order, under their headers; dates as dates."""
    exprs = []
    for column in fmt.columns:
        expr = pl.col(column.field) if column.field in rows.columns else pl.lit(None, dtype=pl.Utf8)
        if (
            column.type is ValueType.DATE
            and column.field in rows.columns
            and rows[column.field].dtype != pl.Date
        ):
            expr = expr.cast(pl.Int32).cast(pl.Date)
        exprs.append(expr.alias(column.header))
    return rows.select(exprs)


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    frame.write_csv(path, date_format="%Y-%m-%d", line_terminator="\n")


def write_xlsx(frame: pl.DataFrame, path: Path, sheet: str) -> None:
    """An Excel workbook of one sheet: codes and identifiers as text cells, dates as ISO text."""
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties({"created": _FIXED_TIME})
    sheet_ = workbook.add_worksheet(sheet)
    for c, name in enumerate(frame.columns):
        sheet_.write_string(0, c, name)
    for c, series in enumerate(frame.iter_columns()):
        numeric = series.dtype.is_numeric()
        values = series.to_list() if numeric else series.cast(pl.Utf8).to_list()
        write = sheet_.write_number if numeric else sheet_.write_string
        for r, value in enumerate(values, start=1):
            if value is not None:
                write(r, c, value)
    sheet_.freeze_panes(1, 0)
    workbook.close()


def write_source(frame: pl.DataFrame, path: Path) -> None:
    if path.suffix == ".xlsx":
        write_xlsx(frame, path, sheet=path.stem)
    else:
        write_csv(frame, path)


def source_tables(
    region: DemoRegion, gaps: np.random.Generator
) -> list[tuple[str, str, pl.DataFrame]]:
    """(kind, file name, table under its format's headers) of every source file, in import order,
    with the calibrated gaps made."""
    cal = region.calibration
    rates = gap_rates(cal)
    posts, people = region.posts, region.people
    esr = make_gaps(gaps, esr_rows(posts, people), "esr", rates)
    base = region.organisations.select(
        pl.col("code").alias("org"),
        pl.col("sector").alias("sender"),
        pl.col("locality_code").alias("base"),
    )
    care = social_care_rows(posts, people).join(base, on="org", maintain_order="left")
    care = make_gaps(gaps, care, care["sender"], rates)
    volunteers = volunteer_rows(posts, people, day(cal.census_date))
    paid = pl.Series(
        np.where(volunteers["paid"].to_numpy() == "Y", "volunteer_paid", "volunteer_unpaid")
    )
    tables = [
        ("localities", "localities.csv", region.localities),
        ("organisations", "organisations.csv", region.organisations),
        ("esr", f"esr_{cal.nhs.organisation.code.lower()}.csv", esr),
        *(
            (
                "social_care",
                f"social_care_{a.code.lower()}.csv",
                care.filter(pl.col("base") == a.code),
            )
            for a in cal.region.areas
        ),
        ("volunteer", "volunteer.csv", make_gaps(gaps, volunteers, paid, rates)),
        ("vacancies", "vacancies.csv", region.vacancies),
        ("training", "training.csv", make_gaps(gaps, region.training, "training", rates)),
        ("approvals", "approvals.csv", make_gaps(gaps, region.approvals, "approvals", rates)),
    ]
    return [(kind, name, as_source(rows, FORMATS[kind])) for kind, name, rows in tables]

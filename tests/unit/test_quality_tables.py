import polars as pl

from careforce.results.quality_tables import completeness_wide


def test_completeness_turns_fields_into_columns_and_keeps_people_once() -> None:
    long = pl.DataFrame(
        {
            "organisation_code": ["A", "A", "B", "B"],
            "field": ["ethnicity", "sex", "ethnicity", "sex"],
            "people": ["40", "40", "12", "12"],
            "percent_recorded": ["95.0", "*", "50.0", "100.0"],
        }
    )
    wide = completeness_wide(long, ["organisation_code"])
    assert wide.columns == [
        "organisation_code",
        "people",
        "Ethnicity (% recorded)",
        "Sex (% recorded)",
    ]
    assert wide.rows() == [("A", "40", "95.0", "*"), ("B", "12", "50.0", "100.0")]

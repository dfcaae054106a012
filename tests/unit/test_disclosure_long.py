"""Small counts in long tables (one measure a row), such as the data quality tables."""

import polars as pl

from careforce.results.disclosure import suppress_long_table


def test_small_counts_and_their_complements_are_hidden_with_their_percentages() -> None:
    frame = pl.DataFrame(
        {
            "organisation": ["A", "B", "C", "D"],
            "people": [40, 3, 12, 20],
            "recorded": [38, 3, 0, 20],
            "percent_recorded": [95.0, 100.0, 0.0, 100.0],
        }
    )
    shown, hidden = suppress_long_table(
        frame, ["people", "recorded"], of_column="people", derived_columns=["percent_recorded"]
    )
    rows = shown.rows()
    assert rows[0] == ("A", "40", "*", "*")  # 2 people lack the field: a small complement
    assert rows[1] == ("B", "*", "*", "*")
    assert rows[2] == ("C", "12", "0", "0.0")  # zero stays zero
    assert rows[3] == ("D", "20", "20", "100.0")
    assert hidden == 5

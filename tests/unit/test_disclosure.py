"""Disclosure control: small counts hidden, and nothing left that would let them be worked out."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from careforce.results.disclosure import (
    rate_is_disclosive,
    suppress_counts,
    suppress_linked,
    suppress_table,
    suppression_mask,
)


def test_counts_of_one_to_four_are_starred_and_zero_stays_zero() -> None:
    result = suppress_counts([0, 1, 4, 5, 120], total=False)
    assert result.cells == ("0", "*", "*", "5", "120")
    assert result.total is None


def test_a_lone_hidden_count_beside_a_published_total_hides_the_next_smallest() -> None:
    result = suppress_counts([3, 40, 12, 0, 25])
    assert result.cells == ("*", "40", "*", "0", "25")
    assert result.total == "80"
    assert result.mask == (True, False, True, False, False)


def test_a_single_non_zero_count_hides_its_total_too() -> None:
    result = suppress_counts([0, 3, 0])
    assert result.cells == ("0", "*", "0")
    assert (result.total, result.total_suppressed) == ("*", True)


def test_two_small_counts_protect_each_other() -> None:
    assert suppress_counts([2, 3, 50]).cells == ("*", "*", "50")


def test_large_counts_get_thousands_separators() -> None:
    assert suppress_counts([12345, 678]).cells == ("12,345", "678")


def test_threshold_zero_hides_nothing() -> None:
    result = suppress_counts([1, 2, 0], threshold=0)
    assert result.cells == ("1", "2", "0")
    assert result.total == "3"


def test_table_with_row_and_column_totals_protects_rows_and_columns() -> None:
    frame = pl.DataFrame({"sector": ["a", "b", "c"], "x": [3, 10, 20], "y": [0, 12, 7]})
    table = suppress_table(frame, ["x", "y"])
    assert_frame_equal(
        table.display,
        pl.DataFrame(
            {
                "sector": ["a", "b", "c", "Total"],
                "x": ["*", "*", "20", "33"],
                "y": ["0", "12", "7", "19"],
                "Total": ["*", "*", "27", "52"],
            }
        ),
    )
    assert (table.primary, table.secondary, table.suppressed) == (2, 2, 4)
    assert table.mask["x"].to_list() == [True, True, False, False]
    assert table.total_column == "Total"
    assert table.has_total_row


def test_a_single_count_column_gets_no_row_total() -> None:
    frame = pl.DataFrame({"group": ["a", "b", "c"], "headcount": [2, 30, 40]})
    table = suppress_table(frame, ["headcount"])
    assert table.display.columns == ["group", "headcount"]
    assert table.display["headcount"].to_list() == ["*", "*", "40", "72"]
    assert table.display["group"].to_list() == ["a", "b", "c", "Total"]


def test_given_totals_replace_the_sums_and_protect_in_the_same_way() -> None:
    # A person in two sectors counts once in the total: 66 people, not 70.
    frame = pl.DataFrame({"sector": ["nhs", "care"], "headcount": [4, 66]})
    table = suppress_table(frame, ["headcount"], column_totals={"headcount": 66})
    assert table.display["headcount"].to_list() == ["*", "*", "66"]


def test_a_total_outside_its_cells_is_refused() -> None:
    frame = pl.DataFrame({"g": ["a", "b"], "n": [10, 20]})
    with pytest.raises(ValueError, match="between the largest cell"):
        suppress_table(frame, ["n"], column_totals={"n": 5})
    with pytest.raises(ValueError, match="between the largest cell"):
        suppress_table(frame, ["n"], column_totals={"n": 31})


def test_totals_off_means_primary_suppression_only() -> None:
    frame = pl.DataFrame({"g": ["a", "b"], "n": [3, 20], "m": [9, 8]})
    table = suppress_table(frame, ["n", "m"], totals=False)
    assert table.display.height == 2
    assert table.display["n"].to_list() == ["*", "20"]
    assert table.secondary == 0


def test_missing_counts_and_unknown_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="no count column"):
        suppress_table(pl.DataFrame({"g": ["a"]}), ["n"])
    with pytest.raises(ValueError, match="missing value"):
        suppress_table(pl.DataFrame({"n": [1, None]}), ["n"])


def test_an_empty_table_still_shows_a_zero_total() -> None:
    frame = pl.DataFrame({"g": [], "n": []}, schema={"g": pl.String, "n": pl.Int64})
    table = suppress_table(frame, ["n"])
    assert table.display.rows() == [("Total", "0")]


def test_label_columns_pass_through_and_only_the_first_names_the_total() -> None:
    frame = pl.DataFrame({"code": [1, 2], "name": ["x", "y"], "n": [10, 20]})
    table = suppress_table(frame, ["n"])
    assert table.display["code"].to_list() == ["1", "2", "Total"]
    assert table.display["name"].to_list() == ["x", "y", None]


def test_fte_beside_a_hidden_headcount_is_hidden() -> None:
    frame = pl.DataFrame({"g": ["a", "b", "c"], "headcount": [3, 30, 40], "fte": [2.5, 25.0, 33.3]})
    table = suppress_table(frame.select("g", "headcount"), ["headcount"])
    shown = suppress_linked(
        table, "headcount", [*frame["fte"].to_list(), 60.8], formatter=lambda v: f"{v:.1f}"
    )
    assert shown == ["*", "*", "33.3", "60.8"]


def test_linked_values_must_match_the_rows() -> None:
    table = suppress_table(pl.DataFrame({"n": [10]}), ["n"])
    with pytest.raises(ValueError, match="1 values for a table of 2 rows"):
        suppress_linked(table, "n", [1.0], formatter=str)


@pytest.mark.parametrize(
    ("numerator", "denominator", "complement", "expected"),
    [
        (0, 100, False, False),  # zero stays zero
        (3, 100, False, True),  # three leavers
        (10, 100, False, False),
        (10, 3, False, True),  # a rate over three people
        (97, 100, True, True),  # 3 people outside the share
        (97, 100, False, False),
    ],
)
def test_rates_over_small_counts_are_disclosive(
    numerator: int, denominator: int, complement: bool, expected: bool
) -> None:
    assert rate_is_disclosive(numerator, denominator, complement=complement) is expected


def test_mask_iterates_until_no_line_has_a_single_hidden_cell() -> None:
    # Hiding (0, 0) forces (0, 1) in row 0; that forces another cell in column 1, and so on.
    grid = np.array(
        [
            [2, 9, 0, 11],
            [0, 8, 7, 15],
            [6, 0, 10, 16],
            [8, 17, 17, 42],
        ]
    )
    mask, primary, secondary = suppression_mask(
        grid, row_totals=True, column_totals=True, threshold=5
    )
    assert primary == 1
    assert secondary >= 3
    for line in [*mask, *mask.T]:
        assert line.sum() != 1
    assert not mask[grid == 0].any()

"""Invariants of disclosure control over random tables of counts (METHODS section 9)."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from careforce.results.disclosure import suppress_counts, suppress_table

THRESHOLD = 5
# Counts weighted towards the small numbers where the rules bite.
COUNT = st.one_of(st.integers(0, 6), st.integers(0, 60))


@st.composite
def tables(draw: st.DrawFn) -> np.ndarray:
    rows = draw(st.integers(1, 6))
    columns = draw(st.integers(1, 4))
    return draw(arrays(np.int64, (rows, columns), elements=COUNT))


def extended(body: np.ndarray) -> np.ndarray:
    """The body with its row totals, column totals and grand total (all published)."""
    with_rows = np.column_stack([body, body.sum(axis=1)]) if body.shape[1] > 1 else body
    return np.vstack([with_rows, with_rows.sum(axis=0)[None, :]])


def run(body: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    columns = [f"c{j}" for j in range(body.shape[1])]
    frame = pl.DataFrame({"label": [f"r{i}" for i in range(body.shape[0])]}).with_columns(
        pl.Series(c, body[:, j]) for j, c in enumerate(columns)
    )
    table = suppress_table(frame, columns, threshold=THRESHOLD)
    shown_columns = table.mask.columns
    mask = table.mask.to_numpy().astype(bool)
    shown = table.display.select(shown_columns).to_numpy()
    return extended(body), mask, shown


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_published_cell_holds_one_to_four_people(body: np.ndarray) -> None:
    grid, mask, shown = run(body)
    published = grid[~mask]
    assert not ((published >= 1) & (published < THRESHOLD)).any()
    assert (shown[mask] == "*").all()
    assert not np.isin(shown[~mask], ["*"]).any()


@settings(max_examples=300, deadline=None)
@given(tables())
def test_zeros_are_never_suppressed(body: np.ndarray) -> None:
    grid, mask, shown = run(body)
    assert not mask[grid == 0].any()
    assert (shown[grid == 0] == "0").all()


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_row_or_column_with_a_published_total_has_exactly_one_hidden_cell(
    body: np.ndarray,
) -> None:
    _, mask, _ = run(body)
    has_row_totals = body.shape[1] > 1
    lines = [*mask.T] + ([*mask] if has_row_totals else [])
    for line in lines:
        assert line.sum() != 1


@settings(max_examples=300, deadline=None)
@given(tables())
def test_suppression_never_reveals_a_cell_through_its_row(body: np.ndarray) -> None:
    _, mask, _ = run(body)
    if body.shape[1] == 1:
        return  # a one-column table publishes no row totals
    for i in range(body.shape[0]):
        hidden_cells = mask[i, :-1].sum()
        total_hidden = mask[i, -1]
        if hidden_cells:
            assert hidden_cells >= 2 or total_hidden


@settings(max_examples=300, deadline=None)
@given(tables())
def test_published_cells_show_the_true_counts(body: np.ndarray) -> None:
    grid, mask, shown = run(body)
    for value, text, hidden in zip(grid.ravel(), shown.ravel(), mask.ravel(), strict=True):
        if not hidden:
            assert int(str(text).replace(",", "")) == value


@settings(max_examples=300, deadline=None)
@given(st.lists(COUNT, max_size=12))
def test_one_dimensional_counts_with_a_total_never_leave_a_lone_hidden_cell(
    values: list[int],
) -> None:
    result = suppress_counts(values, threshold=THRESHOLD)
    hidden = sum(result.mask) + int(result.total_suppressed)
    assert hidden != 1
    for value, text in zip(values, result.cells, strict=True):
        if 0 < value < THRESHOLD:
            assert text == "*"
        if value == 0:
            assert text == "0"


@settings(max_examples=300, deadline=None)
@given(tables(), st.data())
def test_totals_that_count_people_once_are_protected_like_sums(
    body: np.ndarray, data: st.DataObject
) -> None:
    """Column totals anywhere between the largest cell and the sum (people in two rows)."""
    columns = [f"c{j}" for j in range(body.shape[1])]
    totals = {
        c: data.draw(st.integers(int(body[:, j].max()), int(body[:, j].sum())))
        for j, c in enumerate(columns)
    }
    frame = pl.DataFrame({c: body[:, j] for j, c in enumerate(columns)})
    table = suppress_table(frame, columns, by_rows=False, column_totals=totals)
    mask = table.mask.to_numpy().astype(bool)
    grid = np.vstack([body, np.array([totals[c] for c in columns])[None, :]])
    assert not ((grid[~mask] >= 1) & (grid[~mask] < THRESHOLD)).any()
    assert not mask[grid == 0].any()
    for line in mask.T:
        assert line.sum() != 1

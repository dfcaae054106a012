"""Data quality tables shaped for a reader: one row per source or organisation, a column a field."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

FIELD_LABELS = {
    "welsh_language_level": "Welsh language",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "international_recruit": "International recruitment",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "nationality": "Nationality",
}


def completeness_wide(shown: pl.DataFrame, row_keys: Sequence[str]) -> pl.DataFrame:
    """Percent recorded by field as columns, from the long display table (cells already text).

    The people count is the same for every field of a row, so it is shown once.
    """
    keys = list(row_keys)
    people = shown.group_by(keys, maintain_order=True).agg(pl.col("people").first())
    wide = shown.pivot(
        on="field", index=keys, values="percent_recorded", aggregate_function="first"
    )
    renamed = {f: f"{FIELD_LABELS.get(f, f)} (% recorded)" for f in wide.columns if f not in keys}
    return people.join(wide, on=keys, how="left", maintain_order="left").rename(renamed)

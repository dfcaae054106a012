"""Results: workforce summaries, disclosure control and provenance."""

from careforce.results.disclosure import (
    SuppressedCounts,
    SuppressedTable,
    rate_is_disclosive,
    suppress_counts,
    suppress_linked,
    suppress_table,
)
from careforce.results.provenance import Provenance, redact_database_url
from careforce.results.workforce import WorkforceSummary, summarise_workforce

__all__ = [
    "Provenance",
    "SuppressedCounts",
    "SuppressedTable",
    "WorkforceSummary",
    "rate_is_disclosive",
    "redact_database_url",
    "summarise_workforce",
    "suppress_counts",
    "suppress_linked",
    "suppress_table",
]

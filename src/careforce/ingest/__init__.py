"""Reading users' files: source formats, readers, validation, pseudonymisation, data quality."""

from careforce.ingest.batch import KIND_TABLES, TABLE_SCHEMAS, ImportBatch
from careforce.ingest.context import ImportContext
from careforce.ingest.docs import formats_markdown
from careforce.ingest.formats import FORMATS, REFERENCE_KINDS, STAFF_KINDS, SourceFormat
from careforce.ingest.pipeline import read_source
from careforce.ingest.problems import ImportFailed
from careforce.ingest.quality import QualityReport, assess_quality

__all__ = [
    "FORMATS",
    "KIND_TABLES",
    "REFERENCE_KINDS",
    "STAFF_KINDS",
    "TABLE_SCHEMAS",
    "ImportBatch",
    "ImportContext",
    "ImportFailed",
    "QualityReport",
    "SourceFormat",
    "assess_quality",
    "formats_markdown",
    "read_source",
]

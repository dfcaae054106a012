"""read_source: one file in, validated and pseudonymised tables out, or every problem found."""

from __future__ import annotations

from pathlib import Path

from careforce.domain import UserError
from careforce.ingest.batch import ImportBatch
from careforce.ingest.context import ImportContext
from careforce.ingest.formats import FORMATS, REFERENCE_KINDS
from careforce.ingest.problems import ProblemLog
from careforce.ingest.readers import read_raw
from careforce.ingest.reference import build_reference_tables
from careforce.ingest.staff import build_staff_tables
from careforce.ingest.validate import parse_values


def read_source(kind: str, path: Path, context: ImportContext) -> ImportBatch:
    """Read, validate and pseudonymise one file of the documented format `kind`.

    Raises `ImportFailed` (a `ValidationFailed`) listing every problem found, up to
    `context.max_problems_listed` and then one saying how many more; `UserError` for an unknown
    kind or a missing file. Nothing here touches the database: what the file refers to is
    checked against `context`.
    """
    fmt = FORMATS.get(kind)
    if fmt is None:
        raise UserError(f"unknown kind of file {kind!r}; the kinds are: {', '.join(FORMATS)}")
    path = Path(path)
    if not path.exists():
        raise UserError(f"no such file: {path}")
    if not path.is_file():
        raise UserError(f"not a file: {path}")
    log = ProblemLog(path.name)
    raw = read_raw(fmt, path, log)
    if raw is None:
        raise log.failure(context.max_problems_listed)
    headers = dict(raw.headers)
    typed = parse_values(fmt, raw.frame, headers, log, context.as_of)
    merges: tuple[tuple[str, str], ...] = ()
    if kind in REFERENCE_KINDS:
        tables = build_reference_tables(fmt, typed, headers, context, log)
    else:
        tables, merges = build_staff_tables(fmt, typed, headers, context, log)
    if log:
        raise log.failure(context.max_problems_listed)
    return ImportBatch(
        kind=kind,
        file_name=path.name,
        file_sha256=raw.sha256,
        rows=raw.rows,
        tables=tables,
        person_merges=merges,
    )

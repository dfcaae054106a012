"""Use cases that write to the store: initialise it, and import a source file all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from careforce.domain import Problem, ValidationFailed
from careforce.framework.mapping import default_role_mapping
from careforce.ingest import ImportBatch, ImportContext, read_source
from careforce.ingest.docs import formats_markdown as _formats_markdown
from careforce.ingest.formats import FORMATS
from careforce.services.database import open_database
from careforce.services.provenance import code_version, redact_url
from careforce.services.secret import ensure_secret, load_secret
from careforce.store.migrate import current_revision
from careforce.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class InitOutcome:
    database: str
    revision: str | None
    secret_file: str
    secret_created: bool


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    kind: str
    file: str
    file_sha256: str
    rows: int
    added: int
    changed: int
    unchanged: int
    database: str


def initialise(db_option: str | None) -> InitOutcome:
    """Create or upgrade the database and make sure the installation has its key."""
    url, engine = open_database(db_option, migrate=True)
    try:
        path, created = ensure_secret()
        with engine.connect() as connection:
            revision = current_revision(connection)
    finally:
        engine.dispose()
    return InitOutcome(redact_url(url), revision, str(path), created)


def _check_organisation(batch: ImportBatch, organisation: str) -> None:
    """`--organisation ORG`: a provider's upload may only hold its own rows."""
    found: set[str] = set()
    for frame in batch.tables.values():
        if "organisation_code" in frame.columns:
            found.update(str(v) for v in frame["organisation_code"].unique().to_list())
    others = sorted(found - {organisation})
    if others:
        raise ValidationFailed(
            [
                Problem(
                    batch.file_name,
                    None,
                    None,
                    ", ".join(others[:10]),
                    f"the file holds rows of organisations other than {organisation!r}",
                )
            ]
        )


def import_file(
    kind: str, path: Path, db_option: str | None, *, organisation: str | None = None
) -> ImportOutcome:
    """Validate the whole file first; write it in one transaction or not at all."""
    secret = load_secret()
    url, engine = open_database(db_option)
    try:
        with UnitOfWork(engine) as uow:
            mapping = dict(default_role_mapping())
            mapping.update(uow.reference.role_mappings())
            context = ImportContext(
                secret=secret,
                role_mapping=mapping,
                localities=uow.reference.localities(),
                organisations=uow.reference.organisations(),
                resolve_identifiers=uow.staff.resolve_identifiers,
            )
            batch = read_source(kind, path, context)
            if organisation is not None:
                _check_organisation(batch, organisation)
            result = uow.staff.apply(batch.tables)
            uow.staff.merge_persons(batch.person_merges)
            uow.imports.record(
                kind=batch.kind,
                file_name=batch.file_name,
                file_sha256=batch.file_sha256,
                rows=batch.rows,
                rows_added=result.added,
                rows_changed=result.changed,
                code_version=code_version(),
            )
            uow.commit()
    finally:
        engine.dispose()
    return ImportOutcome(
        kind=batch.kind,
        file=str(path),
        file_sha256=batch.file_sha256,
        rows=batch.rows,
        added=result.added,
        changed=result.changed,
        unchanged=result.unchanged,
        database=redact_url(url),
    )


def format_titles() -> list[tuple[str, str]]:
    return [(kind, fmt.title) for kind, fmt in FORMATS.items()]


def formats_markdown() -> str:
    return _formats_markdown()


def formats_document() -> dict[str, object]:
    """The source formats as data, for tools that build files to import."""
    return {
        kind: {
            "title": fmt.title,
            "description": fmt.description,
            "columns": [
                {
                    "header": c.header,
                    "required": c.required,
                    "type": c.type.value,
                    "choices": list(c.choices),
                    "low": c.low,
                    "high": c.high,
                    "description": c.description,
                }
                for c in fmt.columns
            ],
        }
        for kind, fmt in FORMATS.items()
    }

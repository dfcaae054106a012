"""The `careforce` command line: parses arguments, calls a service, shows the outcome.

Services are imported inside each command so that `careforce --help` and small commands start
quickly, without loading the report's or the demo's libraries.

Exit codes: 0 success, 2 a user error (bad input, file or option), 1 an internal error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from careforce.cli.compare import register as register_compare
from careforce.cli.demand import register as register_demand
from careforce.cli.framework import framework_app
from careforce.cli.gap import register as register_gap
from careforce.cli.methods import register as register_methods
from careforce.cli.optimise import register as register_optimise
from careforce.cli.output import print_json, print_problems, problems_document, stderr, stdout
from careforce.cli.run import register as register_run
from careforce.cli.supply import register as register_supply
from careforce.domain import UserError, ValidationFailed

app = typer.Typer(
    name="careforce",
    help="Integrated health and social care workforce planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(framework_app, name="framework")
register_demand(app)
register_methods(app)
register_supply(app)
register_gap(app)
register_optimise(app)
register_run(app)
register_compare(app)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///FILE or postgresql+psycopg://...); "
        "default $CAREFORCE_DATABASE_URL, else careforce.sqlite here.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]

_json_mode = False


def _remember_json(as_json: bool) -> None:
    global _json_mode
    _json_mode = as_json


@app.command()
def init(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Create or upgrade the database, and create the installation's pseudonymisation key."""
    _remember_json(as_json)
    from careforce.services import importing

    outcome = importing.initialise(db)
    if as_json:
        print_json({"ok": True, "init": outcome})
        return
    stdout.print(f"Database ready at {outcome.database} (schema revision {outcome.revision}).")
    state = "created" if outcome.secret_created else "found"
    stdout.print(
        f"Pseudonymisation key {state} at {outcome.secret_file}; keep it out of backups of the database."
    )


@app.command("import")
def import_(
    kind: Annotated[str, typer.Argument(help="Source format: see `careforce formats`.")],
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8) or Excel .xlsx file.")],
    db: DbOption = None,
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", help="Refuse rows of any other organisation."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import a staff extract or reference file: all of it, or nothing when any row is wrong."""
    _remember_json(as_json)
    from careforce.services import importing

    outcome = importing.import_file(kind, file, db, organisation=organisation)
    if as_json:
        print_json({"ok": True, "import": outcome})
        return
    stdout.print(
        f"Imported {outcome.rows:,} rows of {outcome.kind} from {outcome.file}. Records "
        f"(people, identifiers, posts and the like): {outcome.added:,} added, "
        f"{outcome.changed:,} changed, {outcome.unchanged:,} already held as they are."
    )


@app.command("quality")
def quality_(
    db: DbOption = None,
    census_date: Annotated[
        str | None,
        typer.Option(
            "--census-date", help="Date the extracts describe (YYYY-MM-DD); default today."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The data quality report: completeness, soft checks, coverage, people in several posts."""
    _remember_json(as_json)
    from careforce.services import quality

    report = quality.quality_report(db, quality.parse_census_date(census_date))
    if as_json:
        print_json({"ok": True, "quality": report.as_document()})
        return
    quality.print_quality(report, stdout)


CensusDateOption = Annotated[
    str | None,
    typer.Option("--census-date", help="Date the extracts describe (YYYY-MM-DD); default today."),
]


@app.command("competencies")
def competencies_(
    db: DbOption = None, census_date: CensusDateOption = None, as_json: JsonOption = False
) -> None:
    """What the workforce can do: competencies held by domain, area, organisation and sector."""
    _remember_json(as_json)
    from careforce.services import competency, quality

    published = competency.competencies_report(db, quality.parse_census_date(census_date))
    if as_json:
        print_json({"ok": True, "competencies": published.as_document()})
        return
    competency.print_tables(published, stdout)


@app.command("training")
def training_(
    db: DbOption = None,
    census_date: CensusDateOption = None,
    targets: Annotated[
        Path | None,
        typer.Option("--targets", help="Training targets file (YAML) instead of the defaults."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Training compliance against the framework's targets, and AMHP and section 12 approvals."""
    _remember_json(as_json)
    from careforce.services import competency, quality

    published = competency.training_report(db, quality.parse_census_date(census_date), targets)
    if as_json:
        print_json({"ok": True, "training": published.as_document()})
        return
    competency.print_tables(published, stdout)


@app.command()
def formats(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the Markdown reference.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """The documented source formats that `careforce import` reads."""
    _remember_json(as_json)
    from careforce.services import importing

    if as_json:
        print_json(importing.formats_document())
    elif markdown:
        sys.stdout.write(importing.formats_markdown())
    else:
        for kind, title in importing.format_titles():
            stdout.print(f"{kind:14} {title}")


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the demo's database, inputs and report.")
    ] = Path("careforce-demo"),
    seed: Annotated[int, typer.Option("--seed", help="Seed of the region generator.")] = 20261123,
    runs: Annotated[
        int,
        typer.Option(
            "--runs",
            help="Monte Carlo runs besides the central run, for the required and projected workforce.",
            min=1,
        ),
    ] = 200,
    as_json: JsonOption = False,
) -> None:
    """Build the fictional region into a fresh embedded database and write its report."""
    _remember_json(as_json)
    from careforce.services import demo as demo_service

    outcome = demo_service.run_demo(out, seed=seed, runs=runs, progress=not as_json)
    if as_json:
        print_json({"ok": True, "demo": outcome})
        return
    stdout.print(f"Report written to {outcome.report}")
    stdout.print(f"Inputs to edit and rerun are in {outcome.inputs}")


def main() -> None:
    """Entry point: maps errors to the exit codes of the command-line contract."""
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code != 0:
            sys.exit(code)
    except ValidationFailed as error:
        if _json_mode:
            print_json(problems_document(error))
        print_problems(error)
        sys.exit(2)
    except UserError as error:
        if _json_mode:
            print_json({"ok": False, "error": str(error)})
        stderr.print(f"Error: {error}", markup=False)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        stderr.print("Aborted.")
        sys.exit(1)
    except SystemExit:
        raise
    except typer.TyperException as error:  # usage errors: unknown command, missing argument
        show = getattr(error, "show", None)
        if callable(show):
            show()
        else:
            stderr.print(f"Error: {error}", markup=False)
        sys.exit(int(getattr(error, "exit_code", 2)))
    except Exception:  # an internal error: say so, keep the traceback for a bug report
        stderr.print_exception()
        stderr.print("Internal error: please report it with the traceback above.")
        sys.exit(1)

"""The scenario run tables on SQLite and PostgreSQL: made by the migrations, written in one
transaction with their results, read back, and left empty when a write fails."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import sqlalchemy as sa

from careforce.store.unit_of_work import UnitOfWork

RESULTS = pl.DataFrame(
    {
        "table_name": ["gap", "gap", "costs"],
        "year": [2026, 2027, 2027],
        "key": ["region", "region", "training"],
        "measure": ["gap_fte", "gap_fte", "cost_gbp"],
        "central": [1.5, 2.5, 1e6],
        "q5": [None, 1.0, 9e5],
        "q25": [None, 2.0, 9.5e5],
        "q50": [None, 2.4, 1e6],
        "q75": [None, 2.6, 1.05e6],
        "q95": [None, 3.0, 1.1e6],
    }
)


def _add(uow: UnitOfWork, results: pl.DataFrame = RESULTS) -> int:
    return uow.scenarios.add(
        name="Baseline",
        scenario_file="baseline.toml",
        scenario={"name": "Baseline", "projection": {"seed": 3}},
        scenario_sha256="a" * 64,
        code_version="1.0",
        seed=3,
        runs=4,
        census_date=dt.date(2026, 3, 31),
        provenance={"seed": 3, "database": "postgresql://planner:***@db/cf"},
        results=results,
    )


def test_the_tables_exist_after_upgrade(db_engine: sa.Engine) -> None:
    names = set(sa.inspect(db_engine).get_table_names())
    assert {"scenario_run", "scenario_result"} <= names
    columns = {c["name"] for c in sa.inspect(db_engine).get_columns("scenario_result")}
    assert {"run_id", "table_name", "year", "key", "measure", "central", "q5", "q95"} <= columns


def test_a_run_and_its_results_are_read_back(db_engine: sa.Engine) -> None:
    with UnitOfWork(db_engine) as uow:
        run_id = _add(uow)
        uow.commit()
    with UnitOfWork(db_engine) as uow:
        record = uow.scenarios.run(run_id)
        assert record is not None
        assert record["scenario"] == {"name": "Baseline", "projection": {"seed": 3}}
        assert record["provenance"]["database"].endswith("***@db/cf")
        assert record["census_date"] == dt.date(2026, 3, 31)
        assert uow.scenarios.results(run_id).equals(RESULTS)
        assert uow.scenarios.results(run_id, "costs")["central"].to_list() == [1e6]
        assert uow.scenarios.runs()["id"].to_list() == [run_id]
        assert uow.scenarios.run(run_id + 1) is None


def test_a_failed_write_leaves_nothing(db_engine: sa.Engine) -> None:
    broken = RESULTS.with_columns(pl.lit(None, dtype=pl.String).alias("measure"))
    with pytest.raises(sa.exc.IntegrityError), UnitOfWork(db_engine) as uow:
        _add(uow, broken)  # the run row is written, then a result breaks NOT NULL
        uow.commit()
    with UnitOfWork(db_engine) as uow:
        assert uow.scenarios.runs().height == 0

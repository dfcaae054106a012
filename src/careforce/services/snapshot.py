"""The store's staff tables read once, for use cases that summarise them several ways."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from careforce.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, eq=False)
class StoreSnapshot:
    posts_with_people: pl.DataFrame
    organisations: pl.DataFrame
    localities: pl.DataFrame
    vacancies: pl.DataFrame
    volunteers: pl.DataFrame
    training_records: pl.DataFrame
    statutory_approvals: pl.DataFrame


def read_snapshot(engine: Engine) -> StoreSnapshot:
    """Every frame the workforce, quality and training summaries use, from one transaction."""
    with UnitOfWork(engine) as uow:
        return StoreSnapshot(
            posts_with_people=uow.read.posts_with_people(),
            organisations=uow.read.organisations(),
            localities=uow.read.localities(),
            vacancies=uow.read.vacancies(),
            volunteers=uow.read.volunteers(),
            training_records=uow.read.training_records(),
            statutory_approvals=uow.read.statutory_approvals(),
        )

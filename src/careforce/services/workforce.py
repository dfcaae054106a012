"""Today's workforce, summarised from what the store holds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from careforce.results.workforce import WorkforceSummary, summarise_workforce
from careforce.store.unit_of_work import UnitOfWork


def summarise_store(engine: Engine, census_date: dt.date) -> WorkforceSummary:
    with UnitOfWork(engine) as uow:
        return summarise_workforce(
            uow.read.posts_with_people(),
            uow.read.vacancies(),
            uow.read.volunteers(),
            uow.read.localities(),
            uow.read.organisations(),
            census_date=census_date,
        )

"""Today's workforce, summarised from what the store holds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from careforce.results.workforce import WorkforceSummary, summarise_workforce
from careforce.services.snapshot import StoreSnapshot, read_snapshot


def summarise_snapshot(snapshot: StoreSnapshot, census_date: dt.date) -> WorkforceSummary:
    return summarise_workforce(
        snapshot.posts_with_people,
        snapshot.vacancies,
        snapshot.volunteers,
        snapshot.localities,
        snapshot.organisations,
        census_date=census_date,
    )


def summarise_store(engine: Engine, census_date: dt.date) -> WorkforceSummary:
    return summarise_snapshot(read_snapshot(engine), census_date)

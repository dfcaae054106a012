"""Training compliance and statutory roles on a census date, from what the store holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from careforce.framework.loader import default_framework
from careforce.results.competency import CompetencyInventory, competency_inventory
from careforce.results.compliance import ComplianceReport, assess_compliance
from careforce.results.statutory import StatutoryRolesReport, statutory_roles
from careforce.results.training_targets import load_training_targets
from careforce.services.snapshot import StoreSnapshot


@dataclass(frozen=True, slots=True, eq=False)
class TrainingOutcome:
    compliance: ComplianceReport
    statutory: StatutoryRolesReport
    competency: CompetencyInventory
    domain_names: dict[str, str]


def training_from_snapshot(
    snapshot: StoreSnapshot, census_date: dt.date, *, targets_file: Path | None = None
) -> TrainingOutcome:
    """Compliance with the training targets (the bundled defaults, or `targets_file`), the stock
    of AMHP and section 12 approvals and the competency inventory, all on `census_date`."""
    targets = load_training_targets(targets_file)
    framework = default_framework()
    posts: pl.DataFrame = snapshot.posts_with_people
    localities = snapshot.localities
    records = snapshot.training_records
    return TrainingOutcome(
        compliance=assess_compliance(
            posts, records, targets, census_date=census_date, localities=localities
        ),
        statutory=statutory_roles(
            snapshot.statutory_approvals, posts, census_date=census_date, localities=localities
        ),
        competency=competency_inventory(
            posts, records, framework, census_date=census_date, localities=localities
        ),
        domain_names={d.id: d.name for d in framework.domains.values()},
    )

"""The report's competency inventory: what today's workforce can do, by domain, and delegation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from careforce.report.format import fmt_fte
from careforce.report.tables import (
    TableView,
    count_measure_table,
    crosstab_table,
    generic_table,
)
from careforce.results.competency import CompetencyInventory
from careforce.results.disclosure import suppress_long_table


@dataclass(frozen=True, slots=True)
class CompetencySection:
    by_domain: TableView
    by_domain_area: TableView
    delegated: TableView
    delegated_hidden: int

    @property
    def tables(self) -> list[TableView]:
        return [self.by_domain, self.by_domain_area]


def _domain_totals(inventory: CompetencyInventory) -> pl.DataFrame:
    """Headcount (people once) and FTE (each post once) holding any task of each domain."""
    held = inventory.posts_competencies
    people = held.group_by("domain").agg(pl.col("person_key").n_unique().alias("headcount"))
    posts = (
        held.unique(["domain", "organisation_code", "post_ref"])
        .group_by("domain")
        .agg(pl.col("fte").sum().alias("fte"))
    )
    return people.join(posts, on="domain").sort("headcount", descending=True)


def _people(frame: pl.DataFrame, by: str) -> dict[str, int]:
    counts = frame.group_by(by).agg(pl.col("person_key").n_unique().alias("n"))
    return {str(k): int(n) for k, n in counts.iter_rows()}


def domain_area_table(
    inventory: CompetencyInventory, domain_names: Mapping[str, str], threshold: int
) -> TableView:
    """People holding each domain in each area. A person holding several domains appears in each
    row, so the published area and grand totals count people once (not the column sums)."""
    held = inventory.posts_competencies
    long = inventory.by_domain_area.select("domain", "area_code", "headcount")
    areas = inventory.by_domain_area.select("area_code", "area").unique(maintain_order=True)
    area_names = {str(code): str(name) for code, name in areas.iter_rows()}
    return crosstab_table(
        table_id="competency-domain-area",
        caption="Staff in post holding at least one task of each competency domain, by area",
        long=long,
        row_key="domain",
        column_key="area_code",
        column_order=list(area_names),
        row_labeller=lambda d: domain_names.get(d, d),
        column_labeller=lambda code: area_names.get(code, code),
        row_heading="Competency domain",
        row_totals=_people(held, "domain"),
        column_totals=_people(held, "area_code"),
        grand_total=int(held["person_key"].n_unique()),
        threshold=threshold,
    )


def competency_section(
    inventory: CompetencyInventory | None, domain_names: Mapping[str, str], threshold: int
) -> CompetencySection | None:
    if inventory is None:
        return None
    by_domain = count_measure_table(
        table_id="competency-domain",
        caption="Staff in post holding at least one task of each competency domain",
        frame=_domain_totals(inventory),
        key="domain",
        key_heading="Competency domain",
        labeller=lambda d: domain_names.get(d, d),
        total_count=inventory.headcount_in_post,
        total_measure=inventory.fte_in_post,
        measure_format=fmt_fte,
        threshold=threshold,
        total_label="All staff in post",
    )
    delegated = inventory.delegated_in_force.select(
        pl.col("task_id").alias("task"),
        pl.col("role_id").alias("role"),
        "headcount",
        pl.col("fte").alias("FTE"),
    )
    shown, hidden = suppress_long_table(
        delegated, ["headcount"], derived_columns=["FTE"], threshold=threshold
    )
    return CompetencySection(
        by_domain=by_domain,
        by_domain_area=domain_area_table(inventory, domain_names, threshold),
        delegated=generic_table(
            "competency-delegated", "Delegated tasks in force, by task and role", shown
        ),
        delegated_hidden=hidden,
    )

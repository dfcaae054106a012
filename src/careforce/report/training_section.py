"""The report section "Training and statutory roles": its tables and the sentences that lead it.

Built from a `ComplianceReport` and a `StatutoryRolesReport` (either may be absent); every count
and rate in the sentences is read from the suppressed tables, so the text never shows a number
the tables hide.
"""

from __future__ import annotations

from dataclasses import dataclass

from careforce.report.labels import staff_group_label
from careforce.report.statutory_tables import (
    amhp_fte_table,
    area_label,
    expiry_table,
    holder_sector_label,
    holders_by_role_table,
    holders_where_table,
    kind_label,
)
from careforce.report.tables import TableView
from careforce.report.training_tables import (
    compliance_matrix_table,
    compliance_overview_table,
    targets_table,
)
from careforce.results._common import UNASSIGNED
from careforce.results.compliance import ComplianceReport
from careforce.results.disclosure import SUPPRESSED
from careforce.results.statutory import StatutoryRolesReport


@dataclass(frozen=True, slots=True)
class TrainingSection:
    """What the template draws; a table is None where its report was not given."""

    compliance_lines: tuple[str, ...]
    statutory_lines: tuple[str, ...]
    targets: TableView | None
    overview: TableView | None
    by_staff_group: TableView | None
    by_area: TableView | None
    expiries: TableView | None
    amhp_fte: TableView | None
    section_12_roles: TableView | None
    holders_by_area: TableView | None
    holders_by_sector: TableView | None
    combined_amhp_percent: str | None
    horizon_years: int | None

    @property
    def tables(self) -> list[TableView]:
        """Every table of counts of people, for the report's count of hidden cells."""
        candidates = (
            self.overview,
            self.by_staff_group,
            self.by_area,
            self.expiries,
            self.amhp_fte,
            self.section_12_roles,
            self.holders_by_area,
            self.holders_by_sector,
        )
        return [t for t in candidates if t is not None]


def _compliance_lines(c: ComplianceReport, overview: TableView) -> list[str]:
    lines = []
    for row in overview.rows:
        needing, rate = row.cells[0].text, row.cells[-1].text
        name = c.targets.target(row.key).name
        if rate == SUPPRESSED:
            lines.append(f"{name}: {needing} staff need it; the compliance rate is hidden.")
        else:
            lines.append(f"{name}: {rate} of the {needing} staff who need it are compliant.")
    return lines


def _statutory_lines(s: StatutoryRolesReport, expiries: TableView) -> list[str]:
    lines = []
    lapsed_column = len(expiries.columns) - 2
    for row in expiries.rows:
        holders, next_year = row.cells[0].text, row.cells[1].text
        lapsed = row.cells[lapsed_column].text
        fte = s.fte_in_role.filter(s.fte_in_role["kind"] == row.key)
        line = f"{kind_label(row.key)}: {holders} with a current approval"
        if row.key == "amhp" and not fte.is_empty() and holders != SUPPRESSED:
            line += f" ({fte['fte_in_role'][0]:,.1f} FTE in the role)"
        line += (
            f"; {next_year} due for re-approval within a year, {lapsed} lapsed in the last year."
        )
        lines.append(line)
    return lines


def training_section(
    training: ComplianceReport | None, statutory: StatutoryRolesReport | None, threshold: int
) -> TrainingSection | None:
    """The section's content, or None when neither report is given (the section is left out)."""
    if training is None and statutory is None:
        return None
    overview = by_group = by_area = targets = None
    compliance_lines: list[str] = []
    if training is not None:
        targets = targets_table(training.targets.targets)
        overview = compliance_overview_table(training, threshold)
        by_group = compliance_matrix_table(
            training,
            rates=training.by_staff_group,
            key="staff_group",
            key_heading="Staff group",
            labeller=staff_group_label,
            table_id="compliance-staff-group",
            caption="Compliance by staff group",
            threshold=threshold,
        )
        by_area = compliance_matrix_table(
            training,
            rates=training.by_area,
            key="area",
            key_heading="Area",
            labeller=lambda a: "Not known" if a == UNASSIGNED else a,
            table_id="compliance-area",
            caption="Compliance by local authority area",
            threshold=threshold,
        )
        compliance_lines = _compliance_lines(training, overview)
    expiries = amhp = s12 = where_area = where_sector = None
    statutory_lines: list[str] = []
    if statutory is not None:
        expiries = expiry_table(statutory, threshold)
        amhp = amhp_fte_table(statutory, threshold)
        s12 = holders_by_role_table(statutory, "section_12", threshold)
        where_area = holders_where_table(
            statutory,
            frame=statutory.holders_by_area.select("kind", "area", "holders"),
            key="area",
            key_heading="Area",
            labeller=area_label,
            table_id="statutory-area",
            caption="Current holders by the local authority area of their posts",
            threshold=threshold,
        )
        where_sector = holders_where_table(
            statutory,
            frame=statutory.holders_by_sector,
            key="sector",
            key_heading="Sector",
            labeller=holder_sector_label,
            table_id="statutory-sector",
            caption="Current holders by the sector of their employer",
            threshold=threshold,
        )
        statutory_lines = _statutory_lines(statutory, expiries)
    return TrainingSection(
        compliance_lines=tuple(compliance_lines),
        statutory_lines=tuple(statutory_lines),
        targets=targets,
        overview=overview,
        by_staff_group=by_group,
        by_area=by_area,
        expiries=expiries,
        amhp_fte=amhp,
        section_12_roles=s12,
        holders_by_area=where_area,
        holders_by_sector=where_sector,
        combined_amhp_percent=(
            f"{100 * statutory.combined_amhp_share:.0f}%" if statutory is not None else None
        ),
        horizon_years=statutory.horizon_years if statutory is not None else None,
    )

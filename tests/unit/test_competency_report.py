"""The report's competency inventory by domain and area: people counted once per cell, totals that
count people once, and small cells hidden."""

from __future__ import annotations

from careforce.report.competency_section import competency_section, domain_area_table
from spec.test_competency_inventory import inventory, post

NAMES = {"CARE": "Care", "MOVE": "Moving"}


def _cells(view: object) -> dict[tuple[str, str], str]:
    columns = view.columns  # type: ignore[attr-defined]
    return {
        (row.label, heading): c.text
        for row in (*view.rows, view.total)  # type: ignore[attr-defined]
        for heading, c in zip(columns[1:], row.cells, strict=True)
    }


def _workforce() -> list[dict[str, object]]:
    posts = [post(f"a{i}", "care_worker", place="LA-A") for i in range(7)]
    posts += [post(f"b{i}", "care_worker", place="LA-B") for i in range(6)]
    posts += [post(f"n{i}", "nurse", place="LA-A") for i in range(2)]
    return posts


def test_domain_by_area_counts_people_once_and_publishes_totals() -> None:
    inv = inventory(_workforce(), [])
    cells = _cells(domain_area_table(inv, NAMES, threshold=0))
    assert cells[("Care", "Aberwen")] == "9"  # 7 care workers and 2 nurses
    assert cells[("Moving", "Aberwen")] == "7"  # hoisting: care workers only
    assert cells[("Care", "Bryn")] == "6"
    assert cells[("Care", "Total")] == "15"
    # the area totals count each person once, though care workers hold both domains
    assert cells[("Total", "Aberwen")] == "9"
    assert cells[("Total", "Total")] == "15"


def test_domain_by_area_hides_small_counts() -> None:
    posts = [post(f"a{i}", "care_worker", place="LA-A") for i in range(7)]
    posts += [post(f"b{i}", "care_worker", place="LA-B") for i in range(3)]
    inv = inventory(posts, [])
    cells = _cells(domain_area_table(inv, NAMES, threshold=5))
    assert cells[("Care", "Bryn")] == "*"
    assert cells[("Moving", "Bryn")] == "*"
    assert "3" not in cells.values()  # neither directly nor by subtraction from a total
    section = competency_section(inv, NAMES, threshold=5)
    assert section is not None
    assert "competency-domain-area" in {t.id for t in section.tables}

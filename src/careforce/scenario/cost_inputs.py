"""From a scenario, its framework and its supply projection to the costing's arrays (`CostInputs`).

Conventions (docs/design/costing.md):
- Projection year t (0 = the census year's stock) is labelled census year + t, as the supply
  inputs label their levers; the cost years are t = 1..N, the census year's stock being paid
  before any lever acts. A lever "from 2028" is costed in the years labelled 2028 on.
- Pay is careforce.costing.pay's (Agenda for Change 2025/26 with on-costs); a new role takes its
  `annual_pay` or its `like_role`'s pay, and `[costing]` overrides a role's pay and every role's
  on-cost rate. Unpaid roles cost nothing.
- Retention measures and pay uplifts select staff as the supply inputs do: by role, by staff
  group and by sector, every one left out matching all.
- A delegation change trains `trained_per_year` workers for each task it names (each delegable
  task of the framework when it names none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from careforce.costing.pay import UNPAID_ROLES, RolePay, pay_of_roles
from careforce.costing.scenario_costs import CostInputs, Uplift, YearlyCost
from careforce.domain import UserError
from careforce.domain.framework import Framework
from careforce.scenario.schema import Scenario
from careforce.supply.projection import Projection

PRICES_NOTE = (
    "cash at {base}/{next:02d} prices: no inflation or future pay award is applied; pay is "
    "Agenda for Change 2025/26 and figures.md section 4's on-costs"
)


def role_pay_of(
    scenario: Scenario, framework: Framework, roles: Sequence[str]
) -> tuple[dict[str, RolePay], tuple[str, ...]]:
    """Each role's pay with the scenario's overrides applied, and notes on where it came from."""
    new_roles = {r.id: r for r in scenario.new_roles}
    known = [r for r in roles if r in framework.roles and r not in new_roles]
    pay = pay_of_roles(framework, known)
    unknown = sorted(set(roles) - set(framework.roles) - set(new_roles))
    if unknown:
        raise UserError(f"roles with no pay (not in the framework): {', '.join(unknown)}")
    for role in (r for r in roles if r not in pay):
        new = new_roles[role]
        like = pay_of_roles(framework, [new.like_role])[new.like_role]
        annual = like.annual_gbp if new.annual_pay is None else new.annual_pay
        basis = f"new role: {'its own pay' if new.annual_pay is not None else new.like_role}"
        pay[role] = RolePay(role, annual, like.on_cost_share, basis)
    notes: list[str] = []
    costing = scenario.costing
    for override in costing.pay:
        if override.role in pay:
            old = pay[override.role]
            pay[override.role] = RolePay(
                override.role, override.annual_pay, old.on_cost_share, "scenario [costing] pay"
            )
            notes.append(
                f"{override.role}: GBP {override.annual_pay:,.0f} a year "
                f"({override.source or override.basis})"
            )
    if costing.on_cost_rate is not None:
        for role, value in pay.items():
            if role not in UNPAID_ROLES:
                pay[role] = RolePay(role, value.annual_gbp, costing.on_cost_rate, value.basis)
        notes.append(f"on-costs {100 * costing.on_cost_rate:g}% of pay for every paid role")
    return pay, tuple(notes)


def _selected(
    role: str | None,
    staff_group: str | None,
    sector: str | None,
    roles: Sequence[str],
    sectors: Sequence[str],
    groups: Mapping[str, str],
) -> np.ndarray:
    """`[g, c]` True where a lever's selectors (None matching all) pick the staff."""
    by_role = np.array(
        [role in (None, g) and staff_group in (None, groups.get(g)) for g in roles], dtype=bool
    )
    by_sector = np.array([sector in (None, c) for c in sectors], dtype=bool)
    return np.outer(by_role, by_sector)


def _groups(
    scenario: Scenario, framework: Framework, role_groups: Mapping[str, str]
) -> dict[str, str]:
    """Staff group of every role: the given mapping, a new role taking its like role's group."""
    groups = {r: role.staff_group.value for r, role in framework.roles.items()}
    groups.update(role_groups)
    for new in scenario.new_roles:
        groups.setdefault(new.id, groups.get(new.like_role, ""))
    return groups


def _recruit_costs(scenario: Scenario, roles: Sequence[str]) -> np.ndarray:
    default = scenario.costing.cost_per_recruit
    cost = np.full(len(roles), default)
    for recruit in scenario.international_recruitment:
        if recruit.role in roles and recruit.cost_per_recruit is not None:
            cost[roles.index(recruit.role)] = recruit.cost_per_recruit
    return cost


def _delegation(scenario: Scenario, framework: Framework) -> tuple[YearlyCost, ...]:
    delegable = sum(1 for task in framework.tasks.values() if task.delegable)
    return tuple(
        YearlyCost(change.trained_per_year * (len(change.tasks) or delegable), change.from_year)
        for change in scenario.delegation
        if change.trained_per_year > 0
    )


def cost_inputs(
    scenario: Scenario,
    framework: Framework,
    projection: Projection,
    *,
    census_year: int,
    role_groups: Mapping[str, str],
) -> CostInputs:
    """The costing's inputs for every run of `projection` (see the module notes)."""
    roles = list(projection.roles)
    sectors = list(projection.sectors)
    steps = projection.years
    years = tuple(census_year + t for t in range(1, steps + 1))
    fte = np.zeros((len(projection.runs), steps, len(roles), len(sectors)))
    by_cell = projection.fte_by_cell[:, 1:]  # [r, y, cell]
    for cell, (g, c) in enumerate(zip(projection.cell_role, projection.cell_sector, strict=True)):
        fte[:, :, g, c] += by_cell[:, :, cell]
    pay, pay_notes = role_pay_of(scenario, framework, roles)
    costing = scenario.costing
    places = {p.id: p for p in scenario.programmes}
    place_cost = np.array(
        [
            costing.cost_per_place_year
            if places[p].cost_per_place_year is None
            else places[p].cost_per_place_year
            for p in projection.programmes
        ],
        dtype=np.float64,
    )
    groups = _groups(scenario, framework, role_groups)
    uplifts = tuple(
        Uplift(
            u.uplift,
            _selected(u.role, u.staff_group, u.sector, roles, sectors, groups),
            u.from_year,
        )
        for u in scenario.pay_uplifts
    )
    retention = tuple(
        YearlyCost(m.cost_per_year, m.from_year) for m in scenario.retention if m.cost_per_year > 0
    )
    assumed = sum(1 for r in roles if pay[r].basis.startswith("assumption"))
    base = costing.base_year
    assumptions = (
        PRICES_NOTE.format(base=base, next=(base + 1) % 100),
        f"cost years {years[0]}-{years[-1]}: the projection's years 1-{steps} after the census "
        f"year {census_year}, whose stock is not costed",
        f"pay of {assumed} of {len(roles)} roles assumed (not researched in figures.md)",
        *pay_notes,
        f"training GBP {costing.cost_per_place_year:,.0f} a place a course year, international "
        f"recruits GBP {costing.cost_per_recruit:,.0f} each, delegation training "
        f"GBP {costing.cost_per_trained_worker:,.0f} a worker a task, unless a lever says "
        f"otherwise ({costing.basis})",
        "the pay bill is at today's pay; a pay uplift is costed on top of it, on the selected "
        "staff's pay with on-costs, uplifts on the same staff adding up",
    )
    return CostInputs(
        base_year=base,
        years=years,
        runs=np.asarray(projection.runs),
        roles=tuple(roles),
        fte=fte,
        annual_cost=np.array([pay[r].annual_cost_gbp for r in roles], dtype=np.float64),
        # Those studying during the year: the students left after its step and those who
        # completed in it (a three-year course's steady state is three cohorts, not two).
        students=np.asarray(
            projection.students[:, 1:] + projection.completers[:, 1:], dtype=np.float64
        ),
        cost_per_place_year=place_cost,
        recruits=np.asarray(projection.flow("international_joiners")[:, 1:], dtype=np.float64),
        cost_per_recruit=_recruit_costs(scenario, roles),
        retention=retention,
        pay_uplifts=uplifts,
        delegation_trained=_delegation(scenario, framework),
        cost_per_trained_worker=costing.cost_per_trained_worker,
        assumptions=assumptions,
    )

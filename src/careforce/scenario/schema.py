"""The scenario file, schema version 1 (TOML): the data, the horizon, the runs and the levers.

Pydantic, frozen, strict: unknown keys are refused, so a typo in a lever's name is a problem with
its path rather than a lever silently left at its default. Uncertain values take the forms of the
service specification (a number, `[low, high]` or `{central, low, high}`; docs/design/demand.md).
The levers: the training pipeline, retention, pay, international recruitment and statutory roles
(supply); productivity and service model shifts (demand); delegation policy and new roles (the
gap); and the costs (`[costing]`). Every figure a planner sets carries `source` or
`basis = "assumption: ..."`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from careforce.specification.service_spec import PositiveValue, ShareValue

SCHEMA_VERSION = 1
DEFAULT_SEED = 20261123
DEFAULT_QUANTILES = (5, 25, 50, 75, 95)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")

Identifier = Annotated[str, Field(pattern=_ID.pattern, description="lower_snake_case")]
Year = Annotated[int, Field(ge=2000, le=2100)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Basis(_Entry):
    """Where a figure comes from: a source id (figures.md section 9) or a stated assumption."""

    source: str | None = None
    basis: str | None = None

    @model_validator(mode="after")
    def _has_a_basis(self) -> Self:
        if not self.source and not (self.basis or "").startswith("assumption"):
            raise ValueError(
                "say where the figures come from: `source` (a reference id) or "
                '`basis = "assumption: why"`'
            )
        return self


class Data(_Entry):
    """The inputs, each relative to the scenario file unless absolute."""

    database: str = Field(
        description="A database URL (sqlite:///FILE, postgresql+psycopg://...) or a SQLite file."
    )
    census_date: dt.date = Field(description="The date the staff extracts describe.")
    framework: str | None = Field(
        default=None,
        description="Framework file (default bundled); `careforce project` does not read it.",
    )
    services: str | None = Field(
        default=None,
        description="Service specification (YAML); `careforce project` does not read it.",
    )
    population: str | None = Field(
        default=None,
        description="Population projections (CSV); `careforce project` does not read it.",
    )

    @model_validator(mode="before")
    @classmethod
    def _dates_from_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("census_date"), str):
            try:
                return {**data, "census_date": dt.date.fromisoformat(data["census_date"])}
            except ValueError:
                pass  # the strict date check names the key
        return data


class Projection(_Entry):
    years: int = Field(default=10, ge=1, le=50, description="Years projected after the census.")
    runs: int = Field(default=200, ge=0, le=100_000, description="Monte Carlo runs besides run 0.")
    seed: int = Field(default=DEFAULT_SEED, ge=0, description="Seeds every named random stream.")
    process_noise: bool = Field(
        default=False, description="Draw leavers and joiners as whole people (small populations)."
    )
    quantiles: list[int] = Field(default_factory=lambda: list(DEFAULT_QUANTILES), min_length=1)

    @model_validator(mode="after")
    def _quantiles_in_range(self) -> Self:
        if any(not 0 < q < 100 for q in self.quantiles) or list(self.quantiles) != sorted(
            set(self.quantiles)
        ):
            raise ValueError("quantiles are whole percentages between 0 and 100, rising")
        return self


class Rates(_Entry):
    """How rates are estimated from the history (METHODS section 7)."""

    history_years: int = Field(
        default=3, ge=1, le=20, description="Years of history before census."
    )
    shrinkage_strength: float = Field(
        default=50.0,
        ge=0,
        description="k: person-years of the parent group's rate added to a cell.",
    )


class YearValue(_Entry):
    year: Year
    value: float = Field(ge=0)


class Programme(Basis):
    """A training programme: places commissioned each year become staff `length_years` later.

    With `from_role` it is an apprenticeship route: its students are staff of that role, who leave
    their posts in it (pro rata over its areas, sectors and ages) for the course; its intake is
    then also limited by that role's stock.
    """

    id: Identifier
    name: str = Field(min_length=1)
    role: str = Field(min_length=1, description="The framework role its completers join.")
    from_role: str | None = Field(
        default=None,
        min_length=1,
        description="An apprenticeship route: the framework role whose staff are its students.",
    )
    length_years: int = Field(ge=1, le=15)
    commissioned_places: PositiveValue = Field(description="Places commissioned a year.")
    commissioned_by_year: list[YearValue] = Field(
        default_factory=list,
        description="Places in named years, replacing `commissioned_places` there.",
    )
    fill_rate: ShareValue = Field(description="Share of commissioned places filled.")
    fill_rate_by_year: list[YearValue] = Field(
        default_factory=list,
        description="Fill rate in named years, replacing `fill_rate`'s central value there (a "
        "run's drawn fill rate moves it in proportion).",
    )
    placement_capacity: float | None = Field(
        default=None, ge=0, description="Most students who can start a year (placements)."
    )
    attrition: ShareValue = Field(description="Share of starters who do not complete the course.")
    local_share: ShareValue = Field(description="Share of completers taking local posts.")
    starting_age: list[int] = Field(
        default_factory=lambda: [21, 30],
        min_length=2,
        max_length=2,
        description="Completers start in post at ages spread evenly over this.",
    )
    sectors: dict[str, float] = Field(
        default_factory=lambda: {"nhs": 1.0}, description="Completers' spread over sectors."
    )
    students_now: list[float] = Field(
        default_factory=list,
        description="Students in each course year at the census (first year first).",
    )
    cost_per_place_year: float | None = Field(
        default=None,
        ge=0,
        description="GBP a student a course year (default: `[costing] cost_per_place_year`).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.from_role == self.role:
            raise ValueError("from_role is the role students come from: not the role they join")
        low, high = self.starting_age
        if not 16 <= low <= high <= 74:
            raise ValueError("starting_age is [youngest, oldest] within 16 to 74")
        if not self.sectors or abs(sum(self.sectors.values()) - 1.0) > 1e-6:
            raise ValueError("the sectors' shares must sum to 1")
        if len(self.students_now) > self.length_years:
            raise ValueError("students_now has more course years than the course")
        years = [v.year for v in self.commissioned_by_year]
        if len(years) != len(set(years)):
            raise ValueError("a year appears twice in commissioned_by_year")
        fills = [v.year for v in self.fill_rate_by_year]
        if len(fills) != len(set(fills)):
            raise ValueError("a year appears twice in fill_rate_by_year")
        if any(v.value > 1 for v in self.fill_rate_by_year):
            raise ValueError("fill_rate_by_year: a fill rate is a share from 0 to 1")
        if self.fill_rate_by_year and self.fill_rate.central <= 0:
            raise ValueError("fill_rate_by_year needs a fill_rate above 0 to scale from")
        return self


class Retention(Basis):
    """A multiplier on leaver rates (0.9 = a tenth fewer leave) for some staff, from a year on."""

    staff_group: str | None = None
    role: str | None = None
    sector: str | None = None
    leaver_rate_multiplier: PositiveValue
    from_year: Year | None = None
    cost_per_year: float = Field(
        default=0.0, ge=0, description="GBP a year spent on the measure while it runs."
    )


class InternationalRecruitment(Basis):
    role: str = Field(min_length=1)
    recruits_per_year: PositiveValue
    from_year: Year | None = None
    to_year: Year | None = None
    cost_per_recruit: float | None = Field(
        default=None, ge=0, description="GBP a recruit (default: `[costing] cost_per_recruit`)."
    )


class PayUplift(Basis):
    """A pay uplift above the pay award for some staff, from a year on: fewer of them leave.

    Their leaver rates are multiplied by `1 - turnover_elasticity x uplift` (at least 0), the
    elasticity drawn per run when it is an interval; the uplift is paid on their whole pay bill.
    """

    staff_group: str | None = None
    role: str | None = None
    sector: str | None = None
    uplift: float = Field(gt=0, le=1, description="0.03 = pay 3% above the award.")
    turnover_elasticity: PositiveValue = Field(
        description="Share of leavers kept per unit of uplift (2 = 3% more pay, 6% fewer leavers)."
    )
    from_year: Year | None = None


class Statutory(Basis):
    """A statutory approval (AMHP, section 12) projected as a stock of approved people.

    Values left out come from the store's history where it can tell first approvals from renewals,
    else from the defaults of docs/design/supply.md ("Statutory roles").
    """

    kind: Literal["amhp", "section_12"]
    trained_per_year: PositiveValue | None = Field(
        default=None,
        description="People newly approved a year after training (in the census year).",
    )
    trained_by_year: list[YearValue] = Field(
        default_factory=list,
        description="Newly approved in named years, replacing `trained_per_year` there.",
    )
    scale_with_eligible: bool = Field(
        default=True,
        description="Grow the newly approved with the eligible roles' projected headcount.",
    )
    eligible_roles: list[str] | None = Field(
        default=None, description="Framework roles whose staff may train for the approval."
    )
    lapse_at_reapproval: ShareValue | None = Field(
        default=None, description="Share of holders due for re-approval who do not renew."
    )

    @model_validator(mode="after")
    def _years_once(self) -> Self:
        years = [v.year for v in self.trained_by_year]
        if len(years) != len(set(years)):
            raise ValueError("a year appears twice in trained_by_year")
        return self


class ProductivityChange(Basis):
    """Minutes per contact multiplied (digital change, new ways of working), from a year on.

    Applies to the activities and queue handling times of the named services' named tasks (every
    one where a list is empty), reaching its full effect `phase_in_years` after `from_year`.
    """

    services: list[str] = Field(default_factory=list, description="Service ids; empty = all.")
    tasks: list[str] = Field(default_factory=list, description="Framework task ids; empty = all.")
    minutes_multiplier: PositiveValue = Field(description="0.9 = a tenth fewer minutes a contact.")
    from_year: Year | None = Field(default=None, description="Default: the base year.")
    phase_in_years: int = Field(default=0, ge=0, le=30)


class ServiceShift(Basis):
    """A change of service model: a service's users (or places, or arrivals) multiplied from a
    year on; a shift between settings is a pair (fewer in hospital, more at home); a change of
    coverage is a multiplier on a population-driven service."""

    service: str = Field(min_length=1, description="A service id of the specification.")
    users_multiplier: PositiveValue
    from_year: Year | None = Field(default=None, description="Default: the base year.")
    phase_in_years: int = Field(default=0, ge=0, le=30)


class Demand(_Entry):
    """Changes to the need the service specification describes."""

    productivity: list[ProductivityChange] = Field(default_factory=list)
    service_shifts: list[ServiceShift] = Field(default_factory=list)


class DelegationChange(Basis):
    """A delegation policy from a year on: which delegable tasks may be delegated, how much, and
    how many more support workers are trained for them a year."""

    tasks: list[str] = Field(
        default_factory=list, description="Delegable framework task ids; empty = every one."
    )
    allowed: bool = Field(default=True, description="False stops delegating these tasks.")
    max_share: float | None = Field(
        default=None, ge=0, le=1, description="Most of each task done under delegation."
    )
    trained_per_year: float = Field(
        default=0.0,
        ge=0,
        description="More workers trained for each of these tasks a year, over the region.",
    )
    from_year: Year | None = Field(default=None, description="Default: the base year.")


class NewRole(Basis):
    """A role the framework does not have yet (a multi-competency support worker, say): it takes
    `like_role`'s staff group, sector, rates and supervision; its staff may do `tasks` in their
    own right and `delegated_tasks` under delegation. Intake comes from programmes or
    international recruitment naming its id."""

    id: Identifier
    title: str = Field(min_length=1)
    like_role: str = Field(min_length=1, description="An existing framework role it resembles.")
    career_framework_level: int = Field(ge=1, le=9)
    tasks: list[str] = Field(default_factory=list)
    delegated_tasks: list[str] = Field(default_factory=list)
    annual_pay: float | None = Field(
        default=None, ge=0, description="GBP basic pay a year (default: `like_role`'s)."
    )


class PayOverride(Basis):
    role: str = Field(min_length=1)
    annual_pay: float = Field(ge=0, description="GBP basic pay a year for a full-time post.")


class Costing(_Entry):
    """The costs of a scenario, in cash terms at `base_year` prices (the 2025/26 pay year)."""

    base_year: Year = Field(default=2025, description="Prices of this financial year.")
    on_cost_rate: float | None = Field(
        default=None, ge=0, le=1, description="Employer on-costs on pay (default: figures.md)."
    )
    pay: list[PayOverride] = Field(default_factory=list, description="Pay by role overridden.")
    cost_per_place_year: float = Field(
        default=20_000.0, ge=0, description="GBP a training place a course year (assumption)."
    )
    cost_per_recruit: float = Field(
        default=12_000.0, ge=0, description="GBP an international recruit (assumption)."
    )
    cost_per_trained_worker: float = Field(
        default=400.0, ge=0, description="GBP to train a worker for a delegated task (assumption)."
    )
    basis: str = Field(
        default="assumption: the defaults of docs/design/scenarios.md",
        description="Where these figures come from.",
    )


class Allocation(_Entry):
    """How `careforce gap` and `careforce optimise` allocate need to staff (docs/design/gap.md)."""

    non_task_share: float = Field(
        default=0.2,
        ge=0,
        lt=1,
        description="Share of an FTE's available hours spent beyond the specified tasks "
        "(assumption by default: 20%).",
    )
    delegated_share_cap: float | None = Field(
        default=None, ge=0, le=1, description="Most of any task done under delegation."
    )
    network_tasks: list[str] = Field(
        default_factory=list,
        description="Tasks whose need staff of any area may meet (specialist services).",
    )
    travel_overhead: float = Field(
        default=0.0, ge=0, description="Extra time per hour of network work done away."
    )
    sample: int = Field(default=50, ge=0, description="Drawn runs allocated besides run 0.")


class Plan(_Entry):
    """The cheapest plan's target and its levers' limits and costs (docs/methods/cheapest-plan.md).

    figures.md has no published training, recruitment or retention costs: every default is an
    assumption, and `basis` says where a planner's own figures come from."""

    target_year: Year | None = Field(default=None, description="Default: the last year.")
    target_share: float = Field(
        default=0.0, ge=0, lt=1, description="Share of the need that may stay unmet."
    )
    budget_per_year: float | None = Field(default=None, ge=0, description="GBP a year.")
    cost_per_place_year: float = Field(default=20_000.0, ge=0, description="GBP a course year.")
    cost_per_recruit: float = Field(
        default=12_000.0, ge=0, description="GBP an international recruit."
    )
    ethical_cap_share: float = Field(
        default=0.02,
        ge=0,
        le=1,
        description="International recruits a year, at most this share of a registered role's FTE.",
    )
    retention_curve: list[list[float]] = Field(
        default_factory=lambda: [[0.0, 0.0], [500.0, 0.05], [1_500.0, 0.10], [3_000.0, 0.13]],
        description="(GBP a year per FTE in post, share of leavers kept) from (0, 0), concave.",
    )
    pay_uplift_max: float = Field(default=0.05, ge=0, le=1, description="Largest pay uplift.")
    pay_elasticity: float = Field(
        default=1.0, ge=0, description="Share of leavers kept per unit of pay uplift."
    )
    cost_per_trained_worker: float = Field(
        default=400.0, ge=0, description="GBP to train a support worker for a delegated task."
    )
    basis: str = Field(
        default="assumption: the defaults of docs/methods/cheapest-plan.md",
        description="Where these figures come from.",
    )

    @model_validator(mode="after")
    def _curve_points(self) -> Self:
        if any(len(point) != 2 for point in self.retention_curve):
            raise ValueError("retention_curve: give [spend, share kept] pairs")
        if not self.retention_curve or self.retention_curve[0] != [0.0, 0.0]:
            raise ValueError("retention_curve must start at [0, 0]")
        return self


class Scenario(_Entry):
    schema_version: Literal[1]
    name: str = Field(min_length=1)
    description: str = ""
    extends: str | None = Field(
        default=None, description="A scenario file this one starts from (relative path)."
    )
    data: Data
    projection: Projection = Projection()
    rates: Rates = Rates()
    programmes: list[Programme] = Field(default_factory=list)
    retention: list[Retention] = Field(default_factory=list)
    international_recruitment: list[InternationalRecruitment] = Field(default_factory=list)
    statutory: list[Statutory] = Field(default_factory=list)
    pay_uplifts: list[PayUplift] = Field(default_factory=list)
    demand: Demand = Demand()
    delegation: list[DelegationChange] = Field(default_factory=list)
    new_roles: list[NewRole] = Field(default_factory=list)
    costing: Costing = Costing()
    allocation: Allocation = Allocation()
    plan: Plan = Plan()

    @model_validator(mode="after")
    def _unique_programmes(self) -> Self:
        ids = [p.id for p in self.programmes]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"programme ids used twice: {', '.join(twice)}")
        roles = [r.id for r in self.new_roles]
        twice = sorted({i for i in roles if roles.count(i) > 1})
        if twice:
            raise ValueError(f"new role ids used twice: {', '.join(twice)}")
        kinds = [s.kind for s in self.statutory]
        twice = sorted({k for k in kinds if kinds.count(k) > 1})
        if twice:
            raise ValueError(f"statutory kinds given twice: {', '.join(twice)}")
        return self

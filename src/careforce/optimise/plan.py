"""The cheapest plan: a multi-year linear programme over the levers and the allocation (METHODS 8).

Built with linopy over labelled dimensions (year, area, task, group, programme, segment) and solved
with HiGHS. Per year: training commissions above the baseline (within placement capacity) whose
completers arrive after the course; international recruits (within the ethical cap); retention
spending (a concave piecewise-linear share of leavers kept) and a pay uplift (leavers kept in
proportion, at the cost of the uplift on the pay bill); support workers trained for delegated
tasks. The staff the plan adds or keeps are paid, and leave at their role's rate. Each year's
need is allocated as in METHODS section 6, with capacity the baseline's plus the plan's.

When the target cannot be met, the target rows are made elastic (a shortfall at a high price) to
find the nearest plan, and `diagnose` says which limits stand in the way, in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from careforce.optimise.highs import OPTIMAL, LpSolution, solve
from careforce.optimise.problem import PlanOptions, PlanProblem

LEVERS = (
    "training",
    "international recruitment",
    "retention",
    "pay uplift",
    "upskilling",
    "pay of added staff",
)
# An unmet hour before the target year (or with a target, any year) still costs a little, so
# each year's allocation stays sensible; far below any lever's cost per hour, so it never buys one.
STEER_PENALTY = 1.0
WAGE_WEIGHT = 1e-3  # the allocation's wages, only to pick the least costly competent person
SHORTFALL_PRICE = 1e6  # GBP per hour short of the target, when the target rows are elastic
TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class Plan:
    """The plan year by year; every array's first axis is the year (`years`)."""

    feasible: bool
    status: str
    diagnostics: tuple[str, ...]
    years: tuple[int, ...]
    places: np.ndarray  # [y, p] extra commissioned places starting in the year
    recruits: np.ndarray  # [y, g] extra international recruits
    retention_spend: np.ndarray  # [y, g] GBP
    leavers_kept_share: np.ndarray  # [y, g] share of the year's leavers kept (spending and pay)
    pay_uplift: np.ndarray  # [y, g] share of pay
    trained_workers: np.ndarray  # [y, l, t] support workers trained for a delegated task
    extra_fte: np.ndarray  # [y, g, l] FTE in post that the plan adds
    cost: dict[str, np.ndarray]  # lever -> [y] GBP
    unmet: np.ndarray  # [y, l, t] hours of need left unmet with the plan
    need: np.ndarray  # [y, l, t]
    shortfall: np.ndarray  # [y] hours above the target (0 in a feasible plan)
    objective: float

    @property
    def total_cost(self) -> np.ndarray:
        return np.sum([v for v in self.cost.values()], axis=0)


@dataclass(frozen=True, eq=False)
class _Built:
    model: linopy.Model
    variables: dict[str, linopy.Variable]
    need: np.ndarray


def _coords(p: PlanProblem) -> dict[str, pd.Index]:
    a = p.allocation
    return {
        "year": pd.Index(list(a.years), name="year"),
        "area": pd.Index(list(a.areas), name="area"),
        "task": pd.Index(list(a.tasks), name="task"),
        "group": pd.Index(list(a.groups), name="group"),
        "programme": pd.Index(list(p.programmes), name="programme"),
        "segment": pd.Index(list(range(len(p.segments))), name="segment"),
    }


def _array(values: np.ndarray, *dims: str, c: dict[str, pd.Index]) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, dtype=np.float64), coords=[c[d] for d in dims])


def _lagged(places: Any, lag: np.ndarray) -> Any:
    """`places` shifted forward by each programme's lag: row y holds the places of year y - lag.

    Places of year y are the intake that shows in year y's students; they complete, and join
    their role, in year y + course years - 1 (as in the projection's pipeline step)."""
    parts = []
    for i, d in enumerate(lag):
        parts.append(places.isel(programme=[i]).shift(year=int(d)).fillna(0))
    if not parts:
        return places  # no programme: an empty axis, which sums to nothing
    return linopy.merge(parts, dim="programme") if len(parts) > 1 else parts[0]


def build(p: PlanProblem, options: PlanOptions, *, elastic: bool, budget: bool) -> _Built:
    """The plan's linear programme (see the module docstring)."""
    a = p.allocation
    c = _coords(p)
    years = len(a.years)
    lever_years = xr.DataArray(np.arange(years) >= 1, coords=[c["year"]])
    need = np.asarray(a.hours[0]).transpose(1, 0, 2)  # [y, l, t]
    hours = _array(need, "year", "area", "task", c=c)
    own = _array(a.own, "task", "group", c=c).astype(bool)
    delegable = _array(a.delegable & ~a.own, "task", "group", c=c).astype(bool)
    supervisors = _array(a.supervisors, "task", "group", c=c).astype(bool)
    ratio = _array(a.supervision_ratio, "task", c=c)
    some_delegated = delegable.any("group")
    m = linopy.Model()
    v: dict[str, linopy.Variable] = {}
    v["places"] = m.add_variables(
        lower=0,
        upper=_array(p.extra_places_max, "year", "programme", c=c).where(lever_years, 0.0),
        name="places",
        mask=xr.DataArray(p.programme_role >= 0, coords=[c["programme"]]),
    )
    v["recruits"] = m.add_variables(
        lower=0,
        upper=_array(p.recruits_max, "year", "group", c=c).where(lever_years, 0.0),
        name="recruits",
    )
    stock = _array(p.baseline_stock, "year", "group", c=c)
    widths = xr.DataArray([w for w, _ in p.segments], coords=[c["segment"]])
    slopes = xr.DataArray([s for _, s in p.segments], coords=[c["segment"]])
    v["spend"] = m.add_variables(
        lower=0, upper=(widths * stock).where(lever_years, 0.0), name="spend"
    )
    v["kept"] = m.add_variables(lower=0, upper=1, coords=[c["year"], c["group"]], name="kept")
    v["uplift"] = m.add_variables(
        lower=0,
        upper=xr.DataArray(np.full(years, p.pay_uplift_max), coords=[c["year"]]).where(
            lever_years, 0.0
        ),
        coords=[c["year"], c["group"]],
        name="uplift",
    )
    # Apprentices leave their source role's staff, so its extra stock may fall below zero, but
    # never below minus the role's baseline staff in the area.
    baseline_here = _array(p.baseline_stock, "year", "group", c=c) * _array(
        p.leaver_area_share, "group", "area", c=c
    )
    v["extra"] = m.add_variables(
        lower=-baseline_here.transpose("year", "group", "area"),
        coords=[c["year"], c["group"], c["area"]],
        name="extra",
    )
    allowed = own | delegable
    v["work"] = m.add_variables(
        lower=0, coords=[c["year"], c["area"], c["task"], c["group"]], name="work", mask=allowed
    )
    v["supervise"] = m.add_variables(
        lower=0,
        coords=[c["year"], c["area"], c["task"], c["group"]],
        name="supervise",
        mask=supervisors & some_delegated,
    )
    v["unmet"] = m.add_variables(lower=0, coords=[c["year"], c["area"], c["task"]], name="unmet")
    places, work, supervise = (v[k].fillna(0) for k in ("places", "work", "supervise"))

    # Retention: the share of leavers kept, by spending (concave) and by the pay uplift.
    safe_stock = stock.where(stock > 0, 1.0)
    m.add_constraints(
        v["kept"]
        - (slopes * v["spend"] / safe_stock).sum("segment")
        - p.pay_elasticity * v["uplift"]
        <= 0,
        name="retention_effect",
    )
    # The plan's extra staff: survivors of last year, arrivals, and leavers kept this year.
    role_of = np.zeros((len(p.programmes), len(a.groups)))
    for i, g in enumerate(p.programme_role):
        if g >= 0:
            role_of[i, g] = 1.0
    completers = (
        _lagged(places, np.asarray(p.course_years) - 1)
        * _array(p.fill_rate * p.completion * p.local_share, "programme", c=c)
        * _array(p.programme_area_share, "programme", "area", c=c)
        * _array(role_of, "programme", "group", c=c)
    ).sum("programme")
    joiner_fte = _array(p.fte_per_joiner, "group", c=c)
    arrivals = (
        completers + v["recruits"] * _array(p.recruit_area_share, "group", "area", c=c)
    ) * joiner_fte
    kept_fte = (
        v["kept"]
        * _array(p.baseline_leavers, "year", "group", c=c)
        * _array(p.leaver_area_share, "group", "area", c=c)
    )
    survivors = (v["extra"] * _array(p.survival, "group", c=c)).shift(year=1).fillna(0)
    source_of = np.zeros((len(p.programmes), len(a.groups)))
    for i, g in enumerate(np.asarray(p.programme_source)):
        if g >= 0:
            source_of[i, g] = 1.0
    starters = (
        (
            places
            * _array(p.fill_rate, "programme", c=c)
            * _array(source_of, "programme", "group", c=c)
        ).sum("programme")
        * _array(p.leaver_area_share, "group", "area", c=c)
        * joiner_fte
    )
    m.add_constraints(v["extra"] - survivors - arrivals - kept_fte + starters == 0, name="stock")

    # Each year's allocation (METHODS 6) with the plan's staff added to the baseline's.
    base = _array(np.asarray(a.fte[0]).transpose(1, 0, 2), "year", "area", "group", c=c)
    per_fte = _array(a.task_hours_per_fte, "group", c=c)
    share = _array(p.available_share, "group", "area", c=c)
    m.add_constraints(work.sum("group") + v["unmet"] == hours, name="demand")
    m.add_constraints(
        work.sum("task") + supervise.sum("task") - v["extra"] * share * per_fte <= base * per_fte,
        name="capacity",
    )
    delegated = (work * delegable.astype(float)).sum("group")
    m.add_constraints(
        supervise.sum("group") - ratio * delegated >= 0, name="supervision", mask=some_delegated
    )
    cap = _array(a.max_delegated_share, "task", c=c)
    m.add_constraints(delegated <= cap * hours, name="delegated_share", mask=some_delegated)
    if p.delegation_hours is not None:
        v["trained"] = m.add_variables(
            lower=0,
            coords=[c["year"], c["area"], c["task"]],
            name="trained",
            mask=some_delegated & lever_years,
        )
        trained = v["trained"].fillna(0)
        cumulative = trained.cumsum("year") if hasattr(trained, "cumsum") else trained
        m.add_constraints(
            delegated - p.hours_per_trained_worker * cumulative
            <= _array(p.delegation_hours, "area", "task", c=c),
            name="trained_capacity",
            mask=some_delegated,
        )

    cost = _costs(p, v, c, years)
    total_cost: Any = sum(cost.values())
    unmet_by_year = v["unmet"].sum(["area", "task"])
    need_by_year = hours.sum(["area", "task"])
    penalty = _array(a.penalty / a.penalty.max() if a.penalty.max() > 0 else a.penalty, "task", c=c)
    objective = (
        total_cost.sum() + WAGE_WEIGHT * (work * _array(a.cost_per_hour, "group", c=c)).sum()
    )
    if options.target_year is None:
        objective = objective + (options.unmet_penalty * penalty * v["unmet"]).sum()
    else:
        objective = objective + (STEER_PENALTY * penalty * v["unmet"]).sum()
        from_target = xr.DataArray(np.asarray(a.years) >= options.target_year, coords=[c["year"]])
        limit = options.target_unmet_share * need_by_year
        if options.margin is not None:
            limit = (limit - xr.DataArray(list(options.margin), coords=[c["year"]])).clip(min=0)
        if elastic:
            v["shortfall"] = m.add_variables(
                lower=0, coords=[c["year"]], name="shortfall", mask=from_target
            )
            short = v["shortfall"].fillna(0)
            m.add_constraints(unmet_by_year - short <= limit, name="target", mask=from_target)
            objective = objective + SHORTFALL_PRICE * short.sum()
        else:
            m.add_constraints(unmet_by_year <= limit, name="target", mask=from_target)
    if budget and options.budget is not None:
        limits = np.asarray(options.budget, dtype=np.float64)
        if limits.shape != (years,):
            raise ValueError(f"give a budget for each of the {years} years, or none")
        m.add_constraints(total_cost <= xr.DataArray(limits, coords=[c["year"]]), name="budget")
    m.add_objective(objective)
    return _Built(m, v, need)


def _costs(
    p: PlanProblem, v: dict[str, linopy.Variable], c: dict[str, pd.Index], years: int
) -> dict[str, Any]:
    """Each lever's cost by year (GBP, cash)."""
    places = v["places"].fillna(0)
    in_course = []
    for i, d in enumerate(p.course_years):
        one = places.isel(programme=[i])
        total = one
        for k in range(1, int(d)):
            total = total + one.shift(year=k).fillna(0)
        in_course.append(total)
    if not in_course:
        students: Any = places
    elif len(in_course) == 1:
        students = in_course[0]
    else:
        students = linopy.merge(in_course, dim="programme")
    stock = _array(p.baseline_stock, "year", "group", c=c)
    pay = _array(p.annual_pay, "group", c=c)
    out = {
        "training": (students * _array(p.cost_per_place_year, "programme", c=c)).sum("programme"),
        "international recruitment": (v["recruits"] * _array(p.cost_per_recruit, "group", c=c)).sum(
            "group"
        ),
        "retention": v["spend"].sum(["group", "segment"]),
        "pay uplift": (v["uplift"] * pay * stock).sum("group"),
        "pay of added staff": (v["extra"] * pay).sum(["group", "area"]),
    }
    if "trained" in v:
        out["upskilling"] = p.cost_per_trained_worker * v["trained"].fillna(0).sum(["area", "task"])
    return out


def _read(
    p: PlanProblem, built: _Built, solution: LpSolution, diagnostics: tuple[str, ...]
) -> Plan:
    v = built.variables
    a = p.allocation
    years = len(a.years)
    c = _coords(p)
    cost_expr = _costs(p, v, c, years)
    cost = {}
    for lever in LEVERS:
        if lever in cost_expr:
            expr = cost_expr[lever]
            coeffs = expr.coeffs.values
            labels = expr.vars.values
            # Terms without a variable (label -1) may carry a NaN coefficient after a shift:
            # they add nothing, and must not turn the year's sum into NaN.
            present = labels >= 0
            values = np.where(present, solution._values[np.maximum(labels, 0)], 0.0)
            terms = np.where(present, np.nan_to_num(coeffs, nan=0.0) * values, 0.0)
            cost[lever] = terms.sum(axis=-1) + np.nan_to_num(np.asarray(expr.const.values))
        else:
            cost[lever] = np.zeros(years)
    shortfall = solution.value(v["shortfall"]) if "shortfall" in v else np.zeros(years)
    trained = (
        solution.value(v["trained"])
        if "trained" in v
        else np.zeros((years, len(a.areas), len(a.tasks)))
    )
    return Plan(
        feasible=not diagnostics,
        status=solution.status,
        diagnostics=diagnostics,
        years=tuple(a.years),
        places=solution.value(v["places"], ("year", "programme")),
        recruits=solution.value(v["recruits"], ("year", "group")),
        retention_spend=solution.value(v["spend"], ("year", "group", "segment")).sum(axis=-1),
        leavers_kept_share=solution.value(v["kept"], ("year", "group")),
        pay_uplift=solution.value(v["uplift"], ("year", "group")),
        trained_workers=trained,
        extra_fte=solution.value(v["extra"], ("year", "group", "area")),
        cost=cost,
        unmet=solution.value(v["unmet"], ("year", "area", "task")),
        need=built.need,
        shortfall=shortfall,
        objective=solution.objective,
    )


def cheapest_plan(p: PlanProblem, options: PlanOptions = PlanOptions()) -> Plan:
    """The least costly plan that meets the options' target within the budget; failing that, the
    nearest plan, with the reasons in `diagnostics` (see `careforce.optimise.diagnose`)."""
    from careforce.optimise.diagnose import explain

    with linopy.options as settings:
        settings["semantics"] = "v1"
        built = build(p, options, elastic=False, budget=True)
        solution = solve(built.model)
        if solution.status == OPTIMAL:
            return _read(p, built, solution, ())
        if options.target_year is None:
            raise RuntimeError(f"the plan's linear programme ended {solution.status!r}")
        # The target cannot be met: the nearest plan within the budget, and without it.
        near = build(p, options, elastic=True, budget=True)
        near_solution = solve(near.model)
        free = build(p, options, elastic=True, budget=False)
        free_solution = solve(free.model)
        for s in (near_solution, free_solution):
            if s.status != OPTIMAL:
                raise RuntimeError(f"the plan's elastic linear programme ended {s.status!r}")
        unlimited = _read(p, free, free_solution, ("unlimited",))
        reasons = explain(p, options, unlimited)
        return _read(p, near, near_solution, reasons)

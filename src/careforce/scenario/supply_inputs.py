"""From the store's posts, the rates estimated from history and a scenario to the supply engine's
arrays (`SupplyModel`) and the per-run multipliers drawn from named streams (`RunParameters`).

Conventions (docs/design/supply.md):
- The starting stock is the posts in post on the census date, each post one head in its cell
  (role, area, sector, age at the census); a person with posts in two cells is a head in each.
  A post whose holder's age is unknown is spread over the ages of its role's other posts.
- A cell's leaving probability at age a is the role's non-retirement leaver rate for a's band, less
  the role's moves to other roles (moves are their own flow), plus the staff group's retirement
  hazard at a from age 50 (below 50, the band's retirement rate).
- Row t of every year-varying input is the year that turns the stock of year y0 + t into that of
  y0 + t + 1, and is labelled y0 + t + 1: a lever "from 2028" acts on the rows labelled 2028 on.
- A role the scenario names (a programme's role or `from_role`, a recruitment's role, a new role)
  with no staff in the store is carried with no starting stock. A role with no leaver history takes its staff
  group's rates in the sector (what shrinkage gives a cell with no exposure: its parent's rate),
  and its leaver multiplier is drawn from the staff group's interval.
- New joiners arrive at the FTE per head of the role's recent joiners where the history has any
  (`joiner_fte_per_head` of the rates: shrunk towards the role's stock), else at the role's
  starting FTE per head.
- A pay uplift multiplies the leaver rates of the staff it covers by `max(0, 1 - e x uplift)` from
  its `from_year` (e the turnover elasticity, central in the model; drawn per run, see
  `draw_supply_parameters`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np
import polars as pl

from careforce.sampling import Kind, Uncertain, draw, uniforms
from careforce.scenario.schema import PayUplift, Programme, Retention, Scenario
from careforce.supply.model import (
    AGE_MAX,
    AGE_MIN,
    NO_SOURCE_ROLE,
    RunParameters,
    SupplyModel,
    starting_fte_per_head,
)

AGES = np.arange(AGE_MIN, AGE_MAX + 1)
NO_PLACEMENT_LIMIT = 1e12  # a programme with no placement capacity stated
RETIREMENT_HAZARD_FROM_AGE = 50
# Retire and return (METHODS section 4, step 2): S24 (figures.md 2.4): 44% of NHS nursing staff who
# retired in a year returned; the FTE they return at is an assumption (part-time, 0.6).
RETURN_RATE = {"registered_nursing_midwifery": 0.44}
RETURN_FTE_PER_HEAD = 0.6


class Rates(Protocol):
    """The rates estimated from history that the model needs (careforce.services.rates)."""

    @property
    def leavers(self) -> pl.DataFrame: ...
    @property
    def leavers_by_role(self) -> pl.DataFrame: ...
    @property
    def joiners_by_role(self) -> pl.DataFrame: ...
    @property
    def joiner_ages(self) -> pl.DataFrame: ...
    @property
    def retirement_hazard(self) -> pl.DataFrame: ...
    @property
    def progression(self) -> pl.DataFrame: ...
    @property
    def joiner_fte_per_head(self) -> pl.DataFrame: ...


def _band_ages(band: str) -> tuple[int, int]:
    if band.endswith("+"):
        return int(band[:-1]), AGE_MAX
    low, high = band.split("-")
    return int(low), int(high)


def _age_index(ages: np.ndarray) -> np.ndarray:
    return np.clip(ages, AGE_MIN, AGE_MAX) - AGE_MIN


def starting_posts(posts: pl.DataFrame, census_date: dt.date) -> pl.DataFrame:
    """Posts in post on the census date: role_id, area_code, sector, age (null when unknown), fte."""
    on = pl.lit(census_date)
    return posts.filter(
        (pl.col("start_date") <= on) & (pl.col("end_date").is_null() | (pl.col("end_date") >= on))
    ).select(
        "role_id",
        pl.col("locality_code").alias("area_code"),
        pl.col("sector").fill_null("unassigned"),
        (census_date.year - pl.col("year_of_birth")).alias("age"),
        pl.col("fte").cast(pl.Float64),
    )


def _stock(
    start: pl.DataFrame, roles: list[str], areas: list[str], sectors: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    shape = (len(roles), len(areas), len(sectors), len(AGES))
    headcount, fte = np.zeros(shape), np.zeros(shape)
    g = np.array([roles.index(r) for r in start["role_id"]], dtype=np.int64)
    lo = np.array([areas.index(a) for a in start["area_code"]], dtype=np.int64)
    c = np.array([sectors.index(s) for s in start["sector"]], dtype=np.int64)
    age = start["age"].to_numpy(allow_copy=True)
    known = ~np.isnan(age.astype(np.float64))
    a = _age_index(np.nan_to_num(age.astype(np.float64)).astype(np.int64))
    values = start["fte"].to_numpy()
    np.add.at(headcount, (g[known], lo[known], c[known], a[known]), 1.0)
    np.add.at(fte, (g[known], lo[known], c[known], a[known]), values[known])
    profile = headcount.sum(axis=(1, 2))  # [g, a]: where a post of unknown age is spread
    for i in np.nonzero(~known)[0]:
        weights = profile[g[i]] if profile[g[i]].sum() > 0 else np.ones(len(AGES))
        weights = weights / weights.sum()
        headcount[g[i], lo[i], c[i]] += weights
        fte[g[i], lo[i], c[i]] += weights * values[i]
    return headcount, fte


def _by_band(frame: pl.DataFrame, column: str) -> dict[tuple[str, str], np.ndarray]:
    """(role, sector) -> value at each single age from a frame with an age_band column."""
    out: dict[tuple[str, str], np.ndarray] = {}
    for row in frame.filter(pl.col("age_band") != "unknown").iter_rows(named=True):
        low, high = _band_ages(row["age_band"])
        key = (row["role_id"], row["sector"])
        values = out.setdefault(key, np.full(len(AGES), np.nan))
        values[_age_index(np.arange(low, high + 1))] = row[column]
    return out


def _fill_ages(values: np.ndarray) -> np.ndarray:
    """Ages no band covers take the nearest covered age's value (0 when none is covered)."""
    known = ~np.isnan(values)
    if not known.any():
        return np.zeros_like(values)
    idx = np.nonzero(known)[0]
    nearest = idx[np.abs(np.arange(len(values))[:, None] - idx[None, :]).argmin(axis=1)]
    return values[nearest]


def _leaving(
    rates: Rates, roles: list[str], sectors: list[str], groups: Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Leaving probability q[g, c, a] and the share of leavers who retire."""

    Banded = dict[tuple[str, str], np.ndarray]

    def banded(frame: pl.DataFrame) -> tuple[Banded, Banded]:
        leave = frame.with_columns(
            (pl.col("rate") - pl.col("retirement_rate")).clip(0.0).alias("other")
        )
        return _by_band(leave, "other"), _by_band(leave, "retirement_rate")

    by_role = banded(rates.leavers_by_role)
    by_group = banded(rates.leavers.with_columns(pl.col("staff_group").alias("role_id")))
    history = {role for role, _ in by_role[0]}
    hazard = {
        (r["staff_group"], r["age"]): r["rate"]
        for r in rates.retirement_hazard.iter_rows(named=True)
    }
    moves = rates.progression.group_by("from_role_id").agg(pl.col("rate").sum())
    move_out = dict(moves.iter_rows())
    q = np.zeros((len(roles), len(sectors), len(AGES)))
    share = np.zeros_like(q)
    for gi, role in enumerate(roles):
        group = groups.get(role, "all")
        own = role if role in history else group  # no history: the staff group's rates
        other, retire_band = by_role if role in history else by_group
        for ci, sector in enumerate(sectors):
            key = (own, sector)
            if key not in other:  # a sector this role has no history in: any sector's rates
                key = next((k for k in other if k[0] == own), key)
            base = _fill_ages(other.get(key, np.full(len(AGES), np.nan)))
            base = np.clip(base - move_out.get(role, 0.0), 0.0, None)
            retire = _fill_ages(retire_band.get(key, np.full(len(AGES), np.nan)))
            for ai, age in enumerate(AGES):
                if age >= RETIREMENT_HAZARD_FROM_AGE:
                    retire[ai] = hazard.get((group, age), hazard.get(("all", age), retire[ai]))
            total = np.clip(base + retire, 0.0, 1.0)
            q[gi, ci] = total
            share[gi, ci] = np.where(
                total > 0, np.minimum(retire, total) / np.where(total > 0, total, 1), 0.0
            )
    q[:, :, -1] = 1.0  # everyone leaves at the last age (the engine's ageing step counts them)
    share[:, :, -1] = 1.0
    return q, share


def _joiners(rates: Rates, roles: list[str], sectors: list[str]) -> tuple[np.ndarray, np.ndarray]:
    rate = np.zeros((len(roles), len(sectors)))
    for row in rates.joiners_by_role.iter_rows(named=True):
        if row["role_id"] in roles and row["sector"] in sectors:
            rate[roles.index(row["role_id"]), sectors.index(row["sector"])] = row["rate"]
    ages = np.zeros((len(roles), len(AGES)))
    for row in rates.joiner_ages.filter(pl.col("age_band") != "unknown").iter_rows(named=True):
        if row["role_id"] in roles:
            low, high = _band_ages(row["age_band"])
            span = _age_index(np.arange(low, high + 1))
            ages[roles.index(row["role_id"]), span] += row["share"] / len(span)
    return rate, ages


def _spread(stock: np.ndarray, weights: Mapping[str, float], sectors: list[str]) -> np.ndarray:
    """[l, c] shares: sectors by `weights`, areas by the role's stock in the sector (else evenly)."""
    by_area = stock.sum(axis=-1)  # [l, c]
    out = np.zeros(by_area.shape)
    for sector, weight in weights.items():
        if sector not in sectors:
            continue
        c = sectors.index(sector)
        column = by_area[:, c] if by_area[:, c].sum() > 0 else by_area.sum(axis=1)
        if column.sum() == 0:
            column = np.ones(by_area.shape[0])
        out[:, c] = weight * column / column.sum()
    total = out.sum()
    return out / total if total > 0 else out


def _year_values(p: Programme, labels: list[int]) -> np.ndarray:
    """Commissioned places by year. A fill rate named for a year enters as places scaled by its
    ratio to the central fill rate: the intake (places x fill, then the placement limit) is then
    that year's, and a run's drawn fill rate moves it in proportion."""
    by_year = {v.year: v.value for v in p.commissioned_by_year}
    fill = {v.year: v.value / p.fill_rate.central for v in p.fill_rate_by_year}
    return np.array(
        [by_year.get(year, p.commissioned_places.central) * fill.get(year, 1.0) for year in labels]
    )


def _net_of_pipeline(
    joiner_rate: np.ndarray,
    headcount: np.ndarray,
    programmes: list[Programme],
    roles: list[str],
    sectors: list[str],
) -> np.ndarray:
    """Joiner rates less today's completers, so the pipeline is not counted twice.

    The history's joiners include the newly qualified of today's pipeline; the pipeline step adds
    completers explicitly, so a role's rate of other joiners is what is left once today's
    completers are taken out, never below zero. Today's completers are a fact of the census, not a
    lever: the students in a programme's last course year (`students_now`) who complete and take
    local posts. A programme without `students_now` takes nothing out. Extra commissions in a
    scenario then add to supply.
    """
    out = joiner_rate.copy()
    stock = headcount.sum(axis=(1, 3))  # [g, c]
    for p in programmes:
        g = roles.index(p.role)
        completers = _completing_now(p)
        for sector, share in p.sectors.items():
            c = sectors.index(sector)
            if stock[g, c] > 0:
                out[g, c] = max(0.0, out[g, c] - completers * share / stock[g, c])
    return out


def _completing_now(p: Programme) -> float:
    """The students of a programme's last course year at the census who complete and take local
    posts (0 without `students_now` for that year)."""
    if len(p.students_now) < p.length_years:
        return 0.0
    per_year = 1.0 - (1.0 - p.attrition.central) ** (1.0 / p.length_years)
    return p.students_now[p.length_years - 1] * (1.0 - per_year) * p.local_share.central


def _net_of_routes(
    move_rate: np.ndarray, headcount: np.ndarray, programmes: list[Programme], roles: list[str]
) -> np.ndarray:
    """Move rates less today's completers of the apprenticeship routes, never below zero.

    A route's completers left their source role for the course and now join the programme's
    role: where the history shows that move, it counts them, and the route adds them explicitly.
    So the rate from the source role to the programme's role loses today's completers over the
    source role's stock (as `_net_of_pipeline` does for joiner rates).
    """
    out = move_rate.copy()
    stock = headcount.sum(axis=(1, 2, 3))
    for p in programmes:
        if p.from_role is None:
            continue
        s, g = roles.index(p.from_role), roles.index(p.role)
        if stock[s] > 0:
            out[s, g] = max(0.0, out[s, g] - _completing_now(p) / stock[s])
    return out


def _joiner_fte_per_head(
    rates: Rates, roles: list[str], headcount: np.ndarray, fte: np.ndarray
) -> np.ndarray:
    """Each role's joiners' FTE per head: from the history's recent joiners where it has any,
    else the role's starting FTE per head (1 where it has no staff)."""
    value = starting_fte_per_head(headcount, fte)
    found = rates.joiner_fte_per_head.filter(pl.col("fte_per_head").is_not_null())
    for role, per_head in found.select("role_id", "fte_per_head").iter_rows():
        if role in roles:
            value[roles.index(role)] = per_head
    return value


def supply_model(
    posts: pl.DataFrame,
    rates: Rates,
    scenario: Scenario,
    role_groups: Mapping[str, str],
) -> SupplyModel:
    """The engine's model of `scenario` over its horizon (see the module notes)."""
    census = scenario.data.census_date
    years = scenario.projection.years
    labels = [census.year + t + 1 for t in range(years)]
    start = starting_posts(posts, census)
    named = [p.role for p in scenario.programmes] + [
        i.role for i in scenario.international_recruitment
    ]
    named += [p.from_role for p in scenario.programmes if p.from_role is not None]
    named += [r.id for r in scenario.new_roles]
    moved = rates.progression["to_role_id"].to_list()
    roles = sorted(set(start["role_id"].to_list()) | set(named) | set(moved))
    areas = sorted(set(start["area_code"].to_list()))
    sector_weights = [s for p in scenario.programmes for s in p.sectors]
    sectors = sorted(set(start["sector"].to_list()) | set(sector_weights))
    headcount, fte = _stock(start, roles, areas, sectors)
    q, retire_share = _leaving(rates, roles, sectors, role_groups)
    joiner_rate, joiner_age = _joiners(rates, roles, sectors)
    empty_age = joiner_age.sum(axis=1) == 0  # no joiners seen: the role's own age profile
    profile = headcount.sum(axis=(1, 2))
    for role_index in np.nonzero(empty_age)[0]:
        seen = profile[role_index]
        joiner_age[role_index] = seen if seen.sum() > 0 else np.ones(len(AGES))
    joiner_age /= joiner_age.sum(axis=1, keepdims=True)  # joiners of unknown age as the others
    move = np.zeros((len(roles), len(roles)))
    for row in rates.progression.iter_rows(named=True):
        if row["from_role_id"] in roles and row["to_role_id"] in roles:
            move[roles.index(row["from_role_id"]), roles.index(row["to_role_id"])] += row["rate"]
    np.fill_diagonal(move, 0.0)

    intl = np.zeros((years, len(roles)))
    intl_spread = np.zeros((len(roles), len(areas), len(sectors)))
    for recruit in scenario.international_recruitment:
        g = roles.index(recruit.role)
        for t, year in enumerate(labels):
            if (recruit.from_year or 0) <= year <= (recruit.to_year or 9999):
                intl[t, g] += recruit.recruits_per_year.central
        stock_sectors = {s: 1.0 for s in sectors if headcount[g, :, sectors.index(s)].sum() > 0}
        weights = stock_sectors or {sectors[0]: 1.0}
        share = _spread(
            headcount[g], {s: w / sum(weights.values()) for s, w in weights.items()}, sectors
        )
        intl_spread[g] = share

    programmes = scenario.programmes
    longest = max((p.length_years for p in programmes), default=1)
    attrition = np.zeros((len(programmes), longest))
    students = np.zeros((len(programmes), longest))
    start_age = np.zeros((len(programmes), len(AGES)))
    spread = np.zeros((len(programmes), len(areas), len(sectors)))
    for i, p in enumerate(programmes):
        per_year = 1.0 - (1.0 - p.attrition.central) ** (1.0 / p.length_years)
        attrition[i, : p.length_years] = per_year
        students[i, : len(p.students_now)] = p.students_now
        low, high = p.starting_age
        start_age[i, _age_index(np.arange(low, high + 1))] = 1.0 / (high - low + 1)
        spread[i] = _spread(headcount[roles.index(p.role)], p.sectors, sectors)

    retention = np.ones((years, len(roles), len(sectors)))
    levers: list[tuple[Retention | PayUplift, float]] = [
        (lever, lever.leaver_rate_multiplier.central) for lever in scenario.retention
    ]
    levers += [(lever, float(pay_uplift_factor(lever, None))) for lever in scenario.pay_uplifts]
    for lever, factor in levers:
        rows = [t for t, year in enumerate(labels) if year >= (lever.from_year or 0)]
        for g, role in enumerate(roles):
            if lever.role not in (None, role):
                continue
            if lever.staff_group not in (None, role_groups.get(role)):
                continue
            for c, sector in enumerate(sectors):
                if lever.sector in (None, sector):
                    retention[rows, g, c] *= factor

    joiner_rate = _net_of_pipeline(joiner_rate, headcount, programmes, roles, sectors)
    move = _net_of_routes(move, headcount, programmes, roles)
    groups = [role_groups.get(r, "") for r in roles]
    return SupplyModel(
        roles=tuple(roles),
        areas=tuple(areas),
        sectors=tuple(sectors),
        programmes=tuple(p.id for p in programmes),
        headcount=headcount,
        fte=fte,
        leaver_rate=q,
        retire_share=retire_share,
        return_rate=np.array([RETURN_RATE.get(g, 0.0) for g in groups]),
        return_fte_per_head=np.full(len(roles), RETURN_FTE_PER_HEAD),
        move_rate=move,
        joiner_rate=joiner_rate,
        joiner_age_share=joiner_age,
        international_recruits=intl,
        international_spread=intl_spread,
        commissioned_places=np.array([_year_values(p, labels) for p in programmes]).T.reshape(
            years, len(programmes)
        ),
        fill_rate=np.array([p.fill_rate.central for p in programmes]),
        placement_capacity=np.array(
            [
                [NO_PLACEMENT_LIMIT if p.placement_capacity is None else p.placement_capacity]
                * years
                for p in programmes
            ]
        ).T.reshape(years, len(programmes)),
        attrition_rate=attrition,
        course_length_years=np.array([p.length_years for p in programmes], dtype=np.int64),
        programme_role=np.array([roles.index(p.role) for p in programmes], dtype=np.int64),
        programme_source_role=np.array(
            [
                NO_SOURCE_ROLE if p.from_role is None else roles.index(p.from_role)
                for p in programmes
            ],
            dtype=np.int64,
        ),
        joiner_fte_per_head=_joiner_fte_per_head(rates, roles, headcount, fte),
        local_share=np.array([p.local_share.central for p in programmes]),
        programme_spread=spread,
        start_age_share=start_age,
        students=students,
        retention=retention,
    )


def pay_uplift_factor(lever: PayUplift, elasticity: np.ndarray | None) -> np.ndarray:
    """The multiplier on leaver rates of a pay uplift: `max(0, 1 - elasticity x uplift)`, at the
    central elasticity when `elasticity` is None."""
    e = lever.turnover_elasticity.central if elasticity is None else elasticity
    return np.maximum(0.0, 1.0 - np.asarray(e, dtype=np.float64) * lever.uplift)


def _role_interval(
    frame: pl.DataFrame, role: str, weight: str = "exposure", column: str = "role_id"
) -> Uncertain | None:
    """A role's (or with `column="staff_group"` a staff group's) rate and 80% interval, its cells
    weighted by exposure (None when it has none)."""
    rows = frame.filter((pl.col(column) == role) & (pl.col(weight) > 0))
    if rows.height == 0:
        return None
    w = rows[weight].to_numpy()
    central, low, high = (
        float(np.average(rows[c].to_numpy(), weights=w)) for c in ("rate", "low", "high")
    )
    if central <= 0 or not low <= central <= high:
        return None
    return Uncertain(central, low, high)


def draw_supply_parameters(
    model: SupplyModel,
    scenario: Scenario,
    rates: Rates,
    role_groups: Mapping[str, str],
    *,
    runs: np.ndarray,
) -> RunParameters:
    """Per-run multipliers from named streams: run r's draws depend only on (seed, name, r).

    Leaver and joiner multipliers are a role's rate drawn from its 80% interval over its central
    rate; a retention lever given as an interval multiplies the leaver multiplier of the roles it
    covers by its draw over its central value; a pay uplift whose elasticity is an interval, by
    its factor at the drawn elasticity over its factor at the central one (stream
    `supply.pay_uplift.{i}`); fill rates are drawn per programme. Like a retention lever's, the
    drawn ratio scales the run's leaver rates over the whole horizon.
    """
    seed = scenario.projection.seed
    runs = np.asarray(runs, dtype=np.int64)

    def multiplier(stream: str, value: Uncertain | None, kind: Kind) -> np.ndarray:
        if value is None or value.is_point:
            return np.ones(len(runs))
        return draw(value, kind, uniforms(seed, stream, runs), runs) / value.central

    leaver = np.ones((len(runs), len(model.roles)))
    joiner = np.ones_like(leaver)
    for g, role in enumerate(model.roles):
        leaving = _role_interval(rates.leavers_by_role, role) or _role_interval(
            rates.leavers, role_groups.get(role, ""), column="staff_group"
        )  # a role with no history has its staff group's rates (see the module notes)
        leaver[:, g] = multiplier(f"supply.leavers.{role}", leaving, Kind.SHARE)
        joiner[:, g] = multiplier(
            f"supply.joiners.{role}", _role_interval(rates.joiners_by_role, role), Kind.POSITIVE
        )
    for i, lever in enumerate(scenario.retention):
        factor = multiplier(f"supply.retention.{i}", lever.leaver_rate_multiplier, Kind.POSITIVE)
        for g, role in enumerate(model.roles):
            if lever.role in (None, role) and lever.staff_group in (None, role_groups.get(role)):
                leaver[:, g] *= factor
    for i, uplift in enumerate(scenario.pay_uplifts):
        elasticity = uplift.turnover_elasticity
        drawn = elasticity.central * multiplier(f"supply.pay_uplift.{i}", elasticity, Kind.POSITIVE)
        central = float(pay_uplift_factor(uplift, None))
        ratio = pay_uplift_factor(uplift, drawn) / central if central > 0 else np.ones(len(runs))
        for g, role in enumerate(model.roles):
            if uplift.role in (None, role) and uplift.staff_group in (None, role_groups.get(role)):
                leaver[:, g] *= ratio
    intl = np.ones_like(leaver)
    for recruit in scenario.international_recruitment:
        g = model.roles.index(recruit.role)
        intl[:, g] = multiplier(
            f"supply.international.{recruit.role}", recruit.recruits_per_year, Kind.POSITIVE
        )
    fill = np.empty((len(runs), len(model.programmes)))
    for i, p in enumerate(scenario.programmes):
        fill[:, i] = (
            np.full(len(runs), p.fill_rate.central)
            if p.fill_rate.is_point
            else draw(p.fill_rate, Kind.SHARE, uniforms(seed, f"supply.fill.{p.id}", runs), runs)
        )
    return RunParameters(
        runs=runs,
        leaver_multiplier=leaver,
        joiner_multiplier=joiner,
        international_multiplier=intl,
        fill_rate=np.clip(fill, 0.0, 1.0),
    )


__all__: list[Any] = [
    "draw_supply_parameters",
    "pay_uplift_factor",
    "starting_posts",
    "supply_model",
]

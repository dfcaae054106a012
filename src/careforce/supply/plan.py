"""The documented order of one year's steps (`PLAN`), and one year of the array path.

`PLAN` is what runs: `advance_year` applies its steps in order, each a small adapter from the
year's inputs and state to the next state over the pure functions of `careforce.supply.steps`.
`describe_plan()` prints it (`careforce project --plan`). The fused kernel and the reference
implementation follow the same order and are tested against this path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from careforce.supply import steps
from careforce.supply.model import SupplyModel
from careforce.supply.projection import FLOWS
from careforce.supply.steps import Array, JoinerDraw, LeaverDraw, Stock

DEVICE_ARRAYS = (
    "headcount",
    "fte",
    "leaver_rate",
    "retire_share",
    "return_rate",
    "return_fte_per_head",
    "move_rate",
    "joiner_rate",
    "joiner_age_share",
    "joiner_fte_per_head",
    "international_recruits",
    "international_spread",
    "commissioned_places",
    "placement_capacity",
    "attrition_rate",
    "course_length_years",
    "programme_role",
    "programme_source_role",
    "local_share",
    "programme_spread",
    "start_age_share",
    "students",
    "retention",
    "participation",
)


@dataclass(frozen=True, eq=False)
class DeviceModel:
    """The model's arrays in the backend's memory (`xp`), converted once per projection."""

    xp: Any
    roles: int
    arrays: dict[str, Array]

    has_routes: bool = False

    @classmethod
    def of(cls, xp: Any, model: SupplyModel) -> DeviceModel:
        arrays = {n: xp.asarray(getattr(model, n)) for n in DEVICE_ARRAYS}
        return cls(xp, len(model.roles), arrays, has_routes=len(model.routes) > 0)

    def __getitem__(self, name: str) -> Array:
        return self.arrays[name]


@dataclass(frozen=True, eq=False)
class RunArrays:
    """A block of runs' multipliers `[r, g]` and fill rates `[r, p]` in the backend's memory."""

    leaver_multiplier: Array
    joiner_multiplier: Array
    international_multiplier: Array
    fill_rate: Array


@dataclass(frozen=True, eq=False)
class YearInputs:
    """What one year's steps read: the model, the runs, the year's row `t`, any process noise."""

    model: DeviceModel
    runs: RunArrays
    t: int
    leaver_draw: LeaverDraw | None = None
    joiner_draw: JoinerDraw | None = None


@dataclass(frozen=True, eq=False)
class YearState:
    """The stock part way through a year; `flows` by name, each `[r, g, l, c]` (ages summed)."""

    start: Stock
    stock: Stock
    students: Array
    flows: dict[str, Array]
    leavers_by_age: Array | None = None
    intake: Array | None = None
    completers: Array | None = None
    reported_fte: Array | None = None


def _add_flows(state: YearState, **flows: Array) -> dict[str, Array]:
    added = dict(state.flows)
    for name, value in flows.items():
        added[name] = added[name] + value if name in added else value
    return added


def _leavers(year: YearInputs, state: YearState) -> YearState:
    m, xp = year.model, year.model.xp
    probability = steps.leaver_probability(
        xp, m["leaver_rate"], year.runs.leaver_multiplier, m["retention"][year.t]
    )
    left = steps.leave(xp, state.stock, probability, year.leaver_draw)
    flows = _add_flows(state, leavers=left.leavers.sum(axis=-1))
    return replace(state, stock=left.stock, flows=flows, leavers_by_age=left.leavers)


def _retire_and_return(year: YearInputs, state: YearState) -> YearState:
    m = year.model
    assert state.leavers_by_age is not None, "retire and return follows the leavers step"
    done = steps.retire_and_return(
        state.stock,
        state.leavers_by_age,
        m["retire_share"],
        m["return_rate"],
        m["return_fte_per_head"],
    )
    flows = _add_flows(
        state,
        retirements=done.retirements.sum(axis=-1),
        returners=done.returners.sum(axis=-1),
    )
    return replace(state, stock=done.stock, flows=flows, leavers_by_age=None)


def _moves(year: YearInputs, state: YearState) -> YearState:
    moved = steps.move(year.model.xp, state.stock, year.model["move_rate"])
    flows = _add_flows(
        state, moves_in=moved.moves_in.sum(axis=-1), moves_out=moved.moves_out.sum(axis=-1)
    )
    return replace(state, stock=moved.stock, flows=flows)


def _ageing(year: YearInputs, state: YearState) -> YearState:
    aged = steps.age(year.model.xp, state.stock)
    flows = _add_flows(state, leavers=aged.aged_out, retirements=aged.aged_out)
    return replace(state, stock=aged.stock, flows=flows)


def _pipeline(year: YearInputs, state: YearState) -> YearState:
    m, xp, t = year.model, year.model.xp, year.t
    starting = steps.intake(
        xp, m["commissioned_places"][t], year.runs.fill_rate, m["placement_capacity"][t]
    )
    stock = state.stock
    if m.has_routes:
        routes = steps.route_intake(
            xp, starting, stock.headcount.sum(axis=(2, 3, 4)), m["programme_source_role"]
        )
        started = steps.start_training(stock, routes.fraction)
        starting, stock = routes.intake, started.stock
        into_training = started.into_training.sum(axis=-1)
    else:
        into_training = xp.zeros_like(stock.headcount[..., 0])
    advanced = steps.advance_pipeline(
        xp, state.students, starting, m["attrition_rate"], m["course_length_years"]
    )
    arrivals = steps.pipeline_joiners(
        xp,
        advanced.completers,
        m["local_share"],
        m["programme_role"],
        m["programme_spread"],
        m["start_age_share"],
        m.roles,
    )
    return replace(
        state,
        stock=steps.join(stock, arrivals, m["joiner_fte_per_head"]),
        students=advanced.students,
        intake=starting,
        completers=advanced.completers,
        flows=_add_flows(
            state, pipeline_joiners=arrivals.sum(axis=-1), into_training=into_training
        ),
    )


def _other_joiners(year: YearInputs, state: YearState) -> YearState:
    m, runs = year.model, year.runs
    other = steps.other_joiners(
        state.start.headcount,
        m["joiner_rate"],
        runs.joiner_multiplier,
        m["joiner_age_share"],
        year.joiner_draw,
    )
    international = steps.international_joiners(
        m["international_recruits"][year.t],
        runs.international_multiplier,
        m["international_spread"],
        m["joiner_age_share"],
    )
    stock = steps.join(state.stock, other + international, m["joiner_fte_per_head"])
    flows = _add_flows(
        state,
        other_joiners=other.sum(axis=-1),
        international_joiners=international.sum(axis=-1),
    )
    return replace(state, stock=stock, flows=flows)


def _fte(year: YearInputs, state: YearState) -> YearState:
    fte = state.stock.fte.sum(axis=-1)
    return replace(state, reported_fte=steps.reported_fte(fte, year.model["participation"][year.t]))


@dataclass(frozen=True)
class Step:
    """One named step of the yearly plan."""

    name: str
    description: str
    apply: Callable[[YearInputs, YearState], YearState]


PLAN: tuple[Step, ...] = (
    Step(
        "leavers",
        "L = S x min(1, leaver_rate[g,c,a] x m_q[r,g] x retention[y,g,c]); FTE leaves pro rata",
        _leavers,
    ),
    Step(
        "retire and return",
        "retirees = L x retire_share[g,c,a]; return_rate[g] of them return in the same cell at"
        " return_fte_per_head[g]",
        _retire_and_return,
    ),
    Step(
        "progression and moves",
        "M[g -> g2] = S x move_rate[g,g2] within the area, sector and age; FTE per head kept",
        _moves,
    ),
    Step(
        "ageing",
        "everyone moves up one year of age; those at the last age leave (as retirements)",
        _ageing,
    ),
    Step(
        "training pipeline",
        "intake = min(commissioned x fill[r,p], placement_capacity), and for an apprenticeship"
        " route at most the source role's stock, which its students leave pro rata; attrition per"
        " course year; completers x local_share join role[p] by programme_spread and"
        " start_age_share",
        _pipeline,
    ),
    Step(
        "other joiners",
        "joiner_rate[g,c] x m_j[r,g] of the stock at the start of the year, in its cell; plus"
        " international recruits x m_intl[r,g] by international_spread; ages by joiner_age_share",
        _other_joiners,
    ),
    Step(
        "FTE",
        "reported FTE = carried FTE x participation[y,g] (the lever does not compound)",
        _fte,
    ),
)


def describe_plan() -> str:
    """The yearly plan as numbered lines, for printing."""
    width = max(len(step.name) for step in PLAN)
    lines = ["Each year, for every run, in this order:"]
    for number, step in enumerate(PLAN, start=1):
        lines.append(f"{number}. {step.name:<{width}}  {step.description}")
    lines.append(
        "Invariant per cell: S[y+1] = S[y] - leavers + returners + moves in - moves out"
        " - into training + joiners (ages summed); nothing is negative."
    )
    lines.append(
        "Process noise (whole leavers drawn binomially, other joiners as Poisson counts; never in"
        " run 0) is drawn on the numpy array path: with it on, every backend projects there."
    )
    return "\n".join(lines)


def advance_year(year: YearInputs, stock: Stock, students: Array) -> YearState:
    """One year of every run in the block: `PLAN` applied in order from the year's start."""
    state = YearState(start=stock, stock=stock, students=students, flows={})
    for step in PLAN:
        state = step.apply(year, state)
    missing = [name for name in FLOWS if name not in state.flows]
    if missing:
        raise AssertionError(f"the plan left flows unset: {missing}")
    return state

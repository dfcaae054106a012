"""The yearly steps of METHODS section 4 as pure functions over an array namespace `xp`.

`xp` is numpy, or CuPy on a GPU: only functions both provide are used, and no input is changed
in place. Stocks carry the run first: headcount and FTE `[r, g, l, c, a]`, students `[r, p, k]`.
Each step returns the new stock and its flows; flows keep the cell's axes so that the invariant
(stock next year = stock - leavers + returners + moves in - moves out + joiners) can be checked
per cell. `careforce.supply.plan` composes them in the documented order.

`draw` arguments carry optional process noise: a function from expected values to drawn counts
(binomial leavers, Poisson joiners); None keeps the expected values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

Array = Any  # a numpy or CuPy array
LeaverDraw = Callable[[Array, Array], Array]  # (headcount, probability) -> leavers
JoinerDraw = Callable[[Array], Array]  # expected joiners per cell -> joiners


class Stock(NamedTuple):
    headcount: Array
    fte: Array


class Leavers(NamedTuple):
    stock: Stock
    leavers: Array


class RetireAndReturn(NamedTuple):
    stock: Stock
    retirements: Array
    returners: Array


class Moves(NamedTuple):
    stock: Stock
    moves_in: Array
    moves_out: Array


class Ageing(NamedTuple):
    stock: Stock
    aged_out: Array  # [r, g, l, c]: those at the last age, who leave


class Pipeline(NamedTuple):
    students: Array
    completers: Array


class RouteIntake(NamedTuple):
    intake: Array  # [r, p]
    fraction: Array  # [r, g]: the share of each role's stock that starts training


class IntoTraining(NamedTuple):
    stock: Stock
    into_training: Array


def leaver_probability(xp: Any, leaver_rate: Array, multiplier: Array, retention: Array) -> Array:
    """`min(1, q[g,c,a] x m_q[r,g] x retention[g,c])` as `[r, g, c, a]`.

    The cap keeps a large multiplier from taking more people than there are.
    """
    raw = leaver_rate[None] * multiplier[:, :, None, None] * retention[None, :, :, None]
    return xp.minimum(raw, 1.0)


def leave(xp: Any, stock: Stock, probability: Array, draw: LeaverDraw | None = None) -> Leavers:
    """Leavers `L = S x probability` (probability `[r, g, c, a]`); FTE leaves pro rata.

    With `draw`, leavers are drawn counts and FTE leaves in proportion to them.
    """
    p = probability[:, :, None]  # add the area axis
    if draw is None:
        leavers = stock.headcount * p
        fte_leaving = stock.fte * p
    else:
        leavers = draw(stock.headcount, xp.broadcast_to(p, stock.headcount.shape))
        heads = xp.where(stock.headcount > 0, stock.headcount, 1.0)
        fte_leaving = stock.fte * (leavers / heads)
    return Leavers(Stock(stock.headcount - leavers, stock.fte - fte_leaving), leavers)


def retire_and_return(
    stock: Stock,
    leavers: Array,
    retire_share: Array,
    return_rate: Array,
    return_fte_per_head: Array,
) -> RetireAndReturn:
    """Retirees `= L x retire_share[g,c,a]`; `return_rate[g]` of them come back in the same cell.

    Returners work `return_fte_per_head[g]` (retire and return is usually part-time).
    """
    retirements = leavers * retire_share[None, :, None]
    returners = retirements * return_rate[None, :, None, None, None]
    fte_back = returners * return_fte_per_head[None, :, None, None, None]
    return RetireAndReturn(
        Stock(stock.headcount + returners, stock.fte + fte_back), retirements, returners
    )


def move(xp: Any, stock: Stock, move_rate: Array) -> Moves:
    """Moves between roles `M[g -> g2] = S x move_rate[g, g2]` in the same area, sector and age.

    FTE moves with the people, so FTE per head is kept. Applied to the stock after leavers, so
    moves out never exceed the stock (rows of `move_rate` add up to at most 1). Summed over the
    few routes that exist (`move_rate` is mostly zeros), in a fixed order, so a run's result does
    not depend on the other runs beside it.
    """
    out_rate = move_rate.sum(axis=1)[None, :, None, None, None]
    moves_out = stock.headcount * out_rate
    fte_out = stock.fte * out_rate
    moves_in = xp.zeros_like(stock.headcount)
    fte_in = xp.zeros_like(stock.fte)
    sources, targets = xp.nonzero(move_rate)
    for g, h in zip(sources.tolist(), targets.tolist(), strict=True):
        moves_in[:, h] += stock.headcount[:, g] * move_rate[g, h]
        fte_in[:, h] += stock.fte[:, g] * move_rate[g, h]
    moved = Stock(stock.headcount - moves_out + moves_in, stock.fte - fte_out + fte_in)
    return Moves(moved, moves_in, moves_out)


def _shift_up_one_year(xp: Any, array: Array) -> Array:
    empty = xp.zeros((*array.shape[:-1], 1), dtype=array.dtype)
    return xp.concatenate([empty, array[..., :-1]], axis=-1)


def age(xp: Any, stock: Stock) -> Ageing:
    """Everyone moves up one year of age; those at the last age leave (counted as retirements)."""
    aged_out = stock.headcount[..., -1]
    shifted = Stock(_shift_up_one_year(xp, stock.headcount), _shift_up_one_year(xp, stock.fte))
    return Ageing(shifted, aged_out)


def intake(
    xp: Any, commissioned_places: Array, fill_rate: Array, placement_capacity: Array
) -> Array:
    """Students starting: `min(commissioned[p] x fill[r, p], placement_capacity[p])`, `[r, p]`."""
    return xp.minimum(commissioned_places[None] * fill_rate, placement_capacity[None])


def route_intake(
    xp: Any, desired: Array, stock_by_role: Array, programme_source_role: Array
) -> RouteIntake:
    """Intake of apprenticeship routes: programmes whose students come from a role's stock.

    `desired[r, p]` is each programme's intake from `intake`; `stock_by_role[r, g]` the stock the
    students are drawn from. The programmes drawing on role s (`programme_source_role[p] == s`)
    ask for `demand[s] = sum desired[p]` and together take `taken[s] = min(demand[s], stock[s])`:
    never more people than there are. Each gets the same share `taken[s] / demand[s]` of what it
    asked for, and `fraction[r, s] = taken[s] / stock[s]` (0 where there is no stock) of the role
    starts training. Programmes without a source role (-1) keep `desired`. Summed over the routes
    in a fixed order, so a run's result does not depend on the runs beside it.
    """
    sources = [int(s) for s in programme_source_role.tolist()]
    demand = xp.zeros_like(stock_by_role)
    for p, s in enumerate(sources):
        if s >= 0:
            demand[:, s] += desired[:, p]
    taken = xp.minimum(demand, stock_by_role)
    fraction = xp.where(
        stock_by_role > 0, taken / xp.where(stock_by_role > 0, stock_by_role, 1.0), 0.0
    )
    granted = xp.where(demand > 0, taken / xp.where(demand > 0, demand, 1.0), 0.0)
    intake = desired.copy()
    for p, s in enumerate(sources):
        if s >= 0:
            intake[:, p] = desired[:, p] * granted[:, s]
    return RouteIntake(intake, fraction)


def start_training(stock: Stock, fraction: Array) -> IntoTraining:
    """Staff leaving their cells for an apprenticeship: `fraction[r, g]` of every cell and age of
    role g (pro rata to the stock, so never more than it); their FTE goes with them."""
    share = fraction[:, :, None, None, None]
    leaving = stock.headcount * share
    moved = Stock(stock.headcount - leaving, stock.fte - stock.fte * share)
    return IntoTraining(moved, leaving)


def advance_pipeline(
    xp: Any, students: Array, starting: Array, attrition_rate: Array, course_length_years: Array
) -> Pipeline:
    """One year of every programme: the intake joins course year 0, each course year loses its
    attrition, survivors of the last year (`course_length_years[p] - 1`) complete and the others
    go up a year. A programme of length d completes its intake d years later.

    `students[r, p, k]` are those who will study course year k this year, not counting the intake.
    """
    course_year = xp.arange(students.shape[-1])
    first = (course_year == 0).astype(students.dtype)
    last = (course_year[None, :] == course_length_years[:, None] - 1).astype(students.dtype)
    cohort = students + starting[:, :, None] * first[None, None, :]
    surviving = cohort * (1.0 - attrition_rate[None])
    completers = (surviving * last[None]).sum(axis=-1)
    continuing = surviving * (1.0 - last[None])
    return Pipeline(_shift_up_one_year(xp, continuing), completers)


def pipeline_joiners(
    xp: Any,
    completers: Array,
    local_share: Array,
    programme_role: Array,
    programme_spread: Array,
    start_age_share: Array,
    roles: int,
) -> Array:
    """Completers taking local posts, `completers x local_share[p]`, in role `programme_role[p]`,
    spread over areas and sectors by `programme_spread[p,l,c]` and ages by `start_age_share[p,a]`.

    Returns arrivals `[r, g, l, c, a]`.
    """
    local = completers * local_share[None]
    by_place = local[:, :, None, None] * programme_spread[None]
    by_age = by_place[..., None] * start_age_share[None, :, None, None, :]
    in_role = (programme_role[:, None] == xp.arange(roles)[None, :]).astype(completers.dtype)
    return xp.einsum("rplca,pg->rglca", by_age, in_role)


def other_joiners(
    stock_at_start: Array,
    joiner_rate: Array,
    multiplier: Array,
    joiner_age_share: Array,
    draw: JoinerDraw | None = None,
) -> Array:
    """Joiners from other sectors and the local labour market: `joiner_rate[g,c] x m_j[r,g]` of
    the cell's stock at the start of the year, in the same cell, spread over ages by
    `joiner_age_share[g,a]`. With `draw`, the number per cell is a drawn count.

    Returns arrivals `[r, g, l, c, a]`.
    """
    rate = joiner_rate[None, :, None, :] * multiplier[:, :, None, None]
    expected = stock_at_start.sum(axis=-1) * rate
    per_cell = expected if draw is None else draw(expected)
    return per_cell[..., None] * joiner_age_share[None, :, None, None, :]


def international_joiners(
    recruits: Array, multiplier: Array, international_spread: Array, joiner_age_share: Array
) -> Array:
    """International recruits `intl[g] x m_intl[r,g]`, spread over areas and sectors by
    `international_spread[g,l,c]` and over ages by `joiner_age_share[g,a]`; `[r, g, l, c, a]`.
    """
    per_cell = (recruits[None] * multiplier)[:, :, None, None] * international_spread[None]
    return per_cell[..., None] * joiner_age_share[None, :, None, None, :]


def join(stock: Stock, arrivals: Array, fte_per_head: Array) -> Stock:
    """Add arrivals to the stock, each at the role's `fte_per_head[g]` of new joiners."""
    fte = arrivals * fte_per_head[None, :, None, None, None]
    return Stock(stock.headcount + arrivals, stock.fte + fte)


def reported_fte(fte_by_cell: Array, participation: Array) -> Array:
    """FTE as reported: the carried FTE `[r, g, ...]` times the year's `participation[g]`.

    The lever scales the year it is given for and does not compound: the stock carries FTE at
    participation 1.
    """
    shape = (1, participation.shape[0]) + (1,) * (fte_by_cell.ndim - 2)
    return fte_by_cell * participation.reshape(shape)

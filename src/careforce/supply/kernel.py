"""The fused CPU kernel: all steps of `PLAN` for one run, one block of cells at a time.

Why: the array path makes a full-size temporary for each step, and stacking runs spills the
stock out of the processor's cache. Here runs are spread over the cores (`prange`), and within a
run the work is split where the model allows: moves between roles stay within an area and
sector, joiners and returners within their cell, and a training programme that does not take its
students from a role's stock does not depend on the stock. So each run first steps those
programmes through every year, then takes one block of cells through every year with its stock
in a small buffer that stays in the core's cache; only results are written out (ages summed,
age bands, flows), never the age-resolved stock of each year.

Blocks: a group is the cells (roles) of one area and sector. Without apprenticeship routes every
group is a block of its own. A route's intake depends on its source role's stock in every area
and sector, so the groups holding a source role's cells form the first block, stepped year by
year together: each year, pass 1 over its groups, then the routes' intake and pipeline, then
pass 2. The routes' completers are then known for every year before the other blocks need them.

Layout: the stock is kept for the staffed cells only (`SupplyModel.cells`, ordered by area,
sector, role), headcount and FTE interleaved by age (`SF[cell, 2a]` headcount, `SF[cell, 2a+1]`
FTE). Moves, ageing, the start of training and joiners treat both alike (joiners' age shares
come interleaved with their FTE per head), so pass 2 is one loop over a short row that reads few
arrays and is vectorised. Same results as the array path to rounding (tested to 1e-9); sums may
be reassociated. Compiled on first use and cached on disk (`cache=True`). Process noise is drawn
on the array path only: `careforce.supply.engine.project` goes there whenever it is on.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# No fast-math: with reassociation the compiler may sum over ages in a different order in another
# process (a Dask worker compiling its own copy), and a run's result must be the same wherever it
# is computed, to the last bit.
FAST = False

# Positions in FLOWS (careforce.supply.projection).
LEAVERS, RETIREMENTS, RETURNERS, MOVES_IN, MOVES_OUT, PIPELINE, OTHER, INTERNATIONAL = range(8)
INTO_TRAINING = 8


@njit(cache=True, fastmath=FAST)
def _advance_programme(
    r, t, p, starting, students, attrition, course_length, local_share, local,
    students_out, intake_out, completers_out,
):  # fmt: skip
    """One year of programme p in run r: `starting` join course year 0; local completers to
    `local[t, p]`."""
    last = course_length[p] - 1
    completers = 0.0
    carried = 0.0
    for k in range(last, -1, -1):  # from the last course year, so nobody moves twice
        cohort = students[p, k] + (starting if k == 0 else 0.0)
        surviving = cohort * (1.0 - attrition[p, k])
        if k == last:
            completers = surviving
        else:
            students[p, k + 1] = surviving
            carried += surviving
    students[p, 0] = 0.0
    intake_out[r, t + 1, p] = starting
    completers_out[r, t + 1, p] = completers
    students_out[r, t + 1, p] = carried
    local[t, p] = completers * local_share[p]


@njit(cache=True, fastmath=FAST)
def _pipeline(
    r, years, commissioned, capacity, attrition, course_length, local_share, programme_source,
    students0, fill_rate, students_out, intake_out, completers_out,
):  # fmt: skip
    """Step every programme without a source role through the years; returns local completers
    `[t, p]` (the routes' rows are filled in later) and the students, for the routes to go on."""
    programmes = attrition.shape[0]
    students = students0.copy()
    local = np.zeros((max(years, 1), programmes))
    for p in range(programmes):
        students_out[r, 0, p] = students[p].sum()
        if programme_source[p] >= 0:
            continue
        for t in range(years):
            starting = min(commissioned[t, p] * fill_rate[r, p], capacity[t, p])
            _advance_programme(
                r, t, p, starting, students, attrition, course_length, local_share, local,
                students_out, intake_out, completers_out,
            )  # fmt: skip
    return local, students


@njit(cache=True, fastmath=FAST)
def _record(r, y, i0, width, SF, cell_role, participation_row, hc_out, fte_out, by_age):
    """Ages summed, FTE as reported, and headcount by role and age for a group's stock at y."""
    ages = SF.shape[1] // 2
    for j in range(width):
        g = cell_role[i0 + j]
        heads = 0.0
        fte = 0.0
        for a in range(ages):
            by_age[y, g, a] += SF[j, 2 * a]
            heads += SF[j, 2 * a]
            fte += SF[j, 2 * a + 1]
        hc_out[r, y, i0 + j] = heads
        fte_out[r, y, i0 + j] = fte * participation_row[g]


@njit(cache=True, fastmath=FAST)
def _aged_stock_of_sources(
    i0, width, o, kept, kept_heads, cell_role, cell_move_start, cell_move_source,
    cell_move_rate, move_out, is_source, aged_heads, available,
):  # fmt: skip
    """The headcount of each source role's cells after moves and ageing (steps 3-4), the stock an
    apprenticeship route draws from; summed by role into `available`."""
    last = kept.shape[1] - 2
    for j in range(width):
        i = i0 + j
        g = cell_role[i]
        if not is_source[g]:
            continue
        stay = 1.0 - move_out[g]
        heads = kept_heads[o + j] * stay
        aged_out = kept[o + j, last] * stay
        for e in range(cell_move_start[i], cell_move_start[i + 1]):
            k = o + cell_move_source[e]
            heads += kept_heads[k] * cell_move_rate[e]
            aged_out += kept[k, last] * cell_move_rate[e]
        aged_heads[o + j] = max(heads - aged_out, 0.0)
        available[g] += aged_heads[o + j]


@njit(cache=True, fastmath=FAST)
def _routes(
    r, t, routes, programme_source, commissioned, capacity, fill_rate, available, fraction,
    keep, students, attrition, course_length, local_share, local, students_out, intake_out,
    completers_out,
):  # fmt: skip
    """Step 5 for the apprenticeship routes in year t: intake at most the source role's stock
    (`available`), the share of each source role that starts training, the routes' pipeline."""
    roles = available.shape[0]
    demand = np.zeros(roles)
    for q in range(routes.shape[0]):
        p = routes[q]
        demand[programme_source[p]] += min(commissioned[t, p] * fill_rate[r, p], capacity[t, p])
    granted = np.zeros(roles)
    for s in range(roles):
        taken = min(demand[s], available[s])
        fraction[s] = taken / available[s] if available[s] > 0 else 0.0
        granted[s] = taken / demand[s] if demand[s] > 0 else 0.0
        keep[s] = 1.0 - fraction[s]
    for q in range(routes.shape[0]):
        p = routes[q]
        wanted = min(commissioned[t, p] * fill_rate[r, p], capacity[t, p])
        _advance_programme(
            r, t, p, wanted * granted[programme_source[p]], students, attrition, course_length,
            local_share, local, students_out, intake_out, completers_out,
        )  # fmt: skip


@njit(cache=True, fastmath=FAST)
def _one_run(
    r, years, SF0, cell_role, cell_sector, group_start, block_start, block_group,
    leaver_rate, retire_share, return_rate, return_fte_per_head,
    cell_move_start, cell_move_source, cell_move_rate, move_out,
    joiner_rate, joiner_arrival, international_recruits, international_share,
    retention, participation, commissioned, capacity, attrition, course_length,
    local_share, completer_arrival, completer_total,
    cell_programme_start, cell_programme, cell_programme_share,
    programme_source, routes, is_source,
    students0, leaver_multiplier, joiner_multiplier, international_multiplier, fill_rate,
    band_start, hc_out, fte_out, band_out, flows_out, students_out, intake_out, completers_out,
):  # fmt: skip
    row = SF0.shape[1]  # headcount and FTE of each age, interleaved
    ages = row // 2
    roles = leaver_rate.shape[0]
    bands = band_start.shape[0] - 1
    no_programme = completer_arrival.shape[0] - 1  # a row of zeros
    local, students = _pipeline(
        r, years, commissioned, capacity, attrition, course_length, local_share,
        programme_source, students0, fill_rate, students_out, intake_out, completers_out,
    )  # fmt: skip
    blocks = block_start.shape[0] - 1
    widest = 0
    for blk in range(blocks):
        cells = 0
        for q in range(block_start[blk], block_start[blk + 1]):
            grp = block_group[q]
            cells += group_start[grp + 1] - group_start[grp]
        widest = max(widest, cells)
    spare = widest  # a row of zeros: the source of a route that is not there
    SF = np.empty((widest, row))
    kept = np.zeros((widest + 1, row))  # the stock after leavers and returners
    kept_heads = np.zeros(widest + 1)
    heads_at_start = np.empty(widest)
    aged_heads = np.zeros(widest)  # a source role's cell after moves and ageing
    ones = np.ones(roles)
    keep = np.ones(roles)  # the share of each role's aged stock not starting training
    fraction = np.zeros(roles)
    available = np.zeros(roles)
    by_age = np.zeros((years + 1, roles, ages))  # headcount by role and age, cells summed

    for blk in range(blocks):
        coupled = blk == 0 and routes.shape[0] > 0
        first_group, end_group = block_start[blk], block_start[blk + 1]
        o = 0
        for q in range(first_group, end_group):
            grp = block_group[q]
            i0, width = group_start[grp], group_start[grp + 1] - group_start[grp]
            SF[o : o + width] = SF0[i0 : i0 + width]
            o += width
        for t in range(years):
            part = ones if t == 0 else participation[t - 1]
            flows = flows_out[r, t + 1]
            o = 0
            for q in range(first_group, end_group):
                grp = block_group[q]
                i0, width = group_start[grp], group_start[grp + 1] - group_start[grp]
                # Pass 1, each cell: record the year's stock; 1-2: leavers, retire and return.
                for j in range(width):
                    i = i0 + j
                    b = o + j
                    g, c = cell_role[i], cell_sector[i]
                    m = leaver_multiplier[r, g] * retention[t, g, c]
                    back, back_fte = return_rate[g], return_fte_per_head[g]
                    heads = 0.0
                    fte = 0.0
                    left = 0.0
                    retired = 0.0
                    for a in range(ages):
                        s = SF[b, 2 * a]
                        f = SF[b, 2 * a + 1]
                        p = min(leaver_rate[g, c, a] * m, 1.0)
                        leavers = s * p
                        retirees = leavers * retire_share[g, c, a]
                        returners = retirees * back
                        kept[b, 2 * a] = s - leavers + returners
                        kept[b, 2 * a + 1] = f - f * p + returners * back_fte
                        by_age[t, g, a] += s
                        heads += s
                        fte += f
                        left += leavers
                        retired += retirees
                    returned = retired * back
                    kept_heads[b] = heads - left + returned
                    hc_out[r, t, i] = heads
                    fte_out[r, t, i] = fte * part[g]
                    heads_at_start[b] = heads
                    flows[g, LEAVERS] += left
                    flows[g, RETIREMENTS] += retired
                    flows[g, RETURNERS] += returned
                    flows[g, MOVES_OUT] += kept_heads[b] * move_out[g]
                o += width
            if coupled:
                available[:] = 0.0
                o = 0
                for q in range(first_group, end_group):
                    grp = block_group[q]
                    i0, width = group_start[grp], group_start[grp + 1] - group_start[grp]
                    _aged_stock_of_sources(
                        i0, width, o, kept, kept_heads, cell_role, cell_move_start,
                        cell_move_source, cell_move_rate, move_out, is_source, aged_heads,
                        available,
                    )  # fmt: skip
                    o += width
                _routes(
                    r, t, routes, programme_source, commissioned, capacity, fill_rate,
                    available, fraction, keep, students, attrition, course_length, local_share,
                    local, students_out, intake_out, completers_out,
                )  # fmt: skip
            o = 0
            for q in range(first_group, end_group):
                grp = block_group[q]
                i0, width = group_start[grp], group_start[grp + 1] - group_start[grp]
                # Pass 2, each cell: 3 moves in from the group's other roles, 4 ageing (the
                # last age leaves), 5 the start of training (`keep` of the aged stock stays)
                # and completers, 6 other joiners and international recruits. The first two
                # routes in and the first programme are in the one loop (a missing one reads a
                # row of zeros); any more are added after it.
                for j in range(width):
                    i = i0 + j
                    b = o + j
                    g, c = cell_role[i], cell_sector[i]
                    other = heads_at_start[b] * (joiner_rate[g, c] * joiner_multiplier[r, g])
                    recruits = international_recruits[t, g] * international_multiplier[r, g]
                    overseas = recruits * international_share[i]
                    arriving = other + overseas
                    stay = 1.0 - move_out[g]
                    kg = keep[g]
                    first, end = cell_move_start[i], cell_move_start[i + 1]
                    k1 = o + cell_move_source[first] if end > first else spare
                    r1 = cell_move_rate[first] if end > first else 0.0
                    k2 = o + cell_move_source[first + 1] if end > first + 1 else spare
                    r2 = cell_move_rate[first + 1] if end > first + 1 else 0.0
                    p_first, p_end = cell_programme_start[i], cell_programme_start[i + 1]
                    p1 = cell_programme[p_first] if p_end > p_first else no_programme
                    amount = (
                        local[t, p1] * cell_programme_share[p_first] if p_end > p_first else 0.0
                    )
                    stay_k, r1_k, r2_k = stay * kg, r1 * kg, r2 * kg
                    last = row - 2  # set here: set once at the top, the loops ran at half speed
                    for e in range(2):
                        SF[b, e] = (
                            arriving * joiner_arrival[g, e] + amount * completer_arrival[p1, e]
                        )
                    for e in range(2, row):
                        SF[b, e] = (
                            kept[b, e - 2] * stay_k
                            + kept[k1, e - 2] * r1_k
                            + kept[k2, e - 2] * r2_k
                            + arriving * joiner_arrival[g, e]
                            + amount * completer_arrival[p1, e]
                        )
                    aged_out = kept[b, last] * stay + kept[k1, last] * r1 + kept[k2, last] * r2
                    moved_in = kept_heads[k1] * r1 + kept_heads[k2] * r2
                    joined = amount * completer_total[p1]
                    for e in range(first + 2, end):
                        k, rate = o + cell_move_source[e], cell_move_rate[e]
                        rate_k = rate * kg
                        for x in range(2, row):
                            SF[b, x] += kept[k, x - 2] * rate_k
                        aged_out += kept[k, last] * rate
                        moved_in += kept_heads[k] * rate
                    for e in range(p_first + 1, p_end):
                        p = cell_programme[e]
                        share = local[t, p] * cell_programme_share[e]
                        for x in range(row):
                            SF[b, x] += share * completer_arrival[p, x]
                        joined += share * completer_total[p]
                    flows[g, MOVES_IN] += moved_in
                    flows[g, LEAVERS] += aged_out
                    flows[g, RETIREMENTS] += aged_out
                    flows[g, INTO_TRAINING] += aged_heads[b] * fraction[g]
                    flows[g, PIPELINE] += joined
                    flows[g, OTHER] += other
                    flows[g, INTERNATIONAL] += overseas
                o += width
            if coupled:  # the routes' share applies to this block only
                keep[:] = 1.0
                fraction[:] = 0.0
        part = ones if years == 0 else participation[years - 1]
        o = 0
        for q in range(first_group, end_group):
            grp = block_group[q]
            i0, width = group_start[grp], group_start[grp + 1] - group_start[grp]
            _record(
                r, years, i0, width, SF[o : o + width], cell_role, part, hc_out, fte_out, by_age
            )
            o += width
    for t in range(years + 1):
        for g in range(roles):
            for b in range(bands):
                in_band = 0.0
                for a in range(band_start[b], band_start[b + 1]):
                    in_band += by_age[t, g, a]
                band_out[r, t, g, b] = in_band


@njit(parallel=True, cache=True, fastmath=FAST)
def project_runs(
    years, SF0, cell_role, cell_sector, group_start, block_start, block_group,
    leaver_rate, retire_share, return_rate, return_fte_per_head,
    cell_move_start, cell_move_source, cell_move_rate, move_out,
    joiner_rate, joiner_arrival, international_recruits, international_share,
    retention, participation, commissioned, capacity, attrition, course_length,
    local_share, completer_arrival, completer_total,
    cell_programme_start, cell_programme, cell_programme_share,
    programme_source, routes, is_source,
    students0, leaver_multiplier, joiner_multiplier, international_multiplier, fill_rate,
    band_start, hc_out, fte_out, band_out, flows_out, students_out, intake_out, completers_out,
):  # fmt: skip
    """Project every run (the first axis of the multipliers), one run per thread at a time."""
    for r in prange(leaver_multiplier.shape[0]):
        _one_run(
            r, years, SF0, cell_role, cell_sector, group_start, block_start, block_group,
            leaver_rate, retire_share, return_rate, return_fte_per_head,
            cell_move_start, cell_move_source, cell_move_rate, move_out,
            joiner_rate, joiner_arrival, international_recruits, international_share,
            retention, participation, commissioned, capacity, attrition, course_length,
            local_share, completer_arrival, completer_total,
            cell_programme_start, cell_programme, cell_programme_share,
            programme_source, routes, is_source,
            students0, leaver_multiplier, joiner_multiplier, international_multiplier, fill_rate,
            band_start, hc_out, fte_out, band_out, flows_out, students_out, intake_out,
            completers_out,
        )  # fmt: skip

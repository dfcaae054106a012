"""The allocation LP of one region for one year, as sparse arrays (METHODS 6).

A region is the set of areas whose network tasks share a pool; where no network task can be
pooled every area is a region of its own. Regions share nothing, so each is an LP of its own
(`regions_of`): HiGHS's simplex work per iteration grows with the size of the LP, so many small
LPs solve faster than one block-diagonal LP of them all, despite the fixed cost of each call
(about 2 ms). Only the right-hand sides depend on the run and the year (hours needed, FTE
available), so the matrix is built once per region and each (run, year) changes the row bounds
(`row_bounds`).

Columns (`Layout.columns`, each a `Block` of cells), with l an area of the region:

| kind | cell | meaning | cost |
|---|---|---|---|
| `work` | (l, t, g) | hours of t done by g of area l on area l's need | `w_g` |
| `away` | (l, t, g) | hours of network task t done by g of area l for the pool | `(1 + o) w_g` |
| `inflow` | (l, t) | hours of area l's need for network task t met from the pool | 0 |
| `supervise` | (l, t, g) | hours registrant g of area l spends supervising delegated t | `w_g` |
| `unmet` | (l, t) | hours of area l's need for t not met | `pi_t` |

Rows (`Layout.rows`); "delegated" sums run over the (t, g) done under delegation:

| kind | cell | row |
|---|---|---|
| `demand` | (l, t) | `sum_g work + inflow + unmet = H[l, t]` |
| `pool` | (t) | `sum_l sum_g away - sum_l inflow = 0` (network tasks) |
| `capacity` | (l, g) | `sum_t (work + (1 + o) away + supervise) <= FTE[l, g] x task_hours_per_fte[g]` |
| `supervision` | (l, t) | `sum_g supervise - ratio[t] x delegated (work + away) >= 0` |
| `delegated_cap` | (l, t) | `delegated work <= share[y, t] x H[l, t]` (local tasks) |
| `delegated_cap_network` | (t) | `sum_l delegated (work + away) <= share[y, t] x sum_l H[l, t]` |
| `trained` | (l, t) | `delegated work <= delegation_hours[l, y, t]` (local tasks) |

Here o is `travel_overhead` and `share[y, t]` the cap on t's delegated share in year y
(`AllocationOptions.delegated_share_by_year`): an hour done for the pool takes `1 + o` hours of capacity and is
paid as such. The pool is the region's need pooled: summing the demand rows over the region's
areas gives `sum (work + away) + sum unmet = sum_l H[l, t]`, with each area's own staff working
on its own need first whenever o > 0 (an away hour costs more than a home hour).

Cells that can never hold anything are left out: work of a group an area never has (FTE zero in
every run and year of the problem) or on a task it never needs; supervision rows where nothing
is delegated or the ratio is 0; cap rows where the share is 1 in every year; delegated work of a
task whose share is 0 in every year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from careforce.allocation.problem import AllocationOptions, AllocationProblem

CELL = ("area", "task", "group")
AREA_TASK = ("area", "task")
TASK = ("task",)


@dataclass(frozen=True)
class Block:
    """Consecutive columns or rows of one kind: index `start + i` is cell i.

    `area` (the problem's area index), `task` and `group` give each cell (-1 where the kind has
    no such axis); `delegated` marks work done under delegation.
    """

    start: int
    area: np.ndarray
    task: np.ndarray
    group: np.ndarray
    delegated: np.ndarray

    @property
    def size(self) -> int:
        return len(self.area)

    @property
    def index(self) -> np.ndarray:
        return self.start + np.arange(self.size)

    @property
    def part(self) -> slice:
        return slice(self.start, self.start + self.size)


@dataclass(frozen=True, eq=False)
class Layout:
    """The LP of one region: `matrix` (CSC, rows x columns), `cost`, and the blocks of cells
    that say what each column and row is; `areas` are the region's (problem indices)."""

    areas: np.ndarray
    columns: dict[str, Block]
    rows: dict[str, Block]
    matrix: sp.csc_matrix
    cost: np.ndarray
    share: np.ndarray  # [y, t] the cap on each task's delegated share, by year
    travel_overhead: float

    @property
    def num_columns(self) -> int:
        return int(self.matrix.shape[1])

    @property
    def num_rows(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def transfers(self) -> np.ndarray:
        """The columns that join areas of a region (away and inflow)."""
        return np.concatenate([self.columns["away"].index, self.columns["inflow"].index])


def delegated_pairs(problem: AllocationProblem, options: AllocationOptions) -> np.ndarray:
    """[task, group] where the group may do the task only under delegation, as solved (in some
    year)."""
    share = options.delegated_share_by_year(problem)
    return problem.delegable & ~problem.own & np.any(share > 0, axis=0)[:, None]


def regions_of(problem: AllocationProblem, options: AllocationOptions) -> list[np.ndarray]:
    """The regions to solve apart (area indices): the problem's network regions, or each area
    alone where no network task may be done by anyone."""
    allowed = problem.own | delegated_pairs(problem, options)
    if np.any(problem.network & np.any(allowed, axis=1)):
        return problem.regions()
    return [np.array([a]) for a in range(len(problem.areas))]


def build_layout(
    problem: AllocationProblem, options: AllocationOptions, areas: np.ndarray
) -> Layout:
    """The LP's columns, rows, matrix and costs for the region of `areas` (problem indices)."""
    areas = np.asarray(areas, dtype=np.int64)
    share = options.delegated_share_by_year(problem)
    overhead = problem.travel_overhead
    network = problem.network
    delegated = delegated_pairs(problem, options)
    allowed = problem.own | delegated
    fte = problem.fte[:, areas]
    has_staff = _any(fte > 0, (0, 2)) & (problem.task_hours_per_fte > 0)  # [l, g]
    has_need = _any(problem.hours[:, areas] > 0, (0, 2))  # [l, t]
    staffed = allowed[None] & has_staff[:, None, :]  # [l, t, g]
    local_cells = staffed & ~network[None, :, None] & has_need[:, :, None]
    network_cells = staffed & network[None, :, None]
    pooled = _any(network_cells, (0, 2)) & (len(areas) > 1)  # [t]
    away_cells = network_cells & pooled[None, :, None]
    work_cells = local_cells | (network_cells & has_need[:, :, None])
    supervised = (problem.supervision_ratio > 0)[None] & _any(
        (work_cells | away_cells) & delegated[None], 2
    )
    supervise_cells = supervised[:, :, None] & problem.supervisors[None] & has_staff[:, None, :]

    columns: dict[str, Block] = {}
    column_count = 0
    column_kinds: tuple[tuple[str, np.ndarray, tuple[str, ...]], ...] = (
        ("work", work_cells, CELL),
        ("away", away_cells, CELL),
        ("inflow", has_need & pooled[None], AREA_TASK),
        ("supervise", supervise_cells, CELL),
        ("unmet", has_need, AREA_TASK),
    )
    for kind, mask, axes in column_kinds:
        flags = delegated if kind in ("work", "away") else None
        columns[kind] = _cells(column_count, mask, axes, areas, flags)
        column_count += columns[kind].size

    rows: dict[str, Block] = {}
    row_of: dict[str, np.ndarray] = {}  # kind -> the row of each cell (-1: none), local areas
    row_count = 0
    capped = np.any(share < 1.0, axis=0)
    delegated_work = _any(work_cells & delegated[None], 2) & ~network[None]
    delegated_network = _any((work_cells | away_cells) & delegated[None], (0, 2)) & network
    row_kinds: tuple[tuple[str, np.ndarray, tuple[str, ...]], ...] = (
        ("demand", has_need, AREA_TASK),
        ("pool", pooled, TASK),
        ("capacity", has_staff, ("area", "group")),
        ("supervision", supervised, AREA_TASK),
        ("delegated_cap", delegated_work & capped[None], AREA_TASK),
        ("delegated_cap_network", delegated_network & capped, TASK),
        ("trained", delegated_work & (problem.delegation_hours is not None), AREA_TASK),
    )
    for kind, mask, axes in row_kinds:
        rows[kind] = _cells(row_count, mask, axes, areas)
        row_of[kind] = np.full(mask.shape, -1, dtype=np.int64)
        row_of[kind][mask] = rows[kind].index
        row_count += rows[kind].size

    local = np.full(len(problem.areas), -1, dtype=np.int64)
    local[areas] = np.arange(len(areas))
    matrix = _matrix(problem, columns, row_of, local, (row_count, column_count))
    wage = problem.cost_per_hour
    cost = np.concatenate(
        [
            wage[columns["work"].group],
            (1.0 + overhead) * wage[columns["away"].group],
            np.zeros(columns["inflow"].size),
            wage[columns["supervise"].group],
            problem.penalty[columns["unmet"].task],
        ]
    )
    return Layout(areas, columns, rows, matrix, cost, share, overhead)


def _matrix(
    problem: AllocationProblem,
    columns: dict[str, Block],
    row_of: dict[str, np.ndarray],
    local: np.ndarray,
    shape: tuple[int, int],
) -> sp.csc_matrix:
    entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(rows: np.ndarray, cols: np.ndarray, values: np.ndarray | float) -> None:
        keep = rows >= 0
        vals = np.broadcast_to(np.asarray(values, dtype=np.float64), cols.shape)
        entries.append((rows[keep], cols[keep], vals[keep]))

    ratio = problem.supervision_ratio
    load = {"work": 1.0, "away": 1.0 + problem.travel_overhead}
    for kind in ("work", "away"):
        block = columns[kind]
        area = local[block.area]
        if kind == "work":
            add(row_of["demand"][area, block.task], block.index, 1.0)
        else:
            add(row_of["pool"][block.task], block.index, 1.0)
        add(row_of["capacity"][area, block.group], block.index, load[kind])
        d = block.delegated
        area, task, index = area[d], block.task[d], block.index[d]
        add(row_of["supervision"][area, task], index, -ratio[task])
        add(row_of["delegated_cap"][area, task], index, 1.0)
        add(row_of["delegated_cap_network"][task], index, 1.0)
        if kind == "work":
            add(row_of["trained"][area, task], index, 1.0)
    block = columns["inflow"]
    add(row_of["demand"][local[block.area], block.task], block.index, 1.0)
    add(row_of["pool"][block.task], block.index, -1.0)
    block = columns["supervise"]
    add(row_of["supervision"][local[block.area], block.task], block.index, 1.0)
    add(row_of["capacity"][local[block.area], block.group], block.index, 1.0)
    block = columns["unmet"]
    add(row_of["demand"][local[block.area], block.task], block.index, 1.0)

    row_index, col_index, values = (np.concatenate(part) for part in zip(*entries, strict=True))
    matrix = sp.csc_matrix((values, (row_index, col_index)), shape=shape)
    matrix.sort_indices()
    return matrix


def row_bounds(
    layout: Layout,
    hours: np.ndarray,
    capacity: np.ndarray,
    trained: np.ndarray | None = None,
    year: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper row bounds for one (run, year), from `hours[l, t]` needed,
    `capacity[l, g]` task hours available and `trained[l, t]` delegated hours trained workers
    may do (over all the problem's areas); `year` is the year's index, for its caps."""
    rows = layout.rows
    regional = hours[layout.areas].sum(axis=0)
    share = layout.share[year]
    lower = np.empty(layout.num_rows)
    upper = np.empty(layout.num_rows)
    block = rows["demand"]
    lower[block.part] = upper[block.part] = hours[block.area, block.task]
    lower[rows["pool"].part] = upper[rows["pool"].part] = 0.0
    block = rows["capacity"]
    lower[block.part], upper[block.part] = -np.inf, capacity[block.area, block.group]
    lower[rows["supervision"].part], upper[rows["supervision"].part] = 0.0, np.inf
    block = rows["delegated_cap"]
    lower[block.part] = -np.inf
    upper[block.part] = share[block.task] * hours[block.area, block.task]
    block = rows["delegated_cap_network"]
    lower[block.part] = -np.inf
    upper[block.part] = share[block.task] * regional[block.task]
    block = rows["trained"]
    lower[block.part] = -np.inf
    upper[block.part] = np.inf if trained is None else trained[block.area, block.task]
    return lower, upper


def _any(mask: np.ndarray, axis: int | tuple[int, ...]) -> np.ndarray:
    return np.asarray(np.any(mask, axis=axis))


def _cells(
    start: int,
    mask: np.ndarray,
    axes: tuple[str, ...],
    areas: np.ndarray,
    delegated: np.ndarray | None = None,
) -> Block:
    """The cells of a mask over `axes` (some of area, task, group, in that order; area indices
    local to the region) as a block starting at `start`, in C order."""
    found = dict(zip(axes, np.nonzero(mask), strict=True))
    count = int(mask.sum())
    area, task, group = (
        np.asarray(found[a], dtype=np.int64) if a in found else np.full(count, -1, np.int64)
        for a in ("area", "task", "group")
    )
    if "area" in found:
        area = areas[area]
    flagged = delegated[task, group] if delegated is not None else np.zeros(count, np.bool_)
    return Block(start, area, task, group, flagged)

"""Solve the gap allocation LP for every run and year, and read the answers back (METHODS 6).

Each network region's LP (`careforce.allocation.layout`) is passed to HiGHS once; each (run,
year) then changes only the row bounds and re-solves with the dual simplex method, starting from
the run's previous year's optimal basis (a change of right-hand sides keeps that basis dual
feasible, so few iterations are needed). The first year of every run starts from the optimal
basis of the central run's first year, which every call solves afresh: a run's answer depends on
its own inputs only, never on which runs are solved with it.

Conventions (docs/methods/allocation.md):
- Network tasks: `hours_done` counts hours in the area whose staff did them. Their unmet hours,
  found for the region, go back to areas in proportion to each area's need not met by its own
  staff, `max(H[l, t] - done by area l's staff, 0)`.
- `unmet_removed_per_fte[l, g]` is the rate at which total unmet hours (all tasks, the region's
  network tasks included) fall as area l's capacity of g grows, per FTE: at the optimal basis,
  `-d(sum unmet) / d(capacity[l, g]) x task_hours_per_fte[g]`. It is the capacity row's dual
  price under the objective "total unmet hours" (one backward solve with the basis the cost
  solve found), so it counts hours, not pounds. The cost dual itself is `capacity_price`.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from careforce.allocation.layout import Layout, build_layout, regions_of, row_bounds
from careforce.allocation.problem import AllocationOptions, AllocationProblem

# Below this size a number read back from the solver is noise from its tolerances.
NOISE = 1e-9
OPTIMAL = "optimal"
_LAST = object()  # start a solve from the last optimal basis


@dataclass(frozen=True, eq=False)
class Allocation:
    """The allocation of every solved run and year; the run axis follows `runs`.

    - `hours_done[r, l, y, t, g]`: hours of task t done by group g of area l (network tasks: in
      the area whose staff did them, wherever the need was).
    - `unmet[r, l, y, t]`: hours of t not done (network tasks: the region's unmet hours shared
      among areas by their need that their own staff did not meet).
    - `supervision[r, l, y, g]`: registrant hours spent supervising delegated work.
    - `supervision_by_task[r, l, y, t]`: the same hours by the task supervised.
    - `travel[r, l, y, g]`: capacity spent on travel overhead for network work done away.
    - `utilisation[r, l, y, g]`: share of task-hours capacity used (0 where there is none).
    - `unmet_removed_per_fte[r, l, y, g]`: hours of unmet need one more FTE of g in l would
      remove, at the optimal basis (see the module docstring).
    - `capacity_price[r, l, y, g]`: cost saved (GBP) by one more hour of g's capacity in l: the
      dual of the capacity row, sign turned so that it is >= 0.
    - `objective[r, y]`: the LP's optimal cost for the year (all areas together).
    - `status[r, y]`: the solver's model status ("optimal" for every solve returned).
    """

    runs: tuple[int, ...]
    hours_done: np.ndarray
    unmet: np.ndarray
    supervision: np.ndarray
    utilisation: np.ndarray
    unmet_removed_per_fte: np.ndarray
    objective: np.ndarray
    status: np.ndarray
    travel: np.ndarray
    capacity_price: np.ndarray
    supervision_by_task: np.ndarray


class AllocationFailed(RuntimeError):
    """HiGHS did not find the optimum of a (run, year)."""


def allocate(
    problem: AllocationProblem, options: AllocationOptions = AllocationOptions()
) -> Allocation:
    """Allocate every run's task hours to the staff who may do them, year by year.

    Edge cases: a task nobody may do is all unmet; an area with no staff of a group gets no
    hours from it; a year with no need gives zeros. Raises `AllocationFailed` naming the run and
    year if a solve is not optimal (the LP is always feasible and bounded, so that means trouble
    in the solver).
    """
    runs = options.runs_of(problem)
    n_areas, n_years = len(problem.areas), len(problem.years)
    n_tasks, n_groups = len(problem.tasks), len(problem.groups)
    shape = (len(runs), n_areas, n_years)
    out = Allocation(
        runs=runs,
        hours_done=np.zeros((*shape, n_tasks, n_groups)),
        unmet=np.zeros((*shape, n_tasks)),
        supervision=np.zeros((*shape, n_groups)),
        utilisation=np.zeros((*shape, n_groups)),
        unmet_removed_per_fte=np.zeros((*shape, n_groups)),
        objective=np.zeros((len(runs), n_years)),
        status=np.full((len(runs), n_years), OPTIMAL, dtype=object),
        travel=np.zeros((*shape, n_groups)),
        capacity_price=np.zeros((*shape, n_groups)),
        supervision_by_task=np.zeros((*shape, n_tasks)),
    )
    for areas in regions_of(problem, options):
        layout = build_layout(problem, options, areas)
        solver = _Solver(layout)
        capacity = problem.fte[0, :, 0] * problem.task_hours_per_fte
        trained = problem.delegation_hours
        first = solver.solve(
            *row_bounds(
                layout,
                problem.hours[0, :, 0],
                capacity,
                None if trained is None else trained[:, 0],
                year=0,
            ),
            start=None,
        )
        if first.status != OPTIMAL:
            raise AllocationFailed(
                f"the allocation LP of the central run's first year (areas "
                f"{[problem.areas[a] for a in areas]}) ended {first.status!r}, not optimal"
            )
        central = solver.basis()  # where every run's first year starts
        for i, run in enumerate(runs):
            for j in range(n_years):
                hours = problem.hours[run, :, j]
                capacity = problem.fte[run, :, j] * problem.task_hours_per_fte
                bounds = row_bounds(
                    layout, hours, capacity, None if trained is None else trained[:, j], year=j
                )
                solved = solver.solve(*bounds, start=central) if j == 0 else solver.solve(*bounds)
                if solved.status != OPTIMAL:
                    raise AllocationFailed(
                        f"the allocation LP of run {run}, year {problem.years[j]} (areas "
                        f"{[problem.areas[a] for a in areas]}) ended {solved.status!r}, not "
                        "optimal"
                    )
                out.objective[i, j] += solved.objective
                _read_back(layout, problem, solved, hours, capacity, out, i, j)
    return out


@dataclass(frozen=True)
class _Solved:
    status: str
    objective: float
    column_value: np.ndarray
    row_dual: np.ndarray
    unmet_slope: np.ndarray  # [row] d(total unmet hours) / d(row bound)


class _Solver:
    """One HiGHS instance holding a region's LP; `solve` sets its row bounds and solves.

    A fresh solve first keeps the region's areas apart (transfers fixed at 0: the LP falls into
    one small LP per area, which the simplex method solves in time linear in the areas), then
    frees the transfers and lets the primal simplex method, from that basis, move hours between
    areas. Solving the joined LP directly takes many times as long: every pivot's work spreads
    over all the areas. A warm solve starts the dual simplex method from the last optimal basis.
    """

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        # The bare core class: the wrapper `highspy.Highs` prints a banner to standard output
        # on construction, which would spoil a command's --json output.
        highs = highspy._Highs()  # type: ignore[attr-defined]
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("solver", "simplex")
        highs.setOptionValue("random_seed", 0)
        # measured on the benchmark's problems: devex pricing and no scaling (the matrix holds
        # only 1, 1 + overhead and the supervision ratios) halve the time of warm solves
        highs.setOptionValue("simplex_dual_edge_weight_strategy", 1)
        highs.setOptionValue("simplex_scale_strategy", 0)
        matrix = layout.matrix
        num_rows, num_columns = matrix.shape
        _check(
            "passModel",
            highs.passModel(
                num_columns,
                num_rows,
                int(matrix.nnz),
                int(highspy.MatrixFormat.kColwise),
                int(highspy.ObjSense.kMinimize),
                0.0,
                layout.cost,
                np.zeros(num_columns),
                np.full(num_columns, np.inf),
                np.zeros(num_rows),
                np.zeros(num_rows),
                matrix.indptr.astype(np.int32),
                matrix.indices.astype(np.int32),
                matrix.data,
                np.zeros(num_columns, dtype=np.int32),  # every column continuous
            ),
        )
        self.highs = highs
        self.all_rows = np.arange(num_rows, dtype=np.int32)
        self.transfers = layout.transfers.astype(np.int32)
        self.counts_unmet = np.zeros(num_columns)
        self.counts_unmet[layout.columns["unmet"].part] = 1.0

    def solve(self, lower: np.ndarray, upper: np.ndarray, start: object = _LAST) -> _Solved:
        """Solve with these row bounds, starting from the last optimal basis (`_LAST`), from
        afresh (None), or from a basis that `basis()` returned."""
        highs = self.highs
        if self.layout.num_columns == 0:  # nothing needed, nobody there: nothing to solve
            rows = np.zeros(self.layout.num_rows)
            return _Solved(OPTIMAL, 0.0, np.zeros(0), rows, rows)
        _check("changeRowsBounds", highs.changeRowsBounds(len(lower), self.all_rows, lower, upper))
        if start is None:
            status = self._fresh()
        else:
            if start is not _LAST:
                highs.clearSolver()
                _check("setBasis", highs.setBasis(start))
            status = self._run(presolve=False, dual=True)
            if status != OPTIMAL:  # a warm start gone wrong: once more afresh
                status = self._fresh()
        if status != OPTIMAL:
            empty = np.zeros(0)
            return _Solved(status, np.nan, empty, empty, empty)
        solution = highs.getSolution()
        return _Solved(
            status=status,
            objective=float(highs.getInfo().objective_function_value),
            column_value=np.asarray(solution.col_value),
            row_dual=np.asarray(solution.row_dual),
            unmet_slope=self._unmet_slope(),
        )

    def basis(self) -> object:
        """The current basis, to start a later solve from."""
        return self.highs.getBasis()

    def _fresh(self) -> str:
        highs = self.highs
        highs.clearSolver()
        n = len(self.transfers)
        if n == 0:
            return self._run(presolve=True, dual=True)
        zero = np.zeros(n)
        highs.changeColsBounds(n, self.transfers, zero, zero)
        self._run(presolve=True, dual=True)
        highs.changeColsBounds(n, self.transfers, zero, np.full(n, np.inf))
        return self._run(presolve=False, dual=False)

    def _run(self, *, presolve: bool, dual: bool) -> str:
        highs = self.highs
        highs.setOptionValue("presolve", "on" if presolve else "off")
        highs.setOptionValue("simplex_strategy", 1 if dual else 4)
        _check("run", highs.run())
        return str(highs.modelStatusToString(highs.getModelStatus())).lower()

    def _unmet_slope(self) -> np.ndarray:
        """d(total unmet hours) / d(row bound) for every row, at the optimal basis: the duals of
        the rows for costs that count 1 per unmet hour and 0 for anything else, `B^-T c_B`."""
        highs = self.highs
        if self.layout.num_rows == 0:
            return np.zeros(0)
        basic = highs.getBasicVariables()
        _check("getBasicVariables", basic[0])
        variables = np.asarray(basic[1])
        counts = np.zeros(len(variables))
        is_column = variables >= 0
        counts[is_column] = self.counts_unmet[variables[is_column]]
        if not counts.any():
            return np.zeros(self.layout.num_rows)
        solved = highs.getBasisTransposeSolve(counts)
        _check("getBasisTransposeSolve", solved[0])
        return np.asarray(solved[1])


def _check(operation: str, status: highspy.HighsStatus) -> None:
    if status == highspy.HighsStatus.kError:
        raise AllocationFailed(f"HiGHS {operation} failed")


def _read_back(
    layout: Layout,
    problem: AllocationProblem,
    solved: _Solved,
    hours: np.ndarray,
    capacity: np.ndarray,
    out: Allocation,
    i: int,
    j: int,
) -> None:
    """Scatter one region's solution for one (run, year) into the results at run i, year j."""
    areas = layout.areas
    n_areas, n_tasks, n_groups = len(areas), hours.shape[1], capacity.shape[1]
    local = np.full(hours.shape[0], -1, dtype=np.int64)
    local[areas] = np.arange(n_areas)
    value = solved.column_value

    def values(kind: str) -> np.ndarray:
        return np.maximum(value[layout.columns[kind].part], 0.0)

    def by_area_group(kind: str, weights: np.ndarray) -> np.ndarray:
        block = layout.columns[kind]
        flat = np.bincount(
            local[block.area] * n_groups + block.group,
            weights=weights,
            minlength=n_areas * n_groups,
        )
        return flat.reshape(n_areas, n_groups)

    done = np.zeros((n_areas, n_tasks, n_groups))
    for kind in ("work", "away"):
        block = layout.columns[kind]
        done[local[block.area], block.task, block.group] += values(kind)
    supervise = layout.columns["supervise"]
    supervision = by_area_group("supervise", values("supervise"))
    by_task = np.bincount(
        local[supervise.area] * n_tasks + supervise.task,
        weights=values("supervise"),
        minlength=n_areas * n_tasks,
    ).reshape(n_areas, n_tasks)
    travel = layout.travel_overhead * by_area_group("away", values("away"))
    capacity = capacity[areas]
    used = done.sum(axis=1) + supervision + travel
    utilisation = np.divide(used, capacity, out=np.zeros_like(used), where=capacity > 0)

    unmet = np.zeros((n_areas, n_tasks))
    block = layout.columns["unmet"]
    unmet[local[block.area], block.task] = values("unmet")
    tasks = layout.rows["pool"].task
    if tasks.size:  # the region's unmet hours, shared by need that own staff did not meet
        own_staff = done[:, tasks].sum(axis=2)  # [l, network task]
        short = np.maximum(hours[areas][:, tasks] - own_staff, 0.0)
        total_short = short.sum(axis=0)
        share = np.divide(short, total_short, out=np.zeros_like(short), where=total_short > 0)
        unmet[:, tasks] = share * unmet[:, tasks].sum(axis=0)

    rows = layout.rows["capacity"]
    price = np.zeros((n_areas, n_groups))
    removed = np.zeros((n_areas, n_groups))
    price[local[rows.area], rows.group] = -solved.row_dual[rows.part]
    removed[local[rows.area], rows.group] = (
        -solved.unmet_slope[rows.part] * problem.task_hours_per_fte[rows.group]
    )
    out.hours_done[i, areas, j] = done
    out.unmet[i, areas, j] = unmet
    out.supervision[i, areas, j] = supervision
    out.supervision_by_task[i, areas, j] = by_task
    out.travel[i, areas, j] = travel
    out.utilisation[i, areas, j] = utilisation
    out.capacity_price[i, areas, j] = np.where(np.abs(price) > NOISE, price, 0.0)
    out.unmet_removed_per_fte[i, areas, j] = np.where(np.abs(removed) > NOISE, removed, 0.0)

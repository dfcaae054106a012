"""Solve a linopy model with HiGHS quietly and read values and duals back by label.

linopy builds the model with labelled dimensions, which keeps the plan's formulation readable;
its own HiGHS call constructs the `highspy.Highs` wrapper, which prints a banner to standard
output (spoiling a command's --json output), so the model's matrices go to the bare core class.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import linopy
import numpy as np

OPTIMAL = "optimal"


@dataclass(frozen=True, eq=False)
class LpSolution:
    status: str  # HiGHS model status in words: "optimal", "infeasible", ...
    objective: float
    _values: np.ndarray  # by variable label (nan where absent)
    _duals: np.ndarray  # by constraint label (nan where absent)

    def value(self, variable: linopy.Variable, dims: tuple[str, ...] | None = None) -> np.ndarray:
        """The variable's values with its axes in the order `dims` (default the variable's own);
        0 in masked slots."""
        labels = variable.labels
        if dims is not None:
            labels = labels.transpose(*dims)
        ids = labels.values
        out = np.where(ids >= 0, self._values[np.maximum(ids, 0)], 0.0)
        return np.nan_to_num(out, nan=0.0)

    def dual(self, constraint: linopy.Constraint) -> np.ndarray:
        """The constraint's duals (d objective / d right-hand side), shaped like it; 0 where
        the constraint has no row."""
        labels = constraint.labels.values
        out = np.where(labels >= 0, self._duals[np.maximum(labels, 0)], 0.0)
        return np.nan_to_num(out, nan=0.0)


def solve(model: linopy.Model, *, time_limit: float = 300.0) -> LpSolution:
    """Minimise the model's objective; the status says whether a solution was found."""
    m = model.matrices
    if m.A is None:
        raise ValueError("the model has no constraints")
    matrix = m.A.tocsc()
    rows, columns = matrix.shape
    lower = np.where(m.sense == "<", -np.inf, m.b)
    upper = np.where(m.sense == ">", np.inf, m.b)
    highs = highspy._Highs()  # type: ignore[attr-defined]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("time_limit", float(time_limit))
    highs.passModel(
        columns,
        rows,
        int(matrix.nnz),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        float(np.sum(model.objective.expression.const.values)),
        np.asarray(m.c, dtype=np.float64),
        np.asarray(m.lb, dtype=np.float64),
        np.asarray(m.ub, dtype=np.float64),
        lower.astype(np.float64),
        upper.astype(np.float64),
        matrix.indptr.astype(np.int32),
        matrix.indices.astype(np.int32),
        matrix.data.astype(np.float64),
        np.zeros(columns, dtype=np.int32),
    )
    highs.run()
    status = highs.modelStatusToString(highs.getModelStatus()).lower()
    values = np.full(model._xCounter, np.nan)
    duals = np.full(model._cCounter, np.nan)
    if status == OPTIMAL:
        solution = highs.getSolution()
        values[m.vlabels] = np.asarray(solution.col_value)
        duals[m.clabels] = np.asarray(solution.row_dual)
        objective = float(highs.getInfo().objective_function_value)
    else:
        objective = float("nan")
    return LpSolution(status, objective, values, duals)

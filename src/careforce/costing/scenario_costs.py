"""The cost of a scenario by year and lever, for every run of its projection (docs/design/costing.md).

Pure: arrays and plain numbers in, GBP out. Costs are cash at the base year's prices: no
inflation and no future pay award is applied, so a year's cost differs from another's only by
what the projection and the levers change. Each lever's cost in year y:

- pay_bill: sum over roles and sectors of FTE x the role's annual pay with on-costs;
- training: students in training x the programme's cost per place year;
- international_recruitment: international joiners x the role's cost per recruit;
- retention: each measure's cost a year, from its first year;
- pay_uplift: each uplift x the pay bill of the staff it selects, from its first year (uplifts on
  the same staff add up);
- delegation_training: workers trained a year x the cost of training one, from the first year.

Run 0 is the central run; ranges are quantiles over the drawn runs (run 0 alone without any).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

LEVERS = (
    "pay_bill",
    "training",
    "international_recruitment",
    "retention",
    "pay_uplift",
    "delegation_training",
)
QUANTILES = (5, 25, 50, 75, 95)
TOTAL = "total"


@dataclass(frozen=True, slots=True)
class YearlyCost:
    """A cost (GBP, or a count for delegation training) each year from `from_year` (every year
    when None)."""

    amount: float
    from_year: int | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Uplift:
    """A pay uplift (0.03 = 3%) on the staff `selected[g, c]` (role, sector) from `from_year`."""

    share: float
    selected: np.ndarray
    from_year: int | None = None


@dataclass(frozen=True, eq=False)
class CostInputs:
    """What the costing needs, with axes r run, y cost year, g role, c sector, p programme.

    fte                  [r, y, g, c]  FTE in post in each cost year
    annual_cost          [g]           GBP a year of one FTE, pay with on-costs
    students             [r, y, p]     students in training in each cost year
    cost_per_place_year  [p]           GBP a student a course year
    recruits             [r, y, g]     international joiners in each cost year
    cost_per_recruit     [g]           GBP a recruit
    """

    base_year: int
    years: tuple[int, ...]
    runs: np.ndarray
    roles: tuple[str, ...]
    fte: np.ndarray
    annual_cost: np.ndarray
    students: np.ndarray
    cost_per_place_year: np.ndarray
    recruits: np.ndarray
    cost_per_recruit: np.ndarray
    retention: tuple[YearlyCost, ...] = ()
    pay_uplifts: tuple[Uplift, ...] = ()
    delegation_trained: tuple[YearlyCost, ...] = ()
    cost_per_trained_worker: float = 0.0
    assumptions: tuple[str, ...] = ()


def _summary_columns(values: np.ndarray, central: int, drawn: np.ndarray) -> dict[str, Any]:
    """central and quantile columns of `values[r, ...]` over the runs (flattened after r)."""
    flat = values.reshape(values.shape[0], -1)
    sample = flat[drawn] if drawn.size else flat[[central]]
    out: dict[str, Any] = {"central": flat[central]}
    for q, row in zip(QUANTILES, np.percentile(sample, QUANTILES, axis=0), strict=True):
        out[f"q{q}"] = row
    return out


@dataclass(frozen=True, eq=False)
class ScenarioCosts:
    """GBP by run, cost year and lever (`by_run[r, y, lever]`), at `base_year` prices.

    `fte_by_role[r, y, g]` and `annual_cost[g]` (one FTE's pay with on-costs) make the pay bill.
    """

    base_year: int
    years: tuple[int, ...]
    levers: tuple[str, ...]
    by_run: np.ndarray
    runs: np.ndarray
    assumptions: tuple[str, ...]
    roles: tuple[str, ...] = ()
    fte_by_role: np.ndarray | None = None
    annual_cost: np.ndarray | None = None

    @property
    def central_index(self) -> int:
        found = np.flatnonzero(np.asarray(self.runs) == 0)
        if not found.size:
            raise ValueError("the costs hold no central run (run 0)")
        return int(found[0])

    @property
    def drawn_index(self) -> np.ndarray:
        return np.flatnonzero(np.asarray(self.runs) != 0)

    def total(self) -> np.ndarray:
        """GBP `[r, y]`, every lever."""
        return np.asarray(self.by_run.sum(axis=2))

    def _frame(self, values: np.ndarray, levers: Sequence[str]) -> pl.DataFrame:
        """Rows (year, lever) of `values[r, y, lever]`, year first."""
        columns = _summary_columns(values, self.central_index, self.drawn_index)
        years = np.repeat(np.array(self.years, dtype=np.int64), len(levers))
        names = list(levers) * len(self.years)
        return pl.DataFrame(
            {"year": years, "lever": names, **columns},
            schema={
                "year": pl.Int64,
                "lever": pl.String,
                **dict.fromkeys(columns, pl.Float64),
            },
        )

    def by_year_lever(self) -> pl.DataFrame:
        """year, lever, central, q5, q25, q50, q75, q95 (GBP)."""
        return self._frame(self.by_run, self.levers)

    def total_by_year(self) -> pl.DataFrame:
        """As `by_year_lever`, with lever "total": each run's levers summed before its quantiles."""
        return self._frame(self.total()[:, :, None], (TOTAL,))

    def pay_bill_by_role(self) -> pl.DataFrame:
        """role, year, fte_central, annual_cost_central (GBP, pay with on-costs)."""
        if self.fte_by_role is None or self.annual_cost is None:
            raise ValueError("these costs were made without the pay bill by role")
        fte = self.fte_by_role[self.central_index]  # [y, g]
        cost = fte * self.annual_cost[None, :]
        return pl.DataFrame(
            {
                "role": list(self.roles) * len(self.years),
                "year": np.repeat(np.array(self.years, dtype=np.int64), len(self.roles)),
                "fte_central": fte.reshape(-1),
                "annual_cost_central": cost.reshape(-1),
            },
            schema={
                "role": pl.String,
                "year": pl.Int64,
                "fte_central": pl.Float64,
                "annual_cost_central": pl.Float64,
            },
        ).sort("role", "year", maintain_order=True)

    def as_document(self) -> dict[str, Any]:
        return {
            "base_year": self.base_year,
            "prices": f"cash at {self.base_year}/{(self.base_year + 1) % 100:02d} prices",
            "years": list(self.years),
            "levers": list(self.levers),
            "runs": len(self.runs),
            "by_year_lever": self.by_year_lever().to_dicts(),
            "total_by_year": self.total_by_year().to_dicts(),
            "assumptions": list(self.assumptions),
        }


def _from(years: np.ndarray, from_year: int | None) -> np.ndarray:
    """1.0 in the years from `from_year` on (every year when None), else 0.0 `[y]`."""
    return (years >= (from_year if from_year is not None else years.min())).astype(np.float64)


def _check(inputs: CostInputs) -> tuple[int, int, int, int]:
    runs, years = len(inputs.runs), len(inputs.years)
    roles = len(inputs.roles)
    fte = np.shape(inputs.fte)
    if len(fte) != 4 or fte[:3] != (runs, years, roles):
        raise ValueError(f"fte has shape {fte}; it needs (runs, years, roles, sectors)")
    sectors = fte[3]
    programmes = len(inputs.cost_per_place_year)
    expected = {
        "annual_cost": (roles,),
        "students": (runs, years, programmes),
        "recruits": (runs, years, roles),
        "cost_per_recruit": (roles,),
    }
    for name, shape in expected.items():
        if np.shape(getattr(inputs, name)) != shape:
            raise ValueError(
                f"{name} has shape {np.shape(getattr(inputs, name))}; it needs {shape}"
            )
    for uplift in inputs.pay_uplifts:
        if np.shape(uplift.selected) != (roles, sectors):
            raise ValueError("a pay uplift selects staff by (role, sector)")
    return runs, years, roles, sectors


def scenario_costs(inputs: CostInputs) -> ScenarioCosts:
    """Each lever's cost by run and year (see the module notes)."""
    runs, n_years, _, _ = _check(inputs)
    years = np.array(inputs.years, dtype=np.int64)
    fte = np.asarray(inputs.fte, dtype=np.float64)
    annual = np.asarray(inputs.annual_cost, dtype=np.float64)
    bill_cells = fte * annual[None, None, :, None]  # [r, y, g, c]
    out = np.zeros((runs, n_years, len(LEVERS)))
    out[..., LEVERS.index("pay_bill")] = bill_cells.sum(axis=(2, 3))
    out[..., LEVERS.index("training")] = np.asarray(inputs.students) @ np.asarray(
        inputs.cost_per_place_year, dtype=np.float64
    )
    out[..., LEVERS.index("international_recruitment")] = np.asarray(inputs.recruits) @ np.asarray(
        inputs.cost_per_recruit, dtype=np.float64
    )
    for m in inputs.retention:
        out[..., LEVERS.index("retention")] += m.amount * _from(years, m.from_year)[None, :]
    uplift = np.zeros((n_years, *bill_cells.shape[2:]))  # [y, g, c] share of pay
    for u in inputs.pay_uplifts:
        uplift += u.share * _from(years, u.from_year)[:, None, None] * u.selected[None]
    out[..., LEVERS.index("pay_uplift")] = (bill_cells * uplift[None]).sum(axis=(2, 3))
    for d in inputs.delegation_trained:
        cost = d.amount * inputs.cost_per_trained_worker * _from(years, d.from_year)
        out[..., LEVERS.index("delegation_training")] += cost[None, :]
    return ScenarioCosts(
        base_year=inputs.base_year,
        years=tuple(int(y) for y in years),
        levers=LEVERS,
        by_run=out,
        runs=np.asarray(inputs.runs, dtype=np.int64),
        assumptions=inputs.assumptions,
        roles=inputs.roles,
        fte_by_role=fte.sum(axis=3),
        annual_cost=annual,
    )

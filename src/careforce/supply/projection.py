"""The results of a supply projection: stocks by cell, age band, flows and the pipeline.

Year 0 is the starting stock; year y (1..years) is the stock after y yearly steps, and the flows
and pipeline numbers at year y are those of the step that led to it (zero at year 0, except the
starting students). Headcount and FTE are kept for the model's staffed cells only
(`SupplyModel.staffed_cells`; every other cell is empty in every run) and spread back to
`[r, y, g, l, c]` on request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

AGE_BANDS = ("<25", "25-34", "35-44", "45-54", "55-59", "60-64", "65+")
AGE_BAND_STARTS = np.array([25, 35, 45, 55, 60, 65])
FLOWS = (
    "leavers",  # every leaver, retirements and those reaching the last age included
    "retirements",
    "returners",
    "moves_in",
    "moves_out",
    "pipeline_joiners",
    "other_joiners",
    "international_joiners",
    "into_training",  # staff leaving their role for an apprenticeship route's course
)
JOINER_FLOWS = (
    "returners",
    "moves_in",
    "pipeline_joiners",
    "other_joiners",
    "international_joiners",
)


def age_band_of(ages: np.ndarray) -> np.ndarray:
    """The index into `AGE_BANDS` of each single year of age."""
    return np.searchsorted(AGE_BAND_STARTS, np.asarray(ages), side="right").astype(np.int64)


@dataclass(frozen=True, eq=False)
class Projection:
    """Stocks and flows for runs `runs` (run 0, if present, central) and years 0..`years`.

    headcount_by_cell, fte_by_cell   [r, y, cell]   ages summed; the cell's role, area and sector
                                                    are `cell_role`, `cell_area`, `cell_sector`
    headcount_by_age_band            [r, y, g, band]  bands `AGE_BANDS`
    flows                            [r, y, g, flow]  headcount a year, `FLOWS`
    students, intake, completers     [r, y, p]  students in training after the year's step,
                                                those starting, those completing
    FTE is as reported: carried FTE times the year's participation lever. `backend` is the one
    that computed them ("numpy", "cupy", "numba"; "reference" for the test oracle).

    The by-cell arrays are float64, or float32 when projected with `result_dtype=np.float32`
    (half the memory and the writing time at national scale). Then the central run is also
    kept in float64 in `central_headcount_by_cell` and `central_fte_by_cell` `[y, cell]`, and
    `headcount()`, `fte()` and `central_by_cell` give it unrounded; the drawn runs, which only
    feed quantiles, carry about seven significant digits.
    """

    roles: tuple[str, ...]
    areas: tuple[str, ...]
    sectors: tuple[str, ...]
    programmes: tuple[str, ...]
    runs: np.ndarray
    cell_role: np.ndarray
    cell_area: np.ndarray
    cell_sector: np.ndarray
    headcount_by_cell: np.ndarray
    fte_by_cell: np.ndarray
    headcount_by_age_band: np.ndarray
    flows: np.ndarray
    students: np.ndarray
    intake: np.ndarray
    completers: np.ndarray
    backend: str = "numpy"
    central_headcount_by_cell: np.ndarray | None = None
    central_fte_by_cell: np.ndarray | None = None

    @property
    def years(self) -> int:
        """How many yearly steps were projected (the year axis has one more entry)."""
        return int(self.headcount_by_cell.shape[1]) - 1

    def _dense(self, by_cell: np.ndarray, central: np.ndarray | None) -> np.ndarray:
        shape = (*by_cell.shape[:2], len(self.roles), len(self.areas), len(self.sectors))
        dense = np.zeros(shape)
        dense[:, :, self.cell_role, self.cell_area, self.cell_sector] = by_cell
        if central is not None:
            dense[0][:, self.cell_role, self.cell_area, self.cell_sector] = central
        return dense

    def headcount(self) -> np.ndarray:
        """Headcount `[r, y, g, l, c]` in float64 (a new array: large for national models)."""
        return self._dense(self.headcount_by_cell, self.central_headcount_by_cell)

    def fte(self) -> np.ndarray:
        """FTE `[r, y, g, l, c]` in float64 (a new array: large for national models)."""
        return self._dense(self.fte_by_cell, self.central_fte_by_cell)

    def central_by_cell(self) -> tuple[np.ndarray, np.ndarray]:
        """Headcount and FTE `[y, cell]` of the first run as float64: the central run 0
        unrounded whatever the results' precision; a chunk of drawn runs as stored."""
        if self.central_headcount_by_cell is not None and self.central_fte_by_cell is not None:
            return self.central_headcount_by_cell, self.central_fte_by_cell
        return (
            self.headcount_by_cell[0].astype(np.float64),
            self.fte_by_cell[0].astype(np.float64),
        )

    def flow(self, name: str) -> np.ndarray:
        """One flow `[r, y, g]` by its name in `FLOWS`."""
        return self.flows[..., FLOWS.index(name)]

    @classmethod
    def concat(cls, parts: Sequence[Projection]) -> Projection:
        """Projections of chunks of runs of the same model, joined along the run axis."""
        if not parts:
            raise ValueError("no projections to join")
        first = parts[0]
        for part in parts[1:]:
            if part.roles != first.roles or not np.array_equal(part.cell_role, first.cell_role):
                raise ValueError("only projections of the same model can be joined")
            if part.years != first.years:
                raise ValueError("only projections of the same number of years can be joined")
            if part.backend != first.backend:
                raise ValueError(
                    "only projections from the same backend can be joined (their results agree"
                    " to rounding, not to the last digit)"
                )
        joined = {
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in (
                "runs",
                "headcount_by_cell",
                "fte_by_cell",
                "headcount_by_age_band",
                "flows",
                "students",
                "intake",
                "completers",
            )
        }
        return cls(
            roles=first.roles,
            areas=first.areas,
            sectors=first.sectors,
            programmes=first.programmes,
            cell_role=first.cell_role,
            cell_area=first.cell_area,
            cell_sector=first.cell_sector,
            backend=first.backend,
            central_headcount_by_cell=first.central_headcount_by_cell,
            central_fte_by_cell=first.central_fte_by_cell,
            **joined,
        )

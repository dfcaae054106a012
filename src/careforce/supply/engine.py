"""Project the workforce: the run loop over `PLAN`, on numpy, CuPy or the fused numba kernel.

Runs are independent: the result for a run depends only on the model, that run's parameters
and, with process noise, that run's own random streams; so projecting runs 0..R at once or in
chunks (`RunParameters.take`, then `Projection.concat`) gives identical results, and chunks can
go to a process pool or a cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from careforce.domain.errors import UserError
from careforce.sampling import generator
from careforce.supply.backend import BACKENDS, array_namespace, to_numpy
from careforce.supply.model import RunParameters, SupplyModel
from careforce.supply.plan import DeviceModel, RunArrays, YearInputs, advance_year
from careforce.supply.projection import AGE_BANDS, FLOWS, Projection, age_band_of
from careforce.supply.steps import Array, Stock

# Elements of one stock array per block of runs on the array path: small blocks keep numpy's
# temporaries in cache; a GPU wants large ones.
BLOCK_ELEMENTS = {"numpy": 400_000, "cupy": 200_000_000}

KERNEL_RUNS_PER_CHUNK = 4

GeneratorFor = Callable[[str, int], np.random.Generator]


@dataclass(frozen=True)
class ProcessNoise:
    """Binomial leavers and Poisson other joiners, for small populations (METHODS section 5).

    `generator_for(stream, run)` gives the generator of one named stream in one run. Streams are
    named per flow and role (`supply.noise.leavers.<role>`, `supply.noise.joiners.<role>`), so
    changing one role leaves every other role's draws as they were. Run 0 never has noise.
    """

    generator_for: GeneratorFor

    @classmethod
    def from_seed(cls, seed: int) -> ProcessNoise:
        """Streams derived from the scenario seed by `careforce.sampling.generator`."""
        return cls(partial(generator, seed))


def backend_used(backend: str, process_noise: ProcessNoise | None = None) -> str:
    """The backend that projects: the one asked for, except that process noise is drawn on the
    numpy array path only (whole-person draws from each run's own streams), so with noise every
    backend projects there. Refuses an unknown backend name."""
    if backend not in BACKENDS:
        raise UserError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    return "numpy" if process_noise is not None else backend


def project(
    model: SupplyModel,
    params: RunParameters,
    years: int,
    *,
    backend: str = "numpy",
    process_noise: ProcessNoise | None = None,
    result_dtype: DTypeLike = np.float64,
) -> Projection:
    """Stocks and flows for each run of `params` over `years` yearly steps (year 0 the start).

    backend: "numpy" (the array path), "cupy" (the same on a GPU) or "numba" (the fused kernel,
    fastest on a CPU). With process noise every backend runs the numpy array path
    (`backend_used`); `Projection.backend` says which one ran.

    result_dtype: float64, or float32 to keep the drawn runs' headcount and FTE by cell in half
    the memory (they only feed quantiles). Every number is computed in float64 either way, and
    the central run 0 is projected on its own and kept unrounded beside them
    (`Projection.central_headcount_by_cell`); age bands, flows and the pipeline stay float64.
    """
    params.check(model)
    if not 0 <= years <= model.years:
        raise ValueError(
            f"years must be 0 to {model.years}: the model's year-varying inputs have"
            f" {model.years} rows"
        )
    dtype = np.dtype(result_dtype)
    if dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"result_dtype must be float64 or float32, not {dtype}")
    used = backend_used(backend, process_noise)
    xp = array_namespace(used)  # refuses CuPy where it cannot run

    def fill(chunk: RunParameters, results: dict[str, np.ndarray]) -> None:
        if used == "numba":
            _project_numba(model, chunk, years, results)
        else:
            _project_arrays(xp, used, model, chunk, years, process_noise, results)

    results = _empty_results(model, len(params), years, dtype)
    if dtype == np.float64 or not len(params) or params.runs[0] != 0:
        fill(params, results)
        return _projection(model, params, results, used)
    central = _empty_results(model, 1, years, np.dtype(np.float64))
    fill(params.take(slice(0, 1)), central)
    for name, array in central.items():
        results[name][0] = array[0]
    if len(params) > 1:  # written in place, after the central run's row
        fill(params.take(slice(1, None)), {name: a[1:] for name, a in results.items()})
    return _projection(
        model,
        params,
        results,
        used,
        central_headcount_by_cell=central["headcount_by_cell"][0],
        central_fte_by_cell=central["fte_by_cell"][0],
    )


def _empty_results(
    model: SupplyModel, runs: int, years: int, dtype: np.dtype
) -> dict[str, np.ndarray]:
    cells = len(model.cells[0])
    roles, programmes = len(model.roles), len(model.programmes)
    return {
        "headcount_by_cell": np.zeros((runs, years + 1, cells), dtype),
        "fte_by_cell": np.zeros((runs, years + 1, cells), dtype),
        "headcount_by_age_band": np.zeros((runs, years + 1, roles, len(AGE_BANDS))),
        "flows": np.zeros((runs, years + 1, roles, len(FLOWS))),
        "students": np.zeros((runs, years + 1, programmes)),
        "intake": np.zeros((runs, years + 1, programmes)),
        "completers": np.zeros((runs, years + 1, programmes)),
    }


def _projection(
    model: SupplyModel,
    params: RunParameters,
    results: dict,
    backend: str,
    **central: np.ndarray,
) -> Projection:
    role, area, sector = model.cells
    return Projection(
        roles=model.roles,
        areas=model.areas,
        sectors=model.sectors,
        programmes=model.programmes,
        runs=params.runs.copy(),
        cell_role=role,
        cell_area=area,
        cell_sector=sector,
        backend=backend,
        **central,
        **results,
    )


# The array path (numpy or CuPy) -----------------------------------------------------------------


def _project_arrays(
    xp: Any,
    backend: str,
    model: SupplyModel,
    params: RunParameters,
    years: int,
    noise: ProcessNoise | None,
    results: dict[str, np.ndarray],
) -> None:
    device = DeviceModel.of(xp, model)
    block = 1 if noise else max(1, BLOCK_ELEMENTS[backend] // model.headcount.size)
    bands = xp.asarray(np.eye(len(AGE_BANDS))[age_band_of(model.ages)])
    cells = tuple(xp.asarray(index) for index in model.cells)
    for start in range(0, len(params), block):
        rows = slice(start, min(start + block, len(params)))
        chunk = params.take(rows)
        runs = RunArrays(
            xp.asarray(chunk.leaver_multiplier),
            xp.asarray(chunk.joiner_multiplier),
            xp.asarray(chunk.international_multiplier),
            xp.asarray(chunk.fill_rate),
        )
        draws = _noise_draws(model, noise, int(chunk.runs[0])) if noise else (None, None)
        count = len(chunk)
        stock = Stock(
            xp.repeat(device["headcount"][None], count, axis=0),
            xp.repeat(device["fte"][None], count, axis=0),
        )
        students = xp.repeat(device["students"][None], count, axis=0)

        def record(y: int, stock: Stock, fte: Array, rows: slice = rows) -> None:
            heads = stock.headcount.sum(axis=-1)
            results["headcount_by_cell"][rows, y] = to_numpy(heads[(slice(None), *cells)])
            results["fte_by_cell"][rows, y] = to_numpy(fte[(slice(None), *cells)])
            by_band = xp.einsum("rglca,ab->rgb", stock.headcount, bands)
            results["headcount_by_age_band"][rows, y] = to_numpy(by_band)

        record(0, stock, stock.fte.sum(axis=-1))
        results["students"][rows, 0] = to_numpy(students.sum(axis=-1))
        for t in range(years):
            year = YearInputs(device, runs, t, *draws)
            state = advance_year(year, stock, students)
            stock, students = state.stock, state.students
            record(t + 1, stock, state.reported_fte)
            by_role = xp.stack([state.flows[name].sum(axis=(2, 3)) for name in FLOWS], axis=-1)
            results["flows"][rows, t + 1] = to_numpy(by_role)
            results["students"][rows, t + 1] = to_numpy(students.sum(axis=-1))
            results["intake"][rows, t + 1] = to_numpy(state.intake)
            results["completers"][rows, t + 1] = to_numpy(state.completers)


def _noise_draws(model: SupplyModel, noise: ProcessNoise, run: int) -> tuple[Any, Any]:
    """Draw functions for one run (a block of one); none for the central run."""
    if run == 0:
        return None, None
    leaving = [noise.generator_for(f"supply.noise.leavers.{role}", run) for role in model.roles]
    joining = [noise.generator_for(f"supply.noise.joiners.{role}", run) for role in model.roles]

    def draw_leavers(headcount: np.ndarray, probability: np.ndarray) -> np.ndarray:
        """Binomial on the whole people in a cell; the fraction of a person leaves as expected."""
        whole = np.floor(headcount)
        drawn = np.empty_like(headcount)
        for g, rng in enumerate(leaving):
            people = whole[:, g].astype(np.int64)
            drawn[:, g] = rng.binomial(people, probability[:, g])
        return drawn + (headcount - whole) * probability

    def draw_joiners(expected: np.ndarray) -> np.ndarray:
        drawn = np.empty_like(expected)
        for g, rng in enumerate(joining):
            drawn[:, g] = rng.poisson(expected[:, g])
        return drawn

    return draw_leavers, draw_joiners


# The fused kernel -------------------------------------------------------------------------------


def _csr(rows: list[list[tuple[int, float]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    starts = np.zeros(len(rows) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(row) for row in rows])
    index = np.array([i for row in rows for i, _ in row], dtype=np.int64)
    value = np.array([v for row in rows for _, v in row], dtype=np.float64)
    return starts, index, value


def kernel_inputs(model: SupplyModel) -> dict[str, np.ndarray]:
    """The model in the kernel's layout: staffed cells only, moves and programmes as lists."""
    role, area, sector = model.cells
    cell_index = np.full((len(model.roles), len(model.areas), len(model.sectors)), -1, np.int64)
    cell_index[role, area, sector] = np.arange(len(role))
    # Routes into each cell from the other roles of its area and sector: (source's position in
    # its group, rate).
    group = area * len(model.sectors) + sector
    group_start = np.flatnonzero(np.r_[True, group[1:] != group[:-1], True]).astype(np.int64)
    first_of_group = np.repeat(group_start[:-1], np.diff(group_start)) if len(role) else role
    routes: list[list[tuple[int, float]]] = [[] for _ in role]
    for i, (h, l_, c_) in enumerate(zip(role, area, sector, strict=True)):
        for g in np.flatnonzero(model.move_rate[:, h]):
            source = cell_index[g, l_, c_]
            if source >= 0:  # a role never staffed here sends no one
                routes[i].append((int(source - first_of_group[i]), float(model.move_rate[g, h])))
    cell_move_start, cell_move_source, cell_move_rate = _csr(routes)
    places: list[list[tuple[int, float]]] = [[] for _ in role]
    for p in range(len(model.programmes)):
        if model.local_share[p] == 0:  # its places may be cells that are never staffed
            continue
        for i in cell_index[model.programme_role[p]][model.programme_spread[p] > 0]:
            places[i].append((p, float(model.programme_spread[p, area[i], sector[i]])))
    cell_programme_start, cell_programme, cell_programme_share = _csr(places)
    band_of = age_band_of(model.ages)
    band_start = np.searchsorted(band_of, np.arange(len(AGE_BANDS) + 1)).astype(np.int64)
    ages = model.shape["age"]
    per_head = model.joiner_fte_per_head
    # Arrivals' age shares interleaved with their FTE: [share of age a, share x FTE per head].
    joiner_arrival = np.stack(
        [model.joiner_age_share, model.joiner_age_share * per_head[:, None]], axis=-1
    ).reshape(len(model.roles), 2 * ages)
    completer_arrival = np.zeros((len(model.programmes) + 1, 2 * ages))  # last row: none
    completer_arrival[:-1] = np.stack(
        [
            model.start_age_share,
            model.start_age_share * per_head[model.programme_role][:, None],
        ],
        axis=-1,
    ).reshape(len(model.programmes), 2 * ages)
    completer_total = np.zeros(len(model.programmes) + 1)
    completer_total[:-1] = model.start_age_share.sum(axis=1)
    stock = np.stack([model.headcount[role, area, sector], model.fte[role, area, sector]], -1)
    groups = group_start if len(role) else np.zeros(1, np.int64)
    block_start, block_group = _blocks(model, groups, role)
    return {
        "SF0": np.ascontiguousarray(stock.reshape(len(role), 2 * ages)),
        "cell_role": role,
        "cell_sector": sector,
        "group_start": groups,
        "block_start": block_start,
        "block_group": block_group,
        "leaver_rate": model.leaver_rate,
        "retire_share": model.retire_share,
        "return_rate": model.return_rate,
        "return_fte_per_head": model.return_fte_per_head,
        "cell_move_start": cell_move_start,
        "cell_move_source": cell_move_source,
        "cell_move_rate": cell_move_rate,
        "move_out": model.move_rate.sum(axis=1),
        "joiner_rate": model.joiner_rate,
        "joiner_arrival": joiner_arrival,
        "international_recruits": model.international_recruits,
        "international_share": np.ascontiguousarray(model.international_spread[role, area, sector]),
        "retention": model.retention,
        "participation": model.participation,
        "commissioned": model.commissioned_places,
        "capacity": model.placement_capacity,
        "attrition": model.attrition_rate,
        "course_length": model.course_length_years,
        "local_share": model.local_share,
        "completer_arrival": completer_arrival,
        "completer_total": completer_total,
        "cell_programme_start": cell_programme_start,
        "cell_programme": cell_programme,
        "cell_programme_share": cell_programme_share,
        "programme_source": model.programme_source_role,
        "routes": model.routes.astype(np.int64),
        "is_source": np.isin(np.arange(len(model.roles)), model.programme_source_role),
        "students0": model.students,
        "band_start": band_start,
    }


def _blocks(
    model: SupplyModel, group_start: np.ndarray, cell_role: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's blocks of groups (CSR: `block_start` into `block_group`).

    Every group is a block of its own, except that with apprenticeship routes the groups holding
    a source role's cells come first, as one block (perhaps empty) stepped a year at a time.
    """
    groups = np.arange(len(group_start) - 1)
    if not len(model.routes):
        return np.arange(len(groups) + 1, dtype=np.int64), groups.astype(np.int64)
    sources = np.isin(cell_role, model.programme_source_role[model.routes])
    holds = np.array(
        [sources[group_start[g] : group_start[g + 1]].any() for g in groups], dtype=bool
    )
    coupled, alone = groups[holds], groups[~holds]
    block_start = np.r_[0, len(coupled) + np.arange(len(alone) + 1)].astype(np.int64)
    return block_start, np.r_[coupled, alone].astype(np.int64)


def _project_numba(
    model: SupplyModel, params: RunParameters, years: int, results: dict[str, np.ndarray]
) -> None:
    """The kernel writes each run's results straight into `results` (no copy afterwards)."""
    from numba import parallel_chunksize

    from careforce.supply.kernel import project_runs  # compiles (or loads the cache) on first use

    inputs = kernel_inputs(model)
    # Small chunks of runs per thread, so that a core slowed by other work does not hold up the
    # rest at the end.
    with parallel_chunksize(KERNEL_RUNS_PER_CHUNK):
        _call_kernel(project_runs, years, inputs, params, results)


def _call_kernel(
    kernel: Any, years: int, inputs: dict, params: RunParameters, results: dict
) -> None:
    kernel(
        years,
        *(inputs[name] for name in KERNEL_MODEL_ARGUMENTS),
        params.leaver_multiplier,
        params.joiner_multiplier,
        params.international_multiplier,
        np.ascontiguousarray(params.fill_rate),
        inputs["band_start"],
        *(results[name] for name in KERNEL_RESULTS),
    )


KERNEL_MODEL_ARGUMENTS = (
    "SF0", "cell_role", "cell_sector", "group_start", "block_start", "block_group",
    "leaver_rate", "retire_share", "return_rate", "return_fte_per_head",
    "cell_move_start", "cell_move_source", "cell_move_rate", "move_out",
    "joiner_rate", "joiner_arrival", "international_recruits", "international_share",
    "retention", "participation", "commissioned", "capacity", "attrition", "course_length",
    "local_share", "completer_arrival", "completer_total",
    "cell_programme_start", "cell_programme", "cell_programme_share",
    "programme_source", "routes", "is_source", "students0",
)  # fmt: skip
KERNEL_RESULTS = (
    "headcount_by_cell", "fte_by_cell", "headcount_by_age_band", "flows", "students", "intake",
    "completers",
)  # fmt: skip

"""The array-ready description of one supply projection, and the values that vary between runs.

Axes (docs/design/supply.md): g role, l area, c sector, a single year of age (from `age_min`;
at the last age everyone leaves), p training programme, k course year (0-based), y row of a
year-varying input (row t is the year from stock t to stock t + 1), r run (run 0 central).

Both classes check themselves on construction, so the engine, its fused kernel and the reference
implementation never see an array of the wrong shape, a rate outside [0, 1] or a share that does
not add up: the message names the array, the first bad cell by its labels, and what to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

AGE_MIN = 16
AGE_MAX = 74
SHARE_TOLERANCE = 1e-9

# Each array's axes, by dimension name (see the module docstring).
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "headcount": ("role", "area", "sector", "age"),
    "fte": ("role", "area", "sector", "age"),
    "leaver_rate": ("role", "sector", "age"),
    "retire_share": ("role", "sector", "age"),
    "return_rate": ("role",),
    "return_fte_per_head": ("role",),
    "move_rate": ("role", "role"),
    "joiner_rate": ("role", "sector"),
    "joiner_age_share": ("role", "age"),
    "joiner_fte_per_head": ("role",),
    "international_recruits": ("year", "role"),
    "international_spread": ("role", "area", "sector"),
    "commissioned_places": ("year", "programme"),
    "fill_rate": ("programme",),
    "placement_capacity": ("year", "programme"),
    "attrition_rate": ("programme", "course_year"),
    "course_length_years": ("programme",),
    "programme_role": ("programme",),
    "programme_source_role": ("programme",),
    "local_share": ("programme",),
    "programme_spread": ("programme", "area", "sector"),
    "start_age_share": ("programme", "age"),
    "students": ("programme", "course_year"),
    "retention": ("year", "role", "sector"),
    "participation": ("year", "role"),
}
RATES = (
    "leaver_rate",
    "retire_share",
    "return_rate",
    "fill_rate",
    "attrition_rate",
    "local_share",
)
INTEGERS = ("course_length_years", "programme_role", "programme_source_role")
NO_SOURCE_ROLE = -1  # a programme whose students do not come from a role's stock


def _label(model: SupplyModel, dimension: str, index: int) -> str:
    labels = {
        "role": model.roles,
        "area": model.areas,
        "sector": model.sectors,
        "programme": model.programmes,
    }.get(dimension)
    if labels is not None:
        return f"{dimension} {labels[index]!r}"
    if dimension == "age":
        return f"age {model.age_min + index}"
    return f"{dimension} {index}"


def _where(model: SupplyModel, name: str, dims: tuple[str, ...], bad: np.ndarray) -> str:
    """'3 cells, first at role 'nurse', age 17' for a boolean mask over an array's axes."""
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    place = ", ".join(_label(model, d, i) for d, i in zip(dims, first, strict=True))
    count = int(bad.sum())
    return f"{count} cell{'s' if count != 1 else ''}, first at {place or 'the value'}"


@dataclass(frozen=True, eq=False)
class SupplyModel:
    """Starting stock, rates, pipeline and levers of one projection; what no run changes.

    Shapes are in `DIMENSIONS`. `move_rate[g, g2]` is the share of role g's stock moving to role
    g2 each year (rows add up to at most 1, nobody moves to their own role). `joiner_rate` is a
    share of the cell's stock at the start of the year and may exceed 1 (a role growing fast).
    Shares over ages, areas and sectors add up to 1; a role that never recruits internationally
    may have an `international_spread` of zeros. Optional arrays: `joiner_fte_per_head` (default:
    each role's starting FTE per head, 1 where it has no staff), `students` (default none),
    `retention` and `participation` (levers, default 1: multipliers on the leaver rate and on
    FTE per head; participation does not compound from year to year), `programme_source_role`
    (default `NO_SOURCE_ROLE` for every programme: an apprenticeship route names the index of the
    role whose staff are its students; it may not be the role its completers join).
    """

    roles: tuple[str, ...]
    areas: tuple[str, ...]
    sectors: tuple[str, ...]
    programmes: tuple[str, ...]
    headcount: np.ndarray
    fte: np.ndarray
    leaver_rate: np.ndarray
    retire_share: np.ndarray
    return_rate: np.ndarray
    return_fte_per_head: np.ndarray
    move_rate: np.ndarray
    joiner_rate: np.ndarray
    joiner_age_share: np.ndarray
    international_recruits: np.ndarray
    international_spread: np.ndarray
    commissioned_places: np.ndarray
    fill_rate: np.ndarray
    placement_capacity: np.ndarray
    attrition_rate: np.ndarray
    course_length_years: np.ndarray
    programme_role: np.ndarray
    local_share: np.ndarray
    programme_spread: np.ndarray
    start_age_share: np.ndarray
    # Optional: None gives the default named in the class docstring (always an array after).
    joiner_fte_per_head: np.ndarray = None  # type: ignore[assignment]
    programme_source_role: np.ndarray = None  # type: ignore[assignment]
    students: np.ndarray = None  # type: ignore[assignment]
    retention: np.ndarray = None  # type: ignore[assignment]
    participation: np.ndarray = None  # type: ignore[assignment]
    age_min: int = AGE_MIN

    def __post_init__(self) -> None:
        for name in ("roles", "areas", "sectors", "programmes"):
            labels = tuple(str(v) for v in getattr(self, name))
            if len(set(labels)) != len(labels):
                raise ValueError(f"{name} must be unique labels")
            object.__setattr__(self, name, labels)
        if not (self.roles and self.areas and self.sectors):
            raise ValueError("a supply model needs at least one role, area and sector")
        headcount = np.asarray(self.headcount, dtype=np.float64)
        if headcount.ndim != 4:
            raise ValueError("headcount must have axes (role, area, sector, age)")
        years = np.asarray(self.international_recruits).shape[0]
        attrition = np.asarray(self.attrition_rate)
        courses = attrition.shape[1] if attrition.ndim == 2 else 1
        if np.shape(self.fte) != headcount.shape:
            raise ValueError(
                f"fte has shape {np.shape(self.fte)}; it needs {headcount.shape}, the shape of"
                " headcount (role, area, sector, age)"
            )
        defaults: dict[str, Callable[[], np.ndarray]] = {
            "joiner_fte_per_head": lambda: starting_fte_per_head(headcount, np.asarray(self.fte)),
            "programme_source_role": lambda: np.full(len(self.programmes), NO_SOURCE_ROLE),
            "students": lambda: np.zeros((len(self.programmes), courses)),
            "retention": lambda: np.ones((years, len(self.roles), len(self.sectors))),
            "participation": lambda: np.ones((years, len(self.roles))),
        }
        for name in DIMENSIONS:
            value = getattr(self, name)
            if value is None:
                value = defaults[name]()
            dtype = np.int64 if name in INTEGERS else np.float64
            array = np.array(value, dtype=dtype, copy=True)
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        self._check_shapes()
        self._check_values()
        self._check_shares()

    @property
    def shape(self) -> dict[str, int]:
        """The size of each dimension."""
        return {
            "role": len(self.roles),
            "area": len(self.areas),
            "sector": len(self.sectors),
            "age": self.headcount.shape[3],
            "programme": len(self.programmes),
            "course_year": self.attrition_rate.shape[1],
            "year": self.international_recruits.shape[0],
        }

    @property
    def ages(self) -> np.ndarray:
        """Single years of age, one per position on the age axis."""
        return np.arange(self.age_min, self.age_min + self.shape["age"])

    @property
    def years(self) -> int:
        """How many years the year-varying inputs cover (the longest projection possible)."""
        return self.shape["year"]

    @property
    def routes(self) -> np.ndarray:
        """Indices of the programmes whose students come from a role's stock (apprenticeships)."""
        return np.flatnonzero(self.programme_source_role != NO_SOURCE_ROLE)

    @cached_property
    def staffed_cells(self) -> np.ndarray:
        """Boolean [g, l, c]: cells that can ever hold staff (a stock, a route in, or a move in).

        Every other cell stays empty in every year and run, so results are kept for these cells
        only (a national model has most role, area and sector combinations empty).
        """
        return _reachable_cells(self)

    @cached_property
    def cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Role, area and sector indices of the staffed cells, ordered by area, sector, role.

        The order puts the roles of one area and sector together: moves stay within them.
        """
        area, sector, role = np.nonzero(self.staffed_cells.transpose(1, 2, 0))
        return role.astype(np.int64), area.astype(np.int64), sector.astype(np.int64)

    def _check_shapes(self) -> None:
        sizes = self.shape
        for name, dims in DIMENSIONS.items():
            expected = tuple(sizes[d] for d in dims)
            got = getattr(self, name).shape
            if got != expected:
                axes = ", ".join(f"{d}s={sizes[d]}" for d in dims)
                raise ValueError(
                    f"{name} has shape {got}; it needs {expected}: one value per {' x '.join(dims)}"
                    f" ({axes})"
                )

    def _check_values(self) -> None:
        for name, dims in DIMENSIONS.items():
            array = getattr(self, name)
            if array.dtype == np.float64 and not np.isfinite(array).all():
                where = _where(self, name, dims, ~np.isfinite(array))
                raise ValueError(f"{name} must be finite numbers: {where} is NaN or infinite")
            negative = array < (NO_SOURCE_ROLE if name == "programme_source_role" else 0)
            if negative.any():
                where = _where(self, name, dims, negative)
                raise ValueError(f"{name} must not be negative: {where}; give 0 or more")
        for name in RATES:
            array = getattr(self, name)
            if (array > 1).any():
                where = _where(self, name, DIMENSIONS[name], array > 1)
                raise ValueError(f"{name} is a rate and must lie in [0, 1]: {where} is above 1")
        no_staff = (self.headcount == 0) & (self.fte > 0)
        if no_staff.any():
            where = _where(self, "fte", DIMENSIONS["fte"], no_staff)
            raise ValueError(f"fte is above 0 where headcount is 0 ({where}): give fte 0 there")
        lengths = self.course_length_years
        if ((lengths < 1) | (lengths > self.shape["course_year"])).any():
            bad = (lengths < 1) | (lengths > self.shape["course_year"])
            where = _where(self, "course_length_years", ("programme",), bad)
            raise ValueError(
                f"course_length_years must be 1 to {self.shape['course_year']} (the course years"
                f" of attrition_rate): {where}"
            )
        if (self.programme_role >= len(self.roles)).any():
            bad = self.programme_role >= len(self.roles)
            where = _where(self, "programme_role", ("programme",), bad)
            raise ValueError(
                f"programme_role must index roles (0 to {len(self.roles) - 1}): {where}"
            )
        source = self.programme_source_role
        if (source >= len(self.roles)).any():
            bad = source >= len(self.roles)
            where = _where(self, "programme_source_role", ("programme",), bad)
            raise ValueError(
                f"programme_source_role must index roles (0 to {len(self.roles) - 1}) or be"
                f" {NO_SOURCE_ROLE} for none: {where}"
            )
        if (source == self.programme_role).any():
            bad = source == self.programme_role
            where = _where(self, "programme_source_role", ("programme",), bad)
            raise ValueError(
                f"an apprenticeship route takes its students from another role than the one its"
                f" completers join: {where}"
            )
        beyond = np.arange(self.shape["course_year"])[None, :] >= lengths[:, None]
        if (self.students * beyond > 0).any():
            where = _where(self, "students", DIMENSIONS["students"], self.students * beyond > 0)
            raise ValueError(f"students are in a course year past the course's length: {where}")
        diagonal = np.diagonal(self.move_rate)
        if (diagonal > 0).any():
            where = _where(self, "move_rate", ("role",), diagonal > 0)
            raise ValueError(f"move_rate from a role to itself must be 0: {where}")
        out = self.move_rate.sum(axis=1)
        if (out > 1 + SHARE_TOLERANCE).any():
            where = _where(self, "move_rate", ("role",), out > 1 + SHARE_TOLERANCE)
            raise ValueError(f"move_rate rows must add up to at most 1: {where}")

    def _check_shares(self) -> None:
        """Shares over ages, areas and sectors add up to 1 (or 0 where nobody arrives)."""
        recruits = self.international_recruits.sum(axis=0) > 0
        checks = (
            ("joiner_age_share", self.joiner_age_share.sum(axis=1), np.ones(len(self.roles))),
            ("start_age_share", self.start_age_share.sum(axis=1), None),
            ("programme_spread", self.programme_spread.sum(axis=(1, 2)), None),
            ("international_spread", self.international_spread.sum(axis=(1, 2)), recruits),
        )
        for name, total, needed in checks:
            must = np.ones(total.shape, dtype=bool) if needed is None else needed.astype(bool)
            ok = np.where(
                must,
                np.abs(total - 1) <= SHARE_TOLERANCE,
                (np.abs(total - 1) <= SHARE_TOLERANCE) | (total == 0),
            )
            if not ok.all():
                dims = DIMENSIONS[name][:1]
                where = _where(self, name, dims, ~ok)
                raise ValueError(f"{name} must add up to 1 for each {dims[0]}: {where} does not")


def starting_fte_per_head(headcount: np.ndarray, fte: np.ndarray) -> np.ndarray:
    """Each role's FTE per head in the starting stock; 1 where the role has no staff."""
    heads = headcount.reshape(headcount.shape[0], -1).sum(axis=1)
    ftes = np.asarray(fte, dtype=np.float64).reshape(headcount.shape[0], -1).sum(axis=1)
    return np.divide(ftes, heads, out=np.ones_like(heads), where=heads > 0)


def _reachable_cells(model: SupplyModel) -> np.ndarray:
    """Cells with a starting stock or a route in, closed under moves between roles.

    Other joiners and returners only ever arrive where there is stock, so they open no cell.
    """
    staffed = model.headcount.sum(axis=3) > 0
    recruits = model.international_recruits.sum(axis=0) > 0
    staffed |= (model.international_spread > 0) & recruits[:, None, None]
    for p, role in enumerate(model.programme_role):
        if model.local_share[p] > 0:
            staffed[role] |= model.programme_spread[p] > 0
    moves = model.move_rate > 0
    while True:
        reached = staffed | np.einsum("glc,gh->hlc", staffed, moves).astype(bool)
        if (reached == staffed).all():
            return reached
        staffed = reached


@dataclass(frozen=True, eq=False)
class RunParameters:
    """Per-run multipliers drawn up front, the run leading (METHODS section 5).

    `runs[i]` is the run index of row i; run 0, where present, is the central run: every
    multiplier 1 and the model's fill rate. `leaver_multiplier[r, g]` (m_q) scales leaver rates,
    `joiner_multiplier[r, g]` (m_j) other joiners' rates, `international_multiplier[r, g]` the
    international recruits, and `fill_rate[r, p]` replaces the model's fill rate.
    """

    runs: np.ndarray
    leaver_multiplier: np.ndarray
    joiner_multiplier: np.ndarray
    international_multiplier: np.ndarray
    fill_rate: np.ndarray

    def __post_init__(self) -> None:
        runs = np.array(self.runs, dtype=np.int64).reshape(-1)
        if (runs < 0).any() or len(np.unique(runs)) != len(runs):
            raise ValueError("runs must be distinct whole numbers from 0")
        object.__setattr__(self, "runs", runs)
        for name in ("leaver_multiplier", "joiner_multiplier", "international_multiplier"):
            array = np.array(getattr(self, name), dtype=np.float64)
            if array.ndim != 2 or array.shape[0] != len(runs):
                raise ValueError(f"{name} needs shape (runs, roles), one row per run")
            if not np.isfinite(array).all() or (array < 0).any():
                raise ValueError(f"{name} must be finite and not negative")
            object.__setattr__(self, name, array)
        fill = np.array(self.fill_rate, dtype=np.float64)
        if fill.ndim != 2 or fill.shape[0] != len(runs):
            raise ValueError("fill_rate needs shape (runs, programmes), one row per run")
        if not np.isfinite(fill).all() or (fill < 0).any() or (fill > 1).any():
            raise ValueError("fill_rate is a rate and must lie in [0, 1]")
        object.__setattr__(self, "fill_rate", fill)

    @classmethod
    def central(cls, model: SupplyModel, runs: int | np.ndarray = 1) -> RunParameters:
        """Every run at the central values (useful for run 0 and for tests)."""
        index = np.arange(runs) if isinstance(runs, int) else np.asarray(runs)
        count, roles = len(index), len(model.roles)
        return cls(
            runs=index,
            leaver_multiplier=np.ones((count, roles)),
            joiner_multiplier=np.ones((count, roles)),
            international_multiplier=np.ones((count, roles)),
            fill_rate=np.broadcast_to(model.fill_rate, (count, len(model.programmes))),
        )

    def __len__(self) -> int:
        return len(self.runs)

    def take(self, rows: slice | np.ndarray) -> RunParameters:
        """The same parameters for some of the runs (a chunk sent to a worker)."""
        return RunParameters(
            runs=self.runs[rows],
            leaver_multiplier=self.leaver_multiplier[rows],
            joiner_multiplier=self.joiner_multiplier[rows],
            international_multiplier=self.international_multiplier[rows],
            fill_rate=self.fill_rate[rows],
        )

    def check(self, model: SupplyModel) -> None:
        """Raise ValueError when these parameters do not fit `model`, or run 0 is not central."""
        roles, programmes = len(model.roles), len(model.programmes)
        for name, width, what in (
            ("leaver_multiplier", roles, "roles"),
            ("joiner_multiplier", roles, "roles"),
            ("international_multiplier", roles, "roles"),
            ("fill_rate", programmes, "programmes"),
        ):
            if getattr(self, name).shape[1] != width:
                raise ValueError(f"{name} needs one column per {what[:-1]} ({width} {what})")
        central = self.runs == 0
        if central.any():
            row = int(np.argmax(central))
            multipliers = (
                self.leaver_multiplier[row],
                self.joiner_multiplier[row],
                self.international_multiplier[row],
            )
            if (
                any((m != 1).any() for m in multipliers)
                or (self.fill_rate[row] != model.fill_rate).any()
            ):
                raise ValueError(
                    "run 0 is the central run: its multipliers must be 1 and its fill_rate the"
                    " model's"
                )

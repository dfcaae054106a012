"""Leaver, retirement and joiner rates estimated from the imported history (METHODS section 7).

Frames in, frames out. The counts (exposure, leavers, joiners, ages) are defined in
`rates_history` as the workforce summary's flows define them; the shrinkage and intervals are in
`rates_shrinkage`; the published defaults, with their sources, in `rates_defaults`.

**Cells and their parents.** A leaver rate is estimated for each staff group x sector x age band
(and, asked for, role x sector x age band), each shrunk towards its parent:

    all staff  <-  staff group  <-  staff group x age band  <-  staff group x sector x age band
                                                                  <-  role x sector x age band

Each level is pooled from the cells below it, so every level counts the same events (leaving a
staff group in a sector). The staff group x age band level sits between a cell and its staff
group because leaving rises steeply with age (retirement): a small cell of people in their sixties
is shrunk towards the group's sixty-year-olds, not towards the group's average. All staff are
shrunk towards the published all-staff rate. A role's leavers include those who move to another
role (see `progression_rates` for the moves themselves).

**No history.** A cell with no exposure and no leavers takes the published default for its staff
group (or role) and age band, marked `source = "published default"`; so does every cell of a
staff group or sector the history does not hold but `cells` asks for.

**Joiner rates** are joiners over the same exposure (the stock), by staff group x sector (and
role x sector), shrunk towards the staff group, then all staff; `joiner_age_shares` spreads them
over ages.

**Retirement hazard** by single year of age: retirements (leaving the workforce for the reason
`retirement`) over exposure at that age, shrunk towards the same history pooled over the age's
published band (figures.md 2.6), which is shrunk towards the published hazard; per staff group,
towards all staff at that age.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from careforce.domain.workforce import AGE_BANDS, Sector, StaffGroup
from careforce.supply import rates_defaults as defaults
from careforce.supply.rates_history import (
    UNASSIGNED,
    Period,
    count_history,
    prepare_posts,
)
from careforce.supply.rates_shrinkage import DEFAULT_K, HISTORY, PUBLISHED_DEFAULT, estimate

BAND_ORDER: tuple[str, ...] = (*(name for name, _, _ in AGE_BANDS), defaults.UNKNOWN_AGE)
GROUP_ORDER: tuple[str, ...] = (*(g.value for g in StaffGroup), UNASSIGNED)
SECTOR_ORDER: tuple[str, ...] = (*(s.value for s in Sector), UNASSIGNED)

LEAVER_COLUMNS = (
    "sector",
    "age_band",
    "exposure",
    "leavers",
    "retirements",
    "rate",
    "low",
    "high",
    "retirement_rate",
    "retirement_share",
    "parent_rate",
    "weight",
    "source",
)
JOINER_COLUMNS = ("sector", "exposure", "joiners", "rate", "low", "high", "parent_rate", "weight")


def ordered(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Sort by staff group, sector and age band in their reporting order, then by the rest."""
    orders = {"staff_group": GROUP_ORDER, "sector": SECTOR_ORDER, "age_band": BAND_ORDER}
    keys: list[pl.Expr] = []
    for column in columns:
        order = orders.get(column)
        if order is not None:
            rank = {value: i for i, value in enumerate(order)}
            keys.append(
                pl.col(column).replace_strict(rank, default=len(order), return_dtype=pl.Int64)
            )
        keys.append(pl.col(column))
    return frame.sort(keys)


def _grid(
    counts: pl.DataFrame, cell: list[str], wanted: pl.DataFrame | None, by_age: bool
) -> pl.DataFrame:
    """The cells to estimate: those with any history, and those asked for, each at every age band
    (and at 'unknown' where the history has people of unknown age); their counts, zeros filled."""
    seen = counts.filter(
        (pl.col("exposure") > 0) | (pl.col("leavers") > 0) | (pl.col("joiners") > 0)
    )
    cells = seen.select(cell)
    if wanted is not None:
        cells = pl.concat([cells, wanted.select(cell).cast(pl.String)])
    cells = cells.unique()
    keys = list(cell)
    if by_age:
        bands = pl.DataFrame({"age_band": list(BAND_ORDER[:-1])})
        unknown = seen.filter(pl.col("age_band") == defaults.UNKNOWN_AGE).select(*cell, "age_band")
        cells = pl.concat([cells.join(bands, how="cross"), unknown]).unique()
        keys.append("age_band")
    numbers = ["exposure", "leavers", "retirements", "joiners"]
    return cells.join(counts.select(*keys, *numbers), on=keys, how="left").with_columns(
        pl.col(numbers).fill_null(0)
    )


def _pooled(frame: pl.DataFrame, by: list[str], events: str) -> pl.DataFrame:
    sums = [pl.col("exposure").sum(), pl.col(events).sum()]
    return frame.group_by(by).agg(sums) if by else frame.select(sums)


def _shrink_through(
    grid: pl.DataFrame, levels: list[list[str]], events: str, root_rate: float, k: float, how: str
) -> pl.DataFrame:
    """Estimate `events` over exposure at each level in turn (pooled from `grid`), each shrunk
    towards the one before and the first towards `root_rate`; the grid's own cells last.
    Adds rate, low, high, weight and parent_rate."""
    previous: pl.DataFrame | None = None
    previous_by: list[str] = []
    for by in [*levels, None]:  # None: the grid's own cells
        frame = grid if by is None else _pooled(grid, by, events)
        if previous is None:
            frame = frame.with_columns(pl.lit(root_rate).alias("parent_rate"))
        elif previous_by:
            parent = previous.select(*previous_by, pl.col("rate").alias("parent_rate"))
            frame = frame.join(parent, on=previous_by, how="left")
        else:
            frame = frame.with_columns(pl.lit(previous["rate"][0]).alias("parent_rate"))
        previous = estimate(frame, events=events, parent="parent_rate", k=k, interval=how)
        previous_by = by or []
    assert previous is not None
    return previous


def _apply_defaults(
    frame: pl.DataFrame,
    has_history: pl.Expr,
    lookup: Callable[[dict[str, str]], defaults.PublishedRate],
    keys: list[str],
) -> pl.DataFrame:
    """Where there is no history, rate, low and high become the published default's central,
    low and high; `source` says which."""
    rows = []
    for row in frame.select(keys).unique().iter_rows(named=True):
        found = lookup(row)
        rows.append({**row, "_central": found.central, "_low": found.low, "_high": found.high})
    table = pl.DataFrame(rows, schema={**dict.fromkeys(keys, pl.String), **_DEFAULT_SCHEMA})
    out = frame.join(table, on=keys, how="left").with_columns(has_history.alias("_history"))
    published = {"rate": "_central", "low": "_low", "high": "_high"}
    return out.with_columns(
        *[
            pl.when(pl.col("_history")).then(pl.col(column)).otherwise(pl.col(default))
            for column, default in published.items()
        ],
        pl.when(pl.col("_history"))
        .then(pl.lit(HISTORY))
        .otherwise(pl.lit(PUBLISHED_DEFAULT))
        .alias("source"),
    ).drop(*published.values(), "_history")


_DEFAULT_SCHEMA = {"_central": pl.Float64, "_low": pl.Float64, "_high": pl.Float64}


def _leaver_table(
    grid: pl.DataFrame, cell: list[str], k: float, parents: pl.DataFrame | None
) -> pl.DataFrame:
    """Leaver and retirement rates of the grid's cells (see the module notes)."""
    if parents is None:  # staff group level: shrink through the hierarchy of pooled levels
        levels = [[], ["staff_group"], ["staff_group", "age_band"]]
        leaving = _shrink_through(
            grid, levels, "leavers", defaults.ALL_STAFF_LEAVER_RATE.central, k, "beta"
        )
        retiring = _shrink_through(
            grid, levels, "retirements", defaults.RETIREMENT_UNKNOWN_AGE.central, k, "beta"
        )
    else:  # role level: shrink each role cell towards its staff group cell
        on = ["staff_group", "sector", "age_band"]
        leaving = estimate(
            grid.join(parents.select(*on, pl.col("rate").alias("parent_rate")), on=on, how="left"),
            events="leavers",
            parent="parent_rate",
            k=k,
        )
        retiring = estimate(
            grid.join(
                parents.select(*on, pl.col("retirement_rate").alias("parent_rate")),
                on=on,
                how="left",
            ),
            events="retirements",
            parent="parent_rate",
            k=k,
        )
    keys = [*cell, "age_band"]
    return leaving.join(
        retiring.select(*keys, pl.col("rate").alias("retirement_rate")), on=keys, how="left"
    )


def leaver_rates(
    posts: pl.DataFrame,
    role_groups: pl.DataFrame,
    period: Period,
    *,
    k: float = DEFAULT_K,
    by_role: bool = False,
    cells: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Leaver rates (retirement included) by staff group x sector x age band over the period.

    `posts`: the store's posts with people (person_key, role_id, sector, start_date, end_date,
    leaving_reason, year_of_birth, age_band, fte); `role_groups`: role_id -> staff_group;
    `cells`: staff_group and sector (and role_id) of cells wanted whether or not the history holds
    them. With `by_role`, one row per role x sector x age band instead, shrunk towards its staff
    group's cell.

    Columns: staff_group, [role_id], sector, age_band, exposure (person-years), leavers,
    retirements, rate, low, high (the 80% interval), retirement_rate (retirements over exposure,
    shrunk alike), retirement_share (of leavers, at most 1), parent_rate, weight (N / (N + k), the share of the rate that is the cell's own),
    source ("history" or "published default").
    """
    prepared = prepare_posts(posts, role_groups)
    group_cell = ["staff_group", "sector"]
    wanted = _wanted_cells(cells, role_groups)
    counts = count_history(prepared, group_cell, period, "band")
    grid = _grid(counts, group_cell, wanted, by_age=True)
    table = _finish_leavers(_leaver_table(grid, group_cell, k, None), group_cell, None)
    if not by_role:
        return table
    role_cell = ["staff_group", "role_id", "sector"]
    role_counts = count_history(prepared, role_cell, period, "band")
    wanted_roles = wanted if wanted is not None and "role_id" in wanted.columns else None
    role_grid = _grid(role_counts, role_cell, wanted_roles, by_age=True)
    return _finish_leavers(_leaver_table(role_grid, role_cell, k, table), role_cell, "role_id")


def _wanted_cells(cells: pl.DataFrame | None, role_groups: pl.DataFrame) -> pl.DataFrame | None:
    if cells is None:
        return None
    if "role_id" in cells.columns and "staff_group" not in cells.columns:
        groups = role_groups.select(pl.col("role_id").cast(pl.String), "staff_group")
        cells = cells.with_columns(pl.col("role_id").cast(pl.String)).join(
            groups, on="role_id", how="left"
        )
        cells = cells.with_columns(pl.col("staff_group").fill_null(UNASSIGNED))
    return cells.with_columns(pl.col("sector").cast(pl.String).fill_null(UNASSIGNED))


def _finish_leavers(table: pl.DataFrame, cell: list[str], role: str | None) -> pl.DataFrame:
    def lookup(row: dict[str, str]) -> defaults.PublishedRate:
        return defaults.default_leaver_rate(
            row["staff_group"], row["age_band"], row.get("role_id") if role else None
        )

    keys = ["staff_group", "age_band", *([role] if role else [])]
    has_history = (pl.col("exposure") > 0) | (pl.col("leavers") > 0)
    table = _apply_defaults(table, has_history, lookup, keys)
    table = _apply_hazard_default(table, has_history).with_columns(
        pl.when(pl.col("rate") > 0)
        .then(pl.min_horizontal(pl.col("retirement_rate") / pl.col("rate"), pl.lit(1.0)))
        .otherwise(0.0)
        .alias("retirement_share")
    )
    columns = [c for c in cell if c != "sector"]
    return ordered(table, [*cell, "age_band"]).select(*columns, *LEAVER_COLUMNS)


def _apply_hazard_default(table: pl.DataFrame, has_history: pl.Expr) -> pl.DataFrame:
    bands = {band: defaults.band_hazard(band).central for band in BAND_ORDER}
    hazard = pl.col("age_band").replace_strict(bands, default=None, return_dtype=pl.Float64)
    return table.with_columns(
        pl.when(has_history).then(pl.col("retirement_rate")).otherwise(hazard)
    )


def joiner_rates(
    posts: pl.DataFrame,
    role_groups: pl.DataFrame,
    period: Period,
    *,
    k: float = DEFAULT_K,
    by_role: bool = False,
    cells: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Joiners over the stock (exposure) by staff group x sector (or role x sector), shrunk.

    Parents: staff group, then all staff, then the published all-staff leaver rate (a steady stock
    replaces its leavers). Cells with no history take the published joiner default (leavers plus
    the sector's growth; figures.md). Columns: staff_group, [role_id], sector, exposure, joiners,
    rate, low, high (80%, Gamma posterior), parent_rate, weight, source.
    """
    prepared = prepare_posts(posts, role_groups)
    group_cell = ["staff_group", "sector"]
    wanted = _wanted_cells(cells, role_groups)
    counts = count_history(prepared, group_cell, period, None)
    grid = _grid(counts, group_cell, wanted, by_age=False)
    root = defaults.ALL_STAFF_LEAVER_RATE.central
    table = _shrink_through(grid, [[], ["staff_group"]], "joiners", root, k, "gamma")
    table = _finish_joiners(table, group_cell)
    if not by_role:
        return table
    role_cell = ["staff_group", "role_id", "sector"]
    role_counts = count_history(prepared, role_cell, period, None)
    wanted_roles = wanted if wanted is not None and "role_id" in wanted.columns else None
    role_grid = _grid(role_counts, role_cell, wanted_roles, by_age=False)
    on = ["staff_group", "sector"]
    parents = table.select(*on, pl.col("rate").alias("parent_rate"))
    role_table = estimate(
        role_grid.join(parents, on=on, how="left"),
        events="joiners",
        parent="parent_rate",
        k=k,
        interval="gamma",
    )
    return _finish_joiners(role_table, role_cell)


def _finish_joiners(table: pl.DataFrame, cell: list[str]) -> pl.DataFrame:
    def lookup(row: dict[str, str]) -> defaults.PublishedRate:
        return defaults.default_joiner_rate(row["staff_group"], row["sector"])

    has_history = (pl.col("exposure") > 0) | (pl.col("joiners") > 0)
    table = _apply_defaults(table, has_history, lookup, ["staff_group", "sector"])
    columns = [c for c in cell if c != "sector"]
    return ordered(table, cell).select(*columns, *JOINER_COLUMNS, "source")


def joiner_age_shares(
    posts: pl.DataFrame, role_groups: pl.DataFrame, period: Period, *, by_role: bool = False
) -> pl.DataFrame:
    """How joiners spread over age bands (age at joining), by staff group (or role): staff_group,
    [role_id], age_band, joiners, share. Groups (roles) with no joiners in the period are absent."""
    prepared = prepare_posts(posts, role_groups)
    unit = ["staff_group", "role_id"] if by_role else ["staff_group"]
    counts = count_history(prepared, unit, period, "band")
    out = counts.filter(pl.col("joiners") > 0).select(*unit, "age_band", "joiners")
    out = out.with_columns((pl.col("joiners") / pl.col("joiners").sum().over(unit)).alias("share"))
    return ordered(out, [*unit, "age_band"])

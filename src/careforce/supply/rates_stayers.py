"""What changes for people who stay: moves between roles (progression) and FTE per head; and the
FTE per head new joiners bring.

**Progression.** A move from role `g` to role `g'` is a person who leaves `g` in the period (no
post in it the day after their last day) and joins `g'` (no post in it the day before) within
`within_days` days after that last day; the earliest such post counts, and a person counts once per
pair. Posts held side by side are not moves: a second post started before the first ended is a dual
post. The rate is moves over the exposure (person-years) of `g`, with the interval of an unshrunk
rate (Jeffreys prior): a move the history never shows stays at zero (the published default, for
which figures.md has no figure), rather than being spread over every pair of roles.

**FTE per head** of a cell: the FTE of the people in post in it on a day (the census) over their
headcount, people with no FTE recorded left out. A cell with nobody in post borrows the value of
its parent cell (the same staff group, or role, and sector over all ages; a role cell then its staff
group's cell), marked "history, parent cell"; where that is empty too, the published figure for
the sector (figures.md), marked "published default".

**FTE per head of joiners** by role: each joining in the period (a person starting a post in a role
they held no post in the day before, as the joiner rates count them) brings the FTE of the posts in
the role they started that day. The role's mean over its joinings is shrunk towards the role's FTE
per head in post on the period's last day, `(FTE of joinings + k x stock value) / (joinings + k)`
(METHODS section 7, with the same `k`), so a role with a handful of joiners keeps close to its
stock's value (a role with nobody in post that day takes its joiners' own mean). Roles with no
joiner in the period are marked "starting stock": the projection
gives their joiners the FTE per head of the role's starting stock.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl

from careforce.supply import rates_defaults as defaults
from careforce.supply.rates import BAND_ORDER, ordered
from careforce.supply.rates_history import (
    Period,
    count_history,
    count_moves,
    entries,
    fte_by_cell,
    prepare_posts,
)
from careforce.supply.rates_shrinkage import (
    DEFAULT_K,
    HISTORY,
    PUBLISHED_DEFAULT,
    jeffreys_interval,
)

DEFAULT_WITHIN_DAYS = 90  # a notice period and a little more
PARENT_CELL = "history, parent cell"
STARTING_STOCK = "starting stock"


def progression_rates(
    posts: pl.DataFrame,
    role_groups: pl.DataFrame,
    period: Period,
    *,
    level: Literal["role", "staff_group"] = "role",
    within_days: int = DEFAULT_WITHIN_DAYS,
) -> pl.DataFrame:
    """Moves between roles (or between staff groups) a year, per person-year in the first.

    Columns: from_staff_group, [from_role_id], to_staff_group, [to_role_id], exposure, moves,
    rate, low, high (80%), source. Only pairs with at least one move are listed.
    """
    if within_days < 1:
        raise ValueError("a move must be allowed at least one day")
    prepared = prepare_posts(posts, role_groups)
    unit = ["staff_group", "role_id"] if level == "role" else ["staff_group"]
    exposure = count_history(prepared, unit, period, None).select(
        *[pl.col(c).alias(f"from_{c}") for c in unit], "exposure"
    )
    moves = count_moves(prepared, unit, period, within_days)
    out = moves.join(exposure, on=[f"from_{c}" for c in unit], how="left").with_columns(
        pl.max_horizontal(pl.col("exposure").fill_null(0.0), pl.col("moves")).alias("exposure")
    )
    low, high = jeffreys_interval(out["moves"].to_numpy(), out["exposure"].to_numpy())
    out = out.with_columns(
        (pl.col("moves") / pl.col("exposure")).alias("rate"),
        pl.Series("low", low),
        pl.Series("high", high),
        pl.lit(HISTORY).alias("source"),
    )
    frm, to = [f"from_{c}" for c in unit], [f"to_{c}" for c in unit]
    out = out.with_columns(
        pl.min_horizontal("low", "rate").alias("low"), pl.max_horizontal("high", "rate")
    )
    sort = ordered(out.rename({"from_staff_group": "staff_group"}), ["staff_group", *frm[1:], *to])
    return sort.rename({"staff_group": "from_staff_group"}).select(
        *frm, *to, "exposure", "moves", "rate", "low", "high", "source"
    )


def fte_per_head(
    posts: pl.DataFrame,
    role_groups: pl.DataFrame,
    day: dt.date,
    *,
    by_role: bool = False,
    cells: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """FTE per head of the people in post on `day` by staff group (or role) x sector x age band.

    `cells`: staff_group and sector (and role_id) of cells wanted whether or not anyone is in
    post in them. Columns: staff_group, [role_id], sector, age_band, headcount, fte, fte_per_head,
    source ("history", "history, parent cell" or "published default").
    """
    prepared = prepare_posts(posts, role_groups)
    group_cell = ["staff_group", "sector"]
    groups = _fte_cells(prepared, group_cell, day, cells)
    groups = _borrow(groups, group_cell, None)
    if not by_role:
        return _finish(groups, group_cell)
    role_cell = ["staff_group", "role_id", "sector"]
    wanted = cells if cells is not None and "role_id" in cells.columns else None
    roles = _fte_cells(prepared, role_cell, day, wanted, role_groups)
    parent = groups.select(
        "staff_group", "sector", "age_band", pl.col("fte_per_head").alias("_group_value")
    )
    roles = _borrow(roles, role_cell, parent)
    return _finish(roles, role_cell)


def _fte_cells(
    prepared: pl.DataFrame,
    cell: list[str],
    day: dt.date,
    wanted: pl.DataFrame | None,
    role_groups: pl.DataFrame | None = None,
) -> pl.DataFrame:
    counts = fte_by_cell(prepared, cell, day, "band")
    cells = counts.select(cell)
    if wanted is not None:
        wanted = wanted.with_columns(pl.col("sector").cast(pl.String))
        if "staff_group" not in wanted.columns and role_groups is not None:
            wanted = wanted.join(
                role_groups.select(pl.col("role_id").cast(pl.String), "staff_group"),
                on="role_id",
                how="left",
            )
        cells = pl.concat([cells, wanted.select(cell).cast(pl.String)])
    bands = pl.DataFrame({"age_band": list(BAND_ORDER[:-1])})
    unknown = counts.filter(pl.col("age_band") == BAND_ORDER[-1]).select(*cell, "age_band")
    grid = pl.concat([cells.unique().join(bands, how="cross"), unknown]).unique()
    return grid.join(counts, on=[*cell, "age_band"], how="left").with_columns(
        pl.col("headcount").fill_null(0), pl.col("fte").fill_null(0.0)
    )


def _borrow(frame: pl.DataFrame, cell: list[str], parent: pl.DataFrame | None) -> pl.DataFrame:
    """Own value where anyone is in post; else the cell over all ages; else `parent`'s value."""
    people = pl.col("headcount").sum()
    pooled = frame.group_by(cell).agg(
        pl.when(people > 0).then(pl.col("fte").sum() / people).alias("_pooled")
    )
    frame = frame.join(pooled, on=cell, how="left")
    own = pl.col("fte") / pl.col("headcount")
    if parent is not None:
        frame = frame.join(parent, on=["staff_group", "sector", "age_band"], how="left")
        fallback = pl.coalesce(pl.col("_pooled"), pl.col("_group_value"))
    else:
        fallback = pl.col("_pooled")
    sectors = frame["sector"].unique().to_list()
    published = {s: defaults.default_fte_per_head(s).value for s in sectors}
    sector_default = pl.col("sector").replace_strict(published, return_dtype=pl.Float64)
    has_own = pl.col("headcount") > 0
    borrowed = fallback.is_not_null()
    return frame.with_columns(
        pl.when(has_own)
        .then(own)
        .when(borrowed)
        .then(fallback)
        .otherwise(sector_default)
        .alias("fte_per_head"),
        pl.when(has_own)
        .then(pl.lit(HISTORY))
        .when(borrowed)
        .then(pl.lit(PARENT_CELL))
        .otherwise(pl.lit(PUBLISHED_DEFAULT))
        .alias("source"),
    )


def _finish(frame: pl.DataFrame, cell: list[str]) -> pl.DataFrame:
    columns = [c for c in cell if c != "sector"]
    return ordered(frame, [*cell, "age_band"]).select(
        *columns, "sector", "age_band", "headcount", "fte", "fte_per_head", "source"
    )


def joiner_fte_per_head(
    posts: pl.DataFrame, role_groups: pl.DataFrame, period: Period, *, k: float = DEFAULT_K
) -> pl.DataFrame:
    """FTE per head of the people who joined each role in the period (see the module notes).

    Columns: staff_group, role_id, joiners (joinings with an FTE recorded), joiner_fte (their FTE),
    stock_fte_per_head (the role's in post on the period's last day; null with nobody in post),
    fte_per_head (shrunk; null where it is the starting stock's), weight (joiners / (joiners + k)),
    source ("history" or "starting stock"). One row per role with joiners or staff in post.
    """
    if k < 0:
        raise ValueError("the shrinkage strength k must not be negative")
    prepared = prepare_posts(posts, role_groups)
    unit = ["staff_group", "role_id"]
    joined = (
        entries(prepared, unit, period.start, period.last_day)
        .filter(pl.col("fte").is_not_null())
        .group_by([*unit, "person_key", "start_date"])
        .agg(pl.col("fte").sort().sum())  # sorted: the same sum from call to call
        .group_by(unit)
        .agg(
            pl.len().cast(pl.Int64).alias("joiners"),
            pl.col("fte").sort().sum().alias("joiner_fte"),
        )
    )
    stock = fte_by_cell(prepared, unit, period.last_day, None).select(
        *unit, (pl.col("fte") / pl.col("headcount")).alias("stock_fte_per_head")
    )
    table = joined.join(stock, on=unit, how="full", coalesce=True).with_columns(
        pl.col("joiners").fill_null(0), pl.col("joiner_fte").fill_null(0.0)
    )
    n = pl.col("joiners").cast(pl.Float64)
    parent = pl.coalesce(pl.col("stock_fte_per_head"), pl.col("joiner_fte") / n)
    seen = pl.col("joiners") > 0
    return ordered(
        table.with_columns(
            pl.when(seen)
            .then((pl.col("joiner_fte") + k * parent) / (n + k))
            .otherwise(None)
            .alias("fte_per_head"),
            (n / (n + k)).fill_nan(0.0).alias("weight"),
            pl.when(seen).then(pl.lit(HISTORY)).otherwise(pl.lit(STARTING_STOCK)).alias("source"),
        ),
        unit,
    ).select(
        *unit,
        "joiners",
        "joiner_fte",
        "stock_fte_per_head",
        "fte_per_head",
        "weight",
        "source",
    )

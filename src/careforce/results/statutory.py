"""Statutory roles on a census date: AMHP and section 12 approvals as a stock that needs renewing.

**Approval.** An approval of a kind (`amhp`, `section_12`) runs from `approved_on` to `expires_on`,
the last day it is valid. Re-approval is five-yearly, so a missing expiry is taken as the approval
date plus five years (29 February becomes 28 February).

**One approval a person.** A person with several approvals of one kind is represented by their
latest approved on or before the census date (the latest approval date; of equals, the latest
expiry). Approvals dated after the census date are not counted.

**Current holder.** A person whose latest approval is valid on the census date:
`approved_on <= census <= expires_on`.

**Expiring in year k** (k = 1 .. `horizon_years`): a current holder whose approval expires after
the census date plus k - 1 years and on or before the census date plus k years; year 1 also takes
an approval whose last day is the census date itself, so every current approval falls in one year
(or `later`, past the horizon).

**Lapsed in the last year.** A person whose latest approval expired in the year before the census
date (on or after the census date less one year, before the census date) and who holds no later
approval.

**Where holders work.** Their posts in post on the census date: by role (with the FTE of those
posts), by local authority area and by sector; a person counts once in each cell they hold a post
in, and a holder with no post in post is shown under `unassigned`.

**FTE in role.** For AMHPs: the FTE of the holders' posts in the `amhp` role, plus, for a holder
with no such post, an assumed share (`COMBINED_AMHP_SHARE`) of the FTE of their social work posts,
since two thirds of AMHPs combine the role with a substantive post and their AMHP time is not
recorded apart (S18). For section 12 doctors the approval adds a duty, not a post: the FTE shown
is that of the medical posts they hold, by role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from careforce.domain import StaffGroup, StatutoryApprovalKind
from careforce.results._common import (
    SECTOR_ORDER,
    UNASSIGNED,
    in_post_on,
    order_by,
    sector_column,
    with_area,
    with_staff_group,
    years_before,
)

APPROVAL_YEARS = 5  # re-approval is five-yearly for AMHPs and section 12 doctors (S65, S70)
AMHP_ROLE = "amhp"
LATER = "later"
KIND_ORDER: tuple[str, ...] = tuple(k.value for k in StatutoryApprovalKind)

# AMHP time inside a substantive social work post, as a share of that post's FTE. Derived from
# S18 (figures.md 2.5): 0.42 FTE per AMHP overall; 22% work solely as AMHPs (assumed at 0.9 FTE);
# two thirds combine the role with a substantive post: (0.42 - 0.22 x 0.9) / 0.67 = 0.33.
COMBINED_AMHP_SHARE = 0.33


@dataclass(frozen=True, slots=True, eq=False)
class StatutoryRolesReport:
    """Statutory approvals on `census_date` (definitions in the module notes).

    Frames (columns in brackets); every kind in `KIND_ORDER` and any other kind present appears:
    - by_kind [kind, current_holders, lapsed_last_year, expiring_later]
    - expiries [kind, year, first_day, last_day, expiring]: years 1 .. horizon_years, zeros too
    - holders_by_role [kind, role_id, holders, fte]: their posts in post, by role; holders with
      no post in post under role `unassigned` with FTE 0
    - holders_by_area [kind, area_code, area, holders]; holders_by_sector [kind, sector, holders]
    - fte_in_role [kind, current_holders, holders_in_role_posts, fte_role_posts,
      holders_combined, fte_combined, fte_in_role]: for AMHPs as the module notes say; for
      section 12, role posts are their medical posts and nothing is combined
    - holders [person_key, kind, approved_on, expires_on, approving_body, expiry_year]: the
      current holders, staff-level, for the approving and employing organisations only
    """

    census_date: dt.date
    horizon_years: int
    combined_amhp_share: float
    by_kind: pl.DataFrame
    expiries: pl.DataFrame
    holders_by_role: pl.DataFrame
    holders_by_area: pl.DataFrame
    holders_by_sector: pl.DataFrame
    fte_in_role: pl.DataFrame
    holders: pl.DataFrame


def years_after(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _with_expiry(approvals: pl.DataFrame) -> pl.DataFrame:
    """Fill a missing `expires_on` (or a missing column) with the approval date + five years."""
    default = pl.col("approved_on").dt.offset_by(f"{APPROVAL_YEARS}y")
    if "expires_on" not in approvals.columns:
        return approvals.with_columns(default.alias("expires_on"))
    return approvals.with_columns(pl.col("expires_on").fill_null(default))


def _latest(approvals: pl.DataFrame, census_date: dt.date) -> pl.DataFrame:
    """Each person's latest approval of each kind approved on or before the census date."""
    if "approving_body" not in approvals.columns:
        approvals = approvals.with_columns(pl.lit(None, dtype=pl.String).alias("approving_body"))
    return (
        _with_expiry(approvals)
        .filter(pl.col("approved_on") <= census_date)
        .sort(
            ["person_key", "kind", "approved_on", "expires_on"],
            descending=[False, False, True, True],
        )
        .unique(["person_key", "kind"], keep="first", maintain_order=True)
        .select("person_key", "kind", "approved_on", "expires_on", "approving_body")
    )


def _expiry_year(census_date: dt.date, horizon_years: int) -> pl.Expr:
    """The year (1 .. horizon, as text) or `later` in which a current approval expires."""
    by_year = [
        pl.when(pl.col("expires_on") <= years_after(census_date, k)).then(pl.lit(str(k)))
        for k in range(1, horizon_years + 1)
    ]
    return pl.coalesce([*by_year, pl.lit(LATER)]).alias("expiry_year")


def _kinds(latest: pl.DataFrame) -> pl.DataFrame:
    present = [k for k in latest["kind"].unique().sort().to_list() if k not in KIND_ORDER]
    return pl.DataFrame({"kind": [*KIND_ORDER, *present]}, schema={"kind": pl.String})


def _count(frame: pl.DataFrame, by: list[str], name: str) -> pl.DataFrame:
    return frame.group_by(by).agg(pl.col("person_key").n_unique().cast(pl.Int64).alias(name))


def _fill(kinds: pl.DataFrame, frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return kinds.join(frame, on="kind", how="left", maintain_order="left").with_columns(
        pl.col(columns).fill_null(0)
    )


def _expiries(
    current: pl.DataFrame, kinds: pl.DataFrame, census_date: dt.date, horizon: int
) -> pl.DataFrame:
    years = pl.DataFrame(
        {
            "year": list(range(1, horizon + 1)),
            "first_day": [
                census_date if k == 1 else years_after(census_date, k - 1) + dt.timedelta(days=1)
                for k in range(1, horizon + 1)
            ],
            "last_day": [years_after(census_date, k) for k in range(1, horizon + 1)],
        },
        schema={"year": pl.Int64, "first_day": pl.Date, "last_day": pl.Date},
    )
    counts = _count(
        current.filter(pl.col("expiry_year") != LATER).with_columns(
            pl.col("expiry_year").cast(pl.Int64).alias("year")
        ),
        ["kind", "year"],
        "expiring",
    )
    return (
        kinds.join(years, how="cross")
        .join(counts, on=["kind", "year"], how="left", maintain_order="left")
        .with_columns(pl.col("expiring").fill_null(0))
    )


def _fte_in_role(
    kinds: pl.DataFrame, current: pl.DataFrame, posts: pl.DataFrame, share: float
) -> pl.DataFrame:
    holder_posts = posts.join(current.select("person_key", "kind"), on="person_key", how="inner")
    is_amhp = pl.col("kind") == StatutoryApprovalKind.AMHP.value
    role_post = (
        pl.when(is_amhp)
        .then(pl.col("role_id") == AMHP_ROLE)
        .otherwise(pl.col("staff_group") == StaffGroup.MEDICAL_DENTAL.value)
    )
    role_posts = holder_posts.filter(role_post)
    in_role = role_posts.group_by("kind").agg(
        pl.col("person_key").n_unique().cast(pl.Int64).alias("holders_in_role_posts"),
        pl.col("fte").cast(pl.Float64).sum().alias("fte_role_posts"),
    )
    combined = (
        holder_posts.filter(is_amhp & (pl.col("staff_group") == StaffGroup.SOCIAL_WORK.value))
        .join(role_posts.select("person_key", "kind"), on=["person_key", "kind"], how="anti")
        .group_by("kind")
        .agg(
            pl.col("person_key").n_unique().cast(pl.Int64).alias("holders_combined"),
            (pl.col("fte").cast(pl.Float64).sum() * share).alias("fte_combined"),
        )
    )
    table = _fill(kinds, _count(current, ["kind"], "current_holders"), ["current_holders"])
    table = table.join(in_role, on="kind", how="left", maintain_order="left")
    table = table.join(combined, on="kind", how="left", maintain_order="left").with_columns(
        pl.col("holders_in_role_posts", "holders_combined").fill_null(0),
        pl.col("fte_role_posts", "fte_combined").fill_null(0.0),
    )
    return table.with_columns(
        (pl.col("fte_role_posts") + pl.col("fte_combined")).alias("fte_in_role")
    )


def statutory_roles(
    approvals: pl.DataFrame,
    posts_with_people: pl.DataFrame,
    *,
    census_date: dt.date,
    horizon_years: int = APPROVAL_YEARS,
    localities: pl.DataFrame | None = None,
    combined_amhp_share: float = COMBINED_AMHP_SHARE,
) -> StatutoryRolesReport:
    """The stock of statutory approvals on `census_date` (every rule is in the module notes).

    Columns used: approvals person_key, kind, approved_on, expires_on (may be missing or null),
    approving_body (optional); posts_with_people person_key, role_id, sector, locality_code, fte,
    start_date, end_date; localities (for area names; without them an area is shown by its
    locality code) code, name.
    """
    if horizon_years < 1:
        raise ValueError("horizon_years must be at least 1")
    if not 0.0 <= combined_amhp_share <= 1.0:
        raise ValueError("combined_amhp_share is a share of a post's FTE, between 0 and 1")
    if localities is None:
        localities = pl.DataFrame(schema={"code": pl.String, "name": pl.String})
    latest = _latest(approvals, census_date)
    kinds = _kinds(latest)
    current = latest.filter(pl.col("expires_on") >= census_date).with_columns(
        _expiry_year(census_date, horizon_years)
    )
    lapsed = latest.filter(
        (pl.col("expires_on") < census_date)
        & (pl.col("expires_on") >= years_before(census_date, 1))
    )
    by_kind = _fill(kinds, _count(current, ["kind"], "current_holders"), ["current_holders"])
    by_kind = by_kind.join(_count(lapsed, ["kind"], "lapsed_last_year"), on="kind", how="left")
    by_kind = by_kind.join(
        _count(current.filter(pl.col("expiry_year") == LATER), ["kind"], "expiring_later"),
        on="kind",
        how="left",
    ).with_columns(pl.col("lapsed_last_year", "expiring_later").fill_null(0))

    posts = posts_with_people.filter(in_post_on(census_date))
    posts = sector_column(with_area(with_staff_group(posts), localities))
    holder_posts = current.select("person_key", "kind").join(
        posts, on="person_key", how="left", maintain_order="left"
    )
    no_post = (
        pl.col("post_ref").is_null() if "post_ref" in posts.columns else pl.col("fte").is_null()
    )
    holder_posts = holder_posts.with_columns(
        pl.when(no_post).then(pl.lit(UNASSIGNED)).otherwise(pl.col(c)).alias(c)
        for c in ("role_id", "area_code", "area", "sector")
    ).with_columns(pl.col("fte").fill_null(0.0))

    kind_order = tuple(kinds["kind"].to_list())
    by_role = holder_posts.group_by("kind", "role_id").agg(
        pl.col("person_key").n_unique().cast(pl.Int64).alias("holders"),
        pl.col("fte").cast(pl.Float64).sum().alias("fte"),
    )
    by_role = order_by(by_role.sort(pl.col("role_id") == UNASSIGNED, "role_id"), "kind", kind_order)
    by_area = _count(holder_posts, ["kind", "area_code", "area"], "holders").sort(
        pl.col("area") == UNASSIGNED, "area", "area_code"
    )
    by_sector = order_by(
        _count(holder_posts, ["kind", "sector"], "holders"), "sector", SECTOR_ORDER
    )
    return StatutoryRolesReport(
        census_date=census_date,
        horizon_years=horizon_years,
        combined_amhp_share=combined_amhp_share,
        by_kind=by_kind,
        expiries=_expiries(current, kinds, census_date, horizon_years),
        holders_by_role=by_role,
        holders_by_area=order_by(by_area, "kind", kind_order),
        holders_by_sector=order_by(by_sector, "kind", kind_order),
        fte_in_role=_fte_in_role(kinds, current, posts, combined_amhp_share),
        holders=order_by(current.sort("expires_on", "person_key"), "kind", kind_order),
    )


__all__ = [
    "APPROVAL_YEARS",
    "COMBINED_AMHP_SHARE",
    "KIND_ORDER",
    "LATER",
    "StatutoryRolesReport",
    "statutory_roles",
    "years_after",
]

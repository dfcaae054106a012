"""Spec: supply rates from history (METHODS section 7). Tiny tables in, one operation, numbers out.

Census date 31 March 2025; one year of history (1 April 2024 - 31 March 2025) unless stated. Ages
are the calendar year minus the year of birth: born 1985 is 39 on the headcount day before the
year and 40 on its last day, in band 35-44 throughout.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl
import pytest
from scipy import stats

from careforce.results._common import with_staff_group
from careforce.results.flows import history_years, leaver_joiner_rates
from careforce.supply import rates_defaults as defaults
from careforce.supply.rates import joiner_rates, leaver_rates
from careforce.supply.rates_hazard import retirement_hazard
from careforce.supply.rates_history import Period, count_history, prepare_posts
from careforce.supply.rates_shrinkage import (
    beta_interval,
    gamma_interval,
    jeffreys_interval,
    shrunk_rate,
)
from careforce.supply.rates_stayers import fte_per_head, joiner_fte_per_head, progression_rates

D = dt.date
CENSUS = D(2025, 3, 31)
YEAR = Period.ending_on(CENSUS, 1)
NURSES = "registered_nursing_midwifery"
ROLE_GROUPS = pl.DataFrame(
    {
        "role_id": ["rn_adult", "district_nurse", "hcsw", "sc_care_worker_res"],
        "staff_group": [NURSES, NURSES, "nursing_support", "social_care_direct"],
    }
)
SCHEMA: dict[str, Any] = {
    "person_key": pl.String,
    "role_id": pl.String,
    "sector": pl.String,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "leaving_reason": pl.String,
    "year_of_birth": pl.Int64,
    "age_band": pl.String,
    "fte": pl.Float64,
}


def post(
    person: str,
    role: str = "rn_adult",
    sector: str = "nhs",
    *,
    start: dt.date = D(2010, 1, 1),
    end: dt.date | None = None,
    reason: str | None = None,
    born: int | None = 1985,
    band: str | None = None,
    fte: float | None = 1.0,
) -> dict[str, Any]:
    return {
        "person_key": person,
        "role_id": role,
        "sector": sector,
        "start_date": start,
        "end_date": end,
        "leaving_reason": reason,
        "year_of_birth": born,
        "age_band": band,
        "fte": fte,
    }


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


def cell(table: pl.DataFrame, **where: object) -> dict[str, Any]:
    rows = table.filter(*[pl.col(k) == v for k, v in where.items()]).to_dicts()
    assert len(rows) == 1, f"{where}: {len(rows)} rows"
    return rows[0]


# A: in post all year, crosses from 35-44 to 45-54. B: retires in September, aged 62.
# C: leaves rn_adult and starts district_nurse the next day (same staff group and sector).
# D: joins in October, aged 29. E: leaves nursing in December for a care job the next day.
ONE_YEAR = frame(
    post("A", born=1980),
    post("B", end=D(2024, 9, 30), reason="retirement", born=1962),
    post("C", start=D(2018, 1, 1), end=D(2024, 6, 30), reason="resignation_other", born=1990),
    post("C", "district_nurse", start=D(2024, 7, 1), born=1990),
    post("D", start=D(2024, 10, 1), born=1995),
    post("E", end=D(2024, 12, 31), reason="resignation_left_sector", born=1985),
    post("E", "sc_care_worker_res", "independent", start=D(2025, 1, 1), born=1985),
)


def test_a_period_is_whole_years_ending_on_the_census() -> None:
    two = Period.ending_on(CENSUS, 2)
    assert two == Period(D(2023, 4, 1), D(2025, 4, 1)) and two.last_day == CENSUS
    assert [y.start for y in two.years()] == [D(2023, 4, 1), D(2024, 4, 1)]
    assert two.split(1) == (
        Period(D(2023, 4, 1), D(2024, 4, 1)),
        Period(D(2024, 4, 1), D(2025, 4, 1)),
    )
    with pytest.raises(ValueError, match="whole years"):
        Period(D(2024, 4, 1), D(2025, 1, 1))


def test_exposure_leavers_retirements_and_joiners_by_age_band() -> None:
    counts = count_history(prepare_posts(ONE_YEAR, ROLE_GROUPS), ["staff_group", "sector"], YEAR)
    nurses = counts.filter(pl.col("staff_group") == NURSES).select(
        "age_band", "exposure", "leavers", "retirements", "joiners"
    )
    expected = pl.DataFrame(
        {
            "age_band": ["25-34", "35-44", "45-54", "55-64"],
            # start: C 34, A 44, E 39, B 62; end: D 30, C 35, A 45
            "exposure": [(1 + 1) / 2, (2 + 1) / 2, (0 + 1) / 2, (1 + 0) / 2],
            "leavers": [0, 1, 0, 1],  # E (39) left nursing; B retired; C moved within the cell
            "retirements": [0, 0, 0, 1],
            "joiners": [1, 0, 0, 0],  # D; C's district nurse post is not joining
        }
    )
    assert nurses.sort("age_band").to_dicts() == expected.to_dicts()
    care = cell(counts, staff_group="social_care_direct")
    assert (care["age_band"], care["exposure"], care["joiners"]) == ("35-44", 0.5, 1)


def test_counts_agree_with_the_workforce_summary_flows() -> None:
    posts = with_staff_group(ONE_YEAR)
    flows = leaver_joiner_rates(posts, ["staff_group"], history_years(CENSUS, 1))
    counts = count_history(prepare_posts(ONE_YEAR, ROLE_GROUPS), ["staff_group"], YEAR, None)
    columns = ["staff_group", "leavers", "retirements", "joiners"]
    assert counts.select(*columns, "exposure").sort("staff_group").to_dicts() == (
        flows.select(*columns, pl.col("mean_headcount").alias("exposure"))
        .sort("staff_group")
        .to_dicts()
    )


def test_exposure_over_two_years_adds_the_years() -> None:
    posts = frame(post("A"), post("B", end=D(2023, 12, 31)), post("C", start=D(2024, 6, 1)))
    counts = count_history(
        prepare_posts(posts, ROLE_GROUPS), ["staff_group"], Period.ending_on(CENSUS, 2), None
    )
    row = cell(counts, staff_group=NURSES)
    # year 1: 2 at the start, 1 at the end; year 2: 1 and 2
    assert (row["exposure"], row["leavers"], row["joiners"]) == (1.5 + 1.5, 1, 1)
    assert (row["headcount_start"], row["headcount_end"]) == (2, 2)


def test_shrinkage_formula_and_its_limits() -> None:
    assert shrunk_rate(3, 10, 0.2, k=20)[()] == pytest.approx((3 + 20 * 0.2) / (10 + 20))
    assert shrunk_rate(3, 10, 0.2, k=0)[()] == pytest.approx(0.3)  # no shrinkage
    assert shrunk_rate(0, 0, 0.2, k=20)[()] == pytest.approx(0.2)  # no exposure: the parent
    assert shrunk_rate(0, 0, 0.2, k=0)[()] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="k must be"):
        shrunk_rate(1, 10, 0.2, k=-1)


def test_beta_interval_is_the_posterior_10th_and_90th_percentile() -> None:
    low, high = beta_interval([3], [10], [0.2], k=20)
    posterior = stats.beta(3 + 20 * 0.2, 10 - 3 + 20 * 0.8)
    assert low[0] == pytest.approx(posterior.ppf(0.1)) and high[0] == pytest.approx(
        posterior.ppf(0.9)
    )
    assert posterior.mean() == pytest.approx(shrunk_rate(3, 10, 0.2, 20)[()])
    nothing = beta_interval([0], [0], [0.2], k=0)
    assert (nothing[0][0], nothing[1][0]) == (0.0, 0.0)


def test_gamma_and_jeffreys_intervals() -> None:
    low, high = gamma_interval([12], [10], [0.5], k=4)
    posterior = stats.gamma(a=12 + 4 * 0.5, scale=1 / (10 + 4))
    assert low[0] == pytest.approx(posterior.ppf(0.1)) and high[0] == pytest.approx(
        posterior.ppf(0.9)
    )
    low, high = jeffreys_interval([2], [50])
    assert low[0] == pytest.approx(stats.beta(2.5, 48.5).ppf(0.1))
    assert high[0] == pytest.approx(stats.beta(2.5, 48.5).ppf(0.9))


def _sector_cells() -> pl.DataFrame:
    """Nurses all aged 35-44: NHS 10 at the start, 2 leave (exposure 9); independent 4, 1 leaves."""
    rows = [post(f"n{i}", end=D(2024, 9, 30) if i < 2 else None) for i in range(10)]
    rows += [
        post(f"i{i}", sector="independent", end=D(2024, 9, 30) if i < 1 else None) for i in range(4)
    ]
    return frame(*rows)


def test_cells_shrink_towards_the_group_at_their_age_then_the_group_then_all_staff() -> None:
    k = 10.0
    table = leaver_rates(_sector_cells(), ROLE_GROUPS, YEAR, k=k)
    leavers, exposure = 3, 9 + 3.5
    q_all = (leavers + k * defaults.ALL_STAFF_LEAVER_RATE.central) / (exposure + k)
    q_group = (leavers + k * q_all) / (exposure + k)
    q_group_age = (leavers + k * q_group) / (exposure + k)
    nhs = cell(table, sector="nhs", age_band="35-44")
    assert nhs["parent_rate"] == pytest.approx(q_group_age)
    assert nhs["rate"] == pytest.approx((2 + k * q_group_age) / (9 + k))
    assert nhs["weight"] == pytest.approx(9 / (9 + k)) and nhs["source"] == "history"
    posterior = stats.beta(2 + k * q_group_age, 9 - 2 + k * (1 - q_group_age))
    assert (nhs["low"], nhs["high"]) == pytest.approx((posterior.ppf(0.1), posterior.ppf(0.9)))
    independent = cell(table, sector="independent", age_band="35-44")
    assert independent["rate"] == pytest.approx((1 + k * q_group_age) / (3.5 + k))


def test_cells_without_history_take_the_published_default() -> None:
    wanted = pl.DataFrame({"staff_group": ["nursing_support"], "sector": ["nhs"]})
    table = leaver_rates(_sector_cells(), ROLE_GROUPS, YEAR, cells=wanted)
    young = cell(table, staff_group=NURSES, sector="nhs", age_band="16-24")
    published = defaults.default_leaver_rate(NURSES, "16-24")
    assert young["source"] == "published default" and young["exposure"] == 0
    assert (young["rate"], young["low"], young["high"]) == (
        published.central,
        published.low,
        published.high,
    )
    support = table.filter(pl.col("staff_group") == "nursing_support")
    assert support.height == 6 and set(support["source"]) == {"published default"}
    older = cell(support, age_band="55-64")
    assert older["rate"] == pytest.approx(0.12 + (0.05 + 0.15) / 2)  # HCSW 12% + hazard 55-64
    assert older["retirement_rate"] == pytest.approx(0.10)


def test_role_cells_shrink_towards_their_staff_group_cell() -> None:
    table = leaver_rates(_sector_cells(), ROLE_GROUPS, YEAR, k=10, by_role=True)
    groups = leaver_rates(_sector_cells(), ROLE_GROUPS, YEAR, k=10)
    role = cell(table, role_id="rn_adult", sector="nhs", age_band="35-44")
    group = cell(groups, sector="nhs", age_band="35-44")
    assert role["parent_rate"] == pytest.approx(group["rate"])
    assert role["rate"] == pytest.approx((2 + 10 * group["rate"]) / (9 + 10))


def test_joiner_rates_are_shrunk_with_a_gamma_interval_and_fall_back_to_the_default() -> None:
    posts = frame(
        *[post(f"n{i}") for i in range(4)], post("j", start=D(2024, 10, 1))
    )  # 4 at the start, 5 at the end
    wanted = pl.DataFrame({"staff_group": [NURSES], "sector": ["independent"]})
    table = joiner_rates(posts, ROLE_GROUPS, YEAR, k=0, cells=wanted)
    nhs = cell(table, sector="nhs")
    assert (nhs["exposure"], nhs["joiners"], nhs["rate"]) == (4.5, 1, pytest.approx(1 / 4.5))
    posterior = stats.gamma(a=1, scale=1 / 4.5)
    assert (nhs["low"], nhs["high"]) == pytest.approx((posterior.ppf(0.1), posterior.ppf(0.9)))
    independent = cell(table, sector="independent")
    published = defaults.default_joiner_rate(NURSES, "independent")
    assert independent["source"] == "published default"
    assert independent["rate"] == pytest.approx(published.central)


def test_a_move_to_another_role_within_the_window_is_progression() -> None:
    posts = frame(
        *[post(f"s{i}") for i in range(8)],  # stayers
        post("P", end=D(2024, 6, 30)),
        post("P", "district_nurse", start=D(2024, 7, 10)),  # 10 days later: a move
        post("Q", end=D(2024, 6, 30)),
        post("Q", "district_nurse", start=D(2025, 1, 1)),  # 185 days later: too late
        post("R", end=D(2024, 8, 31)),
        post("R", "district_nurse", start=D(2024, 1, 1)),  # held side by side: a dual post
        post("S", end=D(2024, 6, 30)),
        post("S", "hcsw", start=D(2024, 7, 1)),  # the next day, into another staff group
    )
    moves = progression_rates(posts, ROLE_GROUPS, YEAR, within_days=90)
    pairs = {(r["from_role_id"], r["to_role_id"]): r["moves"] for r in moves.to_dicts()}
    assert pairs == {("rn_adult", "district_nurse"): 1, ("rn_adult", "hcsw"): 1}
    row = cell(moves, to_role_id="hcsw")
    assert row["exposure"] == (12 + 8) / 2 and row["rate"] == pytest.approx(1 / 10)
    low, high = jeffreys_interval([1], [10])
    assert (row["low"], row["high"]) == pytest.approx((low[0], high[0]))
    later = progression_rates(posts, ROLE_GROUPS, YEAR, within_days=200)
    assert cell(later, to_role_id="district_nurse")["moves"] == 2
    groups = progression_rates(posts, ROLE_GROUPS, YEAR, level="staff_group")
    assert groups.select("from_staff_group", "to_staff_group", "moves").rows() == [
        (NURSES, "nursing_support", 1)
    ]


def test_fte_per_head_by_cell_borrows_then_falls_back_to_the_published_figure() -> None:
    posts = frame(
        post("a", fte=1.0), post("b", fte=0.6), post("c", fte=None), post("d", born=1965, fte=0.5)
    )
    wanted = pl.DataFrame({"staff_group": ["nursing_support"], "sector": ["nhs"]})
    table = fte_per_head(posts, ROLE_GROUPS, CENSUS, cells=wanted)
    own = cell(table, staff_group=NURSES, age_band="35-44")
    assert (own["headcount"], own["fte_per_head"], own["source"]) == (2, 0.8, "history")
    empty = cell(table, staff_group=NURSES, age_band="45-54")
    assert (
        empty["fte_per_head"] == pytest.approx(2.1 / 3)
        and empty["source"] == "history, parent cell"
    )
    support = cell(table, staff_group="nursing_support", age_band="35-44")
    assert (support["fte_per_head"], support["source"]) == (0.866, "published default")


def test_joiners_fte_per_head_is_shrunk_towards_the_roles_stock() -> None:
    """rn_adult: D joins in October at 0.4; F joins with two posts started the same day, 0.3 each;
    G's second post is no joining (G held a post in the role the day before). Joinings 2, their
    FTE 1.0. In post on the census: A 1.0, B 0.6, D 0.4, F 0.6, G 1.0 + 0.2, so 3.8 / 5 = 0.76.
    With k = 2: (1.0 + 2 x 0.76) / (2 + 2) = 0.63. district_nurse: H joined at 0.5 and left;
    nobody is in post, so the joiners' own mean. hcsw: nobody joined: the starting stock's."""
    posts = frame(
        post("A", fte=1.0),
        post("B", fte=0.6),
        post("D", start=D(2024, 10, 1), fte=0.4),
        post("F", start=D(2024, 11, 1), fte=0.3),
        post("F", start=D(2024, 11, 1), fte=0.3),
        post("G", fte=1.0),
        post("G", start=D(2024, 6, 1), fte=0.2),
        post("H", "district_nurse", start=D(2024, 5, 1), end=D(2025, 1, 31), fte=0.5),
        post("S", "hcsw", fte=0.9),
    )
    table = joiner_fte_per_head(posts, ROLE_GROUPS, YEAR, k=2.0)
    nurses = cell(table, role_id="rn_adult")
    assert (nurses["joiners"], nurses["source"]) == (2, "history")
    assert nurses["joiner_fte"] == pytest.approx(1.0)
    assert nurses["stock_fte_per_head"] == pytest.approx(0.76)
    assert (nurses["fte_per_head"], nurses["weight"]) == (pytest.approx(0.63), 0.5)
    district = cell(table, role_id="district_nurse")
    assert district["stock_fte_per_head"] is None and district["fte_per_head"] == 0.5
    support = cell(table, role_id="hcsw")
    assert (support["joiners"], support["fte_per_head"], support["source"]) == (
        0,
        None,
        "starting stock",
    )


def test_retirement_hazard_by_single_year_of_age() -> None:
    # four born 1962: aged 62 on the day before the year, 63 on its last day; one retires.
    posts = frame(
        *[post(f"r{i}", born=1962) for i in range(3)],
        post("x", born=1962, end=D(2024, 9, 30), reason="retirement"),
    )
    raw = retirement_hazard(posts, ROLE_GROUPS, YEAR, k=0, ages=(60, 64))
    at_62 = cell(raw, staff_group="all", age=62)
    assert (at_62["exposure"], at_62["retirements"], at_62["rate"]) == (2.0, 1, 0.5)
    assert at_62["parent_rate"] == pytest.approx(1 / 3.5)  # ages 60-64 pooled
    assert cell(raw, staff_group="all", age=63)["rate"] == 0.0
    unseen = cell(raw, staff_group="all", age=60)
    assert (unseen["rate"], unseen["source"]) == (0.15, "published default")
    shrunk = retirement_hazard(posts, ROLE_GROUPS, YEAR, k=5, ages=(60, 64))
    band = (1 + 5 * 0.15) / (3.5 + 5)
    assert cell(shrunk, staff_group="all", age=62)["rate"] == pytest.approx(
        (1 + 5 * band) / (2 + 5)
    )
    group = cell(shrunk, staff_group=NURSES, age=62)
    assert group["parent_rate"] == pytest.approx((1 + 5 * band) / (2 + 5))


def test_every_published_default_names_its_source_or_assumption() -> None:
    table = defaults.published_defaults()
    source_id = re.compile(r"\bS\d{2}\b.*figures\.md \d")
    for row in table.to_dicts():
        assert source_id.search(row["source"]) or row["basis"].startswith("assumption:"), row
    assert {"non_retirement_leaver_rate", "retirement_hazard", "fte_per_head"} <= set(table["kind"])
    hazard = defaults.band_hazard("65+")  # 65-67 at 35%, 68-74 at 60%
    assert hazard.central == pytest.approx((3 * 0.35 + 7 * 0.60) / 10)

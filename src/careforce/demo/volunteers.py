"""Third-sector and volunteer returns: paid community staff and volunteers.

Third-sector organisations employ link and support workers (per 1,000 population) and involve
volunteers in proportion to their paid staff; volunteer-involving organisations (a hospital friends
charity, community transport, good neighbours) have the calibrated numbers of volunteers and paid
coordinators. Volunteers give hours a week, not FTE.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from careforce.demo.calibration import Calibration
from careforce.demo.flows import FlowRules
from careforce.demo.sampling import exact_counts
from careforce.demo.social_care import contracts_and_hours, hourly_rates
from careforce.demo.stocks import assign, grow, stack

COORDINATOR = "link_worker"
VOLUNTEER = "volunteer"
PEER = "peer_support_worker"


def _spread(
    rng: np.random.Generator, posts: pl.DataFrame, orgs: list[str], counts: list[int]
) -> pl.DataFrame:
    return posts.with_columns(org=pl.Series(assign(rng, posts, orgs, counts), dtype=pl.Utf8))


def volunteer_posts(
    rng: np.random.Generator, cal: Calibration, rules: FlowRules, orgs: pl.DataFrame
) -> pl.DataFrame:
    """Every paid post and volunteer placement of the volunteer returns in the window."""
    vol = cal.volunteering
    third = orgs.filter(pl.col("sector") == "third_sector")
    third_codes = third["code"].to_list()
    paid_total = round(vol.third_sector_paid_per_1000.value * cal.total_population / 1000)
    paid_by_org = exact_counts(paid_total, third["weight"].to_numpy())
    frames = []
    roles = vol.third_sector_paid_roles.value
    for role, n in zip(roles, exact_counts(paid_total, list(roles.values())), strict=True):
        posts = grow(
            rng,
            cal,
            rules,
            role=role,
            sector="third_sector",
            kind="volunteer",
            count=int(n),
            growth=cal.social_care.growth_per_year.value,
        )
        frames.append(_spread(rng, posts, third_codes, paid_by_org.tolist()))
    involving = cal.organisations.volunteer_involving
    coordinators = grow(
        rng,
        cal,
        rules,
        role=COORDINATOR,
        sector="volunteer_involving",
        kind="volunteer",
        count=sum(o.paid_staff.value for o in involving),
        growth=vol.growth_per_year.value,
    )
    frames.append(
        _spread(
            rng, coordinators, [o.code for o in involving], [o.paid_staff.value for o in involving]
        )
    )
    helpers = np.round(paid_by_org * vol.volunteers_per_paid.value).astype(int)
    peers = np.round(helpers * vol.peer_volunteer_share.value).astype(int)
    for role, by_org in ((VOLUNTEER, helpers - peers), (PEER, peers)):
        posts = grow(
            rng,
            cal,
            rules,
            role=role,
            sector="third_sector",
            kind="volunteer",
            count=int(by_org.sum()),
            growth=vol.growth_per_year.value,
            paid=False,
        )
        frames.append(_spread(rng, posts, third_codes, by_org.tolist()))
    posts = grow(
        rng,
        cal,
        rules,
        role=VOLUNTEER,
        sector="volunteer_involving",
        kind="volunteer",
        count=sum(o.volunteers.value for o in involving),
        growth=vol.growth_per_year.value,
        paid=False,
    )
    frames.append(
        _spread(rng, posts, [o.code for o in involving], [o.volunteers.value for o in involving])
    )
    return _working_pattern(rng, cal, stack(frames), orgs)


def _working_pattern(
    rng: np.random.Generator, cal: Calibration, posts: pl.DataFrame, orgs: pl.DataFrame
) -> pl.DataFrame:
    """Area of the organisation; contracts and pay for paid posts; hours a week for volunteers."""
    area_of = dict(zip(orgs["code"], orgs["locality_code"], strict=True))
    posts = posts.with_columns(
        area=pl.col("org").replace_strict(area_of), setting=pl.lit("community_support")
    )
    paid = posts.filter(pl.col("paid"))
    paid = contracts_and_hours(rng, cal, paid).with_columns(
        hourly_rate=pl.Series(hourly_rates(rng, cal, paid["role"].to_numpy())),
    )
    unpaid = posts.filter(~pl.col("paid"))
    hours = cal.volunteering.hours_per_week.value
    unpaid = unpaid.with_columns(
        hours=pl.Series(
            assign(rng, unpaid, [float(h) for h in hours], list(hours.values())), dtype=pl.Float64
        )
    )
    return pl.concat([paid, unpaid], how="diagonal_relaxed").with_columns(
        setting=pl.lit(None, dtype=pl.Utf8)
    )

"""Random but valid supply models and run parameters, for tests and the scale benchmarks.

Made from a numpy generator the caller passes in, so a seed reproduces them. `sparse` keeps
each role in a few sectors and areas, as in a national model where most cells are empty;
`extremes` adds the edge cases tests need (empty cells, certain leaving, every one moving on);
`apprenticeships` lets programmes take their students from another role's stock, and with
`extremes` one route may ask for far more people than its source role has.
"""

from __future__ import annotations

import numpy as np

from careforce.supply.model import AGE_MIN, NO_SOURCE_ROLE, RunParameters, SupplyModel

FAMILY = 5


def _shares(rng: np.random.Generator, shape: tuple[int, ...], axes: tuple[int, ...]) -> np.ndarray:
    weights = rng.random(shape) ** 2
    return weights / weights.sum(axis=axes, keepdims=True)


def random_model(
    rng: np.random.Generator,
    *,
    roles: int = 2,
    areas: int = 1,
    sectors: int = 1,
    ages: int = 3,
    programmes: int = 1,
    courses: int = 3,
    years: int = 5,
    staff: float | None = None,
    sparse: bool = False,
    extremes: bool = False,
    apprenticeships: bool = False,
) -> SupplyModel:
    """A model of the given size; `staff` scales the starting headcount to that total."""
    age = np.arange(ages) / max(ages - 1, 1)
    headcount = rng.gamma(2.0, 20.0, (roles, areas, sectors, ages))
    # Roles come in families of up to FAMILY (a staff group); with `sparse`, a family works in a
    # few sectors and areas, and people move only within their family.
    family = np.arange(roles) // FAMILY
    works = np.ones((roles, areas, sectors), dtype=bool)  # where each role works
    if sparse:
        families = int(family.max()) + 1
        in_sector = rng.random((families, 1, sectors)) < 1.5 / sectors
        in_sector[np.arange(families), 0, rng.integers(0, sectors, families)] = True
        in_area = rng.random((families, areas, 1)) < 0.3
        in_area[np.arange(families), rng.integers(0, areas, families), 0] = True
        works = (in_sector & in_area)[family]
        headcount *= works[..., None]
    if staff is not None:
        headcount *= staff / headcount.sum()
    leaver_rate = np.clip(
        rng.uniform(0.03, 0.12, (roles, sectors, 1)) * (1 + 2 * age**4)[None, None], 0, 1
    )
    retire_share = np.broadcast_to(np.clip(age**3, 0, 1), (roles, sectors, ages)).copy()
    move_rate = np.zeros((roles, roles))
    for g in range(roles):
        others = [h for h in range(roles) if h != g and (family[h] == family[g] or not sparse)]
        if others:
            to = rng.choice(others, size=min(2, len(others)), replace=False)
            move_rate[g, to] = rng.uniform(0.0, 0.04, len(to))
    if extremes:
        headcount[rng.random(headcount.shape) < 0.25] = 0.0
        leaver_rate[rng.random(leaver_rate.shape) < 0.1] = 1.0
        g = int(rng.integers(roles))
        if rng.random() < 0.5 and move_rate[g].sum() > 0:
            move_rate[g] *= 1.0 / move_rate[g].sum()  # everyone left in role g moves on
    fte = headcount * rng.uniform(0.5, 1.0, headcount.shape)
    lengths = rng.integers(1, courses + 1, programmes)
    programme_role = rng.integers(0, roles, programmes)
    programme_spread = _shares(rng, (programmes, areas, sectors), (1, 2))
    if sparse:  # completers go where their role already works
        programme_spread *= works[programme_role]
        programme_spread /= programme_spread.sum(axis=(1, 2), keepdims=True)
    intl = rng.uniform(0.0, 5.0, (years, roles)) * (rng.random(roles) < 0.5)
    international_spread = _shares(rng, (roles, areas, sectors), (1, 2))
    if sparse:
        international_spread *= works
        total = international_spread.sum(axis=(1, 2), keepdims=True)
        international_spread = np.divide(
            international_spread, total, out=np.zeros_like(international_spread), where=total > 0
        )
        intl *= international_spread.sum(axis=(1, 2)) > 0
    commissioned = rng.uniform(0.0, 30.0, (years, programmes))
    source = np.full(programmes, NO_SOURCE_ROLE)
    if apprenticeships and roles > 1:
        for p in np.flatnonzero(rng.random(programmes) < 0.6):
            others = [h for h in range(roles) if h != programme_role[p]]
            source[p] = rng.choice(others)
        if extremes and (source >= 0).any():
            commissioned[:, int(np.flatnonzero(source >= 0)[0])] *= 100.0
    return SupplyModel(
        roles=tuple(f"role_{g}" for g in range(roles)),
        areas=tuple(f"area_{i}" for i in range(areas)),
        sectors=tuple(f"sector_{i}" for i in range(sectors)),
        programmes=tuple(f"programme_{i}" for i in range(programmes)),
        headcount=headcount,
        fte=fte,
        leaver_rate=leaver_rate,
        retire_share=retire_share,
        return_rate=rng.uniform(0.0, 0.3, roles),
        return_fte_per_head=rng.uniform(0.3, 0.8, roles),
        move_rate=move_rate,
        joiner_rate=rng.uniform(0.0, 0.12, (roles, sectors)),
        joiner_age_share=_shares(rng, (roles, ages), (1,)),
        international_recruits=intl,
        international_spread=international_spread,
        commissioned_places=commissioned,
        fill_rate=rng.uniform(0.6, 1.0, programmes),
        placement_capacity=commissioned * rng.uniform(0.7, 1.3, (years, programmes)),
        attrition_rate=rng.uniform(0.0, 0.15, (programmes, courses)),
        course_length_years=lengths,
        programme_role=programme_role,
        programme_source_role=source,
        local_share=rng.uniform(0.5, 1.0, programmes),
        programme_spread=programme_spread,
        start_age_share=_shares(rng, (programmes, ages), (1,)),
        students=rng.uniform(0.0, 20.0, (programmes, courses))
        * (np.arange(courses)[None, :] < lengths[:, None]),
        retention=rng.uniform(0.8, 1.1, (years, roles, sectors)),
        participation=rng.uniform(0.9, 1.1, (years, roles)),
        age_min=AGE_MIN,
    )


def random_parameters(
    rng: np.random.Generator, model: SupplyModel, runs: int, *, first_run: int = 0
) -> RunParameters:
    """Runs `first_run..first_run + runs`, with run 0 (if among them) central."""
    index = np.arange(first_run, first_run + runs)
    roles, programmes = len(model.roles), len(model.programmes)
    central = (index == 0)[:, None]
    lognormal = lambda: np.where(central, 1.0, rng.lognormal(0.0, 0.15, (runs, roles)))  # noqa: E731
    fill = rng.uniform(0.5, 1.0, (runs, programmes))
    return RunParameters(
        runs=index,
        leaver_multiplier=lognormal(),
        joiner_multiplier=lognormal(),
        international_multiplier=lognormal(),
        fill_rate=np.where(central, model.fill_rate[None, :], fill),
    )

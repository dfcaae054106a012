"""Statutory roles (AMHP, section 12) as stocks of approved people, projected year by year.

An approval is a stock like a role's, but its holders keep it only while they keep their base post
and renew it every `approval_years` (five-yearly re-approval), and its inflow is eligible staff who
complete approved training. Axes: r run (run 0 central), y row of a year-varying input (row t is
the year from stock t to stock t + 1), l area, a single year of age (from `age_min`), e years until
the holder next faces re-approval (e = 0: in the coming year).

One year's step (row t), in this order (docs/design/supply.md, "Statutory roles"):

1. leavers: `H x leaving[r,t,a]` leave with their base post (the holders' base roles' leaving
   probability, retirement included); `H x retiring[r,t,a]` of them retire.
2. re-approval: of the holders left with e = 0, a share `lapse[r]` do not renew; the rest renew for
   another `approval_years` (to e = approval_years - 1); every other holder counts down (e - 1).
3. ageing: everyone moves up one year of age; those at the last age leave (counted as leavers and
   retirements).
4. training: `trained[r,t] = trained_per_year[t] x trained_multiplier[r] x eligible_index[r,t]`
   join, spread over areas and ages by `trainee_spread[l,a]`, with a full approval.

So `H[t+1] = H[t] + trained - lapsed - leavers`, and nothing is negative. Pure array functions,
numpy only: the stocks are small (hundreds of people), so no backend choice is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from careforce.supply.model import AGE_MIN
from careforce.supply.projection import AGE_BANDS, Projection, age_band_of

STATUTORY_FLOWS = (
    "trained",  # newly approved after training
    "due",  # holders who faced re-approval (after the year's leavers)
    "lapsed",  # of those due, did not renew
    "leavers",  # left with their base post, retirements and the last age included
    "retirements",
)
SHARE_TOLERANCE = 1e-9


def _check(name: str, array: np.ndarray, shape: tuple[int, ...], low: float, high: float) -> None:
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}; expected {shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} has a value that is not a finite number")
    if (array < low).any() or (array > high).any():
        raise ValueError(f"{name} must lie within [{low:g}, {high:g}]")


def _frozen(array: np.ndarray) -> np.ndarray:
    out = np.array(array, dtype=np.float64)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class StatutoryModel:
    """One approval kind's starting holders and central inputs (see the module notes).

    holders           [l, a, e]  holders on the census date by area, age and years until they face
                                 re-approval (e = 0 in the first year); e has `approval_years` rows
    trained_per_year  [y]        newly approved a year (central, before the run's multiplier and
                                 the eligible stock's growth); one row per projected year
    trainee_spread    [l, a]     where and at what age the newly approved are; adds up to 1 (or
                                 to 0 when no one is ever trained)
    lapse_at_reapproval          central share of those due who do not renew
    """

    kind: str
    areas: tuple[str, ...]
    holders: np.ndarray
    trained_per_year: np.ndarray
    trainee_spread: np.ndarray
    lapse_at_reapproval: float
    age_min: int = AGE_MIN

    def __post_init__(self) -> None:
        for name in ("holders", "trained_per_year", "trainee_spread"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if self.holders.ndim != 3 or self.holders.shape[2] < 1:
            raise ValueError("holders must be [area, age, years until re-approval]")
        areas, ages, _ = self.holders.shape
        if areas != len(self.areas):
            raise ValueError(f"holders has {areas} areas; the labels name {len(self.areas)}")
        _check("holders", self.holders, self.holders.shape, 0.0, np.inf)
        _check("trained_per_year", self.trained_per_year, (self.years,), 0.0, np.inf)
        _check("trainee_spread", self.trainee_spread, (areas, ages), 0.0, 1.0)
        _check("lapse_at_reapproval", np.array(self.lapse_at_reapproval), (), 0.0, 1.0)
        total = float(self.trainee_spread.sum())
        if abs(total - 1.0) > SHARE_TOLERANCE and not (
            total == 0 and self.trained_per_year.sum() == 0
        ):
            raise ValueError(f"trainee_spread adds up to {total:g}; it must add up to 1")

    @property
    def years(self) -> int:
        return int(self.trained_per_year.shape[0])

    @property
    def approval_years(self) -> int:
        return int(self.holders.shape[2])

    @property
    def ages(self) -> np.ndarray:
        return np.arange(self.age_min, self.age_min + self.holders.shape[1])


@dataclass(frozen=True, eq=False)
class StatutoryRunParameters:
    """What varies between runs (row i is run `runs[i]`; run 0 central).

    trained_multiplier [r]     the run's draw of trained a year over its central value
    lapse              [r]     share of those due who do not renew
    leaving, retiring  [r, y, a]  probability that a holder leaves with their base post, and that
                               they leave by retiring (retiring <= leaving)
    eligible_index     [r, y]  the eligible stock at the start of year row y over that on the
                               census date (1 in a run where it does not change)
    """

    runs: np.ndarray
    trained_multiplier: np.ndarray
    lapse: np.ndarray
    leaving: np.ndarray
    retiring: np.ndarray
    eligible_index: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "runs", np.asarray(self.runs, dtype=np.int64))
        for name in ("trained_multiplier", "lapse", "leaving", "retiring", "eligible_index"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        runs = len(self.runs)
        _check("trained_multiplier", self.trained_multiplier, (runs,), 0.0, np.inf)
        _check("lapse", self.lapse, (runs,), 0.0, 1.0)
        if self.leaving.ndim != 3 or self.leaving.shape[0] != runs:
            raise ValueError("leaving must be [run, year, age], one row per run")
        _check("leaving", self.leaving, self.leaving.shape, 0.0, 1.0)
        _check("retiring", self.retiring, self.leaving.shape, 0.0, 1.0)
        if (self.retiring > self.leaving + SHARE_TOLERANCE).any():
            raise ValueError("retiring must not exceed leaving (retirees are among the leavers)")
        _check("eligible_index", self.eligible_index, (runs, self.leaving.shape[1]), 0.0, np.inf)

    def check(self, model: StatutoryModel) -> None:
        """Raise ValueError unless these parameters fit `model`'s years and ages."""
        expected = (len(self.runs), model.years, model.holders.shape[1])
        if self.leaving.shape != expected:
            raise ValueError(f"leaving has shape {self.leaving.shape}; the model needs {expected}")


@dataclass(frozen=True, eq=False)
class StatutoryProjection:
    """One kind's holders and flows for runs `runs` and years 0..`years` (year 0 the census).

    holders              [r, y, l]     approved people by area (ages summed)
    holders_by_age_band  [r, y, band]  bands `AGE_BANDS`
    flows                [r, y, flow]  `STATUTORY_FLOWS`, people a year; those at year y are of
                                       the step that led to it (zero at year 0)
    """

    kind: str
    areas: tuple[str, ...]
    runs: np.ndarray
    holders: np.ndarray
    holders_by_age_band: np.ndarray
    flows: np.ndarray

    @property
    def years(self) -> int:
        return int(self.holders.shape[1]) - 1

    def total(self) -> np.ndarray:
        """Holders `[r, y]`, every area."""
        return np.asarray(self.holders.sum(axis=2))

    def flow(self, name: str) -> np.ndarray:
        """One flow `[r, y]` by its name in `STATUTORY_FLOWS`."""
        return np.asarray(self.flows[..., STATUTORY_FLOWS.index(name)])


def holder_leaving(
    leaver_rate: np.ndarray,
    retire_share: np.ndarray,
    leaver_multiplier: np.ndarray,
    retention: np.ndarray,
    base_weight: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Holders' leaving and retiring probabilities `[r, y, a]` from their base posts' roles.

    Each base cell (g, c) leaves as the supply engine's leavers step has it,
    `min(1, leaver_rate[g,c,a] x leaver_multiplier[r,g] x retention[y,g,c])`, and a holder's
    probability is the mean over base cells weighted by `base_weight[g,c]` (today's holders'
    posts; adds up to 1), so the base roles' uncertainty and retention levers reach the holders.
    """
    roles, sectors = np.nonzero(base_weight)
    runs, years = leaver_multiplier.shape[0], retention.shape[0]
    ages = leaver_rate.shape[-1]
    if not len(roles):
        zero = np.zeros((runs, years, ages))
        return zero, zero.copy()
    weight = base_weight[roles, sectors]  # [k]
    probability = np.minimum(
        1.0,
        leaver_rate[roles, sectors][None, None, :, :]  # [1, 1, k, a]
        * leaver_multiplier[:, roles][:, None, :, None]  # [r, 1, k, 1]
        * retention[:, roles, sectors][None, :, :, None],  # [1, y, k, 1]
    )
    leaving = np.einsum("k,rtka->rta", weight, probability)
    retiring = np.einsum("k,rtka,ka->rta", weight, probability, retire_share[roles, sectors])
    return np.clip(leaving, 0.0, 1.0), np.clip(np.minimum(retiring, leaving), 0.0, 1.0)


def role_headcount(projection: Projection) -> np.ndarray:
    """Headcount by role `[r, y, g]` (areas and sectors summed) from a supply projection."""
    member = np.zeros((len(projection.cell_role), len(projection.roles)))
    member[np.arange(len(projection.cell_role)), projection.cell_role] = 1.0
    return np.asarray(np.tensordot(projection.headcount_by_cell, member, axes=([2], [0])))


def eligible_index(headcount_by_role: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The eligible stock `sum_g weight[g] x S[r,y,g]` over its year-0 value, `[r, y]`.

    With `weight[g]` today's take-up in role g (holders from g over g's headcount), a role grows
    the inflow as much as it supplies today's holders: more social workers, more potential AMHPs.
    A run whose eligible stock starts at 0 keeps an index of 1.
    """
    pool = np.tensordot(headcount_by_role, weight, axes=([2], [0]))  # [r, y]
    start = pool[:, :1]
    return np.where(start > 0, pool / np.where(start > 0, start, 1.0), 1.0)


def project_statutory(model: StatutoryModel, params: StatutoryRunParameters) -> StatutoryProjection:
    """Holders and flows of `model` over its years for the runs of `params` (module notes)."""
    params.check(model)
    runs, years = len(params.runs), model.years
    areas, ages, terms = model.holders.shape
    band = age_band_of(model.ages)
    member = np.zeros((ages, len(AGE_BANDS)))
    member[np.arange(ages), band] = 1.0
    stock = np.broadcast_to(model.holders, (runs, areas, ages, terms)).copy()
    holders = np.zeros((runs, years + 1, areas))
    by_band = np.zeros((runs, years + 1, len(AGE_BANDS)))
    flows = np.zeros((runs, years + 1, len(STATUTORY_FLOWS)))

    def record(y: int) -> None:
        holders[:, y] = stock.sum(axis=(2, 3))
        by_band[:, y] = stock.sum(axis=(1, 3)) @ member

    record(0)
    for t in range(years):
        leaving = params.leaving[:, t][:, None, :, None]
        left = stock * leaving
        retired = stock * params.retiring[:, t][:, None, :, None]
        stock = stock * (1.0 - leaving)
        due = stock[..., 0]
        lapsed = due * params.lapse[:, None, None]
        renewed = due - lapsed
        stock = np.concatenate([stock[..., 1:], renewed[..., None]], axis=-1)
        aged_out = stock[:, :, -1, :].sum(axis=(1, 2))
        stock = np.concatenate([np.zeros_like(stock[:, :, :1]), stock[:, :, :-1]], axis=2)
        trained = (
            model.trained_per_year[t] * params.trained_multiplier * params.eligible_index[:, t]
        )
        stock[..., -1] += trained[:, None, None] * model.trainee_spread[None]
        flows[:, t + 1] = np.stack(
            [
                trained,
                due.sum(axis=(1, 2)),
                lapsed.sum(axis=(1, 2)),
                left.sum(axis=(1, 2, 3)) + aged_out,
                retired.sum(axis=(1, 2, 3)) + aged_out,
            ],
            axis=1,
        )
        record(t + 1)
    return StatutoryProjection(
        kind=model.kind,
        areas=model.areas,
        runs=params.runs,
        holders=holders,
        holders_by_age_band=by_band,
        flows=flows,
    )


__all__ = [
    "STATUTORY_FLOWS",
    "StatutoryModel",
    "StatutoryProjection",
    "StatutoryRunParameters",
    "eligible_index",
    "holder_leaving",
    "project_statutory",
    "role_headcount",
]

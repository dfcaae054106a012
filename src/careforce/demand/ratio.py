"""Ratio staffing: FTE from places, beds or patients and a staffing multiplier (METHODS section 3).

The uplift for leave of all kinds is applied one way throughout: it MULTIPLIES the hours to cover
(`hours x (1 + uplift)`), as in the professional-judgement and Safer Nursing Care Tool methods.
Where a source states the share of paid time lost instead (time that is paid but not worked),
`uplift_from_time_lost` converts it: a share `s` lost needs `1 / (1 - s) - 1` more hours, so 22%
lost is a 28.2% uplift, not 22%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

STANDARD_HOURS_PER_WEEK = 37.5
DAYS_PER_WEEK = 7.0


def _float(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def fte_for_places(
    places: npt.ArrayLike, share_of_places: npt.ArrayLike, fte_per_place: npt.ArrayLike
) -> FloatArray:
    """`FTE = sum_level places x share_level x fte_per_place_level`.

    The acuity (dependency) level is the LAST axis of `share_of_places` and `fte_per_place`;
    `places` has no level axis and broadcasts against the others' leading axes (runs, areas,
    years). Shares are used as given: they should sum to 1 over levels.
    """
    per_place = np.sum(_float(share_of_places) * _float(fte_per_place), axis=-1)
    return _float(places) * per_place


def uplift_from_time_lost(share_of_paid_time_lost: npt.ArrayLike) -> FloatArray:
    """The multiplicative uplift equivalent to losing this share of paid time: `1/(1-s) - 1`."""
    s = _float(share_of_paid_time_lost)
    if np.any((s < 0) | (s >= 1)):
        raise ValueError("the share of paid time lost must be in [0, 1)")
    return 1.0 / (1.0 - s) - 1.0


def wte_per_patient(
    hours_per_patient_day: npt.ArrayLike,
    *,
    uplift: npt.ArrayLike,
    hours_per_week: npt.ArrayLike = STANDARD_HOURS_PER_WEEK,
    days_per_week: npt.ArrayLike = DAYS_PER_WEEK,
) -> FloatArray:
    """The multiplier of acuity tools (Safer Nursing Care Tool style): WTE for each patient at a
    level, `HPPD x days_per_week x (1 + uplift) / hours_per_week`.

    Weekly, not annual, convention (7 days over a 37.5-hour week): it is the one that reproduces
    the published multipliers. A ward's establishment is then `sum_level patients x multiplier`.
    """
    return (
        _float(hours_per_patient_day)
        * _float(days_per_week)
        * (1.0 + _float(uplift))
        / _float(hours_per_week)
    )


@dataclass(frozen=True, slots=True)
class RosterEstablishment:
    """Hours a week to cover a roster, the uplifted hours and the WTE that works them."""

    hours_per_week_by_shift: FloatArray
    total_hours_per_week: FloatArray
    hours_with_uplift: FloatArray
    wte: FloatArray


def roster_establishment(
    shift_hours: npt.ArrayLike,
    staff_per_shift: npt.ArrayLike,
    *,
    uplift: npt.ArrayLike,
    days_per_week: npt.ArrayLike = DAYS_PER_WEEK,
    hours_per_week: npt.ArrayLike = STANDARD_HOURS_PER_WEEK,
) -> RosterEstablishment:
    """Professional-judgement establishment: each shift's hours a week are
    `shift hours x staff on the shift x days a week`; their total is uplifted (multiplied by
    `1 + uplift`) and divided by the hours of one WTE a week. The shift is the LAST axis.

    Shift hours include hand-over overlaps as rostered, so 24-hour cover may be more than 24 hours.
    """
    by_shift = _float(shift_hours) * _float(staff_per_shift) * _float(days_per_week)
    total = np.sum(by_shift, axis=-1)
    uplifted = total * (1.0 + _float(uplift))
    return RosterEstablishment(
        hours_per_week_by_shift=by_shift,
        total_hours_per_week=total,
        hours_with_uplift=uplifted,
        wte=uplifted / _float(hours_per_week),
    )

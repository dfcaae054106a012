"""Required against allocated care hours on a ward (workload-management methods).

Required hours are direct plus indirect care hours. Allocated hours weight each nurse on duty by
a proficiency (1.0 a registered nurse of a year or more, less for a newly registered nurse or a
student) over the hours of a shift. The balance is stated over ALLOCATED hours:
`(allocated - required) / allocated`, the convention that reproduces the published Dutch example.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def required_care_hours(direct_hours: npt.ArrayLike, indirect_hours: npt.ArrayLike) -> FloatArray:
    return np.asarray(direct_hours, dtype=np.float64) + np.asarray(indirect_hours, np.float64)


def allocated_care_hours(
    staff_on_duty: npt.ArrayLike, proficiency: npt.ArrayLike, shift_hours: npt.ArrayLike
) -> FloatArray:
    """`shift hours x sum_grade staff x proficiency`; the grade is the LAST axis of
    `staff_on_duty` and `proficiency`."""
    weighted = np.sum(
        np.asarray(staff_on_duty, dtype=np.float64) * np.asarray(proficiency, np.float64), axis=-1
    )
    return np.asarray(shift_hours, dtype=np.float64) * weighted


def care_hours_balance(required_hours: npt.ArrayLike, allocated_hours: npt.ArrayLike) -> FloatArray:
    """Over (+) or under (-) staffing as a share of allocated hours."""
    allocated = np.asarray(allocated_hours, dtype=np.float64)
    if np.any(allocated <= 0):
        raise ValueError("allocated hours must be above 0")
    return (allocated - np.asarray(required_hours, dtype=np.float64)) / allocated

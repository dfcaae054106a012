"""The competency gap: task hours allocated to the staff who may do them (METHODS section 6)."""

from careforce.allocation.engine import Allocation, AllocationFailed, allocate
from careforce.allocation.problem import AllocationOptions, AllocationProblem

__all__ = [
    "Allocation",
    "AllocationFailed",
    "AllocationOptions",
    "AllocationProblem",
    "allocate",
]

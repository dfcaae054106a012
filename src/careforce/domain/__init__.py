"""Frozen, validated types that every other layer consumes (standard library only)."""

from careforce.domain.errors import Problem, UserError, ValidationFailed
from careforce.domain.workforce import (
    AgeBand,
    ContractType,
    Locality,
    LocalityLevel,
    Organisation,
    Person,
    Post,
    Role,
    Sector,
    Setting,
    StaffGroup,
    StatutoryApproval,
    StatutoryApprovalKind,
    TrainingRecord,
    Vacancy,
    Volunteer,
)

__all__ = [
    "AgeBand",
    "ContractType",
    "Locality",
    "LocalityLevel",
    "Organisation",
    "Person",
    "Post",
    "Problem",
    "Role",
    "Sector",
    "Setting",
    "StaffGroup",
    "StatutoryApproval",
    "StatutoryApprovalKind",
    "TrainingRecord",
    "UserError",
    "Vacancy",
    "ValidationFailed",
    "Volunteer",
]

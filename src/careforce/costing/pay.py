"""What an hour of each role costs an employer: pay plus on-costs, with the basis of every figure.

Pay comes from the framework's role (an Agenda for Change band or an hourly rate, figures.md
section 4) where it has one, and from `ASSUMED_ANNUAL_PAY` where it has not; every figure says
which. The allocation uses these costs to give each task to the least costly competent person,
so what matters most there is their order; the scenario's costing reads the same figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from careforce.domain.framework import Framework
from careforce.domain.workforce import Role, StaffGroup

# Agenda for Change 2025/26 (figures.md section 4, S27; Wales applied the same +3.6%, S29):
# entry, intermediate (the entry point where the band has none) and top of each band, GBP a year.
AFC_2025_26: dict[str, tuple[float, float, float]] = {
    "2": (24_465, 24_465, 24_465),
    "3": (24_937, 24_937, 26_598),
    "4": (27_485, 27_485, 30_162),
    "5": (31_049, 33_487, 37_796),
    "6": (38_682, 40_823, 46_580),
    "7": (47_810, 50_273, 54_710),
    "8a": (55_690, 58_487, 62_682),
    "8b": (64_455, 68_631, 74_896),
    "8c": (76_965, 81_652, 88_682),
    "8d": (91_342, 96_941, 105_337),
    "9": (109_179, 115_763, 125_637),
}
AFC_BANDS = tuple(AFC_2025_26)
AFC_SOURCE = "S27 (Agenda for Change 2025/26)"

# figures.md section 4, "Convention for the demo": NHS +28% (local cash cost: NI and the 14.38%
# local pension share), social care +15% statutory on-costs (NI and auto-enrolment pension).
NHS_ON_COSTS = 0.28
SOCIAL_CARE_ON_COSTS = 0.15
ON_COSTS_SOURCE = "figures.md section 4 (S26, S32, S90; derived)"

# Wales's default care worker rate for 2025/26, the Real Living Wage (figures.md section 4, S31).
CARE_WORKER_HOURLY_GBP = 12.60
# 37.5 hours a week for 52.14 weeks: the paid hours of one FTE (figures.md section 4, the
# full-time care worker's example).
PAID_HOURS_PER_FTE = 37.5 * 52.14

# Roles whose pay figures.md has not researched: annual pay of one FTE, GBP 2025/26. Every one an
# assumption, to be replaced by a planner's own figures.
ASSUMED_ANNUAL_PAY: dict[str, float] = {
    "doctor_foundation": 38_000,
    "doctor_resident_specialty": 62_000,
    "gp": 105_000,
    "consultant_psychiatrist": 120_000,
    "consultant_physician": 120_000,
    "social_worker": 39_000,
    "amhp": 43_000,
    "best_interests_assessor": 41_000,
    "sc_reablement_worker": 25_500,
    "sc_supervisor": 27_500,
    "sc_practice_leader": 33_000,
    "sc_deputy_manager": 34_000,
    "sc_registered_manager": 40_000,
    "sc_assessor": 30_000,
    "sc_iaa_officer": 28_000,
    "link_worker": 27_000,
    "third_sector_support_worker": 24_000,
}
ASSUMED_PAY_BASIS = "assumption: pay not researched in figures.md; replace with local figures"
# Unpaid carers and volunteers cost the employer nothing an hour; their hours are not free to
# society, which is why the allocation never plans on them unless the framework lets them do a task.
UNPAID_ROLES = frozenset({"unpaid_carer", "volunteer"})


@dataclass(frozen=True, slots=True)
class RolePay:
    role_id: str
    annual_gbp: float  # pay of one FTE a year before on-costs
    on_cost_share: float
    basis: str

    @property
    def hourly_cost_gbp(self) -> float:
        """Employer cost of one paid hour."""
        return self.annual_gbp * (1 + self.on_cost_share) / PAID_HOURS_PER_FTE

    @property
    def annual_cost_gbp(self) -> float:
        return self.annual_gbp * (1 + self.on_cost_share)


def afc_midpoint(band: str) -> float | None:
    """The mean of the intermediate points of a band or a band range ('5-7', '4 (equivalent)',
    '9 / VSM'), or None when no Agenda for Change band can be read from it."""
    text = band.split("(")[0].split("/")[0].strip().lower()
    ends = [part.strip() for part in text.split("-")]
    if not all(end in AFC_2025_26 for end in ends) or len(ends) > 2:
        return None
    first, last = AFC_BANDS.index(ends[0]), AFC_BANDS.index(ends[-1])
    bands = AFC_BANDS[min(first, last) : max(first, last) + 1]
    return sum(AFC_2025_26[b][1] for b in bands) / len(bands)


SOCIAL_CARE_GROUPS = frozenset(
    {
        StaffGroup.SOCIAL_CARE_DIRECT,
        StaffGroup.SOCIAL_CARE_MANAGEMENT,
        StaffGroup.SOCIAL_WORK,
        StaffGroup.THIRD_SECTOR_COMMUNITY,
    }
)


def role_pay(role: Role) -> RolePay:
    """The pay of one role and the basis of the figure."""
    social_care = role.staff_group in SOCIAL_CARE_GROUPS
    on_costs = SOCIAL_CARE_ON_COSTS if social_care else NHS_ON_COSTS
    costs_basis = f"on-costs {ON_COSTS_SOURCE}"
    if role.id in UNPAID_ROLES:
        return RolePay(role.id, 0.0, 0.0, "unpaid")
    if role.hourly_rate_gbp is not None:
        annual = role.hourly_rate_gbp * PAID_HOURS_PER_FTE
        return RolePay(role.id, annual, on_costs, f"the role's hourly rate; {costs_basis}")
    if role.pay_band is not None and (mid := afc_midpoint(role.pay_band)) is not None:
        basis = f"{AFC_SOURCE}, band {role.pay_band} intermediate points; {costs_basis}"
        return RolePay(role.id, mid, NHS_ON_COSTS, basis)
    if role.id in ASSUMED_ANNUAL_PAY:
        return RolePay(role.id, ASSUMED_ANNUAL_PAY[role.id], on_costs, ASSUMED_PAY_BASIS)
    if social_care:
        annual = CARE_WORKER_HOURLY_GBP * PAID_HOURS_PER_FTE
        return RolePay(role.id, annual, on_costs, "assumption: the care worker rate (S31)")
    annual = AFC_2025_26["5"][1]
    return RolePay(role.id, annual, on_costs, "assumption: Agenda for Change band 5 (S27)")


def pay_of_roles(
    framework: Framework,
    role_ids: Iterable[str] | None = None,
    *,
    pay_like: Mapping[str, str] | None = None,
    annual_pay: Mapping[str, float] | None = None,
) -> dict[str, RolePay]:
    """Pay of the named roles, or of every role in the framework. A role in `pay_like` is paid
    as the role it names (a scenario's new role as its `like_role`); `annual_pay` sets a role's
    pay a year before on-costs (a scenario's figure)."""
    ids = framework.roles if role_ids is None else role_ids
    like, annual = pay_like or {}, annual_pay or {}
    out = {}
    for r in ids:
        pay = replace(role_pay(framework.role(like.get(r, r))), role_id=r)
        if r in like and r not in annual:
            pay = replace(pay, basis=f"as {like[r]}: {pay.basis}")
        if r in annual:
            pay = replace(
                pay,
                annual_gbp=annual[r],
                basis=f"scenario: annual pay; on-costs as {like.get(r, r)}",
            )
        out[r] = pay
    return out

"""Schema: the programmes institutions run (designs are data; who runs them is the roster's).

Money is rupiah at March 2024 prices, per beneficiary household per month unless the unit says
otherwise.
"""

from __future__ import annotations

from typing import Literal

from sim.scenario.base import Section, param

Theme = Literal["education", "health", "livelihoods", "social_assistance"]
ProgrammeKind = Literal[
    "cash_transfer", "graduation", "scholarship", "tutoring", "health_insurance", "clinic"
]


class ProgrammeCommon(Section):
    """Fields every programme design has."""

    duration_months: int = param(12, "months", "assumption: a one-year cycle", ge=1, le=120)
    delivery_cost: float = param(
        25_000.0, "rupiah per beneficiary household per month", "assumption", ge=0
    )
    take_up: float = param(0.9, "share of households offered who enrol", "assumption", ge=0, le=1)
    eligibility_line_multiple: float = param(
        1.0,
        "eligible below this multiple of the poverty line (per-capita consumption)",
        "assumption: each programme's own rule; errors are measured against it",
        gt=0,
        le=10,
    )


class CashTransfer(ProgrammeCommon):
    """Unconditional cash (social assistance)."""

    amount: float = param(
        300_000.0,
        "rupiah per household per month",
        "BLT Dana Desa pays Rp 300,000 a month (Kemendes 2020-2024)",
        ge=0,
    )


class Graduation(ProgrammeCommon):
    """The livelihood graduation bundle (Banerjee et al. 2015, Science 348)."""

    duration_months: int = param(18, "months", "Banerjee et al. 2015: 18-24 months", ge=1, le=120)
    delivery_cost: float = param(
        150_000.0,
        "rupiah per household per month (coaching, training, staff)",
        "Banerjee et al. 2015: total cost ~USD 1,500 PPP, about half delivery",
        ge=0,
    )
    take_up: float = param(0.8, "share offered who enrol", "assumption", ge=0, le=1)
    asset_value: float = param(
        7_500_000.0,
        "rupiah, transferred at enrolment",
        "Banerjee et al. 2015: asset ~USD 500-1,000 PPP (livestock, stock for petty trade)",
        ge=0,
    )
    support_amount: float = param(
        250_000.0,
        "rupiah per household per month",
        "assumption: consumption support in the bundle",
        ge=0,
    )
    support_months: int = param(6, "months", "assumption: first months of the bundle", ge=0, le=120)
    training_skill: float = param(
        1.0,
        "units of skill (each raises earnings by income.return_to_skill)",
        "assumption: a full skills course",
        ge=0,
        le=10,
    )


class Scholarship(ProgrammeCommon):
    """Scholarship per enrolled child, conditional on enrolment."""

    delivery_cost: float = param(10_000.0, "rupiah per household per month", "assumption", ge=0)
    take_up: float = param(0.85, "share offered who enrol", "assumption", ge=0, le=1)
    eligibility_line_multiple: float = param(
        1.3, "multiple of the poverty line", "assumption: poor and near-poor families", gt=0, le=10
    )
    amount_per_child: float = param(
        75_000.0,
        "rupiah per enrolled child per month",
        "assumption: NGO scholarships are larger than PIP's Rp 450,000-750,000 a year",
        ge=0,
    )


class Tutoring(ProgrammeCommon):
    """After-school tutoring that raises learning (years of schooling equivalents)."""

    delivery_cost: float = param(
        80_000.0,
        "rupiah per household per month",
        "assumption: volunteer-led remedial classes",
        ge=0,
    )
    eligibility_line_multiple: float = param(
        1.5, "multiple of the poverty line", "assumption", gt=0, le=10
    )
    learning_gain: float = param(
        0.25,
        "years of schooling equivalent per year of tutoring",
        "remedial education raised test scores ~0.14-0.28 SD (Banerjee et al. 2007, QJE 122(3))",
        ge=0,
        le=2,
    )


class HealthInsurance(ProgrammeCommon):
    """Paying JKN premiums for uninsured households."""

    delivery_cost: float = param(5_000.0, "rupiah per household per month", "assumption", ge=0)
    take_up: float = param(
        0.3,
        "share offered who enrol",
        "Banerjee et al. 2021 (AER 111(9)): 30% enrolment with a subsidy and help registering",
        ge=0,
        le=1,
    )
    eligibility_line_multiple: float = param(
        1.5, "multiple of the poverty line", "assumption", gt=0, le=10
    )
    premium_per_person: float = param(
        35_000.0,
        "rupiah per person per month",
        "JKN class III premium paid by members (Perpres 64/2020)",
        ge=0,
    )


class Clinic(ProgrammeCommon):
    """A community clinic that lowers out-of-pocket costs of its members."""

    delivery_cost: float = param(
        30_000.0, "rupiah per household per month", "assumption: operating cost per member", ge=0
    )
    take_up: float = param(0.7, "share offered who enrol", "assumption", ge=0, le=1)
    eligibility_line_multiple: float = param(
        1.5, "multiple of the poverty line", "assumption", gt=0, le=10
    )
    cost_reduction: float = param(
        0.5,
        "share of out-of-pocket health cost removed",
        "assumption: free primary care and medicines",
        ge=0,
        le=1,
    )


class Programmes(Section):
    """Programme designs (Indonesian defaults) and how programmes combine."""

    cash_transfer: CashTransfer = CashTransfer()
    graduation: Graduation = Graduation()
    scholarship: Scholarship = Scholarship()
    tutoring: Tutoring = Tutoring()
    health_insurance: HealthInsurance = HealthInsurance()
    clinic: Clinic = Clinic()
    duplicate_effect: float = param(
        0.5,
        "effect of a second enrolment of the same kind relative to the first",
        "assumption: diminishing returns, not zero (crowding out of private transfers: Cox, "
        "Hansen & Jimenez 2004, JPubE 88)",
        ge=0,
        le=1,
        range=(0.0, 1.0),
        range_source="full crowding out to none",
    )
    complementarity: float = param(
        0.2,
        "extra effect per additional theme in a case-managed bundle",
        "assumption; the range reaches zero (no complementarity)",
        ge=0,
        le=2,
        range=(0.0, 0.5),
        range_source="assumption: down to zero",
    )

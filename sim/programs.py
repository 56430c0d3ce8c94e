"""Programmes: eligibility, cost per beneficiary and effects on household state.

A programme acts on households only through the foundation's mechanisms: cash is income, an
asset transfer raises assets by at most the rupiah spent on it (and may carry a household over
the tipping point), training raises skill, a schooling condition moves enrolment, tutoring adds
schooling, insurance removes out-of-pocket cost, a clinic lowers it. None is a fixed bonus to
consumption.

A second enrolment of the same kind (NGO-NGO, or NGO on top of the government's own PKH/BPNT
cash or PBI-JKN insurance) does less than the first: its effect is scaled by
``programmes.duplicate_effect``. Benefits of other kinds may complement (a scholarship on top of
PKH is a top-up), and under case management a bundle across themes gains
``programmes.complementarity`` per extra theme. Practice quality and bundles act on effects
(skill, learning, costs avoided, what assets earn), never on the rupiah value handed over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import ProgrammeCommon, Scenario
from sim.world.households import Households

F32 = np.float32

KINDS = ("cash_transfer", "graduation", "scholarship", "tutoring", "health_insurance", "clinic")


def design(sc: Scenario, kind: str) -> ProgrammeCommon:
    """The scenario's design of a programme kind."""
    return getattr(sc.programmes, kind)


def members_at(hh: Households, idx: np.ndarray) -> np.ndarray:
    """``hh.members[idx]``, computed for the households ``idx`` only (int16, the same values)."""
    return (
        hh.n_young[idx].astype(np.int16) + hh.n_school[idx] + hh.n_adult[idx] + hh.n_elderly[idx]
    ).astype(np.int16)


def eligible(
    sc: Scenario,
    kind: str,
    hh: Households,
    line: np.ndarray,
    consumption_pc: np.ndarray | None = None,
    idx: np.ndarray | None = None,
) -> np.ndarray:
    """Each programme's own eligibility rule, on true household state.

    Every rule caps per-capita consumption at ``eligibility_line_multiple`` x the poverty line;
    scholarship and tutoring also need a school-age child, insurance an uninsured household.
    Targeting errors are measured against these rules, not the poverty line.

    ``consumption_pc`` may pass ``hh.consumption_pc`` already computed this month. With
    ``idx`` (household indices) the rule is evaluated for those households only and the result
    is ``eligible(...)[idx]``.
    """
    d = design(sc, kind)
    if idx is None:
        y = hh.consumption_pc if consumption_pc is None else consumption_pc
        ok = y < F32(d.eligibility_line_multiple) * line
        school, insured = hh.n_school, hh.insured
    else:
        # consumption_pc at idx: the same division, for those households only
        y_idx = (
            hh.consumption[idx] / members_at(hh, idx)
            if consumption_pc is None
            else consumption_pc[idx]
        )
        ok = y_idx < F32(d.eligibility_line_multiple) * line[idx]
        school, insured = hh.n_school[idx], hh.insured[idx]
    if kind in ("scholarship", "tutoring"):
        ok &= school > 0
    if kind == "health_insurance":
        ok &= ~insured
    return ok


def observable_filter(kind: str, hh: Households, insured: np.ndarray) -> np.ndarray:
    """What an institution can see for sure when it screens (children, insurance card)."""
    if kind in ("scholarship", "tutoring"):
        return hh.n_school > 0
    if kind == "health_insurance":
        return ~insured
    return np.ones(hh.n, dtype=bool)


def monthly_transfer(
    sc: Scenario,
    kind: str,
    hh: Households,
    months_in: np.ndarray,
    idx: np.ndarray | None = None,
) -> np.ndarray:
    """Money paid to each household this month by one enrolment (rupiah), before duplication.

    Args:
        sc: Scenario.
        kind: Programme kind.
        hh: Households.
        months_in: Months the household has been enrolled before this one (0 = first month).
        idx: Optional household indices: then ``months_in`` is given for those households and
            the result is the full result at ``idx`` (computed for them only).

    Returns:
        Rupiah per household: cash, consumption support, scholarship, or premium paid.
    """
    p = sc.programmes
    n = hh.n if idx is None else idx.shape[0]
    if kind == "cash_transfer":
        return np.full(n, F32(p.cash_transfer.amount))
    if kind == "graduation":
        g = p.graduation
        support = np.where(months_in < g.support_months, F32(g.support_amount), F32(0))
        asset = np.where(months_in == 0, F32(g.asset_value), F32(0))
        return (support + asset).astype(F32)
    if kind == "scholarship":
        enrolled = hh.n_enrolled if idx is None else hh.n_enrolled[idx]
        return (enrolled * F32(p.scholarship.amount_per_child)).astype(F32)
    if kind == "health_insurance":
        members = hh.members if idx is None else members_at(hh, idx)
        return (members * F32(p.health_insurance.premium_per_person)).astype(F32)
    return np.zeros(n, dtype=F32)  # tutoring and clinic pay no money to households


@dataclass
class Effects:
    """What this month's enrolments do to households (vectors over households).

    Attributes:
        cash: Money received and usable (rupiah per month), after duplication and practice
            quality; enters income.
        assets: Asset value transferred this month (rupiah).
        skill: Skill units gained this month.
        schooling: Years of schooling gained by enrolled children this month.
        conditioned: Enrolment is conditioned on schooling (scholarship).
        insured: Insured by an NGO premium this month.
        oop_factor: Multiplier on out-of-pocket health cost (clinic).
        asset_return: Multiplier on asset income while enrolled in graduation (practice quality
            above the standard, case-managed bundles, market access).
    """

    cash: np.ndarray
    assets: np.ndarray
    skill: np.ndarray
    schooling: np.ndarray
    conditioned: np.ndarray
    insured: np.ndarray
    oop_factor: np.ndarray
    asset_return: np.ndarray

    @classmethod
    def none(cls, n: int) -> Effects:
        """No programme effect at all."""
        return cls(
            cash=np.zeros(n, F32),
            assets=np.zeros(n, F32),
            skill=np.zeros(n, F32),
            schooling=np.zeros(n, F32),
            conditioned=np.zeros(n, bool),
            insured=np.zeros(n, bool),
            oop_factor=np.ones(n, F32),
            asset_return=np.ones(n, F32),
        )


def government_same_kind(kind: str, hh: Households) -> np.ndarray:
    """Households already receiving a government benefit of the same kind."""
    if kind == "cash_transfer":
        return hh.pkh | hh.bpnt
    if kind == "health_insurance":
        return hh.pbi
    return np.zeros(hh.n, dtype=bool)


def apply_enrolment(
    sc: Scenario,
    kind: str,
    hh: Households,
    active: np.ndarray,
    months_in: np.ndarray,
    prior_same_kind: np.ndarray,
    quality: float,
    bundle_multiplier: np.ndarray,
    effects: Effects,
    market_access: bool,
) -> np.ndarray:
    """Add one institution's enrolments to this month's effects; return money paid out.

    Args:
        sc: Scenario.
        kind: Programme kind of the institution.
        hh: Households.
        active: Households enrolled with this institution this month.
        months_in: Months already spent in the programme (0 = first month).
        prior_same_kind: Households already holding an enrolment of this kind (government or
            an earlier institution this month): their effect is scaled by duplicate_effect.
        quality: The institution's practice quality (multiple of the standard effect).
        bundle_multiplier: Complementarity multiplier of case-managed bundles (1 otherwise).
        effects: Accumulated effects, updated in place.
        market_access: Graduation beneficiaries get market access (business partnership).

    Returns:
        Rupiah paid to each household (transfers), zero outside ``active``.
    """
    # Everything below is elementwise and changes nothing outside ``active``, so it is
    # computed for the enrolled households only (the same arithmetic per household).
    idx = np.flatnonzero(active)
    paid_in = apply_enrolment_at(
        sc,
        kind,
        hh,
        idx,
        months_in[idx],
        prior_same_kind[idx],
        quality,
        bundle_multiplier[idx],
        effects,
        market_access,
    )
    paid = np.zeros(hh.n, dtype=F32)
    paid[idx] = paid_in
    return paid


def apply_enrolment_at(
    sc: Scenario,
    kind: str,
    hh: Households,
    idx: np.ndarray,
    months_in: np.ndarray,
    prior_same_kind: np.ndarray,
    quality: float,
    bundle_multiplier: np.ndarray,
    effects: Effects,
    market_access: bool,
) -> np.ndarray:
    """:func:`apply_enrolment` for the enrolled households ``idx`` given by index.

    The same arithmetic per household as :func:`apply_enrolment` with
    ``active = idx`` as a mask (``idx`` ascending, no repeats); the per-household arguments are
    given for ``idx`` only.

    Args:
        sc: Scenario.
        kind: Programme kind of the institution.
        hh: Households.
        idx: Indices of the households enrolled this month (ascending).
        months_in: Months already spent in the programme at ``idx`` (0 = first month).
        prior_same_kind: At ``idx``: already holding an enrolment of this kind.
        quality: The institution's practice quality (multiple of the standard effect).
        bundle_multiplier: At ``idx``: complementarity multiplier of case-managed bundles.
        effects: Accumulated effects (full length), updated in place at ``idx``.
        market_access: Graduation beneficiaries get market access (business partnership).

    Returns:
        Rupiah paid to each household of ``idx`` (transfers, float32).
    """
    p = sc.programmes
    dup = np.where(prior_same_kind, F32(p.duplicate_effect), F32(1))
    strength = (dup * F32(quality) * bundle_multiplier).astype(F32)
    paid_in = monthly_transfer(sc, kind, hh, months_in, idx=idx).astype(F32)
    # cash that reaches the household loses value with poor practice (leakage) and duplication
    leakage = min(quality, 1.0)  # poor practice loses part of the cash on the way
    usable = paid_in * F32(leakage) * dup
    if kind == "graduation":
        g = p.graduation
        first = months_in == 0
        asset_part = np.where(first, F32(g.asset_value), F32(0))
        # the asset is credited at what was handed over, less what cash would lose on the way:
        # never more rupiah than were spent on it
        credited = (asset_part * F32(leakage) * dup).astype(F32)
        effects.assets[idx] += credited
        usable = (usable - credited).astype(F32)
        skill = g.training_skill + (sc.business.training_skill if market_access else 0.0)
        effects.skill[idx] += np.where(first, F32(skill) * strength, F32(0))
        # coaching above the standard and a case-managed bundle raise what the household's
        # assets earn while it is enrolled; market access too (business partnership)
        ret = F32(max(quality, 1.0)) * bundle_multiplier
        if market_access:
            ret = ret * F32(1 + sc.business.market_access_return)
        effects.asset_return[idx] = ret.astype(F32)
    elif kind == "scholarship":
        effects.conditioned[idx] = True
    elif kind == "tutoring":
        gain = F32(p.tutoring.learning_gain / 12.0)
        effects.schooling[idx] += gain * strength
    elif kind == "health_insurance":
        effects.insured[idx] = True
        usable = np.zeros(idx.size, dtype=F32)  # the premium goes to BPJS, not to the household
    elif kind == "clinic":
        cut = np.clip(F32(p.clinic.cost_reduction) * strength, 0, 1)
        effects.oop_factor[idx] = effects.oop_factor[idx] * (F32(1) - cut)
    effects.cash[idx] += usable.astype(F32)
    return paid_in

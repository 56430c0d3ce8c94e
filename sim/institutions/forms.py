"""Forms of cooperation as policy objects, chosen by the scenario's ``cooperation`` section.

Each form is an object with the hooks of the month it changes (money in, fixed costs, after
the households' month); :func:`forms_of` builds the list a scenario switches on, in the order
their hooks run (the order of the ledger's bookings, which the numbers depend on). The
coalition calls every form's hook in turn; it never asks which forms there are. What a form
changes in targeting and delivery (shared lists, divided areas, case management's priority and
bundles, registry access, cheaper delivery, market access) is read by the institutions from the
scenario (``Institution.sharing``, ``registry_access``, ``government_partner``).

A form's hooks loop over ``state.institutions`` (a list in row order) rather than Mesa's
``AgentSet``: forms hold no model, and their ledger bookings must keep the roster order.

Nothing here favours cooperation by construction: every strength (awareness effect, donor
elasticity, learning rate, complementarity) is a parameter whose range includes zero, and every
coordination structure costs money.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from sim.institutions import funding, learning
from sim.institutions.mission import mission_divergence
from sim.institutions.state import CoalitionState
from sim.scenario import Scenario


def coalition_formed(sc: Scenario) -> bool:
    """Whether the scenario forms a coalition at all."""
    c = sc.cooperation
    return (
        c.funding == "pooled"
        or c.alliance_enabled
        or c.knowledge_enabled
        or c.case_management
        or c.information in ("theme", "coalition")
        or c.partnership.government
        or c.partnership.business
    )


def pays_coordination(sc: Scenario) -> bool:
    """Coordination costs come with alliances and pooled funds (forums cost separately)."""
    c = sc.cooperation
    return c.alliance_enabled or c.funding == "pooled" or c.case_management


def coordination_cost(sc: Scenario, group_size: int, divergence: float, scale: float) -> float:
    """Monthly coordination cost of one member of a coalition (rupiah).

    Grows with the number of members (``member_exponent``) and the member's mission
    divergence; a clear work plan cuts it (``work_plan_cut``).
    """
    a = sc.cooperation.alliance
    if group_size < 2:
        return 0.0
    cost = a.coordination_cost * scale * group_size**a.member_exponent
    cost *= 1.0 + a.divergence_weight * divergence
    if a.work_plan:
        cost *= 1.0 - a.work_plan_cut
    return cost


class Form:
    """A form of cooperation: hooks into the institutions' month (each a no-op by default).

    Attributes:
        name: The form's name (as the scenario names it).
        pays_coordination: Whether its members pay coordination costs (:class:`Coordination`).
    """

    name: ClassVar[str] = "form"
    pays_coordination: ClassVar[bool] = False

    def raise_funds(self, m: int, state: CoalitionState) -> None:
        """Money in after the donor market (rupiah booked in ``state.ledger``)."""

    def pay_fixed_costs(self, m: int, state: CoalitionState, reserves: np.ndarray) -> None:
        """Fixed costs of the month (never more than what ``reserves`` leave free)."""

    def after_month(self, m: int, state: CoalitionState) -> None:
        """Work after the households' month (learning, evaluation)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class PooledFund(Form):
    """A pooled fund: one joint campaign, and the pool's money divided among its members.

    The campaign is cheaper and has an awareness effect; the pool divides by need, performance
    or equally (``funding.donor_market``).
    """

    name = "pooled_funding"
    pays_coordination = True


class Alliance(Form):
    """A thematic alliance: members of a theme share a list and may divide areas.

    See ``Institution.sharing`` and ``Coalition.divide_areas``.
    """

    name = "thematic_alliance"
    pays_coordination = True


class CaseManagement(Form):
    """Case management: households other themes serve come first, and bundles work better.

    See ``cooperation.case_management_priority`` and ``delivery.member_bundles``.
    """

    name = "case_management"
    pays_coordination = True


class SharedLists(Form):
    """Shared lists: within a theme or the coalition, or the government registry.

    ``cooperation.information``; read by ``Institution.sharing`` and ``registry_access``.
    """

    name = "information_sharing"


class Coordination(Form):
    """The coordination cost members of an alliance, a pool or case management pay.

    Each member's monthly cost grows with its group's size and its mission's divergence from
    the group (:func:`coordination_cost`); the group is the member's theme in an alliance
    without a pool, else the whole coalition.
    """

    name = "coordination"

    def pay_fixed_costs(self, m: int, state: CoalitionState, reserves: np.ndarray) -> None:
        """Book each member's coordination cost (``spent_coordination``)."""
        sc, L = state.sc, state.ledger
        c = sc.cooperation
        if state.members.sum() < 2:
            return
        by_theme = c.alliance_enabled and c.funding != "pooled"
        for inst in state.institutions:  # row order: the bookings' order
            if not inst.member:
                continue
            group = inst.group(state, by_theme=by_theme)
            if len(group) < 2:
                continue
            div = mission_divergence([j.mission for j in group])
            mine = div[[j.row for j in group].index(inst.row)]
            cost = coordination_cost(sc, len(group), float(mine), state.scale)
            L.spend(
                m, inst.row, "spent_coordination", min(cost, inst.free(state, reserves[inst.row]))
            )


class BusinessPartnership(Form):
    """A private partner: directed CSR money, training and market access for livelihoods.

    The business spends its CSR money in every scenario (``funding.open_csr``); the
    partnership directs ``csr_directed_share`` of it to the livelihood members, in equal
    parts. Training (paid by the member at ``business.training_cost`` per trainee) and market
    access act on the members' graduation beneficiaries (``Institution.business_services``).

    Args:
        partner: The business (``partners.PrivatePartner``).
    """

    name = "business_partnership"

    def __init__(self, partner: Any) -> None:
        self.partner = partner

    def raise_funds(self, m: int, state: CoalitionState) -> None:
        """The month's directed CSR, shared equally by the livelihood members (``raised_csr``)."""
        members = state.members
        liv = [i for i in state.institutions if members[i.row] and i.spec.theme == "livelihoods"]
        directed = funding.directed_csr(state)
        if directed <= 0:
            return
        for inst in liv:
            state.ledger.raise_(m, inst.row, "raised_csr", directed / len(liv))


class GovernmentPartnership(Form):
    """The government as a partner: co-funding, registry access, cheaper delivery.

    Args:
        government: The government (``partners.Government``).
    """

    name = "government_partnership"

    def __init__(self, government: Any) -> None:
        self.government = government

    def raise_funds(self, m: int, state: CoalitionState) -> None:
        """Matching funds for each member's direct spend last month (``raised_gov``)."""
        members = state.members
        for inst in state.institutions:
            if members[inst.row]:
                amount = self.government.cofunding(state.sc, state.direct_spend_last[inst.row])
                if amount > 0:
                    state.ledger.raise_(m, inst.row, "raised_gov", amount)


class KnowledgeExchange(Form):
    """Members meet in forums (a cost) and close part of the gap to the best practice."""

    name = "knowledge_exchange"

    def pay_fixed_costs(self, m: int, state: CoalitionState, reserves: np.ndarray) -> None:
        """Each member's forum cost in a forum month (``spent_coordination``)."""
        k = state.sc.cooperation.knowledge
        if m % k.interval_months != 0 or state.members.sum() < 2:
            return
        for inst in state.institutions:
            if inst.member:
                cost = k.forum_cost * state.scale
                free = inst.free(state, reserves[inst.row])
                state.ledger.spend(m, inst.row, "spent_coordination", min(cost, free))

    def after_month(self, m: int, state: CoalitionState) -> None:
        """Members learn from the best member's practice (``learning.learn``)."""
        k = state.sc.cooperation.knowledge
        if m % k.interval_months != 0:
            return
        q = learning.learn(
            np.array([i.quality for i in state.institutions]), state.members, k.learning_rate
        )
        for inst in state.institutions:
            inst.quality = float(q[inst.row])


class Monitoring(Form):
    """Monitoring and evaluation: a noisy measure of each institution's cost-effectiveness.

    A share of direct spending pays for it; donors then follow it (``Institution.evaluate``).
    """

    name = "monitoring"

    def pay_fixed_costs(self, m: int, state: CoalitionState, reserves: np.ndarray) -> None:
        """Each institution's M&E cost in an evaluation month (``spent_monitoring``)."""
        mon = state.sc.cooperation.monitoring
        if m % mon.interval_months != 0:
            return
        for inst in state.institutions:
            cost = mon.cost_share * state.direct_spend_period[inst.row]
            free = inst.free(state, reserves[inst.row])
            state.ledger.spend(m, inst.row, "spent_monitoring", min(cost, free))
        state.direct_spend_period[:] = 0.0  # this month's delivery opens the next period

    def after_month(self, m: int, state: CoalitionState) -> None:
        """Measure every institution's performance; its reputation follows."""
        mon = state.sc.cooperation.monitoring
        if m % mon.interval_months != 0:
            return
        insts = state.institutions
        true = learning.true_performance(
            np.array([i.quality for i in insts]),
            np.array([i.spec.delivery_cost_factor for i in insts]),
            np.array([i.spec.overhead_share for i in insts]),
        )
        draws = state.streams.normal("monitoring", m, len(insts)).astype(np.float64)
        measured = learning.measured_performance(true, mon.measurement_noise, draws)
        for inst in insts:
            inst.evaluate(float(measured[inst.row]), mon.reputation_weight)


def forms_of(sc: Scenario, government: Any, partner: Any) -> list[Form]:
    """The forms of cooperation ``sc`` switches on, in the order their hooks run.

    Args:
        sc: The scenario.
        government: The government agent (for :class:`GovernmentPartnership`).
        partner: The private partner agent (for :class:`BusinessPartnership`).
    """
    c = sc.cooperation
    forms: list[Form] = []
    if c.funding == "pooled":
        forms.append(PooledFund())
    if c.alliance_enabled:
        forms.append(Alliance())
    if c.case_management:
        forms.append(CaseManagement())
    if c.information in ("theme", "coalition", "registry"):
        forms.append(SharedLists())
    if any(f.pays_coordination for f in forms):
        forms.append(Coordination())
    if c.partnership.business:
        forms.append(BusinessPartnership(partner))
    if c.partnership.government:
        forms.append(GovernmentPartnership(government))
    if c.knowledge_enabled:
        forms.append(KnowledgeExchange())
    if c.monitoring_enabled:
        forms.append(Monitoring())
    return forms

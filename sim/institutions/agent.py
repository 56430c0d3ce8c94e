"""A social institution: an NGO, foundation, zakat body or charity (a Mesa agent).

Each institution has a theme and one programme; in its month it raises money, pays its fixed
costs, surveys households through its own noisy view (or a shared or the government's
registry), selects and enrols households within money and capacity, delivers, and keeps
accounts; after the households' month it updates its trust in the coalition (and may leave)
and is evaluated. The coalition (``sim.institutions.coalition``) calls these verbs through
Mesa's ``AgentSet``; every method takes the shared state (``CoalitionState``) explicitly.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import programs
from sim.institutions import survey as views
from sim.institutions import targeting
from sim.institutions.mission import mission_vector
from sim.institutions.state import CoalitionState, enrolled
from sim.kernels.sorting import stable_argsort
from sim.programs import Effects
from sim.scenario import Institution as InstitutionSpec
from sim.scenario import Scenario
from sim.world.measurement import surveyed_consumption

F32 = np.float32
FIXED_COST_BUFFER_MONTHS = 3
"""Months of fundraising an institution keeps free before enrolling more households."""


class Institution(mesa.Agent):
    """A social institution with a theme, a programme, money and a view of households.

    Args:
        model: The model it belongs to.
        spec: The scenario's description of it.
        row: Its row in the shared arrays and the ledger (roster order).
        sc: The scenario (trust's starting value, the sub-districts).

    Attributes:
        spec: The scenario's description (budget, costs, capacity, reach, mission...).
        row: Index of the institution in the shared arrays and ledger.
        quality: Practice quality (moves with knowledge exchange).
        trust: Trust in the coalition (0-1).
        member: Currently a coalition member.
        reputation: What donors believe of its cost-effectiveness (starts at transparency).
        performance: Last measured relative cost-effectiveness (1 until evaluated).
        reach: Sub-districts it can work in.
        area: Sub-districts it works in (after any division of areas).
        mission: Weights over themes and areas (``mission.mission_vector``).
    """

    def __init__(self, model: mesa.Model, spec: InstitutionSpec, row: int, sc: Scenario) -> None:
        super().__init__(model)
        self.spec = spec
        self.row = row
        self.quality = float(spec.practice_quality)
        self.trust = float(sc.cooperation.trust.initial)
        self.member = False
        self.reputation = float(spec.transparency)
        self.performance = 1.0
        n_sub = sc.population.subdistricts
        self.reach = np.zeros(n_sub, dtype=bool)
        self.reach[spec.reach if spec.reach else slice(None)] = True
        self.area = self.reach.copy()
        urban_share = float(
            np.mean(np.arange(n_sub)[self.reach] < sc.population.urban_subdistricts)
        )
        self.mission = mission_vector(spec.theme, spec.mission, urban_share)

    @property
    def kind(self) -> str:
        """Programme kind it runs."""
        return self.spec.programme

    # -- how it works with others -----------------------------------------------------------
    def government_partner(self, state: CoalitionState) -> bool:
        """Whether it works with the government (a member under a government partnership)."""
        return state.sc.cooperation.partnership.government and self.member

    def registry_access(self, state: CoalitionState) -> bool:
        """Whether it reads the government's social registry."""
        shared = state.sc.cooperation.partnership.registry and self.government_partner(state)
        return state.sc.cooperation.information == "registry" or shared

    def sharing(self, state: CoalitionState) -> str:
        """The information regime it works under now: private, theme or coalition."""
        if not self.member:
            return "private"
        info = state.sc.cooperation.information
        if info == "registry":
            info = "private"  # own survey, combined with the registry in survey()
        alliance = state.sc.cooperation.alliance_enabled
        if info == "private" and alliance and state.sc.cooperation.alliance.share_lists:
            return "theme"  # an alliance shares a beneficiary registry within its theme
        return info

    def group(self, state: CoalitionState, by_theme: bool) -> list[Institution]:
        """The members it works with (of its theme when ``by_theme``), itself included."""
        return [
            j
            for j in state.institutions
            if j.member and (not by_theme or j.spec.theme == self.spec.theme)
        ]

    def business_services(self, state: CoalitionState) -> bool:
        """Whether its graduation beneficiaries get the business's training and market access."""
        return (
            state.sc.cooperation.partnership.business and self.member and self.kind == "graduation"
        )

    def training_cost(self, state: CoalitionState) -> float:
        """The business training's cost per new graduation beneficiary (rupiah; 0 without)."""
        b = state.sc.business
        if b.training_skill > 0 and self.business_services(state):
            return float(b.training_cost)
        return 0.0

    def delivery_cost(self, sc: Scenario, government_partner: bool) -> float:
        """Delivery cost per beneficiary household per month (rupiah)."""
        cost = programs.design(sc, self.kind).delivery_cost * self.spec.delivery_cost_factor
        if government_partner:
            cost *= 1.0 - sc.cooperation.partnership.infrastructure_cut
        return cost

    # -- money ------------------------------------------------------------------------------
    def remaining_cost(
        self,
        state: CoalitionState,
        idx: np.ndarray,
        months_left: np.ndarray,
        months_in: np.ndarray,
    ) -> np.ndarray:
        """Cost still to pay for households ``idx`` (rupiah each, before overhead)."""
        sc, hh = state.sc, state.households
        p = sc.programmes
        delivery = self.delivery_cost(sc, self.government_partner(state)) * months_left
        kind = self.kind
        if kind == "cash_transfer":
            money = p.cash_transfer.amount * months_left
        elif kind == "graduation":
            g = p.graduation
            support = g.support_amount * np.clip(g.support_months - months_in, 0, None)
            first = g.asset_value + self.training_cost(state)
            money = support + np.where(months_in == 0, first, 0.0)
        elif kind == "scholarship":
            money = hh.n_enrolled[idx] * p.scholarship.amount_per_child * months_left
        elif kind == "health_insurance":
            money = (
                programs.members_at(hh, idx) * p.health_insurance.premium_per_person * months_left
            )
        else:
            money = np.zeros(idx.shape[0])
        return (money + delivery).astype(np.float64)

    def reserve(self, state: CoalitionState) -> float:
        """Money committed to current beneficiaries (rupiah, overhead included)."""
        r = self.row
        idx = enrolled(state, r)
        if idx.size == 0:
            return 0.0
        cost = self.remaining_cost(state, idx, state.months_left[r, idx], state.months_in[r, idx])
        w = state.households.weight[idx].astype(np.float64)
        return float((cost * w).sum() * (1.0 + self.spec.overhead_share))

    def free(self, state: CoalitionState, reserve: float) -> float:
        """Money beyond ``reserve`` (rupiah; never negative)."""
        return max(state.ledger.available(self.row) - reserve, 0.0)

    def receive_budget(self, m: int, state: CoalitionState) -> None:
        """Book its opening budget (the first month)."""
        state.ledger.raise_(m, self.row, "raised_budget", self.spec.budget * state.scale)

    def raise_funds(
        self, m: int, state: CoalitionState, reserves: np.ndarray, in_pool: np.ndarray
    ) -> float:
        """Spend on fundraising (through the pool's campaign when ``in_pool[row]``).

        What the spend wins is decided in the donor market (``funding.donor_market``).

        Args:
            m: Month.
            state: The shared state.
            reserves: Money each institution has committed (rupiah, by row).
            in_pool: Institutions fundraising through the pool (by row).

        Returns:
            The spend (rupiah).
        """
        want = self.spec.fundraising_effort * state.scale
        if in_pool[self.row]:
            want *= state.sc.cooperation.pool.campaign_cost_share
        free = self.free(state, reserves[self.row])
        return state.ledger.spend(m, self.row, "spent_fundraising", min(want, free))

    # -- survey, select, enrol --------------------------------------------------------------
    def survey(self, m: int, state: CoalitionState) -> np.ndarray:
        """Its estimate of log per-capita consumption for every household (float32).

        Its own survey (noise ``targeting_noise``), pooled with partners' surveys when lists
        are shared (the noise of the institutions that surveyed a household is averaged), and
        combined with the government registry when it has access (precision-weighted; the
        registry's PMT error is ``registry.noise_sd`` but its scores are as old as its last
        update).

        Institutions that share lists see the same pooled survey: within one enrolment round
        (households do not change between the institutions' enrolments) the view of a sharing
        group is computed once and reused, with the same draws and the same arithmetic as if
        each member recomputed it (so results do not depend on the reuse).
        """
        hh = state.households
        sharing = self.sharing(state)
        access = self.registry_access(state)
        cache = state.views
        if cache is None or cache["month"] != m:
            cache = state.views = {"month": m, "views": {}}
        key: tuple | None = None
        group = None
        if sharing != "private":
            group = self.group(state, by_theme=sharing == "theme")
            key = (sharing, tuple(j.row for j in group), access)
            if key in cache["views"]:
                return cache["views"][key]
        if "truth" not in cache:
            # what a survey records this month (sim.world.measurement); own noise on top
            measured = surveyed_consumption(state.sc, hh, state.streams, m) / hh.members
            cache["truth"] = np.log(np.maximum(measured, F32(1)))
        view = self._view(m, state, cache["truth"], group, access)
        if key is not None:
            cache["views"][key] = view
        return view

    def _view(
        self,
        m: int,
        state: CoalitionState,
        truth: np.ndarray,
        group: list[Institution] | None,
        access: bool,
    ) -> np.ndarray:
        """The own (``group`` None) or pooled survey, combined with the registry if ``access``.

        The variance and count of the pooled surveys depend on a household only through its
        sub-district: they are computed per sub-district, with the float32 operations of a
        per-household computation, in the same order.
        """
        hh, streams = state.households, state.streams
        reg_var = F32(state.sc.government.registry.noise_sd) ** 2
        if group is None:
            noise = streams.normal(f"survey.{self.spec.name}", m, hh.n)
            sd = F32(self.spec.targeting_noise)
            own_var = np.full(1, sd**2)
            weight = reg_var / (reg_var + np.maximum(own_var, F32(1e-6)))
            other = F32(1) - weight
            return views.private_view(
                truth, noise, sd, weight[0], other[0], hh.registry_score, bool(access)
            )
        n_sub = state.sc.population.subdistricts
        total = np.zeros(hh.n, dtype=F32)
        var = np.zeros(n_sub, dtype=F32)
        count = np.zeros(n_sub, dtype=F32)
        for j in group:
            noise = streams.normal(f"survey.{j.spec.name}", m, hh.n)
            sd = F32(j.spec.targeting_noise)
            views.survey_add(total, noise, hh.subdistrict, np.where(j.reach, sd, F32(0)))
            var += np.where(j.reach, sd * sd, F32(0))
            count += j.reach
        count = np.maximum(count, F32(1))
        own_var = var / (count * count)
        weight = reg_var / (reg_var + np.maximum(own_var, F32(1e-6)))
        other = F32(1) - weight
        return views.pooled_view(
            truth, total, hh.subdistrict, count, weight, other, hh.registry_score, bool(access)
        )

    def select(
        self, state: CoalitionState, view: np.ndarray, log_line: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Candidate households of an enrolment round and their scores (lower first).

        Candidates live in its area, pass what it sees for sure, are not excluded (served by
        it or by partners whose lists it sees, of its theme or kind; ever enrolled, for
        graduation; on the government's programme of the same kind, when it reads the
        registry) and their view is below ``log_line``. Case management takes
        ``cooperation.case_management_priority`` off the score of households other themes serve.

        Returns:
            Candidate indices (int64, ascending) and scores (float32).
        """
        if len(state.institutions) > targeting.MAX_BITS:
            return self._select_by_masks(state, view, log_line)
        sc, hh = state.sc, state.households
        if state.bits is None:
            state.bits = targeting.active_bits(state.months_left)
        excluded = 1 << self.row
        sharing = self.sharing(state)
        if sharing in ("theme", "coalition"):
            for j in self.group(state, by_theme=sharing == "theme"):
                if j.spec.theme == self.spec.theme or j.kind == self.kind:
                    excluded |= 1 << j.row
        access = self.registry_access(state)
        gov = targeting.gov_code(self.kind) if access else targeting.GOV_NONE
        bonus = bool(sc.cooperation.case_management and self.member)
        below = None
        if sharing != "private":  # a view shared within the round: screen it once
            key = (id(view), id(log_line))
            hit = state.below.get(key)
            if hit is None or hit[0] is not view or hit[1] is not log_line:
                hit = (view, log_line, targeting.below_line(view, log_line))
                state.below[key] = hit
            below = hit[2]
        other = 0
        for j in state.institutions:
            if j.member and j.spec.theme != self.spec.theme:
                other |= 1 << j.row
        return targeting.candidates(
            view,
            log_line,
            hh.subdistrict,
            self.area,
            targeting.observable_code(self.kind),
            hh.n_school,
            hh.insured,
            state.bits,
            np.uint64(excluded),
            state.ever[self.row],
            self.kind == "graduation",
            gov,
            hh.pkh,
            hh.bpnt,
            hh.pbi,
            np.uint64(other),
            bonus,
            F32(state.sc.cooperation.case_management_priority),
            np.zeros(0, dtype=np.int64) if below is None else below,
            below is not None,
        )

    def _select_by_masks(
        self, state: CoalitionState, view: np.ndarray, log_line: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`select` by household masks (rosters beyond ``targeting.MAX_BITS``)."""
        hh, active = state.households, state.months_left > 0
        out = active[self.row].copy()
        if self.kind == "graduation":
            out |= state.ever[self.row]
        sharing = self.sharing(state)
        if sharing in ("theme", "coalition"):
            for j in self.group(state, by_theme=sharing == "theme"):
                if j.spec.theme == self.spec.theme or j.kind == self.kind:
                    out |= active[j.row]
        if self.registry_access(state):
            out |= programs.government_same_kind(self.kind, hh)
        cand = (
            self.area[hh.subdistrict]
            & programs.observable_filter(self.kind, hh, hh.insured)
            & ~out
            & (view < log_line)
        )
        idx = np.flatnonzero(cand)
        score = view[idx]
        if state.sc.cooperation.case_management and self.member:
            others = np.zeros(hh.n, dtype=bool)
            for j in state.institutions:
                if j.member and j.spec.theme != self.spec.theme:
                    others |= active[j.row]
            bonus = F32(state.sc.cooperation.case_management_priority)
            score = score - np.where(others[idx], bonus, F32(0))
        return idx, score

    def enrol(self, m: int, state: CoalitionState) -> None:
        """An enrolment round: survey, select, and admit the best candidates who take up."""
        sc, hh = state.sc, state.households
        d = programs.design(sc, self.kind)
        free = self.free(state, self.reserve(state))
        free -= FIXED_COST_BUFFER_MONTHS * self.spec.fundraising_effort * state.scale
        current = float(hh.weight[enrolled(state, self.row)].sum())
        room = self.spec.capacity * state.scale - current
        if free <= 0 or room <= 0:
            return
        view = self.survey(m, state)
        idx, score = self.select(state, view, state.log_line(d.eligibility_line_multiple))
        if idx.size == 0:
            return
        self.admit(m, state, idx[stable_argsort(score)], free, room)

    def admit(
        self, m: int, state: CoalitionState, idx: np.ndarray, free: float, room: float
    ) -> None:
        """Enrol candidates ``idx`` (in priority order) who take up, within money and room.

        Args:
            m: Month.
            state: The shared state (enrolment rows written).
            idx: Candidate households, best first.
            free: Money free for new enrolments (rupiah).
            room: Capacity left (households represented).
        """
        sc, hh = state.sc, state.households
        r = self.row
        d = programs.design(sc, self.kind)
        accept = state.streams.uniform_of(f"takeup.{self.spec.name}", m, idx) < d.take_up
        idx = idx[accept]
        if idx.size == 0:
            return
        months = np.full(idx.size, d.duration_months)
        cost = self.remaining_cost(state, idx, months, np.zeros(idx.size, dtype=np.int16))
        w = hh.weight[idx].astype(np.float64)
        cum_cost = np.cumsum(cost * w * (1.0 + self.spec.overhead_share))
        cum_hh = np.cumsum(w)
        k = int(
            min(
                np.searchsorted(cum_cost, free, side="right"),
                np.searchsorted(cum_hh, room, side="right"),
            )
        )
        take = idx[:k]
        state.months_left[r, take] = d.duration_months
        state.row_changed(r)
        if state.bits is not None:
            if d.duration_months > 0:
                targeting.set_bit(state.bits, take, r)
            else:  # pragma: no cover - a programme lasts at least a month
                state.bits = None
        state.months_in[r, take] = 0
        state.ever[r, take] = True
        state.eligible_at_entry[r, take] = programs.eligible(
            sc, self.kind, hh, state.lines, idx=take
        )

    # -- deliver ----------------------------------------------------------------------------
    def deliver(
        self,
        m: int,
        state: CoalitionState,
        effects: Effects,
        bundles: dict[int, np.ndarray],
        prior: dict[str, np.ndarray],
    ) -> None:
        """Pay this month's programme costs and add its enrolments' effects.

        Works on its enrolled households by index: every household-level operation
        (:func:`programs.apply_enrolment_at`) is elementwise over them, and every sum is over
        arrays of the enrolled households in index order.

        Args:
            m: Month.
            state: The shared state.
            effects: The month's programme effects on households (added to).
            bundles: Case management's multiplier at each member's enrolled households.
            prior: Per kind, households already receiving that kind this month (the
                government's programme, or an institution delivered earlier in the month);
                updated in place.
        """
        sc, hh, L = state.sc, state.households, state.ledger
        r = self.row
        idx = enrolled(state, r)
        mult = bundles[r] if self.member else np.ones(idx.size, dtype=F32)
        state.direct_spend_last[r] = 0.0
        if idx.size == 0:
            return
        # pay this month's costs; drop enrolments the balance cannot carry (never overspend)
        kind = self.kind
        w_idx = hh.weight[idx].astype(np.float64)
        money = programs.monthly_transfer(sc, kind, hh, state.months_in[r, idx], idx=idx)
        money = money.astype(np.float64)
        delivery = self.delivery_cost(sc, self.government_partner(state))
        training = self.training_cost(state)
        if training > 0:  # the business training, paid with the first month
            delivery = delivery + np.where(state.months_in[r, idx] == 0, training, 0.0)
        due = (money + delivery) * w_idx * (1.0 + self.spec.overhead_share)
        if due.sum() > L.available(r):
            order = np.argsort(state.streams.uniform_of(f"drop.{self.spec.name}", m, idx))
            keep = np.zeros(idx.size, dtype=bool)
            keep[order[np.cumsum(due[order]) <= L.available(r)]] = True
            state.months_left[r, idx[~keep]] = 0
            state.row_changed(r)
            idx = idx[keep]
            w_idx = w_idx[keep]
            mult = mult[keep]
            if not np.isscalar(delivery):
                delivery = delivery[keep]
        if idx.size == 0:
            return
        same = prior.get(kind)
        if same is None:
            same = programs.government_same_kind(kind, hh).copy()
            prior[kind] = same
        paid = programs.apply_enrolment_at(
            sc,
            kind,
            hh,
            idx,
            state.months_in[r, idx],
            same[idx],
            self.quality,
            mult,
            effects,
            market_access=self.business_services(state),
        )
        same[idx] = True  # prior | active, in place (this kind's own array)
        self._book_delivery(m, state, idx, paid, w_idx, delivery)

    def _book_delivery(
        self,
        m: int,
        state: CoalitionState,
        idx: np.ndarray,
        paid: np.ndarray,
        w_idx: np.ndarray,
        delivery: float | np.ndarray,
    ) -> None:
        """Book what was paid and delivered, inject the money, count the months.

        ``delivery`` is rupiah per household this month: one figure, or one per household of
        ``idx`` when the business training is paid with some first months.
        """
        L, r, hh = state.ledger, self.row, state.households
        transfers = float((paid * w_idx).sum())
        if np.isscalar(delivery):
            delivered = delivery * float(w_idx.sum())
        else:
            delivered = float((delivery * w_idx).sum())
        L.spend(m, r, "spent_transfers", transfers)
        L.spend(m, r, "spent_delivery", delivered)
        L.spend(m, r, "spent_overhead", (transfers + delivered) * self.spec.overhead_share)
        state.direct_spend_last[r] = transfers + delivered
        state.direct_spend_period[r] += transfers + delivered
        if self.kind != "health_insurance":  # premiums go to BPJS, not into the local economy
            state.injected += np.bincount(
                hh.subdistrict[idx], weights=paid * w_idx, minlength=state.injected.size
            )
        state.months_in[r, idx] += 1
        state.months_left[r, idx] -= 1
        state.row_changed(r)

    # -- after the month --------------------------------------------------------------------
    def update_trust(self, trust: np.ndarray, stays: np.ndarray) -> None:
        """Take its trust in the coalition (``trust[row]``); leave unless ``stays[row]``."""
        self.trust = float(trust[self.row])
        if not stays[self.row]:
            self.leave()

    def leave(self) -> None:
        """Leave the coalition (it keeps its enrolments and works alone)."""
        self.member = False

    def evaluate(self, performance: float, weight: float) -> None:
        """Take an evaluation's measured performance; donors' belief moves towards it.

        Args:
            performance: Measured cost-effectiveness relative to the roster.
            weight: Weight of the evaluation in the new reputation
                (``cooperation.monitoring.reputation_weight``).
        """
        self.performance = performance
        # donors learn what evaluation reveals: money follows it
        self.reputation = (1.0 - weight) * self.reputation + (
            weight * self.spec.transparency * self.performance
        )

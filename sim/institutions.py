"""Institution agents and the monthly work of the institutional sector.

Agents (``mesa.Agent``, few, each with its own state):

* ``SocialInstitution``: an NGO, foundation, zakat body or charity with a theme and one
  programme; it raises money, screens households through its own noisy view (or a shared or the
  government's registry), enrols them within budget and capacity, delivers, and keeps accounts.
* ``Government``: the social registry and background programmes (in the household world),
  co-funding of partners and infrastructure that lowers their delivery cost.
* ``PrivatePartner``: CSR funds, training and market access for livelihood programmes.

``Sector`` runs a month of the institutions in a fixed order (money in, fixed costs, enrolment
and delivery; after the households' month: trust, learning, evaluation) and hands the model the
programmes' ``Effects`` on households. Institutions act on households only through vectorised
reads and writes of the household arrays; the loop is over institutions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim import cooperation as coop
from sim import programs
from sim.households import Households
from sim.ledger import Ledger
from sim.programs import Effects
from sim.scenario import Institution as InstitutionSpec
from sim.scenario import Scenario
from sim.weightsums import WeightSums

if TYPE_CHECKING:
    from sim.model import PovertyModel

F32 = np.float32
ENROLMENT_INTERVAL = 3
"""Months between enrolment rounds (quarterly programme cycles)."""
FIXED_COST_BUFFER_MONTHS = 3
"""Months of fundraising an institution keeps free before enrolling more households."""


class SocialInstitution(mesa.Agent):
    """A social institution with a theme, a programme, money and a view of households.

    Attributes:
        spec: The scenario's description (budget, costs, capacity, reach, mission...).
        row: Index of the institution in the sector's arrays and ledger.
        quality: Practice quality (moves with knowledge exchange).
        trust: Trust in the coalition (0-1).
        member: Currently a coalition member.
        reputation: What donors believe of its cost-effectiveness (starts at transparency).
        performance: Last measured relative cost-effectiveness (1 until evaluated).
        area: Sub-districts it works in (after any division of areas).
    """

    def __init__(self, model: PovertyModel, spec: InstitutionSpec, row: int) -> None:
        super().__init__(model)
        self.spec = spec
        self.row = row
        sc = model.config
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
        self.mission = coop.mission_vector(spec.theme, spec.mission, urban_share)

    @property
    def kind(self) -> str:
        """Programme kind it runs."""
        return self.spec.programme

    def delivery_cost(self, sc: Scenario, government_partner: bool) -> float:
        """Delivery cost per beneficiary household per month (rupiah)."""
        cost = programs.design(sc, self.kind).delivery_cost * self.spec.delivery_cost_factor
        if government_partner:
            cost *= 1.0 - sc.cooperation.partnership.infrastructure_cut
        return cost


class Government(mesa.Agent):
    """The government as a partner: registry access, co-funding, infrastructure."""

    def cofunding(self, sc: Scenario, direct_spend: float) -> float:
        """Matching funds for a partner's direct programme spend last month (rupiah)."""
        return sc.cooperation.partnership.cofunding_share * direct_spend


class PrivatePartner(mesa.Agent):
    """A business partner: CSR funds, training and market access for livelihoods."""

    def csr_funds(self, sc: Scenario, scale: float) -> float:
        """CSR money for the month (rupiah)."""
        return sc.business.csr_funds * scale


class Sector:
    """All institutions of a run, their enrolments and their accounts.

    Args:
        model: The model (its households, streams and scenario).
    """

    def __init__(self, model: PovertyModel) -> None:
        sc = model.config
        self.model = model
        self.sc = sc
        self.scale = sc.population.households_represented / 1000.0
        self.institutions = [SocialInstitution(model, s, k) for k, s in enumerate(sc.institutions)]
        self.government = Government(model)
        self.business = PrivatePartner(model)
        n_inst, n = len(self.institutions), model.households.n
        self.months_left = np.zeros((n_inst, n), dtype=np.int16)
        self.months_in = np.zeros((n_inst, n), dtype=np.int16)
        self.ever = np.zeros((n_inst, n), dtype=bool)
        self.eligible_at_entry = np.zeros((n_inst, n), dtype=bool)
        self.ledger = Ledger([i.spec.name for i in self.institutions], sc.months)
        self.direct_spend_last = np.zeros(n_inst)
        self.direct_spend_period = np.zeros(n_inst)
        self.spend_total = 0.0
        self.spend_direct = 0.0
        self.formed = coop.coalition_formed(sc) and n_inst > 0
        for inst in self.institutions:
            inst.member = self.formed and inst.spec.coalition
        if sum(i.member for i in self.institutions) < 2:
            for inst in self.institutions:
                inst.member = False
        self._divide_areas()
        self.history: list[dict[str, np.ndarray]] = []
        self.injected = np.zeros(sc.population.subdistricts)
        self._view_cache: dict | None = None  # views of sharing groups within one round
        self._log_lines: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        self._weight_sums: tuple[np.ndarray, WeightSums] | None = None

    # ----------------------------------------------------------------------------------------
    @property
    def members(self) -> np.ndarray:
        """Membership mask over institutions."""
        return np.array([i.member for i in self.institutions], dtype=bool)

    def _government_partner(self, inst: SocialInstitution) -> bool:
        return self.sc.cooperation.partnership.government and inst.member

    def _registry_access(self, inst: SocialInstitution) -> bool:
        return self.sc.cooperation.information == "registry" or self._government_partner(inst)

    def _sharing(self, inst: SocialInstitution) -> str:
        """The information regime this institution works under now."""
        if not inst.member:
            return "private"
        info = self.sc.cooperation.information
        if info == "registry":
            info = "private"  # own survey, combined with the registry in _view
        if info == "private" and self.sc.cooperation.alliance_enabled:
            return "theme"  # an alliance shares a beneficiary registry within its theme
        return info

    def _group(self, inst: SocialInstitution, by_theme: bool) -> list[SocialInstitution]:
        return [
            j
            for j in self.institutions
            if j.member and (not by_theme or j.spec.theme == inst.spec.theme)
        ]

    def _divide_areas(self) -> None:
        """Alliances divide areas: each shared sub-district goes to one member of the theme."""
        c = self.sc.cooperation
        for inst in self.institutions:
            inst.area = inst.reach.copy()
        if not (c.alliance_enabled and c.alliance.divide_areas):
            return
        for theme in coop.THEMES:
            group = [i for i in self.institutions if i.member and i.spec.theme == theme]
            if len(group) < 2:
                continue
            counts = np.zeros(len(group))
            for inst in group:
                inst.area[:] = False
            for sub in range(self.sc.population.subdistricts):
                able = [k for k, i in enumerate(group) if i.reach[sub]]
                if not able:
                    continue
                k = min(able, key=lambda j: (counts[j], j))
                group[k].area[sub] = True
                counts[k] += 1

    # ----------------------------------------------------------------------------------------
    def remaining_cost(
        self,
        inst: SocialInstitution,
        idx: np.ndarray,
        months_left: np.ndarray,
        months_in: np.ndarray,
    ) -> np.ndarray:
        """Cost still to pay for households ``idx`` (rupiah each, before overhead)."""
        sc, hh = self.sc, self.model.households
        p = sc.programmes
        delivery = inst.delivery_cost(sc, self._government_partner(inst)) * months_left
        kind = inst.kind
        if kind == "cash_transfer":
            money = p.cash_transfer.amount * months_left
        elif kind == "graduation":
            g = p.graduation
            support = g.support_amount * np.clip(g.support_months - months_in, 0, None)
            money = support + np.where(months_in == 0, g.asset_value, 0.0)
        elif kind == "scholarship":
            money = hh.n_enrolled[idx] * p.scholarship.amount_per_child * months_left
        elif kind == "health_insurance":
            money = hh.members[idx] * p.health_insurance.premium_per_person * months_left
        else:
            money = np.zeros(idx.shape[0])
        return (money + delivery).astype(np.float64)

    def reserve(self, inst: SocialInstitution) -> float:
        """Money committed to current beneficiaries (rupiah, overhead included)."""
        r = inst.row
        idx = np.flatnonzero(self.months_left[r] > 0)
        if idx.size == 0:
            return 0.0
        cost = self.remaining_cost(inst, idx, self.months_left[r, idx], self.months_in[r, idx])
        w = self.model.households.weight[idx].astype(np.float64)
        return float((cost * w).sum() * (1.0 + inst.spec.overhead_share))

    # ----------------------------------------------------------------------------------------
    def month(self, m: int) -> tuple[Effects, np.ndarray]:
        """Run the institutions' month before the households' month.

        Returns:
            The programmes' effects on households and the money injected per sub-district.
        """
        sc, hh = self.sc, self.model.households
        L = self.ledger
        L.open_month(m)
        effects = Effects.none(hh.n)
        self.injected = np.zeros(sc.population.subdistricts)
        if not self.institutions:
            L.close_month(m)
            return effects, self.injected
        if m == 1:
            for inst in self.institutions:
                L.raise_(m, inst.row, "raised_budget", inst.spec.budget * self.scale)
        reserves = np.array([self.reserve(i) for i in self.institutions])
        self._raise_money(m, reserves)
        self._fixed_costs(m, reserves)
        if (m - 1) % ENROLMENT_INTERVAL == 0:
            for inst in self.institutions:
                self._enrol(m, inst)
            self._view_cache = None  # households change before the next round
        self._deliver(m, effects)
        L.close_month(m)
        return effects, self.injected

    def _free(self, inst: SocialInstitution, reserve: float) -> float:
        return max(self.ledger.available(inst.row) - reserve, 0.0)

    def _raise_money(self, m: int, reserves: np.ndarray) -> None:
        sc, L = self.sc, self.ledger
        c = sc.cooperation
        pooled = c.funding == "pooled"
        n = len(self.institutions)
        spend = np.zeros(n)  # fundraising spend counted in the donor market
        in_pool = np.zeros(n, dtype=bool)
        for inst in self.institutions:
            r = inst.row
            in_pool[r] = pooled and inst.member
            want = inst.spec.fundraising_effort * self.scale
            if in_pool[r]:
                want *= c.pool.campaign_cost_share
            spend[r] = L.spend(m, r, "spent_fundraising", min(want, self._free(inst, reserves[r])))
        campaign = spend[in_pool].sum() * (1.0 + c.pool.awareness_effect)
        effective = spend[~in_pool].sum() + campaign
        giving = coop.total_giving(sc, m, effective, self.scale)
        rep = np.array([i.reputation for i in self.institutions])
        zakat_ok = np.array([i.spec.zakat_eligible for i in self.institutions])
        need = self._need()
        perf = np.array([i.performance for i in self.institutions])
        alloc = coop.pool_allocation(c.pool.allocation, in_pool, need, perf)
        for part, column, eligible in (
            (giving * sc.donors.zakat_share, "raised_zakat", zakat_ok),
            (giving * (1 - sc.donors.zakat_share), "raised_donors", np.ones(n, dtype=bool)),
        ):
            # fundraising units: independent institutions, and the pool as one unit
            units_spend = list(np.where(~in_pool & eligible, spend, 0.0))
            units_rep = list(np.where(~in_pool & eligible, rep, 0.0))
            pool_eligible = in_pool & eligible
            if pool_eligible.any():
                units_spend.append(campaign)
                units_rep.append(float(rep[pool_eligible].mean()))
            shares = coop.contest_shares(
                np.array(units_spend), np.array(units_rep), sc.donors.share_exponent
            )
            for inst in self.institutions:
                if not in_pool[inst.row] and shares[inst.row] > 0:
                    L.raise_(m, inst.row, column, part * shares[inst.row])
            if pool_eligible.any():
                pool_money = part * shares[-1]
                pool_shares = alloc * pool_eligible
                if pool_shares.sum() > 0:
                    pool_shares = pool_shares / pool_shares.sum()
                    for inst in self.institutions:
                        if pool_shares[inst.row] > 0:
                            L.raise_(m, inst.row, "raised_pool", pool_money * pool_shares[inst.row])
        partners = self.members
        if c.partnership.business:
            liv = [
                i for i in self.institutions if partners[i.row] and i.spec.theme == "livelihoods"
            ]
            for inst in liv:
                L.raise_(
                    m, inst.row, "raised_csr", self.business.csr_funds(sc, self.scale) / len(liv)
                )
        if c.partnership.government:
            for inst in self.institutions:
                if partners[inst.row]:
                    amount = self.government.cofunding(sc, self.direct_spend_last[inst.row])
                    if amount > 0:
                        L.raise_(m, inst.row, "raised_gov", amount)

    def _need(self) -> np.ndarray:
        """Poor persons in each institution's area (what 'allocation by need' divides by)."""
        hh = self.model.households
        poor_persons = np.bincount(
            hh.subdistrict,
            weights=hh.persons * (hh.consumption_pc < self.model.lines),
            minlength=self.sc.population.subdistricts,
        )
        return np.array([poor_persons[i.area].sum() for i in self.institutions])

    def _fixed_costs(self, m: int, reserves: np.ndarray) -> None:
        sc, L = self.sc, self.ledger
        c = sc.cooperation
        members = self.members
        if coop.pays_coordination(sc) and members.sum() >= 2:
            for inst in self.institutions:
                if not inst.member:
                    continue
                group = self._group(inst, by_theme=c.alliance_enabled and c.funding != "pooled")
                if len(group) < 2:
                    continue
                div = coop.mission_divergence([j.mission for j in group])
                mine = div[[j.row for j in group].index(inst.row)]
                cost = coop.coordination_cost(sc, len(group), float(mine), self.scale)
                L.spend(
                    m,
                    inst.row,
                    "spent_coordination",
                    min(cost, self._free(inst, reserves[inst.row])),
                )
        if c.knowledge_enabled and m % c.knowledge.interval_months == 0 and members.sum() >= 2:
            for inst in self.institutions:
                if inst.member:
                    cost = c.knowledge.forum_cost * self.scale
                    L.spend(
                        m,
                        inst.row,
                        "spent_coordination",
                        min(cost, self._free(inst, reserves[inst.row])),
                    )
        if c.monitoring_enabled and m % c.monitoring.interval_months == 0:
            for inst in self.institutions:
                cost = c.monitoring.cost_share * self.direct_spend_period[inst.row]
                L.spend(
                    m, inst.row, "spent_monitoring", min(cost, self._free(inst, reserves[inst.row]))
                )
            self.direct_spend_period[:] = 0.0  # this month's delivery opens the next period

    # ----------------------------------------------------------------------------------------
    def _view(self, m: int, inst: SocialInstitution) -> np.ndarray:
        """The institution's estimate of log per-capita consumption for every household.

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
        hh = self.model.households
        sharing = self._sharing(inst)
        access = self._registry_access(inst)
        cache = self._view_cache
        if cache is None or cache["month"] != m:
            cache = self._view_cache = {"month": m, "views": {}}
        key: tuple | None = None
        if sharing != "private":
            group = self._group(inst, by_theme=sharing == "theme")
            key = (sharing, tuple(j.row for j in group), access)
            if key in cache["views"]:
                return cache["views"][key]
        if "truth" not in cache:
            cache["truth"] = np.log(np.maximum(hh.consumption_pc, F32(1)))
        truth = cache["truth"]
        if sharing == "private":
            noise = self.model.streams.normal(f"survey.{inst.spec.name}", m, hh.n)
            own = truth + F32(inst.spec.targeting_noise) * noise
            own_var = np.full(hh.n, F32(inst.spec.targeting_noise) ** 2)
        else:
            total = np.zeros(hh.n, dtype=F32)
            var = np.zeros(hh.n, dtype=F32)
            count = np.zeros(hh.n, dtype=F32)
            for j in group:
                surveyed = j.reach[hh.subdistrict]
                noise = self.model.streams.normal(f"survey.{j.spec.name}", m, hh.n)
                sd = F32(j.spec.targeting_noise)
                total += np.where(surveyed, sd * noise, F32(0))
                var += np.where(surveyed, sd * sd, F32(0))
                count += surveyed
            count = np.maximum(count, F32(1))
            own = truth + total / count
            own_var = var / (count * count)
        if not access:
            view = own
        else:
            reg_var = F32(self.sc.government.registry.noise_sd) ** 2
            weight = reg_var / (reg_var + np.maximum(own_var, F32(1e-6)))  # weight on own survey
            view = weight * own + (F32(1) - weight) * hh.registry_score
        if key is not None:
            cache["views"][key] = view
        return view

    def _excluded(self, inst: SocialInstitution) -> np.ndarray:
        """Households this institution may not enrol (already served, by what it can see)."""
        hh = self.model.households
        out = self.months_left[inst.row] > 0
        if inst.kind == "graduation":
            out = out | self.ever[inst.row]
        sharing = self._sharing(inst)
        if sharing in ("theme", "coalition"):
            for j in self._group(inst, by_theme=sharing == "theme"):
                if j.spec.theme == inst.spec.theme or j.kind == inst.kind:
                    out = out | (self.months_left[j.row] > 0)
        if self._registry_access(inst):
            out = out | programs.government_same_kind(inst.kind, hh)
        return out

    def _enrol(self, m: int, inst: SocialInstitution) -> None:
        sc, hh = self.sc, self.model.households
        r = inst.row
        d = programs.design(sc, inst.kind)
        free = self._free(inst, self.reserve(inst))
        free -= FIXED_COST_BUFFER_MONTHS * inst.spec.fundraising_effort * self.scale
        current = float(hh.weight[self.months_left[r] > 0].sum())
        room = inst.spec.capacity * self.scale - current
        if free <= 0 or room <= 0:
            return
        view = self._view(m, inst)
        insured_now = hh.insured
        cand = (
            inst.area[hh.subdistrict]
            & programs.observable_filter(inst.kind, hh, insured_now)
            & ~self._excluded(inst)
            & (view < self._log_line(d.eligibility_line_multiple))
        )
        idx = np.flatnonzero(cand)
        if idx.size == 0:
            return
        score = view[idx]
        if sc.cooperation.case_management and inst.member:
            # case management: households already served by other themes come first (bundles)
            others = self._served_by_other_themes(inst)[idx]
            score = score - np.where(others, F32(10.0), F32(0))
        idx = idx[np.argsort(score, kind="stable")]
        accept = self.model.streams.uniform(f"takeup.{inst.spec.name}", m, hh.n)[idx] < d.take_up
        idx = idx[accept]
        if idx.size == 0:
            return
        months = np.full(idx.size, d.duration_months)
        cost = self.remaining_cost(inst, idx, months, np.zeros(idx.size, dtype=np.int16))
        w = hh.weight[idx].astype(np.float64)
        cum_cost = np.cumsum(cost * w * (1.0 + inst.spec.overhead_share))
        cum_hh = np.cumsum(w)
        k = int(
            min(
                np.searchsorted(cum_cost, free, side="right"),
                np.searchsorted(cum_hh, room, side="right"),
            )
        )
        take = idx[:k]
        self.months_left[r, take] = d.duration_months
        self.months_in[r, take] = 0
        self.ever[r, take] = True
        self.eligible_at_entry[r, take] = programs.eligible(
            sc, inst.kind, hh, self.model.lines, idx=take
        )

    def _log_line(self, multiple: float) -> np.ndarray:
        """log(multiple x poverty line) per household (float32), kept while the lines stay."""
        lines = self.model.lines
        cached = self._log_lines.get(multiple)
        if cached is None or cached[0] is not lines:
            cached = (lines, np.log(F32(multiple) * lines))
            self._log_lines[multiple] = cached
        return cached[1]

    def _served_by_other_themes(self, inst: SocialInstitution) -> np.ndarray:
        out = np.zeros(self.model.households.n, dtype=bool)
        for j in self.institutions:
            if j.member and j.spec.theme != inst.spec.theme:
                out |= self.months_left[j.row] > 0
        return out

    def _bundle_multiplier(self) -> np.ndarray:
        """Complementarity of case-managed bundles: 1 + c x (themes served - 1)."""
        n = self.model.households.n
        if not self.sc.cooperation.case_management:
            return np.ones(n, dtype=F32)
        themes = np.zeros(n, dtype=F32)
        for theme in coop.THEMES:
            served = np.zeros(n, dtype=bool)
            for j in self.institutions:
                if j.member and j.spec.theme == theme:
                    served |= self.months_left[j.row] > 0
            themes += served
        extra = np.maximum(themes - 1, 0)
        return (F32(1) + F32(self.sc.programmes.complementarity) * extra).astype(F32)

    def _deliver(self, m: int, effects: Effects) -> None:
        sc, hh, L = self.sc, self.model.households, self.ledger
        bundle = self._bundle_multiplier()
        prior: dict[str, np.ndarray] = {}
        w = hh.weight.astype(np.float64)
        for inst in self.institutions:
            r = inst.row
            active = self.months_left[r] > 0
            self.direct_spend_last[r] = 0.0
            if not active.any():
                continue
            # pay this month's costs; drop enrolments the balance cannot carry (never overspend)
            kind = inst.kind
            idx = np.flatnonzero(active)
            money = programs.monthly_transfer(sc, kind, hh, self.months_in[r, idx], idx=idx)
            money = money.astype(np.float64)
            delivery = inst.delivery_cost(sc, self._government_partner(inst))
            due = (money + delivery) * w[idx] * (1.0 + inst.spec.overhead_share)
            if due.sum() > L.available(r):
                order = np.argsort(
                    self.model.streams.uniform(f"drop.{inst.spec.name}", m, hh.n)[idx]
                )
                keep = np.zeros(idx.size, dtype=bool)
                keep[order[np.cumsum(due[order]) <= L.available(r)]] = True
                self.months_left[r, idx[~keep]] = 0
                active = self.months_left[r] > 0
                idx = idx[keep]
            if idx.size == 0:
                continue
            same = prior.get(kind, programs.government_same_kind(kind, hh))
            mult = bundle if inst.member else np.ones(hh.n, dtype=F32)
            paid = programs.apply_enrolment(
                sc,
                kind,
                hh,
                active,
                self.months_in[r],
                same,
                inst.quality,
                mult,
                effects,
                market_access=sc.cooperation.partnership.business and inst.member,
            )
            prior[kind] = same | active
            transfers = float((paid[idx] * w[idx]).sum())
            delivered = delivery * float(w[idx].sum())
            L.spend(m, r, "spent_transfers", transfers)
            L.spend(m, r, "spent_delivery", delivered)
            L.spend(m, r, "spent_overhead", (transfers + delivered) * inst.spec.overhead_share)
            self.direct_spend_last[r] = transfers + delivered
            self.direct_spend_period[r] += transfers + delivered
            if kind != "health_insurance":  # premiums go to BPJS, not into the local economy
                self.injected += np.bincount(
                    hh.subdistrict[idx], weights=paid[idx] * w[idx], minlength=self.injected.size
                )
            self.months_in[r, idx] += 1
            self.months_left[r, idx] -= 1

    # ----------------------------------------------------------------------------------------
    def after_month(self, m: int) -> None:
        """Trust, membership, knowledge exchange and evaluation at the end of the month."""
        sc = self.sc
        c = sc.cooperation
        if not self.institutions:
            return
        members = self.members
        # delivered results: the share of the members' spending that reached programmes
        ledger = self.ledger
        rows = ledger.table[m][members]
        spent_cols = [ledger.index[c] for c in ledger.index if c.startswith("spent_")]
        self.spend_total += float(rows[:, spent_cols].sum())
        self.spend_direct += float(
            rows[:, ledger.index["spent_transfers"]].sum()
            + rows[:, ledger.index["spent_delivery"]].sum()
        )
        if self.formed and members.sum() >= 2:
            delivered = self.spend_direct / self.spend_total if self.spend_total > 0 else 1.0
            transparency = np.clip(
                np.array([i.spec.transparency for i in self.institutions])
                * c.trust.transparency_multiplier,
                0,
                1,
            )
            trust = np.array([i.trust for i in self.institutions])
            signal = coop.trust_signal(transparency, members, delivered, c.trust.results_weight)
            trust, new_members = coop.update_trust(sc, trust, members, signal)
            for inst in self.institutions:
                inst.trust = float(trust[inst.row])
                inst.member = bool(new_members[inst.row])
            if (new_members != members).any():
                self._divide_areas()
            members = new_members
        if c.knowledge_enabled and m % c.knowledge.interval_months == 0:
            q = coop.learn(
                np.array([i.quality for i in self.institutions]), members, c.knowledge.learning_rate
            )
            for inst in self.institutions:
                inst.quality = float(q[inst.row])
        if c.monitoring_enabled and m % c.monitoring.interval_months == 0:
            true = coop.true_performance(
                np.array([i.quality for i in self.institutions]),
                np.array([i.spec.delivery_cost_factor for i in self.institutions]),
                np.array([i.spec.overhead_share for i in self.institutions]),
            )
            draws = self.model.streams.normal("monitoring", m, len(self.institutions)).astype(
                np.float64
            )
            measured = coop.measured_performance(true, c.monitoring.measurement_noise, draws)
            for inst in self.institutions:
                inst.performance = float(measured[inst.row])
                # donors learn what evaluation reveals: money follows it
                inst.reputation = (
                    0.5 * inst.reputation + 0.5 * inst.spec.transparency * inst.performance
                )
        self.history.append(
            {
                "beneficiaries": np.array(
                    [
                        float(self.model.households.weight[self.months_left[i.row] > 0].sum())
                        for i in self.institutions
                    ]
                ),
                "quality": np.array([i.quality for i in self.institutions]),
                "trust": np.array([i.trust for i in self.institutions]),
                "member": self.members.copy(),
                "balance": self.ledger.balance.copy(),
            }
        )

    # ----------------------------------------------------------------------------------------
    def reach_figures(
        self,
        hh: Households,
        lines: np.ndarray,
        consumption_pc: np.ndarray | None = None,
        persons: np.ndarray | None = None,
    ) -> dict[str, float]:
        """Coverage, targeting errors and duplicates this month (persons and households).

        ``consumption_pc`` and ``persons`` may pass ``hh.consumption_pc`` and ``hh.persons``
        already computed this month (the same numbers, not recomputed).
        """
        n_inst = len(self.institutions)
        out = {
            "coverage_poor": 0.0,
            "inclusion_error": np.nan,
            "exclusion_error": np.nan,
            "duplicate_enrolments": 0.0,
            "duplicate_ngo_gov": 0.0,
            "beneficiaries": 0.0,
        }
        if n_inst == 0:
            return out
        # sums of household weights: by counting where that is exactly np.sum (sim.weightsums;
        # the weights never change during a run), else np.sum
        if self._weight_sums is None or self._weight_sums[0] is not hh.weight:
            self._weight_sums = (hh.weight, WeightSums(hh.weight, n_inst * hh.n))
        ws = self._weight_sums[1]
        w = hh.weight.astype(np.float64)

        def wsum(mask: np.ndarray) -> float:
            if ws.exact:
                return ws.total(mask)
            return float(w[mask].sum()) if mask.ndim == 1 else float((mask * w).sum())

        active = self.months_left > 0
        any_ngo = active.any(axis=0)
        y = hh.consumption_pc if consumption_pc is None else consumption_pc
        poor = y < lines
        if persons is None:
            persons = hh.persons
        out["coverage_poor"] = float(persons[poor & any_ngo].sum() / max(persons[poor].sum(), 1e-9))
        enrolments = wsum(active)
        out["beneficiaries"] = wsum(any_ngo)
        if enrolments > 0:
            wrong = wsum(active & ~self.eligible_at_entry)
            out["inclusion_error"] = wrong / enrolments
        excluded = eligible_total = 0.0
        for kind in {i.kind for i in self.institutions}:
            rows = [i.row for i in self.institutions if i.kind == kind]
            area = np.zeros(self.sc.population.subdistricts, dtype=bool)
            for r in rows:
                area |= self.institutions[r].area
            elig = programs.eligible(self.sc, kind, hh, lines, y) & area[hh.subdistrict]
            served = active[rows].any(axis=0)
            eligible_total += wsum(elig)
            excluded += wsum(elig & ~served)
            count = active[rows].sum(axis=0, dtype=np.uint16)  # institutions, not households
            out["duplicate_enrolments"] += wsum(count >= 2)
            out["duplicate_ngo_gov"] += wsum((count >= 1) & programs.government_same_kind(kind, hh))
        if eligible_total > 0:
            out["exclusion_error"] = excluded / eligible_total
        return out

    def coalition_figures(self) -> dict[str, float]:
        """Members and mean trust of the coalition (NaN trust when no coalition was formed)."""
        designated = [i for i in self.institutions if i.spec.coalition]
        if not self.formed or not designated:
            return {"coalition_members": 0.0, "mean_trust": np.nan}
        return {
            "coalition_members": float(sum(i.member for i in self.institutions)),
            "mean_trust": float(np.mean([i.trust for i in designated])),
        }

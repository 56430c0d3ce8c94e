"""The institutions of a run and their month: ``model.coalition``.

The coalition builds the institutions (Mesa agents, in roster order), their partners, the
shared state and the forms of cooperation the scenario chooses, and runs the institutions'
month through Mesa's ``AgentSet`` (``model.agents_by_type[Institution]``). Mesa's sets keep
insertion order (a dict since Mesa 3.0), so ``do`` and ``map`` visit the institutions in row
order, the order in which they book money and enrol (the numbers depend on it: each round's
enrolment sees the ones before it).

Before the households' month (:meth:`Coalition.month`):

1. the first month, each institution books its opening budget (``receive_budget``);
2. money in: each raises funds (``raise_funds``), the donor market divides the giving
   (``funding.donor_market``), then the forms' money (CSR, government co-funding);
3. fixed costs of the forms (coordination, forums, monitoring);
4. every quarter, each institution enrols (``enrol``: survey, select, admit);
5. each delivers (``deliver``).

After it (:meth:`Coalition.after_month`): trust and membership (members ``update_trust`` and may
``leave``; areas are divided again), then the forms' work (learning, evaluation).
"""

from __future__ import annotations

from typing import Protocol

import mesa
import numpy as np
from mesa.agentset import AbstractAgentSet

from sim.institutions import trust as trust_rules
from sim.institutions.agent import Institution
from sim.institutions.delivery import member_bundles
from sim.institutions.forms import Form, PooledFund, coalition_formed, forms_of
from sim.institutions.funding import donor_market
from sim.institutions.mission import THEMES
from sim.institutions.partners import Government, PrivatePartner
from sim.institutions.state import CoalitionState, enrolled
from sim.ledger import Ledger
from sim.programs import Effects
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households

ENROLMENT_INTERVAL = 3
"""Months between enrolment rounds (quarterly programme cycles)."""


class Programme(Protocol):
    """A programme run beside the institutions' (``sim.analysis.trial.TrialProgramme``)."""

    def deliver(
        self, m: int, state: CoalitionState, effects: Effects, injected: np.ndarray
    ) -> np.ndarray:
        """Add the month's effects; return the money injected per sub-district."""
        ...


class Coalition:
    """All institutions of a run, their shared state, accounts and forms of cooperation.

    Args:
        model: The Mesa model the institutions are agents of.
        sc: The scenario.
        households: The household arrays.
        lines: Poverty line per household (rupiah per capita per month, float32).
        streams: The model's named random streams.

    Attributes:
        state: The shared state passed to every institution's method.
        forms: The forms of cooperation the scenario switches on (policy objects).
        government: The government as a partner (a Mesa agent).
        business: The private partner (a Mesa agent).
        formed: Whether a coalition was formed at all.
        history: Per month: beneficiaries, quality, trust, membership and balance by row.
        programmes: Programmes run beside the institutions' (:meth:`add_programme`).
    """

    def __init__(
        self,
        model: mesa.Model,
        sc: Scenario,
        households: Households,
        lines: np.ndarray,
        streams: Streams,
    ) -> None:
        self.model = model
        self.sc = sc
        institutions = [Institution(model, s, k, sc) for k, s in enumerate(sc.institutions)]
        self.government = Government(model)
        self.business = PrivatePartner(model)
        self.state = CoalitionState.empty(sc, households, lines, streams, institutions)
        self.forms: list[Form] = forms_of(sc, self.government, self.business)
        self._pooled = any(isinstance(f, PooledFund) for f in self.forms)
        self.spend_total = 0.0
        self.spend_direct = 0.0
        self.formed = coalition_formed(sc) and len(institutions) > 0
        for inst in institutions:
            inst.member = self.formed and inst.spec.coalition
        if sum(i.member for i in institutions) < 2:
            for inst in institutions:
                inst.member = False
        self.divide_areas()
        self.history: list[dict[str, np.ndarray]] = []
        self.programmes: list[Programme] = []

    # -- what the model and the measures read -----------------------------------------------
    @property
    def institutions(self) -> list[Institution]:
        """The social institutions in row order."""
        return self.state.institutions

    @property
    def agents(self) -> AbstractAgentSet[Institution]:
        """The institutions as Mesa's ``AgentSet`` (row order: insertion order)."""
        agents = self.model.agents_by_type[Institution]
        if len(agents) != len(self.institutions):
            raise RuntimeError(
                f"{len(agents)} institution agents in the model for {len(self.institutions)} "
                "institutions: agents of another coalition were left behind"
            )
        return agents

    @property
    def ledger(self) -> Ledger:
        """Accounts of every institution (``sim.ledger``)."""
        return self.state.ledger

    @property
    def injected(self) -> np.ndarray:
        """Programme money paid into each sub-district this month (rupiah)."""
        return self.state.injected

    @property
    def months_left(self) -> np.ndarray:
        """Months of programme left per institution and household (int16)."""
        return self.state.months_left

    @property
    def ever(self) -> np.ndarray:
        """Ever enrolled, per institution and household."""
        return self.state.ever

    @property
    def scale(self) -> float:
        """Thousands of households represented."""
        return self.state.scale

    @property
    def members(self) -> np.ndarray:
        """Membership mask over institutions."""
        return self.state.members

    # -- the month --------------------------------------------------------------------------
    def month(self, m: int) -> tuple[Effects, np.ndarray]:
        """Run the institutions' month before the households' month.

        Returns:
            The programmes' effects on households and the money injected per sub-district.
        """
        st = self.state
        st.idx = {}
        try:
            effects, injected = self._month(m)
        finally:
            st.idx = None
        for programme in self.programmes:
            injected = programme.deliver(m, st, effects, injected)
        st.injected = injected
        return effects, injected

    def add_programme(self, programme: Programme) -> None:
        """Run ``programme`` each month after the institutions' delivery (a trial's)."""
        self.programmes.append(programme)

    def _month(self, m: int) -> tuple[Effects, np.ndarray]:
        st = self.state
        L = st.ledger
        L.open_month(m)
        effects = Effects.none(st.households.n)
        st.injected = np.zeros(self.sc.population.subdistricts)
        if not self.institutions:
            L.close_month(m)
            return effects, st.injected
        agents = self.agents
        if m == 1:
            agents.do("receive_budget", m, st)
        reserves = np.array(agents.map("reserve", st))
        in_pool = np.array([self._pooled and i.member for i in self.institutions], dtype=bool)
        spend = np.array(agents.map("raise_funds", m, st, reserves, in_pool), dtype=np.float64)
        donor_market(m, st, spend, in_pool)
        for form in self.forms:
            form.raise_funds(m, st)
        for form in self.forms:
            form.pay_fixed_costs(m, st, reserves)
        if (m - 1) % ENROLMENT_INTERVAL == 0:
            st.start_round()
            agents.do("enrol", m, st)
            st.end_round()
        bundles = member_bundles(st)
        prior: dict[str, np.ndarray] = {}
        agents.do("deliver", m, st, effects, bundles, prior)
        L.close_month(m)
        return effects, st.injected

    # -- after the month --------------------------------------------------------------------
    def after_month(self, m: int) -> None:
        """Trust, membership, knowledge exchange and evaluation at the end of the month."""
        if not self.institutions:
            return
        st = self.state
        members = self.members
        # delivered results: the share of the members' spending that reached programmes
        ledger = st.ledger
        rows = ledger.table[m][members]
        spent_cols = [ledger.index[c] for c in ledger.index if c.startswith("spent_")]
        self.spend_total += float(rows[:, spent_cols].sum())
        self.spend_direct += float(
            rows[:, ledger.index["spent_transfers"]].sum()
            + rows[:, ledger.index["spent_delivery"]].sum()
        )
        if self.formed and members.sum() >= 2:
            self._update_trust(members)
        for form in self.forms:
            form.after_month(m, st)
        insts = self.institutions
        self.history.append(
            {
                "beneficiaries": np.array(
                    [float(st.households.weight[enrolled(st, i.row)].sum()) for i in insts]
                ),
                "quality": np.array([i.quality for i in insts]),
                "trust": np.array([i.trust for i in insts]),
                "member": self.members.copy(),
                "balance": ledger.balance.copy(),
            }
        )

    def _update_trust(self, members: np.ndarray) -> None:
        """Members observe each other; trust moves, and those below the threshold leave."""
        c = self.sc.cooperation
        delivered = self.spend_direct / self.spend_total if self.spend_total > 0 else 1.0
        transparency = np.clip(
            np.array([i.spec.transparency for i in self.institutions])
            * c.trust.transparency_multiplier,
            0,
            1,
        )
        trust = np.array([i.trust for i in self.institutions])
        signal = trust_rules.trust_signal(transparency, members, delivered, c.trust.results_weight)
        trust, stays = trust_rules.update_trust(self.sc, trust, members, signal)
        self.agents.do("update_trust", trust, stays)
        if (stays != members).any():
            self.divide_areas()

    def divide_areas(self) -> None:
        """Alliances divide areas: each shared sub-district goes to one member of the theme."""
        c = self.sc.cooperation
        for inst in self.institutions:
            inst.area = inst.reach.copy()
        if not (c.alliance_enabled and c.alliance.divide_areas):
            return
        for theme in THEMES:
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

    def coalition_figures(self) -> dict[str, float]:
        """Members and mean trust of the coalition (NaN trust when no coalition was formed)."""
        designated = [i for i in self.institutions if i.spec.coalition]
        if not self.formed or not designated:
            return {"coalition_members": 0.0, "mean_trust": np.nan}
        return {
            "coalition_members": float(sum(i.member for i in self.institutions)),
            "mean_trust": float(np.mean([i.trust for i in designated])),
        }

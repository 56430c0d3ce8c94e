"""Sinergi: poverty dynamics of households under poverty-alleviation programmes.

``PovertyModel`` builds a calibrated household world (``sim.world``) with the government's
background programmes already in place, and advances it month by month through the household
mechanisms of ``sim.dynamics``. Each month's poverty figures are recorded; ``timeseries()``
returns them as a DataFrame (one row per month, row 0 the starting population).

The monthly order (one step = one month):

1. institutions (``model.coalition``, ``sim.institutions``): money in (budgets, donors, pool, CSR,
   government co-funding), fixed costs (fundraising, coordination, forums, M&E), quarterly
   enrolment, delivery; the programmes' effects on households and the money injected;
2. shocks: persistent and transitory earnings shocks, covariate shocks by sub-district, the
   harvest season in rural areas;
3. health: new illnesses, out-of-pocket costs (insurance, clinics), lost earnings;
4. income: labour (schooling, skill, growth, shocks, spillovers), assets, transfers;
5. consumption and saving (buffer stock, distress sales) and asset accumulation;
6. demography: ageing, births, deaths, adults leaving;
7. schooling: a month of schooling; enrolment revised at the start of the school year;
8. rolling verification of the registry; quarterly re-targeting of government programmes;
9. institutions after the month: trust and membership, knowledge exchange, evaluation;
10. recording.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from sim import dynamics
from sim.institutions.coalition import Coalition
from sim.invariants import check_month
from sim.kernels import prepare
from sim.ledger import SPENT
from sim.measures.reach import reach_figures
from sim.measures.record import (
    MonthlyRecord,
    household_figures,
    mpi_deprivations,
)
from sim.regions.catalogue import NATION_BY_PROVINCE
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.burn_in import burn_in
from sim.world.footprint import check_fits
from sim.world.government import government_month
from sim.world.households import Households
from sim.world.lines import line_factor, poverty_lines
from sim.world.measurement import measured_consumption_pc
from sim.world.poststratify import poststratify
from sim.world.synthesis import synthesize

F32 = np.float32

COLLECTED = (
    "p0",
    "p1",
    "coverage_poor",
    "funds_raised",
    "spent_transfers",
    "coalition_members",
    "mean_trust",
)
"""Timeseries columns also kept in ``model.datacollector`` (for Mesa's own tools)."""


class PovertyModel(mesa.Model):
    """A district's households month by month.

    Args:
        scenario: The Sinergi scenario (``sim.load_scenario``); kept as ``model.config``
            (Mesa 3.5 reserves ``model.scenario`` for its own Scenario class).
        rng: Seed of the run (a non-negative integer). Every random decision draws from a
            named stream derived from it (``sim.rng.streams``).
        check: Check the invariants of ``sim.invariants`` at set-up and after every month;
            a violation raises ``sim.invariants.InvariantError`` (it never changes the numbers).

    Attributes:
        config: The scenario this model runs.
        households: The household arrays.
        poststratification: Month 0's weight adjustment per area
            (``sim.world.poststratify``; empty unless the scenario sets a ``p0_target``).
        month: Months simulated so far.
    """

    def __init__(self, scenario: Scenario, rng: int | None = None, check: bool = False) -> None:
        if scenario.region == NATION_BY_PROVINCE:
            raise ValueError(
                f"region {NATION_BY_PROVINCE!r} is the nation as its 38 provinces, not one "
                "population: run it with sim.run_national(scenario, seed) "
                '(sim.regions.national) or run_scenarios.py --set region="INDONESIA (by '
                'province)"'
            )
        if rng is None:
            rng = int(np.random.SeedSequence().generate_state(1)[0])
        if not isinstance(rng, (int, np.integer)) or int(rng) < 0:
            raise ValueError(f"rng must be a non-negative integer seed, got {rng!r}")
        super().__init__(rng=int(rng))
        prepare()  # once per process: kernels loaded, OpenMP and allocator set (sim.kernels)
        self.config = scenario
        self.seed = int(rng)
        self.streams = Streams(self.seed)
        check_fits(scenario.population.households)  # before any household is allocated
        self.households: Households = synthesize(scenario, self.streams)
        # the start is the dynamics' own steady state: a burn-in before month 0
        self.subdistricts = burn_in(scenario, self.households, self.streams)
        # a region's preset: month 0's weights post-stratified to BPS's headcount per area
        self.poststratification = poststratify(scenario, self.households, self.streams)
        self.lines0 = poverty_lines(scenario, self.households.urban)  # March 2024
        self.lines = self.lines0.copy()  # this month's lines (their real drift), shared
        self._gov_background = 0.0
        self.coalition = Coalition(self, scenario, self.households, self.lines, self.streams)
        self.check = bool(check)
        # the month's figures; the Gini's sort runs on a second thread in large runs
        self.record = MonthlyRecord(
            scenario, self.households, self.lines, self.streams, not self.check
        )
        # Mesa's DataCollector, for Mesa's own tools (stock plot components, batch_run): a few
        # headline columns of the last timeseries row, collected at each recording.
        self.datacollector = mesa.DataCollector(
            model_reporters={c: [self._last_recorded, [c]] for c in COLLECTED}
        )
        self._record(flows=None)
        if self.check:
            check_month(self)

    @property
    def month(self) -> int:
        """Months simulated so far."""
        return int(self.steps)

    # ----------------------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month: a line a mechanism, in the order of the module docstring."""
        sc, hh, s, m = self.config, self.households, self.streams, self.month
        self._move_lines(m)  # this month's poverty lines (their real drift)
        effects, injected = self.coalition.month(m)  # 1. institutions raise, enrol and deliver
        hh.insured[:] = hh.pbi | hh.jkn_contributory | effects.insured  # this month's cover
        shocks = dynamics.draw_shocks(sc, hh, self.subdistricts, s, m)  # 2. earnings shocks
        illness = dynamics.fall_ill(sc, hh, s, m)  # 3. illness, its costs, expected losses
        income = dynamics.earn(  # 4. earnings, spillovers of programme money, transfers
            sc, hh, self.subdistricts, m, shocks, effects.asset_return, effects.cash, injected
        )
        self._gov_background = float((income.transfers * hh.weight).sum())
        disposable, permanent = dynamics.spend(  # 5. the budget: investment, health costs
            sc, hh, income, illness, cash=effects.cash, oop_factor=effects.oop_factor,
            new_assets=effects.assets, new_skill=effects.skill,
        )  # fmt: skip
        del shocks, illness, income  # past the month's memory peak
        dynamics.consume_and_save(sc, hh, permanent, disposable, self.lines)  # consume, save
        del disposable, permanent
        dynamics.demography(sc, hh, s, m)  # 6. ageing, births, deaths, adults leaving
        dynamics.tutoring(hh, effects.schooling)  # 7. schooling: tutoring, conditions, a month
        conditioned = dynamics.schooling_condition(sc, hh) | effects.conditioned
        dynamics.schooling(sc, hh, s, m, conditioned)
        del effects, conditioned
        government_month(sc, hh, s, m)  # 8. registry re-survey; quarterly re-targeting
        self.coalition.after_month(m)  # 9. trust, membership, learning, evaluation
        self._record(flows=True)  # 10. the month's figures
        if self.check:
            check_month(self)

    def _move_lines(self, month: int) -> None:
        """Set the shared line arrays to ``month``'s (``sim.world.lines.line_factor``)."""
        if self.config.poverty_line.real_drift_annual == 0:
            return  # the lines stay March 2024's: no pass over the households
        factor = line_factor(self.config, month)
        np.multiply(self.lines0, F32(factor), out=self.lines)
        self.record.move_lines(factor)

    def run(self) -> PovertyModel:
        """Run ``config.months`` months (from wherever the model is). Returns the model."""
        for _ in range(self.config.months - self.month):
            self.step()
        self.record.finish()
        return self

    # ----------------------------------------------------------------------------------------
    def observed_consumption_pc(self) -> np.ndarray:
        """Per-capita consumption as a survey measures it this month (rupiah, float32).

        The one definition of measured consumption (``sim.world.measurement``): true
        consumption times a classical log-normal error (sd ``measurement.survey_error_sd``)
        drawn afresh each month from its own stream, so measuring never changes the run. The
        recorded poverty figures, the registry and institutions' surveys use the same values.
        """
        return measured_consumption_pc(self.config, self.households, self.streams, self.month)

    def mpi_deprivations(self) -> np.ndarray:
        """The (n, 6) boolean deprivation matrix over ``sim.measures.record.MPI_INDICATORS``."""
        return mpi_deprivations(self.households, self.lines, self.observed_consumption_pc())

    def _record(self, flows: bool | None) -> None:
        """Record the month: household figures, reach, money, coalition (``sim.measures``)."""
        self.record.finish()
        row, y, w = household_figures(self.record, self.month, flows)
        hh, sc, z = self.households, self.config, self.lines
        row["poverty_line_nominal"] = (
            float((1 + sc.poverty_line.index_growth_annual) ** (self.month / 12))
            * row["poverty_line_nominal"]
        )
        row.update(reach_figures(self.coalition, hh, z, consumption_pc=y, persons=w))
        month_money = self.coalition.ledger.totals(self.month)
        raised = [c for c in month_money if c.startswith("raised_")]
        row["funds_raised"] = sum(month_money[c] for c in raised)
        for c in raised:
            row[c] = month_money[c]
        for c in SPENT:
            row[c] = month_money[c]
        row["carried_over"] = month_money["closing"]
        row.update(self.coalition.coalition_figures())
        row["gov_cofunding"] = month_money["raised_gov"]
        row["gov_background_transfers"] = self._gov_background if flows else 0.0
        pbi_persons = row.pop("pbi_persons")
        row["gov_background_premiums"] = (
            pbi_persons * self.config.programmes.health_insurance.premium_per_person
            if flows
            else 0.0
        )
        self.record.rows.append(row)
        self.datacollector.collect(self)
        self.record.gini.submit()  # on the second core, while the next month runs

    def _last_recorded(self, column: str) -> float:
        """The value of ``column`` in the last timeseries row (a DataCollector reporter)."""
        if column.startswith("gini"):  # the only figures completed later (record.finish)
            self.record.finish()
        return float(self.record.rows[-1][column])

    # ----------------------------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        """Monthly results: ``months + 1`` rows, month 0 the starting population.

        Columns are documented in ``docs/outputs.md`` (rates as fractions; money in rupiah per
        capita per month at March 2024 prices; persons are real persons represented).
        """
        self.record.finish()
        return pd.DataFrame(self.record.rows)

    def ledger(self) -> pd.DataFrame:
        """Accounts per institution and month (``sim.ledger``), rupiah for the population."""
        return self.coalition.ledger.frame(self.month)

    def institution_timeseries(self) -> pd.DataFrame:
        """Per institution and month: beneficiaries (households), quality, trust, membership."""
        names = [i.spec.name for i in self.coalition.institutions]
        rows = []
        for k, h in enumerate(self.coalition.history, start=1):
            for j, name in enumerate(names):
                rows.append(
                    {
                        "month": k,
                        "institution": name,
                        "beneficiaries": h["beneficiaries"][j],
                        "quality": h["quality"][j],
                        "trust": h["trust"][j],
                        "member": bool(h["member"][j]),
                        "balance": h["balance"][j],
                    }
                )
        return pd.DataFrame(rows)

    def subdistrict_timeseries(self) -> pd.DataFrame:
        """Headcount by sub-district and month (long format: month, subdistrict, urban, p0)."""
        arr = np.array(self.record.sub_p0)
        n_sub = arr.shape[1]
        urban = np.arange(n_sub) < self.config.population.urban_subdistricts
        return pd.DataFrame(
            {
                "month": np.repeat(np.arange(arr.shape[0]), n_sub),
                "subdistrict": np.tile(np.arange(n_sub), arr.shape[0]),
                "urban": np.tile(urban, arr.shape[0]),
                "p0": arr.ravel(),
            }
        )

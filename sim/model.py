"""Sinergi: poverty dynamics of households under poverty-alleviation programmes.

``PovertyModel`` builds a calibrated household world (``sim.world``) with the government's
background programmes already in place, and advances it month by month through the household
mechanisms of ``sim.dynamics``. Each month's poverty figures are recorded; ``timeseries()``
returns them as a DataFrame (one row per month, row 0 the starting population).

The monthly order (one step = one month):

1. institutions (``sim.institutions.Sector``): money in (budgets, donors, pool, CSR,
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

from sim import accel, dynamics
from sim.institutions import Sector
from sim.invariants import check_month
from sim.kernels import prepare
from sim.ledger import SPENT
from sim.measures.record import (
    FOOD_LINE_SHARE,  # noqa: F401 - imported from here by sim.trial until it moves
    MonthlyRecord,
    household_figures,
    mpi_deprivations,
)
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.government import government_transfers, target_government_programmes
from sim.world.households import Households
from sim.world.lines import poverty_lines
from sim.world.registry import refresh_registry
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
"""Timeseries columns also kept in ``model.datacollector`` (Mesa's plot components read it)."""


@accel.pjit
def _earnings(
    labour_perm, transitory, covariate, sick_months, sick_factor, assets_income_normal, asset_return
):
    """This month's labour and asset income before spillovers, and their sum (float32).

    ``labour = labour_perm * transitory * covariate * ill`` (``ill`` is ``sick_factor`` in a
    month of severe illness, else 1) and ``assets_income = assets_income_normal * covariate *
    asset_return``, as ``PovertyModel.step`` computes them in numpy (the same float32
    operations in the same order).
    """
    n = labour_perm.shape[0]
    labour = np.empty(n, dtype=np.float32)
    assets_income = np.empty(n, dtype=np.float32)
    earned = np.empty(n, dtype=np.float32)
    for i in accel.prange(n):
        cov = covariate[i]
        ill = sick_factor if sick_months[i] > 0 else np.float32(1.0)
        lab = labour_perm[i] * transitory[i] * cov * ill
        ai = assets_income_normal[i] * cov * asset_return[i]
        labour[i] = lab
        assets_income[i] = ai
        earned[i] = lab + ai
    return labour, assets_income, earned


@accel.pjit
def _budget(
    labour,
    assets_income,
    spill,
    labour_perm,
    assets_income_normal,
    transfers,
    cash,
    health_cost,
    oop_factor,
    oop_expected,
    new_assets,
    new_skill,
    labour_invest_share,
    reinvest_share,
    permanent_labour_share,
    kept_asset_share,
    asset_retained,
    assets,
    skill,
    income_labour,
    income_assets,
    income_transfers,
):
    """Spillovers, investment, disposable and permanent income; assets, skill and incomes.

    The numpy branch of ``PovertyModel.step`` in one pass (float32, same operations, same
    order). Updates ``assets``, ``skill`` and the three income arrays in place.

    Returns:
        ``(invest, disposable, permanent)``, rupiah per household per month (float32).
    """
    n = labour.shape[0]
    invest = np.empty(n, dtype=np.float32)
    disposable = np.empty(n, dtype=np.float32)
    permanent = np.empty(n, dtype=np.float32)
    zero = np.float32(0.0)
    for i in accel.prange(n):
        lab = labour[i] * spill[i]
        ai = assets_income[i] * spill[i]
        inv = labour_invest_share * lab + reinvest_share * ai
        tr = transfers[i]
        invest[i] = inv
        oop = health_cost[i] * oop_factor[i]  # out-of-pocket health spending
        disposable[i] = lab + ai + tr + cash[i] - inv - oop
        permanent[i] = (
            permanent_labour_share * labour_perm[i]
            + kept_asset_share * assets_income_normal[i]
            + tr
            - oop_expected[i]
        )
        k = assets[i] * asset_retained + inv
        if not (k > zero or k != k):  # np.maximum(k, 0): NaN kept; -0.0 and 0 give the 0
            k = zero
        assets[i] = k + new_assets[i]
        skill[i] = skill[i] + new_skill[i]
        income_labour[i] = lab
        income_assets[i] = ai
        income_transfers[i] = tr + cash[i]
    return invest, disposable, permanent


@accel.pjit
def _tutoring(n_enrolled, n_school, schooling, child_schooling):
    """``child_schooling += schooling * n_enrolled / n_school`` (0 without school children).

    As numpy computes it: the share in float64 (integer true division), then float32.
    """
    for i in accel.prange(n_enrolled.shape[0]):
        share = np.float32(0.0)
        if n_school[i] > 0:
            share = np.float32(np.float64(n_enrolled[i]) / np.float64(n_school[i]))
        child_schooling[i] = child_schooling[i] + schooling[i] * share


@accel.warmup
def _warm_up() -> None:
    f = np.ones(3, dtype=np.float32)
    one = np.float32(1.0)
    _earnings(f, f, f, np.ones(3, dtype=np.int8), one, f, f)
    i8 = np.ones(3, dtype=np.int8)
    _tutoring(i8, i8, f, f.copy())
    _budget(f, f, f, f, f, f, f, f, f, f, f, f, one, one, one, one, one, f.copy(), f.copy(),
            f.copy(), f.copy(), f.copy())  # fmt: skip


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
        month: Months simulated so far.
    """

    def __init__(self, scenario: Scenario, rng: int | None = None, check: bool = False) -> None:
        if rng is None:
            rng = int(np.random.SeedSequence().generate_state(1)[0])
        if not isinstance(rng, (int, np.integer)) or int(rng) < 0:
            raise ValueError(f"rng must be a non-negative integer seed, got {rng!r}")
        super().__init__(rng=int(rng))
        prepare()  # once per process: kernels loaded, OpenMP and allocator set (sim.kernels)
        self.config = scenario
        self.seed = int(rng)
        self.streams = Streams(self.seed)
        self.households: Households = synthesize(scenario, self.streams)
        self.subdistricts = dynamics.SubdistrictState.empty(scenario)
        self.lines = poverty_lines(scenario, self.households.urban)
        self._gov_background = 0.0
        self.sector = Sector(self)
        self.check = bool(check)
        # the month's figures; the Gini's sort runs on a second thread in large runs
        self.record = MonthlyRecord(scenario, self.households, self.lines, not self.check)
        # Mesa's stock plot components (the explorer, sim/app.py) read model.datacollector:
        # a few headline columns of the last timeseries row, collected at each recording.
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
        """Advance one month (the order is in the module docstring)."""
        sc, hh, s = self.config, self.households, self.streams
        m = self.month

        # 1. institutions: money, costs, enrolment, delivery
        effects, injected = self.sector.month(m)
        hh.insured[:] = hh.pbi | hh.jkn_contributory | effects.insured

        # 2-3. shocks and health
        dynamics.persistent_shocks(sc, hh, s, m)
        transitory = dynamics.transitory_factor(sc, hh, s, m)
        covariate = dynamics.covariate_shocks(sc, hh, self.subdistricts, s, m)
        covariate *= dynamics.harvest_factor(sc, hh, m)  # seasonal, also transitory
        health_cost = dynamics.health_shocks(sc, hh, s, m)
        oop_expected, loss_share = dynamics.expected_health_cost(sc, hh)
        sick_factor = F32(1 - sc.health.severe_earnings_loss)

        # 4. income
        recipients = effects.cash > 0
        labour_perm = dynamics.permanent_labour(sc, hh, m)
        assets_income_normal = dynamics.asset_income(sc, hh.assets)
        a = sc.assets
        compiled = accel.enabled
        if compiled:
            labour, assets_income, earned = _earnings(
                labour_perm,
                transitory,
                covariate,
                hh.sick_months,
                sick_factor,
                assets_income_normal,
                effects.asset_return,
            )
        else:
            ill = np.where(hh.sick_months > 0, sick_factor, F32(1))
            labour = labour_perm * transitory * covariate * ill
            del ill
            assets_income = assets_income_normal * covariate * effects.asset_return
            earned = labour + assets_income
        # spillovers scale this month's earnings before spillovers (the multiplier's base)
        spill = dynamics.spillover_factor(
            sc, hh, self.subdistricts, injected, m, recipients, earned=earned
        )
        del earned
        transfers = government_transfers(sc, hh)
        self._gov_background = float((transfers * hh.weight).sum())

        # 5. consumption, saving, investment (programme cash is income, not permanent income)
        if compiled:  # the arithmetic below, in one pass (same float32 operations, same order)
            invest, disposable, permanent = _budget(
                labour,
                assets_income,
                spill,
                labour_perm,
                assets_income_normal,
                transfers,
                effects.cash,
                health_cost,
                effects.oop_factor,
                oop_expected,
                effects.assets,
                effects.skill,
                F32(a.labour_invest_share),
                F32(a.reinvest_share),
                F32((1 - a.labour_invest_share) * (1 - loss_share)),
                F32(1 - a.reinvest_share),
                F32(1 - a.depreciation),
                hh.assets,
                hh.skill,
                hh.income_labour,
                hh.income_assets,
                hh.income_transfers,
            )
        else:
            labour = labour * spill
            assets_income = assets_income * spill
            invest = F32(a.labour_invest_share) * labour + F32(a.reinvest_share) * assets_income
            oop = health_cost * effects.oop_factor
            disposable = labour + assets_income + transfers + effects.cash - invest - oop
            del oop
            permanent = (
                F32((1 - a.labour_invest_share) * (1 - loss_share)) * labour_perm
                + F32(1 - a.reinvest_share) * assets_income_normal
                + transfers
                - oop_expected
            )
            hh.assets[:] = (
                np.maximum(hh.assets * F32(1 - a.depreciation) + invest, 0) + effects.assets
            )
            hh.skill += effects.skill
            hh.income_labour[:] = labour
            hh.income_assets[:] = assets_income
            hh.income_transfers[:] = transfers + effects.cash
        # free the month's income temporaries before the passes that follow (the step's memory
        # peak is their sum): only the budget and the programme effects are still needed
        del transitory, covariate, health_cost, oop_expected, recipients, labour_perm
        del labour, assets_income_normal, assets_income, spill, transfers, invest
        dynamics.consume_and_save(sc, hh, permanent, disposable, self.lines)
        del permanent, disposable

        # 6-7. demography and schooling (programme conditions and tutoring act here)
        dynamics.demography(sc, hh, s, m)
        if accel.enabled:
            _tutoring(hh.n_enrolled, hh.n_school, effects.schooling, hh.child_schooling)
        else:
            share_enrolled = np.divide(
                hh.n_enrolled, hh.n_school, out=np.zeros(hh.n, dtype=F32), where=hh.n_school > 0
            )
            hh.child_schooling += effects.schooling * share_enrolled
            del share_enrolled
        conditioned = dynamics.schooling_condition(sc, hh) | effects.conditioned
        dynamics.schooling(sc, hh, s, m, conditioned)

        del effects, conditioned  # the last of the month's household-length temporaries

        # 8. rolling registry verification; quarterly re-targeting of government programmes
        reg = sc.government.registry
        refresh_registry(sc, hh, s, m, share=1.0 / reg.update_months)
        if m % reg.retarget_months == 0:
            target_government_programmes(sc, hh)

        # 9-10. institutions after the month; recording
        self.sector.after_month(m)
        self._record(flows=True)
        if self.check:
            check_month(self)

    def run(self) -> PovertyModel:
        """Run ``config.months`` months (from wherever the model is). Returns the model."""
        for _ in range(self.config.months - self.month):
            self.step()
        self.record.finish()
        return self

    # ----------------------------------------------------------------------------------------
    def observed_consumption_pc(self) -> np.ndarray:
        """Per-capita consumption as a survey would measure it this month.

        Classical multiplicative error, log-normal with sd ``measurement.survey_error_sd``, from
        its own stream (so measuring never changes the run). Use it to compare the model's
        churning with panel surveys like for like.
        """
        sd = F32(self.config.measurement.survey_error_sd)
        err = self.streams.normal("survey.error", self.month, self.households.n)
        return self.households.consumption_pc * np.exp(sd * err)

    def mpi_deprivations(self) -> np.ndarray:
        """The (n, 6) boolean deprivation matrix over ``sim.measures.record.MPI_INDICATORS``."""
        return mpi_deprivations(self.households, self.lines)

    def _record(self, flows: bool | None) -> None:
        """Record the month: household figures, reach, money, coalition (``sim.measures``)."""
        self.record.finish()
        row, y, w = household_figures(self.record, self.month, flows)
        hh, sc, z = self.households, self.config, self.lines
        row["poverty_line_nominal"] = (
            float((1 + sc.poverty_line.index_growth_annual) ** (self.month / 12))
            * row["poverty_line_nominal"]
        )
        row.update(self.sector.reach_figures(hh, z, consumption_pc=y, persons=w))
        month_money = self.sector.ledger.totals(self.month)
        raised = [c for c in month_money if c.startswith("raised_")]
        row["funds_raised"] = sum(month_money[c] for c in raised)
        for c in raised:
            row[c] = month_money[c]
        for c in SPENT:
            row[c] = month_money[c]
        row["carried_over"] = month_money["closing"]
        row.update(self.sector.coalition_figures())
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
        return self.sector.ledger.frame(self.month)

    def institution_timeseries(self) -> pd.DataFrame:
        """Per institution and month: beneficiaries (households), quality, trust, membership."""
        names = [i.spec.name for i in self.sector.institutions]
        rows = []
        for k, h in enumerate(self.sector.history, start=1):
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

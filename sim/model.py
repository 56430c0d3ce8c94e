"""Sinergi: poverty dynamics of households under poverty-alleviation programmes.

``PovertyModel`` builds a calibrated household world (``sim.households``) with the government's
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

import ctypes
import functools
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim import accel, dynamics, metrics, recording
from sim.households import (
    Households,
    government_transfers,
    poverty_lines,
    refresh_registry,
    synthesize,
    target_government_programmes,
)
from sim.institutions.coalition import Coalition
from sim.invariants import check_month
from sim.ledger import SPENT
from sim.measures.reach import reach_figures
from sim.randomness import Streams
from sim.scenario import Scenario
from sim.sorting import reorder, sorted_keys, stable_argsort

F32 = np.float32

MPI_INDICATORS = (
    "adult_schooling_below_6y",
    "child_not_enrolled",
    "uninsured",
    "severely_ill",
    "assets_below_500k",
    "consumption_below_food_line",
)
"""Alkire-Foster indicators the household state supports, equal weights (1/6 each).

Dimensions (each 1/3): education (adults' mean schooling below 6 years; a school-age child not
enrolled), health (no insurance; a severe illness now), living standard (productive assets
below Rp 500,000; per-capita consumption below the food poverty line, 74% of the line, BPS March
2024 food share).
"""
MPI_K = 1.0 / 3.0
FOOD_LINE_SHARE = 0.74
ASSET_DEPRIVATION = 500_000.0
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


#: Smallest population whose Gini sort runs on a second thread while the next month runs
#: (households): below it the sort takes well under a millisecond.
GINI_THREAD_HOUSEHOLDS = 100_000
MALLOC_MMAP_THRESHOLD = 128 * 2**20
"""Bytes from which glibc serves an allocation by a fresh ``mmap`` (glibc default: 128 KiB up)."""
MALLOC_TRIM_THRESHOLD = 256 * 2**20
"""Free bytes glibc keeps at the top of the heap before returning them to the system."""


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


@accel.warmup
def _warm_up_runs() -> None:
    """Run every shipped scenario briefly, so that each kernel a run calls is loaded now.

    Kernels with many arguments (the institutions', the recording's) are compiled for exactly
    the dtypes a run passes them; a tiny run of each scenario (300 households, 4 months: an
    enrolment round, every form of cooperation) loads them from the disk cache at import, so
    that no run compiles in its first month. About 0.3 s per import pass.
    """
    from sim.scenario import PACKAGE_SCENARIOS, load_scenario

    # the project's own files, by path (never a user's folder, which may hold anything)
    for path in sorted(PACKAGE_SCENARIOS.glob("*.toml")):
        sc = load_scenario(path, overrides={"population.households": 300, "months": 4})
        PovertyModel(sc, rng=1).run()


@functools.cache
def tune_allocator() -> bool:
    """Let glibc reuse freed memory for the month's household-length temporaries.

    A month allocates and frees dozens of arrays of a few MiB per million households. With
    glibc's defaults many of them are served by a fresh ``mmap`` each time, and the page faults
    of touching new pages cost ~15% of a month at 1M households (measured with
    ``benchmarks/bench.py``: 8.9 s -> 7.4 s for 12 months, peak memory +8 MiB). Raising the
    mmap and trim thresholds (``mallopt``) keeps them in the heap instead. It changes where
    memory comes from, never a number the model computes. Once per process; a no-op off
    glibc (returns False).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 - glibc only (musl has no mallopt thresholds)
        m_trim_threshold, m_mmap_threshold = -1, -3  # from <malloc.h>
        ok = libc.mallopt(m_mmap_threshold, MALLOC_MMAP_THRESHOLD) == 1
        ok &= libc.mallopt(m_trim_threshold, MALLOC_TRIM_THRESHOLD) == 1
        return bool(ok)
    except (OSError, AttributeError):
        return False


def value_for_money(model: PovertyModel, baseline: PovertyModel) -> dict[str, float]:
    """Value for money of ``model`` against a finished same-seed ``baseline`` (no_programs).

    See ``sim.metrics.value_for_money_frames`` for the keys. Raises ValueError when the two
    runs differ in seed or horizon, since the comparison is only meaningful when paired.
    """
    if model.seed != baseline.seed:
        raise ValueError(
            f"value for money pairs runs with the same seed, got {model.seed} and {baseline.seed}"
        )
    return metrics.value_for_money_frames(model.timeseries(), baseline.timeseries())


class PovertyModel(mesa.Model):
    """A district's households month by month.

    Args:
        scenario: The Sinergi scenario (``sim.load_scenario``); kept as ``model.config``
            (Mesa 3.5 reserves ``model.scenario`` for its own Scenario class).
        rng: Seed of the run (a non-negative integer). Every random decision draws from a
            named stream derived from it (``sim.randomness``).
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
        tune_allocator()
        self.config = scenario
        self.seed = int(rng)
        n = scenario.population.households
        self.streams = Streams(self.seed)
        self.households: Households = synthesize(scenario, self.streams)
        self.subdistricts = dynamics.SubdistrictState.empty(scenario)
        self.lines = poverty_lines(scenario, self.households.urban)
        self._gov_background = 0.0
        self.coalition = Coalition(self, scenario, self.households, self.lines, self.streams)
        self._gini_order: np.ndarray | None = None
        self._buffers: tuple[np.ndarray, ...] | None = None
        # the Gini's sort runs on a second thread in large runs (GINI_THREAD_HOUSEHOLDS)
        self._gini_pending: tuple[Any, dict[str, Any], tuple[float, ...]] | None = None
        self._gini_pool: ThreadPoolExecutor | None = None
        self._gini_request: tuple[dict[str, Any], tuple[float, ...]] | None = None
        self._was_poor = self.households.consumption_pc < self.lines
        self._rows: list[dict[str, Any]] = []
        self._sub_p0: list[np.ndarray] = []
        self._eq_lines = self._equivalence_lines()
        # Mesa's stock plot components (the explorer, sim/app.py) read model.datacollector:
        # a few headline columns of the last timeseries row, collected at each recording.
        self.datacollector = mesa.DataCollector(
            model_reporters={c: [self._last_recorded, [c]] for c in COLLECTED}
        )
        self._record(flows=None)
        self.check = bool(check)
        if accel.enabled and n >= GINI_THREAD_HOUSEHOLDS and not self.check:
            self._gini_pool = ThreadPoolExecutor(1, thread_name_prefix="sinergi-gini")
        if self.check:
            check_month(self)

    def __getstate__(self) -> dict[str, Any]:
        """State for copies and pickles: the Gini finished, no thread pool (a copy runs inline)."""
        self._finish_gini()
        state = self.__dict__.copy()
        state["_gini_pool"] = None
        return state

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
        effects, injected = self.coalition.month(m)
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
        self.coalition.after_month(m)
        self._record(flows=True)
        if self.check:
            check_month(self)

    def run(self) -> PovertyModel:
        """Run ``config.months`` months (from wherever the model is). Returns the model."""
        for _ in range(self.config.months - self.month):
            self.step()
        self._finish_gini()
        return self

    # ----------------------------------------------------------------------------------------
    def _equivalence_lines(self) -> np.ndarray:
        """Lines for equivalised consumption giving the same area headcounts at month 0."""
        hh = self.households
        theta = self.config.measurement.equivalence_elasticity
        y_eq = hh.consumption / hh.members.astype(F32) ** F32(theta)
        y_pc = hh.consumption_pc
        lines = np.empty(hh.n, dtype=F32)
        for area in (True, False):
            mask = hh.urban == area
            if not mask.any():
                continue
            w = hh.persons[mask]
            p0 = metrics.fgt(y_pc[mask], self.lines[mask], 0, weights=w)
            order = np.argsort(y_eq[mask])
            cum = np.cumsum(w[order]) / w.sum()
            i = min(int(np.searchsorted(cum, p0)), order.size - 1)
            lines[mask] = y_eq[mask][order[i]]
        return lines

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
        """The (n, 6) boolean deprivation matrix over ``MPI_INDICATORS``."""
        hh = self.households
        return np.stack(
            [
                hh.adult_schooling < 6,
                hh.n_enrolled < hh.n_school,
                ~hh.insured,
                hh.health_state == 2,
                hh.assets < ASSET_DEPRIVATION,
                hh.consumption_pc < F32(FOOD_LINE_SHARE) * self.lines,
            ],
            axis=1,
        )

    def _household_figures(
        self, flows: bool | None
    ) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
        """The month's figures from the household arrays (numpy; the reference).

        Returns the row so far, per-capita consumption and persons represented. The
        ``poverty_line_nominal`` entry is the person-weighted mean line, not yet indexed.
        """
        hh = self.households
        sc = self.config
        members = hh.members  # computed once: hh.consumption_pc and hh.persons, same numbers
        y = hh.consumption / members
        z = self.lines
        w = members * hh.weight.astype(np.float64)
        row: dict[str, Any] = {"month": self.month}
        s = metrics.poverty_summary(y, z, weights=w)
        row.update(p0=s["p0"], p1=s["p1"], p2=s["p2"], watts=s["watts"])
        # stable_argsort is np.argsort(kind="stable") exactly, faster (sim.sorting)
        if self._gini_order is None:
            self._gini_order = stable_argsort(y)
        else:  # ties keep last month's order
            o = self._gini_order
            self._gini_order = o[stable_argsort(y[o])]
        row["gini"] = metrics.gini(y, weights=w, order=self._gini_order, check_order=False)
        row["mean_consumption"] = float(np.average(y, weights=w))
        for area, mask in (("urban", hh.urban), ("rural", ~hh.urban)):
            if mask.any():
                sa = metrics.poverty_summary(y[mask], z[mask], weights=w[mask])
                row[f"p0_{area}"], row[f"p1_{area}"], row[f"p2_{area}"] = (
                    sa["p0"],
                    sa["p1"],
                    sa["p2"],
                )
                row[f"gini_{area}"] = metrics.gini(y[mask], weights=w[mask])
            else:
                row[f"p0_{area}"] = row[f"p1_{area}"] = row[f"p2_{area}"] = np.nan
                row[f"gini_{area}"] = np.nan
        theta = sc.measurement.equivalence_elasticity
        y_eq = hh.consumption / members.astype(F32) ** F32(theta)
        row["p0_equivalence"] = metrics.fgt(y_eq, self._eq_lines, 0, weights=w)
        h_, a_, m0 = metrics.alkire_foster(self.mpi_deprivations(), MPI_K, weights=w)
        row.update(mpi_h=h_, mpi_a=a_, mpi_m0=m0)
        poor = y < z
        if flows:
            exited = self._was_poor & ~poor
            entered = ~self._was_poor & poor
            # -1 when poor, 0 on exit, else one more month out (-1 stays -1), in place
            months_out = hh.months_out
            np.add(months_out, 1, out=months_out, where=months_out >= 0)
            months_out[exited] = 0
            months_out[poor] = -1
            row["persons_exited"] = float(w[exited].sum())
            row["persons_entered"] = float(w[entered].sum())
            row["exits_lasting_12m"] = float(w[hh.months_out == 12].sum())
        else:
            row["persons_exited"] = row["persons_entered"] = row["exits_lasting_12m"] = 0.0
        self._was_poor = poor
        row["persons"] = float(w.sum())
        row["persons_poor"] = float(w[poor].sum())
        row["mean_household_size"] = float(np.average(members, weights=hh.weight))
        w_hh = hh.weight.astype(np.float64)  # float64 sums (float32 ones lose 1e-7)
        row["enrolment_rate"] = float(
            (hh.n_enrolled * w_hh).sum() / max((hh.n_school * w_hh).sum(), 1e-9)
        )
        row["mean_assets"] = float(np.average(hh.assets, weights=w_hh))
        row["pbi_persons"] = float(w[hh.pbi].sum())
        self._sub_p0.append(
            metrics.fgt_by_group(y, z, 0, hh.subdistrict, sc.population.subdistricts, weights=w)
        )
        row["poverty_line_nominal"] = float(np.average(z, weights=w))
        return row, y, w

    def _household_figures_compiled(
        self, flows: bool | None
    ) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
        """:meth:`_household_figures` in two compiled passes (``sim.recording``).

        The same figures up to the order of floating-point additions (about 1e-15 relative;
        ``tests/test_accel.py``). The per-capita consumption and persons arrays are buffers
        reused from month to month.
        """
        hh, sc, z = self.households, self.config, self.lines
        n, n_sub = hh.n, sc.population.subdistricts
        if self._buffers is None:
            self._buffers = (
                np.empty(n, dtype=F32),
                np.empty(n, dtype=np.float64),
                np.empty(n_sub, dtype=np.float64),
                np.empty(n_sub, dtype=np.float64),
            )
            self._was_poor = np.array(self._was_poor, dtype=bool)  # updated in place
            # members ** theta by size, as numpy computes it (members are at most 90)
            theta = F32(sc.measurement.equivalence_elasticity)
            self._eq_scale = np.arange(128, dtype=np.int16).astype(F32) ** theta
        self._finish_gini()  # it reads the buffers this pass overwrites
        y, w, sub_poor, sub_persons = self._buffers
        sums = recording.household_pass(
            hh.consumption,
            hh.n_young,
            hh.n_school,
            hh.n_adult,
            hh.n_elderly,
            hh.weight,
            z,
            hh.urban,
            self._eq_lines,
            self._eq_scale,
            hh.adult_schooling,
            hh.n_enrolled,
            hh.insured,
            hh.health_state,
            hh.assets,
            hh.pbi,
            hh.subdistrict,
            F32(FOOD_LINE_SHARE),
            F32(ASSET_DEPRIVATION),
            float(MPI_K) - metrics.AF_TOLERANCE,
            self._was_poor,
            hh.months_out,
            bool(flows),
            y,
            w,
            sub_poor,
            sub_persons,
        )
        S = dict(zip(recording.SUMS, sums.tolist(), strict=True))
        if S["p0"] > 0 and S["poor_min_y"] <= 0:
            raise ValueError(
                "Watts index needs y > 0 for all poor units (found non-positive y below the line)"
            )
        total = S["persons"]
        row: dict[str, Any] = {"month": self.month}
        row.update(
            p0=S["p0"] / total, p1=S["p1"] / total, p2=S["p2"] / total, watts=S["watts"] / total
        )
        row["gini"] = np.nan  # filled by _gini_job (below), in this key order
        row["mean_consumption"] = S["wy"] / total
        for area in ("urban", "rural"):
            t = S[f"persons_{area}"]
            if t > 0:
                row[f"p0_{area}"] = S[f"p0_{area}"] / t
                row[f"p1_{area}"] = S[f"p1_{area}"] / t
                row[f"p2_{area}"] = S[f"p2_{area}"] / t
                row[f"gini_{area}"] = np.nan  # filled by _gini_job
            else:
                row[f"p0_{area}"] = row[f"p1_{area}"] = row[f"p2_{area}"] = np.nan
                row[f"gini_{area}"] = np.nan
        row["p0_equivalence"] = S["p0_equivalence"] / total
        h_ = S["mpi_poor"] / total
        a_ = S["mpi_score"] / S["mpi_poor"] if S["mpi_poor"] > 0 else 0.0
        row.update(mpi_h=h_, mpi_a=a_, mpi_m0=h_ * a_)
        if flows:
            row["persons_exited"] = S["exited"]
            row["persons_entered"] = S["entered"]
            row["exits_lasting_12m"] = S["lasting_12m"]
        else:
            row["persons_exited"] = row["persons_entered"] = row["exits_lasting_12m"] = 0.0
        row["persons"] = total
        row["persons_poor"] = S["p0"]
        row["mean_household_size"] = S["members_weight"] / S["weight"]
        row["enrolment_rate"] = S["enrolled_weight"] / max(S["school_weight"], 1e-9)
        row["mean_assets"] = S["assets_weight"] / S["weight"]
        row["pbi_persons"] = S["pbi_persons"]
        sub = np.full(n_sub, np.nan)
        np.divide(sub_poor, sub_persons, out=sub, where=sub_persons > 0)
        self._sub_p0.append(sub)
        row["poverty_line_nominal"] = S["line_weight"] / total
        totals = (total, S["persons_urban"], S["persons_rural"])
        if self._gini_pool is not None:  # _record submits it once the month's passes are done
            self._gini_request = (row, totals)
        else:
            self._fill_gini(row, totals, self._gini_sums(totals))
        return row, y, w

    def _gini_sums(self, totals: tuple[float, float, float]) -> np.ndarray:
        """Re-sort consumption from last month's order and take the Gini sums (recording)."""
        y, w = self._buffers[0], self._buffers[1]
        urban = self.households.urban
        if self._gini_order is None:
            self._gini_order = stable_argsort(y)
        else:  # ties keep last month's order; the old order is freed as it is replaced
            key = sorted_keys(y, self._gini_order)
            if key is not None:  # the sums and the new order in one pass over the keys
                sums = recording.gini_reorder_pass(key, self._gini_order, w, urban, *totals)
                self._gini_order = key.view(np.intp)
                return sums
            self._gini_order = reorder(y, self._gini_order)
        return recording.gini_pass(y, w, self._gini_order, urban, *totals)

    @staticmethod
    def _fill_gini(row: dict[str, Any], totals: tuple[float, ...], g: np.ndarray) -> None:
        row["gini"] = recording.gini_from_sums(g[0], g[1], totals[0])
        for k, area in enumerate(("urban", "rural")):
            if totals[1 + k] > 0:
                row[f"gini_{area}"] = recording.gini_from_sums(
                    g[2 + 2 * k], g[3 + 2 * k], totals[1 + k]
                )

    def _finish_gini(self) -> None:
        """Wait for the last month's Gini (computed on a second thread) and record it."""
        if self._gini_pending is not None:
            fut, row, totals = self._gini_pending
            self._gini_pending = None
            self._fill_gini(row, totals, fut.result())

    def _record(self, flows: bool | None) -> None:
        self._finish_gini()
        if accel.enabled:
            row, y, w = self._household_figures_compiled(flows)
        else:
            row, y, w = self._household_figures(flows)
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
        self._rows.append(row)
        self.datacollector.collect(self)
        if self._gini_request is not None:  # on the second core, while the next month runs
            row, totals = self._gini_request
            self._gini_request = None
            self._gini_pending = (self._gini_pool.submit(self._gini_sums, totals), row, totals)

    def _last_recorded(self, column: str) -> float:
        """The value of ``column`` in the last timeseries row (a DataCollector reporter)."""
        if column.startswith("gini"):  # the only figures completed later (_finish_gini)
            self._finish_gini()
        return float(self._rows[-1][column])

    # ----------------------------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        """Monthly results: ``months + 1`` rows, month 0 the starting population.

        Columns are documented in ``docs/outputs.md`` (rates as fractions; money in rupiah per
        capita per month at March 2024 prices; persons are real persons represented).
        """
        self._finish_gini()
        return pd.DataFrame(self._rows)

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
        arr = np.array(self._sub_p0)
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

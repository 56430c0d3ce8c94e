"""The compiled household-dynamics kernels (sim.kernels) against the numpy reference, bit for bit.

Each accelerated function of ``sim.rng``, ``sim.dynamics`` and ``sim.world`` runs
twice on copies of the same households, once with ``kernels.disabled()`` (numpy, the reference)
and once with ``kernels.forced()`` (the kernels); every returned array and every household array
must be equal in its bytes (not only in value: the sign of a zero and the NaN payload too).
Whole scenarios are compared the same way, with the monthly recording kept on the numpy side
(its compiled version sums in another order and is tested in tests/test_accel.py).
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pytest

import sim
from sim import dynamics, kernels
from sim.dynamics.demography import _DRAWS, _draw_counts, _probabilities
from sim.dynamics.elementwise import fmax, fmin
from sim.rng.binomial import binomial_from_uniform
from sim.world import distribution, government, registry
from sim.world.households import Households

pytestmark = pytest.mark.skipif(not kernels.AVAILABLE, reason="numba not installed")


# ------------------------------------------------------------------------------------------------
# helpers


def _copy(hh: Households) -> Households:
    return replace(hh, **{f.name: getattr(hh, f.name).copy() for f in fields(hh)})


def _same_bits(a, b, what: str = "") -> None:
    a, b = np.atleast_1d(np.asarray(a)), np.atleast_1d(np.asarray(b))
    assert a.dtype == b.dtype, (what, a.dtype, b.dtype)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8), err_msg=what)


def _same_households(a: Households, b: Households) -> None:
    for f in fields(a):
        _same_bits(getattr(a, f.name), getattr(b, f.name), f.name)


def _both_ways(func, hh: Households):
    """Run ``func`` on copies of ``hh`` with numpy and with the kernels; compare everything."""
    ref, fast = _copy(hh), _copy(hh)
    with kernels.disabled():
        out_ref = func(ref)
    with kernels.forced():
        out_fast = func(fast)
    if isinstance(out_ref, tuple):
        for x, y in zip(out_ref, out_fast, strict=True):
            _same_bits(x, y, "returned")
    elif out_ref is not None:
        _same_bits(out_ref, out_fast, "returned")
    _same_households(ref, fast)
    return ref


def _school_start(sc) -> int:
    return next(
        m
        for m in range(1, 13)
        if dynamics.calendar_month(sc, m) == sc.schooling.school_year_calendar_month
    )


def _with_edge_cases(hh: Households, seed: int) -> Households:
    """Households with empty age groups, empty households and very large ones."""
    rng = np.random.default_rng(seed)
    hh = _copy(hh)
    for name in ("n_young", "n_school", "n_adult", "n_elderly"):
        a = getattr(hh, name)
        a[rng.random(hh.n) < 0.25] = 0
        big = rng.random(hh.n) < 0.02
        a[big] = rng.integers(5, 21, big.sum())
    hh.n_young[:7] = hh.n_school[:7] = hh.n_adult[:7] = hh.n_elderly[:7] = 0  # nobody
    hh.n_adult[7:10] = 30
    hh.n_enrolled[:] = np.minimum(hh.n_enrolled, hh.n_school)
    hh.sick_months[rng.random(hh.n) < 0.1] = 3
    hh.savings[::5] = 0
    hh.assets[::7] = 0
    return hh


@pytest.fixture(scope="module")
def model():
    """A full_synergy model of 3,000 households after a few months."""
    sc = sim.load_scenario("full_synergy", overrides={"population.households": 3_000, "months": 6})
    m = sim.PovertyModel(sc, rng=4)
    for _ in range(3):
        m.step()
    return m


# ------------------------------------------------------------------------------------------------
# binomial draws


@pytest.mark.parametrize("seed", range(6))
def test_binomial_scalar_p_identical(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5_000))
    hi = (1, 3, 12, 30, 127, 1_000)[seed]
    trials = rng.integers(0, hi + 1, n).astype(np.int16 if hi > 127 else np.int8)
    u = rng.random(n)
    u[: n // 4] = 0.0  # u = 0 never reaches past P(X = 0)
    for p in (0.0, 1.0, 1e-300, 1e-9, 1 / 108, 1 / 7, 0.5, 0.999, 1 - 1e-12, -0.5, 1.5, np.nan):
        with kernels.disabled():
            ref = binomial_from_uniform(trials, p, u)
        with kernels.forced():
            fast = binomial_from_uniform(trials, p, u)
        _same_bits(ref, fast, f"p={p}")


@pytest.mark.parametrize("seed", range(4))
def test_binomial_array_p_identical(seed):
    rng = np.random.default_rng(100 + seed)
    n = 4_000
    trials = rng.integers(0, (2, 9, 40, 300)[seed], n).astype(np.int64)
    u = rng.random(n)
    p = rng.random(n)
    p[rng.random(n) < 0.1] = 0.0
    p[rng.random(n) < 0.1] = 1.0
    p[rng.random(n) < 0.05] = np.nan
    p[:5] = (-1.0, 2.0, 1e-300, 1 - 1e-16, 0.5)
    for pp in (p, p.astype(np.float32), np.float32(0.3), np.array(0.2), p[:1]):
        with kernels.disabled():
            ref = binomial_from_uniform(trials, pp, u)
        with kernels.forced():
            fast = binomial_from_uniform(trials, pp, u)
        _same_bits(ref, fast)


def test_binomial_empty_and_all_zero_trials():
    for trials in (np.zeros(0, dtype=np.int8), np.zeros(50, dtype=np.int8)):
        u = np.linspace(0, 0.999, trials.size)
        for p in (0.3, 1.0, np.full(trials.size, 0.3)):
            with kernels.disabled():
                ref = binomial_from_uniform(trials, p, u)
            with kernels.forced():
                fast = binomial_from_uniform(trials, p, u)
            _same_bits(ref, fast)


def test_streams_binomial_identical(model):
    hh = model.households
    for p in (0.01, dynamics.enrolment_probability(model.config, hh)):
        with kernels.disabled():
            ref = model.streams.binomial("test.binomial", 3, hh.n_school, p)
        with kernels.forced():
            fast = model.streams.binomial("test.binomial", 3, hh.n_school, p)
        _same_bits(ref, fast)


# ------------------------------------------------------------------------------------------------
# household dynamics


@pytest.mark.parametrize("edge", [False, True])
def test_demography_identical(model, edge):
    sc = model.config
    hh = _with_edge_cases(model.households, 1) if edge else model.households
    start = _school_start(sc)
    for month in (2, start, start + 12, 5):
        hh = _both_ways(lambda h, m=month: dynamics.demography(sc, h, model.streams, m), hh)


@pytest.mark.parametrize("edge", [False, True])
def test_demography_draws_are_the_streams_binomials(model, edge):
    """The demography's int8 counts are ``streams.binomial``'s (numpy's inversion), draw by draw."""
    sc = model.config
    hh = _with_edge_cases(model.households, 6) if edge else model.households
    at_risk = {
        "young": hh.n_young,
        "school": hh.n_school,
        "adult": hh.n_adult,
        "elderly": hh.n_elderly,
        "extra": np.maximum(hh.n_adult.astype(np.int16) - 2, 0),
    }
    draws = tuple(zip(_DRAWS, _probabilities(sc), strict=True))
    for month in (2, _school_start(sc)):
        counts = _draw_counts(sc, hh, model.streams, month, True)
        with kernels.disabled():
            for j, ((name, group), p) in enumerate(draws):
                ref = model.streams.binomial(f"demography.{name}", month, at_risk[group], p)
                _same_bits(ref.astype(np.int8), counts[j], name)


def test_demography_high_rates_identical():
    sc = sim.load_scenario(
        "no_programs",
        overrides={
            "population.households": 2_000,
            "demography.leave_rate": 0.9,
            "demography.death_rate_adult": 0.5,
            "demography.births_per_adult": 0.8,
        },
    )
    m = sim.PovertyModel(sc, rng=2)
    hh = _with_edge_cases(m.households, 3)
    for month in range(1, 14):
        hh = _both_ways(lambda h, mm=month: dynamics.demography(sc, h, m.streams, mm), hh)


@pytest.mark.parametrize("edge", [False, True])
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # empty households
def test_health_schooling_labour_identical(model, edge):
    sc = model.config
    hh = _with_edge_cases(model.households, 2) if edge else model.households
    for month in range(1, 14):
        hh = _both_ways(lambda h, m=month: dynamics.health_shocks(sc, h, model.streams, m), hh)
        hh = _both_ways(lambda h, m=month: dynamics.schooling(sc, h, model.streams, m), hh)
        _both_ways(lambda h, m=month: dynamics.permanent_labour(sc, h, m), hh)


def test_schooling_share_exhaustive():
    """The enrolled share for every pair of int8 counts (float64 quotient -> float32)."""
    enrolled, school = np.meshgrid(np.arange(128), np.arange(-128, 128), indexing="ij")
    n = enrolled.size
    zeros = np.zeros(n, dtype=np.int8)
    hh = Households(
        **{
            f.name: np.zeros(n, dtype=np.float32)
            for f in fields(Households)
            if f.name not in ("n_enrolled", "n_school", "urban", "subdistrict")
        },
        n_enrolled=enrolled.ravel().astype(np.int8),
        n_school=school.ravel().astype(np.int8),
        urban=np.zeros(n, dtype=bool),
        subdistrict=zeros.astype(np.int16),
    )
    hh.child_schooling[:] = np.linspace(0, 9, n, dtype=np.float32)
    sc = sim.load_scenario("no_programs", overrides={"population.households": 100})
    month = _school_start(sc) + 1  # not a school-year start: only the monthly accumulation
    _both_ways(lambda h: dynamics.schooling(sc, h, None, month), hh)


def test_latent_quantile_identical(model):
    sc = model.config
    rng = np.random.default_rng(7)
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30], dtype=np.float32)
    grid = distribution._quantile_table(
        *(getattr(sc.calibration.urban, k) for k in ("a", "scale", "p", "q")),
        distribution.log_consumption_sd(sc, "urban"),
    )[0]
    for latent in (
        rng.normal(0, 1, 20_000).astype(np.float32),
        np.concatenate([special, rng.normal(0, 6, 5_000).astype(np.float32)]),
        grid.astype(np.float32),  # on (or next to) the grid points
        grid,  # float64 grid points exactly
    ):
        urban = rng.random(latent.size) < 0.5
        for area in (urban, np.ones_like(urban), np.zeros_like(urban)):
            with kernels.disabled():
                ref = distribution.latent_log_quantile(sc, area, latent)
            with kernels.forced():
                fast = distribution.latent_log_quantile(sc, area, latent)
            _same_bits(ref, fast)


def test_consume_and_save_identical(model):
    sc = model.config
    rng = np.random.default_rng(11)
    hh = _with_edge_cases(model.households, 4)
    n = hh.n
    permanent = hh.consumption * rng.uniform(0.5, 1.5, n).astype(np.float32)
    disposable = hh.consumption * rng.uniform(-1.0, 2.0, n).astype(np.float32)
    permanent[::13] = 0
    disposable[::17] = 0
    # signed zeros and NaN: numpy's maximum/minimum/clip return the second operand on ties
    disposable[1::19] = -0.0
    hh.savings[1::19] = -0.0
    permanent[2::23] = -0.0
    hh.assets[3::29] = -0.0
    disposable[4::31] = np.nan
    permanent[5::37] = np.nan
    with np.errstate(invalid="ignore"):
        for _ in range(3):
            hh = _both_ways(
                lambda h: dynamics.consume_and_save(sc, h, permanent, disposable, model.lines), hh
            )


def test_min_max_helpers_follow_numpy():
    """The kernels' maximum/minimum: numpy's choice of operand for signed zeros and NaNs."""
    pay1 = np.array([0x7FC00001], dtype=np.uint32).view(np.float32)[0]
    pay2 = np.array([0x7FC00002], dtype=np.uint32).view(np.float32)[0]
    values = np.array([-0.0, 0.0, 1.0, -1.0, np.inf, -np.inf, pay1, pay2], dtype=np.float32)
    a, b = (x.ravel() for x in np.meshgrid(values, values, indexing="ij"))
    with kernels.forced():
        most = np.array([fmax(x, y) for x, y in zip(a, b, strict=True)], np.float32)
        least = np.array([fmin(x, y) for x, y in zip(a, b, strict=True)], np.float32)
    _same_bits(np.maximum(a, b), most, "maximum")
    _same_bits(np.minimum(a, b), least, "minimum")


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"government.pkh.enabled": False},
        {"government.bpnt.enabled": False, "government.pbi_jkn.enabled": False},
    ],
)
def test_targeting_and_registry_identical(model, overrides):
    sc = sim.load_scenario("full_synergy", overrides={"population.households": 3_000, **overrides})
    hh = _copy(model.households)
    hh.registry_score[::3] = hh.registry_score[0]  # ties: index order
    hh.n_young[::4] = hh.n_school[::4] = hh.n_elderly[::4] = 0  # no PKH component
    _both_ways(lambda h: government.target_government_programmes(sc, h), hh)
    with np.errstate(divide="ignore", invalid="ignore"):
        for share in (1 / 12, 0.5, 1.0):
            _both_ways(lambda h, s=share: registry.refresh_registry(sc, h, model.streams, 5, s), hh)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"government.pkh.enabled": False},
        {"government.bpnt.enabled": False},
        {"government.pkh.max_components": 2, "government.pkh.benefit_elderly": 123_456.7},
        {"health.insured_oop_covered": 0.3, "health.minor_cost": 12_345.6},
    ],
)
def test_transfers_and_expected_health_identical(model, overrides):
    sc = sim.load_scenario("full_synergy", overrides={"population.households": 3_000, **overrides})
    hh = _with_edge_cases(model.households, 5)
    hh.pkh[::3] = True
    hh.bpnt[::4] = True
    hh.insured[::5] = True
    _both_ways(lambda h: government.government_transfers(sc, h), hh)
    _both_ways(lambda h: dynamics.expected_health_cost(sc, h), hh)
    _both_ways(lambda h: dynamics.shock_factor(sc, h), hh)


def test_shocks_and_spillovers_identical(model):
    sc = model.config
    rng = np.random.default_rng(13)
    hh = model.households
    for month in range(4, 8):
        hh = _both_ways(lambda h, m=month: dynamics.persistent_shocks(sc, h, model.streams, m), hh)
    n_sub = sc.population.subdistricts
    earned = (hh.income_labour + hh.income_assets) * rng.uniform(0.5, 1.5, hh.n).astype(np.float32)
    recipients = rng.random(hh.n) < 0.3
    for mask in (recipients, ~recipients, np.zeros(hh.n, dtype=bool)):
        _both_ways(lambda h, k=mask: dynamics.local_gdp(sc, h, k), hh)
        _both_ways(lambda h, k=mask: dynamics.local_gdp(sc, h, k, earned), hh)
    for injected in (np.zeros(n_sub), rng.uniform(0, 1e9, n_sub)):
        for who in (None, recipients):

            def spill(h, inj=injected, r=who):
                state = dynamics.SubdistrictState.empty(sc)
                state.injections[1] = rng_fixed(n_sub)
                return dynamics.spillover_factor(sc, h, state, inj, 3, r, earned)

            _both_ways(spill, hh)


@pytest.mark.parametrize("overrides", [{}, {"assets.trap_strength": 0}])
def test_income_factors_identical(model, overrides):
    sc = sim.load_scenario("full_synergy", overrides={"population.households": 3_000, **overrides})
    hh = model.households
    k = np.concatenate(
        [
            np.array([0.0, -0.0, -5.0, 1.0, 3e38, np.inf, np.nan], dtype=np.float32),
            hh.assets,
            hh.assets * np.float32(37.0),
        ]
    )
    with np.errstate(invalid="ignore", over="ignore"):
        with kernels.disabled():
            ref = dynamics.asset_income(sc, k)
        with kernels.forced():
            fast = dynamics.asset_income(sc, k)
    _same_bits(ref, fast)
    for month in range(1, 13):
        _both_ways(lambda h, m=month: dynamics.harvest_factor(sc, h, m), hh)
        _both_ways(lambda h, m=month: dynamics.transitory_factor(sc, h, model.streams, m), hh)


def rng_fixed(n: int) -> np.ndarray:
    """The same injections for both runs of a comparison (rupiah per sub-district)."""
    return np.random.default_rng(21).uniform(0, 5e8, n)


# ------------------------------------------------------------------------------------------------
# whole scenarios


@pytest.fixture
def numpy_recording(monkeypatch):
    """Keep the monthly recording on numpy (its kernel is tested in tests/test_accel.py)."""
    record = getattr(sim.PovertyModel, "_record", None)
    if record is not None:

        def reference_record(self, *args, **kwargs):
            with kernels.disabled():
                return record(self, *args, **kwargs)

        monkeypatch.setattr(sim.PovertyModel, "_record", reference_record)


@pytest.mark.parametrize("name", ["full_synergy", "no_programs"])
def test_scenario_identical(name, numpy_recording):
    sc = sim.load_scenario(name, overrides={"population.households": 2_000, "months": 24})
    with kernels.disabled():
        ref = sim.PovertyModel(sc, rng=1).run()
    with kernels.forced():
        fast = sim.PovertyModel(sc, rng=1).run()
    _same_households(ref.households, fast.households)
    assert ref.timeseries().equals(fast.timeseries())

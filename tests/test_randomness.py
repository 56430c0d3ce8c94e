import numpy as np
import pytest
from scipy import stats

import sim
from sim import kernels
from sim.rng import counter
from sim.rng.binomial import binomial_from_uniform
from sim.rng.streams import Streams
from tests.conftest import small


def test_streams_depend_only_on_seed_decision_month():
    a, b = Streams(7), Streams(7)
    assert np.array_equal(a.normal("x", 3, 100), b.normal("x", 3, 100))
    assert not np.array_equal(a.normal("x", 3, 100), a.normal("x", 4, 100))
    assert not np.array_equal(a.normal("x", 3, 100), a.normal("y", 3, 100))
    assert not np.array_equal(a.normal("x", 3, 100), Streams(8).normal("x", 3, 100))
    # a household's draw does not depend on how many households draw
    assert np.array_equal(a.uniform("x", 1, 50), a.uniform("x", 1, 500)[:50])


@pytest.mark.parametrize(
    ("trials", "p"),
    [
        (1, 0.3),
        (2, 0.5),
        (3, 0.1),
        (4, 0.002),
        (4, 1 / 108),
        (8, 0.4),
        (12, 0.05),
        (5, 1.0),
        (3, 0.0),
    ],
)
def test_binomial_from_uniform_is_exact(trials, p):
    rng = np.random.default_rng(0)
    n = 400_000
    draws = binomial_from_uniform(np.full(n, trials), p, rng.random(n))
    assert draws.min() >= 0 and draws.max() <= trials
    expected = stats.binom.pmf(np.arange(trials + 1), trials, p)
    observed = np.bincount(draws, minlength=trials + 1) / n
    assert (
        np.abs(observed - expected).max()
        < 4 * np.sqrt(expected.max() * (1 - expected.max()) / n) + 1e-12
    )


def test_scenarios_differing_elsewhere_leave_household_shocks_identical():
    # BPNT's benefit changes some households' income, never anyone's luck
    a = sim.PovertyModel(small(3_000, 12), rng=5).run()
    b = sim.PovertyModel(small(3_000, 12, **{"government.bpnt.benefit": 400_000.0}), rng=5).run()
    assert np.array_equal(a.households.persistent_shock, b.households.persistent_shock)
    assert np.array_equal(a.households.sick_months, b.households.sick_months)
    assert not np.array_equal(a.households.consumption, b.households.consumption)


def test_same_seed_same_run_different_seed_different_run():
    a = sim.PovertyModel(small(2_000, 6), rng=1).run().timeseries()
    b = sim.PovertyModel(small(2_000, 6), rng=1).run().timeseries()
    c = sim.PovertyModel(small(2_000, 6), rng=2).run().timeseries()
    assert a.equals(b)
    assert not a.equals(c)


# ----------------------------------------------------------------- counter-based draws ---
KEY = (np.uint64(0x243F6A8885A308D3), np.uint64(0x13198A2E03707344))


@pytest.mark.parametrize("kind", ["uniform32", "uniform64", "normal32"])
def test_counter_draws_are_the_same_bits_compiled_and_numpy(kind):
    n = 300_000  # about 3,600 normals take the rejection path, a hundred the tail
    with kernels.forced(True):
        a = getattr(counter, kind)(*KEY, n)
    with kernels.disabled():
        b = getattr(counter, kind)(*KEY, n)
    assert a.dtype == b.dtype and np.array_equal(a, b)


def test_counter_draws_of_a_subset_are_the_full_draws_at_those_indices():
    idx = np.array([0, 5, 17, 299_999, 123_456, 5], dtype=np.int64)  # any order, repeats
    for on in (True, False):
        with kernels.forced(on):
            assert np.array_equal(
                counter.normal32_of(*KEY, idx), counter.normal32(*KEY, 300_000)[idx]
            )
            assert np.array_equal(
                counter.uniform32_of(*KEY, idx), counter.uniform32(*KEY, 300_000)[idx]
            )
    s = Streams(11)
    assert np.array_equal(s.normal_of("x", 2, idx), s.normal("x", 2, 300_000)[idx])
    assert np.array_equal(s.uniform_of("x", 2, idx), s.uniform("x", 2, 300_000)[idx])


def test_counter_draws_do_not_depend_on_the_number_of_threads():
    n = 200_000
    before = counter.normal32(*KEY, n), counter.uniform64(*KEY, n)
    with kernels.one_thread():
        after = counter.normal32(*KEY, n), counter.uniform64(*KEY, n)
    assert all(np.array_equal(x, y) for x, y in zip(before, after, strict=True))


def test_counter_normals_are_standard_normal():
    n = 2_000_000
    x = counter.normal32(*KEY, n).astype(np.float64)
    assert stats.kstest(x, "norm").pvalue > 1e-3
    assert abs(x.mean()) < 4 / np.sqrt(n)
    assert abs(x.var() - 1) < 4 * np.sqrt(2 / n)
    assert abs(stats.skew(x)) < 4 * np.sqrt(6 / n)
    assert abs(stats.kurtosis(x)) < 4 * np.sqrt(24 / n)
    # the tail beyond the ziggurat's base layer, r = 3.654, is its own algorithm
    p_tail = 2 * stats.norm.sf(counter.ZIG_R)
    tail = np.abs(x) > counter.ZIG_R
    assert abs(tail.mean() - p_tail) < 4 * np.sqrt(p_tail / n)
    assert stats.kstest(np.abs(x[tail]), stats.truncnorm(counter.ZIG_R, np.inf).cdf).pvalue > 1e-3
    # chi-square over 200 equiprobable bins: no layer of the ziggurat is over- or under-drawn
    counts = np.bincount(np.minimum((stats.norm.cdf(x) * 200).astype(int), 199), minlength=200)
    assert stats.chisquare(counts).pvalue > 1e-3


def test_counter_uniforms_are_uniform_and_streams_independent():
    n = 2_000_000
    u = counter.uniform32(*KEY, n)
    assert u.min() >= 0 and u.max() < 1
    assert np.all(u * np.float32(2**24) == np.floor(u * np.float32(2**24)))  # 24-bit grid
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    d = counter.uniform64(*KEY, n)
    assert stats.kstest(d, "uniform").pvalue > 1e-3
    # neighbouring households, and the same household in neighbouring streams, are uncorrelated
    s = Streams(3)
    a, b, c = s.uniform("x", 1, n), s.uniform("x", 2, n), s.uniform("y", 1, n)
    bound = 5 / np.sqrt(n)
    for x, y in ((a[:-1], a[1:]), (a, b), (a, c)):
        assert abs(np.corrcoef(x, y)[0, 1]) < bound
    # pairs of successive households fill the unit square evenly (20 x 20 cells)
    cells = (a[0::2] * 20).astype(int) * 20 + (a[1::2] * 20).astype(int)
    assert stats.chisquare(np.bincount(cells, minlength=400)).pvalue > 1e-3

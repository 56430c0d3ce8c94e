import numpy as np
import pytest
from scipy import stats

import sim
from sim.randomness import Streams, binomial_from_uniform
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

"""The compiled kernels (sim.kernels) against the numpy reference, whole runs.

Every scenario's run on both paths is held to the regression baseline by
``tests/test_regression.py``; here a run at three recording chunks on all threads, and the
compiled recording against the numpy one on the same households.

The monthly recording (sim.measures.passes) sums in a different order from numpy's pairwise sums, so
its figures agree to rounding (held here to 1e-12 relative); everything that feeds the
simulation's state is identical bit for bit (test_accel_dynamics, test_accel_institutions).
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
import sim.kernels.compile
from sim import kernels

pytestmark = pytest.mark.skipif(not kernels.AVAILABLE, reason="numba not installed")


def _run(name: str, on: bool, households: int = 2_000, months: int = 24, seed: int = 1):
    sc = sim.load_scenario(name, overrides={"population.households": households, "months": months})
    with kernels.forced(on):
        return sim.PovertyModel(sc, rng=seed).run()


def test_parallel_kernels_match_numpy(monkeypatch):
    """Every parallel kernel on all threads, the recording over three chunks of households."""
    monkeypatch.setattr(sim.kernels.compile, "PARALLEL_MIN", 0)
    n = 2 * sim.measures.passes.CHUNK + 5_000
    _assert_same(_run("full_synergy", True, n, 4), _run("full_synergy", False, n, 4))


def _assert_same(fast: sim.PovertyModel, ref: sim.PovertyModel) -> None:
    """Recorded figures to 1e-12 relative, the household state bit for bit."""
    a, b = fast.timeseries(), ref.timeseries()
    assert list(a.columns) == list(b.columns)
    for col in a.columns:
        np.testing.assert_allclose(
            a[col].to_numpy(dtype=float),
            b[col].to_numpy(dtype=float),
            rtol=1e-12,
            atol=1e-15,
            err_msg=col,
        )
    np.testing.assert_array_equal(fast.households.months_out, ref.households.months_out)
    np.testing.assert_array_equal(fast.record.was_poor, ref.record.was_poor)
    np.testing.assert_allclose(
        fast.subdistrict_timeseries().to_numpy(dtype=float),
        ref.subdistrict_timeseries().to_numpy(dtype=float),
        rtol=1e-12,
    )
    # the household state is the same bit for bit (recording never feeds back)
    for field in (
        "consumption",
        "assets",
        "savings",
        "skill",
        "child_schooling",
        "adult_schooling",
        "registry_score",
        "income_labour",
        "income_assets",
        "income_transfers",
        "n_adult",
        "n_enrolled",
    ):
        np.testing.assert_array_equal(
            getattr(fast.households, field), getattr(ref.households, field)
        )


def test_recording_without_flows_and_one_area():
    """An all-rural population (no urban households): NaN urban figures both ways."""
    over = {"population.households": 500, "months": 3, "population.urban_subdistricts": 0}
    sc = sim.load_scenario("competition", overrides=over)
    with kernels.forced(True):
        a = sim.PovertyModel(sc, rng=2).run().timeseries()
    with kernels.disabled():
        b = sim.PovertyModel(sc, rng=2).run().timeseries()
    assert a["gini_urban"].isna().all() and a["p0_urban"].isna().all()
    np.testing.assert_allclose(
        a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("n", [2, 3, 17, 1_000, 50_001])
def test_reorder_is_the_stable_refresh(n):
    from sim.kernels.sorting import reorder

    rng = np.random.default_rng(n)
    for _ in range(4):
        v = rng.normal(size=n).astype(np.float32)
        v[rng.random(n) < 0.3] = v[0]  # ties: they keep the old order
        v[rng.random(n) < 0.05] = -0.0
        v[rng.random(n) < 0.05] = 0.0
        v[rng.random(n) < 0.02] = np.inf
        order = rng.permutation(n).astype(np.intp)
        expected = order[np.argsort(v[order], kind="stable")]
        with kernels.forced(True):
            np.testing.assert_array_equal(reorder(v, order), expected)
        with kernels.disabled():
            np.testing.assert_array_equal(reorder(v, order), expected)
    v[1] = np.nan  # NaN: the numpy fallback, same answer as numpy
    with kernels.forced(True):
        np.testing.assert_array_equal(reorder(v, order), order[np.argsort(v[order], kind="stable")])

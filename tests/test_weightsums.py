import numpy as np
import pytest

from sim.institutions.weightsums import WeightSums


@pytest.mark.parametrize("seed", range(20))
def test_counting_equals_np_sum_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 100_000))
    values = rng.uniform(0.1, 300, int(rng.integers(1, 5))).astype(np.float32)
    w = values[rng.integers(0, values.size, n)]
    rows = int(rng.integers(1, 10))
    ws = WeightSums(w, rows * n)
    assert ws.exact
    mask = rng.random((rows, n)) < rng.random()
    assert ws.total(mask) == float((mask * w.astype(np.float64)).sum())
    assert ws.total(mask[0]) == float(w.astype(np.float64)[mask[0]].sum())
    assert ws.total(np.zeros(n, dtype=bool)) == 0.0


def test_not_exact_when_values_are_too_many_or_too_far_apart():
    rng = np.random.default_rng(0)
    assert not WeightSums(rng.random(100).astype(np.float32), 100).exact
    assert not WeightSums(np.array([1.0, 1e-30], dtype=np.float32), 10).exact
    assert not WeightSums(np.array([1.0, 2.0]), 10).exact  # float64 weights: no guarantee
    assert not WeightSums(np.array([0.0, 1.0], dtype=np.float32), 10).exact

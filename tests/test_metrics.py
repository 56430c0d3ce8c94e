"""Tests for sim.measures: MODEL.md test vectors, properties and input validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim.measures import (
    alkire_foster,
    fgt,
    fgt_by_group,
    gini,
    poverty_summary,
    watts,
)

VECTOR_A = np.array([1, 2, 3, 4, 6, 8, 10, 14, 20, 32], dtype=float)
Z_A = 5.0

AF_ACHIEVEMENTS = np.array(
    [[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]], dtype=float
)
AF_CUTOFFS = np.array([13, 12, 3, 1], dtype=float)

SETTINGS = settings(max_examples=60, deadline=None)

# Strategies: positive incomes (so Watts is defined), bounded to keep floats well conditioned.
incomes = st.lists(
    st.floats(min_value=0.5, max_value=1000.0, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
)
lines = st.floats(min_value=1.0, max_value=1000.0, allow_nan=False, allow_infinity=False)
int_weights = st.integers(min_value=0, max_value=5)


def _all_measures(y, z, w=None):
    s = poverty_summary(y, z, w)
    return np.array([s["p0"], s["p1"], s["p2"], s["watts"], gini(y, w)])


# ----------------------------------------------------------------------------------------------
# Test vectors (MODEL.md)
# ----------------------------------------------------------------------------------------------


def test_vector_a():
    assert fgt(VECTOR_A, Z_A, 0) == pytest.approx(0.4, abs=1e-12)
    assert fgt(VECTOR_A, Z_A, 1) == pytest.approx(0.2, abs=1e-12)
    assert fgt(VECTOR_A, Z_A, 2) == pytest.approx(0.12, abs=1e-12)
    assert watts(VECTOR_A, Z_A) == pytest.approx(0.325970, abs=1e-6)
    assert gini(VECTOR_A) == pytest.approx(0.48, abs=1e-12)


def test_vector_a_summary_and_float32():
    s = poverty_summary(VECTOR_A, Z_A)
    assert s["p0"] == pytest.approx(0.4)
    assert s["p1"] == pytest.approx(0.2)
    assert s["p2"] == pytest.approx(0.12)
    assert s["watts"] == pytest.approx(0.325970, abs=1e-6)
    y32 = VECTOR_A.astype(np.float32)
    assert fgt(y32, np.float32(Z_A), 2) == pytest.approx(0.12, abs=1e-12)
    assert gini(y32, np.ones(10, dtype=np.float32)) == pytest.approx(0.48, abs=1e-12)
    assert isinstance(gini(y32), float)


def test_poor_is_strictly_below_line():
    assert fgt([5.0, 5.0, 4.0, 6.0], 5.0, 0) == pytest.approx(0.25)


def test_alkire_foster_worked_example():
    deprived = AF_ACHIEVEMENTS < AF_CUTOFFS
    h, a, m0 = alkire_foster(deprived, 0.5)
    assert (h, a, m0) == pytest.approx((0.5, 0.75, 0.375))
    # 0/1 integers are accepted too, and explicit equal dim weights give the same answer.
    assert alkire_foster(deprived.astype(int), 0.5, [1, 1, 1, 1]) == pytest.approx(
        (0.5, 0.75, 0.375)
    )
    # Union (k small) and intersection (k = 1) approaches.
    assert alkire_foster(deprived, 0.25)[0] == pytest.approx(0.75)
    assert alkire_foster(deprived, 1.0) == pytest.approx((0.25, 1.0, 0.25))


def test_alkire_foster_weighted():
    deprived = AF_ACHIEVEMENTS < AF_CUTOFFS
    w = np.array([1, 2, 3, 4])
    h, a, m0 = alkire_foster(deprived, 0.5, weights=w)
    rep = np.repeat(deprived, w, axis=0)
    assert (h, a, m0) == pytest.approx(alkire_foster(rep, 0.5))
    assert h == pytest.approx(0.5)
    assert a == pytest.approx((2 * 0.5 + 3 * 1.0) / 5)


def test_alkire_foster_tolerance_one_sixth():
    deprived = np.array(
        [
            [1, 1, 0, 0, 0, 0],  # 1/6 + 1/6 == 1/3 -> poor at k = 1/3
            [1, 0, 0, 0, 0, 0],  # 1/6 -> not poor
            [0, 0, 0, 0, 0, 0],
        ],
        dtype=bool,
    )
    h, a, m0 = alkire_foster(deprived, 1 / 3)
    assert h == pytest.approx(1 / 3)
    assert a == pytest.approx(1 / 3)
    assert m0 == pytest.approx(1 / 9)
    # Same with explicit (unnormalised) weights summing to 6.
    assert alkire_foster(deprived, 1 / 3, np.ones(6))[0] == pytest.approx(1 / 3)


def test_alkire_foster_tolerance_where_float_sum_falls_short():
    # With 6 equal weights, summing six (or five) 1/6's gives 0.999...9 (0.833...3) which is
    # strictly below k = 1 (5/6) in floating point; the tolerance must still count them as poor.
    all_six = np.ones((1, 6), dtype=bool)
    five = np.array([[1, 1, 1, 1, 1, 0]], dtype=bool)
    v = np.full(6, 1 / 6)
    assert (all_six @ v)[0] < 1.0 and (five @ v)[0] < 5 / 6  # the hazard is real
    assert alkire_foster(all_six, 1.0) == pytest.approx((1.0, 1.0, 1.0))
    assert alkire_foster(five, 5 / 6)[0] == 1.0
    assert alkire_foster(np.ones((1, 12), dtype=bool)[:, :12] & (np.arange(12) < 6), 0.5)[0] == 1.0


def test_alkire_foster_nobody_poor():
    assert alkire_foster(np.zeros((3, 2), dtype=bool), 0.5) == (0.0, 0.0, 0.0)


def test_fgt_by_group_empty_group_is_nan():
    out = fgt_by_group([1.0, 10.0], 5.0, 0, np.array([0, 2]), 3)
    assert out[0] == 1.0 and out[2] == 0.0 and math.isnan(out[1])


def test_gini_edge_cases():
    assert gini([3.0]) == 0.0
    assert gini([2.0, 2.0, 2.0]) == 0.0
    assert gini([0.0, 0.0, 0.0, 1.0]) == pytest.approx(0.75)
    # zero-weight units are ignored
    assert gini([1.0, 100.0, 3.0], [1.0, 0.0, 1.0]) == pytest.approx(gini([1.0, 3.0]))


# ----------------------------------------------------------------------------------------------
# Property tests
# ----------------------------------------------------------------------------------------------


@SETTINGS
@given(y=incomes, z=lines, seed=st.integers(0, 2**32 - 1))
def test_permutation_invariance(y, z, seed):
    y = np.array(y)
    rng = np.random.default_rng(seed)
    w = rng.integers(1, 5, size=y.size).astype(float)
    perm = rng.permutation(y.size)
    np.testing.assert_allclose(
        _all_measures(y[perm], z), _all_measures(y, z), rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(
        _all_measures(y[perm], z, w[perm]), _all_measures(y, z, w), rtol=1e-9, atol=1e-12
    )
    deprived = rng.random((y.size, 4)) < 0.5
    np.testing.assert_allclose(
        alkire_foster(deprived[perm], 0.5, weights=w[perm]),
        alkire_foster(deprived, 0.5, weights=w),
        rtol=1e-9,
        atol=1e-12,
    )


@SETTINGS
@given(y=incomes, z=lines, m=st.integers(2, 4))
def test_replication_invariance(y, z, m):
    y = np.array(y)
    np.testing.assert_allclose(
        _all_measures(np.tile(y, m), z), _all_measures(y, z), rtol=1e-9, atol=1e-12
    )
    deprived = (y[:, None] * np.array([1.0, 2.0, 3.0])) < z
    np.testing.assert_allclose(
        alkire_foster(np.tile(deprived, (m, 1)), 0.5), alkire_foster(deprived, 0.5), atol=1e-12
    )


@SETTINGS
@given(data=st.data(), z=lines)
def test_integer_weights_equal_replicated_sample(data, z):
    y = np.array(data.draw(incomes))
    w = np.array(data.draw(st.lists(int_weights, min_size=y.size, max_size=y.size)))
    assume(w.sum() > 0)
    rep = np.repeat(y, w)
    np.testing.assert_allclose(_all_measures(y, z, w), _all_measures(rep, z), rtol=1e-9, atol=1e-12)
    deprived = (y[:, None] * np.array([1.0, 2.0, 3.0])) < z
    np.testing.assert_allclose(
        alkire_foster(deprived, 1 / 3, weights=w),
        alkire_foster(np.repeat(deprived, w, axis=0), 1 / 3),
        atol=1e-12,
    )


@SETTINGS
@given(
    y=st.lists(st.integers(1, 1000), min_size=1, max_size=40),
    z=st.integers(1, 1000),
    c=st.sampled_from([0.001, 0.25, 3.0, 1000.0, 12345.0]),
    alpha=st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5]),
)
def test_scale_invariance(y, z, c, alpha):
    y = np.array(y, dtype=float)
    assert fgt(y * c, z * c, alpha) == pytest.approx(fgt(y, z, alpha), rel=1e-9, abs=1e-12)
    assert watts(y * c, z * c) == pytest.approx(watts(y, z), rel=1e-9, abs=1e-12)
    assert gini(y * c) == pytest.approx(gini(y), rel=1e-9, abs=1e-12)


@SETTINGS
@given(
    y=st.lists(st.integers(0, 1000), min_size=2, max_size=30, unique=True),
    data=st.data(),
)
def test_gini_transfer_principle(y, data):
    ys = np.sort(np.array(y, dtype=float))
    n = ys.size
    i = data.draw(st.integers(0, n - 2))
    j = data.draw(st.integers(i + 1, n - 1))
    if j == i + 1:
        room = (ys[j] - ys[i]) / 2
    else:
        room = min(ys[i + 1] - ys[i], ys[j] - ys[j - 1])
    d = room * data.draw(st.floats(0.01, 1.0))
    after = ys.copy()
    after[i] += d
    after[j] -= d
    assert np.all(np.diff(after) >= 0)  # rank preserving
    assert gini(after) < gini(ys)


@SETTINGS
@given(y=incomes, z=lines, alpha=st.floats(0.0, 5.0))
def test_fgt_ordering(y, z, alpha):
    p0, p1, p2 = fgt(y, z, 0), fgt(y, z, 1), fgt(y, z, 2)
    assert 0.0 <= p2 <= p1 + 1e-15 and p1 <= p0 + 1e-15 and p0 <= 1.0
    pa = fgt(y, z, alpha)
    assert 0.0 <= pa <= p0 + 1e-15


@SETTINGS
@given(data=st.data())
def test_area_lines_decompose(data):
    n_groups = data.draw(st.integers(1, 4))
    y = np.array(data.draw(incomes))
    group = np.array(
        data.draw(st.lists(st.integers(0, n_groups - 1), min_size=y.size, max_size=y.size))
    )
    line_of = np.array(data.draw(st.lists(lines, min_size=n_groups, max_size=n_groups)))
    w = np.array(data.draw(st.lists(st.integers(1, 5), min_size=y.size, max_size=y.size)), float)
    z = line_of[group]
    for alpha in (0.0, 1.0, 2.0):
        expected = (
            sum(
                w[group == g].sum() * fgt(y[group == g], line_of[g], alpha, w[group == g])
                for g in range(n_groups)
                if (group == g).any()
            )
            / w.sum()
        )
        assert fgt(y, z, alpha, w) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    expected_w = (
        sum(
            w[group == g].sum() * watts(y[group == g], line_of[g], w[group == g])
            for g in range(n_groups)
            if (group == g).any()
        )
        / w.sum()
    )
    assert watts(y, z, w) == pytest.approx(expected_w, rel=1e-9, abs=1e-12)


@SETTINGS
@given(data=st.data(), alpha=st.sampled_from([0.0, 1.0, 2.0, 0.7]), weighted=st.booleans())
def test_fgt_by_group_matches_fgt(data, alpha, weighted):
    n_groups = data.draw(st.integers(1, 5))
    y = np.array(data.draw(incomes))
    group = np.array(
        data.draw(st.lists(st.integers(0, n_groups - 1), min_size=y.size, max_size=y.size))
    )
    z = np.array(data.draw(st.lists(lines, min_size=y.size, max_size=y.size)))
    w = (
        np.array(data.draw(st.lists(st.integers(1, 5), min_size=y.size, max_size=y.size)), float)
        if weighted
        else None
    )
    out = fgt_by_group(y, z, alpha, group, n_groups, w)
    assert out.shape == (n_groups,)
    for g in range(n_groups):
        m = group == g
        if m.any():
            exp = fgt(y[m], z[m], alpha, None if w is None else w[m])
            assert out[g] == pytest.approx(exp, rel=1e-9, abs=1e-12)
        else:
            assert math.isnan(out[g])


@SETTINGS
@given(data=st.data(), z=lines, weighted=st.booleans())
def test_poverty_summary_matches(data, z, weighted):
    y = np.array(data.draw(incomes))
    w = (
        np.array(data.draw(st.lists(int_weights, min_size=y.size, max_size=y.size)), float)
        if weighted
        else None
    )
    assume(w is None or w.sum() > 0)
    s = poverty_summary(y, z, w)
    assert set(s) == {"p0", "p1", "p2", "watts"}
    assert s["p0"] == pytest.approx(fgt(y, z, 0, w), rel=1e-12, abs=1e-15)
    assert s["p1"] == pytest.approx(fgt(y, z, 1, w), rel=1e-12, abs=1e-15)
    assert s["p2"] == pytest.approx(fgt(y, z, 2, w), rel=1e-12, abs=1e-15)
    assert s["watts"] == pytest.approx(watts(y, z, w), rel=1e-12, abs=1e-15)


@SETTINGS
@given(
    y=st.lists(st.floats(0.0, 1e6, allow_nan=False), min_size=1, max_size=50),
    data=st.data(),
)
def test_gini_order_equals_unsorted(y, data):
    y = np.array(y)
    assume(y.sum() > 0)
    w = np.array(data.draw(st.lists(st.integers(1, 5), min_size=y.size, max_size=y.size)), float)
    order = np.argsort(y)
    assert gini(y, order=order) == pytest.approx(gini(y), rel=1e-12, abs=1e-15)
    assert gini(y, w, order=order) == pytest.approx(gini(y, w), rel=1e-12, abs=1e-15)
    assert 0.0 <= gini(y, w) < 1.0


def test_gini_matches_pairwise_formula():
    rng = np.random.default_rng(0)
    y = rng.lognormal(10, 1, size=200)
    w = rng.random(200)
    diff = np.abs(y[:, None] - y[None, :])
    mu = np.average(y, weights=w)
    expected = (w[:, None] * w[None, :] * diff).sum() / (2 * w.sum() ** 2 * mu)
    assert gini(y, w) == pytest.approx(expected, rel=1e-10)
    assert gini(y) == pytest.approx(diff.sum() / (2 * y.size**2 * y.mean()), rel=1e-10)


# ----------------------------------------------------------------------------------------------
# Input validation
# ----------------------------------------------------------------------------------------------

Y = [1.0, 2.0, 10.0]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: fgt(Y, -1.0, 0), "positive"),
        (lambda: fgt(Y, 0.0, 0), "positive"),
        (lambda: fgt(Y, float("nan"), 0), "NaN"),
        (lambda: fgt(Y, float("inf"), 0), "infinite"),
        (lambda: fgt(Y, [5.0, float("nan"), 5.0], 0), "NaN"),
        (lambda: fgt(Y, [5.0, 0.0, 5.0], 0), "positive"),
        (lambda: fgt(Y, [5.0, 5.0], 0), "y has length 3 but poverty line z has length 2"),
        (lambda: fgt(Y, 5.0, 0, [1.0, 1.0]), "y has length 3 but weights has length 2"),
        (lambda: fgt([1.0, float("nan")], 5.0, 0), "y contains NaN or inf"),
        (lambda: fgt([1.0, float("inf")], 5.0, 0), "y contains NaN or inf"),
        (lambda: fgt(Y, 5.0, 0, [1.0, float("nan"), 1.0]), "weights contain NaN or inf"),
        (lambda: fgt(Y, 5.0, 0, [1.0, float("inf"), 1.0]), "weights contain NaN or inf"),
        (lambda: fgt(Y, 5.0, 0, [1.0, -1.0, 1.0]), "non-negative"),
        (lambda: fgt(Y, 5.0, 0, [0.0, 0.0, 0.0]), "all zero"),
        (lambda: fgt([], 5.0, 0), "empty"),
        (lambda: fgt([[1.0, 2.0]], 5.0, 0), "1-D"),
        (lambda: fgt(Y, 5.0, -0.5), "alpha must be >= 0"),
        (lambda: watts([0.0, 2.0, 10.0], 5.0), "y > 0"),
        (lambda: watts([-1.0, 2.0, 10.0], 5.0), "y > 0"),
        (lambda: watts([], 5.0), "empty"),
        (lambda: watts(Y, -5.0), "positive"),
        (lambda: poverty_summary([0.0, 2.0], 5.0), "y > 0"),
        (lambda: poverty_summary(Y, [1.0], None), "length 3 but poverty line z has length 1"),
        (lambda: gini([-1.0, 2.0]), "y >= 0"),
        (lambda: gini([0.0, 0.0]), "positive mean"),
        (lambda: gini([0.0, 2.0], [1.0, 0.0]), "positive mean"),
        (lambda: gini([]), "empty"),
        (lambda: gini([1.0, float("nan")]), "NaN or inf"),
        (lambda: gini(Y, [1.0, 1.0]), "y has length 3 but weights has length 2"),
        (lambda: gini(Y, [1.0, -1.0, 1.0]), "non-negative"),
        (lambda: gini(Y, [0.0, 0.0, 0.0]), "all zero"),
        (lambda: gini(Y, order=[0, 1]), "y has length 3 but order has length 2"),
        (lambda: gini(Y, order=[0, 0, 1]), "permutation"),
        (lambda: gini(Y, order=[2, 1, 0]), "does not sort y ascending"),
        (lambda: alkire_foster(np.zeros(4, dtype=bool), 0.5), "2-D"),
        (lambda: alkire_foster(np.zeros((2, 2, 2), dtype=bool), 0.5), "2-D"),
        (lambda: alkire_foster(np.zeros((0, 3), dtype=bool), 0.5), "empty"),
        (lambda: alkire_foster(np.full((2, 2), 2), 0.5), "0/1"),
        (lambda: alkire_foster(np.zeros((2, 2), dtype=bool), 0.0), r"k must lie in \(0, 1\]"),
        (lambda: alkire_foster(np.zeros((2, 2), dtype=bool), 1.5), r"k must lie in \(0, 1\]"),
        (lambda: alkire_foster(np.zeros((2, 2), dtype=bool), -0.1), r"k must lie in \(0, 1\]"),
        (lambda: alkire_foster(np.zeros((2, 3), dtype=bool), 0.5, [1, 1]), "expected length 3"),
        (lambda: alkire_foster(np.zeros((2, 2), dtype=bool), 0.5, [1, -1]), "non-negative"),
        (lambda: alkire_foster(np.zeros((2, 2), dtype=bool), 0.5, [0, 0]), "all zero"),
        (lambda: alkire_foster(np.zeros((2, 2), dtype=bool), 0.5, [1, np.nan]), "NaN or inf"),
        (
            lambda: alkire_foster(np.zeros((2, 2), dtype=bool), 0.5, weights=[1.0]),
            "y has length 2 but weights has length 1",
        ),
        (
            lambda: alkire_foster(np.zeros((2, 2), dtype=bool), 0.5, weights=[-1.0, 1.0]),
            "non-negative",
        ),
        (lambda: fgt_by_group(Y, 5.0, 0, np.array([0, 1]), 2), "group has length 2"),
        (lambda: fgt_by_group(Y, 5.0, 0, np.array([0, 1, 2]), 2), r"\[0, 2\)"),
        (lambda: fgt_by_group(Y, 5.0, 0, np.array([0, -1, 1]), 2), r"\[0, 2\)"),
        (lambda: fgt_by_group(Y, 5.0, 0, np.array([0.0, 1.0, 1.0]), 2), "integer"),
        (lambda: fgt_by_group(Y, 5.0, 0, np.array([0, 0, 0]), 0), "n_groups must be >= 1"),
        (lambda: fgt_by_group(Y, 5.0, -1.0, np.array([0, 0, 0]), 1), "alpha must be >= 0"),
        (lambda: fgt_by_group(Y, 0.0, 0, np.array([0, 0, 0]), 1), "positive"),
    ],
)
def test_invalid_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_gini_of_equal_incomes_is_zero_and_never_negative_after_rounding():
    y = np.full(7, 0.1)
    w = np.array([0.3, 1.7, 2.2, 0.9, 1.1, 0.5, 3.3])
    assert 0.0 <= gini(y) < 1e-12
    assert 0.0 <= gini(y, weights=w) < 1e-12


_THREADS_SCRIPT = """
import numpy as np
from sim import measures
rng = np.random.default_rng(5)
n = 400_000
y = rng.lognormal(13.0, 0.6, n)
w = rng.uniform(1.0, 6.0, n)
z = float(np.quantile(y, 0.1))
g = rng.random((n, 6)) < 0.3
out = [measures.fgt(y, z, a, w) for a in (0, 1, 2)]
out += [measures.watts(y, z, w), measures.gini(y), measures.gini(y, w)]
out += list(measures.alkire_foster(g, 1 / 3, weights=w))
print(repr([float(v).hex() for v in out]))
"""


def test_metrics_do_not_depend_on_the_blas_thread_count():
    """Same inputs, 1 or 4 BLAS threads: the same bits (BLAS dot products would differ)."""
    import os
    import subprocess
    import sys

    runs = []
    for threads in ("1", "4"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads}
        env["MKL_NUM_THREADS"] = threads
        res = subprocess.run(
            [sys.executable, "-c", _THREADS_SCRIPT], env=env, capture_output=True, text=True
        )
        assert res.returncode == 0, res.stderr
        runs.append(res.stdout)
    assert runs[0] == runs[1]

"""Binomial counts by inverting the CDF at one uniform per household (common random numbers).

numpy's own binomial consumes a variable number of draws per element, which would let one
household's count shift another's luck; inverting the CDF at each household's own uniform keeps
common random numbers exact. The inversion is a registered kernel (``sim.kernels``): a compiled
per-element loop with the numpy loop's float64 arithmetic, and the numpy loop as its reference;
the powers q**t come from numpy in both, so the counts are the same.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import jit, kernel, prange

_EXAMPLE_P = (1 / 7, 1 / 108, 0.01, 0.3, 0.5, 0.999)
"""Success probabilities the examples draw from (the demography's monthly rates and others)."""


def binomial_table(lo: int, hi: int, p: float) -> tuple[bool, np.ndarray, float]:
    """The P(X = 0) table of :func:`binomial_from_uniform` for a scalar ``p``.

    Args:
        lo: Fewest trials of any element (persons).
        hi: Most trials of any element (persons), ``hi >= lo``.
        p: Success probability (clipped to [0, 1]).

    Returns:
        ``(certain, q_tab, ratio)``: whether every trial succeeds (p >= 1), P(X = 0) =
        q**t for t = lo..hi (float64, computed by numpy exactly as the numpy path does, so that
        the compiled path reads the very same numbers), and p / q.
    """
    p_s = min(max(float(p), 0.0), 1.0)
    if p_s >= 1.0:
        return True, np.ones(1, dtype=np.float64), 0.0
    q_tab = np.full(hi - lo + 1, 1.0 - p_s) ** np.arange(lo, hi + 1, dtype=np.float64)
    q = 1.0 - p_s
    return False, q_tab, (p_s / q if q > 0 else 0.0)


@jit
def binomial_count(t: int, u: float, pmf0: float, ratio: float) -> int:
    """One binomial count by CDF inversion (compiled; the arithmetic of the numpy loop).

    Args:
        t: Trials (persons).
        u: The element's uniform on [0, 1).
        pmf0: P(X = 0) = q**t (float64, from numpy).
        ratio: p / q (float64; 0 when q = 0).

    Returns:
        The number of k < t with CDF(k) <= u (0 when t <= 0).
    """
    if not (u >= pmf0 and t > 0):
        return 0
    pmf = pmf0
    cdf = pmf0
    count = 0
    k = 0
    while True:
        count += 1
        k += 1
        left = t - k + 1
        if left < 0:
            left = 0
        # as numpy: ((pmf * left) / k) * ratio, in float64, left to right
        pmf = pmf * np.float64(left) / np.float64(k) * ratio
        cdf = cdf + pmf
        if not (u >= cdf and t > k):
            return count


def _invert(
    ts: np.ndarray, us: np.ndarray, pmf: np.ndarray, ratio: np.ndarray | float
) -> np.ndarray:
    """The numpy inversion of the elements past P(X = 0): int16 counts (``binomial_count``).

    The loop runs over k up to the largest number of trials present and stops as soon as every
    element is resolved.
    """
    cdf = pmf.copy()
    count = np.zeros(ts.size, dtype=np.int16)
    open_ = np.ones(ts.size, dtype=bool)
    k = 0
    while open_.any():
        count += open_
        k += 1
        pmf = pmf * np.maximum(ts - k + 1, 0) / k * ratio
        cdf = cdf + pmf
        open_ &= (us >= cdf) & (ts > k)
    return count


def _invert_scalar_p(
    t: np.ndarray, u: np.ndarray, q_tab: np.ndarray, lo: int, ratio: float
) -> np.ndarray:
    """int16 counts for a scalar p: P(X = 0) read from ``q_tab``, the rest by :func:`_invert`."""
    out = np.zeros(t.shape, dtype=np.int16)
    pmf0 = q_tab[t - np.int16(lo)]
    idx = np.flatnonzero((u >= pmf0) & (t > 0))
    if idx.size:
        out[idx] = _invert(t[idx], u[idx], pmf0[idx], ratio)
    return out


def _scalar_p_example(rng: np.random.Generator, n: int, hi: int = 12) -> tuple:
    """Trials, uniforms (a quarter at 0), and the table of a scalar p < 1 as a run builds them."""
    t = rng.integers(0, hi + 1, n).astype(np.int8)
    u = rng.random(n)
    u[: n // 4] = 0.0  # u = 0 never reaches past P(X = 0)
    lo, top = int(t.min()), int(t.max())
    _, q_tab, ratio = binomial_table(lo, top, float(rng.choice(_EXAMPLE_P)))
    return t, u, q_tab, lo, ratio


def _binomial_scalar_p_reference(
    t: np.ndarray, u: np.ndarray, q_tab: np.ndarray, lo: int, ratio: float, out: np.ndarray
) -> None:
    out[:] = _invert_scalar_p(t, u, q_tab, lo, ratio)


def _binomial_scalar_p_example(rng: np.random.Generator, n: int) -> tuple:
    t, u, q_tab, lo, ratio = _scalar_p_example(rng, n)
    return t.astype(np.int16), u, q_tab, lo, ratio, np.zeros(n, dtype=np.int16)


@kernel(reference=_binomial_scalar_p_reference, example=_binomial_scalar_p_example)
def binomial_scalar_p(
    t: np.ndarray, u: np.ndarray, q_tab: np.ndarray, lo: int, ratio: float, out: np.ndarray
) -> None:
    """Binomial counts for a scalar p < 1 into ``out`` (int16).

    Args:
        t: Trials per element (int16, persons), at least ``lo``.
        u: One float64 uniform per element.
        q_tab: P(X = 0) for ``lo`` trials and up (``binomial_table``, from numpy).
        lo: Fewest trials present.
        ratio: p / q.
        out: int16 counts (written).
    """
    for i in range(t.shape[0]):
        ti = np.int64(t[i])
        out[i] = binomial_count(ti, u[i], q_tab[ti - lo], ratio)


def _binomial_per_element_p_reference(
    live: np.ndarray,
    t_l: np.ndarray,
    u: np.ndarray,
    p_a: np.ndarray,
    q_a: np.ndarray,
    pmf0: np.ndarray,
    out: np.ndarray,
) -> None:
    certain = p_a >= 1.0
    out[live[certain]] = t_l[certain]
    sel = np.flatnonzero((u[live] >= pmf0) & (t_l > 0) & ~certain)
    if sel.size == 0:
        return
    ratio = np.divide(p_a[sel], q_a[sel], out=np.zeros(sel.size), where=q_a[sel] > 0)
    out[live[sel]] = _invert(t_l[sel], u[live[sel]], pmf0[sel], ratio)


def _binomial_per_element_p_example(rng: np.random.Generator, n: int) -> tuple:
    t = rng.integers(0, 13, n).astype(np.int16)
    live = np.flatnonzero(t)
    t_l = t[live]
    u = rng.random(n)
    p = rng.random(live.size)
    p[rng.random(live.size) < 0.1] = 0.0
    p[rng.random(live.size) < 0.1] = 1.0
    p_a = np.clip(p, 0.0, 1.0)
    q_a = 1.0 - p_a
    pmf0 = q_a ** t_l.astype(np.float64)
    return live, t_l, u, p_a, q_a, pmf0, np.zeros(n, dtype=np.int16)


@kernel(reference=_binomial_per_element_p_reference, example=_binomial_per_element_p_example)
def binomial_per_element_p(
    live: np.ndarray,
    t_l: np.ndarray,
    u: np.ndarray,
    p_a: np.ndarray,
    q_a: np.ndarray,
    pmf0: np.ndarray,
    out: np.ndarray,
) -> None:
    """Binomial counts of the elements ``live`` for a probability per element.

    Args:
        live: Indices of the elements with trials (intp).
        t_l: Their trials (int16, persons).
        u: One float64 uniform per element (all elements).
        p_a: Their success probabilities, clipped to [0, 1] (float64).
        q_a: ``1 - p_a``.
        pmf0: P(X = 0) = ``q_a ** t_l`` (float64, from numpy).
        out: int16 counts of all elements (written at ``live``; the others stay as they are).
    """
    for j in range(live.shape[0]):
        i = live[j]
        tj = np.int64(t_l[j])
        if p_a[j] >= 1.0:
            out[i] = tj
            continue
        ratio = p_a[j] / q_a[j] if q_a[j] > 0 else 0.0
        out[i] = binomial_count(tj, u[i], pmf0[j], ratio)


def _binomial_counts_int8_reference(
    trials: np.ndarray,
    offset: int,
    u: np.ndarray,
    certain: bool,
    q_tab: np.ndarray,
    lo: int,
    ratio: float,
    out: np.ndarray,
) -> None:
    t = trials.astype(np.int16) - np.int16(offset)
    if offset > 0:
        t = np.maximum(t, 0)
    if certain:
        out[:] = t
        return
    out[:] = _invert_scalar_p(t, u, q_tab, lo, ratio)


def _binomial_counts_int8_example(rng: np.random.Generator, n: int) -> tuple:
    offset = int(rng.choice((0, 2)))
    trials, u, _, _, _ = _scalar_p_example(rng, n, hi=14)
    at_risk = np.maximum(trials.astype(np.int16) - offset, 0)
    lo, hi = int(at_risk.min()), int(at_risk.max())
    p = float(rng.choice((*_EXAMPLE_P, 1.0)))
    certain, q_tab, ratio = binomial_table(lo, hi, p)
    return trials, offset, u, certain, q_tab, lo, ratio, np.zeros(n, dtype=np.int8)


@kernel(
    reference=_binomial_counts_int8_reference,
    example=_binomial_counts_int8_example,
    parallel=True,
)
def binomial_counts_int8(
    trials: np.ndarray,
    offset: int,
    u: np.ndarray,
    certain: bool,
    q_tab: np.ndarray,
    lo: int,
    ratio: float,
    out: np.ndarray,
) -> None:
    """Binomial counts for a scalar p into an int8 array (the demography's draws).

    The counts of :func:`binomial_from_uniform` cast to int8, for ``trials - offset`` trials
    (at least 0 when ``offset`` > 0: the adults beyond the second).

    Args:
        trials: Persons per element (int8).
        offset: Persons not at risk (subtracted from ``trials``).
        u: One float64 uniform per element.
        certain: Whether p >= 1 (every trial succeeds).
        q_tab: P(X = 0) for ``lo`` trials and up (``binomial_table``, from numpy).
        lo: Fewest trials present.
        ratio: p / q.
        out: int8 counts (written).
    """
    for i in prange(u.shape[0]):
        t = np.int64(trials[i]) - offset
        if offset > 0 and t < 0:
            t = 0
        if certain:
            out[i] = t
        else:
            out[i] = binomial_count(t, u[i], q_tab[t - lo], ratio)


def binomial_from_uniform(trials: np.ndarray, p: np.ndarray | float, u: np.ndarray) -> np.ndarray:
    """Binomial counts by inverting the CDF at per-element uniforms ``u`` (exact).

    The count is the number of k < trials with CDF(k) <= u. A scalar ``p`` takes P(X = 0) =
    q**trials from a table of the few trial counts present (:func:`binomial_scalar_p`); a ``p``
    per element works on the elements with trials only (:func:`binomial_per_element_p`).

    Args:
        trials: Trials per element (small non-negative integers, persons).
        p: Success probability per element, or a scalar.
        u: One uniform on [0, 1) per element (float64).

    Returns:
        int16 counts, 0 <= count <= trials.
    """
    t = np.asarray(trials).astype(np.int16)
    u = np.asarray(u)
    if t.ndim != 1:  # the kernels walk one axis: the same counts element by element
        p_flat = p if np.ndim(p) == 0 else np.broadcast_to(np.asarray(p), t.shape).ravel()
        return binomial_from_uniform(t.ravel(), p_flat, u.ravel()).reshape(t.shape)
    out = np.zeros(t.shape, dtype=np.int16)
    if np.ndim(p) == 0:
        if t.size == 0:
            return out
        lo, hi = int(t.min()), int(t.max())
        # q**t with the same ufunc over contiguous float64 arrays as the elementwise form
        certain, q_tab, ratio = binomial_table(lo, hi, float(p))
        if certain:  # every trial succeeds
            out[:] = t
            return out
        binomial_scalar_p(t, u, q_tab, lo, ratio, out)
        return out
    # elements with no trials stay at 0 (or at t when certain, the same): work on the rest
    live = np.flatnonzero(t)
    t_l = t[live]
    p_l = np.asarray(p)
    p_l = p_l[live] if p_l.shape == t.shape else np.broadcast_to(p_l, t.shape)[live]
    p_a = np.clip(p_l.astype(np.float64), 0.0, 1.0)
    q_a = 1.0 - p_a
    pmf0 = q_a ** t_l.astype(np.float64)  # P(X = 0)
    binomial_per_element_p(live, t_l, u, p_a, q_a, pmf0, out)
    return out

"""Common random numbers: one named stream per (decision, month).

Every household's draw for a decision in a month depends only on (root seed, decision name,
month, household index). Each (decision, month) pair gets its own ``numpy.random.Generator``,
seeded from ``SeedSequence(root_seed, spawn_key=(crc32(decision), month))``, that draws one
number for every household in index order. So two scenarios that differ in something a household
does not touch leave that household's shocks bit-identical, and scenario comparisons are paired
(Klein et al. 2024, arXiv:2409.02086, describe the same design in Starsim).

A decision that concerns institutions or sub-districts uses the same scheme with its own name.
"""

from __future__ import annotations

import zlib

import numpy as np


def decision_key(decision: str) -> int:
    """Stable 32-bit key of a decision name (independent of Python's hash seed)."""
    return zlib.crc32(decision.encode("utf-8"))


class Streams:
    """Named random streams for one run.

    Args:
        root_seed: The run's seed (a non-negative integer; a batch derives one per replicate
            from ``numpy.random.SeedSequence``).
    """

    def __init__(self, root_seed: int) -> None:
        if int(root_seed) < 0:
            raise ValueError(f"root seed must be a non-negative integer, got {root_seed}")
        self.root_seed = int(root_seed)

    def generator(self, decision: str, month: int) -> np.random.Generator:
        """A fresh generator for one decision in one month.

        Args:
            decision: Name of the decision (``"income.persistent"``, ``"health.severe"``).
            month: Month of the run (0 is set-up).

        Returns:
            A generator whose sequence depends only on (root seed, decision, month).
        """
        seq = np.random.SeedSequence(self.root_seed, spawn_key=(decision_key(decision), int(month)))
        return np.random.Generator(np.random.PCG64(seq))

    def uniform(self, decision: str, month: int, n: int) -> np.ndarray:
        """``n`` uniform draws on [0, 1) as float32, one per household index."""
        return self.generator(decision, month).random(n, dtype=np.float32)

    def normal(self, decision: str, month: int, n: int) -> np.ndarray:
        """``n`` standard normal draws as float32, one per household index."""
        return self.generator(decision, month).standard_normal(n, dtype=np.float32)

    def binomial(
        self, decision: str, month: int, trials: np.ndarray, p: np.ndarray | float
    ) -> np.ndarray:
        """Binomial draws per household from one uniform each (exact CDF inversion).

        numpy's own binomial consumes a variable number of draws per element, which would let
        one household's count shift another's luck; inverting the CDF at each household's own
        uniform keeps common random numbers exact.

        Args:
            decision: Name of the decision.
            month: Month of the run.
            trials: Number of trials per household (small non-negative integers).
            p: Success probability per household (or a scalar).

        Returns:
            int16 counts, 0 <= count <= trials.
        """
        u = self.generator(decision, month).random(trials.shape[0])
        return binomial_from_uniform(trials, p, u)


def binomial_from_uniform(trials: np.ndarray, p: np.ndarray | float, u: np.ndarray) -> np.ndarray:
    """Binomial counts by inverting the CDF at per-element uniforms ``u`` (exact).

    The count is the number of k < trials with CDF(k) <= u; the loop runs over k up to the
    largest number of trials present (household member counts: at most a few tens) and stops
    as soon as every element is resolved. Only the elements still unresolved after P(X = 0) are
    carried through the loop, and a scalar ``p`` takes P(X = 0) = q**trials from a table of the
    few trial counts present; every element's arithmetic is the same as over the full arrays.
    """
    t = np.asarray(trials).astype(np.int16)
    out = np.zeros(t.shape, dtype=np.int16)
    if np.ndim(p) == 0:
        p_s = min(max(float(p), 0.0), 1.0)
        if p_s >= 1.0:  # certain: every trial succeeds
            out[:] = t
            return out
        if t.size == 0:
            return out
        lo, hi = int(t.min()), int(t.max())
        # q**t with the same ufunc over contiguous float64 arrays as the elementwise form
        q_tab = np.full(hi - lo + 1, 1.0 - p_s) ** np.arange(lo, hi + 1, dtype=np.float64)
        pmf0 = q_tab[t - np.int16(lo)]
        idx = np.flatnonzero((u >= pmf0) & (t > 0))
        if idx.size == 0:
            return out
        ts, us, pmf = t[idx], u[idx], pmf0[idx]
        q = 1.0 - p_s
        ratio: np.ndarray | float = p_s / q if q > 0 else 0.0
    else:
        # elements with no trials stay at 0 (or at t when certain, the same): work on the rest
        live = np.flatnonzero(t)
        t_l = t[live]
        p_l = np.asarray(p)
        p_l = p_l[live] if p_l.shape == t.shape else np.broadcast_to(p_l, t.shape)[live]
        p_a = np.clip(p_l.astype(np.float64), 0.0, 1.0)
        q_a = 1.0 - p_a
        pmf0 = q_a ** t_l.astype(np.float64)  # P(X = 0)
        certain = p_a >= 1.0
        out[live[certain]] = t_l[certain]
        sel = np.flatnonzero((u[live] >= pmf0) & (t_l > 0) & ~certain)
        if sel.size == 0:
            return out
        idx = live[sel]
        ts, us, pmf = t_l[sel], u[idx], pmf0[sel]
        ratio = np.divide(p_a[sel], q_a[sel], out=np.zeros(sel.size), where=q_a[sel] > 0)
    cdf = pmf.copy()
    count = np.zeros(idx.size, dtype=np.int16)
    open_ = np.ones(idx.size, dtype=bool)
    k = 0
    while open_.any():
        count += open_
        k += 1
        pmf = pmf * np.maximum(ts - k + 1, 0) / k * ratio
        cdf = cdf + pmf
        open_ &= (us >= cdf) & (ts > k)
    out[idx] = count
    return out

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
    as soon as every element is resolved.
    """
    t = np.asarray(trials).astype(np.int16)
    p = np.clip(np.broadcast_to(np.asarray(p, dtype=np.float64), t.shape), 0.0, 1.0)
    q = 1.0 - p
    out = np.zeros(t.shape, dtype=np.int16)
    pmf = q ** t.astype(np.float64)  # P(X = 0)
    cdf = pmf.copy()
    certain = p >= 1.0
    out[certain] = t[certain]
    open_ = (u >= cdf) & (t > 0) & ~certain
    ratio = np.divide(p, q, out=np.zeros_like(p), where=q > 0)
    k = 0
    while open_.any():
        out += open_
        k += 1
        pmf = pmf * np.maximum(t - k + 1, 0) / k * ratio
        cdf = cdf + pmf
        open_ &= (u >= cdf) & (t > k)
    return out

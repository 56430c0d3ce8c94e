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

    def binomial(self, decision: str, month: int, trials: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Binomial draws per household, derived from one uniform and one normal per household.

        numpy's own binomial consumes a variable number of draws per element, which would let
        one household's count shift another's luck. Here each household uses its own uniform
        (exact inversion for up to 3 trials, the common case for counts of household members)
        and its own normal (a continuity-corrected normal approximation beyond).

        Args:
            decision: Name of the decision.
            month: Month of the run.
            trials: Number of trials per household (small non-negative integers).
            p: Success probability per household (or a scalar).

        Returns:
            int16 counts, 0 <= count <= trials.
        """
        n = trials.shape[0]
        gen = self.generator(decision, month)
        u = gen.random(n)
        z = gen.standard_normal(n)
        return binomial_from_uniform(trials, p, u, z)


def binomial_from_uniform(
    trials: np.ndarray, p: np.ndarray | float, u: np.ndarray, z: np.ndarray
) -> np.ndarray:
    """Binomial counts from per-element uniform ``u`` and normal ``z`` (see Streams.binomial).

    Exact inversion of the binomial CDF for trials <= 3; for more trials a normal approximation
    with continuity correction, clipped to [0, trials].
    """
    t = trials.astype(np.int16)
    p = np.broadcast_to(np.asarray(p, dtype=np.float64), t.shape)
    q = 1.0 - p
    out = np.zeros(t.shape, dtype=np.int16)
    # exact inversion for t in 1..3: count = number of CDF points below u
    cdf = np.zeros(t.shape)
    for k in range(3):
        # P(X = k) for Binomial(t, p), zero where k > t
        comb = np.where(t >= k, _comb(t, k), 0.0)
        pmf = comb * p**k * q ** np.maximum(t - k, 0)
        cdf = cdf + pmf
        out += ((u >= cdf) & (t > k) & (t <= 3)).astype(np.int16)
    big = t > 3
    if np.any(big):
        mean = t[big] * p[big]
        sd = np.sqrt(t[big] * p[big] * q[big])
        draw = np.floor(mean + sd * z[big] + 0.5)
        out[big] = np.clip(draw, 0, t[big]).astype(np.int16)
    return out


def _comb(t: np.ndarray, k: int) -> np.ndarray:
    if k == 0:
        return np.ones(t.shape)
    if k == 1:
        return t.astype(np.float64)
    if k == 2:
        return t * (t - 1) / 2.0
    return t * (t - 1) * (t - 2) / 6.0

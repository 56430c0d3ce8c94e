"""Common random numbers: one named stream per (decision, month), drawn by household index.

Every household's draw for a decision in a month depends only on (root seed, decision name,
month, household index): it is a counter-based hash of the four (``sim.rng.counter``), keyed by
``SeedSequence(root_seed, spawn_key=(crc32(decision), month))``. So two scenarios that differ
in something a household does not touch leave that household's shocks bit-identical, and
scenario comparisons are paired (Klein et al. 2024, arXiv:2409.02086, describe the same design
in Starsim); and a decision that concerns a few households (the candidates of an enrolment
round, the enrolments a budget cannot carry) draws for those only, with the numbers a full
draw would have given them.

A decision that concerns institutions or sub-districts uses the same scheme with its own name.
The set-up's household sizes, the one draw that is not one number per index, come from a
``numpy.random.Generator`` seeded the same way (:meth:`Streams.generator`).

Binomial counts invert the CDF at one uniform per household (``sim.rng.binomial``).
"""

from __future__ import annotations

import zlib

import numpy as np

from sim.rng.binomial import binomial_from_uniform
from sim.rng.counter import normal32, normal32_of, uniform32, uniform32_of, uniform64


def decision_key(decision: str) -> int:
    """Stable 32-bit key of a decision name (independent of Python's hash seed)."""
    return zlib.crc32(decision.encode("utf-8"))


class Streams:
    """Named random streams for one run.

    Args:
        root_seed: The run's seed (a non-negative integer; a batch derives one per replicate
            from ``numpy.random.SeedSequence``).
    """

    def __init__(self, root_seed: int, prefix: str = "") -> None:
        if int(root_seed) < 0:
            raise ValueError(f"root seed must be a non-negative integer, got {root_seed}")
        self.root_seed = int(root_seed)
        self.prefix = prefix

    def prefixed(self, prefix: str) -> Streams:
        """The same run's streams under other names: decision ``d`` becomes ``prefix + d``.

        The burn-in of the starting population (``sim.world.burn_in``) draws from
        ``prefixed("burn-in/")``, so its months never share a draw with the run's months.
        """
        return Streams(self.root_seed, self.prefix + prefix)

    def _seq(self, decision: str, month: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(
            self.root_seed, spawn_key=(decision_key(self.prefix + decision), int(month))
        )

    def key(self, decision: str, month: int) -> tuple[np.uint64, np.uint64]:
        """The counter-based stream key (two 64-bit words) of one decision in one month."""
        k0, k1 = self._seq(decision, month).generate_state(2, np.uint64)
        return np.uint64(k0), np.uint64(k1)

    def generator(self, decision: str, month: int) -> np.random.Generator:
        """A sequential generator for a draw that is not one number per index (set-up only).

        Args:
            decision: Name of the decision (``"synth.members"``).
            month: Month of the run (0 is set-up).

        Returns:
            A generator whose sequence depends only on (root seed, decision, month).
        """
        return np.random.Generator(np.random.PCG64(self._seq(decision, month)))

    def uniform(self, decision: str, month: int, n: int) -> np.ndarray:
        """``n`` uniform draws on [0, 1) as float32, one per household index."""
        return uniform32(*self.key(decision, month), n)

    def uniform_of(self, decision: str, month: int, idx: np.ndarray) -> np.ndarray:
        """The float32 uniforms of households ``idx`` only: ``uniform(..., n)[idx]``."""
        return uniform32_of(*self.key(decision, month), idx)

    def normal(self, decision: str, month: int, n: int) -> np.ndarray:
        """``n`` standard normal draws as float32, one per household index."""
        return normal32(*self.key(decision, month), n)

    def normal_of(self, decision: str, month: int, idx: np.ndarray) -> np.ndarray:
        """The float32 standard normals of households ``idx`` only: ``normal(..., n)[idx]``."""
        return normal32_of(*self.key(decision, month), idx)

    def uniform64(self, decision: str, month: int, n: int) -> np.ndarray:
        """``n`` uniform draws on [0, 1) as float64: the draws :meth:`binomial` inverts."""
        return uniform64(*self.key(decision, month), n)

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
        u = self.uniform64(decision, month, trials.shape[0])
        return binomial_from_uniform(trials, p, u)

"""Household arrays of the dtypes and ranges a run produces, for the kernels' examples.

Each registered kernel's ``example(rng, n)`` builds its arguments from these, so that
``tests/test_kernels.py`` compares the compiled loop with its numpy reference on values like a
run's: zeros where a run has them (no assets, no savings, empty age groups), int8 member counts,
float32 rupiah.
"""

from __future__ import annotations

import numpy as np

F32 = np.float32


def rupiah(rng: np.random.Generator, n: int, median: float, zeros: float = 0.1) -> np.ndarray:
    """Log-normal float32 amounts around ``median`` (rupiah), a share ``zeros`` of them 0."""
    x = (median * rng.lognormal(0.0, 1.0, n)).astype(F32)
    x[rng.random(n) < zeros] = 0
    return x


def factor(rng: np.random.Generator, n: int, sd: float = 0.1) -> np.ndarray:
    """Float32 multipliers near one (shocks, seasons, spillovers): exp(N(0, sd))."""
    return np.exp(rng.normal(0.0, sd, n)).astype(F32)


def persons(rng: np.random.Generator, n: int, hi: int, zeros: float = 0.25) -> np.ndarray:
    """Int8 member counts 0..``hi``, a share ``zeros`` of them 0 (an empty age group)."""
    x = rng.integers(0, hi + 1, n).astype(np.int8)
    x[rng.random(n) < zeros] = 0
    return x


def chosen(rng: np.random.Generator, n: int, p: float = 0.3) -> np.ndarray:
    """A boolean household mask, each household in it with probability ``p``."""
    return rng.random(n) < p

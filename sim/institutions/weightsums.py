"""Exact sums of household weights by counting (pure numpy).

Household weights take a few distinct values (one per area at synthesis). When every value is
an integer multiple of a common power of two ``unit`` and ``max_terms x max(value / unit)`` is
below 2**53, every partial sum of any subset of at most ``max_terms`` weights is exactly
representable in float64, so ``w[mask].sum()`` (in any summation order, pairwise or not) is
the exact sum; and so is ``sum_j value_j x count_j``, computed from counts of each value. The
two are then the same float, bit for bit, and the counts are much cheaper than building and
summing float64 arrays. ``WeightSums.exact`` says whether this holds for a set of weights;
callers fall back to ``np.sum`` when it does not.
"""

from __future__ import annotations

import numpy as np

MAX_CLASSES = 4


class WeightSums:
    """Sums of float32 weights over masks, equal to the float64 ``np.sum`` of the weights.

    Args:
        weight: Household weights (float32, positive and finite for the exact path).
        max_terms: Largest number of weights any sum will add (e.g. institutions x households).
    """

    def __init__(self, weight: np.ndarray, max_terms: int) -> None:
        self.exact = False
        w = np.asarray(weight)
        if w.dtype != np.float32 or w.ndim != 1 or w.size == 0:
            return
        values = np.unique(w)
        if values.size > MAX_CLASSES or not np.isfinite(values).all() or values[0] <= 0:
            return
        v64 = values.astype(np.float64)
        _, exp = np.frexp(v64)  # v = m 2**exp, m in [0.5, 1); float32: 24-bit m
        unit = np.ldexp(1.0, int(exp.min()) - 24)
        multiples = v64 / unit  # exact: powers of two
        if not np.array_equal(multiples, np.round(multiples)):
            return
        if float(multiples.max()) * max(int(max_terms), 1) >= 2.0**53:
            return
        self.values = v64
        # one boolean mask per value but the last (its count is the rest)
        self._is = [w == v for v in values[:-1]]
        self.exact = True

    def total(self, mask: np.ndarray) -> float:
        """``float(np.where(mask, w, 0).sum())`` for a (..., n) boolean mask (exact path only)."""
        counts = [np.count_nonzero(mask & is_j) for is_j in self._is]
        counts.append(np.count_nonzero(mask) - sum(counts))
        return float(sum(float(v) * c for v, c in zip(self.values, counts, strict=True)))

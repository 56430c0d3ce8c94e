"""The Gini coefficient, population form, exact in ``O(n log n)``.

``G = sum_i sum_j w_i w_j |y_i - y_j| / (2 W^2 mu)`` with ``W = sum_i w_i`` and ``mu = sum_i
w_i y_i / W``, computed by sorting; for integer weights it equals the unweighted Gini of the
replicated sample.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.kernels.sorting import stable_argsort
from sim.measures.inputs import as_1d, check_weights


def gini(
    y: ArrayLike,
    weights: ArrayLike | None = None,
    order: ArrayLike | None = None,
    check_order: bool = True,
) -> float:
    """Gini coefficient (population form), optionally weighted.

    ``G = sum_i sum_j w_i w_j |y_i - y_j| / (2 W^2 mu)``, computed exactly in ``O(n log n)``
    from the sorted sample as ``sum_i w_i y_i (2 C_i - w_i - W) / (W sum_i w_i y_i)`` where
    ``C_i`` is the cumulative weight up to and including unit ``i`` in ascending order. With
    integer weights this equals the unweighted Gini of the replicated sample.

    Args:
        y: Welfare per unit, shape ``(n,)``; must be ``>= 0`` with a positive (weighted) mean.
        weights: Optional non-negative survey weights, shape ``(n,)``.
        order: Optional precomputed permutation that sorts ``y`` ascending (e.g.
            ``np.argsort(y)``), shape ``(n,)``. When given it is used instead of sorting, so a
            caller can reuse an order across calls. It must be a permutation of ``range(n)``
            with ``y[order]`` non-decreasing; this is checked in ``O(n)`` and a stale order
            raises. A stale order can be refreshed cheaply with
            ``order = order[np.argsort(y[order], kind="stable")]`` (fast on nearly sorted data).
            Without it, ``y`` is sorted stably (``sim.kernels.sorting.stable_argsort``).
        check_order: Check that ``order`` is a permutation that sorts ``y`` (``O(n)``); a caller
            that has just built the order itself may skip the check.

    Returns:
        The Gini coefficient, in ``[0, 1)``.

    Raises:
        ValueError: If ``y`` is empty, not 1-D, contains NaN/inf or negative values, or has a
            zero (weighted) mean; the weights are invalid; or ``order`` is not a permutation
            that sorts ``y`` ascending.
    """
    ya = as_1d(y, "y")
    n = ya.size
    if (ya < 0).any():
        raise ValueError("gini needs y >= 0 (found negative values)")
    w, total = check_weights(weights, n)
    if order is None:
        # float32 input sorts as its exact float64 conversion does, on the fast path
        raw = np.asarray(y)
        idx = stable_argsort(raw if raw.dtype == np.float32 else ya)
    elif not check_order:
        idx = np.asarray(order)
    else:
        idx = np.asarray(order)
        if idx.ndim != 1:
            raise ValueError(f"order must be 1-D, got ndim={idx.ndim}")
        if idx.size != n:
            raise ValueError(f"length mismatch: y has length {n} but order has length {idx.size}")
        if idx.dtype.kind not in "iu":
            raise ValueError(f"order must be an integer array, got dtype {idx.dtype}")
        if idx.min() < 0 or idx.max() >= n or (np.bincount(idx, minlength=n) != 1).any():
            raise ValueError(f"order must be a permutation of range({n})")
    ys = ya[idx]
    if order is not None and check_order and n > 1 and (ys[1:] < ys[:-1]).any():
        raise ValueError("order does not sort y ascending (stale or wrong order)")
    if w is None:
        ranks = np.arange(1, n + 1, dtype=np.float64)
        coef = 2.0 * ranks - 1.0 - n
        wy_total = float(ys.sum())
        num = float((coef * ys).sum())  # not np.dot: see Poor.share
    else:
        ws = w[idx]
        coef = 2.0 * np.cumsum(ws) - ws - total
        wy = ws * ys
        wy_total = float(wy.sum())
        num = float((coef * wy).sum())
    if wy_total <= 0.0:
        raise ValueError("gini needs a positive mean of y (weighted mean is zero)")
    # the sum cancels exactly for equal incomes; rounding must not make it negative
    return max(num / (total * wy_total), 0.0)

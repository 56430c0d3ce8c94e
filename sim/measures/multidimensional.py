"""Alkire-Foster multidimensional poverty: headcount, intensity and adjusted headcount.

Deprivation score ``c_i = sum_j v_j g_ij`` with indicator weights ``v_j`` summing to one; a unit
is poor when ``c_i >= k`` (with a ``1e-9`` tolerance so that ``1/6 + 1/6`` counts as ``1/3``).

Reference:
    Alkire, S. & Foster, J. (2011). Counting and multidimensional poverty measurement.
    Journal of Public Economics 95(7-8), 476-487.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.measures.inputs import check_weights

#: Tolerance used when comparing Alkire-Foster deprivation scores with the cutoff ``k``.
AF_TOLERANCE: float = 1e-9


def alkire_foster(
    deprived: ArrayLike,
    k: float,
    dim_weights: ArrayLike | None = None,
    weights: ArrayLike | None = None,
) -> tuple[float, float, float]:
    """Alkire-Foster multidimensional poverty: headcount, intensity and adjusted headcount.

    Deprivation score ``c_i = sum_j v_j g_ij`` with indicator weights ``v_j`` normalised to sum
    to 1. Unit ``i`` is multidimensionally poor when ``c_i >= k - 1e-9`` (tolerance so that
    e.g. ``1/6 + 1/6`` counts as ``1/3``).

    Args:
        deprived: Deprivation matrix ``g``, shape ``(n, d)``; boolean, or numeric with values
            0/1, ``True`` meaning unit ``i`` is deprived in indicator ``j``.
        k: Poverty cutoff as a share of the weighted indicators, in ``(0, 1]``.
        dim_weights: Optional non-negative indicator weights, shape ``(d,)``; normalised to sum
            to 1. Equal weights ``1/d`` by default.
        weights: Optional non-negative survey weights, shape ``(n,)``.

    Returns:
        Tuple ``(H, A, M0)``: weighted share of poor units, weighted mean deprivation score
        among the poor (0 if nobody is poor) and ``M0 = H * A``.

    Raises:
        ValueError: If ``deprived`` is not 2-D, is empty, or has values other than 0/1;
            ``k`` is outside ``(0, 1]``; ``dim_weights`` has the wrong length, NaN/inf or
            negative entries, or sums to zero; or the survey weights are invalid.
    """
    g = np.asarray(deprived)
    if g.ndim != 2:
        raise ValueError(f"deprived must be a 2-D (n, d) matrix, got ndim={g.ndim}")
    n, d = g.shape
    if n == 0 or d == 0:
        raise ValueError(f"deprived is empty: shape {g.shape}")
    if g.dtype != np.bool_:
        if g.dtype.kind not in "fiu":
            raise ValueError(f"deprived must be boolean or 0/1 numeric, got dtype {g.dtype}")
        if not ((g == 0) | (g == 1)).all():
            raise ValueError("deprived must contain only 0/1 (or boolean) values")
    kf = float(k)
    if not (0.0 < kf <= 1.0):
        raise ValueError(f"k must lie in (0, 1], got {k}")
    if dim_weights is None:
        v = np.full(d, 1.0 / d)
    else:
        v = np.asarray(dim_weights, dtype=np.float64)
        if v.ndim != 1 or v.size != d:
            raise ValueError(
                f"dim_weights must have one entry per indicator: expected length {d}, "
                f"got shape {v.shape}"
            )
        if not np.isfinite(v).all():
            raise ValueError("dim_weights contain NaN or inf values")
        if (v < 0).any():
            raise ValueError("dim_weights must be non-negative (found negative weights)")
        vs = float(v.sum())
        if vs <= 0.0:
            raise ValueError("dim_weights are all zero: they must sum to a positive value")
        v = v / vs
    w, total = check_weights(weights, n)
    # column by column rather than a BLAS matrix-vector product (thread-count independent)
    score = np.zeros(n, dtype=np.float64)
    for j in range(v.size):
        score += g[:, j] * v[j]
    poor = score >= kf - AF_TOLERANCE
    if w is None:
        poor_weight = float(np.count_nonzero(poor))
        poor_score = float(score[poor].sum())
    else:
        poor_weight = float(w[poor].sum())
        poor_score = float((w[poor] * score[poor]).sum())
    h = poor_weight / total
    a = poor_score / poor_weight if poor_weight > 0.0 else 0.0
    return h, a, h * a

"""FGT poverty measures and the Watts index, overall and by group.

* FGT (Foster, Greer & Thorbecke 1984): ``P_alpha = sum_{y_i < z} w_i ((z - y_i) / z)^alpha /
  sum_i w_i``; ``alpha = 0`` the headcount ratio, 1 the poverty-gap index, 2 the squared gap.
* Watts (1968): ``sum_{y_i < z} w_i ln(z / y_i) / sum_i w_i``.

A unit is poor when its welfare is strictly below the line ``z``; money is rupiah per capita
per month in this project (the measures are unit-free). Input rules: ``sim.measures.inputs``.

References:
    Foster, J., Greer, J. & Thorbecke, E. (1984). A class of decomposable poverty measures.
    Econometrica 52(3), 761-766.

    Watts, H. W. (1968). An economic definition of poverty. In D. P. Moynihan (ed.),
    On Understanding Poverty. New York: Basic Books.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.measures.inputs import Poor, check_alpha, gap_power, prepare


def fgt(y: ArrayLike, z: ArrayLike, alpha: float, weights: ArrayLike | None = None) -> float:
    """Foster-Greer-Thorbecke poverty measure ``P_alpha``.

    ``P_alpha = sum_{y_i < z_i} w_i ((z_i - y_i) / z_i)^alpha / sum_i w_i``.

    Args:
        y: Welfare per unit, shape ``(n,)`` (e.g. rupiah per capita per month). Any real value.
        z: Poverty line, a positive scalar or an array of shape ``(n,)`` with one line per unit
            (area poverty lines), in the same units as ``y``.
        alpha: Poverty aversion parameter, ``>= 0``. 0 gives the headcount ratio, 1 the
            poverty-gap index, 2 the squared poverty gap.
        weights: Optional non-negative survey weights, shape ``(n,)`` (persons represented).

    Returns:
        ``P_alpha`` as a float in ``[0, 1]`` (for ``alpha = 0`` the share of weight that is
        poor).

    Raises:
        ValueError: If ``y`` is empty, not 1-D or contains NaN/inf; ``z`` is NaN, infinite,
            zero or negative or has the wrong length; ``alpha < 0``; or the weights are invalid
            (wrong length, NaN/inf, negative, all zero).
    """
    a = check_alpha(alpha)
    poor = Poor(*prepare(y, z, weights))
    return poor.share(gap_power(poor.gap(), a))


def watts(y: ArrayLike, z: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Watts poverty index.

    ``W = sum_{y_i < z_i} w_i ln(z_i / y_i) / sum_i w_i``.

    Args:
        y: Welfare per unit, shape ``(n,)``. Must be ``> 0`` for every unit below the line.
        z: Poverty line, a positive scalar or an array of shape ``(n,)`` (area lines).
        weights: Optional non-negative survey weights, shape ``(n,)``.

    Returns:
        The Watts index (a non-negative float, unbounded above as poor incomes approach 0).

    Raises:
        ValueError: On the same invalid inputs as :func:`fgt`, or if any poor unit has
            ``y <= 0``.
    """
    poor = Poor(*prepare(y, z, weights))
    return poor.share(poor.log_ratio())


def poverty_summary(
    y: ArrayLike, z: ArrayLike, weights: ArrayLike | None = None
) -> dict[str, float]:
    """Headcount, gap, severity and Watts in a single pass over the poor.

    The poor subset and the normalised gap are computed once and reused; results are
    identical to :func:`fgt` with ``alpha`` = 0, 1, 2 and :func:`watts`.

    Args:
        y: Welfare per unit, shape ``(n,)``. Must be ``> 0`` for every unit below the line
            (needed by the Watts index).
        z: Poverty line, a positive scalar or an array of shape ``(n,)`` (area lines).
        weights: Optional non-negative survey weights, shape ``(n,)``.

    Returns:
        Dict with keys ``"p0"``, ``"p1"``, ``"p2"`` and ``"watts"`` (floats).

    Raises:
        ValueError: On the same invalid inputs as :func:`watts`.
    """
    poor = Poor(*prepare(y, z, weights))
    log_ratio = poor.log_ratio()
    gap = poor.gap()
    return {
        "p0": poor.share(gap_power(gap, 0.0)),
        "p1": poor.share(gap_power(gap, 1.0)),
        "p2": poor.share(gap_power(gap, 2.0)),
        "watts": poor.share(log_ratio),
    }


def fgt_by_group(
    y: ArrayLike,
    z: ArrayLike,
    alpha: float,
    group: ArrayLike,
    n_groups: int,
    weights: ArrayLike | None = None,
) -> np.ndarray:
    """FGT measure computed separately for each group (e.g. district, decile, area type).

    Uses ``np.bincount``, so the cost is ``O(n + n_groups)`` with no Python loop.

    Args:
        y: Welfare per unit, shape ``(n,)``.
        z: Poverty line, a positive scalar or an array of shape ``(n,)`` (area lines).
        alpha: Poverty aversion parameter, ``>= 0``.
        group: Integer group code per unit, shape ``(n,)``, with values in
            ``[0, n_groups)``.
        n_groups: Number of groups (length of the result), ``>= 1``.
        weights: Optional non-negative survey weights, shape ``(n,)``.

    Returns:
        Float64 array of shape ``(n_groups,)`` with ``P_alpha`` of each group. Groups with zero
        total weight (including groups with no units) are ``NaN``.

    Raises:
        ValueError: On the same invalid inputs as :func:`fgt`, or if ``group`` is not an
            integer array of length ``n`` with codes in ``[0, n_groups)``, or ``n_groups < 1``.
    """
    a = check_alpha(alpha)
    ya, za, w, total = prepare(y, z, weights)
    n_groups = int(n_groups)
    if n_groups < 1:
        raise ValueError(f"n_groups must be >= 1, got {n_groups}")
    g = np.asarray(group)
    if g.ndim != 1:
        raise ValueError(f"group must be 1-D, got ndim={g.ndim}")
    if g.size != ya.size:
        raise ValueError(f"length mismatch: y has length {ya.size} but group has length {g.size}")
    if g.dtype.kind not in "iu":
        raise ValueError(f"group must be an integer array, got dtype {g.dtype}")
    if g.min() < 0 or g.max() >= n_groups:
        raise ValueError(
            f"group codes must lie in [0, {n_groups}), found range [{g.min()}, {g.max()}]"
        )
    g = g.astype(np.intp, copy=False)
    poor = Poor(ya, za, w, total)
    term = gap_power(poor.gap(), a)
    if term is None:
        num_w = poor.w
    else:
        num_w = term if poor.w is None else poor.w * term
    num = np.bincount(g[poor.mask], weights=num_w, minlength=n_groups).astype(np.float64)
    den = np.bincount(g, weights=w, minlength=n_groups).astype(np.float64)
    out = np.full(n_groups, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out

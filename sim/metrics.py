"""Poverty and inequality measures (pure numpy).

This module implements the welfare measures reported by the simulation:

* **FGT poverty measures** (Foster, Greer & Thorbecke 1984):
  ``P_alpha = sum_{y_i < z} w_i ((z - y_i) / z)^alpha / sum_i w_i``. ``alpha = 0`` is the
  headcount ratio, ``alpha = 1`` the poverty-gap index and ``alpha = 2`` the squared poverty
  gap (severity).
* **Watts index** (Watts 1968): ``sum_{y_i < z} w_i ln(z / y_i) / sum_i w_i``.
* **Gini coefficient**, population form
  ``G = sum_i sum_j w_i w_j |y_i - y_j| / (2 W^2 mu)`` with ``W = sum_i w_i`` and
  ``mu = sum_i w_i y_i / W``. It is computed exactly in ``O(n log n)`` by sorting: for integer
  weights it equals the unweighted Gini of the replicated sample.
* **Alkire-Foster multidimensional poverty** (Alkire & Foster 2011): deprivation score
  ``c_i = sum_j v_j g_ij`` with indicator weights ``v_j`` summing to one; a unit is poor when
  ``c_i >= k`` (with a ``1e-9`` tolerance so that ``1/6 + 1/6`` counts as ``1/3``); returns the
  headcount ``H``, intensity ``A`` (mean score of the poor) and adjusted headcount
  ``M0 = H * A``.

Conventions:
    * A unit is poor when its welfare is **strictly below** the poverty line ``z``.
    * ``weights`` are survey weights (e.g. number of persons a record represents). Every
      function accepts ``weights=None``, meaning equal weights. Weights must be finite and
      non-negative, and not all zero.
    * Poverty lines may be a scalar or an array with one line per unit (area-specific lines,
      e.g. urban/rural or provincial lines).
    * The functions are unit-free; in this project money is rupiah per capita per month.
    * Inputs may be any real dtype (including ``float32``); all accumulation is in
      ``float64``. No function loops over elements in Python.
    * Invalid input raises :class:`ValueError` with a message naming the problem.

References:
    Foster, J., Greer, J. & Thorbecke, E. (1984). A class of decomposable poverty measures.
    Econometrica 52(3), 761-766.

    Watts, H. W. (1968). An economic definition of poverty. In D. P. Moynihan (ed.),
    On Understanding Poverty. New York: Basic Books.

    Alkire, S. & Foster, J. (2011). Counting and multidimensional poverty measurement.
    Journal of Public Economics 95(7-8), 476-487.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from sim.kernels.sorting import stable_argsort

__all__ = [
    "AF_TOLERANCE",
    "alkire_foster",
    "fgt",
    "fgt_by_group",
    "gini",
    "poverty_summary",
    "watts",
]

#: Tolerance used when comparing Alkire-Foster deprivation scores with the cutoff ``k``.
AF_TOLERANCE: float = 1e-9


# ----------------------------------------------------------------------------------------------
# Validation helpers
# ----------------------------------------------------------------------------------------------


def _as_1d(x: ArrayLike, name: str) -> np.ndarray:
    """Convert ``x`` to a non-empty, finite, 1-D float64 array."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiu":
        raise ValueError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got ndim={arr.ndim}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: at least one observation is required")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or inf values")
    return arr


def _check_weights(weights: ArrayLike | None, n: int) -> tuple[np.ndarray | None, float]:
    """Validate survey weights; return ``(w, total)`` with ``w=None`` meaning equal weights."""
    if weights is None:
        return None, float(n)
    w = np.asarray(weights)
    if w.ndim != 1:
        raise ValueError(f"weights must be 1-D, got ndim={w.ndim}")
    if w.size != n:
        raise ValueError(f"length mismatch: y has length {n} but weights has length {w.size}")
    if w.dtype.kind not in "fiub":
        raise ValueError(f"weights must be a real numeric array, got dtype {w.dtype}")
    w = w.astype(np.float64, copy=False)
    if not np.isfinite(w).all():
        raise ValueError("weights contain NaN or inf values")
    if (w < 0).any():
        raise ValueError("weights must be non-negative (found negative weights)")
    total = float(w.sum())
    if total <= 0.0:
        raise ValueError("weights are all zero: total weight must be positive")
    return w, total


def _check_line(z: ArrayLike, n: int) -> np.ndarray | float:
    """Validate a poverty line (scalar or one per unit); return a float or float64 array."""
    za = np.asarray(z)
    if za.dtype.kind not in "fiu":
        raise ValueError(f"poverty line z must be numeric, got dtype {za.dtype}")
    za = za.astype(np.float64, copy=False)
    if za.ndim == 0:
        zf = float(za)
        if np.isnan(zf):
            raise ValueError("poverty line z is NaN")
        if not np.isfinite(zf):
            raise ValueError("poverty line z is infinite")
        if zf <= 0.0:
            raise ValueError(f"poverty line z must be positive, got {zf}")
        return zf
    if za.ndim != 1:
        raise ValueError(f"poverty line z must be a scalar or 1-D array, got ndim={za.ndim}")
    if za.size != n:
        raise ValueError(
            f"length mismatch: y has length {n} but poverty line z has length {za.size}"
        )
    if np.isnan(za).any():
        raise ValueError("poverty line z contains NaN values")
    if not np.isfinite(za).all():
        raise ValueError("poverty line z contains infinite values")
    if (za <= 0.0).any():
        raise ValueError("poverty line z must be positive (found zero or negative lines)")
    return za


def _check_alpha(alpha: float) -> float:
    """Validate the FGT parameter ``alpha``."""
    a = float(alpha)
    if not np.isfinite(a):
        raise ValueError(f"alpha must be finite, got {alpha}")
    if a < 0.0:
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    return a


# ----------------------------------------------------------------------------------------------
# Shared kernels
# ----------------------------------------------------------------------------------------------


class _Poor:
    """Poor subset of a validated sample: mask plus the poor units' y, z and weights."""

    __slots__ = ("mask", "y", "z", "w", "total")

    def __init__(
        self, y: np.ndarray, z: np.ndarray | float, w: np.ndarray | None, total: float
    ) -> None:
        self.mask = y < z
        self.y = y[self.mask]
        self.z = z[self.mask] if isinstance(z, np.ndarray) else z
        self.w = None if w is None else w[self.mask]
        self.total = total

    def gap(self) -> np.ndarray:
        """Normalised poverty gaps ``(z - y) / z`` of the poor, in (0, 1]."""
        return (self.z - self.y) / self.z

    def log_ratio(self) -> np.ndarray:
        """Watts terms ``ln(z / y)`` of the poor; raises if any poor ``y <= 0``."""
        if (self.y <= 0.0).any():
            raise ValueError(
                "Watts index needs y > 0 for all poor units (found non-positive y below the line)"
            )
        return np.log(self.z / self.y)

    def share(self, values: np.ndarray | None) -> float:
        """Weighted sum of per-poor ``values`` (``None`` = indicator) over total weight."""
        if values is None:
            s = float(self.y.size) if self.w is None else float(self.w.sum())
        else:
            # a product then numpy's pairwise sum, not np.dot: BLAS splits a dot product across
            # threads, so its rounding (last bit) would depend on the machine's thread count
            s = float(values.sum()) if self.w is None else float((self.w * values).sum())
        return s / self.total


def _prepare(
    y: ArrayLike, z: ArrayLike, weights: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray | float, np.ndarray | None, float]:
    """Validate ``(y, z, weights)`` for the poverty measures."""
    ya = _as_1d(y, "y")
    za = _check_line(z, ya.size)
    w, total = _check_weights(weights, ya.size)
    return ya, za, w, total


def _gap_power(gap: np.ndarray, alpha: float) -> np.ndarray | None:
    """Return ``gap**alpha`` (``None`` for alpha = 0, i.e. the indicator)."""
    if alpha == 0.0:
        return None
    if alpha == 1.0:
        return gap
    if alpha == 2.0:
        return gap * gap
    return np.power(gap, alpha)


# ----------------------------------------------------------------------------------------------
# Poverty measures
# ----------------------------------------------------------------------------------------------


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
    a = _check_alpha(alpha)
    poor = _Poor(*_prepare(y, z, weights))
    return poor.share(_gap_power(poor.gap(), a))


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
    poor = _Poor(*_prepare(y, z, weights))
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
    poor = _Poor(*_prepare(y, z, weights))
    log_ratio = poor.log_ratio()
    gap = poor.gap()
    return {
        "p0": poor.share(_gap_power(gap, 0.0)),
        "p1": poor.share(_gap_power(gap, 1.0)),
        "p2": poor.share(_gap_power(gap, 2.0)),
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
    a = _check_alpha(alpha)
    ya, za, w, total = _prepare(y, z, weights)
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
    poor = _Poor(ya, za, w, total)
    term = _gap_power(poor.gap(), a)
    if term is None:
        num_w = poor.w
    else:
        num_w = term if poor.w is None else poor.w * term
    num = np.bincount(g[poor.mask], weights=num_w, minlength=n_groups).astype(np.float64)
    den = np.bincount(g, weights=w, minlength=n_groups).astype(np.float64)
    out = np.full(n_groups, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


# ----------------------------------------------------------------------------------------------
# Inequality
# ----------------------------------------------------------------------------------------------


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
    ya = _as_1d(y, "y")
    n = ya.size
    if (ya < 0).any():
        raise ValueError("gini needs y >= 0 (found negative values)")
    w, total = _check_weights(weights, n)
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
        num = float((coef * ys).sum())  # not np.dot: see _Poor.share
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


# ----------------------------------------------------------------------------------------------
# Multidimensional poverty
# ----------------------------------------------------------------------------------------------


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
    w, total = _check_weights(weights, n)
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


def value_for_money_frames(timeseries: Any, baseline: Any) -> dict[str, float]:
    """Value for money of a run against its same-seed baseline (both monthly time series).

    Most gross exits from poverty would have happened anyway, so value for money is a paired
    comparison: what the run achieved beyond the same-seed ``no_programs`` run (common random
    numbers make the pairing exact), per rupiah of programme money.

    Args:
        timeseries: The run's monthly results (a DataFrame with ``p0``, ``p1``, ``watts``,
            ``persons``, ``persons_poor`` and any ``spent_*`` columns, rupiah per month for the
            represented population).
        baseline: The baseline run's monthly results, same months.

    Returns:
        At the final month: ``extra_persons_out`` (persons), ``p0_closed``, ``p1_closed``,
        ``watts_closed`` (fractions; positive is better); ``spent`` (rupiah, all programme
        money over the run: the sum of the ``spent_*`` columns); the same per billion rupiah
        (``persons_out_per_billion_rupiah``, ``p1_closed_per_billion_rupiah``,
        ``watts_closed_per_billion_rupiah``); and over the run ``extra_person_months_out`` and
        ``person_months_out_per_billion_rupiah``. Per-billion figures are NaN when nothing was
        spent.

    Raises:
        ValueError: When the two series do not cover the same months.
    """
    if len(timeseries) != len(baseline) or not np.array_equal(
        np.asarray(timeseries["month"]), np.asarray(baseline["month"])
    ):
        raise ValueError("value for money needs two runs over the same months")
    last, base = timeseries.iloc[-1], baseline.iloc[-1]
    spent_cols = [c for c in timeseries.columns if str(c).startswith("spent_")]
    spent = float(np.asarray(timeseries[spent_cols], dtype=np.float64).sum()) if spent_cols else 0.0
    out = {
        "extra_persons_out": float(base["persons_poor"] - last["persons_poor"]),
        "p0_closed": float(base["p0"] - last["p0"]),
        "p1_closed": float(base["p1"] - last["p1"]),
        "watts_closed": float(base["watts"] - last["watts"]),
        "extra_person_months_out": float(
            np.sum(np.asarray(baseline["persons_poor"]) - np.asarray(timeseries["persons_poor"]))
        ),
        "spent": spent,
    }
    per_billion = 1e9 / spent if spent > 0 else float("nan")
    out["persons_out_per_billion_rupiah"] = out["extra_persons_out"] * per_billion
    out["p1_closed_per_billion_rupiah"] = out["p1_closed"] * per_billion
    out["watts_closed_per_billion_rupiah"] = out["watts_closed"] * per_billion
    out["person_months_out_per_billion_rupiah"] = out["extra_person_months_out"] * per_billion
    return out

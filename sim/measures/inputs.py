"""Checking and preparing the inputs of the welfare measures (shared by every measure).

Conventions (all measures): a unit is poor when its welfare is strictly below the line; weights
are finite, non-negative and not all zero (``None``: equal weights); a line is a scalar or one
value per unit; accumulation is in float64; invalid input raises ``ValueError`` naming the
problem.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def as_1d(x: ArrayLike, name: str) -> np.ndarray:
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


def check_weights(weights: ArrayLike | None, n: int) -> tuple[np.ndarray | None, float]:
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


def check_line(z: ArrayLike, n: int) -> np.ndarray | float:
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


def check_alpha(alpha: float) -> float:
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


class Poor:
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


def prepare(
    y: ArrayLike, z: ArrayLike, weights: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray | float, np.ndarray | None, float]:
    """Validate ``(y, z, weights)`` for the poverty measures."""
    ya = as_1d(y, "y")
    za = check_line(z, ya.size)
    w, total = check_weights(weights, ya.size)
    return ya, za, w, total


def gap_power(gap: np.ndarray, alpha: float) -> np.ndarray | None:
    """Return ``gap**alpha`` (``None`` for alpha = 0, i.e. the indicator)."""
    if alpha == 0.0:
        return None
    if alpha == 1.0:
        return gap
    if alpha == 2.0:
        return gap * gap
    return np.power(gap, alpha)

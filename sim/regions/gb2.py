"""A region's measured distribution: a GB2 fitted to its P0, P1, P2 and Gini, fast.

The national fit (``sim.analysis.calibration.fit_distributions``) evaluates each candidate GB2 on a
grid of 4,000 quantiles: P0 is then the share of grid points below the line, a step function
of the parameters whose finite-difference derivative is zero, and each evaluation costs
~6 ms. Over 552 regions that is both slow (~9 s an area) and, for many regions, wrong: with
P0 left to the other three figures the solver stops on the parameter bounds, points away from
the target. This module fits the same family (GB2(a, scale, p, q), McDonald 1984), to the same
four figures with the same tolerances (:class:`sim.analysis.calibration.Target`), with

- P0 exact: the GB2's distribution function at the line, ``I_x(p, q)`` with
  ``x = r / (1 + r)``, ``r = (line / scale) ** a`` (smooth in the parameters);
- P1, P2 and the Gini by quadrature over normal scores: quantiles at ``u = Phi(t)`` for
  :data:`POINTS` scores ``t`` evenly spaced on [-7, 7], weights ``phi(t)`` (the upper half
  through the complementary incomplete beta, so the far tail keeps its digits); the Gini is
  ``2 cov(y, F(y)) / mean(y)``. Against a 400,000-point quantile grid: P1 and P2 agree to
  2e-6, the Gini to 3e-4 (the grid, not the quadrature, loses the top of a heavy tail).

An evaluation costs ~0.7 ms, a fit well under a second.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special

from sim.analysis.calibration import Target

POINTS = 700
"""Normal scores of the quadrature."""
T_MAX = 7.0
"""The quadrature's scores span [-T_MAX, T_MAX] (u from 1.3e-12 to 1 - 1.3e-12)."""
BOUNDS = ((0.3, 50.0), (0.02, 50.0), (0.05, 4.0), (0.1, 50.0))
"""Bounds of a, scale (as a multiple of the line), p and q: the national fit's, the scale
relative to the line (the national bounds, in rupiah, would bind for a low-line region)."""

_T = np.linspace(-T_MAX, T_MAX, POINTS)
_W = np.exp(-0.5 * _T**2) / np.exp(-0.5 * _T**2).sum()
_U = special.ndtr(_T)
_LOW = _T < 0
_UPPER_TAIL = special.ndtr(-_T[~_LOW])


def quantiles(a: float, scale: float, p: float, q: float) -> np.ndarray:
    """The GB2's quantiles at the quadrature's levels (rupiah per capita per month)."""
    x = np.empty(POINTS)
    c = np.empty(POINTS)
    x[_LOW] = special.betaincinv(p, q, _U[_LOW])
    c[_LOW] = 1.0 - x[_LOW]
    c[~_LOW] = special.betaincinv(q, p, _UPPER_TAIL)  # 1 - x, by I_x(p, q) = 1 - I_1-x(q, p)
    x[~_LOW] = 1.0 - c[~_LOW]
    return scale * (x / c) ** (1.0 / a)


def figures(a: float, scale: float, p: float, q: float, line: float) -> dict[str, float]:
    """P0, P1, P2 (fractions), the Gini and the mean (rupiah) of GB2(a, scale, p, q).

    Args:
        a: Shape.
        scale: Scale (rupiah per capita per month).
        p: Shape of the lower tail.
        q: Shape of the upper tail.
        line: Poverty line (rupiah per capita per month).

    Returns:
        ``{"p0", "p1", "p2", "gini", "mean"}``.
    """
    y = quantiles(a, scale, p, q)
    gap = np.clip(1.0 - y / line, 0.0, None)
    r = (line / scale) ** a
    mean = float(_W @ y)
    return {
        "p0": float(special.betainc(p, q, r / (1.0 + r))),
        "p1": float(_W @ gap),
        "p2": float(_W @ (gap * gap)),
        "gini": float(2.0 * (_W @ (y * (_U - 0.5))) / mean),
        "mean": mean,
    }


def fit_gb2(
    line: float, wanted: list[Target], starts: list[tuple[float, float, float, float]]
) -> tuple[tuple[float, float, float, float], float]:
    """Fit GB2(a, scale, p, q) to P0, P1, P2 and the Gini (in that order in ``wanted``).

    ``scipy.optimize.least_squares`` in log parameters, each residual scaled by its target's
    tolerance, from each start in turn until one fit is within tolerance on every figure (cost
    below 1); the best fit is returned.

    Args:
        line: The poverty line (rupiah per capita per month).
        wanted: Targets of P0, P1, P2 (fractions) and the Gini (0-1), in that order.
        starts: Starting points ``(a, scale, p, q)``, scale in rupiah.

    Returns:
        The parameters and the fit's cost (half the sum of squared scaled residuals).
    """
    target = np.array([t.value for t in wanted])
    tol = np.array([t.tolerance for t in wanted])
    lo = np.log([BOUNDS[0][0], BOUNDS[1][0] * line, BOUNDS[2][0], BOUNDS[3][0]])
    hi = np.log([BOUNDS[0][1], BOUNDS[1][1] * line, BOUNDS[2][1], BOUNDS[3][1]])

    def residuals(x: np.ndarray) -> np.ndarray:
        f = figures(*np.exp(x), line)
        got = np.array([f["p0"], f["p1"], f["p2"], f["gini"]])
        if not np.all(np.isfinite(got)):
            return np.full(4, 1e3)
        return (got - target) / tol

    best = None
    with np.errstate(all="ignore"):
        for start in starts:
            if best is not None and best.cost < 1.0:
                break  # within tolerance on every figure
            x0 = np.clip(np.log(start), lo + 1e-9, hi - 1e-9)
            sol = optimize.least_squares(
                residuals, x0, bounds=(lo, hi), x_scale="jac", max_nfev=400
            )
            if best is None or sol.cost < best.cost:
                best = sol
    assert best is not None
    return tuple(map(float, np.exp(best.x))), float(best.cost)  # type: ignore[return-value]

"""Productive assets: the two technologies, asset income, the drift and the tipping point.

Asset income is non-convex (Carter & Barrett 2006): ``max(r_L k, A k^alpha - F)``, the better
of a traditional technology with return ``r_L`` and an improved one with a fixed cost ``F``
scaled by ``assets.trap_strength``. Assets move as ``dk = reinvest * y_A + invest_labour *
labour - delta * k``, so the tipping point (:func:`asset_threshold`) follows from the
technology, never from a rule. Money is rupiah per month (assets in rupiah).
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.elementwise import fmax
from sim.dynamics.examples import rupiah
from sim.kernels import kernel, prange
from sim.scenario import Scenario

F32 = np.float32


def fixed_cost(sc: Scenario) -> float:
    """Monthly fixed cost of the improved technology (rupiah), scaled by the trap strength."""
    return sc.assets.trap_strength * sc.assets.high_fixed_cost


def high_tech_income(sc: Scenario, k: np.ndarray) -> np.ndarray:
    """Income of the improved technology at assets ``k`` (rupiah per month, may be negative)."""
    a = sc.assets
    return a.high_productivity * np.power(np.maximum(k, 0), a.high_elasticity) - fixed_cost(sc)


def asset_income(sc: Scenario, k: np.ndarray) -> np.ndarray:
    """Income from productive assets: the better of the two technologies (rupiah per month).

    Args:
        sc: Scenario (its ``assets`` section).
        k: Assets (rupiah). The households' float32 assets take one compiled pass; other
            arrays (the float64 grids of :func:`asset_threshold`) numpy's arithmetic in their
            own precision.

    Returns:
        Asset income per element (rupiah per month), float32.
    """
    a = sc.assets
    params = (a.low_return, a.high_productivity, fixed_cost(sc), a.high_elasticity)
    if not (
        isinstance(k, np.ndarray)
        and k.dtype == F32
        and k.ndim == 1
        and all(type(x) in (int, float) for x in params)  # weak scalars: float32 arithmetic
    ):
        return np.maximum(a.low_return * k, high_tech_income(sc, k)).astype(F32)
    powered = np.power(np.maximum(k, 0), a.high_elasticity)  # numpy's power in both forms
    out = np.empty(k.shape[0], dtype=F32)
    _asset_income_kernel(k, powered, F32(params[0]), F32(params[1]), F32(params[2]), out)
    return out


def _asset_income_reference(
    k: np.ndarray,
    powered: np.ndarray,
    low_return: np.float32,
    productivity: np.float32,
    fixed: np.float32,
    out: np.ndarray,
) -> None:
    """``max(low_return * k, productivity * powered - fixed)`` in float32 (numpy)."""
    np.maximum(low_return * k, productivity * powered - fixed, out=out)


def _asset_income_example(rng: np.random.Generator, n: int) -> tuple:
    """Household assets (zeros included) and the default technology (rupiah)."""
    k = rupiah(rng, n, 3e6)
    k[: n // 10] = rupiah(rng, n // 10, 5e8, zeros=0.0)  # households with the improved one
    powered = np.power(np.maximum(k, 0), 0.6)
    return k, powered, F32(0.008), F32(45.0), F32(375_000.0), np.empty(n, dtype=F32)


@kernel(reference=_asset_income_reference, example=_asset_income_example, parallel=True)
def _asset_income_kernel(
    k: np.ndarray,
    powered: np.ndarray,
    low_return: np.float32,
    productivity: np.float32,
    fixed: np.float32,
    out: np.ndarray,
) -> None:
    """``max(low_return * k, productivity * powered - fixed)`` in float32 (rupiah per month).

    ``powered`` is numpy's ``max(k, 0) ** elasticity``.
    """
    for i in prange(k.shape[0]):
        out[i] = fmax(low_return * k[i], productivity * powered[i] - fixed)


def asset_drift(sc: Scenario, k: np.ndarray, labour: np.ndarray) -> np.ndarray:
    """Expected monthly change of assets at ``k`` with labour income ``labour`` (rupiah)."""
    a = sc.assets
    return (
        a.reinvest_share * asset_income(sc, k) + a.labour_invest_share * labour - a.depreciation * k
    )


def asset_threshold(sc: Scenario, labour: float, k_max: float = 1e10) -> float | None:
    """The tipping point (Micawber threshold) of assets for a household with given labour income.

    Below it assets drift down towards the low steady state, above it they grow towards the high
    one. It follows from the technology and saving parameters.

    Args:
        sc: Scenario (its ``assets`` section).
        labour: Monthly labour income (rupiah).
        k_max: Largest asset level searched (rupiah).

    Returns:
        The unstable steady state (rupiah), or None when there is none (no trap).
    """
    grid = np.geomspace(1e3, k_max, 4000)
    d = asset_drift(sc, grid, np.full_like(grid, labour))
    # an unstable steady state: drift crosses from negative to positive
    up = np.flatnonzero((d[:-1] < 0) & (d[1:] >= 0))
    if up.size == 0:
        return None
    i = up[0]
    from scipy import optimize  # a root search, off the month's path: not loaded by import sim

    return float(
        optimize.brentq(
            lambda k: float(asset_drift(sc, np.array([k]), np.array([labour]))[0]),
            grid[i],
            grid[i + 1],
        )
    )

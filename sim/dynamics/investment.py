"""Lumpy investment out of cash: a windfall buys productive assets when the return pays.

A household holding cash on hand beyond its buffer (savings plus this month's disposable
income above ``(1 + consumption.buffer_months)`` months of permanent income: a windfall such
as a lump-sum transfer) considers spending ``assets.cash_invest_share`` of that excess on
productive assets, through the same technology as every other asset
(``sim.dynamics.assets``), up to the stock at which the improved technology's marginal return
net of depreciation falls to the hurdle (:func:`desired_assets`). It buys when the purchase
pays: the asset income it adds, net of depreciation, exceeds ``assets.invest_hurdle`` per
month on the money spent,

    y_A(k + x) - y_A(k) - (delta + h) x > 0,

which compares the *average* return of the purchase, not the marginal one at k: a purchase that
carries the household over the tipping point can pay although a small one would not (the
lumpiness of the non-convex technology). The purchase is a durable, not consumption: it leaves
the month's disposable income. Money is rupiah per household per month (assets in rupiah).
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.assets import asset_income
from sim.scenario import Scenario
from sim.world.households import Households

F32 = np.float32


def desired_assets(sc: Scenario) -> float:
    """Assets at which the improved technology's marginal return equals hurdle + depreciation.

    ``alpha A k ** (alpha - 1) = h + delta``; infinite when the traditional technology's
    return alone clears ``h + delta`` (then nothing caps a purchase but the cash).

    Returns:
        The desired stock (rupiah); purchases never take assets beyond it.
    """
    a = sc.assets
    cost = a.invest_hurdle + a.depreciation
    if a.low_return >= cost or cost <= 0:
        return float("inf")
    if a.high_productivity <= 0:
        return 0.0
    return float((a.high_elasticity * a.high_productivity / cost) ** (1 / (1 - a.high_elasticity)))


def buy_assets(
    sc: Scenario, hh: Households, permanent: np.ndarray, disposable: np.ndarray
) -> np.ndarray:
    """Spend cash above the buffer on productive assets where the purchase pays.

    Args:
        sc: Scenario (its ``assets`` and ``consumption`` sections).
        hh: Households: ``assets`` is written.
        permanent: Permanent disposable income (rupiah per month, float32).
        disposable: This month's disposable income (rupiah per month, float32).

    Returns:
        This month's disposable income less the purchases (float32).
    """
    a = sc.assets
    if a.cash_invest_share <= 0:
        return disposable
    buffer = F32(1.0 + sc.consumption.buffer_months)
    excess = hh.savings + disposable - buffer * permanent
    cand = np.flatnonzero(excess > 0)
    if cand.size == 0:
        return disposable
    k = hh.assets[cand]
    x = (F32(a.cash_invest_share) * excess[cand]).astype(F32)
    k_star = desired_assets(sc)
    if np.isfinite(k_star):
        x = np.minimum(x, np.maximum(F32(k_star) - k, F32(0)))
    gain = asset_income(sc, (k + x).astype(F32)) - asset_income(sc, k)
    pays = (x > 0) & (gain > F32(a.invest_hurdle + a.depreciation) * x)
    idx, spent = cand[pays], x[pays]
    hh.assets[idx] += spent
    out = disposable.copy()
    out[idx] -= spent
    return out

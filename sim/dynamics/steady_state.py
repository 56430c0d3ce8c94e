"""The starting population as a steady state of the household dynamics (set-up only).

``sim.world.synthesis.synthesize`` draws consumption, members and programmes;
:func:`back_out_incomes` then sets each household's labour fixed effect, assets and savings so
that, with expected shocks, health costs and transfers, consumption is what it earns and assets
sit at a stable steady state of the asset dynamics (``sim.dynamics.assets``). Money is rupiah
per month.
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.assets import asset_income, high_tech_income
from sim.dynamics.health import expected_health_cost
from sim.scenario import Scenario
from sim.world.government import government_transfers
from sim.world.households import Households

F32 = np.float32


def upper_steady_state(sc: Scenario) -> float | None:
    """Assets at which the improved technology alone sustains itself (reinvest * y_H = delta k).

    Returns:
        The stable upper root (rupiah), or None when the technology cannot sustain itself.
    """
    a = sc.assets

    def f(k: float) -> float:
        return a.reinvest_share * float(high_tech_income(sc, np.array([k]))[0]) - a.depreciation * k

    grid = np.geomspace(1e3, 1e13, 3000)
    vals = np.array([f(k) for k in grid[::10]])
    sign = np.flatnonzero((vals[:-1] > 0) & (vals[1:] <= 0))
    if sign.size == 0:
        return None
    i = sign[-1]
    from scipy import optimize  # set-up only: not loaded by ``import sim``

    return float(optimize.brentq(f, grid[::10][i], grid[::10][i + 1]))


def earner_equivalents(hh: Households, elderly_weight: float, elasticity: float) -> np.ndarray:
    """``earners ** e * members ** (1 - e)`` in float64 (``income.earner_elasticity`` e)."""
    earners = hh.earners(elderly_weight).astype(np.float64)
    if elasticity == 1.0:
        return earners
    return earners**elasticity * hh.members.astype(np.float64) ** (1.0 - elasticity)


def back_out_incomes(sc: Scenario, hh: Households, wants_high: np.ndarray) -> None:
    """Set labour fixed effects, assets and savings so that the start is a steady state.

    Given consumption C and transfers T, each household's permanent disposable income equals C
    and its assets sit at a stable steady state of the asset dynamics: at the low steady state
    k_L = invest_labour * L / (delta - reinvest * r_L) with the traditional technology, or at
    the high one with the improved technology (households that ``wants_high`` and can sustain
    it, and households whose labour income leaves them no low steady state).
    """
    a = sc.assets
    if a.reinvest_share * a.low_return >= a.depreciation:
        raise ValueError(
            "assets: reinvest_share * low_return must be below depreciation "
            "(otherwise traditional assets grow without bound)"
        )
    transfers = government_transfers(sc, hh)
    oop, loss = expected_health_cost(sc, hh)
    net_needed = np.maximum(hh.consumption.astype(np.float64) - transfers + oop, 1.0)
    iota, sigma, delta, r_low = (
        a.labour_invest_share,
        a.reinvest_share,
        a.depreciation,
        a.low_return,
    )

    # low regime: closed form
    phi = r_low * iota / (delta - sigma * r_low)
    lab_low = net_needed / ((1 - iota) + (1 - sigma) * phi)  # effective labour, after losses
    k_low = iota * lab_low / (delta - sigma * r_low)
    low_valid = high_tech_income(sc, k_low) <= r_low * k_low

    # high regime: bisection on k >= the self-sustaining steady state
    high_possible, k_high, lab_high = _high_regime(sc, net_needed)

    use_high = high_possible & (wants_high | ~low_valid)
    lab_eff = np.where(use_high, lab_high, lab_low)
    k = np.where(use_high, k_high, k_low)
    labour = lab_eff / (1.0 - loss)
    inc = sc.income
    denom = (
        earner_equivalents(hh, inc.elderly_earner_weight, inc.earner_elasticity)
        * np.exp(inc.return_to_schooling * hh.adult_schooling.astype(np.float64))
        * (1.0 + inc.return_to_skill * hh.skill.astype(np.float64))
    )
    hh.wage_base[:] = labour / np.maximum(denom, 1e-6)
    hh.assets[:] = k
    hh.income_labour[:] = labour
    hh.income_assets[:] = asset_income(sc, k.astype(F32))
    hh.income_transfers[:] = transfers
    hh.savings[:] = sc.consumption.buffer_months * hh.consumption


def _high_regime(sc: Scenario, net_needed: np.ndarray) -> tuple[np.ndarray, ...]:
    """Assets and effective labour at the high steady state that yields ``net_needed``.

    Bisection on k at or above the self-sustaining steady state (:func:`upper_steady_state`).

    Args:
        sc: Scenario (its ``assets`` section).
        net_needed: Permanent disposable income each household needs (rupiah per month).

    Returns:
        ``(high_possible, k_high, lab_high)``: whether the improved technology can sustain
        the household, its assets (rupiah) and its effective labour income (rupiah per month);
        zeros where there is no self-sustaining steady state.
    """
    a = sc.assets
    iota, sigma, delta, r_low = (
        a.labour_invest_share,
        a.reinvest_share,
        a.depreciation,
        a.low_return,
    )
    n = net_needed.shape[0]
    k_star = upper_steady_state(sc)
    if k_star is None:
        return np.zeros(n, dtype=bool), np.zeros(n), np.zeros(n)

    def consumption_at(k: np.ndarray) -> np.ndarray:
        y_h = high_tech_income(sc, k)
        lab = (delta * k - sigma * y_h) / iota
        return (1 - iota) * lab + (1 - sigma) * y_h

    high_possible = net_needed >= consumption_at(np.array([k_star]))[0]
    lo = np.full(n, k_star)
    hi = np.full(n, max(k_star * 10, 1e9))
    while True:  # widen until every target is bracketed
        short = consumption_at(hi) < net_needed
        if not short.any() or hi.max() > 1e15:
            break
        hi[short] *= 10
    # 80 halvings. Only households that may use the improved technology (high_possible)
    # need k_high (it is used nowhere else), and a bracket that has shrunk to adjacent
    # floats no longer moves: iterate on the open brackets of those households only (the
    # same arithmetic per household as over all of them)
    open_ = np.flatnonzero(high_possible)
    for _ in range(80):
        lo_o, hi_o = lo[open_], hi[open_]
        mid = 0.5 * (lo_o + hi_o)
        below = consumption_at(mid) < net_needed[open_]
        lo[open_] = np.where(below, mid, lo_o)
        hi[open_] = np.where(below, hi_o, mid)
        moved = (mid != lo_o) & (mid != hi_o)
        open_ = open_[moved]
        if open_.size == 0:
            break
    k_high = 0.5 * (lo + hi)
    lab_high = (delta * k_high - sigma * high_tech_income(sc, k_high)) / iota
    high_possible &= high_tech_income(sc, k_high) >= r_low * k_high
    return high_possible, k_high, lab_high

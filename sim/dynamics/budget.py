"""The month's budget: spillover-scaled income, investment, disposable and permanent income.

Labour and asset income are scaled by the local spillover; households invest
``assets.labour_invest_share`` of labour income and ``assets.reinvest_share`` of asset income.
Disposable income adds government transfers and programme cash and takes away investment and
out-of-pocket health spending. Permanent income, which consumption plans around
(``sim.dynamics.consumption``), is the kept share of permanent labour (net of the expected
health loss) and of shock-free asset income, plus government transfers, less the expected
health cost: programme cash is income, not permanent income. Assets wear at the smooth part of
depreciation (``sim.dynamics.asset_loss.wear_rate``; the rest arrives as lumpy losses) and grow
by investment and programme asset transfers; skill grows by training. Money is rupiah per
household per month.
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.asset_loss import wear_rate
from sim.dynamics.examples import factor, rupiah
from sim.kernels import kernel, prange
from sim.scenario import Scenario
from sim.world.households import Households

F32 = np.float32


def budget(
    sc: Scenario,
    hh: Households,
    labour: np.ndarray,
    assets_income: np.ndarray,
    spill: np.ndarray,
    labour_perm: np.ndarray,
    assets_income_normal: np.ndarray,
    transfers: np.ndarray,
    health_cost: np.ndarray,
    oop_expected: np.ndarray,
    loss_share: float,
    *,
    cash: np.ndarray,
    oop_factor: np.ndarray,
    new_assets: np.ndarray,
    new_skill: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The month's budget; updates assets, skill and the recorded incomes of ``hh``.

    Args:
        sc: Scenario (its ``assets`` section).
        hh: Households: ``assets``, ``skill``, ``income_labour``, ``income_assets`` and
            ``income_transfers`` are written.
        labour: Labour earnings before spillovers (``sim.dynamics.income.earnings``).
        assets_income: Asset income before spillovers.
        spill: Spillover factor on labour and asset income (``spillover_factor``).
        labour_perm: Permanent labour earnings.
        assets_income_normal: Asset income without shocks.
        transfers: Government transfers.
        health_cost: Out-of-pocket health cost of this month's illnesses.
        oop_expected: Expected out-of-pocket health cost.
        loss_share: Expected share of earnings lost to illness.
        cash: Programme cash received.
        oop_factor: Programme multiplier on out-of-pocket health cost (clinics; 1 without).
        new_assets: Assets transferred by programmes (rupiah).
        new_skill: Skill units gained from training.

    Returns:
        ``(disposable, permanent)`` income, float32 rupiah per household per month.
    """
    a = sc.assets
    _, disposable, permanent = _budget_kernel(
        labour,
        assets_income,
        spill,
        labour_perm,
        assets_income_normal,
        transfers,
        cash,
        health_cost,
        oop_factor,
        oop_expected,
        new_assets,
        new_skill,
        F32(a.labour_invest_share),
        F32(a.reinvest_share),
        F32((1 - a.labour_invest_share) * (1 - loss_share)),
        F32(1 - a.reinvest_share),
        F32(1 - wear_rate(sc)),  # the rest of depreciation: lumpy losses (asset_loss)
        hh.assets,
        hh.skill,
        hh.income_labour,
        hh.income_assets,
        hh.income_transfers,
    )
    return disposable, permanent


def _budget_reference(
    labour: np.ndarray,
    assets_income: np.ndarray,
    spill: np.ndarray,
    labour_perm: np.ndarray,
    assets_income_normal: np.ndarray,
    transfers: np.ndarray,
    cash: np.ndarray,
    health_cost: np.ndarray,
    oop_factor: np.ndarray,
    oop_expected: np.ndarray,
    new_assets: np.ndarray,
    new_skill: np.ndarray,
    labour_invest_share: np.float32,
    reinvest_share: np.float32,
    permanent_labour_share: np.float32,
    kept_asset_share: np.float32,
    asset_retained: np.float32,
    assets: np.ndarray,
    skill: np.ndarray,
    income_labour: np.ndarray,
    income_assets: np.ndarray,
    income_transfers: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`budget` in numpy; returns ``(invest, disposable, permanent)``."""
    labour = labour * spill
    assets_income = assets_income * spill
    invest = labour_invest_share * labour + reinvest_share * assets_income
    oop = health_cost * oop_factor
    disposable = labour + assets_income + transfers + cash - invest - oop
    del oop
    permanent = (
        permanent_labour_share * labour_perm
        + kept_asset_share * assets_income_normal
        + transfers
        - oop_expected
    )
    assets[:] = np.maximum(assets * asset_retained + invest, 0) + new_assets
    skill += new_skill
    income_labour[:] = labour
    income_assets[:] = assets_income
    income_transfers[:] = transfers + cash
    return invest, disposable, permanent


def _budget_example(rng: np.random.Generator, n: int) -> tuple:
    """A month's incomes, programme effects in some households, assets (zeros included)."""

    def some(x: np.ndarray, p: float) -> np.ndarray:
        x[rng.random(n) >= p] = 0
        return x

    clinic = np.ones(n, dtype=F32)
    clinic[rng.random(n) < 0.1] = F32(0.5)
    return (
        rupiah(rng, n, 2e6),
        rupiah(rng, n, 5e4, zeros=0.2),
        np.where(rng.random(n) < 0.7, factor(rng, n, 0.01), F32(1)).astype(F32),
        rupiah(rng, n, 2e6),
        rupiah(rng, n, 5e4, zeros=0.2),
        some(rupiah(rng, n, 2e5, zeros=0.0), 0.3),
        some(rupiah(rng, n, 3e5, zeros=0.0), 0.1),
        some(rupiah(rng, n, 6e4, zeros=0.0), 0.15),
        clinic,
        np.full(n, F32(25_000.0)),
        some(rupiah(rng, n, 2e6, zeros=0.0), 0.05),
        some(np.full(n, F32(0.5)), 0.05),
        F32(0.005),
        F32(0.5),
        F32((1 - 0.005) * (1 - 0.004 * 3 * 0.35)),
        F32(0.5),
        F32(0.985),
        rupiah(rng, n, 3e6),
        some(rng.uniform(0, 3, n).astype(F32), 0.1),
        np.empty(n, dtype=F32),
        np.empty(n, dtype=F32),
        np.empty(n, dtype=F32),
    )


@kernel(reference=_budget_reference, example=_budget_example, parallel=True)
def _budget_kernel(
    labour: np.ndarray,
    assets_income: np.ndarray,
    spill: np.ndarray,
    labour_perm: np.ndarray,
    assets_income_normal: np.ndarray,
    transfers: np.ndarray,
    cash: np.ndarray,
    health_cost: np.ndarray,
    oop_factor: np.ndarray,
    oop_expected: np.ndarray,
    new_assets: np.ndarray,
    new_skill: np.ndarray,
    labour_invest_share: np.float32,
    reinvest_share: np.float32,
    permanent_labour_share: np.float32,
    kept_asset_share: np.float32,
    asset_retained: np.float32,
    assets: np.ndarray,
    skill: np.ndarray,
    income_labour: np.ndarray,
    income_assets: np.ndarray,
    income_transfers: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`budget` in one pass (float32, numpy's operations in numpy's order).

    Updates ``assets``, ``skill`` and the three income arrays in place.

    Returns:
        ``(invest, disposable, permanent)``, rupiah per household per month (float32).
    """
    n = labour.shape[0]
    invest = np.empty(n, dtype=np.float32)
    disposable = np.empty(n, dtype=np.float32)
    permanent = np.empty(n, dtype=np.float32)
    zero = np.float32(0.0)
    for i in prange(n):
        lab = labour[i] * spill[i]
        ai = assets_income[i] * spill[i]
        inv = labour_invest_share * lab + reinvest_share * ai
        tr = transfers[i]
        invest[i] = inv
        oop = health_cost[i] * oop_factor[i]  # out-of-pocket health spending
        disposable[i] = lab + ai + tr + cash[i] - inv - oop
        permanent[i] = (
            permanent_labour_share * labour_perm[i]
            + kept_asset_share * assets_income_normal[i]
            + tr
            - oop_expected[i]
        )
        k = assets[i] * asset_retained + inv
        if not (k > zero or k != k):  # np.maximum(k, 0): NaN kept; -0.0 and 0 give the 0
            k = zero
        assets[i] = k + new_assets[i]
        skill[i] = skill[i] + new_skill[i]
        income_labour[i] = lab
        income_assets[i] = ai
        income_transfers[i] = tr + cash[i]
    return invest, disposable, permanent

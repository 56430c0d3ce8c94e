"""A household month in the phases ``PovertyModel.step`` names: shocks, illness, income, budget.

Each phase is a function of the household arrays that returns what later phases read, as a
small named bundle of this month's arrays (float32, rupiah per household per month unless
said otherwise). The bundles are dropped as soon as the budget is made: the month's memory
peak is what is alive at :func:`spend`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.dynamics.asset_loss import lose_assets
from sim.dynamics.assets import asset_income
from sim.dynamics.budget import budget
from sim.dynamics.health import expected_health_cost, health_shocks
from sim.dynamics.income import earnings, permanent_labour
from sim.dynamics.investment import buy_assets
from sim.dynamics.shocks import (
    covariate_shocks,
    harvest_factor,
    persistent_shocks,
    transitory_factor,
)
from sim.dynamics.spillovers import spillover_factor
from sim.dynamics.subdistricts import SubdistrictState
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.government import government_transfers
from sim.world.households import Households


@dataclass
class Shocks:
    """This month's earnings shocks (multipliers, mean one).

    Attributes:
        transitory: Household transitory factor.
        covariate: Sub-district covariate factor times the harvest season's.
    """

    transitory: np.ndarray
    covariate: np.ndarray


@dataclass
class Illness:
    """This month's illness and what households expect of it.

    Attributes:
        cost: Out-of-pocket cost of this month's episodes (rupiah).
        expected_cost: Expected monthly out-of-pocket cost (rupiah).
        loss_share: Expected share of earnings lost to severe illness.
    """

    cost: np.ndarray
    expected_cost: np.ndarray
    loss_share: float


@dataclass
class Income:
    """This month's income before the budget (rupiah per household per month).

    Attributes:
        labour_perm: Permanent labour earnings.
        assets_income_normal: Asset income without shocks.
        labour: Labour earnings before spillovers.
        assets_income: Asset income before spillovers.
        spill: Spillover multiplier on labour and asset income.
        transfers: Government transfers (PKH, BPNT).
    """

    labour_perm: np.ndarray
    assets_income_normal: np.ndarray
    labour: np.ndarray
    assets_income: np.ndarray
    spill: np.ndarray
    transfers: np.ndarray


def draw_shocks(
    sc: Scenario, hh: Households, subdistricts: SubdistrictState, streams: Streams, month: int
) -> Shocks:
    """Persistent, transitory and covariate shocks, the harvest season, lumpy asset losses."""
    persistent_shocks(sc, hh, streams, month)
    lose_assets(sc, hh, streams, month)  # before asset income: a dead animal earns nothing
    transitory = transitory_factor(sc, hh, streams, month)
    covariate = covariate_shocks(sc, hh, subdistricts, streams, month)
    covariate *= harvest_factor(sc, hh, month)  # seasonal, also transitory
    return Shocks(transitory, covariate)


def fall_ill(sc: Scenario, hh: Households, streams: Streams, month: int) -> Illness:
    """New illnesses and their out-of-pocket cost; what households expect to lose."""
    cost = health_shocks(sc, hh, streams, month)
    expected, loss_share = expected_health_cost(sc, hh)
    return Illness(cost, expected, loss_share)


def earn(
    sc: Scenario,
    hh: Households,
    subdistricts: SubdistrictState,
    month: int,
    shocks: Shocks,
    asset_return: np.ndarray,
    cash: np.ndarray,
    injected: np.ndarray,
) -> Income:
    """Labour and asset earnings, local spillovers of programme money, government transfers.

    Args:
        sc: Scenario.
        hh: Households.
        subdistricts: Sub-district state (the ring buffer of injections).
        month: This month.
        shocks: This month's shocks (:func:`draw_shocks`).
        asset_return: Programme multiplier on asset income (market access; 1 without).
        cash: Programme cash paid this month (its recipients get no spillover factor).
        injected: Programme money injected this month per sub-district (rupiah).
    """
    labour_perm = permanent_labour(sc, hh, month)
    assets_income_normal = asset_income(sc, hh.assets)
    labour, assets_income, earned = earnings(
        sc, hh, labour_perm, shocks.transitory, shocks.covariate, assets_income_normal,
        asset_return,
    )  # fmt: skip
    # spillovers scale this month's earnings before spillovers (the multiplier's base)
    spill = spillover_factor(sc, hh, subdistricts, injected, month, cash > 0, earned=earned)
    del earned
    transfers = government_transfers(sc, hh)
    return Income(labour_perm, assets_income_normal, labour, assets_income, spill, transfers)


def spend(
    sc: Scenario,
    hh: Households,
    income: Income,
    illness: Illness,
    *,
    cash: np.ndarray,
    oop_factor: np.ndarray,
    new_assets: np.ndarray,
    new_skill: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The month's budget (``sim.dynamics.budget``): ``(disposable, permanent)`` income.

    Programme cash is income this month, not permanent income; programme assets and skill are
    added to the household's; ``oop_factor`` scales out-of-pocket health costs (clinics).
    Cash on hand above the buffer then buys productive assets where the purchase pays
    (``sim.dynamics.investment``): the returned disposable income is net of those purchases.
    """
    disposable, permanent = budget(
        sc, hh, income.labour, income.assets_income, income.spill, income.labour_perm,
        income.assets_income_normal, income.transfers, illness.cost, illness.expected_cost,
        illness.loss_share, cash=cash, oop_factor=oop_factor, new_assets=new_assets,
        new_skill=new_skill,
    )  # fmt: skip
    return buy_assets(sc, hh, permanent, disposable), permanent

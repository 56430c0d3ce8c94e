"""Lumpy asset losses: an animal dies or is stolen, a fire or flood, a failed stock.

Part of the expected depreciation of productive assets (``assets.depreciation``, per month)
arrives as events: each month a household loses ``assets.loss_share`` of its assets with
probability ``assets.loss_prob``, drawn from its own stream (``assets.loss``), and the rest
as smooth wear (:func:`wear_rate`), so the expected rate is unchanged. Every asset is exposed
alike: an asset a programme transferred is lost like any other.
"""

from __future__ import annotations

import numpy as np

from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households

F32 = np.float32


def expected_loss_rate(sc: Scenario) -> float:
    """Expected share of assets lost to events per month (``loss_prob * loss_share``)."""
    return sc.assets.loss_prob * sc.assets.loss_share


def wear_rate(sc: Scenario) -> float:
    """Smooth depreciation per month: ``depreciation`` less the expected event losses (>= 0)."""
    return max(sc.assets.depreciation - expected_loss_rate(sc), 0.0)


def lose_assets(sc: Scenario, hh: Households, streams: Streams, month: int) -> np.ndarray:
    """Draw this month's asset-loss events and take the lost assets away.

    Args:
        sc: Scenario (its ``assets`` section).
        hh: Households: ``assets`` is written.
        streams: The run's streams (``assets.loss``).
        month: This month.

    Returns:
        Assets lost this month (rupiah per household, float32).
    """
    a = sc.assets
    lost = np.zeros(hh.n, dtype=F32)
    if a.loss_prob <= 0 or a.loss_share <= 0:
        return lost
    hit = np.flatnonzero(streams.uniform("assets.loss", month, hh.n) < F32(a.loss_prob))
    lost[hit] = hh.assets[hit] * F32(a.loss_share)
    hh.assets[hit] -= lost[hit]
    return lost

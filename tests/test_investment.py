"""Lumpy investment out of cash and lumpy asset losses (sim.dynamics.investment, asset_loss)."""

from __future__ import annotations

import numpy as np

import sim
from sim.dynamics.asset_loss import lose_assets, wear_rate
from sim.dynamics.assets import asset_threshold
from sim.dynamics.investment import buy_assets, desired_assets

F32 = np.float32


def _world(overrides=None, n=200):
    sc = sim.load_scenario(
        "no_programs", {"population.households": n, "months": 1, **(overrides or {})}
    )
    return sc, sim.PovertyModel(sc, rng=3)


def test_a_windfall_buys_assets_over_the_threshold_a_small_one_does_not():
    sc, m = _world({"assets.cash_invest_share": 1.0})
    hh = m.households
    hh.assets[:] = F32(1e6)
    hh.savings[:] = 0
    permanent = np.full(hh.n, F32(2e6))
    disposable = permanent.copy()
    disposable[:100] += F32(12e6)  # a lump sum beyond the tipping point (~Rp 7 M)
    disposable[100:] += F32(1e6)  # a small windfall: the traditional technology does not pay
    before = hh.assets.copy()
    after = buy_assets(sc, hh, permanent, disposable)
    bought = hh.assets - before
    np.testing.assert_allclose(disposable - after, bought, rtol=1e-6)  # durables, not consumption
    threshold = asset_threshold(sc, 2e6)
    assert (hh.assets[:100] > threshold).all() and (bought[:100] > 0).all()
    assert (bought[100:] == 0).all()
    assert hh.assets.max() <= desired_assets(sc) * (1 + 1e-6)


def test_no_purchase_without_the_mechanism_or_below_the_hurdle():
    for over in ({"assets.cash_invest_share": 0.0}, {"assets.invest_hurdle": 1.0}):
        sc, m = _world(over)
        hh = m.households
        hh.assets[:] = F32(1e6)
        permanent = np.full(hh.n, F32(2e6))
        disposable = permanent + F32(12e6)
        before = hh.assets.copy()
        out = buy_assets(sc, hh, permanent, disposable)
        np.testing.assert_array_equal(hh.assets, before)
        np.testing.assert_array_equal(out, disposable)


def test_lumpy_losses_hit_every_asset_and_keep_expected_depreciation():
    sc, m = _world({"assets.loss_prob": 1.0, "assets.loss_share": 0.5, "assets.depreciation": 0.5})
    hh = m.households
    hh.assets[:] = F32(8e6)
    lost = lose_assets(sc, hh, m.streams, 1)
    np.testing.assert_allclose(hh.assets, 4e6)
    np.testing.assert_allclose(lost, 4e6)
    assert wear_rate(sc) == 0.0
    sc = sim.Scenario()
    a = sc.assets
    assert wear_rate(sc) + a.loss_prob * a.loss_share == a.depreciation
    off = sim.load_scenario("no_programs", {"assets.loss_prob": 0.0})
    assert wear_rate(off) == off.assets.depreciation


def test_the_defaults_act_and_are_uncertain_parameters():
    """Both mechanisms act at their defaults; their strengths are uncertain, down to zero."""
    off = {"assets.cash_invest_share": 0.0, "assets.loss_prob": 0.0}
    sc, m = _world(off, n=2_000)
    m.run()
    sc_on, m_on = _world({}, n=2_000)
    m_on.run()
    assert m.households.assets.sum() != m_on.households.assets.sum()  # the defaults do act
    for key in ("assets.cash_invest_share", "assets.loss_prob", "assets.invest_hurdle"):
        assert key in sim.scenario.uncertain_parameters()

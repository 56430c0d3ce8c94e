"""The household world behaves like Indonesia's: one test per mechanism of the foundation issue."""

import numpy as np
import pytest

import sim
from sim import dynamics
from sim.dynamics import month as month_phases
from tests.conftest import QUIET, small


def test_start_is_a_steady_state_without_shocks_growth_demography():
    ts = sim.PovertyModel(small(30_000, 12, **QUIET), rng=1).run().timeseries()
    assert abs(ts.p0.iloc[12] - ts.p0.iloc[0]) < 0.001  # within 0.1 points
    assert ts.p0.diff().abs().max() < 0.001  # no jump when the dynamics start
    assert abs(ts.mean_consumption.iloc[12] / ts.mean_consumption.iloc[0] - 1) < 1e-3


def test_poverty_trap_comes_from_the_technology():
    # the technology's drift alone: purchases out of cash (assets.cash_invest_share) let a
    # household with savings jump the threshold, which is what they are for
    sc = small(20_000, 24, **{"demography.enabled": False, "assets.cash_invest_share": 0.0})
    model = sim.PovertyModel(sc, rng=2)
    hh = model.households
    rng = np.random.default_rng(0)
    candidates = rng.choice(np.flatnonzero(hh.income_labour < 3e6), 400, replace=False)
    thresholds = np.array(
        [dynamics.asset_threshold(sc, float(hh.income_labour[i])) or np.nan for i in candidates]
    )
    keep = np.isfinite(thresholds)
    idx, thr = candidates[keep], thresholds[keep]
    assert idx.size > 100
    below, above = idx[::2], idx[1::2]
    hh.assets[below] = 0.7 * thr[::2]
    hh.assets[above] = 1.3 * thr[1::2]
    start_below, start_above = hh.assets[below].copy(), hh.assets[above].copy()
    model.run()
    # just below the threshold assets drift down on average; just above they accumulate
    assert np.median(hh.assets[below] / start_below - 1) < -0.02  # some sell all in distress
    assert np.median(hh.assets[above] / start_above - 1) > 0.02


def test_fixed_cost_moves_the_tipping_point_and_no_trap_without_it():
    sc = small()
    labour = 1_500_000.0
    base = dynamics.asset_threshold(sc, labour)
    assert base is not None and base > 0
    dearer = sc.model_copy(deep=True)
    dearer.assets.high_fixed_cost *= 1.2
    assert dynamics.asset_threshold(dearer, labour) > 1.2 * base
    no_trap = sc.model_copy(deep=True)
    no_trap.assets.trap_strength = 0.0
    for lab in (2e5, 1e6, 5e6):
        assert dynamics.asset_threshold(no_trap, lab) is None


def _forced_episode(monkeypatch, chosen, kind):
    """This month's illnesses as drawn, plus an episode of ``kind`` for ``chosen`` in month 1."""
    real = month_phases.health_shocks  # where the month's illness phase looks it up

    def forced(sc, hh, streams, month):
        oop = real(sc, hh, streams, month)
        if month == 1 and kind is not None:
            h = sc.health
            uncovered = np.where(hh.insured[chosen], 1 - h.insured_oop_covered, 1.0)
            if kind == "severe":
                hh.sick_months[chosen] = h.severe_months
                hh.health_state[chosen] = 2
                oop[chosen] += h.severe_cost * uncovered
            else:
                oop[chosen] += h.minor_cost * uncovered
        return oop

    monkeypatch.setattr(month_phases, "health_shocks", forced)


@pytest.mark.parametrize("kind", ["severe", "minor"])
def test_health_shocks_hit_the_uninsured_far_harder(monkeypatch, kind):
    sc = small(10_000, 1)
    base = sim.PovertyModel(sc, rng=4)
    chosen = np.flatnonzero(base.households.sick_months == 0)[::3]
    _forced_episode(monkeypatch, chosen, None)
    base.run()
    _forced_episode(monkeypatch, chosen, kind)
    hit = sim.PovertyModel(sc, rng=4).run()
    ok = base.households.sick_months[chosen] == 0  # not ill anyway in the paired run
    idx = chosen[ok]
    c0, c1 = base.households.consumption[idx], hit.households.consumption[idx]
    drop = 1 - c1 / c0
    insured = hit.households.insured[idx]
    if kind == "minor":
        assert np.median(drop[insured]) < 0.02 and np.median(drop[~insured]) < 0.03
        return
    assert np.median(drop[~insured]) > 2 * np.median(drop[insured]) > 0
    # Gertler & Gruber 2002: families insure less than 40% of the income lost
    lost = base.households.income_labour[idx][insured] - hit.households.income_labour[idx][insured]
    fell = c0[insured] - c1[insured]
    assert lost.sum() > 0
    assert 1 - fell.sum() / lost.sum() < 0.40


def test_spillovers_spread_the_multiplier_over_the_window():
    sc = small(5_000, 1)
    model = sim.PovertyModel(sc, rng=1)
    hh = model.households
    state = dynamics.SubdistrictState.empty(sc)
    inj = np.zeros(sc.population.subdistricts)
    inj[3] = 1e9
    earned = (hh.income_labour + hh.income_assets) * hh.weight
    extra = 0.0
    for month in range(1, 3 * sc.spillovers.months):
        f = dynamics.spillover_factor(sc, hh, state, inj if month == 1 else inj * 0, month)
        assert np.all(f[hh.subdistrict != 3] == 1)
        extra += float(((f - 1) * earned).sum())
    assert extra == pytest.approx(sc.spillovers.nonrecipient_multiplier * 1e9, rel=1e-3)
    off = sc.model_copy(deep=True)
    off.spillovers.enabled = False
    f = dynamics.spillover_factor(off, hh, dynamics.SubdistrictState.empty(off), inj, 1)
    assert np.all(f == 1)


def test_demography_changes_household_size_and_keeps_it_plausible():
    model = sim.PovertyModel(small(10_000, 60), rng=6)
    size0 = model.households.members.copy()
    model.run()
    ts = model.timeseries()
    assert (model.households.members != size0).mean() > 0.2
    assert 3.2 < ts.mean_household_size.iloc[-1] < 4.2
    assert (model.households.members >= 1).all()


def test_schooling_condition_raises_enrolment_beyond_income():
    sc = small(20_000, 1)
    model = sim.PovertyModel(sc, rng=7)
    hh = model.households
    poor = hh.consumption_pc < model.lines
    p_no = dynamics.enrolment_probability(sc, hh, np.zeros(hh.n, bool))[poor]
    p_yes = dynamics.enrolment_probability(sc, hh, np.ones(hh.n, bool))[poor]
    ratio = (1 - p_yes).mean() / (1 - p_no).mean()
    assert 0.3 < ratio < 0.7  # Cahyadi et al. 2020: non-enrolment roughly halves
    assert (
        p_no < dynamics.enrolment_probability(sc, hh, np.zeros(hh.n, bool))[~poor].mean()
    ).mean() > 0.8


def test_trap_strength_zero_has_no_distress_collapse_of_assets():
    sc = small(5_000, 24, **{"assets.trap_strength": 0.0})
    model = sim.PovertyModel(sc, rng=8).run()
    assert np.isfinite(model.households.assets).all()
    assert (model.households.assets >= 0).all()


def test_harvest_season_moves_rural_earnings_with_mean_one():
    sc = small(2_000, 1, **{"seasons.harvest_amplitude_rural": 0.2})
    model = sim.PovertyModel(sc, rng=1)
    hh = model.households
    factors = np.array([dynamics.harvest_factor(sc, hh, m) for m in range(12)])
    assert np.allclose(factors[:, hh.urban], 1)
    assert np.allclose(factors[:, ~hh.urban].mean(axis=0), 1, atol=1e-6)
    peak = int(np.argmax(factors[:, ~hh.urban][:, 0]))
    assert dynamics.calendar_month(sc, peak) == sc.seasons.harvest_calendar_month

"""The steady-state tools measure what they say (small sizes; full sizes in VALIDATION.md)."""

from __future__ import annotations

import numpy as np

from sim.analysis import calibration, potential, stationarity


def test_zero_growth_path_of_the_quiet_world_does_not_move():
    quiet = {
        "shocks.enabled": False,
        "health.enabled": False,
        "demography.enabled": False,
        "government.registry.update_months": 10_000,
        "measurement.as_surveyed": False,  # true consumption: a fresh survey error is noise
    }
    p = stationarity.zero_growth_path(quiet, households=3_000, seeds=1, months=12, at=(0, 12))
    assert list(p.index) == [0, 12]
    assert abs(p.p0.iloc[1] - p.p0.iloc[0]) < 0.001


DRAWN = {"population.burn_in_months": 0, "population.demography_burn_in_months": 0}


def test_variance_budget_adds_up_without_set_up_dynamics():
    b = stationarity.variance_budget(DRAWN, households=12_000)
    # no burn-in: true consumption is the potential, up to float32 and to the set-up's ranks
    # (person-weighted, where the quantile map reads the household's normal score), which the
    # correction's steep lower end makes visible; the survey adds sd^2
    assert (b.added < 3e-3).all()
    assert np.allclose(b.surveyed - b.true, 0.18**2, atol=0.008)
    burnt = stationarity.variance_budget(
        {**DRAWN, "population.burn_in_months": 12}, households=4_000
    )
    assert (burnt.added > b.added + 0.01).all()


def test_lognormal_variance_inverts_the_lognormal_gini():
    from scipy import special

    for sigma in (0.3, 0.55, 0.8):
        gini = 2 * special.ndtr(sigma / np.sqrt(2)) - 1
        assert abs(stationarity.lognormal_variance(gini) - sigma**2) < 1e-12


def test_weighted_quantiles_weigh_persons():
    x = np.array([1.0, 2.0, 3.0])
    assert potential.weighted_quantiles(x, np.ones(3), np.array([0.5]))[0] == 2.0
    # a heavy last value pulls the median up to it
    got = potential.weighted_quantiles(x, np.array([1.0, 1.0, 10.0]), np.array([0.5]))[0]
    # mid-points 0.5/12, 1.5/12 and 7/12 of the cumulated weights, linear between them
    assert np.isclose(got, 2.0 + (0.5 - 1.5 / 12) / (7 / 12 - 1.5 / 12))


def test_fit_correction_closes_the_gap_to_the_measured_distribution():
    fit = potential.fit_correction({}, households=4_000, seeds=1, iterations=3, average=2)
    assert fit.gaps[-1] < fit.gaps[0] / 2  # log points, month 0 against the GB2
    assert set(fit.correction) == {"urban", "rural"}
    for values in fit.correction.values():
        assert len(values) == len(potential.CORRECTION_KNOTS)
        assert values[0] == values[1]  # held below the lowest fitted knot


def test_area_targets_are_bps_march_2024():
    targets = {t.name: t.value for t in calibration.bps_area_targets()}
    assert np.isclose(targets["p0_rural"], 0.1179) and targets["gini_urban"] == 0.399
    march = {t.name: t.value for t in calibration.BPS_MARCH_2024}
    for name in ("p1_urban", "p2_urban", "p1_rural", "p2_rural"):
        assert np.isclose(march[name], targets[name])

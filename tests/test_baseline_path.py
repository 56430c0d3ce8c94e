"""Issue 15's "done when", at the contract checks' sizes (50,000 households, seeds 1-4: about
15 s a 120-month set here); the published figures in docs/VALIDATION.md come from
``python -m sim.analysis.baseline``.

Each bound is the issue's, or the foundation's tolerance around BPS (P1 0.10, P2 0.04 and the
Gini 1 point, as BPS publishes them); none is widened for a size.
"""

from __future__ import annotations

import numpy as np

import sim
from sim.analysis import baseline, hindcast, stationarity

HOUSEHOLDS = 50_000
SEEDS = 4


def test_zero_growth_start_stays_where_bps_measured_it():
    p = stationarity.zero_growth_path(
        households=HOUSEHOLDS, seeds=SEEDS, months=120, at=tuple(range(0, 121, 12))
    )
    p0, p1, p2, gini = (p[c].to_numpy() * 100 for c in ("p0", "p1", "p2", "gini"))
    assert abs(p0[1] - p0[0]) < 0.2  # points, year 1
    assert np.abs(p0 - p0[0]).max() < 0.4  # points, 120 months
    assert np.abs(p1 - p1[0]).max() < 0.10  # BPS's P1 x 100
    assert np.abs(p2 - p2[0]).max() < 0.04  # BPS's P2 x 100
    assert np.abs(gini - gini[0]).max() < 1.0  # Gini points


def test_fitted_growth_falls_like_bps_recorded_for_ten_years():
    path = baseline.fitted_path(HOUSEHOLDS, SEEDS, 120)
    p0 = path.p0.to_numpy()[::12] * 100
    gini = float(path.gini.iloc[-1])
    yearly = np.diff(p0)
    assert abs(p0[0] - 9.03) <= 0.15  # BPS March 2024, the mean of four runs as surveyed
    assert ((yearly >= -0.7) & (yearly <= -0.15)).all(), yearly
    assert 3.5 <= p0[-1] <= 6.5
    assert 0.35 <= gini <= 0.395


def test_a_survey_of_month_zero_gives_bps_march_2024():
    sc = sim.load_scenario("no_programs", overrides={"population.households": 100_000, "months": 1})
    r = sim.PovertyModel(sc, rng=11).timeseries().iloc[0]
    # BPS March 2024 within the foundation's tolerances (one run; four: the test above)
    bands = {
        "p0": (0.0903, 0.0025),
        "p1": (0.01461, 0.0010),
        "p2": (0.00347, 0.0004),
        "gini": (0.379, 0.01),
        "p0_urban": (0.0709, 0.005),
        "p0_rural": (0.1179, 0.005),
    }
    for name, (want, tol) in bands.items():
        assert abs(r[name] - want) <= tol, (name, r[name], want)


def test_mobility_out_of_the_bottom_30_percent_is_earned_not_fitted():
    shares = baseline.mobility(HOUSEHOLDS, seeds=3, months=36)
    assert 0.15 <= np.mean(shares) <= 0.40  # Fernandez & Hadiwidjaja 2018: 28%


def test_hindcast_matches_2015_2019_on_average():
    sc = sim.load_scenario("no_programs")
    moments = hindcast.bps_moments()
    got = hindcast.simulated_moments(sc.income.growth_annual, moments, seeds=2, households=15_000)
    first = (moments.window == 2015).to_numpy()
    assert abs((moments.change.to_numpy() - got)[first].mean()) <= 0.15  # points a year

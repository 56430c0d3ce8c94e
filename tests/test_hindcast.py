"""The hindcast's moments are BPS's same-season changes; the fit is a simulated-moments fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis import hindcast
from sim.data import bps
from sim.scenario import load_scenario


def test_moments_are_bps_same_season_changes_per_year():
    m = hindcast.bps_moments()
    raw = pd.read_csv(bps.PATH)
    tot = raw[raw.area == "total"].set_index(["year", "round"]).p0

    def change(y0, y1, r):
        return (tot[(y1, r)] - tot[(y0, r)]) / (y1 - y0)

    got = {(r.round, r.year_from, r.year_to): r.change for r in m.itertuples()}
    assert got[("march", 2015, 2016)] == change(2015, 2016, "march")  # -0.36
    assert np.isclose(got[("september", 2022, 2024)], change(2022, 2024, "september"))  # -0.50
    assert len(m) == 12  # 8 changes 2015-2019, 3 March and 1 two-year September 2022-2025
    assert not any(r.year_from == 2019 or r.year_to in (2020, 2021) for r in m.itertuples())
    assert set(m.month_to - m.month_from) == {12, 24}


def test_start_like_a_round_moves_the_potential_by_bps_difference():
    base = load_scenario("no_programs")
    sc = hindcast.start_like(base, 2015)
    for area, then, now in (("urban", 8.29, 7.09), ("rural", 14.21, 11.79)):
        d0, d = getattr(base.calibration, area), getattr(sc.calibration, area)
        z = getattr(base.poverty_line, area)
        # at the line scaled by the same factor, the shifted potential has the base's P0, and
        # the shift takes the potential's P0 at a line z' from BPS 2024's quantile to 2015's
        assert d.scale < d0.scale and (d.a, d.p, d.q) == (d0.a, d0.p, d0.q)
        q_now = stats.betaprime.ppf(now / 100, d.p, d.q) ** (1 / d.a)
        q_then = stats.betaprime.ppf(then / 100, d.p, d.q) ** (1 / d.a)
        assert abs(d.scale / d0.scale - q_now / q_then) < 1e-12
        assert z > 0


def test_simulated_moments_fall_with_growth_under_common_random_numbers():
    m = hindcast.bps_moments()
    slow = hindcast.simulated_moments(0.0, m, seeds=1, households=2_000)
    fast = hindcast.simulated_moments(0.08, m, seeds=1, households=2_000)
    again = hindcast.simulated_moments(0.08, m, seeds=1, households=2_000)
    np.testing.assert_array_equal(fast, again)  # same seeds, same numbers
    assert fast.mean() < slow.mean() - 0.2  # faster growth, faster fall of the headcount

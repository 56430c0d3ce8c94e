"""Regional growth: BPS's provincial trends, the Papua break, the shrinkage's algebra, the table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.data import bps
from sim.regions import growth
from sim.scenario import load_scenario


def test_dersimonian_laird_and_shrinkage_on_a_worked_example():
    # w = 1 / 0.01^2 = 1e4 each; fixed-effect mean 0.02; Q = 1e4 (0.02^2 + 0 + 0.02^2) = 8;
    # S1 = 3e4, S2 = 3e8, S1 - S2 / S1 = 2e4; tau2 = (8 - 2) / 2e4 = 3e-4
    est, se = np.array([0.0, 0.02, 0.04]), np.full(3, 0.01)
    tau2, mu, mu_se = growth.dersimonian_laird(est, se)
    assert tau2 == pytest.approx(3e-4)
    assert mu == pytest.approx(0.02)
    assert mu_se == pytest.approx(np.sqrt((1e-4 + 3e-4) / 3))
    # w = 3e-4 / (3e-4 + 1e-4) = 0.75: three quarters of the way from the prior to the estimate
    w, g, g_se = growth.shrink(est, se, prior=0.02, tau2=tau2, prior_se=0.002)
    np.testing.assert_allclose(w, 0.75)
    np.testing.assert_allclose(g, [0.005, 0.02, 0.035])
    np.testing.assert_allclose(g_se, np.sqrt(0.75 * 1e-4 + 0.25**2 * 0.002**2))


def test_estimates_closer_than_their_noise_all_get_the_prior():
    est, se = np.array([0.03, 0.031, 0.029, 0.030]), np.full(4, 0.01)
    tau2, _, _ = growth.dersimonian_laird(est, se)
    assert tau2 == 0.0  # Q is far below k - 1
    w, g, _ = growth.shrink(est, se, prior=0.05, tau2=tau2)
    np.testing.assert_array_equal(w, 0.0)
    np.testing.assert_array_equal(g, 0.05)


def test_weights_lie_in_0_1_and_a_huge_se_or_no_estimate_gives_the_prior():
    est = np.array([0.01, 0.09, 0.05, np.nan, 0.02])
    se = np.array([0.001, 0.004, 1e6, np.nan, 0.02])
    w, g, g_se = growth.shrink(est, se, prior=0.0485, tau2=1e-4, prior_se=0.0013)
    assert ((w >= 0) & (w <= 1)).all()
    assert w[0] > w[1] > w[4] > w[2]  # the less noisy, the more weight
    assert g[2] == pytest.approx(0.0485, abs=1e-12)  # huge se: the national growth
    assert g[3] == 0.0485 and w[3] == 0.0  # no estimate (a province created in 2022)
    assert g_se[3] == pytest.approx(np.sqrt(1e-4 + 0.0013**2))
    assert 0.01 < g[0] < 0.0485 and g[0] == pytest.approx(0.01, abs=0.001)


def test_trend_of_aceh_is_its_same_season_changes_per_year():
    raw = pd.read_csv(bps.PROVINCE_SERIES_PATH)
    aceh = raw[(raw.province == "ACEH") & (raw.area == "total")].set_index(["year", "round"]).p0
    ch = growth.observed_changes("ACEH")
    got = {(r.round, r.year_from, r.year_to): r.change for r in ch.itertuples()}
    assert got[("march", 2015, 2016)] == pytest.approx(
        aceh[(2016, "march")] - aceh[(2015, "march")]
    )
    # no September 2023: September 2022 to 2024 counts per year (14.75 -> 12.64)
    assert got[("september", 2022, 2024)] == pytest.approx(
        (aceh[(2024, "september")] - aceh[(2022, "september")]) / 2
    )
    assert len(ch) == 11  # 4 + 4 in 2015-2019, 2 March and 1 September in 2022-2024
    assert not any(
        r.year_to in (2020, 2021) or r.year_from in (2019, 2020) for r in ch.itertuples()
    )
    t = growth.observed_trend(ch)
    assert t["trend"] == pytest.approx(ch.change.mean())
    assert t["trend_se"] == pytest.approx(ch.change.std(ddof=1) / np.sqrt(11))
    assert t["trend_2022_2024"] == pytest.approx(ch[ch.window == 2022].change.mean())
    assert growth.rounds_used(ch) == "2015-2019 (8); 2022-2024 (3)"


def test_no_change_across_the_papua_boundary_break():
    assert growth.boundary_break("PAPUA") == growth.boundary_break("PAPUA BARAT") == 2024
    assert growth.boundary_break("ACEH") is None
    for parent in ("PAPUA", "PAPUA BARAT"):
        ch = growth.observed_changes(parent)
        # March 2024 (new boundaries) is never differenced with March 2023 (old ones)
        assert (ch.year_to < 2024).all() and len(ch) == 9
        assert growth.rounds_used(ch) == "2015-2019 (8); 2022-2023 (1)"
    for child in growth.PARENTS:
        assert growth.observed_changes(child).empty
        fit = growth.fit_region(child, prior=0.0485)  # no simulation: nothing to fit
        assert np.isnan(fit.row["growth_raw"]) and "created in 2022" in fit.row["note"]


def test_start_like_a_round_uses_the_regions_own_series():
    base = load_scenario("no_programs")
    for region, area in (("ACEH", "urban"), ("ACEH", "rural"), ("DKI JAKARTA", "urban")):
        sc = growth.start_like(base, region, 2015)
        d0, d = getattr(base.calibration, area), getattr(sc.calibration, area)
        s = bps.province_p0_series(region, area)
        m = s[s["round"] == "march"].set_index("year").p0
        q = [stats.betaprime.ppf(m[y] / 100, d.p, d.q) ** (1 / d.a) for y in (2024, 2015)]
        assert d.scale / d0.scale == pytest.approx(q[0] / q[1], rel=1e-12)
        assert (d.scale < d0.scale) == (m[2015] > m[2024])  # DKI Jakarta was less poor in 2015
        assert (d.a, d.p, d.q) == (d0.a, d0.p, d0.q)
    # DKI Jakarta has no rural series: that area is left as it is
    assert growth.start_like(base, "DKI JAKARTA", 2015).calibration.rural == base.calibration.rural


def test_the_root_lies_on_the_simulated_map_between_neighbouring_grid_points():
    fit = growth.fit_region("INDONESIA", prior=0.0485, seeds=2, households=3_000)
    pts = fit.evaluations[fit.evaluations.window == "all"]
    g = fit.row["growth_raw"]
    t, slope = growth._interp(pts, g)
    assert slope < 0 and slope == pytest.approx(fit.row["sim_slope"])
    assert t == pytest.approx(fit.row["trend"], abs=1e-9)  # the map inverted at BPS's trend
    k = np.round((np.sort(pts.growth.to_numpy()) - 0.0485) / growth.STEP, 9)
    assert np.array_equal(k, np.round(k)) and len(k) >= 3  # simulated on the grid
    lo, hi = k[k <= (g - 0.0485) / growth.STEP].max(), k[k >= (g - 0.0485) / growth.STEP].min()
    assert hi - lo <= 1  # between neighbours
    se = np.sqrt(fit.row["trend_se"] ** 2 + pts.sim_var.mean()) / abs(slope)
    assert fit.row["growth_raw_se"] == pytest.approx(se)


def test_the_local_map_is_exact_on_a_quadratic():
    gs = np.array([0.03, 0.04, 0.05, 0.06])
    pts = pd.DataFrame({"growth": gs, "sim_trend": 1.0 - 30 * gs - 200 * gs**2})
    t, slope = growth._interp(pts, 0.047)
    assert t == pytest.approx(1.0 - 30 * 0.047 - 200 * 0.047**2)
    assert slope == pytest.approx(-30 - 400 * 0.047)
    target = 1.0 - 30 * 0.0437 - 200 * 0.0437**2
    assert growth._root(pts, target) == pytest.approx(0.0437, abs=1e-10)


@pytest.mark.skipif(not growth.SUMMARY.exists(), reason="growth.csv not written yet")
def test_the_written_table_is_its_own_shrinkage():
    table, points, s = growth.read()
    assert len(table) == 38 and table.province.is_unique
    assert ((table.weight >= 0) & (table.weight <= 1)).all()
    w, g, g_se = growth.shrink(
        table.growth_raw.to_numpy(), table.growth_raw_se.to_numpy(), s["prior"], s["tau"] ** 2,
        s["prior_se"],
    )  # fmt: skip
    np.testing.assert_allclose(table.weight, w, atol=1e-5)
    np.testing.assert_allclose(table.growth, g, atol=1e-5)
    np.testing.assert_allclose(table.growth_se, g_se, rtol=1e-4)
    new = table[table.province.isin(list(growth.PARENTS))]
    assert len(new) == 4 and (new.growth == s["prior"]).all() and (new.weight == 0).all()
    assert set(points.region) >= set(table.province[table.growth_raw.notna()])

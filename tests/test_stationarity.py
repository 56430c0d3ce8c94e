"""The steady-state tools measure what they say (small sizes; full sizes in VALIDATION.md)."""

from __future__ import annotations

import numpy as np

from sim.analysis import calibration, stationarity


def test_zero_growth_path_of_the_quiet_world_does_not_move():
    quiet = {
        "shocks.enabled": False,
        "health.enabled": False,
        "demography.enabled": False,
        "government.registry.update_months": 10_000,
    }
    p = stationarity.zero_growth_path(quiet, households=3_000, seeds=1, months=12, at=(0, 12))
    assert list(p.index) == [0, 12]
    assert abs(p.p0.iloc[1] - p.p0.iloc[0]) < 0.001


def test_variance_budget_adds_up_without_set_up_dynamics():
    b = stationarity.variance_budget(households=12_000)
    # no burn-in: true consumption is the potential (up to float32) and the survey adds sd^2
    assert (b.added < 1e-3).all()
    assert np.allclose(b.surveyed - b.true, 0.25**2, atol=0.008)
    burnt = stationarity.variance_budget({"population.burn_in_months": 12}, households=4_000)
    assert (burnt.added > b.added + 0.01).all()


def test_lognormal_variance_inverts_the_lognormal_gini():
    from scipy import special

    for sigma in (0.3, 0.55, 0.8):
        gini = 2 * special.ndtr(sigma / np.sqrt(2)) - 1
        assert abs(stationarity.lognormal_variance(gini) - sigma**2) < 1e-12


def test_measured_start_reads_month_zero_of_the_surveyed_population():
    sc_params = calibration.load_scenario("no_programs").calibration
    params = {a: tuple(getattr(getattr(sc_params, a), k) for k in calibration.PARAMS)
              for a in calibration.AREAS}  # fmt: skip
    got = calibration.measured_start(params, {"measurement.as_surveyed": True}, 3_000, 1)
    areas = {f"{m}_{a}" for m in ("p0", "p1", "p2", "gini") for a in ("urban", "rural")}
    assert set(got) == areas | {"p0", "p1", "p2", "gini"}
    targets = {t.name: t.value for t in calibration.bps_area_targets()}
    assert np.isclose(targets["p0_rural"], 0.1179) and targets["gini_urban"] == 0.399
    # the survey error widens the fitted (as-measured) distribution: double counting, visible
    assert got["p0_rural"] > targets["p0_rural"] and got["p2_rural"] > targets["p2_rural"]

"""Issue 15's building blocks: measured consumption once, the burn-in, the line's real drift,
BPS's national series shipped with the package."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.data import bps
from sim.measures import poverty
from sim.world import measurement
from tests.conftest import small

SURVEYED = {"measurement.as_surveyed": True}


def test_observed_consumption_is_true_times_a_lognormal_error_from_its_own_stream():
    model = sim.PovertyModel(small(3_000, 2), rng=4)
    hh, sd = model.households, model.config.measurement.survey_error_sd
    e = model.streams.normal(measurement.STREAM, 0, hh.n)
    expected = (hh.consumption * np.exp(np.float32(sd) * e)) / hh.members
    np.testing.assert_array_equal(model.observed_consumption_pc(), expected)
    ratio = np.log(model.observed_consumption_pc() / hh.consumption_pc)
    assert abs(ratio.std() - sd) < 0.01 and abs(ratio.mean()) < 0.01
    # measuring never changes the run
    a = sim.PovertyModel(small(3_000, 3), rng=4)
    b = sim.PovertyModel(small(3_000, 3), rng=4)
    a.observed_consumption_pc()
    pd.testing.assert_frame_equal(a.run().timeseries(), b.run().timeseries())


def test_recorded_figures_are_of_measured_consumption_when_as_surveyed():
    model = sim.PovertyModel(small(4_000, 3, **SURVEYED), rng=2)
    hh = model.households
    for month in range(4):
        if month:
            model.step()
        y = model.observed_consumption_pc()
        got = model.timeseries().iloc[month]
        w = hh.persons
        assert abs(got.p0 - poverty.fgt(y, model.lines, 0, weights=w)) < 1e-12
        assert abs(got.p1 - poverty.fgt(y, model.lines, 1, weights=w)) < 1e-9
    # survey error makes the measured headcount larger than the true one at the bottom tail
    true_p0 = poverty.fgt(hh.consumption_pc, model.lines, 0, weights=hh.persons)
    assert model.timeseries().p0.iloc[-1] > true_p0


def test_off_switch_keeps_figures_on_true_consumption():
    model = sim.PovertyModel(small(4_000, 1, **{"measurement.as_surveyed": False}), rng=2)
    hh = model.households
    got = model.timeseries().p0.iloc[0]
    assert got == poverty.fgt(hh.consumption_pc, model.lines, 0, weights=hh.persons)


def test_registry_scores_read_measured_consumption_when_as_surveyed():
    from sim.rng.streams import Streams
    from sim.world.synthesis import synthesize

    sc = small(3_000, 1, **SURVEYED, **{"government.registry.noise_sd": 0.0})
    drawn = synthesize(sc, Streams(6))
    # set-up surveys every record before the burn-in: its survey error has set-up streams
    factor = measurement.measurement_factor(sc, Streams(6).prefixed("set-up/"), 0, drawn.n)
    pc = np.maximum(drawn.consumption / drawn.members, np.float32(1)) * factor
    np.testing.assert_allclose(drawn.registry_score, np.log(pc), rtol=0, atol=2e-6)


def test_burn_in_zero_is_the_drawn_population_and_its_months_use_their_own_streams():
    from sim.rng.streams import Streams
    from sim.world.synthesis import synthesize

    zero_sc = small(3_000, 2, **{"population.burn_in_months": 0})
    zero = sim.PovertyModel(zero_sc, rng=3)
    np.testing.assert_array_equal(
        zero.households.consumption, synthesize(zero_sc, Streams(3)).consumption
    )
    base = zero.run().timeseries()
    burnt = sim.PovertyModel(small(3_000, 2, **{"population.burn_in_months": 12}), rng=3)
    again = sim.PovertyModel(small(3_000, 2, **{"population.burn_in_months": 12}), rng=3)
    pd.testing.assert_frame_equal(burnt.run().timeseries(), again.run().timeseries())
    assert burnt.timeseries().p0.iloc[0] != base.p0.iloc[0]  # the start moved
    # the burn-in's draws are not the run's: month 0's shock stream is untouched
    s = burnt.streams
    own = s.prefixed("burn-in/").normal("shock.transitory", 0, 10)
    assert not np.array_equal(own, s.normal("shock.transitory", 0, 10))


def test_burn_in_has_no_growth():
    grow = {"population.burn_in_months": 12, "income.growth_annual": 0.2}
    still = {"population.burn_in_months": 12, "income.growth_annual": 0.0}
    a = sim.PovertyModel(small(3_000, 1, **grow), rng=8).households
    b = sim.PovertyModel(small(3_000, 1, **still), rng=8).households
    np.testing.assert_array_equal(a.consumption, b.consumption)


def test_lines_drift_in_real_terms():
    sc = small(
        2_000, 12, **{"poverty_line.real_drift_annual": 0.033, "measurement.as_surveyed": False}
    )
    model = sim.PovertyModel(sc, rng=1)
    z0 = model.lines.copy()
    model.run()
    np.testing.assert_allclose(model.lines, z0 * np.float32(1.033), rtol=1e-6)
    y, w = model.households.consumption_pc, model.households.persons
    assert model.timeseries().p0.iloc[-1] == poverty.fgt(y, model.lines, 0, weights=w)


def test_bps_series_is_the_shared_table_and_reads_as_published():
    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "bps" / "national_series.csv"
    if shared.exists():  # CI and development: the copy is byte for byte the shared table
        assert shared.read_bytes() == bps.PATH.read_bytes()
    assert bps.round_value(2024, "march", "p0") == 9.03
    assert bps.round_value(2015, "march", "p0") == 11.22
    assert bps.round_value(2024, "march", "poverty_line", "urban") == 601_871
    s = bps.national_series()
    assert not ((s.year == 2023) & (s["round"] == "september")).any()  # no such round
    assert s.date.is_monotonic_increasing and len(s) == 28


def test_set_up_demography_heads_households_and_moves_consumption_with_earners():
    from sim.rng.streams import Streams
    from sim.world.synthesis import synthesize

    base = small(4_000, 1, **{"population.demography_burn_in_months": 0})
    aged = small(4_000, 1, **{"population.demography_burn_in_months": 120})
    a, b = synthesize(base, Streams(2)), synthesize(aged, Streams(2))
    assert ((b.n_adult + b.n_elderly) > 0).all()  # no household of children only
    assert not np.array_equal(a.members, b.members)
    # consumption is the potential per earner equivalent (earners^e members^(1-e)): per
    # equivalent, it rises with the latent income
    from sim.dynamics.steady_state import earner_equivalents

    inc = base.income
    per_earner = b.consumption / earner_equivalents(
        b, inc.elderly_earner_weight, inc.earner_elasticity
    )
    latent = b.latent_permanent.astype(np.float64) + b.persistent_shock
    for area in (b.urban, ~b.urban):
        order = np.argsort(latent[area], kind="stable")
        assert (np.diff(per_earner[area][order]) >= -1e-3 * per_earner[area][order][1:]).all()
    assert a.n == b.n


def test_cohorts_keep_level_gives_new_adults_their_households_schooling():
    from sim.rng.streams import Streams
    from sim.world.synthesis import synthesize

    on = small(2_000, 1, **{"schooling.cohorts_keep_level": True})
    hh = synthesize(on, Streams(3))
    got = hh.child_schooling + hh.cohort_offset
    np.testing.assert_allclose(got, hh.adult_schooling, rtol=0, atol=1e-5)  # float32 years
    off = synthesize(small(2_000, 1, **{"schooling.cohorts_keep_level": False}), Streams(3))
    assert (off.cohort_offset == np.float32(off_post_basic())).all()


def test_finishing_cohort_schooling_holds_its_steady_state_at_zero_growth():
    from sim.dynamics.schooling import enrolment_probability

    still = {"income.growth_annual": 0.0, "poverty_line.real_drift_annual": 0.0}
    model = sim.PovertyModel(small(10_000, 60, **still), rng=1)
    hh = model.households
    s0 = hh.adult_schooling.copy()
    model.run()
    school = hh.n_school > 0
    gap = hh.child_schooling - 9 * enrolment_probability(model.config, hh)
    assert abs(float(gap[school].mean())) < 0.1  # years: 9 x the enrolled share
    moved = hh.adult_schooling - s0
    # new adults keep their household's level: five years move adults' schooling little
    # (0.2's average over the children present moved it by 0.8 years, sd, in five years)
    assert abs(float(moved.mean())) < 0.02 and float(moved.std()) < 0.1


def off_post_basic() -> float:
    return sim.load_scenario("no_programs").schooling.post_basic_years


def test_earner_elasticity_scales_earnings_with_members_when_below_one():
    from sim.dynamics.income import permanent_labour

    for e in (1.0, 0.5):
        sc = small(2_000, 1, **{"income.earner_elasticity": e, "population.burn_in_months": 0})
        model = sim.PovertyModel(sc, rng=1)
        hh = model.households
        got = permanent_labour(sc, hh, 0).astype(np.float64)
        earners = hh.earners(sc.income.elderly_earner_weight).astype(np.float64)
        units = earners**e * hh.members.astype(np.float64) ** (1 - e)
        inc = sc.income
        rest = (
            hh.wage_base
            * np.exp(np.float32(inc.return_to_schooling) * hh.adult_schooling)
            * (1 + inc.return_to_skill * hh.skill)
        ).astype(np.float64)
        # no shock yet at month 0 (no burn-in): earnings = units x rest
        np.testing.assert_allclose(got, units * rest, rtol=2e-5)


def test_bps_regional_tables_are_the_shared_tables_and_read_as_published():
    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "bps"
    for name, path in (
        ("provinces_2024.csv", bps.PROVINCES_PATH),
        ("districts_2024.csv", bps.DISTRICTS_PATH),
        ("provinces_p0_series_2015_2024.csv", bps.PROVINCE_SERIES_PATH),
    ):
        if (shared / name).exists():  # CI and development: byte for byte the shared table
            assert (shared / name).read_bytes() == path.read_bytes(), name
    p = bps.provinces("march", "total")
    assert len(p) == 39 and p.province.iloc[-1] == "INDONESIA"  # 38 provinces, then the nation
    ntt = p[p.province == "NUSA TENGGARA TIMUR"].iloc[0]
    assert (ntt.p0, ntt.p1, ntt.p2, ntt.poverty_line, ntt.gini) == (
        19.48,
        3.41,
        0.85,
        527275,
        0.316,
    )
    assert p[p.province == "INDONESIA"].p0.item() == bps.round_value(2024, "march", "p0")
    rural = bps.provinces("march", "rural")
    assert rural[rural.province == "DKI JAKARTA"].p0.isna().item()  # no rural Jakarta
    d = bps.districts()
    assert len(d) == 514 and d.district.is_unique
    assert d[d.district == "Kota Kupang"].p0.item() == 8.24
    s = bps.province_p0_series("NUSA TENGGARA TIMUR")
    assert (s.p0.iloc[0], s.p0.iloc[-1]) == (22.61, 19.02)  # March 2015, September 2024
    assert s.date.is_monotonic_increasing and s.year.min() == 2015
    assert not ((s.year == 2023) & (s["round"] == "september")).any()  # no such round
    with pytest.raises(KeyError, match="no province"):
        bps.province_p0_series("ATLANTIS")
    with pytest.raises(ValueError, match="area"):
        bps.provinces("march", "suburban")

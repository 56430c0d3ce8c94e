"""The starting population: calibration to BPS March 2024, structure, background programmes."""

import numpy as np
import pytest

import sim
from sim.world.distribution import potential_ppf
from tests.conftest import small

# (target, tolerance) as fractions; tolerances from the foundation issue (BPS index points / 100)
TARGETS = {
    "p0": (0.0903, 0.0025),
    "p0_urban": (0.0709, 0.005),
    "p0_rural": (0.1179, 0.005),
    "p1": (0.01461, 0.0010),
    "p2": (0.00347, 0.0004),
    "gini": (0.379, 0.01),
    "gini_urban": (0.399, 0.02),
    "gini_rural": (0.306, 0.02),
    # area P1/P2: BPS March 2024 (data/bps national series)
    "p1_urban": (0.0110, 0.0010),
    "p1_rural": (0.0198, 0.0010),
    "p2_urban": (0.0025, 0.0004),
    "p2_rural": (0.0048, 0.0004),
}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_starting_population_hits_bps_march_2024_at_100k(seed):
    model = sim.PovertyModel(small(100_000, 1), rng=seed)
    row = model.timeseries().iloc[0]
    misses = {
        k: (round(100 * row[k], 3), round(100 * want, 3))
        for k, (want, tol) in TARGETS.items()
        if abs(row[k] - want) > tol
    }
    assert not misses, f"(got, target) in BPS points: {misses}"


DRAWN = {"population.burn_in_months": 0, "population.demography_burn_in_months": 0}
"""The drawn population, before the set-up's demography and burn-in move it."""


@pytest.fixture(scope="module")
def world():
    return sim.PovertyModel(small(40_000, 1, **DRAWN), rng=4)


def test_arrays_have_explicit_dtypes_and_one_entry_per_household(world):
    hh = world.households
    for name in ("consumption", "assets", "savings", "wage_base", "persistent_shock", "skill"):
        assert getattr(hh, name).dtype == np.float32, name
    for name in ("n_young", "n_school", "n_adult", "n_elderly", "n_enrolled"):
        assert getattr(hh, name).dtype == np.int8, name
    assert all(getattr(hh, f).shape == (hh.n,) for f in ("urban", "pkh", "bpnt", "pbi", "insured"))
    assert hh.nbytes() / hh.n < 120  # bytes of state per household


def test_weights_represent_the_district_and_urban_share_of_persons(world):
    hh = world.households
    sc = world.config
    assert hh.weight.sum(dtype=np.float64) == pytest.approx(
        sc.population.households_represented, rel=1e-5
    )
    urban_persons = hh.persons[hh.urban].sum() / hh.persons.sum()
    assert urban_persons == pytest.approx(0.588, abs=1e-6)
    assert set(np.unique(hh.subdistrict)) == set(range(sc.population.subdistricts))
    urban_subs = np.unique(hh.subdistrict[hh.urban])
    assert urban_subs.max() < sc.population.urban_subdistricts


def test_poorer_households_are_larger_less_schooled_and_hold_fewer_assets():
    model = sim.PovertyModel(small(40_000, 1), rng=4)  # month 0, as a survey finds it
    hh = model.households
    poor = model.observed_consumption_pc() < model.lines
    w = hh.weight
    size_poor = np.average(hh.members[poor], weights=w[poor])
    size_all = np.average(hh.members, weights=w)
    assert 4.3 < size_poor < 5.3  # BPS March 2024: 4.78 members per poor household
    assert size_poor > size_all + 0.8
    assert (
        np.average(hh.adult_schooling[poor], weights=w[poor])
        < np.average(hh.adult_schooling, weights=w) - 1
    )
    assert np.median(hh.assets[poor]) < 0.6 * np.median(hh.assets)
    assert np.corrcoef(np.log(hh.consumption_pc), hh.adult_schooling)[0, 1] > 0.3


def test_government_programmes_are_in_place_and_target_the_poor(world):
    hh = world.households
    sc = world.config
    w = hh.weight.astype(float)
    keep = 1 - sc.government.registry.duplicate_share
    assert np.average(hh.pkh, weights=w) == pytest.approx(
        sc.government.pkh.coverage * keep, abs=0.005
    )
    assert np.average(hh.bpnt, weights=w) == pytest.approx(
        sc.government.bpnt.coverage * keep, abs=0.005
    )
    assert np.average(hh.pbi, weights=hh.persons) == pytest.approx(
        sc.government.pbi_jkn.coverage * keep, abs=0.005
    )
    poor = hh.consumption_pc < world.lines
    # targeting is imperfect (exclusion errors) but far better than chance
    assert 0.3 < np.average(hh.pkh[poor], weights=w[poor]) < 0.95
    assert np.average(hh.pkh[poor], weights=w[poor]) > 3 * np.average(
        hh.pkh[~poor], weights=w[~poor]
    )
    assert (hh.income_transfers[hh.bpnt] >= sc.government.bpnt.benefit).all()
    assert not hh.pkh[(hh.n_young + hh.n_school + hh.n_elderly) == 0].any()
    assert hh.insured[hh.pbi].all()


def test_consumption_is_the_person_weighted_potential_by_area(world):
    hh = world.households
    sc = world.config
    y = hh.consumption_pc
    for area, mask in (("urban", hh.urban), ("rural", ~hh.urban)):
        d = getattr(sc.calibration, area)
        median = potential_ppf(np.array([0.5]), d)[0]
        w = hh.persons[mask]
        below = w[y[mask] < median].sum() / w.sum()
        assert below == pytest.approx(0.5, abs=0.002)


def test_refit_reproduces_the_preset():
    from sim.analysis.calibration import fit_distributions

    sc = sim.Scenario()
    params, figures = fit_distributions(
        {"urban": sc.poverty_line.urban, "rural": sc.poverty_line.rural},
        sc.population.urban_person_share,
    )
    preset = sim.load_scenario("no_programs").calibration
    for area in ("urban", "rural"):
        got = dict(zip(("a", "scale", "p", "q"), params[area], strict=True))
        for k, v in got.items():
            assert v == pytest.approx(getattr(getattr(preset, area), k), rel=1e-3), (area, k)
    assert abs(figures["p0"] - 0.0903) < 0.0025


def test_interp_on_grid_is_np_interp_exactly():
    from sim.world.distribution import _quantile_table, interp_on_grid, log_consumption_sd

    sc = sim.load_scenario("no_programs")
    d = sc.calibration.rural
    grid, logq, slopes = _quantile_table(d.a, d.scale, d.p, d.q, log_consumption_sd(sc, "rural"))
    rng = np.random.default_rng(7)
    x = np.concatenate(
        [
            rng.normal(0, 2.0, 200_000),
            grid,  # every grid point
            np.nextafter(grid, -np.inf),
            np.nextafter(grid, np.inf),
            [-1e9, 1e9, -np.inf, np.inf, grid[0] - 1e-12, grid[-1] + 1e-12],
        ]
    )
    for xs in (x, x.astype(np.float32), x[:3]):
        assert np.array_equal(interp_on_grid(xs, grid, logq, slopes), np.interp(xs, grid, logq))
    with_nan = x.copy()
    with_nan[::1000] = np.nan
    assert np.array_equal(
        interp_on_grid(with_nan, grid, logq, slopes),
        np.interp(with_nan, grid, logq),
        equal_nan=True,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--seeds", "0"], "--seeds: at least 1"), (["--households", "10"], "--households: at least")],
)
def test_calibrate_refuses_impossible_sizes_before_writing(argv, message, capsys):
    from sim import calibrate

    before = calibrate.PRESET_PATH.read_bytes()
    with pytest.raises(SystemExit) as exit_:
        calibrate.main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert calibrate.PRESET_PATH.read_bytes() == before


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_quantile_functions_are_scipy_stats_bit_for_bit(dtype):
    """``sim.world.quantiles`` reproduces scipy.stats' ppf (edges included) without importing it."""
    from scipy import stats

    from sim.world.quantiles import betaprime_ppf, poisson_ppf

    rng = np.random.default_rng(7)
    u = rng.random(200_000).astype(dtype)
    u[:6] = [0.0, 1.0, 0.5, 1e-12, 1 - 1e-7, np.nextafter(dtype(1), dtype(0))]
    for p, q in [(2.6, 0.6), (0.3, 8.0), (40.0, 0.05), (1.0, 1.0)]:
        want, got = stats.betaprime.ppf(u, p, q), betaprime_ppf(u, p, q)
        assert np.array_equal(want.view(np.uint64), got.view(np.uint64)), (p, q)
    lam = rng.uniform(0.0, 6.0, u.size)
    lam[:3] = 0.0
    want, got = stats.poisson.ppf(u, lam), poisson_ppf(u, lam)
    assert np.array_equal(want.view(np.uint64), got.view(np.uint64))

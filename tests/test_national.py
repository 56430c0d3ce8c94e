"""The nation as its provinces: national figures of the pooled households, on any executor.

The provinces' presets here are small files written for the tests (their real households from
BPS's 2024 population, distributions moved per province so that the provinces differ), so the
tests do not depend on the fitted presets; spawned workers get each province's resolved
scenario, never the preset files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.measures import gini, poverty_summary
from sim.measures.binned import (
    BIN_GINI_MAX,
    add_bins,
    bins_gini,
    consumption_bins,
    month_bins,
)
from sim.regions import NATION_BY_PROVINCE
from sim.regions.combine import NOT_COMBINED, rule
from sim.regions.national import (
    NationalInputError,
    allocate,
    plan_provinces,
    province_scenario,
    province_seed,
    run_national,
    scaled,
)

CATALOGUE = sys.modules["sim.regions.catalogue"]
SMALL = ["DI YOGYAKARTA", "GORONTALO", "NUSA TENGGARA TIMUR"]


def _write_presets(folder: Path, names: list[str] | None = None) -> None:
    pop = pd.read_csv(CATALOGUE.DATA / "bps_district_population.csv")
    persons = pop.groupby("province")["population"].sum()
    (folder / "provinces").mkdir(parents=True, exist_ok=True)
    for k, r in enumerate(x for x in CATALOGUE.catalogue() if x.level == "province"):
        if names is not None and r.name not in names:
            continue
        scale = 480_000 + 9_000 * (k % 7)  # provinces differ: the merged Gini has work to do
        (folder / "provinces" / f"{r.slug}.toml").write_text(
            "[population]\n"
            f"households_represented = {round(persons[r.name] / 3.8)}\n"
            f"urban_person_share = {0.35 + 0.01 * (k % 20):.2f}\n"
            "[calibration.rural]\n"
            f"scale = {scale}.0\n"
            "[income]\n"
            f"growth_annual = {0.03 + 0.001 * (k % 5):.3f}\n"
        )


@pytest.fixture
def presets(tmp_path, monkeypatch):
    """Presets of the three small provinces in a temporary regions folder."""
    _write_presets(tmp_path, SMALL)
    monkeypatch.setattr(CATALOGUE, "REGIONS_DIR", tmp_path)
    return tmp_path


def national(households: int = 900, months: int = 3, scenario: str = "competition", **ov):
    return sim.load_scenario(
        scenario,
        overrides={
            "region": NATION_BY_PROVINCE,
            "population.households": households,
            "months": months,
            **ov,
        },
    )


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    """A national run of the three small provinces in this process, with its province parts."""
    folder = tmp_path_factory.mktemp("regions")
    _write_presets(folder, SMALL)
    mp = pytest.MonkeyPatch()
    mp.setattr(CATALOGUE, "REGIONS_DIR", folder)
    try:
        sc = national()
        run = run_national(sc, 7, provinces=SMALL)
        parts, _ = plan_provinces(sc, 7, provinces=SMALL)
    finally:
        mp.undo()
    return sc, run, parts


# --------------------------------------------------------------------------------------------
# The Gini of merged bins
# --------------------------------------------------------------------------------------------


def _households(rng, n, sigma):
    """Household arrays of the record's dtypes and their per-capita consumption and persons."""
    members = rng.integers(1, 8, n)
    young = np.minimum(members - 1, rng.integers(0, 3, n))
    adult = members - young
    measured = (np.exp(rng.normal(14.3, sigma, n)) * members).astype(np.float32)
    measured[rng.random(n) < 0.01] = 0.0  # zero consumption is a group of its own
    weight = rng.choice(np.array([3.5, 120.25, 7000.0], dtype=np.float32), n)
    urban = rng.random(n) < 0.5
    zeros = np.zeros(n, dtype=np.int8)
    args = (measured, young.astype(np.int8), zeros, adult.astype(np.int8), zeros, weight, urban)
    y = measured / members.astype(np.int16)
    return args, y, members * weight.astype(np.float64), urban


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_merged_bins_give_the_pooled_gini_within_the_bound(seed):
    rng = np.random.default_rng(seed)
    merged, ys, ws, us = None, [], [], []
    for sigma, n in ((0.3, 5_000), (0.9, 800), (1.6, 20_000), (0.05, 50)):
        args, y, w, urban = _households(rng, n, sigma)
        lo, persons, cons, zero, _ = consumption_bins(*args, np.empty(n, dtype=np.float32))
        merged = add_bins(merged, month_bins(lo, persons, cons, zero))
        ys.append(y), ws.append(w), us.append(urban)
    y, w, urban = np.concatenate(ys), np.concatenate(ws), np.concatenate(us)
    for area, mask in ((None, slice(None)), ("urban", urban), ("rural", ~urban)):
        exact = gini(y[mask], weights=w[mask])
        g, bound = bins_gini(merged, area)
        assert 0 < bound <= BIN_GINI_MAX < 1e-4
        assert g - 1e-12 <= exact <= g + bound + 1e-12, (area, exact, g, bound)
        assert exact - g > 0  # the bins do lose something: the check above can fail


def test_the_bound_holds_for_the_worst_distribution_in_one_bin():
    """Two values at the ends of one bin, half the weight each: the largest Gini of a bin."""
    lo = np.float32(2.0**20)  # a bin edge (Rp 1,048,576): its bits end in eleven zeros
    assert lo.view(np.uint32) & 0x7FF == 0
    hi = (lo.view(np.uint32) + np.uint32(0x7FF)).view(np.float32)
    measured = np.array([lo, hi], dtype=np.float32)
    ones = np.ones(2, dtype=np.int8)
    zeros = np.zeros(2, dtype=np.int8)
    args = (measured, zeros, zeros, ones, zeros, np.ones(2, dtype=np.float32), np.ones(2, bool))
    b = consumption_bins(*args, np.empty(2, dtype=np.float32))
    assert b[1].shape == (2, 1)  # one bin
    g, bound = bins_gini(month_bins(*b[:4]))
    exact = gini(measured)
    assert g == 0.0 and 0 < exact <= bound <= BIN_GINI_MAX
    assert exact > 0.999 * BIN_GINI_MAX  # one bin (p = s = 1): the bound is attained


def test_bins_refuse_what_they_cannot_hold():
    rng = np.random.default_rng(0)
    args, *_ = _households(rng, 10, 0.5)
    for bad in (np.nan, np.inf, -1.0, 1e-40):
        a = list(args)
        a[0] = a[0].copy()
        a[0][3] = bad
        with pytest.raises(ValueError, match="consumption"):
            consumption_bins(*a, np.empty(10, dtype=np.float32))


# --------------------------------------------------------------------------------------------
# Sizes, seeds and the provinces' scenarios
# --------------------------------------------------------------------------------------------


def test_allocation_is_proportional_with_a_floor():
    rep = [13_000_000, 11_000_000, 300_000, 250_000, 7]
    out = allocate(10_000, rep, minimum=50)
    assert sum(out) == 10_000 and min(out) == 50 and out[4] == 50
    quota = [(10_000 - 50) * r / sum(rep[:4]) for r in rep[:4]]
    assert all(abs(o - q) < 1 for o, q in zip(out[:4], quota, strict=True))
    assert allocate(7, [1, 1, 1], minimum=2) == [3, 2, 2]  # ties: the earlier entry
    assert scaled([1_000_049, 1_000_050, 3_000], 100, minimum=50) == [10_000, 10_001, 50]
    with pytest.raises(NationalInputError, match="at least 150"):
        allocate(149, [1, 2, 3], minimum=50)


def test_province_seeds_depend_on_the_code_not_the_order():
    seeds = {province_seed(11, code) for code in ("1100", "5300", "3400")}
    assert len(seeds) == 3 and all(0 <= s < 2**63 for s in seeds)
    assert province_seed(11, "5300") == province_seed(11, 5300) != province_seed(12, "5300")


def test_a_province_scenario_is_load_scenario_in_that_region(presets):
    sc = national(households=5_000)
    mine, represented, kept = province_scenario(sc, "NTT", 321)
    want = sim.load_scenario(
        "competition",
        overrides={"region": "NUSA TENGGARA TIMUR", "population.households": 321, "months": 3},
    )
    assert mine.content_hash() == want.content_hash() and kept == ()
    assert represented == want.population.households_represented > 1_000_000
    # a field set on purpose (here --set) applies in every province, and is reported
    growth = national(households=5_000, **{"income.growth_annual": 0.011})
    mine, _, kept = province_scenario(growth, "NTT", 321)
    assert mine.income.growth_annual == 0.011 and kept == ("income.growth_annual",)
    assert mine.calibration.rural.scale == want.calibration.rural.scale


def test_bad_inputs_say_what_is_wrong(presets):
    sc = national()
    with pytest.raises(NationalInputError, match="region"):
        plan_provinces(sim.load_scenario("competition"), 1)
    with pytest.raises(NationalInputError, match="unknown region"):
        plan_provinces(sc, 1, provinces=["Atlantis"])
    with pytest.raises(NationalInputError, match="not a province"):
        plan_provinces(sc, 1, provinces=["Kota Kupang"])
    with pytest.raises(NationalInputError, match="twice"):
        plan_provinces(sc, 1, provinces=["NTT", "5300"])
    with pytest.raises(NationalInputError, match="at least 150"):
        plan_provinces(sc, 1, households=100, provinces=SMALL)
    with pytest.raises(NationalInputError, match="scale"):
        plan_provinces(sc, 1, scale=0, provinces=SMALL)
    with pytest.raises(NationalInputError, match="seed"):
        plan_provinces(sc, -1, provinces=SMALL)
    with pytest.raises(NationalInputError, match="workers"):
        run_national(sc, 1, provinces=SMALL, workers=0)
    with pytest.raises(sim.ScenarioError, match="no preset for ACEH"):
        plan_provinces(sc, 1, provinces=["ACEH"])
    with pytest.raises(ValueError, match="run_national"):
        sim.PovertyModel(sc, rng=1)


# --------------------------------------------------------------------------------------------
# National figures are those of the pooled households
# --------------------------------------------------------------------------------------------


def test_every_column_of_a_run_has_a_national_rule(sequential):
    _, run, _ = sequential
    cols = [c for c in run.timeseries.columns if rule(c) == "none"]
    assert cols == list(NOT_COMBINED) == list(run.not_combined)
    assert list(run.timeseries.columns) == list(run.provinces.columns[2:])


def _pooled(parts):
    """Each month's pooled households of the provinces, re-run one by one here."""
    months: list[list[tuple]] = []
    series = {}
    for p in parts:
        model = sim.PovertyModel(p.scenario, rng=p.seed)
        for m in range(p.scenario.months + 1):
            if m:
                model.step()
            hh = model.households
            y = model.observed_consumption_pc()
            if len(months) <= m:
                months.append([])
            months[m].append((y, hh.persons, model.lines.copy(), hh.urban.copy()))
        series[p.region.name] = model.timeseries()
    return [tuple(np.concatenate(x) for x in zip(*parts, strict=True)) for parts in months], series


def test_national_figures_are_those_of_the_pooled_households(sequential):
    sc, run, parts = sequential
    pooled, series = _pooled(parts)
    ts, bounds = run.timeseries, run.gini_bounds
    for m, (y, w, z, urban) in enumerate(pooled):
        row = ts.iloc[m]
        s = poverty_summary(y, z, weights=w)
        for key in ("p0", "p1", "p2", "watts"):
            assert row[key] == pytest.approx(s[key], rel=1e-12, abs=0), (m, key)
        assert row["persons"] == pytest.approx(w.sum(), rel=1e-12)
        assert row["mean_consumption"] == pytest.approx(np.average(y, weights=w), rel=1e-12)
        for area, mask in (("urban", urban), ("rural", ~urban)):
            sa = poverty_summary(y[mask], z[mask], weights=w[mask])
            assert row[f"p0_{area}"] == pytest.approx(sa["p0"], rel=1e-12)
            assert row[f"p2_{area}"] == pytest.approx(sa["p2"], rel=1e-12)
        for col, mask in (("gini", slice(None)), ("gini_urban", urban), ("gini_rural", ~urban)):
            exact = gini(y[mask], weights=w[mask])
            assert row[col] - 1e-12 <= exact <= row[col] + bounds[col].iloc[m] + 1e-12
            assert bounds[col].iloc[m] < 1e-4
    # the provinces' own series are those of their models run alone
    for name, own in series.items():
        got = run.provinces[run.provinces["province"] == name].drop(columns=["province", "code"])
        pd.testing.assert_frame_equal(got.reset_index(drop=True), own, check_exact=True)
    # totals add up; money is per 1,000 households, so it scales with each province
    sums = run.provinces.groupby("month")[["persons_poor", "spent_transfers"]].sum()
    assert np.allclose(ts[["persons_poor", "spent_transfers"]].to_numpy(), sums.to_numpy())
    alloc = run.allocation
    assert alloc["households"].sum() == sc.population.households
    assert list(alloc["province"]) == [p.region.name for p in parts]


def test_local_processes_and_dask_give_the_same_bits(sequential, presets):
    sc, run, _ = sequential
    two = run_national(sc, 7, provinces=SMALL, workers=2)
    pd.testing.assert_frame_equal(two.timeseries, run.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(two.provinces, run.provinces, check_exact=True)
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = run_national(sc, 7, provinces=SMALL, client=client)
    pd.testing.assert_frame_equal(on_dask.timeseries, run.timeseries, check_exact=True)


def test_a_batch_runs_the_nation_by_province(tmp_path, monkeypatch):
    _write_presets(tmp_path / "regions")
    monkeypatch.setattr(CATALOGUE, "REGIONS_DIR", tmp_path / "regions")
    out = tmp_path / "out"
    args = dict(reps=1, households=1_900, months=1, workers=1, out=out, progress=False)
    folder = sim.run_batch(["no_programs"], set={"region": "INDONESIA (by province)"}, **args)
    res = sim.load_results(folder)
    (rid,) = res.runs["run_id"]
    ts = res.read_run(rid)
    provinces = pd.read_parquet(folder / "provinces" / f"{rid}.parquet")
    assert provinces["province"].nunique() == 38 and len(ts) == 2
    sums = provinces.groupby("month")["persons_poor"].sum().to_numpy()
    assert np.allclose(ts["persons_poor"], sums, rtol=1e-12)
    assert ts["exclusion_error"].isna().all() and ts["gini"].between(0.2, 0.6).all()
    assert set(res.summary["scenario"]) == {"no_programs"}
    with pytest.raises(sim.batch.BatchInputError, match="at least 1,900"):
        sim.run_batch(
            ["no_programs"],
            set={"region": NATION_BY_PROVINCE},
            **{**args, "households": 1_000, "out": tmp_path / "small"},
        )


def test_rupiah_for_the_nation_are_shared_by_the_provinces(tmp_path, monkeypatch):
    """An amount in rupiah a year for the nation: the provinces' shares add up to it."""
    _write_presets(tmp_path)
    monkeypatch.setattr(CATALOGUE, "REGIONS_DIR", tmp_path)
    sc = national(households=5_000, **{"donors.giving_rp_per_year": 3.3e13})
    parts, _ = plan_provinces(sc, 1)
    total = sum(p.represented for p in parts)
    assert sc.population.households_represented == total > 60_000_000
    yearly = sum(p.scenario.donors.giving * 12 * p.represented / 1_000 for p in parts)
    assert yearly == pytest.approx(3.3e13, rel=1e-12)

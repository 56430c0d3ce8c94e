"""The institutions' compiled kernels (sim.institutions, sim.accel) against the numpy reference.

Everything the institutions determine (enrolments, accounts, programme effects, reach figures)
must be the same bit for bit with the kernels on and off: whole runs of several scenarios are
compared, and each kernel is compared with the numpy code it replaces, with edge cases (no
candidates, no money, capacity binding, no enrolments, -0 survey noise).
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

import sim
from sim import accel, programs
from sim import institutions as inst_mod

pytestmark = pytest.mark.skipif(not accel.AVAILABLE, reason="numba not installed")

REACH = (
    "coverage_poor",
    "inclusion_error",
    "exclusion_error",
    "duplicate_enrolments",
    "duplicate_ngo_gov",
    "beneficiaries",
)
SECTOR_ARRAYS = ("months_left", "months_in", "ever", "eligible_at_entry", "direct_spend_last")


def _scenario(name: str, households: int = 2_000, months: int = 24):
    return sim.load_scenario(
        name, overrides={"population.households": households, "months": months}
    )


def _run(name: str, on: bool, households: int = 2_000, months: int = 24, seed: int = 1):
    with accel.forced(on):
        return sim.PovertyModel(_scenario(name, households, months), rng=seed).run()


def _model_at(name: str, steps: int, households: int = 2_000, seed: int = 1):
    model = sim.PovertyModel(_scenario(name, households), rng=seed)
    with accel.disabled():
        for _ in range(steps):
            model.step()
    return model


def _snapshot(sector):
    arrays = {a: getattr(sector, a).copy() for a in (*SECTOR_ARRAYS, "direct_spend_period")}
    return arrays, sector.ledger.table.copy(), sector.ledger.balance.copy(), sector.injected.copy()


def _restore(sector, snap) -> None:
    arrays, table, balance, injected = snap
    for a, v in arrays.items():
        setattr(sector, a, v.copy())
    sector.ledger.table[:] = table
    sector.ledger.balance[:] = balance
    sector.injected = injected.copy()
    sector._view_cache = None
    sector._bits = None


def _state(sector):
    out = {a: getattr(sector, a).copy() for a in (*SECTOR_ARRAYS, "direct_spend_period")}
    out["table"] = sector.ledger.table.copy()
    out["balance"] = sector.ledger.balance.copy()
    out["injected"] = sector.injected.copy()
    return out


def _assert_same_state(a, b) -> None:
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["full_synergy", "competition", "thematic_alliance", "pooled_funding", "fragile_coalition"],
)
def test_runs_identical(name):
    fast, ref = _run(name, True), _run(name, False)
    la, lb = fast.ledger(), ref.ledger()
    assert list(la.columns) == list(lb.columns)
    for col in la.columns:
        np.testing.assert_array_equal(la[col].to_numpy(), lb[col].to_numpy(), err_msg=col)
    ia, ib = fast.institution_timeseries(), ref.institution_timeseries()
    for col in ia.columns:
        np.testing.assert_array_equal(ia[col].to_numpy(), ib[col].to_numpy(), err_msg=col)
    ta, tb = fast.timeseries(), ref.timeseries()
    for col in REACH:
        np.testing.assert_array_equal(ta[col].to_numpy(), tb[col].to_numpy(), err_msg=col)
    for attr in (*SECTOR_ARRAYS, "direct_spend_period", "injected"):
        np.testing.assert_array_equal(
            getattr(fast.sector, attr), getattr(ref.sector, attr), err_msg=attr
        )
    for f in fields(fast.households):
        np.testing.assert_array_equal(
            getattr(fast.households, f.name), getattr(ref.households, f.name), err_msg=f.name
        )
    for a, b in zip(fast.sector.institutions, ref.sector.institutions, strict=True):
        assert (a.quality, a.trust, a.member, a.reputation, a.performance) == (
            b.quality,
            b.trust,
            b.member,
            b.reputation,
            b.performance,
        )


@pytest.mark.parametrize("name", ["full_synergy", "competition", "thematic_alliance"])
def test_sector_month_identical(name):
    """One enrolment month and one plain month of the sector, from the same state."""
    model = _model_at(name, 6)
    sector = model.sector
    snap = _snapshot(sector)
    results = {}
    for on in (False, True):
        _restore(sector, snap)
        with accel.forced(on):
            eff7, inj7 = sector.month(7)
            eff8, inj8 = sector.month(8)
        results[on] = (_state(sector), eff7, inj7, eff8, inj8)
    _assert_same_state(results[False][0], results[True][0])
    for k in (1, 3):
        for f in fields(results[False][k]):
            np.testing.assert_array_equal(
                getattr(results[False][k], f.name), getattr(results[True][k], f.name)
            )
    np.testing.assert_array_equal(results[False][2], results[True][2])
    np.testing.assert_array_equal(results[False][4], results[True][4])


# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["full_synergy", "competition", "thematic_alliance"])
def test_views_and_candidates(name):
    """_view and the candidate kernel against the numpy masks, for every institution."""
    model = _model_at(name, 3)
    sector, hh = model.sector, model.households
    m = 4
    for inst in sector.institutions:
        sector._view_cache = None
        with accel.disabled():
            ref_view = sector._view(m, inst)
        sector._view_cache = None
        with accel.forced():
            view = sector._view(m, inst)
        np.testing.assert_array_equal(view, ref_view)
        d = programs.design(model.config, inst.kind)
        log_line = sector._log_line(d.eligibility_line_multiple)
        with accel.disabled():
            cand = (
                inst.area[hh.subdistrict]
                & programs.observable_filter(inst.kind, hh, hh.insured)
                & ~sector._excluded(inst)
                & (view < log_line)
            )
        ref_idx = np.flatnonzero(cand)
        ref_score = view[ref_idx]
        if model.config.cooperation.case_management and inst.member:
            others = sector._served_by_other_themes(inst)[ref_idx]
            ref_score = ref_score - np.where(others, np.float32(10.0), np.float32(0))
        with accel.forced():
            sector._bits = None
            idx, score = sector._candidates(inst, view, log_line)
        np.testing.assert_array_equal(idx, ref_idx)
        np.testing.assert_array_equal(score, ref_score)
        assert score.dtype == np.float32
        np.testing.assert_array_equal(
            idx[inst_mod.stable_argsort(score)], ref_idx[np.argsort(ref_score, kind="stable")]
        )
        # no candidates: a view above every line
        with accel.forced():
            none_idx, none_score = sector._candidates(
                inst, np.full(hh.n, np.inf, np.float32), log_line
            )
        assert none_idx.size == 0 and none_score.size == 0
    sector._bits = None


@pytest.mark.parametrize("balance", ["zero", "small", "large"])
def test_enrol_edge_cases(balance):
    """No money, money binding, capacity binding: the same enrolments both ways."""
    model = _model_at("full_synergy", 3)
    sector = model.sector
    if balance == "zero":
        sector.ledger.balance[:] = 0.0
    elif balance == "small":  # money for about 20 new households each: money binds
        w = model.households.weight.astype(np.float64)
        for inst in sector.institutions:
            d = programs.design(model.config, inst.kind)
            some = np.arange(20)
            cost = sector.remaining_cost(
                inst, some, np.full(20, d.duration_months), np.zeros(20, dtype=np.int16)
            )
            sector.ledger.balance[inst.row] = (
                sector.reserve(inst)
                + inst_mod.FIXED_COST_BUFFER_MONTHS * inst.spec.fundraising_effort * sector.scale
                + float((cost * w[some]).sum()) * (1.0 + inst.spec.overhead_share)
            )
    else:
        sector.ledger.balance[:] = 1e18  # capacity binds
    snap = _snapshot(sector)
    states = {}
    for on in (False, True):
        _restore(sector, snap)
        with accel.forced(on):
            for inst in sector.institutions:
                sector._enrol(4, inst)
        sector._bits = None
        states[on] = _state(sector)
    _assert_same_state(states[False], states[True])
    new = (states[True]["months_left"] > 0) & ~(snap[0]["months_left"] > 0)
    if balance == "zero":
        assert not new.any()
    else:
        assert new.any()
    if balance == "large":  # capacity: enrolled weight stays within capacity
        w = model.households.weight.astype(np.float64)
        for inst in sector.institutions:
            enrolled = float(w[states[True]["months_left"][inst.row] > 0].sum())
            assert enrolled <= inst.spec.capacity * sector.scale + w.max()


# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["full_synergy", "competition", "no_programs"])
@pytest.mark.parametrize("enrolled", [True, False])
def test_reach_figures(name, enrolled):
    model = _model_at(name, 5)
    sector, hh = model.sector, model.households
    if not enrolled:
        sector.months_left[:] = 0
    members = hh.members
    y = hh.consumption / members
    w = members * hh.weight.astype(np.float64)
    results = []
    for on in (False, True):
        with accel.forced(on):
            results.append(sector.reach_figures(hh, model.lines, consumption_pc=y, persons=w))
            results.append(sector.reach_figures(hh, model.lines))
    for r in results[1:]:
        assert r.keys() == results[0].keys()
        for key in r:
            np.testing.assert_array_equal(r[key], results[0][key], err_msg=key)
    if not enrolled and sector.institutions:
        assert np.isnan(results[1]["inclusion_error"])


def test_need_identical():
    model = _model_at("pooled_funding", 4)
    with accel.disabled():
        ref = model.sector._need()
    with accel.forced():
        fast = model.sector._need()
    np.testing.assert_array_equal(fast, ref)


def test_positive_index():
    rng = np.random.default_rng(0)
    for row in (
        np.zeros(0, np.int16),
        np.zeros(50, np.int16),
        np.full(50, 3, np.int16),
        rng.integers(-2, 3, 1000).astype(np.int16),
    ):
        got = inst_mod._positive_index(row)
        np.testing.assert_array_equal(got, np.flatnonzero(row > 0))
        assert got.dtype == np.int64


def test_survey_add_signed_zero():
    """sd = 0 and negative noise: 0 * noise = -0 adds like numpy's +0 (total never -0)."""
    n = 64
    rng = np.random.default_rng(1)
    sub = rng.integers(0, 4, n).astype(np.int16)
    reach = np.array([True, False, True, False])
    ref = np.zeros(n, np.float32)
    fast = np.zeros(n, np.float32)
    for sd, noise in (
        (np.float32(0.0), -np.abs(rng.standard_normal(n).astype(np.float32))),
        (np.float32(0.3), rng.standard_normal(n).astype(np.float32)),
        (np.float32(0.0), rng.standard_normal(n).astype(np.float32)),
    ):
        ref += np.where(reach[sub], sd * noise, np.float32(0))
        inst_mod._survey_add(fast, noise, sub, np.where(reach, sd, np.float32(0)))
        np.testing.assert_array_equal(fast.view(np.uint32), ref.view(np.uint32))


def test_apply_enrolment_at_and_members_at():
    model = _model_at("full_synergy", 2)
    sc, hh = model.config, model.households
    rng = np.random.default_rng(2)
    idx = np.flatnonzero(rng.random(hh.n) < 0.3)
    np.testing.assert_array_equal(programs.members_at(hh, idx), hh.members[idx])
    active = np.zeros(hh.n, bool)
    active[idx] = True
    months_in = rng.integers(0, 4, hh.n).astype(np.int16)
    prior = rng.random(hh.n) < 0.5
    bundle = (np.float32(1) + np.float32(0.2) * rng.integers(0, 3, hh.n)).astype(np.float32)
    for kind in programs.KINDS:
        for market in (False, True):
            a, b = programs.Effects.none(hh.n), programs.Effects.none(hh.n)
            paid = programs.apply_enrolment(
                sc, kind, hh, active, months_in, prior, 0.9, bundle, a, market
            )
            paid_at = programs.apply_enrolment_at(
                sc, kind, hh, idx, months_in[idx], prior[idx], 0.9, bundle[idx], b, market
            )
            np.testing.assert_array_equal(paid[idx], paid_at)
            for f in fields(a):
                np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name))
        for lines_idx in (None, idx):
            ok = programs.eligible(sc, kind, hh, model.lines, idx=lines_idx)
            full = programs.eligible(sc, kind, hh, model.lines)
            np.testing.assert_array_equal(ok, full if lines_idx is None else full[idx])


@pytest.mark.parametrize("name", ["full_synergy", "thematic_alliance"])
def test_bundle_multiplier_at(name):
    model = _model_at(name, 5)
    sector = model.sector
    full = sector._bundle_multiplier()
    for inst in sector.institutions:
        idx = np.flatnonzero(sector.months_left[inst.row] > 0)
        for on in (False, True):
            with accel.forced(on):
                got = sector._bundle_multiplier_at(idx)
            np.testing.assert_array_equal(got, full[idx])
            assert got.dtype == np.float32
    for on in (False, True):
        with accel.forced(on):
            bundles = sector._member_bundles()
        assert set(bundles) == {i.row for i in sector.institutions if i.member}
        for r, got in bundles.items():
            np.testing.assert_array_equal(got, full[np.flatnonzero(sector.months_left[r] > 0)])
            assert got.dtype == np.float32

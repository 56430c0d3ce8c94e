"""The institutions' compiled kernels against their numpy references (sim.kernels switch).

Everything the institutions determine (enrolments, accounts, programme effects, reach figures)
must be the same bit for bit with the kernels on and off: whole runs of several scenarios are
compared, each registered kernel of the institutions is compared with its reference on its
example, and the bit-mask paths are compared with the household masks they replace, with edge
cases (no candidates, no money, capacity binding, no enrolments, -0 survey noise).
"""

from __future__ import annotations

import importlib
from dataclasses import fields

import numpy as np
import pytest

import sim
from sim import kernels, programs
from sim.institutions import agent, delivery, funding, state, survey
from sim.measures import reach

pytestmark = pytest.mark.skipif(not kernels.AVAILABLE, reason="numba not installed")

REACH = (
    "coverage_poor",
    "inclusion_error",
    "exclusion_error",
    "duplicate_enrolments",
    "duplicate_ngo_gov",
    "beneficiaries",
)
STATE_ARRAYS = (
    "months_left",
    "months_in",
    "ever",
    "eligible_at_entry",
    "direct_spend_last",
    "direct_spend_period",
)
MODULES = [m for m in kernels.MODULES if m.startswith(("sim.institutions", "sim.measures.reach"))]


def _scenario(name: str, households: int = 2_000, months: int = 24):
    return sim.load_scenario(
        name, overrides={"population.households": households, "months": months}
    )


def _run(name: str, on: bool, households: int = 2_000, months: int = 24, seed: int = 1):
    with kernels.forced(on):
        return sim.PovertyModel(_scenario(name, households, months), rng=seed).run()


def _model_at(name: str, steps: int, households: int = 2_000, seed: int = 1):
    model = sim.PovertyModel(_scenario(name, households), rng=seed)
    with kernels.disabled():
        for _ in range(steps):
            model.step()
    return model


def _state(st) -> dict[str, np.ndarray]:
    out = {a: getattr(st, a).copy() for a in STATE_ARRAYS}
    out["table"] = st.ledger.table.copy()
    out["balance"] = st.ledger.balance.copy()
    out["injected"] = st.injected.copy()
    return out


def _restore(st, snap) -> None:
    for a in STATE_ARRAYS:
        getattr(st, a)[...] = snap[a]
    st.ledger.table[:] = snap["table"]
    st.ledger.balance[:] = snap["balance"]
    st.injected = snap["injected"].copy()
    st.views = None
    st.bits = None


def _assert_same_state(a, b) -> None:
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("module", MODULES)
def test_registered_kernels_match_their_references(module):
    """Every kernel of the institutions and of reach: compiled == reference on its example."""
    importlib.import_module(module)
    mine = [k for k in kernels.REGISTRY.values() if k.name.startswith(module + ".")]
    assert mine, module
    for k in mine:
        for n in (0, 1, 7, 300):
            rng = np.random.default_rng(n)
            args_a = k.example(rng, n)
            args_b = k.example(np.random.default_rng(n), n)
            got = k.compiled(*args_a)
            want = k.reference(*args_b)
            got = got if isinstance(got, tuple) else (got,)
            want = want if isinstance(want, tuple) else (want,)
            for x, y in zip(got, want, strict=True):
                if x is None:
                    assert y is None
                    continue
                np.testing.assert_array_equal(x, y, err_msg=k.name)
                assert np.asarray(x).dtype == np.asarray(y).dtype, k.name
            for x, y in zip(args_a, args_b, strict=True):  # in-place writes agree too
                if isinstance(x, np.ndarray):
                    np.testing.assert_array_equal(x, y, err_msg=k.name)


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
    _assert_same_state(_state(fast.coalition.state), _state(ref.coalition.state))
    for f in fields(fast.households):
        np.testing.assert_array_equal(
            getattr(fast.households, f.name), getattr(ref.households, f.name), err_msg=f.name
        )
    for a, b in zip(fast.coalition.institutions, ref.coalition.institutions, strict=True):
        assert (a.quality, a.trust, a.member, a.reputation, a.performance) == (
            b.quality,
            b.trust,
            b.member,
            b.reputation,
            b.performance,
        )


@pytest.mark.parametrize("name", ["full_synergy", "competition", "thematic_alliance"])
def test_coalition_month_identical(name):
    """One enrolment month and one plain month of the coalition, from the same state."""
    model = _model_at(name, 6)
    coalition = model.coalition
    snap = _state(coalition.state)
    results = {}
    for on in (False, True):
        _restore(coalition.state, snap)
        with kernels.forced(on):
            eff7, inj7 = coalition.month(7)
            eff8, inj8 = coalition.month(8)
        results[on] = (_state(coalition.state), eff7, inj7, eff8, inj8)
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
    """survey both ways; select (bits) against the household masks, for every institution."""
    model = _model_at(name, 3)
    st, hh = model.coalition.state, model.households
    m = 4
    for inst in model.coalition.institutions:
        st.views = None
        with kernels.disabled():
            ref_view = inst.survey(m, st)
        st.views = None
        with kernels.forced():
            view = inst.survey(m, st)
        np.testing.assert_array_equal(view, ref_view)
        d = programs.design(model.config, inst.kind)
        log_line = st.log_line(d.eligibility_line_multiple)
        ref_idx, ref_score = inst._select_by_masks(st, view, log_line)
        for on in (False, True):
            with kernels.forced(on):
                st.bits = None
                idx, score = inst.select(st, view, log_line)
            np.testing.assert_array_equal(idx, ref_idx)
            np.testing.assert_array_equal(score, ref_score)
            assert idx.dtype == np.int64 and score.dtype == np.float32
        # no candidates: a view above every line
        with kernels.forced():
            none_idx, none_score = inst.select(st, np.full(hh.n, np.inf, np.float32), log_line)
        assert none_idx.size == 0 and none_score.size == 0
    st.bits = None


@pytest.mark.parametrize("balance", ["zero", "small", "large"])
def test_enrol_edge_cases(balance):
    """No money, money binding, capacity binding: the same enrolments both ways."""
    model = _model_at("full_synergy", 3)
    coalition = model.coalition
    st = coalition.state
    if balance == "zero":
        st.ledger.balance[:] = 0.0
    elif balance == "small":  # money for about 20 new households each: money binds
        w = model.households.weight.astype(np.float64)
        for inst in coalition.institutions:
            d = programs.design(model.config, inst.kind)
            some = np.arange(20)
            cost = inst.remaining_cost(
                st, some, np.full(20, d.duration_months), np.zeros(20, dtype=np.int16)
            )
            st.ledger.balance[inst.row] = (
                inst.reserve(st)
                + agent.FIXED_COST_BUFFER_MONTHS * inst.spec.fundraising_effort * st.scale
                + float((cost * w[some]).sum()) * (1.0 + inst.spec.overhead_share)
            )
    else:
        st.ledger.balance[:] = 1e18  # capacity binds
    snap = _state(st)
    states = {}
    for on in (False, True):
        _restore(st, snap)
        with kernels.forced(on):
            coalition.agents.do("enrol", 4, st)
        st.bits = None
        states[on] = _state(st)
    _assert_same_state(states[False], states[True])
    new = (states[True]["months_left"] > 0) & ~(snap["months_left"] > 0)
    if balance == "zero":
        assert not new.any()
    else:
        assert new.any()
    if balance == "large":  # capacity: enrolled weight stays within capacity
        w = model.households.weight.astype(np.float64)
        for inst in coalition.institutions:
            enrolled = float(w[states[True]["months_left"][inst.row] > 0].sum())
            assert enrolled <= inst.spec.capacity * st.scale + w.max()


# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["full_synergy", "competition", "no_programs"])
@pytest.mark.parametrize("enrolled", [True, False])
def test_reach_figures(name, enrolled):
    """The counts (compiled and reference) against the masks summed with np.sum."""
    model = _model_at(name, 5)
    coalition, hh = model.coalition, model.households
    if not enrolled:
        coalition.months_left[:] = 0
    members = hh.members
    y = hh.consumption / members
    w = members * hh.weight.astype(np.float64)
    results = []
    for on in (False, True):
        with kernels.forced(on):
            results.append(reach.reach_figures(coalition, hh, model.lines, y, w))
            results.append(reach.reach_figures(coalition, hh, model.lines))
    if coalition.institutions:
        ws = coalition.state.weight_sums[1]
        out = dict.fromkeys(REACH, 0.0)
        out["inclusion_error"] = out["exclusion_error"] = np.nan
        results.append(reach._reach_by_masks(coalition, hh, model.lines, ws, out, y, w))
    for r in results[1:]:
        assert r.keys() == results[0].keys()
        for key in r:
            np.testing.assert_array_equal(r[key], results[0][key], err_msg=key)
    if not enrolled and coalition.institutions:
        assert np.isnan(results[1]["inclusion_error"])


def test_need_identical():
    model = _model_at("pooled_funding", 4)
    st = model.coalition.state
    with kernels.disabled():
        ref = funding.need(st)
    with kernels.forced():
        fast = funding.need(st)
    np.testing.assert_array_equal(fast, ref)
    hh = model.households
    by_sub = np.bincount(
        hh.subdistrict,
        weights=hh.persons * (hh.consumption_pc < model.lines),
        minlength=model.config.population.subdistricts,
    )
    np.testing.assert_array_equal(ref, [by_sub[i.area].sum() for i in st.institutions])


def test_positive_index():
    rng = np.random.default_rng(0)
    for row in (
        np.zeros(0, np.int16),
        np.zeros(50, np.int16),
        np.full(50, 3, np.int16),
        rng.integers(-2, 3, 1000).astype(np.int16),
    ):
        for on in (False, True):
            with kernels.forced(on):
                got = state.positive_index(row)
            np.testing.assert_array_equal(got, np.flatnonzero(row > 0))
            assert got.dtype == np.int64


def test_survey_add_signed_zero():
    """sd = 0 and negative noise: 0 * noise = -0 adds like numpy's +0 (total never -0)."""
    n = 64
    rng = np.random.default_rng(1)
    sub = rng.integers(0, 4, n).astype(np.int16)
    reach_ = np.array([True, False, True, False])
    for on in (False, True):
        ref = np.zeros(n, np.float32)
        fast = np.zeros(n, np.float32)
        for sd, noise in (
            (np.float32(0.0), -np.abs(rng.standard_normal(n).astype(np.float32))),
            (np.float32(0.3), rng.standard_normal(n).astype(np.float32)),
            (np.float32(0.0), rng.standard_normal(n).astype(np.float32)),
        ):
            ref += np.where(reach_[sub], sd * noise, np.float32(0))
            with kernels.forced(on):
                survey.survey_add(fast, noise, sub, np.where(reach_, sd, np.float32(0)))
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
def test_member_bundles(name):
    """The bits kernel (both forms) against the multiplier by household masks."""
    model = _model_at(name, 5)
    st = model.coalition.state
    full = delivery.bundle_multiplier(st)
    for on in (False, True):
        with kernels.forced(on):
            bundles = delivery.member_bundles(st)
        assert set(bundles) == {i.row for i in st.institutions if i.member}
        for r, got in bundles.items():
            np.testing.assert_array_equal(got, full[np.flatnonzero(st.months_left[r] > 0)])
            assert got.dtype == np.float32

"""No value from nothing: what households are credited never exceeds what was spent on it.

Practice quality and case-managed bundles act on what households earn, never on the rupiah
value handed over: assets credited to households never exceed rupiah spent on assets, in every
scenario and month; CSR money is spent in every scenario that has institutions.
"""

import numpy as np
import pytest

import sim
from sim import programs
from sim.scenario import available_scenarios

HOUSEHOLDS, MONTHS = 3_000, 24


@pytest.mark.parametrize("name", [n for n in available_scenarios() if n != "no_programs"])
def test_assets_credited_never_exceed_rupiah_spent_on_assets(name, monkeypatch):
    sc = sim.load_scenario(name, overrides={"population.households": HOUSEHOLDS, "months": MONTHS})
    model = sim.PovertyModel(sc, rng=2)
    book = {"credited": 0.0, "spent": 0.0, "calls": 0}
    inner = programs.apply_enrolment_at

    def counting(sc_, kind, hh, idx, months_in, prior, quality, bundle, effects, **kw):
        before = effects.assets[idx].astype(np.float64)
        paid = inner(sc_, kind, hh, idx, months_in, prior, quality, bundle, effects, **kw)
        w = hh.weight[idx].astype(np.float64)
        credited = (effects.assets[idx].astype(np.float64) - before) * w
        asset_paid = np.where(months_in == 0, sc_.programmes.graduation.asset_value, 0.0)
        spent = (asset_paid if kind == "graduation" else np.zeros(idx.size)) * w
        # household by household, and summed over the month
        assert (credited <= spent * (1 + 1e-6) + 1e-3).all(), (name, kind, model.month)
        book["credited"] += credited.sum()
        book["spent"] += spent.sum()
        book["calls"] += 1
        return paid

    monkeypatch.setattr(programs, "apply_enrolment_at", counting)
    for _ in range(MONTHS):
        model.step()
        assert book["credited"] <= book["spent"] * (1 + 1e-6) + 1e-3, (name, model.month)
    assert book["calls"] > 0


def test_the_roster_ran_graduation_with_quality_above_one():
    """The bound above binds: the roster has graduation at practice quality above one."""
    sc = sim.load_scenario("full_synergy")
    assert any(i.programme == "graduation" and i.practice_quality > 1 for i in sc.institutions)


def test_csr_money_is_spent_in_competition_too():
    ov = {"population.households": HOUSEHOLDS, "months": 12}
    comp = sim.PovertyModel(sim.load_scenario("competition", overrides=ov), rng=1).run()
    ppp = sim.PovertyModel(
        sim.load_scenario("public_private_partnership", overrides=ov), rng=1
    ).run()
    csr = [m.coalition.ledger.frame(12)["raised_csr"].sum() for m in (comp, ppp)]
    expected = comp.config.business.csr_funds * comp.coalition.state.scale * 12
    # the same CSR money in both, every month: only its allocation differs
    np.testing.assert_allclose(csr, [expected, expected], rtol=1e-9)

"""Every form of cooperation has a zero point at which it equals competition exactly.

At the zero point (``sim.scenario.zero_point``) a form's strengths and costs are zero and each
member keeps the money it would raise and hold under competition; the run must then be
competition's, month by month and rupiah by rupiah. Away from it the form must differ, so the
test cannot pass by a form doing nothing.
"""

import numpy as np
import pytest

import sim
from sim.scenario.zero_point import MECHANISMS, zero_overrides, zero_point

HOUSEHOLDS, MONTHS, SEED = 2_500, 24, 5

FORMS = {
    "pooled_funding": {"cooperation.funding": "pooled"},
    "pooled_funding_by_performance": {
        "cooperation.funding": "pooled",
        "cooperation.pool.allocation": "performance",
        "cooperation.monitoring_enabled": True,
    },
    "thematic_alliance": {"cooperation.alliance_enabled": True},
    "case_management": {"cooperation.case_management": True},
    "shared_lists_theme": {"cooperation.information": "theme"},
    "shared_lists_coalition": {"cooperation.information": "coalition"},
    "registry": {"cooperation.information": "registry"},
    "government_partnership": {"cooperation.partnership.government": True},
    "business_partnership": {"cooperation.partnership.business": True},
    "knowledge_exchange": {"cooperation.knowledge_enabled": True},
    "monitoring": {"cooperation.monitoring_enabled": True},
}


def load(name="competition", **overrides):
    ov = {"population.households": HOUSEHOLDS, "months": MONTHS, **overrides}
    return sim.load_scenario(name, overrides=ov)


def run(sc):
    return sim.PovertyModel(sc, rng=SEED).run()


@pytest.fixture(scope="module")
def competition():
    return run(load())


def assert_same(model, reference):
    cols = ["p0", "p1", "p2", "gini", "spent_transfers"]
    a, b = model.timeseries(), reference.timeseries()
    for c in cols:
        assert np.array_equal(a[c].to_numpy(), b[c].to_numpy()), c
    assert np.array_equal(model.households.consumption, reference.households.consumption)
    assert np.array_equal(model.households.assets, reference.households.assets)
    la, lb = model.coalition.ledger, reference.coalition.ledger
    closing = la.index["closing"]
    assert np.array_equal(la.table[..., closing], lb.table[..., closing])


@pytest.mark.parametrize("form", sorted(FORMS))
def test_each_form_at_its_zero_point_is_competition(form, competition):
    sc = load(**FORMS[form])
    assert_same(run(zero_point(sc)), competition)


SHIPPED = ["full_synergy", "public_private_partnership", "fragile_coalition"]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_at_their_zero_point_are_competition(name, competition):
    assert_same(run(zero_point(load(name))), competition)


def test_full_synergy_away_from_its_zero_point_differs(competition):
    model = run(load("full_synergy"))
    assert not np.array_equal(model.households.consumption, competition.households.consumption)


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_each_mechanism_moves_full_synergy(mechanism):
    """Switching one mechanism off changes full synergy's run: none is a dead switch."""
    sc = load("full_synergy")
    assert zero_point(sc, [mechanism]) != sc
    full = run(sc)
    off = run(zero_point(sc, [mechanism]))
    assert not np.array_equal(full.households.consumption, off.households.consumption)


def test_every_zero_field_is_a_schema_field():
    sc = load("full_synergy")
    for fields in zero_overrides(sc).values():
        for path in fields:
            obj = sc
            for part in path.split("."):
                assert hasattr(obj, part), path
                obj = getattr(obj, part)


def test_unknown_mechanism_is_refused():
    with pytest.raises(ValueError, match="unknown mechanisms"):
        zero_point(load(), ["charisma"])

"""Attribution: exact Shapley shares over the mechanisms of cooperation add up to the total."""

import numpy as np
import pytest

import sim
from sim.analysis.attribution import OTHER, active_mechanisms, shapley
from sim.scenario.zero_point import MECHANISMS

SMALL = {"households": 1_500, "months": 12}


def test_shapley_of_a_known_game():
    """v(S) = sum of own values + 6 when a and b are both in: the pair splits the 6 evenly."""
    own = {"a": 1.0, "b": 2.0, "c": -4.0}
    players = list(own)
    values = {}
    for mask in range(8):
        S = frozenset(p for k, p in enumerate(players) if mask >> k & 1)
        values[S] = sum(own[p] for p in S) + (6.0 if {"a", "b"} <= S else 0.0)
    phi = shapley(values, players)
    assert phi == pytest.approx({"a": 4.0, "b": 5.0, "c": -4.0})
    assert sum(phi.values()) == pytest.approx(values[frozenset(players)] - values[frozenset()])


def test_full_synergy_uses_every_mechanism():
    assert active_mechanisms(sim.load_scenario("full_synergy")) == list(MECHANISMS)
    assert active_mechanisms(sim.load_scenario("competition")) == []


def test_parts_add_up_to_the_paired_total():
    a = sim.attribute(
        "full_synergy",
        "competition",
        components={"money": ["money"], "lists and bundles": ["shared_lists", "bundles"]},
        reps=2,
        seed=3,
        **SMALL,
    )
    assert list(a.columns[:4]) == ["component", "effect", "ci_low", "ci_high"]
    # the active mechanisms not named are grouped, so nothing is left out
    assert list(a.component) == ["money", "lists and bundles", "other mechanisms"]
    assert OTHER not in set(a.component)  # competition is full synergy's zero point
    assert np.isclose(a.effect.sum(), a.attrs["total"], rtol=1e-9, atol=1e-15)
    assert a.attrs["total"] != 0
    assert (a.ci_low <= a.effect).all() and (a.effect <= a.ci_high).all()


def test_total_is_the_paired_difference_of_the_two_scenarios():
    a = sim.attribute("public_private_partnership", "competition", reps=1, seed=2, **SMALL)
    ov = {"population.households": SMALL["households"], "months": SMALL["months"]}
    p1 = [
        sim.PovertyModel(sim.load_scenario(n, overrides=ov), rng=2).run().timeseries().p1.iloc[-1]
        for n in ("public_private_partnership", "competition")
    ]
    assert a.attrs["total"] == pytest.approx(p1[0] - p1[1], abs=1e-15)
    assert np.isnan(a.ci_low).all()  # one replicate: no interval


def test_a_reference_that_is_not_the_zero_point_gets_its_own_row():
    a = sim.attribute("knowledge_exchange", "no_programs", reps=1, seed=1, metric="p0", **SMALL)
    assert list(a.component) == ["learning", "coordination_cost", OTHER]
    assert np.isclose(a.effect.sum(), a.attrs["total"], rtol=1e-9, atol=1e-15)
    assert a.loc[a.component == OTHER, "effect"].item() != 0


def test_unknown_components_are_refused():
    with pytest.raises(ValueError, match="unknown mechanisms"):
        sim.attribute("full_synergy", components=["goodwill"], reps=1, **SMALL)


@pytest.mark.parametrize(
    "argv, says",
    [
        (["nosuch", "competition"], "unknown scenario"),
        (["full_synergy", "competition", "--reps", "0"], "reps must be at least 1"),
        (["full_synergy", "competition", "--metric", "nope", "--reps", "1"], "not a timeseries"),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(argv, says, capsys):
    from sim.analysis.attribution import main

    assert main([*argv, "--households", "500", "--months", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and "\n" not in err and "Traceback" not in err

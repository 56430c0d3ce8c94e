"""Institutions, programmes and the forms of cooperation: the behaviours the issue promises."""

import numpy as np
import pytest

import sim
from sim.scenario import available_scenarios

SCENARIOS = [
    "no_programs",
    "competition",
    "thematic_alliance",
    "pooled_funding",
    "public_private_partnership",
    "knowledge_exchange",
    "full_synergy",
    "fragile_coalition",
]


def load(name, households=3_000, months=24, **overrides):
    ov = {"population.households": households, "months": months}
    ov.update(overrides)
    return sim.load_scenario(name, overrides=ov)


def run(sc, seed=1):
    return sim.PovertyModel(sc, rng=seed).run()


def same_households(a, b):
    ha, hb = a.households, b.households
    return all(
        np.array_equal(getattr(ha, f), getattr(hb, f))
        for f in ("consumption", "assets", "savings", "n_enrolled", "skill", "insured")
    )


def test_every_scenario_file_loads_and_runs_a_year():
    names = available_scenarios()
    assert set(SCENARIOS) <= set(names)
    for name in names:
        ts = run(load(name, 2_000, 12)).timeseries()
        assert len(ts) == 13 and np.isfinite(ts.p0).all(), name


def test_zero_budgets_are_bit_identical_to_no_programs():
    sc = load("full_synergy", 3_000, 24, **{"donors.giving": 0.0, "business.csr_funds": 0.0})
    for inst in sc.institutions:
        inst.budget = 0.0
    a, b = run(sc), run(load("no_programs", 3_000, 24))
    assert same_households(a, b)
    assert a.timeseries().p0.equals(b.timeseries().p0)
    assert a.timeseries().spent_transfers.sum() == 0


def within_theme_duplicates(model):
    coalition = model.coalition
    active = coalition.months_left > 0
    themes = [i.spec.theme for i in coalition.institutions]
    worst = 0
    for theme in set(themes):
        rows = [k for k, t in enumerate(themes) if t == theme]
        worst = max(worst, int((active[rows].sum(axis=0) >= 2).sum()))
    return worst


def monthly_max(sc, fn, seed=1):
    model = sim.PovertyModel(sc, rng=seed)
    out = 0
    for _ in range(sc.months):
        model.step()
        out = max(out, fn(model))
    return out


def test_competition_duplicates_within_a_theme_and_an_alliance_does_not():
    assert monthly_max(load("competition", 5_000, 24), within_theme_duplicates) > 0
    assert monthly_max(load("thematic_alliance", 5_000, 24), within_theme_duplicates) == 0


def disjoint(sc):
    for k, inst in enumerate(sc.institutions):
        inst.reach = [k, k + 9] if k + 9 < sc.population.subdistricts else [k]
        inst.mission = {inst.theme: 1.0}
    return sc


def test_alliance_with_nothing_to_coordinate_equals_competition():
    free = {
        "cooperation.alliance.coordination_cost": 0.0,
        "cooperation.alliance.divergence_weight": 0.0,
    }
    comp = disjoint(load("competition", 4_000, 36))
    ally = disjoint(load("thematic_alliance", 4_000, 36, **free))
    a, b = run(comp), run(ally)
    assert same_households(a, b)
    assert a.timeseries().p1.equals(b.timeseries().p1)


def test_costly_coordination_makes_the_alliance_worse_than_competition():
    p1_comp, p1_ally = [], []
    for seed in (1, 2):
        p1_comp.append(run(load("competition", 3_000, 120), seed).timeseries().p1.iloc[-1])
        costly = load(
            "thematic_alliance", 3_000, 120, **{"cooperation.alliance.coordination_cost": 3e6}
        )
        p1_ally.append(run(costly, seed).timeseries().p1.iloc[-1])
    assert np.mean(p1_ally) > np.mean(p1_comp)


@pytest.mark.parametrize("name", SCENARIOS[1:])
def test_ledger_balances_every_month_and_never_overspends(name):
    model = run(load(name, 2_000, 24))
    ledger = model.coalition.ledger
    scale = max(ledger.table.max(), 1.0)
    assert np.abs(ledger.imbalance()).max() <= 1e-9 * scale
    assert (ledger.table[..., ledger.index["closing"]] >= -1e-6).all()
    frame = model.ledger()
    raised = frame.filter(like="raised_").sum(axis=1).groupby(frame.institution).cumsum()
    spent = frame.filter(like="spent_").sum(axis=1).groupby(frame.institution).cumsum()
    assert (spent <= raised * (1 + 1e-9) + 1e-6).all()
    ts = model.timeseries()
    spent_cols = [c for c in ts.columns if c.startswith("spent_")]
    assert ts[spent_cols].to_numpy().sum() <= ts.funds_raised.sum() * (1 + 1e-9)


def test_fragile_coalition_breaks_up_and_fundraising_returns_to_competition():
    fragile = run(load("fragile_coalition", 3_000, 60)).timeseries()
    pooled = run(load("pooled_funding", 3_000, 60)).timeseries()
    comp = run(load("competition", 3_000, 60)).timeseries()
    assert fragile.coalition_members.iloc[1] > 0
    assert fragile.coalition_members.iloc[-1] < fragile.coalition_members.iloc[1]
    assert fragile.coalition_members.iloc[-1] == 0
    last = slice(-12, None)
    f, c, p = (t.spent_fundraising.iloc[last].sum() for t in (fragile, comp, pooled))
    assert abs(f - c) / c < 0.15
    assert p < 0.8 * c  # a pool that holds keeps its lower campaign cost


def test_knowledge_exchange_that_teaches_nothing_and_costs_nothing_changes_nothing():
    idle = load(
        "knowledge_exchange",
        3_000,
        36,
        **{
            "cooperation.knowledge.learning_rate": 0.0,
            "cooperation.knowledge.forum_cost": 0.0,
        },
    )
    off = load("knowledge_exchange", 3_000, 36, **{"cooperation.knowledge_enabled": False})
    assert same_households(run(idle), run(off))
    learning = run(load("knowledge_exchange", 3_000, 36))
    q = [i.quality for i in learning.coalition.institutions]
    assert max(q) - min(q) < 0.4 - 1e-9  # the roster's spread (0.8-1.2) narrowed


def donations(ts):
    return (ts.raised_donors + ts.raised_zakat).sum()


def no_fundraising(sc):
    for inst in sc.institutions:
        inst.fundraising_effort = 0.0
    return sc


def test_fundraising_is_pure_loss_in_a_fixed_pool_and_raises_more_when_elastic():
    fixed = {"donors.elasticity": 0.0}
    with_f = run(load("competition", 2_000, 24, **fixed)).timeseries()
    without = run(no_fundraising(load("competition", 2_000, 24, **fixed))).timeseries()
    assert donations(with_f) == pytest.approx(donations(without), rel=1e-9)
    assert with_f.spent_fundraising.sum() > 0 and without.spent_fundraising.sum() == 0
    elastic = {"donors.elasticity": 0.5}
    more = run(load("competition", 2_000, 24, **elastic)).timeseries()
    half = load("competition", 2_000, 24, **elastic)
    for inst in half.institutions:
        inst.fundraising_effort /= 2
    less = run(half).timeseries()
    assert donations(more) > donations(less) * 1.1


def test_value_for_money_is_a_paired_comparison():
    base = run(load("no_programs", 4_000, 36))
    comp = run(load("competition", 4_000, 36))
    vfm = sim.value_for_money(comp, base)
    for key in (
        "extra_persons_out",
        "p1_closed",
        "watts_closed",
        "spent",
        "persons_out_per_billion_rupiah",
    ):
        assert key in vfm
    assert vfm["spent"] > 0
    assert vfm["p1_closed"] > 0  # programmes close some of the poverty gap
    with pytest.raises(ValueError, match="same seed"):
        sim.value_for_money(comp, run(load("no_programs", 4_000, 36), seed=2))


def test_programmes_act_through_household_mechanisms():
    model = sim.PovertyModel(load("competition", 5_000, 6), rng=3)
    hh = model.households
    assets0, skill0 = hh.assets.copy(), hh.skill.copy()
    model.run()
    coalition = model.coalition
    rows = {i.spec.programme: i.row for i in coalition.institutions}
    grads = coalition.ever[rows["graduation"]]
    assert grads.any()
    assert np.median(hh.assets[grads] - assets0[grads]) > 3e6  # the asset transfer
    assert (hh.skill[grads] > skill0[grads]).all()
    insured = coalition.months_left[rows["health_insurance"]] > 0
    assert hh.insured[insured].all()


def test_a_second_enrolment_of_the_same_kind_does_less():
    from sim import programs

    sc = load("competition", 1_000, 1)
    model = sim.PovertyModel(sc, rng=1)
    hh = model.households
    active = np.ones(hh.n, dtype=bool)
    months = np.zeros(hh.n, dtype=np.int16)
    first, second = programs.Effects.none(hh.n), programs.Effects.none(hh.n)
    ones = np.ones(hh.n, dtype=np.float32)
    programs.apply_enrolment(
        sc, "cash_transfer", hh, active, months, ~active, 1.0, ones, first, False
    )
    programs.apply_enrolment(
        sc, "cash_transfer", hh, active, months, active, 1.0, ones, second, False
    )
    assert (second.cash < first.cash).all() and (second.cash > 0).all()


# ------------------------------------------------------------------------------------------------
# Institutions are Mesa agents; the month reaches them through the AgentSet; forms are objects
def test_institutions_are_the_models_mesa_agents_in_row_order():
    from sim.institutions.agent import Institution
    from sim.institutions.partners import Government, PrivatePartner

    model = sim.PovertyModel(load("full_synergy", 1_000, 3), rng=1)
    insts = model.coalition.institutions
    assert len(insts) >= 5
    assert all(inst in model.agents for inst in insts)
    assert list(model.agents_by_type[Institution]) == insts  # Mesa keeps insertion order
    assert [inst.row for inst in model.agents_by_type[Institution]] == list(range(len(insts)))
    assert len(model.agents_by_type[Government]) == len(model.agents_by_type[PrivatePartner]) == 1
    assert model.agents_by_type[Institution].agg("member", sum) >= 2  # a coalition formed
    assert not hasattr(model, "sector")


def test_the_month_calls_the_institutions_through_the_agentset(monkeypatch):
    from sim.institutions.agent import Institution

    model = sim.PovertyModel(load("full_synergy", 1_000, 3), rng=1)
    agentset = type(model.agents_by_type[Institution])
    calls = []
    for verb in ("do", "map"):
        original = getattr(agentset, verb)

        def spy(self, method, *args, _original=original, **kwargs):
            if self is model.agents_by_type.get(Institution):
                calls.append(method)
            return _original(self, method, *args, **kwargs)

        monkeypatch.setattr(agentset, verb, spy)
    model.step()
    assert calls[:5] == ["receive_budget", "reserve", "raise_funds", "enrol", "deliver"]
    assert "update_trust" in calls
    # an institution removed from the model is missed at once, not silently skipped
    model.coalition.institutions[0].remove()
    with pytest.raises(RuntimeError, match="institution agents"):
        model.step()


def test_each_form_of_cooperation_is_a_policy_object_chosen_by_the_scenario():
    from sim.institutions import forms

    switches = {
        "PooledFund": {"cooperation.funding": "pooled"},
        "Alliance": {"cooperation.alliance_enabled": True},
        "CaseManagement": {"cooperation.case_management": True},
        "SharedLists": {"cooperation.information": "coalition"},
        "BusinessPartnership": {"cooperation.partnership.business": True},
        "GovernmentPartnership": {"cooperation.partnership.government": True},
        "KnowledgeExchange": {"cooperation.knowledge_enabled": True},
        "Monitoring": {"cooperation.monitoring_enabled": True},
    }
    assert sim.PovertyModel(load("competition", 500, 1), rng=1).coalition.forms == []
    names = set()
    for cls_name, overrides in switches.items():
        model = sim.PovertyModel(load("competition", 500, 1, **overrides), rng=1)
        chosen = model.coalition.forms
        assert all(isinstance(f, forms.Form) for f in chosen)
        assert type(chosen[0]).__name__ == cls_name
        assert [type(f).__name__ for f in chosen[1:]] in ([], ["Coordination"])
        assert (type(chosen[-1]) is forms.Coordination) == type(chosen[0]).pays_coordination
        names.add(chosen[0].name)
    assert len(names) == len(switches)
    full = sim.PovertyModel(load("full_synergy", 500, 1), rng=1).coalition.forms
    assert {type(f).__name__ for f in full} == set(switches) | {"Coordination"}

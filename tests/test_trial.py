"""In-silico randomised trials (sim.analysis.trial) and the validation rows of docs/VALIDATION.md.

Each validation row runs at a reduced size; the tolerance comes from the published confidence
interval (widened a little for the smaller simulated sample), never from tuning the model.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.analysis import trial

COLUMNS = {"month", "outcome", "control_mean", "treated_mean", "effect", "effect_pct"}


def _row(df, outcome, month):
    return df[(df.outcome == outcome) & (df.month == month)].iloc[0]


def test_columns_baseline_and_common_random_numbers():
    df = sim.run_trial("cash_transfer", households=3_000, months=3, reps=2, seed=0, eligible="poor")
    assert COLUMNS | {"ci_low", "ci_high"} <= set(df.columns)
    assert set(df.month) == {0, 1, 2, 3}
    assert {"consumption_pc", "income", "assets", "enrolment_rate", "p0"} <= set(df.outcome)
    assert {"consumption_pc_spillover", "p0_spillover"} <= set(df.outcome)
    # month 0 is baseline: spillover rows compare the same households, so exactly zero
    assert _row(df, "consumption_pc_spillover", 0).effect == 0
    # the trial pays money: income of the treated rises in month 1
    r = _row(df, "income", 1)
    assert r.effect > 0 and r.ci_low <= r.effect <= r.ci_high
    np.testing.assert_allclose(r.effect_pct, 100 * r.effect / r.control_mean)
    # same seed, same answer
    again = sim.run_trial(
        "cash_transfer", households=3_000, months=3, reps=2, seed=0, eligible="poor"
    )
    np.testing.assert_array_equal(df.effect.to_numpy(), again.effect.to_numpy())


def test_one_replication_gives_nan_ci():
    df = sim.run_trial("cash_transfer", households=2_000, months=1, reps=1, eligible="poor")
    assert np.isnan(df.ci_low).all() and np.isnan(df.ci_high).all()


@pytest.mark.parametrize("program", trial.PROGRAMMES)
def test_every_programme_runs(program):
    df = sim.run_trial(program, households=2_000, months=2, reps=1, eligible="poor")
    assert np.isfinite(df.treated_mean).all()


def test_eligibility_rules_and_cluster_randomisation():
    sc = sim.load_scenario("no_programs", {"population.households": 3_000, "months": 1})
    m = sim.PovertyModel(sc, rng=1)
    ext = trial.eligibility_mask(m, "extreme_poor")
    poor = trial.eligibility_mask(m, "poor")
    assert ext.sum() < poor.sum() and not (ext & ~poor).any()
    assert trial.eligibility_mask(m, "all").all()
    ceiling = trial.eligibility_mask(m, 1e12)
    assert ceiling.all()
    t = trial.assign(m, poor, 0.5, "subdistrict")
    subs_t = set(m.households.subdistrict[t])
    subs_c = set(m.households.subdistrict[poor & ~t])
    assert subs_t and subs_c and not subs_t & subs_c  # whole sub-districts are treated
    h = trial.assign(m, poor, 0.5, "household")
    assert abs(h.sum() - 0.5 * poor.sum()) <= 1
    with pytest.raises(ValueError):
        trial.eligibility_mask(m, "rich")
    with pytest.raises(ValueError):
        sim.run_trial("magic", households=1_000, months=1, reps=1)


def test_designs_load():
    hs = trial.load_design("haushofer_shapiro_2016")
    assert hs.programme == "cash_transfer" and hs.transfer_relative == 4.5
    assert hs.schedule == "arms" and hs.duration_months == 9
    ca = trial.load_design("cahyadi_2020")
    assert ca.programme == "pkh" and ca.randomise == "subdistrict"
    for arm in ("lump_sum", "monthly"):
        d = trial.load_design(f"haushofer_shapiro_2016_{arm}")
        assert d.schedule == arm and d.transfer_relative == hs.transfer_relative
        assert d.published["ci_pct"] == [12.7, 32.6]
    bd = trial.load_design("banerjee_2015")
    assert bd.programme == "graduation" and bd.randomise == "household"
    assert [r["month"] for r in bd.published["results"]] == [24, 36]
    with pytest.raises(ValueError):
        trial.load_design("no_such_study")


def test_haushofer_shapiro_2016():
    """Published: +22% monthly household consumption ~9 months after the first transfer, 95% CI
    about +12% to +32% (USD 35 PPP, s.e. ~8, on USD 158). Accepted: the published CI, at
    10,000 households, 3 reps, seed 1 (the full-size row in docs/VALIDATION.md)."""
    df = sim.run_trial(
        "cash_transfer",
        design="haushofer_shapiro_2016",
        households=10_000,
        months=9,
        reps=3,
        seed=1,
    )
    r = _row(df, "consumption_pc", 9)
    assert 0.12 <= r.effect / r.control_mean <= 0.32
    # the transfer is spent quickly (buffer stock): month 1 far above month 9
    assert _row(df, "consumption_pc", 1).effect > 2 * r.effect


def test_cahyadi_2020_six_years():
    """Published: the share of children 7-15 not enrolled halved after six years (the schooling
    condition's effect is calibrated to that: ``schooling.condition_effect``, checked in
    tests/test_dynamics.py); no transformative change in consumption, read here as an effect
    on consumption per capita under 10% of the control mean, without a CI escape. The full
    72 months at 10,000 households, 3 reps (the 20,000-household row in VALIDATION.md)."""
    df = sim.run_trial("pkh", design="cahyadi_2020", households=10_000, months=72, reps=3, seed=0)
    r = _row(df, "enrolment_rate", 72)
    not_enrolled_c, not_enrolled_t = 1 - r.control_mean, 1 - r.treated_mean
    assert not_enrolled_t < not_enrolled_c
    c = _row(df, "consumption_pc", 72)
    assert abs(c.effect / c.control_mean) < 0.1  # no transformative change


def test_spillover_calibration_small_injection():
    """Egger et al. 2022 (calibrated, not validated): ~1.5 rupiah of non-recipient earnings per
    rupiah injected over 18 months, calibrated at 15% of local GDP (1.51); a small injection
    gives less (1.39 at 2%, docs/VALIDATION.md): non-recipients' purchases of assets, a second
    round, grow with the injection."""
    res = trial.spillover_calibration(households=4_000, months=24, reps=1, injection_share=0.02)
    assert 1.35 <= res["ratio"] <= 1.55


def test_a_trial_builds_its_institutions_as_a_run_and_leaves_no_stale_agents():
    sc = sim.load_scenario("competition", {"population.households": 1_000, "months": 3})
    design = trial.TrialDesign()
    model, programme, eligible = trial.set_up(
        sc, "cash_transfer", design, 5, 3, "poor", 0.5, "household"
    )
    coalition = model.coalition
    used = {*coalition.institutions, coalition.government, coalition.business}
    assert len(coalition.institutions) == len(sc.institutions) > 0
    assert set(model.agents) == used  # every agent is one the model uses
    assert coalition.programmes == [programme]
    assert (programme.treated <= eligible).all() and programme.treated.any()
    model.step()  # the month reaches the institutions and the trial
    assert programme.trial_month == 1 and programme.last_paid.sum() > 0


def _in_band(df, design, month, ci_pct):
    r = _row(df, design.published["outcome"], month)
    lo, hi = ci_pct
    assert lo <= r.effect_pct <= hi, (
        f"{design.name} month {month}: {r.effect_pct:+.1f}% vs {ci_pct}"
    )


def test_contract_designs_run_for_sim_run_trial():
    """The issue's contract: the three designs run at 2,000 households, 12 months, one rep."""
    for program, design in (
        ("graduation", "banerjee_2015"),
        ("cash_transfer", "haushofer_shapiro_2016_lump_sum"),
        ("cash_transfer", "haushofer_shapiro_2016_monthly"),
    ):
        df = sim.run_trial(program, design=design, households=2000, months=12, reps=1, seed=1)
        assert df.attrs["design"] == design and np.isfinite(df.effect).all()


@pytest.mark.xfail(
    strict=True,
    reason="known miss (docs/VALIDATION.md, issue 16 note): the model gives +13% at 24 and 36 "
    "months, 2.5x Banerjee et al.'s; the course's skill unit raises earnings 10% for good "
    "(without training +4.8%/+4.7%, inside both bands). The model needs skills that depreciate "
    "or a sourced, smaller return to a graduation course; not tuned here",
)
def test_banerjee_2015_graduation_in_published_bands():
    """Published (Table 3, pooled ITT): consumption per capita +5.8% [2.8, 8.7] at endline 1
    (24 months) and +4.9% [1.9, 7.9] at endline 2 (36 months). Accepted: those CIs, at 10,000
    households, 3 reps, seed 1. The treated keep the asset only as any household does: some
    lose part of it."""
    design = trial.load_design("banerjee_2015")
    df = sim.run_trial("graduation", design=design, households=10_000, months=36, reps=3, seed=1)
    for res in design.published["results"]:
        _in_band(df, design, res["month"], res["ci_pct"])


@pytest.mark.xfail(
    strict=True,
    reason="known miss (docs/VALIDATION.md, issue 16 note): lump sum +0.6%, monthly +42% at "
    "month 9 against +22.6% [12.7, 32.6] for each; the buffer-stock rule spends a windfall "
    "within ~3 months and assets bought return ~1.5% a month to consumption, while the monthly "
    "arm is still being paid at month 9. The model needs slower spending of windfalls "
    "(durables, debt repayment) and the study's timing of the lump sum",
)
@pytest.mark.parametrize("arm", ["lump_sum", "monthly"])
def test_haushofer_shapiro_2016_arm_in_published_band(arm):
    """Published (Table II): +22.6% [12.7, 32.6] household consumption ~9 months after the first
    transfer, the arms not significantly different. Accepted: that CI for each arm, at 10,000
    households, 3 reps, seed 1."""
    design = trial.load_design(f"haushofer_shapiro_2016_{arm}")
    df = sim.run_trial("cash_transfer", design=design, households=10_000, months=9, reps=3, seed=1)
    _in_band(df, design, design.published["month"], design.published["ci_pct"])


def test_lump_sum_recipients_hold_more_assets_than_monthly():
    """Haushofer & Shapiro: lump-sum recipients spent more on durables and assets than monthly
    ones; here through purchases out of cash (``assets.cash_invest_share``)."""
    effects = {}
    for arm in ("lump_sum", "monthly"):
        df = sim.run_trial(
            "cash_transfer",
            design=f"haushofer_shapiro_2016_{arm}",
            households=10_000,
            months=9,
            reps=2,
            seed=1,
        )
        effects[arm] = _row(df, "assets", 9).effect
    assert effects["lump_sum"] > effects["monthly"] and effects["lump_sum"] > 0

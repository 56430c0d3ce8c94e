"""Uncertainty ranges, SALib sensitivity, the cooperation map and the EMA Workbench adapter.

Everything runs at a tiny size (a few hundred households, a few months): these tests check the
machinery, not the science.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import sensitivity as cli
from sim.analysis import ema
from sim.analysis import sensitivity as S
from sim.analysis import sensitivity_outputs as outputs
from sim.scenario import Scenario, uncertain_parameters

TINY = {"households": 400, "months": 4}
FEW = ["assets.trap_strength", "donors.elasticity", "institutions.quality_spread"]


def test_schema_ranges_cover_the_issue_list_and_contain_defaults():
    up = uncertain_parameters()
    for path in (
        "assets.trap_strength",
        "programmes.complementarity",
        "donors.elasticity",
        "cooperation.alliance.coordination_cost",
        "cooperation.trust.threshold",
        "cooperation.trust.speed",
        "cooperation.pool.awareness_effect",
        "programmes.duplicate_effect",
        "income.return_to_skill",
        "shocks.covariate_loss",
    ):
        assert path in up, path
    for path, info in up.items():
        lo, hi = info["range"]
        assert lo <= info["default"] <= hi, path
        assert "uncertainty range" in info["source"]
    assert up["assets.trap_strength"]["range"] == (0.0, 1.0)
    assert up["programmes.complementarity"]["range"][0] == 0.0
    assert up["donors.elasticity"]["range"][0] == 0.0
    # defaults unchanged by declaring ranges
    sc = Scenario()
    assert sc.assets.trap_strength == 1.0 and sc.donors.elasticity == 0.3
    assert set(S.INSTITUTION_FACTORS) <= set(S.factors())


def test_build_scenario_applies_roster_factors():
    sc = S.build_scenario(
        "competition",
        {"institutions.quality_spread": 0.0, "institutions.targeting_noise_scale": 1.5},
        **TINY,
    )
    q = {i.practice_quality for i in sc.institutions}
    assert len(q) == 1
    base = S.build_scenario("competition", {}, **TINY)
    np.testing.assert_allclose(
        [i.targeting_noise for i in sc.institutions],
        [1.5 * i.targeting_noise for i in base.institutions],
    )
    with pytest.raises(ValueError):
        S.build_scenario("competition", {"nonsense.factor": 1.0}, **TINY)


def test_morris_ranked_table_and_command(tmp_path):
    df = S.morris(trajectories=2, names=FEW, seed=0, **TINY)
    assert set(df.outcome) == set(S.OUTCOMES)
    assert {"parameter", "mu_star", "mu_star_conf", "sigma", "rank"} <= set(df.columns)
    for _, d in df.groupby("outcome"):
        assert list(d["rank"]) == list(range(1, len(FEW) + 1))
        assert (np.diff(d["mu_star"].to_numpy()) <= 1e-15).all()
    code = cli.main(
        ["morris", "--households", "400", "--months", "3", "--trajectories", "2",
         "--params", ",".join(FEW[:2]), "--out", str(tmp_path)]
    )  # fmt: skip
    assert code == 0
    for name in ("morris.csv", "morris.md", "morris.png", "morris_points.csv"):
        assert (tmp_path / name).stat().st_size > 0
    points = pd.read_csv(tmp_path / "morris_points.csv")
    assert list(points.columns) == FEW[:2] + list(S.OUTCOMES)
    rob = S.robustness(points)
    assert ((rob.share_negative >= 0) & (rob.share_negative <= 1)).all()
    assert rob.points.eq(len(points)).all()
    assert len(pd.read_csv(tmp_path / "morris.csv")) == 2 * len(S.OUTCOMES)


def test_sobol_indices_with_confidence_intervals():
    df = S.sobol(samples=4, names=FEW[:2], seed=0, **TINY)
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(df.columns)
    assert len(df) == 2 * len(S.OUTCOMES)


def test_parallel_matrix_equals_serial_row_for_row():
    prob = S.problem(FEW[:2])
    X = np.array([[lo + (hi - lo) * f for lo, hi in prob["bounds"]] for f in (0.1, 0.5, 0.9)])
    serial = S._run_matrix(prob["names"], X, 7, TINY["households"], TINY["months"])
    parallel = S._run_matrix(prob["names"], X, 7, TINY["households"], TINY["months"], workers=2)
    for k in S.OUTCOMES:
        np.testing.assert_array_equal(serial[k], parallel[k])
    assert len({round(v, 15) for v in serial["p1_final"]}) > 1  # the rows really differ


def test_synergy_outcome_carries_the_alliance_and_knowledge_parameters():
    k = "cooperation.knowledge.learning_rate"
    lo, hi = S.factors([k])[k]["range"]
    a = S.evaluate({k: lo}, 3, households=400, months=24)
    b = S.evaluate({k: hi}, 3, households=400, months=24)
    assert a["synergy_minus_competition_p1"] != b["synergy_minus_competition_p1"]
    assert a["pooled_minus_competition_p1"] == b["pooled_minus_competition_p1"]


def test_cooperation_map_and_figure(tmp_path):
    df = S.cooperation_map(
        grid=2, seeds=2, scenarios=("competition", "pooled_funding"), seed=0, **TINY
    )
    assert len(df) == 4
    assert set(df.winner) <= {"competition", "pooled_funding", S.UNDECIDED}
    assert ((df.agreement >= 0.5) & (df.agreement <= 1)).all()
    assert (df.agreement[df.winner == S.UNDECIDED] == 0.5).all()  # two seeds split one-one
    paths = outputs.write_map(df, tmp_path)
    assert all(p.stat().st_size > 0 for p in paths)
    tied = df.assign(winner=S.UNDECIDED, agreement=0.5)  # an all-grey map draws too
    tied.attrs.update(df.attrs)
    assert all(p.stat().st_size > 0 for p in outputs.write_map(tied, tmp_path / "tied"))


def test_map_names_no_winner_when_seeds_tie():
    assert S.majority(["a", "b", "a"]) == ("a", 2 / 3)
    assert S.majority(["c", "c", "c"]) == ("c", 1.0)
    # three seeds, three forms: no form is named (was: the alphabetically first)
    assert S.majority(["competition", "pooled_funding", "thematic_alliance"]) == (
        S.UNDECIDED,
        1 / 3,
    )
    assert S.majority(["b", "a", "b", "a"]) == (S.UNDECIDED, 0.5)


def test_ema_workbench_adapter_runs_perform_experiments():
    from ema_workbench import SequentialEvaluator, perform_experiments

    model = ema.ema_model(names=FEW, levers=("competition", "pooled_funding"), **TINY)
    assert {u.name for u in model.uncertainties} == {n.replace(".", "__") for n in FEW}
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(
            model, scenarios=4, policies=1, evaluator=evaluator
        )
    assert len(experiments) == 4
    assert np.isfinite(outcomes["p1_final"]).all()
    assert outcomes["p1"].shape == (4, TINY["months"] + 1)


@pytest.mark.parametrize(
    "args",
    [
        ["morris", "--params", "nonsense.factor"],
        ["sobol", "--samples", "3"],
        ["map", "--households", "0"],
        ["map", "--scenarios", "competition,no_such_scenario", "--grid", "2", "--seeds", "1"],
    ],
)
def test_command_rejects_bad_input_with_one_message(args, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([*args, "--out", str(tmp_path / "out")])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("python -m sim.sensitivity: error:")
    assert not (tmp_path / "out").exists()

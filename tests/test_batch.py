"""The batch runner: determinism across executors, resume, the results folder, the command line."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import batch
from sim.batch import run as batch_run
from sim.batch.identity import sinergi_version
from sim.scenario import ScenarioError, available_scenarios

ROOT = Path(__file__).resolve().parent.parent
TINY = {"households": 1_000, "months": 6}


def _load_cli():
    spec = importlib.util.spec_from_file_location("run_scenarios_cli", ROOT / "run_scenarios.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLI = _load_cli()


def run_cli(*args, cwd=ROOT, timeout=300):
    return subprocess.run(
        [sys.executable, str(ROOT / "run_scenarios.py"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def faster_growth(tmp_path_factory) -> Path:
    """A second scenario that differs from no_programs (faster real growth: less poverty)."""
    path = tmp_path_factory.mktemp("scenarios") / "faster_growth.toml"
    path.write_text(
        'extends = "no_programs"\ndescription = "test: faster growth"\n'
        "[income]\ngrowth_annual = 0.30\n"
    )
    return path


@pytest.fixture(scope="module")
def serial(tmp_path_factory, faster_growth) -> Path:
    """A finished 2 scenarios x 2 replicates batch, run in this process."""
    out = tmp_path_factory.mktemp("serial") / "out"
    return batch.run_batch(
        ["no_programs", str(faster_growth)], reps=2, **TINY, workers=1, out=out, progress=False
    )


def run_files(folder: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted((folder / "runs").glob("*.parquet"))}


def assert_same_runs(a: Path, b: Path) -> None:
    fa, fb = run_files(a), run_files(b)
    assert list(fa) == list(fb) and fa
    for name in fa:
        assert pd.read_parquet(fa[name]).equals(pd.read_parquet(fb[name])), name
    assert (a / "summary.csv").read_bytes() == (b / "summary.csv").read_bytes()


# --------------------------------------------------------------------------------------------
# Seeds, ids, parsing
# --------------------------------------------------------------------------------------------


def test_replicate_seeds_are_spawned_and_stable_when_reps_grow():
    s3, s5 = batch.replicate_seeds(7, 3), batch.replicate_seeds(7, 5)
    assert s5[:3] == s3 and len(set(s5)) == 5
    assert s3 != [7, 8, 9] and all(0 <= s < 2**63 for s in s5)
    child = np.random.SeedSequence(7).spawn(2)[1]
    assert s3[1] == int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))
    assert batch.replicate_seeds(8, 3) != s3


def test_run_id_hashes_content_replicate_seed_and_version():
    base = batch.run_id("a" * 16, 0, 1, "0.1.0")
    assert len(base) == 16 and base == batch.run_id("a" * 16, 0, 1, "0.1.0")
    others = {
        batch.run_id("b" * 16, 0, 1, "0.1.0"),
        batch.run_id("a" * 16, 1, 1, "0.1.0"),
        batch.run_id("a" * 16, 0, 2, "0.1.0"),
        batch.run_id("a" * 16, 0, 1, "0.2.0"),
    }
    assert base not in others and len(others) == 4


def test_values_parse_as_toml_literals_with_string_fallback():
    assert batch.parse_assignment("government.bpnt.benefit=400000.0") == (
        "government.bpnt.benefit",
        400000.0,
    )
    assert batch.parse_assignment("a.b=true") == ("a.b", True)
    assert batch.parse_assignment("a=by_need") == ("a", "by_need")
    assert batch.parse_sweep("a.b=1,2.5,[1, 2],'x,y'") == ("a.b", [1, 2.5, [1, 2], "x,y"])
    for bad in ("nokey", "=1", "a..b=1", "a b=1"):
        with pytest.raises(batch.BatchInputError, match="--set"):
            batch.parse_assignment(bad)
    for bad in ("a", "a=", "a=1,,2", "a=1,1"):
        with pytest.raises(batch.BatchInputError, match="--sweep"):
            batch.parse_sweep(bad)


# --------------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------------


def test_plan_pairs_replicates_across_scenarios_and_sweep_points(faster_growth):
    plan = batch.plan_batch(
        ["no_programs", str(faster_growth)],
        reps=3,
        **TINY,
        seed=11,
        sweep={"assets.trap_strength": [0.5, 1.0]},
    )
    assert [p.label for p in plan.points] == [
        "no_programs (assets.trap_strength=0.5)",
        "no_programs (assets.trap_strength=1.0)",
        "faster_growth (assets.trap_strength=0.5)",
        "faster_growth (assets.trap_strength=1.0)",
    ]
    seeds = batch.replicate_seeds(11, 3)
    assert all(r.seed == seeds[r.replicate] for r in plan.runs)
    assert len(set(plan.unique_run_ids)) == 12
    assert plan.points[0].config.assets.trap_strength == 0.5
    assert plan.points[0].config.population.households == 1_000
    assert plan.reference == "no_programs" and "competition is not in this batch" in (
        plan.reference_note
    )


def test_quick_sizes_and_explicit_flags_win():
    plan = batch.plan_batch(["no_programs"], quick=True)
    p = plan.points[0].config
    assert (p.population.households, p.months, plan.reps) == (2_000, 24, 3)
    plan = batch.plan_batch(["no_programs"], quick=True, months=5, reps=2)
    assert (plan.points[0].config.months, plan.reps) == (5, 2)
    assert plan.points[0].config.population.households == 2_000
    default = batch.plan_batch(["no_programs"])
    assert default.reps == batch.DEFAULT_REPS and default.root_seed == batch.DEFAULT_SEED


def test_plan_rejects_bad_input_with_the_flag_named(faster_growth):
    cases = [
        ({"reps": -3}, "--reps"),
        ({"households": 0}, "--households"),
        ({"households": 5}, "--households"),
        ({"seed": -1}, "--seed"),
        ({"reference": "nope"}, "--reference nope"),
        ({"set": {"government.bpnt.benfit": 1}}, "--set government.bpnt.benfit"),
        ({"set": {"months": 3}, "months": 4}, "contradicts --months"),
        ({"sweep": {"months": []}}, "--sweep months"),
        ({"sweep": {"government.bpnt.benefit": [1.0, -1.0]}}, "--sweep government.bpnt.benefit"),
    ]
    for kwargs, expected in cases:
        with pytest.raises(batch.BatchInputError, match=expected.replace(".", r"\.")):
            batch.plan_batch(["no_programs", str(faster_growth)], **kwargs)
    with pytest.raises(ScenarioError, match="unknown scenario"):
        batch.plan_batch(["no_such_scenario"])


def test_default_folder_name_follows_the_arguments():
    plan = batch.plan_batch(None, quick=True)
    assert plan.default_out() == Path("results/all_quick")
    plan = batch.plan_batch(
        ["no_programs"], reps=2, months=6, seed=5, set={"government.bpnt.benefit": 3e5}
    )
    name = plan.default_out().name
    assert name.startswith("no_programs_m6_seed5_set-government.bpnt.benefit=")
    assert (
        "/" not in name
        and batch.plan_batch(["no_programs"], reps=9, months=6, seed=5).default_out().name
        == "no_programs_m6_seed5"
    )


# --------------------------------------------------------------------------------------------
# Running: determinism, resume, the results folder
# --------------------------------------------------------------------------------------------


def test_two_local_processes_give_bit_identical_runs(serial, faster_growth, tmp_path):
    out = batch.run_batch(
        ["no_programs", str(faster_growth)], reps=2, **TINY, workers=2, out=tmp_path, progress=False
    )
    assert_same_runs(serial, out)
    for name, path in run_files(serial).items():  # same library versions: same bytes
        assert path.read_bytes() == (out / "runs" / name).read_bytes()


def test_dask_local_cluster_gives_bit_identical_runs(serial, faster_growth, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        out = batch.run_batch(
            ["no_programs", str(faster_growth)],
            reps=2,
            **TINY,
            scheduler=cluster.scheduler_address,
            out=tmp_path,
            progress=False,
        )
    assert_same_runs(serial, out)
    assert json.loads((out / "manifest.json").read_text())["executor"]["kind"] == "dask"


def test_results_folder_has_every_promised_file(serial):
    for name in ("manifest.json", "runs.parquet", "summary.csv", "report.md"):
        assert (serial / name).is_file(), name
    assert (serial / "figures" / "headcount.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(run_files(serial)) == 4
    assert not list(serial.rglob("*.tmp"))
    prov = batch.read_provenance(next(iter(run_files(serial).values())))
    assert prov["format"] == batch.RESULTS_FORMAT and prov["root_seed"] == batch.DEFAULT_SEED
    manifest = json.loads((serial / "manifest.json").read_text())
    for key in ("command", "root_seed", "versions", "platform", "git", "scenarios", "started"):
        assert key in manifest, key
    assert set(manifest["versions"]) >= {"sinergi", "mesa", "numpy", "scipy", "pandas", "python"}
    assert manifest["status"] == "complete" and manifest["finished"] >= manifest["started"]
    assert manifest["reference"] == "no_programs" and manifest["reference_note"]
    hashes = {s["scenario"]: s["content_hash"] for s in manifest["scenarios"]}
    assert set(hashes) == {"no_programs", "faster_growth"} and len(set(hashes.values())) == 2
    for h in hashes.values():
        assert json.loads((serial / "scenarios" / f"{h}.json").read_text())["months"] == 6
    report = (serial / "report.md").read_text()
    for text in ("figures/headcount.png", "How to cite", "Holm", str(batch.DEFAULT_SEED)):
        assert text in report


def test_runs_index_and_load_results(serial):
    res = batch.load_results(serial)
    runs = res.runs
    assert list(runs.columns[:3]) == ["run_id", "scenario", "content_hash"]
    assert (runs["status"] == "done").all() and len(runs) == 4
    seeds = runs.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds["no_programs"] == seeds["faster_growth"]).all()  # common random numbers
    ts = res.timeseries
    assert list(ts.columns[:4]) == ["run_id", "scenario", "replicate", "month"]
    assert len(ts) == 4 * 7 and set(ts["month"]) == set(range(7))
    one = res.read_run(runs["run_id"].iloc[0])
    assert one.equals(ts[ts["run_id"] == runs["run_id"].iloc[0]].iloc[:, 3:].reset_index(drop=True))
    assert list(res.load_timeseries(["p0"]).columns) == [
        "run_id",
        "scenario",
        "replicate",
        "month",
        "p0",
    ]


def test_summary_pairs_against_the_reference_and_values_money(serial):
    s = batch.load_results(serial).summary
    assert set(s["statistic"]) == {"final", "run_mean", "value_for_money"}
    final = s[(s["statistic"] == "final") & (s["metric"] == "p1")].set_index("scenario")
    assert final.loc["faster_growth", "reference"] == "no_programs"
    assert final.loc["faster_growth", "diff_n"] == 2 and final.loc["no_programs", "reference"] == ""
    assert final.loc["faster_growth", "diff_mean"] < 0  # faster growth closes poverty gaps
    diff = final.loc["faster_growth", "mean"] - final.loc["no_programs", "mean"]
    assert final.loc["faster_growth", "diff_mean"] == pytest.approx(diff)
    compared = s.dropna(subset=["p_value"])
    assert len(compared) > 10 and (compared["p_holm"] >= compared["p_value"]).all()
    vfm = s[s["statistic"] == "value_for_money"].set_index("metric")
    assert (vfm["scenario"] == "faster_growth").all() and (vfm["reference"] == "no_programs").all()
    assert vfm.loc["p1_closed", "mean"] == pytest.approx(-final.loc["faster_growth", "diff_mean"])
    metrics = set(s.loc[s["statistic"] == "final", "metric"])
    assert {"p0", "p1", "watts", "gini", "persons_poor"} <= metrics and "month" not in metrics


def test_rerun_reuses_every_run_without_rewriting(serial, faster_growth, capsys):
    before = {n: p.stat().st_mtime_ns for n, p in run_files(serial).items()}
    batch.run_batch(
        ["no_programs", str(faster_growth)], reps=2, **TINY, workers=1, out=serial, progress=True
    )
    assert "reused 4 of 4 runs" in capsys.readouterr().out
    assert {n: p.stat().st_mtime_ns for n, p in run_files(serial).items()} == before


def test_another_command_adds_runs_or_is_refused(faster_growth, tmp_path, capsys):
    batch.run_batch(["no_programs"], reps=2, **TINY, workers=1, out=tmp_path, progress=False)
    batch.run_batch(
        ["no_programs", str(faster_growth)], reps=3, **TINY, workers=1, out=tmp_path, progress=True
    )
    assert "reused 2 of 6 runs" in capsys.readouterr().out
    assert len(batch.load_results(tmp_path).runs) == 6
    with pytest.raises(batch.BatchInputError, match="root seed"):
        batch.run_batch(["no_programs"], reps=2, **TINY, seed=99, out=tmp_path, progress=False)
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine")
    with pytest.raises(batch.BatchInputError, match="no Sinergi manifest"):
        batch.run_batch(["no_programs"], reps=1, **TINY, out=stranger, progress=False)


def test_sweep_batch_stores_sweep_columns(tmp_path):
    out = batch.run_batch(
        ["no_programs"],
        reps=2,
        **TINY,
        sweep={"income.growth_annual": [0.0, 0.05]},
        workers=1,
        out=tmp_path,
        progress=False,
    )
    res = batch.load_results(out)
    assert list(res.runs["income.growth_annual"]) == [0.0, 0.0, 0.05, 0.05]
    assert "income.growth_annual" in res.summary.columns
    assert set(res.timeseries["income.growth_annual"]) == {0.0, 0.05}


def test_resume_after_sigkill_mid_batch(faster_growth, tmp_path):
    args = ["no_programs", str(faster_growth), "--reps", "8", "--households", "3000"]
    args += ["--months", "24", "--workers", "1", "--no-progress"]
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "run_scenarios.py"), *args, "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 120
    while not list((out / "runs").glob("*.parquet")) and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = len(run_files(out))
    assert 1 <= written < 16, written
    r = run_cli(*args, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert f"reused {written} of 16 runs" in r.stdout
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    clean = batch.run_batch(
        ["no_programs", str(faster_growth)],
        reps=8,
        households=3000,
        months=24,
        workers=1,
        out=tmp_path / "clean",
        progress=False,
    )
    assert_same_runs(out, clean)


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, named",
    [
        (["--reps", "-3"], "--reps"),
        (["--households", "0"], "--households"),
        (["--households", "5"], "--households"),
        (["--months", "x"], "--months"),
        (["--workers", "0"], "--workers"),
        (["no_such_scenario"], "no_such_scenario"),
        (["--set", "government.bpnt.benfit=1"], "allowed here"),
        (["--set", "months"], "--set"),
        (["--sweep", "months=1,,2"], "--sweep"),
        (["--sweep", "months"], "--sweep"),
        (["--reference", "competition_x"], "--reference"),
        (["--bogus"], "--bogus"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, named, capsys, tmp_path):
    try:
        rc = CLI.main(["no_programs", *args, "--out", str(tmp_path / "o")])
    except SystemExit as exc:  # argparse errors
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == 2, err
    assert len(err.strip().splitlines()) == 1 and named in err, err
    assert not (tmp_path / "o").exists()


def test_bad_input_in_a_subprocess_prints_no_traceback(tmp_path):
    for args in (["--reps", "-3"], ["--set", "government.bpnt.benefit=-1"]):
        r = run_cli("no_programs", *args, "--out", str(tmp_path / "o"))
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_conflicting_folder_exits_2(serial, faster_growth, capsys):
    rc = CLI.main(["no_programs", "--reps", "1", "--seed", "4", "--out", str(serial)])
    err = capsys.readouterr().err
    assert rc == 2 and "root seed" in err and len(err.strip().splitlines()) == 1


def test_show_prints_each_resolved_scenario(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc = CLI.main(
        [
            "no_programs",
            "--months",
            "7",
            "--set",
            "government.bpnt.benefit=250000",
            "--sweep",
            "income.growth_annual=0.0,0.02",
            "--show",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert out.count("# scenario no_programs") == 2
    assert "benefit = 250000" in out and "months = 7" in out and "growth_annual = 0.02" in out
    assert not (tmp_path / "results").exists()


def test_default_command_at_quick_size_produces_every_file(tmp_path):
    r = run_cli("--quick", "--no-progress", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "results" / "all_quick"
    assert f"results folder: {Path('results') / 'all_quick'}" in r.stdout
    assert f"report: {Path('results') / 'all_quick' / 'report.md'}" in r.stdout
    names = available_scenarios()
    assert len(run_files(out)) == 3 * len(names)
    for name in ("manifest.json", "runs.parquet", "summary.csv", "report.md"):
        assert (out / name).is_file(), name
    assert (out / "figures" / "headcount.png").is_file()
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["scenario"]) == set(names)
    manifest = json.loads((out / "manifest.json").read_text())
    expected_ref = batch.DEFAULT_REFERENCE if batch.DEFAULT_REFERENCE in names else names[0]
    assert manifest["reference"] == expected_ref
    assert "p0" in r.stdout and "Traceback" not in r.stderr
    assert os.path.getsize(out / "report.md") > 0


def test_a_failed_run_stops_the_batch_keeps_finished_runs_and_resumes(tmp_path, monkeypatch):
    real = batch_run.PovertyModel
    seeds = batch.replicate_seeds(batch.DEFAULT_SEED, 3)

    def flaky(scenario, rng):
        if rng == seeds[2]:
            raise FloatingPointError("boom")
        return real(scenario, rng=rng)

    monkeypatch.setattr(batch_run, "PovertyModel", flaky)
    with pytest.raises(batch.BatchError, match="boom.*2 of 3 runs are stored.*resume"):
        batch.run_batch(["no_programs"], reps=3, **TINY, workers=1, out=tmp_path, progress=False)
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert list(runs["status"]) == ["done", "done", "failed"]
    assert "boom" in runs["error"].iloc[2]
    assert json.loads((tmp_path / "manifest.json").read_text())["status"] == "failed"
    monkeypatch.setattr(batch_run, "PovertyModel", real)
    batch.run_batch(["no_programs"], reps=3, **TINY, workers=1, out=tmp_path, progress=False)
    res = batch.load_results(tmp_path)
    assert (res.runs["status"] == "done").all() and res.manifest["runs"]["reused"] == 2


def test_two_batches_cannot_write_into_one_folder(tmp_path):
    fcntl = pytest.importorskip("fcntl")
    tmp_path.mkdir(exist_ok=True)
    with open(tmp_path / ".lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(batch.BatchError, match="another batch is writing"):
            batch.run_batch(
                ["no_programs"], reps=1, **TINY, workers=1, out=tmp_path, progress=False
            )


def test_public_api():
    import sim

    assert sim.run_batch is batch.run_batch and sim.load_results is batch.load_results


# --------------------------------------------------------------------------------------------
# --uncertain: parameters drawn per replicate
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def uncertain(tmp_path_factory, faster_growth) -> Path:
    """2 scenarios x 2 replicates with parameters drawn per replicate; trap strength fixed."""
    out = tmp_path_factory.mktemp("uncertain") / "out"
    return batch.run_batch(
        ["no_programs", str(faster_growth)],
        reps=2,
        **TINY,
        set={"assets.trap_strength": 0.5},
        workers=1,
        out=out,
        progress=False,
        uncertain=True,
    )


def test_uncertain_draws_are_paired_within_ranges_and_skip_fixed_fields(uncertain):
    from sim.scenario import uncertain_parameters

    res = batch.load_results(uncertain)
    ranges = uncertain_parameters()
    draw_cols = sorted(c for c in res.runs.columns if c.startswith("draw."))
    assert draw_cols == sorted(f"draw.{k}" for k in ranges if k != "assets.trap_strength")
    runs = res.runs.sort_values(["replicate", "scenario"])
    for _, g in runs.groupby("replicate"):  # the same draws in both scenarios
        assert len(g) == 2
        assert (g[draw_cols].nunique() == 1).all()
    by_rep = runs.drop_duplicates("replicate").set_index("replicate")[draw_cols]
    assert (by_rep.loc[0] != by_rep.loc[1]).all()  # replicates draw different values
    for col in draw_cols:
        lo, hi = ranges[col.removeprefix("draw.")]["range"]
        assert res.runs[col].between(lo, hi).all()
    # each run computed its drawn scenario; the stored scenario file is the undrawn point
    for row in res.runs.to_dict("records"):
        prov = batch.read_provenance(uncertain / row["file"])
        assert prov["draws"] == {c.removeprefix("draw."): row[c] for c in draw_cols}
        assert prov["content_hash"] != row["content_hash"]
        point = json.loads((uncertain / "scenarios" / f"{row['content_hash']}.json").read_text())
        assert point["assets"]["trap_strength"] == 0.5
        assert point["donors"]["elasticity"] == 0.3  # the default, not a draw


def test_uncertain_manifest_report_and_resume(uncertain, faster_growth):
    manifest = json.loads((uncertain / "manifest.json").read_text())
    assert manifest["parameter_uncertainty"] is True
    drawn = {d["parameter"]: d["range"] for d in manifest["drawn_parameters"]}
    assert "assets.trap_strength" not in drawn and drawn["donors.elasticity"] == [0.0, 1.0]
    assert "parameter uncertainty" in (uncertain / "report.md").read_text()
    before = {p.name: p.stat().st_mtime_ns for p in (uncertain / "runs").iterdir()}
    batch.run_batch(
        ["no_programs", str(faster_growth)],
        reps=2,
        **TINY,
        set={"assets.trap_strength": 0.5},
        workers=1,
        out=uncertain,
        progress=False,
        uncertain=True,
    )
    manifest = json.loads((uncertain / "manifest.json").read_text())
    assert manifest["runs"] == {"total": 4, "reused": 4, "computed": 0}
    assert {p.name: p.stat().st_mtime_ns for p in (uncertain / "runs").iterdir()} == before
    with pytest.raises(batch.BatchInputError, match="--uncertain"):  # no mixing in one folder
        batch.run_batch(["no_programs"], reps=2, **TINY, workers=1, out=uncertain, progress=False)


def test_without_uncertain_run_ids_and_manifest_are_unchanged(uncertain, serial, faster_growth):
    args = (["no_programs", str(faster_growth)],)
    plain = batch.plan_batch(*args, reps=2, **TINY)
    assert plain.drawn == {} and all(not r.draws and r.payload is None for r in plain.runs)
    version = sinergi_version()
    expected = [
        batch.run_id(plain.points[r.point].content_hash, r.replicate, plain.root_seed, version)
        for r in plain.runs
    ]
    assert [r.run_id for r in plain.runs] == expected
    assert sorted(batch.load_results(serial).runs["run_id"]) == sorted(expected)
    assert "parameter_uncertainty" not in json.loads((serial / "manifest.json").read_text())
    drawn = batch.plan_batch(*args, reps=2, **TINY, uncertain=True)
    assert not set(drawn.unique_run_ids) & set(plain.unique_run_ids)
    assert plain.default_out() != drawn.default_out()


def test_uncertain_flag_on_the_command_line(faster_growth, tmp_path):
    out = tmp_path / "cli"
    rc = CLI.main(
        ["no_programs", "--uncertain", "--reps", "1", "--households", "1000", "--months", "3",
         "--workers", "1", "--no-progress", "--out", str(out)]
    )  # fmt: skip
    assert rc == 0
    assert json.loads((out / "manifest.json").read_text())["parameter_uncertainty"] is True
    assert any(c.startswith("draw.") for c in pd.read_parquet(out / "runs.parquet").columns)


def test_a_folder_of_another_sinergi_version_is_not_resumed(tmp_path):
    """0.2.0 changed every number (CHANGELOG.md): runs of 0.1.0 must never mix with new ones."""
    out = tmp_path / "old"
    batch.run_batch(["no_programs"], reps=1, **TINY, workers=1, out=out, progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["versions"]["sinergi"] = "0.1.0"
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(
        batch.BatchInputError,
        match=rf"written by Sinergi 0\.1\.0, this is {re.escape(sinergi_version())}",
    ):
        batch.run_batch(["no_programs"], reps=2, **TINY, workers=1, out=out, progress=False)

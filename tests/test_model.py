import subprocess
import sys
from pathlib import Path

import numpy as np

import sim
from tests.conftest import small

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = [
    "month",
    "p0",
    "p1",
    "p2",
    "watts",
    "gini",
    "mean_consumption",
    "mpi_h",
    "mpi_a",
    "mpi_m0",
    "p0_urban",
    "p0_rural",
    "persons_exited",
    "persons_entered",
]


def test_timeseries_has_months_plus_one_rows_and_required_columns():
    model = sim.PovertyModel(small(2_000, 7), rng=1)
    assert isinstance(model, sim.PovertyModel) and model.config.months == 7
    ts = model.run().timeseries()
    assert len(ts) == 8 and list(ts.month) == list(range(8))
    assert set(REQUIRED) <= set(ts.columns)
    assert ts.loc[0, "persons_exited"] == 0 and ts.loc[0, "persons_entered"] == 0
    assert ts[REQUIRED].notna().all().all()
    assert ((ts.p2 <= ts.p1) & (ts.p1 <= ts.p0)).all()
    sub = model.subdistrict_timeseries()
    assert len(sub) == 8 * model.config.population.subdistricts


def test_run_continues_to_the_horizon_only():
    model = sim.PovertyModel(small(1_000, 3), rng=1)
    model.run()
    model.run()
    assert model.month == 3 and len(model.timeseries()) == 4


def test_rng_must_be_a_seed():
    for bad in (-1, 1.5, "x"):
        try:
            sim.PovertyModel(small(1_000, 1), rng=bad)
        except ValueError as exc:
            assert "rng" in str(exc)
        else:
            raise AssertionError(bad)


def test_no_nan_or_negative_state_after_ten_years():
    model = sim.PovertyModel(small(3_000, 120), rng=2).run()
    hh = model.households
    for name in ("consumption", "assets", "savings", "wage_base", "income_labour"):
        arr = getattr(hh, name)
        assert np.isfinite(arr).all() and (arr >= 0).all(), name


def run_cli(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "run_scenarios.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_cli_runs_a_small_batch_and_says_where_the_report_is(tmp_path):
    out = tmp_path / "r"
    r = run_cli(
        "no_programs",
        "--reps",
        "2",
        "--households",
        "1000",
        "--months",
        "3",
        "--out",
        str(out),
        "--no-progress",
    )
    assert r.returncode == 0, r.stderr
    assert (out / "report.md").is_file() and str(out) in r.stdout


def test_cli_bad_input_exits_2_with_one_line():
    for args in (["--households", "-3"], ["--months", "x"], ["no_such_scenario"], ["--bogus"]):
        r = run_cli(*args)
        assert r.returncode == 2, (args, r.returncode)
        assert "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_every_timeseries_column_is_documented():
    text = (ROOT / "docs" / "outputs.md").read_text()
    ts = (
        sim.PovertyModel(
            sim.load_scenario(
                "competition", overrides={"population.households": 1_000, "months": 1}
            ),
            rng=1,
        )
        .run()
        .timeseries()
    )
    missing = [c for c in ts.columns if f"| `{c}` |" not in text]
    assert not missing, f"docs/outputs.md lacks {missing}"


def test_tune_allocator_is_idempotent_and_harmless():
    import sys

    from sim.kernels.process import tune_allocator

    first = tune_allocator()
    assert tune_allocator() is first  # once per process
    if sys.platform.startswith("linux"):
        assert isinstance(first, bool)

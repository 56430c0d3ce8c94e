"""Guard rails a planner meets: an empty scenario file and a population too large for the machine.

Both are refused in one line, exit 2, before anything is allocated or written.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.world import footprint
from sim.world.footprint import MemoryRefused, bytes_needed, check_fits, largest_fitting

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "run_scenarios.py"), *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("text", ["", "# a comment, no field\n", "\n\n"])
def test_an_empty_scenario_file_exits_2_in_one_line(tmp_path, text) -> None:
    path = tmp_path / "empty.toml"
    path.write_text(text)
    out = tmp_path / "out"
    res = _run(str(path), "--reps", "1", "--households", "500", "--months", "2", "--out", str(out))
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "empty.toml" in lines[0] and "empty" in lines[0], res.stderr
    assert "Traceback" not in res.stderr
    assert not out.exists()


def test_an_empty_parent_is_refused_too(tmp_path) -> None:
    (tmp_path / "parent.toml").write_text("")
    child = tmp_path / "child.toml"
    child.write_text('extends = "parent.toml"\nmonths = 2\n')
    with pytest.raises(sim.ScenarioError, match="parent.toml: the file is empty"):
        sim.load_scenario(child)


def test_the_figure_of_a_population_that_cannot_fit() -> None:
    # 200 million households: about 62 GB, the example, refused on a 24 GB machine
    with pytest.raises(MemoryRefused) as exc:
        check_fits(200_000_000, "population.households", memory=24 * 2**30)
    msg = str(exc.value)
    assert "population.households: 200,000,000 households" in msg
    assert f"{bytes_needed(200_000_000) / 1e9:,.1f} GB" in msg
    assert f"{largest_fitting(24 * 2**30):,}" in msg
    # the largest that fits is accepted, one more is not
    n = largest_fitting(24 * 2**30)
    check_fits(n, memory=24 * 2**30)
    with pytest.raises(MemoryRefused):
        check_fits(n + 1, memory=24 * 2**30)


def test_the_batch_refuses_before_any_run(tmp_path) -> None:
    out = tmp_path / "out"
    res = _run("competition", "--households", "200000000", "--months", "2", "--out", str(out))
    assert res.returncode == 2
    line = res.stderr.strip()
    assert "\n" not in line and line.startswith(
        "run_scenarios.py: error: --households: 200,000,000"
    )
    assert "GB of memory" in line and "Traceback" not in line
    assert not out.exists()


def test_the_model_refuses_before_allocating(monkeypatch) -> None:
    monkeypatch.setattr(footprint, "machine_memory", lambda: 2**30)  # a 1 GiB machine
    sc = sim.load_scenario("no_programs", overrides={"population.households": 5_000_000})
    with pytest.raises(MemoryRefused, match="5,000,000 households would need about 2.0 GB"):
        sim.PovertyModel(sc, rng=0)

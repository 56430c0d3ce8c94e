"""Smoke test of the benchmark (benchmarks/bench.py --quick): it runs and reports; no timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "bench.py"

HEADINGS = (
    "Sinergi benchmark",
    "OPENBLAS_CORETYPE=",
    "Throughput and memory",
    "hh-months/s",
    "B/household",
    "Time per mechanism at 2,000 households x 12 months",
    "institutions/programmes",
    "consumption",
    "recording",
    "other (inline arithmetic in step)",
    "Mesa reference",
    "agent-steps/s",
    "ratio at",
    "Batch scaling",
)


def test_bench_quick_runs_and_reports(tmp_path):
    out = tmp_path / "bench.json"
    p = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    for heading in HEADINGS:
        assert heading in p.stdout, f"missing {heading!r} in:\n{p.stdout}"
    res = json.loads(out.read_text())
    (size,) = res["sizes"]
    assert size["households"] == 2_000 and size["months"] == 12
    assert size["household_months_per_s"] > 0 and size["bytes_per_household"] > 0
    med = size["median_run"]
    assert med["rows"] == 13  # month 0 and 12 months
    # the buckets (with "other") add up to the step total
    assert abs(sum(med["buckets_s"].values()) - med["run_s"]) < 1e-6
    assert res["mesa"]["agent_steps_per_s"] > 0
    assert res["batch"] == []

"""Regression baseline of summary results: every scenario, 2,000 households x 24 months, seed 1.

``tests/data/regression_baseline.json`` holds, for each of the scenarios in ``scenarios/``, the
full monthly time series (every numeric column of ``model.timeseries()``), the monthly totals
of the ledger (``model.ledger()`` summed over institutions, one list per column), the column
sums of ``model.institution_timeseries()``, the sub-district headcount series summed per month,
and a few sums of the final household state. It was produced by the code at the commit that
added it and guards refactoring and performance work against any change of results.

Following STYLE.md ("a regression baseline of summary results, exact on one machine and library
set, within a tolerance elsewhere"): when numpy's version and the platform (``platform.machine()``
and ``platform.system()``) equal those recorded in the baseline, every number must be equal
**exactly** (NaN matches NaN); elsewhere they must agree within ``rtol=1e-9, atol=1e-12``.

The baseline is written by the numpy reference (``sim.accel`` disabled). The compiled kernels
reproduce the simulation's state bit for bit, so with them on every part must still match
exactly, except the recorded figures (``timeseries`` and sub-district headcounts): the
compiled recording adds in a different order than numpy's pairwise sums, and those two parts
must agree within ``rtol=1e-12`` (``sim.recording``).

Regenerate (only when a change of results is intended, and say so in the commit message)::

    .venv/bin/python tests/test_regression.py --regen
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
from sim import accel

BASELINE = Path(__file__).parent / "data" / "regression_baseline.json"
SCENARIOS = (
    "competition",
    "fragile_coalition",
    "full_synergy",
    "knowledge_exchange",
    "no_programs",
    "pooled_funding",
    "public_private_partnership",
    "thematic_alliance",
)
HOUSEHOLDS, MONTHS, SEED = 2_000, 24, 1
RTOL, ATOL = 1e-9, 1e-12
RECORDING_RTOL = 1e-12  # compiled recording against the numpy reference
RECORDED = ("timeseries", "subdistrict_p0_by_month")
STATE_SUMS = ("consumption", "assets", "savings", "skill", "child_schooling", "registry_score")


def _environment() -> dict[str, str]:
    return {
        "numpy": np.__version__,
        "machine": platform.machine(),
        "system": platform.system(),
    }


def summarise(name: str) -> dict[str, dict[str, list[float]]]:
    """The summary results of one scenario run (plain lists of floats, JSON-ready)."""
    sc = sim.load_scenario(name, overrides={"population.households": HOUSEHOLDS, "months": MONTHS})
    model = sim.PovertyModel(sc, rng=SEED).run()
    ts = model.timeseries()
    out: dict[str, dict[str, list[float]]] = {
        "timeseries": {
            c: [float(v) for v in ts[c].to_numpy(dtype=np.float64)]
            for c in ts.columns
            if ts[c].dtype.kind in "fiub"
        }
    }
    ledger = model.ledger()
    num = [c for c in ledger.columns if c != "month" and ledger[c].dtype.kind in "fiub"]
    by_month = ledger.groupby("month")[num].sum() if len(ledger) else ledger[num]
    out["ledger_by_month"] = {c: [float(v) for v in by_month[c]] for c in num}
    it = model.institution_timeseries()
    out["institutions_sum"] = {
        c: [float(it[c].astype(np.float64).sum())]
        for c in it.columns
        if c != "institution" and it[c].dtype.kind in "fiub"
    }
    sub = model.subdistrict_timeseries()
    out["subdistrict_p0_by_month"] = {
        "p0": [float(v) for v in sub.groupby("month")["p0"].sum().to_numpy(dtype=np.float64)]
    }
    hh = model.households
    out["final_state_sum"] = {
        f: [float(getattr(hh, f).astype(np.float64).sum())] for f in STATE_SUMS
    }
    return out


def regenerate() -> None:
    """Write the baseline from the current code."""
    data = {
        "environment": _environment(),
        "households": HOUSEHOLDS,
        "months": MONTHS,
        "seed": SEED,
        "written_by": "numpy reference (sim.accel disabled)",
    }
    with accel.disabled():
        data["scenarios"] = {name: summarise(name) for name in SCENARIOS}
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n")


@pytest.fixture(scope="module")
def baseline() -> dict:
    return json.loads(BASELINE.read_text())


@pytest.mark.parametrize("name", SCENARIOS)
def test_results_unchanged(name: str, baseline: dict) -> None:
    exact = baseline["environment"] == _environment()
    expected = baseline["scenarios"][name]
    got = summarise(name)
    assert got.keys() == expected.keys()
    for part, columns in expected.items():
        assert sorted(got[part]) == sorted(columns), f"{name} {part}: columns differ"
        for column, values in columns.items():
            a = np.asarray(got[part][column], dtype=np.float64)
            b = np.asarray(values, dtype=np.float64)
            where = f"{name} {part}.{column}"
            if exact and accel.enabled and part in RECORDED:
                np.testing.assert_allclose(a, b, rtol=RECORDING_RTOL, atol=1e-15, err_msg=where)
            elif exact:
                assert np.array_equal(a, b, equal_nan=True), f"{where} changed"
            else:
                np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=where)


if __name__ == "__main__":
    if sys.argv[1:] == ["--regen"]:
        regenerate()
        print(f"wrote {BASELINE}")
    else:
        sys.exit("usage: python tests/test_regression.py --regen")

"""Regression baseline of summary results: every scenario, 2,000 households x 24 months, seed 1.

``tests/data/regression_baseline.json`` holds, for each scenario in ``scenarios/``, the full
monthly time series (every numeric column of ``model.timeseries()``), the monthly totals of the
ledger, the column sums of ``model.institution_timeseries()``, the sub-district headcount series
summed per month, and a few sums of the final household state. It guards restructuring and
performance work against any change of results. Each scenario runs once per path, the compiled
kernels and their numpy references (``sim.kernels``), and both are held to the one baseline.

**Exact where the arithmetic is the same.** The baseline records what decides the last bits:
numpy's, scipy's and numba's versions, the platform, and the CPU features numpy dispatches on
(``__cpu_features__``: numpy's float32 ``exp``, ``log`` and ``power`` take AVX-512 paths where
the CPU has them, which round differently in the last place). Where all of these equal the
recorded ones, every number must be equal **exactly** (NaN matches NaN); the compiled recording
adds in another order than numpy's pairwise sums, so with the kernels on the recorded figures
(``timeseries``, sub-district headcounts) must agree within ``rtol=1e-12`` and the rest exactly.

**Within Monte Carlo noise elsewhere.** On another CPU or library set, each number must agree
within ``NOISE_SHARE`` (1/1,000) of its column's Monte Carlo noise (the median over months of
the seed-to-seed standard deviation, five seeds, recorded with the baseline), plus ``rtol=1e-9``.
Measured: with numpy's AVX-512 paths disabled on the recording machine
(``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"``) the largest difference is 5e-8
relative (one float32 rounding), far inside this; a change of results moves numbers by a
sizeable share of the noise and fails: ``test_tolerance_catches_a_real_change`` shows that the
tolerance is not wide enough to hide a 1% change of one parameter.

Regenerate (only when a change of results is intended; say so in the commit and CHANGELOG)::

    make regen-baseline
"""

from __future__ import annotations

import json
import platform
import sys
import warnings
from pathlib import Path

import numba
import numpy as np
import pytest
import scipy

import sim
from sim import kernels

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
NOISE_SEEDS = (2, 3, 4, 5, 6)
NOISE_SHARE = 1e-3  # of a column's Monte Carlo sd, off the recording machine
RTOL, ATOL = 1e-9, 1e-12
RECORDING_RTOL = 1e-12  # compiled recording against the numpy reference
RECORDED = ("timeseries", "subdistrict_p0_by_month")
STATE_SUMS = ("consumption", "assets", "savings", "skill", "child_schooling", "registry_score")


def environment() -> dict[str, object]:
    """What decides the last bits of a run: library versions, platform, numpy's CPU paths."""
    from numpy._core._multiarray_umath import __cpu_features__

    return {
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
        "machine": platform.machine(),
        "system": platform.system(),
        "cpu_features": sorted(k for k, on in __cpu_features__.items() if on),
    }


def summarise(name: str, seed: int = SEED) -> dict[str, dict[str, list[float]]]:
    """The summary results of one scenario run (plain lists of floats, JSON-ready)."""
    sc = sim.load_scenario(name, overrides={"population.households": HOUSEHOLDS, "months": MONTHS})
    model = sim.PovertyModel(sc, rng=seed).run()
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


def noise(name: str) -> dict[str, dict[str, float]]:
    """Each column's Monte Carlo noise: median over months of the sd across ``NOISE_SEEDS``."""
    runs = [summarise(name, seed) for seed in NOISE_SEEDS]
    out: dict[str, dict[str, float]] = {}
    for part, columns in runs[0].items():
        out[part] = {}
        for column in columns:
            values = np.array([r[part][column] for r in runs], dtype=np.float64)
            with warnings.catch_warnings():  # months where a figure is NaN in every seed
                warnings.simplefilter("ignore", RuntimeWarning)
                sd = np.nanmedian(np.nanstd(values, axis=0, ddof=1))
            out[part][column] = float(np.nan_to_num(sd))
    return out


def regenerate() -> None:
    """Write the baseline from the current code (the numpy references)."""
    data: dict[str, object] = {
        "environment": environment(),
        "households": HOUSEHOLDS,
        "months": MONTHS,
        "seed": SEED,
        "noise_seeds": list(NOISE_SEEDS),
        "written_by": "numpy reference (sim.kernels disabled)",
    }
    with kernels.disabled():
        data["scenarios"] = {name: summarise(name) for name in SCENARIOS}
        data["noise"] = {name: noise(name) for name in SCENARIOS}
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n")


@pytest.fixture(scope="module")
def baseline() -> dict:
    return json.loads(BASELINE.read_text())


def compare(got: dict, expected: dict, noise_: dict, *, exact: bool, compiled: bool) -> list[str]:
    """Where ``got`` departs from ``expected`` beyond what the environment allows."""
    bad = []
    if got.keys() != expected.keys():
        return [f"parts differ: {sorted(got)} against {sorted(expected)}"]
    for part, columns in expected.items():
        if sorted(got[part]) != sorted(columns):
            bad.append(f"{part}: columns differ")
            continue
        for column, values in columns.items():
            a = np.asarray(got[part][column], dtype=np.float64)
            b = np.asarray(values, dtype=np.float64)
            if a.shape != b.shape:
                bad.append(f"{part}.{column}: {a.shape} values against {b.shape}")
                continue
            if exact and compiled and part in RECORDED:
                ok = np.isclose(a, b, rtol=RECORDING_RTOL, atol=1e-15, equal_nan=True)
            elif exact:
                ok = (a == b) | (np.isnan(a) & np.isnan(b))
            else:
                tol = NOISE_SHARE * noise_[part][column] + RTOL * np.abs(b) + ATOL
                ok = (np.abs(a - b) <= tol) | (np.isnan(a) & np.isnan(b))
            if not ok.all():
                k = int(np.flatnonzero(~ok)[0])
                bad.append(f"{part}.{column}[{k}]: {a[k]!r} against {b[k]!r}")
    return bad


@pytest.mark.parametrize("compiled", [True, False], ids=["kernels", "numpy"])
@pytest.mark.parametrize("name", SCENARIOS)
def test_results_unchanged(name: str, compiled: bool, baseline: dict) -> None:
    """Both paths reproduce the baseline (exact here; within 1/1,000 of the noise elsewhere)."""
    if compiled and not kernels.AVAILABLE:
        pytest.skip("numba is not installed")
    exact = baseline["environment"] == environment()
    with kernels.forced(compiled):
        got = summarise(name)
    bad = compare(
        got, baseline["scenarios"][name], baseline["noise"][name], exact=exact, compiled=compiled
    )
    assert not bad, f"{name} ({'exact' if exact else 'within noise'}): " + "; ".join(bad[:5])


def test_tolerance_catches_a_real_change(baseline: dict) -> None:
    """A 1% change of one parameter fails even the tolerance used off the recording machine."""
    name = "full_synergy"
    sc = sim.load_scenario(
        name,
        overrides={
            "population.households": HOUSEHOLDS,
            "months": MONTHS,
            "income.growth_annual": 1.01 * sim.load_scenario(name).income.growth_annual,
        },
    )
    model = sim.PovertyModel(sc, rng=SEED).run()
    ts = model.timeseries()
    expected = baseline["scenarios"][name]["timeseries"]
    noise_ = baseline["noise"][name]["timeseries"]
    moved = [
        c
        for c in ("p0", "p1", "mean_consumption")
        if np.any(
            np.abs(ts[c].to_numpy(dtype=np.float64) - np.asarray(expected[c]))
            > NOISE_SHARE * noise_[c] + RTOL * np.abs(np.asarray(expected[c])) + ATOL
        )
    ]
    assert moved == ["p0", "p1", "mean_consumption"]


if __name__ == "__main__":
    if sys.argv[1:] == ["--regen"]:
        regenerate()
        print(f"wrote {BASELINE}")
    else:
        sys.exit("usage: python tests/test_regression.py --regen")

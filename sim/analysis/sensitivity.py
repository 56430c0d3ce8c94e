"""Uncertainty, global sensitivity and scenario discovery.

The uncertain parameters and their ranges live in the scenario schema
(``param(..., range=(lo, hi))``, listed by ``sim.scenario.uncertain_parameters``), plus two
factors that act on the roster of institutions (``INSTITUTION_FACTORS``): a scale on every
institution's targeting noise and a spread of practice quality around its mean.

Headline outcomes of one parameter point and one seed (``evaluate``), all paired with the
same-seed ``no_programs`` run (common random numbers):

* ``p1_final``: poverty gap P1 at the last month under the focal scenario (``pooled_funding``);
* ``p1_closed_per_bn``: P1 closed against ``no_programs`` per billion rupiah spent (focal);
* ``pooled_minus_competition_p1``: P1 under pooled funding minus P1 under competition (negative
  means pooling leaves a smaller poverty gap);
* ``synergy_minus_competition_p1``: the same for ``full_synergy`` (alliances, knowledge exchange,
  trust and cross-theme complementarity act only there, so their parameters show up only in
  this outcome).

Functions: ``morris`` (SALib Morris screening), ``sobol`` (Sobol indices with bootstrap CIs),
``cooperation_map`` (which form of cooperation closes the most P1 per rupiah over a grid of two
conditions, with the share of seeds that agree), ``ema_model`` (an EMA Workbench model).

Command (``sim/sensitivity.py``)::

    python -m sim.sensitivity morris --households 2000 --months 24 --trajectories 4 --out DIR
    python -m sim.sensitivity sobol  --households 2000 --months 24 --samples 16 --out DIR
    python -m sim.sensitivity map    --households 2000 --months 24 --grid 4 --seeds 3 --out DIR \
        [--x PARAM --y PARAM --scenarios competition,pooled_funding,thematic_alliance]

Each writes a CSV, a markdown table and a PNG into ``DIR``.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim import measures
from sim.model import PovertyModel
from sim.scenario import Scenario, load_scenario, uncertain_parameters

INSTITUTION_FACTORS: dict[str, dict[str, Any]] = {
    "institutions.targeting_noise_scale": {
        "range": (0.5, 1.5),
        "default": 1.0,
        "unit": "multiple of every institution's targeting_noise",
        "source": "assumption: own surveys err 0.3-0.9 log points (Alatas et al. 2012, AER 102(4))",
    },
    "institutions.quality_spread": {
        "range": (0.0, 2.0),
        "default": 1.0,
        "unit": "multiple of the roster's deviations of practice_quality from their mean",
        "source": "assumption: from identical institutions (0) to twice the roster's spread",
    },
}
FOCAL = "pooled_funding"
RIVAL = "competition"
SYNERGY = "full_synergy"
BASELINE = "no_programs"
OUTCOMES = (
    "p1_final",
    "p1_closed_per_bn",
    "pooled_minus_competition_p1",
    "synergy_minus_competition_p1",
)
MAP_SCENARIOS = ("competition", "pooled_funding", "thematic_alliance", "full_synergy")


def factors(names: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """Uncertain factors (schema ranges plus ``INSTITUTION_FACTORS``), optionally a subset."""
    out = {**uncertain_parameters(), **INSTITUTION_FACTORS}
    if names is None:
        return out
    missing = [n for n in names if n not in out]
    if missing:
        raise ValueError(f"unknown uncertain factors {missing}; known: {sorted(out)}")
    return {n: out[n] for n in names}


def problem(names: Sequence[str] | None = None) -> dict[str, Any]:
    """A SALib problem over the factors."""
    f = factors(names)
    return {
        "num_vars": len(f),
        "names": list(f),
        "bounds": [list(v["range"]) for v in f.values()],
    }


def build_scenario(
    name: str, values: Mapping[str, float], households: int, months: int
) -> Scenario:
    """Load ``name`` with the factor ``values`` applied (schema paths and roster factors)."""
    over: dict[str, Any] = {"population.households": households, "months": months}
    schema = uncertain_parameters()
    for k, v in values.items():
        if k in schema:
            default = schema[k]["default"]
            over[k] = int(round(v)) if isinstance(default, int) else float(v)
        elif k not in INSTITUTION_FACTORS:
            raise ValueError(f"unknown factor {k!r}")
    sc = load_scenario(name, over)
    scale = values.get("institutions.targeting_noise_scale")
    spread = values.get("institutions.quality_spread")
    if sc.institutions and (scale is not None or spread is not None):
        mean_q = float(np.mean([i.practice_quality for i in sc.institutions]))
        for inst in sc.institutions:
            if scale is not None:
                inst.targeting_noise = float(np.clip(inst.targeting_noise * scale, 0, 5))
            if spread is not None:
                q = mean_q + spread * (inst.practice_quality - mean_q)
                inst.practice_quality = float(np.clip(q, 0.05, 3.0))
    return sc


def run_series(sc: Scenario, seed: int) -> pd.DataFrame:
    """Time series of one run."""
    return PovertyModel(sc, rng=seed).run().timeseries()


def evaluate(
    values: Mapping[str, float],
    seed: int,
    households: int = 2_000,
    months: int = 24,
) -> dict[str, float]:
    """Headline outcomes of one parameter point and seed (module docstring)."""
    base = run_series(build_scenario(BASELINE, values, households, months), seed)
    focal = run_series(build_scenario(FOCAL, values, households, months), seed)
    rival = run_series(build_scenario(RIVAL, values, households, months), seed)
    synergy = run_series(build_scenario(SYNERGY, values, households, months), seed)
    vfm = measures.value_for_money_frames(focal, base)
    per_bn = vfm["p1_closed_per_billion_rupiah"]
    return {
        "p1_final": float(focal["p1"].iloc[-1]),
        "p1_closed_per_bn": float(per_bn) if np.isfinite(per_bn) else 0.0,
        "pooled_minus_competition_p1": float(focal["p1"].iloc[-1] - rival["p1"].iloc[-1]),
        "synergy_minus_competition_p1": float(synergy["p1"].iloc[-1] - rival["p1"].iloc[-1]),
    }


def _run_matrix(
    names: Sequence[str],
    X: np.ndarray,
    seed: int,
    households: int,
    months: int,
    workers: int = 1,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """Outcomes for each row of the sample matrix; every row uses the same seed (paired).

    With ``workers > 1`` the rows run in that many spawned processes; each row is a pure
    function of (values, seed, households, months), so the result is identical to the serial
    one, row for row.
    """
    out = {k: np.empty(X.shape[0]) for k in OUTCOMES}
    points = [dict(zip(names, map(float, row), strict=True)) for row in X]
    args = [(p, seed, households, months) for p in points]
    if workers <= 1:
        results: Iterable[dict[str, float]] = (evaluate(*a) for a in args)
        pool = None
    else:
        ctx = multiprocessing.get_context("spawn")  # as sim.batch: same on every platform
        pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
        chunk = max(1, min(16, len(args) // (4 * workers)))
        results = pool.map(_evaluate_args, args, chunksize=chunk)
    try:
        if progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(args), unit="point", file=sys.stderr)
        for i, res in enumerate(results):
            for k in OUTCOMES:
                out[k][i] = res[k]
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return out


def _samples(names: Sequence[str], X: np.ndarray, Y: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Every parameter point with its outcomes (one row per point), kept beside the indices."""
    return pd.DataFrame(X, columns=list(names)).assign(**{k: Y[k] for k in OUTCOMES})


def robustness(samples: pd.DataFrame) -> pd.DataFrame:
    """Share of parameter points at which each form of cooperation beats competition.

    Args:
        samples: The points table of a ``morris`` or ``sobol`` run (``df.attrs["samples"]`` or
            its ``<kind>_points.csv``).

    Returns:
        One row per difference outcome: ``points``, ``share_negative`` (cooperation leaves a
        smaller P1 than competition), ``median`` and the 5th/95th percentiles of the difference
        (P1 points, as a share). Points are not equally likely draws in a Morris design, so
        read the share as a description of the design, not as a probability.
    """
    rows = []
    for k in ("pooled_minus_competition_p1", "synergy_minus_competition_p1"):
        v = samples[k].to_numpy(dtype=float)
        rows.append(
            {
                "outcome": k,
                "points": v.size,
                "share_negative": float(np.mean(v < 0)),
                "median": float(np.median(v)),
                "p05": float(np.quantile(v, 0.05)),
                "p95": float(np.quantile(v, 0.95)),
            }
        )
    return pd.DataFrame(rows)


def _evaluate_args(args: tuple[dict[str, float], int, int, int]) -> dict[str, float]:
    return evaluate(*args)


def morris(
    trajectories: int = 4,
    households: int = 2_000,
    months: int = 24,
    seed: int = 0,
    names: Sequence[str] | None = None,
    levels: int = 4,
    workers: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Morris elementary-effects screening of the headline outcomes.

    Runs ``trajectories x (factors + 1)`` points, each the same seed (the effects are then of
    the parameters alone, not of luck). Returns a long table ranked by ``mu_star`` within each
    outcome: ``outcome, parameter, mu_star, mu_star_conf, mu, sigma, rank``.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    prob = problem(names)
    X = morris_sample.sample(prob, trajectories, num_levels=levels, seed=seed)
    Y = _run_matrix(prob["names"], X, seed, households, months, workers, progress)
    frames = []
    for k in OUTCOMES:
        res = morris_analyze.analyze(prob, X, Y[k], num_levels=levels, seed=seed)
        df = pd.DataFrame(
            {
                "outcome": k,
                "parameter": prob["names"],
                "mu_star": res["mu_star"],
                "mu_star_conf": res["mu_star_conf"],
                "mu": res["mu"],
                "sigma": res["sigma"],
            }
        )
        scale = float(np.nanmax(df["mu_star"])) if np.nanmax(df["mu_star"]) > 0 else 1.0
        df["mu_star_relative"] = df["mu_star"] / scale
        df = df.sort_values("mu_star", ascending=False)
        df["rank"] = np.arange(1, len(df) + 1)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update({"runs": int(X.shape[0]) * 4, "points": int(X.shape[0]), "seed": seed})
    out.attrs["samples"] = _samples(prob["names"], X, Y)
    return out


def sobol(
    samples: int = 16,
    households: int = 2_000,
    months: int = 24,
    seed: int = 0,
    names: Sequence[str] | None = None,
    workers: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Sobol first-order and total indices (with bootstrap 95% CIs) of the headline outcomes.

    ``samples`` is SALib's base N (a power of two); the runs are ``N x (2 x factors + 2)``
    points. Returns ``outcome, parameter, S1, S1_conf, ST, ST_conf, rank`` (rank by ST).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    prob = problem(names)
    X = sobol_sample.sample(prob, samples, calc_second_order=False, seed=seed)
    Y = _run_matrix(prob["names"], X, seed, households, months, workers, progress)
    frames = []
    for k in OUTCOMES:
        res = sobol_analyze.analyze(prob, Y[k], calc_second_order=False, seed=seed)
        df = pd.DataFrame(
            {
                "outcome": k,
                "parameter": prob["names"],
                "S1": res["S1"],
                "S1_conf": res["S1_conf"],
                "ST": res["ST"],
                "ST_conf": res["ST_conf"],
            }
        ).sort_values("ST", ascending=False)
        df["rank"] = np.arange(1, len(df) + 1)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update({"runs": int(X.shape[0]) * 4, "points": int(X.shape[0]), "seed": seed})
    out.attrs["samples"] = _samples(prob["names"], X, Y)
    return out


def cooperation_map(
    x: str = "cooperation.alliance.coordination_cost",
    y: str = "donors.elasticity",
    grid: int = 4,
    seeds: int = 3,
    households: int = 2_000,
    months: int = 24,
    seed: int = 0,
    scenarios: Sequence[str] = MAP_SCENARIOS,
) -> pd.DataFrame:
    """Which form of cooperation closes the most P1 per rupiah, over a grid of two conditions.

    For each grid cell and each seed, every scenario runs against the same-seed
    ``no_programs``; the winner is the scenario with the largest P1 closed per billion rupiah.
    Returns one row per cell: ``x, y, winner`` (the most frequent winner over seeds, or
    ``"undecided"`` when two or more forms are picked equally often: :func:`majority`),
    ``agreement`` (share of seeds picking the most frequent winner: the boundary's
    uncertainty) and the mean P1 closed per billion rupiah of every scenario.
    """
    f = factors([x, y])
    xs = np.linspace(*f[x]["range"], grid)
    ys = np.linspace(*f[y]["range"], grid)
    seed_list = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(seeds)]
    rows = []
    for xv in xs:
        for yv in ys:
            values = {x: float(xv), y: float(yv)}
            scores = {s: [] for s in scenarios}
            winners = []
            for sd in seed_list:
                base = run_series(build_scenario(BASELINE, values, households, months), sd)
                per = {}
                for s in scenarios:
                    ts = run_series(build_scenario(s, values, households, months), sd)
                    v = measures.value_for_money_frames(ts, base)["p1_closed_per_billion_rupiah"]
                    per[s] = float(v) if np.isfinite(v) else -np.inf
                    scores[s].append(per[s])
                winners.append(max(per, key=lambda k: per[k]))
            winner, agreement = majority(winners)
            row = {"x": float(xv), "y": float(yv), "winner": winner, "agreement": agreement}
            for s in scenarios:
                row[f"per_bn_{s}"] = float(np.mean(scores[s]))
            rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update({"x": x, "y": y, "seeds": seeds, "scenarios": list(scenarios)})
    return out


UNDECIDED = "undecided"


def majority(winners: Sequence[str]) -> tuple[str, float]:
    """The form most seeds pick, and the share of seeds that pick it.

    A tie at the top (three seeds picking three forms, two and two of four) is
    :data:`UNDECIDED`: no form is named for a cell the seeds do not decide.

    Args:
        winners: The winning scenario of each seed.

    Returns:
        ``(winner, agreement)``; agreement is the top count over the number of seeds.
    """
    names, counts = np.unique(np.asarray(winners, dtype=str), return_counts=True)
    top = counts.max()
    winner = str(names[np.argmax(counts)]) if (counts == top).sum() == 1 else UNDECIDED
    return winner, float(top / len(winners))


# --------------------------------------------------------------------------------------------
# Output: tables and figures
# --------------------------------------------------------------------------------------------

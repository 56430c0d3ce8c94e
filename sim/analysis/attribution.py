"""Attribution: what in a scenario pays, as exact Shapley shares over its mechanisms.

The paired difference between a scenario and its reference (``full_synergy`` minus
``competition``) is split among the mechanisms of cooperation (``sim.scenario.zero_point``:
money, partner services, registry, shared lists, bundles, learning, allocation, coordination
cost). The value of a set S of mechanisms is the metric of the scenario with the mechanisms
outside S at their zero point; the Shapley value of mechanism i is

    phi_i = sum over S not holding i of |S|! (k - |S| - 1)! / k! x (v(S + i) - v(S)),

computed exactly over all 2^k sets, with common random numbers: in replicate r every set runs
with the same seed, so the shares of one replicate add up to that replicate's difference
exactly (up to float rounding). When the reference is not the scenario's zero point, the gap
between them is reported as one more row, ``other differences``, so the rows always add up to
the paired total. Effects are means over replicates with t intervals (95%).

``python -m sim.analysis.attribution full_synergy competition --reps 10`` prints the table.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import itertools
import json
import math
import multiprocessing
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.model import PovertyModel
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.zero_point import MECHANISMS, in_use, zero_point

OTHER = "other differences"
"""The row for what separates the reference from the scenario's zero point (zero when equal)."""


BRIEF_COMPONENTS = {
    "money": ["money"],
    "partner services": ["partner_services"],
    "registry and shared lists": ["registry", "shared_lists"],
    "bundles": ["bundles"],
    "learning and allocation": ["learning", "allocation"],
    "coordination cost": ["coordination_cost"],
}
"""Six components for a batch's report (64 sets instead of 256); VALIDATION splits all eight."""


def brief_components(sc: Scenario) -> dict[str, list[str]]:
    """:data:`BRIEF_COMPONENTS` restricted to the mechanisms ``sc`` uses."""
    used = set(in_use(sc))
    out = {k: [m for m in v if m in used] for k, v in BRIEF_COMPONENTS.items()}
    return {k: v for k, v in out.items() if v}


def write_attribution(table: pd.DataFrame, folder: Path) -> None:
    """Write ``attribution.csv`` (the rows) and ``attribution.json`` (``table.attrs``)."""
    table.to_csv(folder / "attribution.csv", index=False, lineterminator="\n")
    meta = {k: (list(v) if isinstance(v, tuple) else v) for k, v in table.attrs.items()}
    (folder / "attribution.json").write_text(json.dumps(meta, indent=1) + "\n")


def read_attribution(folder: Path) -> pd.DataFrame | None:
    """The attribution written in a results folder, with its attrs (None when there is none)."""
    csv, meta = folder / "attribution.csv", folder / "attribution.json"
    if not (csv.exists() and meta.exists()):
        return None
    table = pd.read_csv(csv)
    table.attrs.update(json.loads(meta.read_text()))
    return table


def active_mechanisms(sc: Scenario) -> list[str]:
    """The mechanisms ``sc`` uses (``zero_point.in_use``; the others contribute exactly zero)."""
    return in_use(sc)


def _metric(sc: Scenario, seed: int, metric: str) -> float:
    ts = PovertyModel(sc, rng=seed).run().timeseries()
    if metric not in ts.columns:
        raise ValueError(f"metric {metric!r} is not a timeseries column")
    return float(ts[metric].iloc[-1])


def _metric_args(args: tuple[Scenario, int, str]) -> float:
    return _metric(*args)


def _run_all(tasks: list[tuple[Scenario, int, str]], workers: int) -> list[float]:
    if workers <= 1:
        return [_metric(*t) for t in tasks]
    ctx = multiprocessing.get_context("spawn")  # as sim.batch: the same on every platform
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        chunk = max(1, min(16, len(tasks) // (4 * workers)))
        return list(pool.map(_metric_args, tasks, chunksize=chunk))


def shapley(values: Mapping[frozenset[str], float], players: Sequence[str]) -> dict[str, float]:
    """Exact Shapley values of a game given on every subset of ``players``.

    Args:
        values: ``v(S)`` for every subset ``S`` (frozensets), the empty set included.
        players: The players.

    Returns:
        ``{player: phi}``; the values add up to ``v(all) - v(empty)``.
    """
    k = len(players)
    out = {}
    for p in players:
        others = [q for q in players if q != p]
        phi = 0.0
        for size in range(k):
            w = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for s in itertools.combinations(others, size):
                S = frozenset(s)
                phi += w * (values[S | {p}] - values[S])
        out[p] = phi
    return out


def _groups(sc: Scenario, components: Sequence[str] | Mapping[str, Sequence[str]] | None):
    if components is None:
        return {m: [m] for m in active_mechanisms(sc)}
    if isinstance(components, Mapping):
        groups = {str(k): list(v) for k, v in components.items()}
    else:
        groups = {str(c): [str(c)] for c in components}
    named = [m for ms in groups.values() for m in ms]
    unknown = sorted(set(named) - set(MECHANISMS))
    if unknown:
        raise ValueError(f"unknown mechanisms {unknown}; known: {', '.join(MECHANISMS)}")
    if len(set(named)) != len(named):
        raise ValueError("a mechanism is in two components")
    rest = [m for m in active_mechanisms(sc) if m not in named]
    if rest:  # every active mechanism belongs to a component, so the parts add up
        groups["other mechanisms"] = rest
    return groups


def attribute(
    scenario: str | Scenario,
    reference: str | Scenario = "competition",
    components: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    reps: int = 10,
    households: int = 10_000,
    months: int = 120,
    seed: int = 1,
    metric: str = "p1",
    workers: int = 1,
    overrides: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Split the paired difference ``scenario - reference`` among its mechanisms (Shapley).

    Args:
        scenario: Scenario name or object (the one whose mechanisms are attributed).
        reference: Scenario name or object it is compared with.
        components: Mechanism names of ``sim.scenario.zero_point.MECHANISMS``, or
            ``{component: [mechanisms]}`` to group them; default: every mechanism that changes
            the scenario. Active mechanisms left out are grouped as ``other mechanisms``.
        reps: Replicates (seeds ``seed``, ``seed + 1``, ...); every set of mechanisms runs
            with the same seeds (common random numbers).
        households: Simulated households (names only; objects keep their own).
        months: Months (names only).
        seed: First seed.
        metric: A timeseries column, taken at the final month (default ``p1``, a fraction).
        workers: Local processes (spawned) running the 2^k x reps runs.
        overrides: Further dotted-path overrides for both scenarios (names only).

    Returns:
        One row per component (then ``other differences`` when the reference is not the
        scenario's zero point): ``component``, ``effect`` (mean over replicates, in the
        metric's units), ``ci_low``, ``ci_high`` (95% t interval; NaN with one replicate),
        ``mechanisms``. ``.attrs`` holds ``total`` (the mean paired difference, which the
        effects add up to), ``total_ci``, ``metric``, ``reps``, ``seeds``, ``scenario`` and
        ``reference``.
    """
    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")
    over = {"population.households": households, "months": months, **(overrides or {})}
    target = load_scenario(scenario, over) if isinstance(scenario, str) else scenario
    ref = load_scenario(reference, over) if isinstance(reference, str) else reference
    groups = _groups(target, components)
    names = list(groups)
    subsets = [
        frozenset(s) for size in range(len(names) + 1) for s in itertools.combinations(names, size)
    ]
    seeds = [seed + r for r in range(reps)]

    def scenario_of(S: frozenset[str]) -> Scenario:
        off = [m for name in names if name not in S for m in groups[name]]
        return zero_point(target, off)

    tasks = [(scenario_of(S), s, metric) for s in seeds for S in subsets]
    tasks += [(ref, s, metric) for s in seeds]
    results = _run_all(tasks, workers)
    n = len(subsets)
    rows = {name: [] for name in [*names, OTHER]}
    totals = []
    for r in range(reps):
        v = dict(zip(subsets, results[r * n : (r + 1) * n], strict=True))
        ref_value = results[reps * n + r]
        phi = shapley(v, names)
        for name in names:
            rows[name].append(phi[name])
        rows[OTHER].append(v[frozenset()] - ref_value)
        totals.append(v[frozenset(names)] - ref_value)
    show = [*names, OTHER] if any(x != 0 for x in rows[OTHER]) else names
    table = pd.DataFrame(
        [
            {
                "component": name,
                "effect": float(np.mean(rows[name])),
                **dict(zip(("ci_low", "ci_high"), _interval(rows[name]), strict=True)),
                "mechanisms": ", ".join(groups.get(name, [])),
            }
            for name in show
        ]
    )
    # each replicate's rows add up to its difference exactly, so the means add up to the mean
    table.attrs.update(
        total=float(np.mean(totals)),
        total_ci=_interval(totals),
        metric=metric,
        reps=reps,
        seeds=seeds,
        scenario=scenario if isinstance(scenario, str) else "scenario",
        reference=reference if isinstance(reference, str) else "reference",
        households=target.population.households,
        months=target.months,
    )
    return table


def _interval(x: Sequence[float]) -> tuple[float, float]:
    """95% t interval of the mean of ``x`` (NaN with fewer than two values)."""
    x = np.asarray(x, dtype=float)
    if x.size < 2:
        return float("nan"), float("nan")
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return float(x.mean() - half), float(x.mean() + half)


def main(argv: list[str] | None = None) -> int:
    """Print the attribution table of a scenario against a reference (P1 in points)."""
    ap = argparse.ArgumentParser(prog="python -m sim.analysis.attribution", description=__doc__)
    ap.add_argument("scenario", nargs="?", default="full_synergy")
    ap.add_argument("reference", nargs="?", default="competition")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--metric", default="p1")
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args(argv)
    try:
        t = attribute(
            a.scenario,
            a.reference,
            None,
            a.reps,
            a.households,
            a.months,
            a.seed,
            a.metric,
            a.workers,
        )
    except (ScenarioError, ValueError) as exc:  # bad input: one line, exit 2
        print(f"{ap.prog}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    scale = 100.0 if a.metric in ("p0", "p1", "p2") else 1.0
    unit = " (points)" if scale == 100.0 else ""
    print(f"{a.scenario} - {a.reference}, {a.metric}{unit} at month {a.months}, ", end="")
    print(f"{a.reps} paired replicates x {a.households:,} households")
    print("| component | effect | 95% CI |\n|---|---:|---|")
    for _, row in t.iterrows():
        lo, hi = row.ci_low * scale, row.ci_high * scale
        print(f"| {row.component} | {row.effect * scale:+.4f} | [{lo:+.4f}, {hi:+.4f}] |")
    lo, hi = (x * scale for x in t.attrs["total_ci"])
    print(f"| **total** | {t.attrs['total'] * scale:+.4f} | [{lo:+.4f}, {hi:+.4f}] |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

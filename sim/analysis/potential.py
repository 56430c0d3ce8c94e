"""The earnings potential: BPS's measured distribution with the model's own noise taken out.

The GB2 of each area (``calibration.urban``, ``calibration.rural``, fitted by
``sim.analysis.calibration.fit_distributions``) is consumption *as Susenas measured it* in
March 2024. The model's month 0 is not a draw from it: the set-up draws each household's
earnings potential, lets demography shape the households for 20 years and the household
dynamics run for three (``sim.world.synthesis``, ``sim.world.burn_in``), and a survey then
measures consumption with its error (``sim.world.measurement``). Shocks, illness, the life
cycle and the survey error all spread the distribution, so the potential must be narrower than
what was measured. :func:`fit_correction` finds how much narrower, quantile by quantile: a log
correction of the potential at 13 standard normal scores (``correction``, see
``sim.world.distribution.potential_ppf``), by a fixed-point iteration on simulated month-0
populations with common random numbers,

    correction(z) <- correction(z) + damping * (log Q_GB2(z) - log Q_measured(z)),

where ``Q_measured`` is the person-weighted quantile of consumption as surveyed at month 0. It
is a deconvolution: the potential plus the model's own noise gives BPS's distribution. The
start is then a stochastic steady state by construction of the burn-in, and its measured
distribution is BPS's by construction of the correction; whether it *stays* there when months
pass is a check (``sim.analysis.stationarity``, ``tests/test_baseline.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from sim.model import PovertyModel
from sim.scenario import load_scenario
from sim.world.distribution import CORRECTION_KNOTS, gb2_ppf

AREAS = ("urban", "rural")


def weighted_quantiles(x: np.ndarray, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Quantiles of ``x`` weighted by ``w`` at levels ``u`` (mid-point rule, interpolated).

    Args:
        x: Values.
        w: Non-negative weights (persons).
        u: Levels in (0, 1).

    Returns:
        The quantiles (float64).
    """
    order = np.argsort(x, kind="stable")
    xs = np.asarray(x, dtype=np.float64)[order]
    ws = np.asarray(w, dtype=np.float64)[order]
    cum = np.cumsum(ws)
    mid = (cum - ws / 2.0) / cum[-1]
    return np.interp(u, mid, xs)


def measured_log_quantiles(
    overrides: dict, households: int, seeds: int, scenario: str = "no_programs"
) -> dict[str, np.ndarray]:
    """Person-weighted log quantiles of consumption as surveyed at month 0, per area.

    The populations of seeds ``0 .. seeds - 1`` are pooled (each household with its weight
    times its members).

    Args:
        overrides: Scenario overrides (the correction among them).
        households: Households per run.
        seeds: Runs pooled.
        scenario: The scenario whose set-up is measured.

    Returns:
        ``{area: log rupiah per capita per month at CORRECTION_KNOTS}``.
    """
    return measured_month0(overrides, households, seeds, scenario)[0]


def measured_month0(
    overrides: dict, households: int, seeds: int, scenario: str = "no_programs"
) -> tuple[dict[str, np.ndarray], tuple[float, float]]:
    """:func:`measured_log_quantiles` and the pooled populations' P0 and P1 at month 0.

    Returns:
        The log quantiles per area and the headcount and poverty gap index of the pooled
        populations (percent of persons, against their area's line, as surveyed, before any
        post-stratification).
    """
    sc = load_scenario(scenario, overrides={"population.households": households, **overrides})
    pooled: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {a: [] for a in AREAS}
    poor = gap = persons = 0.0
    for seed in range(seeds):
        model = PovertyModel(sc, rng=seed)
        hh = model.households
        y = np.asarray(model.observed_consumption_pc(), dtype=np.float64)
        w = hh.weight.astype(np.float64) * hh.members
        line = model.lines0.astype(np.float64)
        poor += float(w[y < line].sum())
        gap += float(w @ np.clip(1.0 - y / line, 0.0, None))
        persons += float(w.sum())
        for area, mask in (("urban", hh.urban), ("rural", ~hh.urban)):
            pooled[area].append((y[mask], w[mask]))
    u = special.ndtr(CORRECTION_KNOTS)
    out = {}
    for area in AREAS:
        if not pooled[area] or not sum(x.size for x, _ in pooled[area]):
            continue
        y = np.concatenate([x for x, _ in pooled[area]])
        w = np.concatenate([v for _, v in pooled[area]])
        out[area] = np.log(weighted_quantiles(y, w, u))
    return out, (100.0 * poor / persons, 100.0 * gap / persons)


@dataclass(frozen=True)
class CorrectionFit:
    """The potential's correction per area and how close month 0 came to the GB2."""

    correction: dict[str, tuple[float, ...]]
    gaps: list[float]
    """Largest |log Q_GB2 - log Q_measured| over knots and areas, per iteration (log points)."""
    poverty: tuple[float, float] = (float("nan"), float("nan"))
    """Month 0's P0 and P1 with the fitted correction (percent; the pooled runs, as surveyed)."""


def target_log_quantiles(scenario: str = "no_programs", overrides: dict | None = None) -> dict:
    """Log quantiles of each area's GB2 at :data:`CORRECTION_KNOTS` (log rupiah)."""
    sc = load_scenario(scenario, overrides=overrides or {})
    u = special.ndtr(CORRECTION_KNOTS)
    out = {}
    for area in AREAS:
        d = getattr(sc.calibration, area)
        out[area] = np.log(gb2_ppf(u, d.a, d.scale, d.p, d.q))
    return out


def _monotone(target: np.ndarray, correction: np.ndarray) -> np.ndarray:
    """The correction with the potential's log quantiles strictly increasing over the knots."""
    v = target + correction
    step = np.diff(target)
    for k in range(1, v.size):
        v[k] = max(v[k], v[k - 1] + 0.05 * step[k - 1])
    return v - target


def fit_correction(
    overrides: dict,
    households: int = 100_000,
    seeds: int = 3,
    iterations: int = 10,
    damping: float = 1.0,
    start: dict[str, tuple[float, ...]] | None = None,
    average: int = 6,
    lowest_knot: float = -2.5,
    highest_knot: float = 2.5,
    progress: bool = False,
) -> CorrectionFit:
    """Fit the potential's log correction so that month 0, as surveyed, measures as the GB2.

    Args:
        overrides: Scenario overrides of the fit (the GB2 among them, if not the preset's).
        households: Households per run.
        seeds: Runs pooled per iteration (the same seeds each time: common random numbers).
        iterations: Fixed-point iterations.
        damping: Share of each gap added to the correction (1: the full gap).
        start: Starting correction per area (none: zeros).
        average: The fitted correction is the mean of the last ``average`` iterates (the
            iteration settles into a small cycle around the fixed point; the mean damps it).
        lowest_knot: The lowest knot fitted (standard normal score). Below it the measured
            distribution is the survey error and the rarest shocks (severe illness, a
            harvest failure) whatever the potential, so no potential can match it there; the
            correction is held at the lowest fitted knot's value.
        highest_knot: The highest knot fitted; above it the correction is held at its value
            (the top 0.6% of a run is too few households to fit quantile by quantile).
        progress: Print each iteration's largest gap.

    Returns:
        The fit (:class:`CorrectionFit`).
    """
    target = target_log_quantiles(overrides=overrides)
    zero = np.zeros(CORRECTION_KNOTS.size)
    corr = {a: np.array(start[a]) if start else zero.copy() for a in AREAS}
    fitted = (CORRECTION_KNOTS >= lowest_knot) & (CORRECTION_KNOTS <= highest_knot)
    first = int(np.argmax(fitted))
    top = int(np.flatnonzero(fitted)[-1])
    gaps: list[float] = []
    measured: list[tuple[float, float]] = []
    iterates: list[dict[str, np.ndarray]] = []

    def measure(c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        ov = {**overrides}
        for a in AREAS:
            ov[f"calibration.{a}.correction"] = [float(x) for x in c[a]]
        got, poverty = measured_month0(ov, households, seeds)
        measured.append(poverty)
        gaps.append(max(float(np.max(np.abs(target[a] - got[a])[fitted])) for a in got))
        if progress:
            print(f"iteration {len(gaps) - 1}: largest gap {gaps[-1]:.4f} log points", flush=True)
        return got

    for _ in range(iterations):
        got = measure(corr)
        for a in got:
            c = corr[a] + damping * np.where(fitted, target[a] - got[a], 0.0)
            c[:first] = c[first]  # below the lowest fitted knot: the GB2's shape, shifted
            c[top + 1 :] = c[top]
            corr[a] = _monotone(target[a], c)
        iterates.append({a: corr[a].copy() for a in AREAS})
    last = iterates[-max(1, min(average, len(iterates))) :]
    mean = {a: _monotone(target[a], np.mean([c[a] for c in last], axis=0)) for a in AREAS}
    measure(mean)  # the gap of the fitted correction, last in ``gaps``
    rounded = {a: tuple(round(float(x), 5) for x in mean[a]) for a in AREAS}
    return CorrectionFit(rounded, gaps, measured[-1])

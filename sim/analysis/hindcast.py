"""The hindcast: growth fitted to BPS's same-season headcount changes by simulated moments.

The moments are BPS's same-season changes of the national headcount P0 (percent points a year)
in two windows without a crisis, 2015-2019 and 2022-2025 (``WINDOWS``): March to March and
September to September, each pair of consecutive rounds of one season (September 2022 to
September 2024 spans two years: there was no September 2023 round, and its change counts per
year). Not the March and September zigzag (survey timing, Ramadan, harvest).

Each window is simulated from a start like its first round: the fitted potential's scale in
each area (``calibration.<area>.scale``) moves by the factor that takes the potential's own P0
from BPS March 2024's to that round's urban and rural P0 (its shape unchanged;
:func:`start_like`): the start as surveyed then moves by about the same factor. A run's
month 0 is the March round of the window's first year, so the March rounds are months 0, 12,
... and the September rounds months 6, 18, ...

Simulated method of moments (McFadden 1989; Gourieroux & Monfort 1996): the annual real growth
of earnings ``g`` minimises the sum of squared differences between BPS's changes and the mean
simulated changes over ``seeds`` runs, with the same seeds at every ``g`` (common random
numbers make the objective smooth in ``g``). Its standard error is the delta method's with
identity weights: ``se = sqrt(s2 (1 + 1 / S) / G'G)``, ``G`` the moments' derivative in ``g``
(central differences, common random numbers) and ``s2`` the mean squared residual, ``S`` the
seeds (the simulation's share of the variance, Gourieroux & Monfort 1996).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from sim.data.bps import national_series
from sim.model import PovertyModel
from sim.scenario import Scenario, load_scenario

WINDOWS = ((2015, 2019), (2022, 2025))
"""Windows of same-season changes the growth is fitted to (first and last year)."""
ROUND_OFFSET = {"march": 0, "september": 6}
"""Months from the window's first March to each season's round in the same year."""


def bps_moments() -> pd.DataFrame:
    """BPS's same-season P0 changes in :data:`WINDOWS`, per year.

    Returns:
        One row per pair of consecutive rounds of a season within a window: ``window`` (its
        first year), ``round``, ``year_from``, ``year_to``, ``month_from`` and ``month_to``
        (months after the window's first March), ``change`` (percent points a year).
    """
    df = national_series("total")
    rows = []
    for first, last in WINDOWS:
        for rnd, offset in ROUND_OFFSET.items():
            s = df[(df["round"] == rnd) & df.year.between(first, last)].sort_values("year")
            years, p0 = s.year.to_numpy(), s.p0.to_numpy()
            for k in range(1, len(years)):
                span = int(years[k] - years[k - 1])
                rows.append(
                    {
                        "window": first,
                        "round": rnd,
                        "year_from": int(years[k - 1]),
                        "year_to": int(years[k]),
                        "month_from": 12 * int(years[k - 1] - first) + offset,
                        "month_to": 12 * int(years[k] - first) + offset,
                        "change": float(p0[k] - p0[k - 1]) / span,
                    }
                )
    return pd.DataFrame(rows)


def start_like(sc: Scenario, year: int, base_year: int = 2024) -> Scenario:
    """``sc`` with each area's potential shifted from March ``base_year``'s P0 to ``year``'s.

    The GB2's shape is kept; ``calibration.<area>.scale`` (rupiah per capita per month) is
    multiplied by ``(Q(P0 base) / Q(P0 year)) ** (1 / a)``, ``Q`` the beta-prime quantile: the
    factor that moves the potential's own headcount at the line by BPS's difference.
    """
    updates = {}
    for area in ("urban", "rural"):
        s = national_series(area)
        march = s[s["round"] == "march"].set_index("year").p0 / 100.0
        d = getattr(sc.calibration, area)
        ratio = stats.betaprime.ppf(march[base_year], d.p, d.q) / stats.betaprime.ppf(
            march[year], d.p, d.q
        )
        updates[area] = d.model_copy(update={"scale": d.scale * float(ratio) ** (1.0 / d.a)})
    return sc.model_copy(update={"calibration": sc.calibration.model_copy(update=updates)})


def simulated_moments(
    growth: float,
    moments: pd.DataFrame,
    seeds: int,
    households: int,
    base: str = "no_programs",
    overrides: dict | None = None,
) -> np.ndarray:
    """Mean simulated change of each BPS moment (percent points a year) at ``growth``.

    Args:
        growth: Annual real growth of earnings (``income.growth_annual``).
        moments: :func:`bps_moments`.
        seeds: Runs per window (seeds 0 .. seeds - 1: common random numbers across growths).
        households: Simulated households per run.
        base: The scenario simulated (government programmes only by default).
        overrides: Further scenario overrides (dotted names).
    """
    out = np.zeros(len(moments))
    for first, _last in WINDOWS:
        rows = (moments.window == first).to_numpy()
        months = int(moments[rows].month_to.max())
        sc = load_scenario(
            base,
            overrides={
                "population.households": households,
                "months": months,
                "income.growth_annual": growth,
                **(overrides or {}),
            },
        )
        sc = start_like(sc, first)
        acc = np.zeros(int(rows.sum()))
        for seed in range(seeds):
            p0 = PovertyModel(sc, rng=seed).run().timeseries().p0.to_numpy() * 100.0
            m = moments[rows]
            span = (m.year_to - m.year_from).to_numpy()
            acc += (p0[m.month_to.to_numpy()] - p0[m.month_from.to_numpy()]) / span
        out[rows] = acc / seeds
    return out


@dataclass(frozen=True)
class HindcastFit:
    """The fitted growth, its standard error and the moments with their residuals."""

    growth: float
    se: float
    moments: pd.DataFrame

    def summary(self) -> str:
        """The fit in a few lines: growth, standard error, residuals by window."""
        m = self.moments
        lines = [f"growth_annual = {self.growth:.4f} (se {self.se:.4f})"]
        for first, last in WINDOWS:
            w = m[m.window == first]
            lines.append(
                f"  {first}-{last}: BPS {w.change.mean():+.3f} points a year, simulated "
                f"{w.simulated.mean():+.3f} (mean residual {w.residual.mean():+.3f})"
            )
        return "\n".join(lines)


def fit_growth(
    seeds: int = 4,
    households: int = 50_000,
    bounds: tuple[float, float] = (-0.05, 0.15),
    step: float = 0.005,
    overrides: dict | None = None,
) -> HindcastFit:
    """Fit ``income.growth_annual`` to :func:`bps_moments` by simulated method of moments.

    Args:
        seeds: Runs per window and growth (common random numbers).
        households: Simulated households per run.
        bounds: Search interval of the annual growth.
        step: Half-width of the central difference for the standard error.
        overrides: Scenario overrides of every run (dotted names).

    Returns:
        The fit (``HindcastFit``), residuals as BPS minus simulated (points a year).
    """
    moments = bps_moments()
    target = moments.change.to_numpy()

    def objective(g: float) -> float:
        return float(
            (
                (simulated_moments(g, moments, seeds, households, overrides=overrides) - target)
                ** 2
            ).sum()
        )

    best = optimize.minimize_scalar(objective, bounds=bounds, method="bounded",
                                    options={"xatol": 1e-3})  # fmt: skip
    g = float(best.x)
    sim_at = simulated_moments(g, moments, seeds, households, overrides=overrides)
    hi = simulated_moments(g + step, moments, seeds, households, overrides=overrides)
    lo = simulated_moments(g - step, moments, seeds, households, overrides=overrides)
    grad = (hi - lo) / (2 * step)
    resid = target - sim_at
    s2 = float((resid**2).sum() / max(len(resid) - 1, 1))
    se = float(np.sqrt(s2 * (1 + 1 / seeds) / max(float(grad @ grad), 1e-12)))
    table = moments.assign(simulated=sim_at, residual=resid, derivative=grad)
    return HindcastFit(g, se, table)

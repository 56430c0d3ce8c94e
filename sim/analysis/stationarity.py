"""Is the start a steady state? The zero-growth path and where month 0's dispersion comes from.

Two measurements for issue 15 (``docs/VALIDATION.md``, "The steady state"):

* :func:`zero_growth_path`: ``no_programs`` with no growth of earnings and no drift of the
  line, mean over seeds, at chosen months: if the start is a steady state of the model's own
  shocks, illnesses, demography and government programmes, P0, P1, P2 and the Gini stay where
  they start.
* :func:`variance_budget`: the person-weighted variance of log per-capita consumption at month 0
  by area, as surveyed, true, and the fitted potential's (the quantile of the household's
  latent income): what the set-up's demography and burn-in add to the potential, and what the
  survey error adds to that. BPS's figures bound the total: a lognormal with the area's Gini
  has variance ``2 * (ndtri((gini + 1) / 2)) ** 2``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from sim.model import PovertyModel
from sim.scenario import load_scenario
from sim.world.distribution import latent_log_quantile

COLUMNS = ("p0", "p1", "p2", "gini", "p0_urban", "p0_rural")
"""Figures of the zero-growth path (fractions; Gini 0-1)."""


def mean_path(overrides: dict | None = None, households: int = 30_000, seeds: int = 4,
              months: int = 120) -> pd.DataFrame:  # fmt: skip
    """Mean :data:`COLUMNS` of ``no_programs`` over seeds 1 .. ``seeds``, one row a month.

    Args:
        overrides: Scenario overrides (dotted names).
        households: Simulated households per run.
        seeds: Runs averaged.
        months: Months simulated.
    """
    ov = {"population.households": households, "months": months, **(overrides or {})}
    sc = load_scenario("no_programs", overrides=ov)
    runs = [
        PovertyModel(sc, rng=seed).run().timeseries()[list(COLUMNS)].to_numpy()
        for seed in range(1, seeds + 1)
    ]
    return pd.DataFrame(np.mean(runs, axis=0), columns=list(COLUMNS))


def zero_growth_path(
    overrides: dict | None = None,
    households: int = 30_000,
    seeds: int = 4,
    months: int = 120,
    at: tuple[int, ...] = (0, 12, 24, 36, 60, 84, 120),
) -> pd.DataFrame:
    """Mean figures of ``no_programs`` without growth or line drift, seeds 1 .. ``seeds``.

    Args:
        overrides: Scenario overrides on top of zero growth and drift.
        households: Simulated households per run.
        seeds: Runs averaged.
        months: Months simulated.
        at: Months reported.

    Returns:
        One row per month of ``at`` (up to ``months``), the columns of :data:`COLUMNS`.
    """
    still = {"income.growth_annual": 0.0, "poverty_line.real_drift_annual": 0.0}
    path = mean_path({**still, **(overrides or {})}, households, seeds, months)
    rows = [m for m in at if m <= months]
    return path.loc[rows].set_axis(pd.Index(rows, name="month"))


def lognormal_variance(gini: float) -> float:
    """Variance of log consumption of a lognormal with this Gini (log points squared)."""
    return float(2.0 * special.ndtri((gini + 1.0) / 2.0) ** 2)


def variance_budget(
    overrides: dict | None = None, households: int = 20_000, seed: int = 1
) -> pd.DataFrame:
    """Month 0's variance of log per-capita consumption by area (person-weighted).

    Returns:
        Rows ``urban`` and ``rural``; columns ``surveyed``, ``true``, ``potential`` and
        ``added`` (the variance of true minus potential), log points squared.
    """
    ov = {"population.households": households, "months": 1, **(overrides or {})}
    model = PovertyModel(load_scenario("no_programs", overrides=ov), rng=seed)
    hh = model.households
    w = hh.persons
    surveyed = np.log(model.observed_consumption_pc()).astype(np.float64)
    true = np.log(hh.consumption_pc).astype(np.float64)
    latent = hh.latent_permanent + hh.persistent_shock
    potential = latent_log_quantile(model.config, hh.urban, latent).astype(np.float64)

    def var(x: np.ndarray, mask: np.ndarray) -> float:
        mu = np.average(x[mask], weights=w[mask])
        return float(np.average((x[mask] - mu) ** 2, weights=w[mask]))

    out = {}
    for area, mask in (("urban", hh.urban), ("rural", ~hh.urban)):
        out[area] = {
            "surveyed": var(surveyed, mask),
            "true": var(true, mask),
            "potential": var(potential, mask),
            "added": var(true - potential, mask),
        }
    return pd.DataFrame(out).T

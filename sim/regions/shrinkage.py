"""Empirical Bayes shrinkage of unit estimates towards a prior (regional growth).

DerSimonian & Laird (1986) estimate the between-unit variance tau^2 by the method of moments;
each unit's estimate is then shrunk towards the prior mean with weight tau^2 / (tau^2 + se^2)
(Efron & Morris 1975; Morris 1983). ``sim.regions.growth`` applies it to the provinces' growth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def dersimonian_laird(est: np.ndarray, se: np.ndarray) -> tuple[float, float, float]:
    """Between-unit variance by DerSimonian & Laird's (1986) method of moments.

    Args:
        est: Unit estimates (finite).
        se: Their standard errors (positive).

    Returns:
        ``(tau2, mu, mu_se)``: ``tau2 = max(0, (Q - (k - 1)) / (S1 - S2 / S1))`` with
        ``w = 1 / se**2``, ``S1 = sum w``, ``S2 = sum w**2``, ``Q = sum w (est - mu_fe)**2``
        about the fixed-effect mean; ``mu`` the random-effects mean (weights
        ``1 / (se**2 + tau2)``) and its standard error.
    """
    est, se = np.asarray(est, float), np.asarray(se, float)
    w = 1.0 / se**2
    mu_fe = float((w * est).sum() / w.sum())
    q = float((w * (est - mu_fe) ** 2).sum())
    s1, s2 = float(w.sum()), float((w**2).sum())
    tau2 = max(0.0, (q - (len(est) - 1)) / (s1 - s2 / s1))
    wr = 1.0 / (se**2 + tau2)
    return tau2, float((wr * est).sum() / wr.sum()), float(np.sqrt(1.0 / wr.sum()))


def shrink(
    est: np.ndarray, se: np.ndarray, prior: float, tau2: float, prior_se: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Empirical Bayes shrinkage of unit estimates towards a prior mean.

    Args:
        est: Raw estimates; NaN where a unit has none (it gets the prior).
        se: Their standard errors (NaN with ``est``).
        prior: The prior mean (the national growth).
        tau2: The between-unit variance about it.
        prior_se: Standard error of the prior mean.

    Returns:
        ``(w, shrunk, shrunk_se)``: ``w = tau2 / (tau2 + se**2)`` (0 without an estimate),
        ``shrunk = w est + (1 - w) prior``, ``shrunk_se = sqrt(w se**2 + (1 - w)**2
        prior_se**2)`` (``sqrt(tau2 + prior_se**2)`` without an estimate).
    """
    est, se = np.asarray(est, float), np.asarray(se, float)
    has = np.isfinite(est) & np.isfinite(se)
    s2 = np.where(has, se, 1.0) ** 2
    w = np.where(has, tau2 / (tau2 + s2) if tau2 > 0 else 0.0, 0.0)
    shrunk = np.where(has, w * np.where(has, est, 0.0) + (1 - w) * prior, prior)
    var = np.where(has, w * s2 + (1 - w) ** 2 * prior_se**2, tau2 + prior_se**2)
    return w, shrunk, np.sqrt(var)


def shrink_table(table: pd.DataFrame, prior: float, prior_se: float) -> tuple[pd.DataFrame, dict]:
    """``table`` with ``weight``, ``growth`` and ``growth_se``; and the summary (tau, mean)."""
    has = table.growth_raw.notna() & table.growth_raw_se.notna()
    tau2, mu, mu_se = dersimonian_laird(
        table.growth_raw[has].to_numpy(), table.growth_raw_se[has].to_numpy()
    )
    w, g, g_se = shrink(
        table.growth_raw.to_numpy(), table.growth_raw_se.to_numpy(), prior, tau2, prior_se
    )
    out = table.assign(weight=w, growth=g, growth_se=g_se)
    summary = {
        "prior": prior,
        "prior_se": prior_se,
        "tau": float(np.sqrt(tau2)),
        "mean_raw": mu,
        "mean_raw_se": mu_se,
        "provinces_fitted": int(has.sum()),
    }
    return out, summary

"""What institutions learn: from each other (knowledge exchange) and from evaluation (M&E).

Knowledge exchange closes part of the gap to the best member's practice quality; monitoring
and evaluation measure each institution's cost-effectiveness with noise, and donors follow
what it reveals (``Monitoring`` in ``sim.institutions.forms``).
"""

from __future__ import annotations

import numpy as np


def learn(quality: np.ndarray, members: np.ndarray, rate: float) -> np.ndarray:
    """Knowledge exchange: members close ``rate`` of the gap to the best member's practice."""
    if members.sum() < 2 or rate == 0:
        return quality
    best = quality[members].max()
    return np.where(members, quality + rate * (best - quality), quality)


def true_performance(
    quality: np.ndarray, cost_factor: np.ndarray, overhead: np.ndarray
) -> np.ndarray:
    """Relative cost-effectiveness: good done per rupiah, relative to the mean institution."""
    perf = quality / (cost_factor * (1.0 + overhead))
    mean = perf.mean() if perf.size else 1.0
    return perf / mean if mean > 0 else perf


def measured_performance(true: np.ndarray, noise_sd: float, draws: np.ndarray) -> np.ndarray:
    """Monitoring and evaluation reveal cost-effectiveness, with measurement noise."""
    return true * np.exp(noise_sd * draws - 0.5 * noise_sd**2)

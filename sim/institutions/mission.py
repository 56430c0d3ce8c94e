"""Themes, areas and missions: what each institution works for, and how far members diverge.

A mission is a vector of weights over the themes and the two areas (half each, normalised);
an institution's default mission is its own theme and the areas it reaches. The divergence of a
member from its group raises its coordination cost (``forms.coordination_cost``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

THEMES = ("education", "health", "livelihoods", "social_assistance")
"""The themes institutions work on (an alliance shares lists and divides areas within one)."""
AREAS = ("urban", "rural")


def mission_vector(theme: str, mission: dict[str, float], urban_share: float) -> np.ndarray:
    """Normalised weights over themes and areas (default: own theme, areas it reaches)."""
    themes = np.array([mission.get(t, 0.0) for t in THEMES], dtype=np.float64)
    if themes.sum() <= 0:
        themes = np.array([t == theme for t in THEMES], dtype=np.float64)
    areas = np.array([mission.get(a, 0.0) for a in AREAS], dtype=np.float64)
    if areas.sum() <= 0:
        areas = np.array([urban_share, 1 - urban_share])
    return np.concatenate([themes / themes.sum(), areas / areas.sum()]) / 2.0


def mission_divergence(vectors: Sequence[np.ndarray]) -> np.ndarray:
    """Each member's distance from the group's mean mission (half the L1 distance, 0-1)."""
    if len(vectors) == 0:
        return np.zeros(0)
    m = np.mean(vectors, axis=0)
    return np.array([0.5 * np.abs(v - m).sum() for v in vectors])

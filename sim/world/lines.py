"""Poverty lines per household: BPS's urban and rural lines (rupiah per capita per month)."""

from __future__ import annotations

import numpy as np

from sim.scenario import Scenario


def poverty_lines(sc: Scenario, urban: np.ndarray) -> np.ndarray:
    """Poverty line per household (rupiah per capita per month, March 2024 prices), float32.

    Args:
        sc: The scenario (``poverty_line.urban``, ``poverty_line.rural``).
        urban: Whether each household lives in an urban sub-district.

    Returns:
        float32 lines, one per household.
    """
    return np.where(urban, sc.poverty_line.urban, sc.poverty_line.rural).astype(np.float32)

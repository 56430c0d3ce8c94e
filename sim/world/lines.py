"""Poverty lines per household: BPS's urban and rural lines and their real drift.

Lines are rupiah per capita per month at March 2024 consumer prices: BPS's March 2024 line of
the household's area at month 0, rising by ``poverty_line.real_drift_annual`` a year.
"""

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


def line_factor(sc: Scenario, month: int) -> float:
    """The line at ``month`` relative to month 0: ``(1 + real_drift_annual) ** (month / 12)``."""
    return float((1.0 + sc.poverty_line.real_drift_annual) ** (month / 12.0))

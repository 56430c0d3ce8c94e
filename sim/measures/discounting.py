"""Discounting: the social discount rate and the monthly factors that weigh a run's months."""

from __future__ import annotations

import numpy as np

DISCOUNT_RATE_ANNUAL = 0.06
"""Social discount rate for value for money, per year (real, a fraction).

Source: Asian Development Bank (2017), *Guidelines for the Economic Analysis of Projects*,
Manila (doi:10.22617/TIM178607-2), section on the minimum required economic internal rate of
return: 9% in general, and 6% for social-sector projects, selected poverty-targeting projects
and projects addressing the environment. Indonesia is an ADB borrower and every programme here
is poverty-targeted, hence 6%. Indonesian guidance does not state a social rate that could be
used instead: the PPP (KPBU) value-for-money method of Bappenas and the Ministry of Finance
leaves the rate to each appraisal (Jurnal Teknik Sipil ITB 31(3), 2024,
doi:10.5614/jts.2024.31.3.11, recommends that a rule be written). A batch can change it
(``run_scenarios.py --discount-rate``); 0 gives the undiscounted sums.
"""


def discount_factors(months: np.ndarray, rate_annual: float = DISCOUNT_RATE_ANNUAL) -> np.ndarray:
    """Discount factor of each month: ``(1 + rate_annual) ** (-month / 12)``.

    Monthly discounting from the annual rate (the monthly rate is ``(1 + r)**(1/12) - 1``, so
    twelve months compound to exactly one year's rate). Month 0 (the start) weighs 1; row m
    holds the flows of month m and the state at its end, both weighed by the same factor.

    Args:
        months: Months since the start (``timeseries()["month"]``), integers >= 0.
        rate_annual: Discount rate per year, a fraction (0.06 is 6%); > -1.

    Returns:
        One factor per month, float64, in (0, 1] for a non-negative rate.

    Raises:
        ValueError: When the rate is not finite or not above -1.
    """
    rate = float(rate_annual)
    if not np.isfinite(rate) or rate <= -1:
        raise ValueError(f"discount rate must be a finite number above -1, got {rate_annual!r}")
    return np.power(1.0 + rate, -np.asarray(months, dtype=np.float64) / 12.0)

"""Numbers rounded to what their confidence interval supports.

An estimate is written to the decimal place of its 95% CI's half-width shown to one
significant digit, or two when that digit is a 1 (0.15 rather than 0.2, whose rounding would
move it by a third). Thus 0.344 [0.261, 0.427] reads "0.34 (0.26 to 0.43)", 5.2 [2.4, 8.0]
reads "5 (2 to 8)" and 2.04 [0.13, 3.95] "2.0 (0.1 to 4.0)"; an interval never collapses to
"0.00 (0.00 to 0.00)", because its
half-width keeps at least one significant digit. Without an interval (one replicate, or every
replicate the same) the value keeps two significant digits.
"""

from __future__ import annotations

import math
from typing import Any

from sim.report.numbers import finite, fmt_number

MAX_DECIMALS = 6
"""Most digits after the decimal mark (a half-width below 1e-6 of the shown unit is noise)."""


def decimals_for(half_width: Any, value: Any = None) -> int:
    """Digits after the decimal mark that a 95% CI of ``half_width`` supports.

    Args:
        half_width: Half the CI's width, in the unit shown (e.g. index points).
        value: The estimate, used only when there is no interval (``half_width`` missing or
            zero): it then keeps two significant digits.

    Returns:
        Digits after the decimal mark, from 0 to :data:`MAX_DECIMALS`.
    """
    if finite(half_width) and float(half_width) > 0:
        h = float(half_width)
        exponent = math.floor(math.log10(h))
        if round(h / 10**exponent, 6) >= 10:  # 9.99... shown as 10
            exponent += 1
        leading = int(round(h / 10**exponent, 6))
        digits = 2 if leading == 1 else 1
        decimals = digits - 1 - exponent
    elif finite(value) and float(value) != 0:
        decimals = 1 - math.floor(math.log10(abs(float(value))))
    else:
        decimals = 0
    return max(0, min(MAX_DECIMALS, decimals))


def rounded_interval(
    mean: Any, low: Any, high: Any, lang: str = "en", scale: float = 1.0
) -> tuple[str, str, str]:
    """An estimate and its 95% CI as text, rounded to what the interval supports.

    Args:
        mean: The estimate.
        low: Lower end of its 95% CI (missing: the estimate keeps two significant digits).
        high: Upper end of its 95% CI.
        lang: ``"en"`` (``1,234.5``) or ``"id"`` (``1.234,5``).
        scale: Factor to the unit shown (100 for index points).

    Returns:
        ``(mean, low, high)`` as text; the ends are ``"n/a"`` without an interval.
    """
    m = float(mean) * scale if finite(mean) else math.nan
    lo = float(low) * scale if finite(low) else math.nan
    hi = float(high) * scale if finite(high) else math.nan
    half = (hi - lo) / 2 if finite(lo) and finite(hi) else math.nan
    d = decimals_for(half, m)
    return fmt_number(m, d, lang), fmt_number(lo, d, lang), fmt_number(hi, d, lang)


def significant(value: Any, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant digits (0 and non-finite values unchanged)."""
    if not finite(value) or float(value) == 0:
        return float(value) if finite(value) else math.nan
    v = float(value)
    return round(v, digits - 1 - math.floor(math.log10(abs(v))))

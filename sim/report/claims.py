"""A title's claim of a largest or a most, kept true: who leads at the precision shown.

A figure's title that says one scenario has "the largest coalition" must not be read off a
tie: when several share the top value as the title writes it (rounded to the digits shown),
the title names them all. :func:`leaders` finds them; the figures choose the wording for one
leader or a tie.
"""

from __future__ import annotations

import math
from collections.abc import Mapping


def leaders(values: Mapping[str, float], decimals: int, largest: bool = True) -> list[str]:
    """The names whose value, rounded to ``decimals``, equals the best rounded value.

    Args:
        values: Name to value (non-finite values are left out).
        decimals: Digits the title shows (the precision at which two values tie).
        largest: True when the largest value leads, False when the smallest does.

    Returns:
        The leaders in the order of ``values``; empty when no value is finite.
    """
    shown = {k: round(float(v), decimals) for k, v in values.items() if math.isfinite(float(v))}
    if not shown:
        return []
    best = max(shown.values()) if largest else min(shown.values())
    return [k for k, v in shown.items() if v == best]

"""Numbers as the report writes them: separators by language, rupiah in words, intervals.

English writes ``1,234.5`` and ``Rp 1.2 bn``; Indonesian ``1.234,5`` and ``Rp 1,2 miliar``.
Missing or non-finite values read ``n/a``.
"""

from __future__ import annotations

import math
from typing import Any


def finite(value: Any) -> bool:
    """Whether ``value`` is a finite number (``None``, NaN, text and infinities are not)."""
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any, decimals: int = 2, lang: str = "en") -> str:
    """A number with thousands separators: ``1,234.5`` in English, ``1.234,5`` in Indonesian.

    Args:
        value: The number (``None`` or NaN give ``"n/a"``).
        decimals: Digits after the decimal mark.
        lang: ``"en"`` or ``"id"``.

    Returns:
        The formatted text.
    """
    if not finite(value):
        return "n/a"
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_rupiah(value: Any, lang: str = "en", decimals: int = 1) -> str:
    """Rupiah in words a reader expects: ``Rp 1.2 bn`` (English) or ``Rp 1,2 miliar``.

    Args:
        value: Rupiah.
        lang: ``"en"`` or ``"id"``.
        decimals: Digits after the decimal mark.

    Returns:
        The formatted amount, in millions, billions or trillions as fits.
    """
    if not finite(value):
        return "n/a"
    v = float(value)
    units = (
        (1e12, "tn", "triliun"),
        (1e9, "bn", "miliar"),
        (1e6, "m", "juta"),
    )
    for size, en, idn in units:
        if abs(v) >= size:
            return f"Rp {fmt_number(v / size, decimals, lang)} {en if lang == 'en' else idn}"
    return f"Rp {fmt_number(v, 0, lang)}"


def fmt_percent(fraction: float, lang: str = "en") -> str:
    """A fraction as a percentage without the sign: 0.06 -> ``6``, 0.035 -> ``3.5`` (``3,5``)."""
    pct = 100 * float(fraction)
    return fmt_number(pct, 0 if round(pct, 6).is_integer() else 1, lang)


def ci_text(mean: Any, low: Any, high: Any, scale: float, decimals: int, lang: str) -> str:
    """``mean [low, high]`` (Indonesian ``mean [low; high]``), each times ``scale``.

    Args:
        mean: The estimate.
        low: Lower end of its 95% CI (omitted with ``high`` when either is missing).
        high: Upper end of its 95% CI.
        scale: Factor to the shown unit (100 for index points).
        decimals: Digits after the decimal mark.
        lang: ``"en"`` or ``"id"``.

    Returns:
        The text, or ``"n/a"`` when the mean is missing.
    """
    text = fmt_number(float(mean) * scale if finite(mean) else None, decimals, lang)
    if text != "n/a" and finite(low) and finite(high):
        text += (
            f" [{fmt_number(float(low) * scale, decimals, lang)}; "
            f"{fmt_number(float(high) * scale, decimals, lang)}]"
            if lang == "id"
            else f" [{fmt_number(float(low) * scale, decimals, lang)}, "
            f"{fmt_number(float(high) * scale, decimals, lang)}]"
        )
    return text


def p_text(value: Any) -> str:
    """A p-value: three decimals, ``<0.001`` below that, ``n/a`` when missing."""
    if not finite(value):
        return "n/a"
    return "<0.001" if float(value) < 0.001 else f"{float(value):.3f}"

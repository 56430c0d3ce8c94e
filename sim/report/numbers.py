"""Numbers as the report writes them: separators by language, rupiah in words, intervals.

English writes ``1,234.5``, ``Rp 1.2 bn`` and ``p = 0.012``; Indonesian, as BPS writes,
``1.234,5``, ``Rp 1,2 miliar`` and ``0,012`` (a decimal comma and a thousands dot, so that
``1.000`` is never a p-value). Missing or non-finite values read ``n/a`` (``t.a.``, *tidak
ada*). Every formatter takes the language; the Indonesian report passes ``lang="id"``
everywhere.
"""

from __future__ import annotations

import math
from typing import Any

MISSING = {"en": "n/a", "id": "t.a."}
"""What a missing or non-finite value reads, per language (*t.a.*: *tidak ada*)."""


def missing(lang: str = "en") -> str:
    """The text of a missing value in ``lang``: ``n/a`` or ``t.a.``."""
    return MISSING.get(lang, MISSING["en"])


def finite(value: Any) -> bool:
    """Whether ``value`` is a finite number (``None``, NaN, text and infinities are not)."""
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any, decimals: int = 2, lang: str = "en") -> str:
    """A number with thousands separators: ``1,234.5`` in English, ``1.234,5`` in Indonesian.

    Args:
        value: The number (``None`` or NaN give :func:`missing`).
        decimals: Digits after the decimal mark.
        lang: ``"en"`` or ``"id"``.

    Returns:
        The formatted text.
    """
    if not finite(value):
        return missing(lang)
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
        return missing(lang)
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
        The text, or :func:`missing` when the mean is missing.
    """
    text = fmt_number(float(mean) * scale if finite(mean) else None, decimals, lang)
    if finite(mean) and finite(low) and finite(high):
        text += (
            f" [{fmt_number(float(low) * scale, decimals, lang)}; "
            f"{fmt_number(float(high) * scale, decimals, lang)}]"
            if lang == "id"
            else f" [{fmt_number(float(low) * scale, decimals, lang)}, "
            f"{fmt_number(float(high) * scale, decimals, lang)}]"
        )
    return text


def p_text(value: Any, lang: str = "en") -> str:
    """A p-value: three decimals (``0.012``; Indonesian ``0,012``), ``<0.001`` below that.

    Args:
        value: The p-value (missing gives :func:`missing`).
        lang: ``"en"`` or ``"id"``.

    Returns:
        The text; a p-value of one reads ``1.000`` (``1,000``), never a thousand.
    """
    if not finite(value):
        return missing(lang)
    if float(value) < 0.001:
        return "<" + fmt_number(0.001, 3, lang)
    return fmt_number(value, 3, lang)

"""Brief-ready sentences from the paired statistics, and what the intervals cover."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.report.numbers import finite, fmt_number
from sim.report.text import check_lang, t


def ci_covers(manifest: Mapping[str, Any], lang: str = "en", short: bool = False) -> str:
    """What the report's confidence intervals cover, from the manifest.

    Args:
        manifest: The batch's manifest. A true ``parameter_uncertainty`` key means uncertain
            parameters were drawn per replicate.
        lang: ``"en"`` or ``"id"``.
        short: The short wording a figure's title holds (the report's text says it in full).

    Returns:
        "simulation noise only, with every parameter fixed ...", or the parameter-uncertainty
        wording.
    """
    key = "noise_params" if manifest.get("parameter_uncertainty") else "noise"
    return t(f"{key}_short" if short else key, lang)


def horizon(months: int, lang: str = "en") -> str:
    """``"10 years"`` for 120 months, ``"6 months"`` for 6 (in ``lang``)."""
    if months >= 12 and months % 12 == 0:
        return t("year", lang) if months == 12 else t("years", lang, n=months // 12)
    return t("months", lang, n=months)


def difference_sentence(
    scenario: str,
    reference: str,
    metric: str,
    diff_mean: float,
    diff_low: float,
    diff_high: float,
    n: int,
    months: int,
    lang: str = "en",
) -> str:
    """A brief-ready sentence on a paired difference in a poverty index.

    Args:
        scenario: Scenario id.
        reference: The scenario it is compared with.
        metric: ``p0``, ``p1``, ``p2``, ``watts``, ``mpi_m0`` or ``gini`` (a fraction).
        diff_mean: Mean paired difference, scenario minus reference (fraction).
        diff_low: Lower end of its 95% CI (fraction).
        diff_high: Upper end of its 95% CI (fraction).
        n: Paired replications.
        months: Months simulated.
        lang: ``"en"`` or ``"id"``.

    Returns:
        E.g. "Compared with competition, full_synergy lowers the poverty gap after 10 years
        by 0.09 points (95% CI 0.08 to 0.10; 20 paired replications)." When the interval
        spans zero the sentence says "no detectable difference".
    """
    lang = check_lang(lang)
    common = {"ref": reference, "scen": scenario, "what": t(metric, lang)}
    common |= {"when": horizon(months, lang), "n": n, "ci": t("ci", lang)}
    if not (finite(diff_low) and finite(diff_high)):
        return t("sentence_noci", lang, size=fmt_number(100 * diff_mean, 2, lang), **common)
    if diff_low <= 0 <= diff_high:
        return t(
            "sentence_none",
            lang,
            size=fmt_number(100 * diff_mean, 2, lang),
            low=fmt_number(100 * diff_low, 2, lang),
            high=fmt_number(100 * diff_high, 2, lang),
            **common,
        )
    lower = diff_mean < 0
    low, high = (-diff_high, -diff_low) if lower else (diff_low, diff_high)
    return t(
        "sentence",
        lang,
        verb=t("lowers" if lower else "raises", lang),
        size=fmt_number(100 * abs(diff_mean), 2, lang),
        low=fmt_number(100 * low, 2, lang),
        high=fmt_number(100 * high, 2, lang),
        **common,
    )

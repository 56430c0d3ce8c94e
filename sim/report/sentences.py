"""Brief-ready sentences from the paired statistics, and what the intervals cover."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sim.report.labels import metric_label, scenario_label
from sim.report.numbers import finite, fmt_number, fmt_percent
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
        scenario: Scenario id or point label (written by its human name,
            :func:`~sim.report.labels.scenario_label`).
        reference: The scenario it is compared with (id or name).
        metric: ``p0``, ``p1``, ``p2``, ``watts``, ``mpi_m0`` or ``gini`` (a fraction).
        diff_mean: Mean paired difference, scenario minus reference (fraction).
        diff_low: Lower end of its 95% CI (fraction).
        diff_high: Upper end of its 95% CI (fraction).
        n: Paired replications.
        months: Months simulated.
        lang: ``"en"`` or ``"id"``.

    Returns:
        E.g. "Compared with Competition, Full synergy lowers the poverty gap index after 10
        years by 0.09 points (95% CI 0.08 to 0.10; 20 paired replications)." When the
        interval spans zero the sentence says "no detectable difference".
    """
    lang = check_lang(lang)
    common = {
        "ref": scenario_label(reference, lang),
        "scen": scenario_label(scenario, lang),
        "what": metric_label(metric, lang),
    }
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


def poverty_line_text(scenarios: Iterable[Mapping[str, Any]], lang: str = "en") -> str | None:
    """The poverty line the batch measures poverty against, as a sentence of the report.

    Args:
        scenarios: The batch's resolved scenarios (``scenarios/<hash>.json``), each with a
            ``poverty_line`` table: ``urban`` and ``rural`` (rupiah per capita per month at
            March 2024 prices, BPS) and ``real_drift_annual`` (a fraction per year).
        lang: ``"en"`` or ``"id"``.

    Returns:
        E.g. "Poverty line (BPS, March 2024 prices): Rp 601,871 in urban and Rp 556,874 in
        rural areas per capita per month, rising 3.3% a year in real terms over the run";
        the smallest to the largest value where the scenarios (regions) differ; ``None``
        when no scenario gives its line.
    """
    lines = [s["poverty_line"] for s in scenarios if isinstance(s.get("poverty_line"), Mapping)]
    if not lines:
        return None

    def span(values: list[float], fmt: Any) -> str:
        low, high = min(values), max(values)
        return fmt(low) if low == high else f"{fmt(low)}-{fmt(high)}"

    def rupiah(v: float) -> str:
        return fmt_number(v, 0, lang)

    areas = t(
        "line_areas",
        lang,
        urban=span([float(x["urban"]) for x in lines], rupiah),
        rural=span([float(x["rural"]) for x in lines], rupiah),
    )
    drift = span(
        [float(x.get("real_drift_annual", 0.0)) for x in lines], lambda v: fmt_percent(v, lang)
    )
    return t("b_poverty_line", lang, lines=areas, drift=drift)

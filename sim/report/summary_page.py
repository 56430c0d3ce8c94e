"""The one-page summary that opens the report: what was compared, and which differences are real.

A reader of this page alone learns what was compared (the scenarios and the reference), in
which population (simulated households and the real households they stand for, per region),
for how long (months and calendar dates), with what money (programme rupiah over the run,
per scenario), what the 95% CIs cover, and which differences are real: at most
:data:`~sim.report.findings.MAX_FINDINGS` ranked findings (``sim.report.findings``), each one
quotable sentence, and the differences that are not detectable grouped in one sentence without
numbers. Numbers are rounded to what their CI supports (``sim.report.rounding``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sim.report.baseline_path import calendar_label, month_dates
from sim.report.contents import spending
from sim.report.document import Document
from sim.report.findings import Difference, Finding, Findings, select_findings
from sim.report.folder import ReportData
from sim.report.labels import join_names, metric_label, point_label, scenario_label
from sim.report.numbers import finite, fmt_number, fmt_rupiah
from sim.report.regions import REGION, point_region, regions
from sim.report.rounding import rounded_interval
from sim.report.sentences import ci_covers, horizon
from sim.report.text import t

P_FLOOR = 0.001
"""Smaller p-values are written as ``< 0.001``."""

MAX_NAMED_REGIONS = 6
"""A batch over more regions than this leaves their names to the region table."""


def add_summary(doc: Document, data: ReportData, lang: str) -> Findings:
    """The summary page: its context paragraph, the ranked findings and the rest in a sentence.

    Args:
        doc: The document (the page is its first ``##`` section).
        data: The folder's data.
        lang: ``"en"`` or ``"id"``.

    Returns:
        The findings shown (for tests and callers that want them).
    """
    found = select_findings(data)
    doc.h(2, t("sum_h", lang))
    for line in context(data, found, lang):
        doc.p(line)
    if not found.compared:
        doc.ol(level_sentences(data, lang))
    elif found.ranked:
        doc.ol([finding_sentence(data, f, lang) for f in found.ranked])
        rest = []
        if found.more:
            count = sum(len(f.differences) for f in found.more)
            ref = scenario_label(data.reference, lang)
            rest.append(t("sum_more", lang, count=count, table=t("h_diff", lang, ref=ref)))
        if found.undetectable:
            rest.append(undetectable_sentence(data, found, lang))
        if rest:
            doc.p(" ".join(rest))
    else:
        doc.ol([undetectable_sentence(data, found, lang)])
    doc.p(t("points_note", lang))
    return found


# --------------------------------------------------------------------------------------------
# What was compared, in which population, for how long, with what money
# --------------------------------------------------------------------------------------------


def name(data: ReportData, point: Mapping[str, Any], lang: str) -> str:
    """A point's human name without its region (the sentence names the region)."""
    return point_label(point, [k for k in data.keys if k != REGION], lang)


def population(data: ReportData, point: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """``(simulated, represented)`` households of a point (``None`` when not recorded)."""
    pop = data.resolved(point).get("population", {})
    simulated = pop.get("households")
    if simulated is None:
        sizes = {int(s["households"]) for s in data.manifest.get("scenarios", [])}
        simulated = sizes.pop() if len(sizes) == 1 else None
    represented = pop.get("households_represented")
    return (
        int(simulated) if simulated is not None else None,
        int(represented) if represented is not None else None,
    )


def _count(values: set[int], lang: str) -> str:
    low, high = min(values), max(values)
    text = fmt_number(low, 0, lang)
    return text if low == high else f"{text}-{fmt_number(high, 0, lang)}"


def population_text(data: ReportData, lang: str) -> str:
    """The batch's population: simulated and real households, of one region or several."""
    names = regions(data)
    sims: set[int] = set()
    reps: set[int] = set()
    for p in data.points():
        simulated, represented = population(data, p)
        if simulated is not None:
            sims.add(simulated)
        if represented is not None:
            reps.add(represented)
    simulated = _count(sims, lang) if sims else "?"
    if len(names) > 1:
        represented = _count(reps, lang) if reps else "?"
        return t(
            "sum_population_many",
            lang,
            count=len(names),
            regions=f" ({join_names(names, lang)})" if len(names) <= MAX_NAMED_REGIONS else "",
            simulated=simulated,
            represented=represented,
        )
    region = names[0] if names else "?"
    if not reps:
        return t("sum_population_sim", lang, simulated=simulated, region=region)
    return t(
        "sum_population_one",
        lang,
        simulated=simulated,
        represented=_count(reps, lang),
        region=region,
    )


def start_month(data: ReportData, point: Mapping[str, Any]) -> int:
    """The calendar month (1-12) of a point's month 0 (``seasons.start_calendar_month``)."""
    return int(data.resolved(point).get("seasons", {}).get("start_calendar_month", 3))


def period_text(data: ReportData, lang: str) -> str:
    """The batch's period: its length and its calendar dates ("2 years (24 months), ...")."""
    points = data.points()
    months = sorted({data.months_of(p) for p in points}) or [data.months]
    first = start_month(data, points[0]) if points else 3
    start = calendar_label(float(month_dates(0, first)), lang)
    if len(months) > 1:
        return t("sum_period_mixed", lang, shortest=months[0], longest=months[-1], start=start)
    end = calendar_label(float(month_dates(months[0], first)), lang)
    when = horizon(months[0], lang)
    if months[0] % 12:  # the horizon is already in months
        return t("sum_period_months", lang, when=when, start=start, end=end)
    return t("sum_period_one", lang, when=when, months=months[0], start=start, end=end)


def money_of(data: ReportData) -> dict[str, float]:
    """Programme money spent over the run per point label (rupiah, the represented scale).

    The sum of the institutions' ``spent_*`` over the run (``sim.report.contents.spending``).
    Where the value-for-money baseline spends nothing (``no_programs``), it equals the value-
    for-money table's "spent over the run" (money beyond the baseline's).
    """
    return {label: sum(sums.values()) for label, _, sums in spending(data)}


def context(data: ReportData, found: Findings, lang: str) -> list[str]:
    """The paragraphs before the findings: compared, population, period, money, what is real."""
    points = data.points()
    names = join_names(list(dict.fromkeys(name(data, p, lang) for p in points)), lang)
    reps = data.manifest.get("reps", "?")
    ref = scenario_label(data.reference, lang) if data.reference else ""
    money = money_of(data)
    items = [
        t("sum_money_item", lang, scen=data_label(data, p, lang), spent=fmt_rupiah(money[k], lang))
        for p in points
        if (k := data.label(p)) in money
    ]
    compared = (
        t("sum_compared", lang, scenarios=names, ref=ref, reps=reps)
        if found.compared
        else t("sum_compared_none", lang, scenarios=names, reps=reps)
    )
    lines = [
        compared
        + " "
        + t("sum_population", lang, population=population_text(data, lang))
        + " "
        + t("sum_period", lang, period=period_text(data, lang)),
    ]
    if items:
        lines.append(t("sum_money", lang, money="; ".join(items)))
    if found.compared:
        lines.append(
            t(
                "sum_real",
                lang,
                family=found.family,
                ci=t("ci_short", lang),
                covers=ci_covers(data.manifest, lang),
                ref=ref,
            )
        )
    return lines


def data_label(data: ReportData, point: Mapping[str, Any], lang: str) -> str:
    """A point's human name with its region when the batch has several."""
    label = name(data, point, lang)
    return f"{label} ({point_region(data, point)})" if len(regions(data)) > 1 else label


# --------------------------------------------------------------------------------------------
# The findings
# --------------------------------------------------------------------------------------------


def p_value_text(p: float, lang: str) -> str:
    """A Holm-adjusted p-value: three decimals, or ``< 0.001``, in ``lang``'s decimal mark."""
    if float(p) < P_FLOOR:
        return t("sum_p_below", lang, p=fmt_number(P_FLOOR, 3, lang))
    return fmt_number(p, 3, lang)


def effects_text(differences: Sequence[Difference], lang: str) -> str:
    """A finding's differences in one clause, the verb said again only when it changes.

    E.g. "lowers the poverty headcount (P0) by 0.34 percentage points (...) and the poverty
    gap index (P1) by 0.06 points (...)".
    """
    parts = []
    verb = None
    for d in differences:
        parts.append(effect_text(d, lang, with_verb=(d.mean < 0) is not verb))
        verb = d.mean < 0
    return join_names(parts, lang)


def effect_text(d: Difference, lang: str, with_verb: bool = True) -> str:
    """One difference: "lowers the poverty headcount (P0) by 0.34 percentage points (...)"."""
    lower = d.mean < 0
    low, high = (-d.high, -d.low) if lower else (d.low, d.high)
    size, lo, hi = rounded_interval(abs(d.mean), low, high, lang, scale=100)
    return t(
        "sum_effect" if with_verb else "sum_effect_same",
        lang,
        verb=t("sum_lowers" if lower else "sum_raises", lang),
        ci=t("ci_short", lang),
        what=f"{metric_label(d.metric, lang)} ({d.metric.upper()})",
        size=size,
        unit=t(f"sum_unit_{d.metric}", lang),
        low=lo,
        high=hi,
        p=p_value_text(d.p_holm, lang),
    )


def _where(data: ReportData, point: Mapping[str, Any], lang: str) -> tuple[str, str]:
    """The point's region and its population clause."""
    simulated, represented = population(data, point)
    sim_text = fmt_number(simulated, 0, lang) if simulated is not None else "?"
    if represented is None:
        pop = t("sum_finding_population_sim", lang, simulated=sim_text)
    else:
        pop = t(
            "sum_finding_population",
            lang,
            simulated=sim_text,
            represented=fmt_number(represented, 0, lang),
        )
    return point_region(data, point), pop


def finding_sentence(data: ReportData, finding: Finding, lang: str) -> str:
    """A finding as one quotable sentence: where, who, how long, what, against whom, money, CI."""
    p = finding.point
    ref = finding.differences[0].reference
    ref_point = {**p, data.keys[0]: ref}
    money = money_of(data)
    where, pop = _where(data, p, lang)
    return t(
        "sum_finding",
        lang,
        where=where,
        population=pop,
        when=horizon(data.months_of(p), lang),
        scen=name(data, p, lang),
        effects=effects_text(finding.differences, lang),
        ref=scenario_label(ref, lang),
        spent=fmt_rupiah(money.get(data.label(p)), lang),
        ref_spent=fmt_rupiah(money.get(data.label(ref_point)), lang),
        ci=t("ci_short", lang),
        covers=ci_covers(data.manifest, lang, short=True),
    )


def undetectable_sentence(data: ReportData, found: Findings, lang: str) -> str:
    """The differences that are not detectable, grouped by point in one sentence, no numbers."""
    by_point: dict[str, list[str]] = {}
    for d in found.undetectable:
        by_point.setdefault(data_label(data, d.point, lang), []).append(d.metric.upper())
    if not found.ranked and not found.more:
        first = found.undetectable[0]
        return t(
            "sum_none_detectable",
            lang,
            ref=scenario_label(first.reference, lang),
            when=horizon(max(data.months_of(d.point) for d in found.undetectable), lang),
            family=found.family,
            items=join_names(list(by_point), lang),
            reps=data.manifest.get("reps", "?"),
        )
    items = [
        t("sum_undetectable_item", lang, scen=scen, metrics=join_names(metrics, lang))
        for scen, metrics in by_point.items()
    ]
    return t("sum_undetectable", lang, family=found.family, items="; ".join(items))


def level_sentences(data: ReportData, lang: str, metrics: Sequence[str] = ("p0",)) -> list[str]:
    """Without comparisons: each point's final level (at most five points), one sentence each."""
    money = money_of(data)
    out = []
    for p in data.points()[:5]:
        for metric in metrics:
            r = data.row(p, "final", metric)
            if r is None or not finite(r["mean"]):
                continue
            value, low, high = rounded_interval(r["mean"], r["ci_low"], r["ci_high"], lang, 100)
            where, pop = _where(data, p, lang)
            out.append(
                t(
                    "sum_level",
                    lang,
                    where=where,
                    population=pop,
                    when=horizon(data.months_of(p), lang),
                    scen=name(data, p, lang),
                    what=f"{metric_label(metric, lang)} ({metric.upper()})",
                    value=value,
                    unit=t(f"sum_level_unit_{metric}", lang),
                    low=low,
                    high=high,
                    spent=fmt_rupiah(money.get(data.label(p)), lang),
                    ci=t("ci_short", lang),
                    covers=ci_covers(data.manifest, lang, short=True),
                )
            )
    return out

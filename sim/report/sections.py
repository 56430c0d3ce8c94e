"""The sections of the report, each added to a :class:`~sim.report.document.Document`.

After the one-page summary (``sim.report.summary_page``), in order: the headline ranking by value
for money, the batch, the baseline beside BPS's record, the tables (final month, against the
reference, value for money, what in a scenario pays, where the money went), the figures, the
assumptions that matter most, and how to cite.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.attribution import read_attribution
from sim.report.assumptions import assumption_lines, assumptions_intro, find_morris
from sim.report.baseline_path import baseline_paragraph
from sim.report.contents import (
    DIFFERENCE_METRICS,
    END_POINT_VFM,
    HEADLINE,
    SPENDING,
    VFM_PANELS,
    ranking,
    spending,
    vfm_points,
)
from sim.report.document import Document
from sim.report.figures import FIGURES
from sim.report.folder import ReportData
from sim.report.labels import point_label, scenario_label
from sim.report.numbers import (
    ci_text,
    finite,
    fmt_number,
    fmt_percent,
    fmt_rupiah,
    missing,
    p_text,
)
from sim.report.sentences import poverty_line_text
from sim.report.text import caption, t


def add_headline(doc: Document, data: ReportData, lang: str) -> None:
    """The headline: points ranked by value for money over the whole run, or by final P1.

    The ranking is by poverty-gap person-months avoided per rupiah (discounted); the final
    month's figures stand beside it, and a sentence gives their order when it differs.
    """
    doc.h(2, t("h_headline", lang))
    ranked = ranking(data)
    if not ranked:
        _add_headline_by_poverty(doc, data, lang)
        return
    base = scenario_label(data.baseline, lang)
    doc.p(t("headline_intro", lang, base=base, rate=fmt_percent(data.discount_rate, lang)))
    top = ranked[0][2]
    if top is not None and finite(top["mean"]):
        doc.p(
            "**"
            + t(
                "headline_top",
                lang,
                scen=scenario_label(ranked[0][0], lang),
                value=fmt_number(float(top["mean"]), 0, lang),
                ci=t("ci", lang),
                low=fmt_number(float(top["ci_low"]), 0, lang),
                high=fmt_number(float(top["ci_high"]), 0, lang),
            )
            + "**"
        )
    rows = []
    label_to_point = {data.label(p): p for p in data.points()}
    for i, (label, *_rest) in enumerate(ranked, 1):
        p = label_to_point[label]
        cells = [str(i), point_label(p, data.keys, lang)]
        for metric, scale, d, _ in VFM_PANELS:
            r = data.row(p, "value_for_money", metric)
            cells.append(
                missing(lang)
                if r is None
                else ci_text(r["mean"], r["ci_low"], r["ci_high"], scale, d, lang)
            )
        spent = data.row(p, "value_for_money", "spent")
        cells.append(fmt_rupiah(spent["mean"] if spent is not None else None, lang))
        p0 = data.row(p, "final", "p0")
        cells.append(
            missing(lang)
            if p0 is None
            else ci_text(p0["mean"], p0["ci_low"], p0["ci_high"], 100, 2, lang)
        )
        rows.append(cells)
    header = ["rank", "scenario", *(f"col_{key}" for *_, key in VFM_PANELS), "col_spent"]
    doc.table(
        [t(k, lang) for k in [*header, "col_final_p0"]], rows, "rl" + "r" * (len(VFM_PANELS) + 2)
    )
    end_order = [label for label, *_ in ranking(data, END_POINT_VFM)]
    if end_order != [label for label, *_ in ranked]:
        order = ", ".join(scenario_label(label, lang) for label in end_order)
        doc.p(t("headline_end_point", lang, order=order))
    else:
        doc.p(t("headline_end_point_same", lang))


def _add_headline_by_poverty(doc: Document, data: ReportData, lang: str) -> None:
    doc.p(t("headline_none", lang, base=scenario_label(data.baseline, lang)))
    order = []
    for p in data.points():
        p1 = data.row(p, "final", "p1")
        p0 = data.row(p, "final", "p0")
        v1 = float(p1["mean"]) if p1 is not None and finite(p1["mean"]) else math.inf
        v0 = float(p0["mean"]) if p0 is not None and finite(p0["mean"]) else math.inf
        order.append((v1, v0, point_label(p, data.keys, lang), p1, p0))
    order.sort(key=lambda r: (r[0], r[1]))

    def cell(r: Any) -> str:
        return (
            missing(lang)
            if r is None
            else ci_text(r["mean"], r["ci_low"], r["ci_high"], 100, 2, lang)
        )

    doc.table(
        [t(k, lang) for k in ("rank", "scenario", "col_final_p1", "col_final_p0")],
        [[str(i), label, cell(p1), cell(p0)] for i, (_, _, label, p1, p0) in enumerate(order, 1)],
        "rlrr",
    )


def add_batch(doc: Document, data: ReportData, lang: str) -> None:
    """The command, seed, size, reference and version of the batch."""
    manifest = data.manifest
    doc.h(2, t("h_batch", lang))
    sizes = sorted({(s["households"], s["months"]) for s in manifest.get("scenarios", [])})
    doc.ul(
        [
            f"{t('b_command', lang)}: `{manifest.get('command', '')}`",
            t("b_seed", lang, seed=manifest.get("root_seed"), reps=manifest.get("reps")),
            f"{t('b_size', lang)}: "
            + "; ".join(t("b_hh", lang, h=fmt_number(h, 0, lang), m=m) for h, m in sizes),
            f"{t('b_reference', lang)}: {scenario_label(data.reference, lang)}"
            + (f". {manifest['reference_note']}" if manifest.get("reference_note") else ""),
            t("b_version", lang, v=manifest.get("versions", {}).get("sinergi")),
        ]
        + [line for line in [poverty_line_text(data.scenarios.values(), lang)] if line]
    )


def add_baseline_path(doc: Document, data: ReportData, lang: str) -> None:
    """BPS's recorded P0 change per year and the baseline's simulated one (one paragraph)."""
    doc.h(2, t("h_baseline", lang))
    doc.p(baseline_paragraph(data, lang))


def add_final_table(doc: Document, data: ReportData, lang: str, covers: str) -> None:
    """Poverty at the final month: mean [95% CI] of each ``HEADLINE`` metric, x 100."""
    doc.h(2, t("h_final", lang))
    doc.p(t("final_intro", lang) + f" {t('ci_short', lang)}: {covers}.")
    rows = []
    for p in data.points():
        cells = [data.row(p, "final", m) for m in HEADLINE]
        n = next((int(c["n"]) for c in cells if c is not None), 0)
        rows.append(
            [point_label(p, data.keys, lang), str(n)]
            + [
                missing(lang)
                if c is None
                else ci_text(c["mean"], c["ci_low"], c["ci_high"], 100, 2, lang)
                for c in cells
            ]
        )
    doc.table(
        [t("scenario", lang), "n"] + [t(f"short_{m}", lang) for m in HEADLINE],
        rows,
        "lr" + "r" * len(HEADLINE),
    )


def add_difference_table(doc: Document, data: ReportData, lang: str, covers: str) -> None:
    """Paired differences from the reference with Holm-adjusted p-values (if compared)."""
    summary = data.summary
    if summary.empty or not (summary["reference"] != "").any():
        return
    ref = scenario_label(data.reference, lang)
    family = int(np.isfinite(summary["p_value"].to_numpy(dtype=float)).sum())
    doc.h(2, t("h_diff", lang, ref=ref))
    doc.p(t("diff_intro", lang, ref=ref, family=family) + f" {t('ci_short', lang)}: {covers}.")
    rows = []
    for p in data.points():
        cells = [data.row(p, "final", m) for m in DIFFERENCE_METRICS]
        if all(c is None or not c["reference"] for c in cells):
            continue
        row = [point_label(p, data.keys, lang)]
        for c in cells:
            if c is None:
                row += [missing(lang), missing(lang)]
            else:
                row += [
                    ci_text(c["diff_mean"], c["diff_ci_low"], c["diff_ci_high"], 100, 3, lang),
                    p_text(c["p_holm"], lang),
                ]
        rows.append(row)
    header = [t("scenario", lang)]
    for m in DIFFERENCE_METRICS:
        header += [t(f"short_{m}", lang), t("holm", lang)]
    doc.table(header, rows, "l" + "rr" * len(DIFFERENCE_METRICS))


def add_value_for_money_table(doc: Document, data: ReportData, lang: str, covers: str) -> None:
    """Value for money against the baseline: over the whole run (discounted), then at the end."""
    points = vfm_points(data)
    if not points:
        return
    base = scenario_label(data.baseline, lang)
    doc.h(2, t("h_vfm", lang, base=base))
    doc.p(
        t("vfm_intro", lang, base=base, rate=fmt_percent(data.discount_rate, lang))
        + f" {t('ci_short', lang)}: {covers}."
    )
    cols = (
        ("gap_person_months_avoided", 1.0, 0, "col_gap_pm"),
        ("person_months_out_discounted", 1.0, 0, "col_pm_out"),
        ("extra_persons_out", 1.0, 0, "col_extra_out"),
        ("p1_closed", 100.0, 3, "col_p1_closed"),
        ("watts_closed", 100.0, 3, "col_watts_closed"),
    )
    rows = []
    for p in points:
        row = [point_label(p, data.keys, lang)]
        for metric, scale, d, _ in cols:
            r = data.row(p, "value_for_money", metric)
            row.append(
                missing(lang)
                if r is None
                else ci_text(r["mean"], r["ci_low"], r["ci_high"], scale, d, lang)
            )
        for metric in ("spent_discounted", "spent"):
            spent = data.row(p, "value_for_money", metric)
            row.append(fmt_rupiah(spent["mean"] if spent is not None else None, lang))
        rows.append(row)
    doc.table(
        [t("scenario", lang)]
        + [t(k, lang) for *_, k in cols]
        + [t("col_spent_discounted", lang), t("col_spent", lang)],
        rows,
        "l" + "r" * (len(cols) + 2),
    )


def add_attribution(doc: Document, data: ReportData, lang: str) -> None:
    """What in the attributed scenario pays: its Shapley shares (``attribution.csv``)."""
    table = read_attribution(data.folder)
    if table is None:
        return
    a = table.attrs
    scenario = scenario_label(str(a.get("scenario", "")), lang)
    reference = scenario_label(str(a.get("reference", "")), lang)
    low, high = a.get("total_ci", (math.nan, math.nan))
    doc.h(2, t("h_attribution", lang, scenario=scenario))
    doc.p(
        t(
            "attribution_intro",
            lang,
            scenario=scenario,
            reference=reference,
            total=fmt_number(100 * a["total"], 3, lang),
            ci=t("ci_short", lang),
            low=fmt_number(100 * low, 3, lang),
            high=fmt_number(100 * high, 3, lang),
            reps=a.get("reps", ""),
            households=fmt_number(a.get("households"), 0, lang),
        )
        + " "
        + t("attribution_money", lang)
    )
    rows = [
        [
            t(f"comp_{r.component}", lang),
            ci_text(r.effect, r.ci_low, r.ci_high, 100.0, 3, lang),
        ]
        for r in table.itertuples()
    ]
    rows.append([t("total", lang), ci_text(a["total"], low, high, 100.0, 3, lang)])
    doc.table([t("col_component", lang), t("col_share", lang)], rows, "lr")


def add_money_table(doc: Document, data: ReportData, lang: str) -> None:
    """Where the money went: rupiah per spending category and in total, per point."""
    spend = spending(data)
    if not spend:
        return
    doc.h(2, t("h_money", lang))
    doc.p(t("money_intro", lang))
    doc.table(
        [t("scenario", lang)] + [t(c, lang) for c in SPENDING] + [t("total", lang)],
        [
            [scenario_label(label, lang)]
            + [fmt_rupiah(s[c], lang) for c in SPENDING]
            + [fmt_rupiah(sum(s.values()), lang)]
            for label, _, s in spend
        ],
        "l" + "r" * (len(SPENDING) + 1),
    )


def add_figures(
    doc: Document,
    drawn: Mapping[str, Path],
    lang: str,
    base: str = "no_programs",
    directory: str = "figures",
) -> None:
    """The figures drawn, with captions, in ``FIGURES`` order.

    Args:
        doc: The document.
        drawn: Figure stem to its PNG path, for the figures drawn.
        lang: ``"en"`` or ``"id"``.
        base: The value-for-money baseline.
        directory: The figures' folder relative to the results folder (``figures`` for
            English, ``figures/id`` for Bahasa Indonesia), so that each report links its own.
    """
    doc.h(2, t("h_figures", lang))
    for stem, _ in FIGURES:
        if stem in drawn:
            doc.fig(f"{directory}/{stem}.png", caption(stem, lang, base=scenario_label(base, lang)))
        elif stem == "value_for_money":
            doc.p(t("no_vfm_fig", lang, base=base))
    doc.p(t("lorenz_note", lang))


def add_assumptions(doc: Document, data: ReportData, lang: str) -> None:
    """The parameters that matter most by the Morris ranking found, or that none was run."""
    doc.h(2, t("h_assumptions", lang))
    found = find_morris(data.folder)
    if found is None:
        doc.p(t("no_sensitivity", lang))
        return
    doc.p(assumptions_intro(data, found, lang))
    lines = assumption_lines(data, found, lang)
    if lines:
        doc.ol(lines)


def add_citation(doc: Document, data: ReportData, lang: str) -> None:
    """How to cite: version, commit, date, seed, replicates, scenario hashes and command."""
    manifest = data.manifest
    git = manifest.get("git") or {}
    commit = git.get("commit")
    date = str(manifest.get("finished") or manifest.get("started") or "")[:10]
    hashes = "; ".join(
        f"{s['scenario']}"
        + (f" ({', '.join(f'{k}={v}' for k, v in s['sweep'].items())})" if s["sweep"] else "")
        + f" {s['content_hash']}"
        for s in manifest.get("scenarios", [])
    )
    doc.h(2, t("h_cite", lang))
    doc.p(t("cite_intro", lang))
    modified = t("modified", lang) if git.get("dirty") else ""
    doc.code(
        f"Sinergi {manifest.get('versions', {}).get('sinergi')}"
        + (f" (commit {commit[:12]}{modified})" if commit else "")
        + t("cite_run", lang, date=date, seed=manifest.get("root_seed"), reps=manifest.get("reps"))
        + "\n"
        + t("cite_hashes", lang, hashes=hashes)
        + "\n"
        + f"{t('b_command', lang)}: {manifest.get('command', '')}"
    )

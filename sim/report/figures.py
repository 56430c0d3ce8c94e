"""The report's figures, each drawn from a results folder's data into ``figures/``.

Titles state a finding only as firmly as the paired comparison allows: a title that names a
best scenario says so when its 95% CI does not separate it from the reference or the runner-up.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.report.baseline_path import baseline_path_figure
from sim.report.contents import (
    DIFFERENCE_METRICS,
    SPENDING,
    VFM_PANELS,
    ranking,
    spending,
    vfm_points,
)
from sim.report.figure_style import (
    REACH_COUNTS,
    REACH_RATES,
    SPENDING_COLOURS,
    dot_whisker,
    mean_bands,
    new_figure,
    number_axis,
    save_figure,
    scenario_colours,
    style_axes,
)
from sim.report.folder import ReportData
from sim.report.numbers import finite, fmt_number, fmt_percent, fmt_rupiah
from sim.report.regions import region_figure
from sim.report.sentences import ci_covers
from sim.report.text import t


def headcount_figure(
    data: ReportData, path: Path, lang: str = "en", headcount: pd.DataFrame | None = None
) -> Path | None:
    """Figure 1: headcount (P0, %) over months per scenario point, with 95% bands."""
    bands = headcount if headcount is not None and not headcount.empty else None
    if bands is None:
        bands = mean_bands(data.timeseries, data.keys, "p0")
        if not bands.empty:
            bands["label"] = [data.label(r) for r in bands[data.keys].to_dict("records")]
    if bands is None or bands.empty:
        return None
    if "scenario" not in bands:
        bands = bands.assign(scenario=bands["label"].str.split(" ").str[0])
    colours = scenario_colours(bands["scenario"].astype(str))
    styles = ("-", "--", ":", "-.")
    fig = new_figure(8, 5)
    ax = fig.add_subplot()
    seen: dict[str, int] = {}
    finals = {}
    for label in dict.fromkeys(bands["label"]):
        g = bands[bands["label"] == label]
        scen = str(g["scenario"].iloc[0])
        style = styles[seen.get(scen, 0) % len(styles)]
        seen[scen] = seen.get(scen, 0) + 1
        colour = colours[scen]
        ax.plot(g["month"], 100 * g["mean"], color=colour, ls=style, lw=1.8, label=label)
        if np.isfinite(g["low"].to_numpy(dtype=float)).any():
            ax.fill_between(
                g["month"], 100 * g["low"], 100 * g["high"], color=colour, alpha=0.18, lw=0
            )
        finals[label] = float(g["mean"].iloc[-1])
    best = min(finals, key=lambda k: finals[k])
    title = t("t_headcount", lang, scen=best, value=fmt_number(100 * finals[best], 1, lang))
    # Titles state a finding only as firmly as the paired comparison allows.
    point = next((p for p in data.points() if data.label(p) == best), None)
    row = data.row(point, "final", "p0") if point is not None else None
    if row is not None and row["reference"]:
        lo, hi = row["diff_ci_low"], row["diff_ci_high"]
        if not (finite(lo) and finite(hi)) or lo <= 0 <= hi:
            title += t("hedge_ref", lang, ref=row["reference"])
    ax.set_xlabel(t("month", lang))
    ax.set_ylabel(t("f_headcount_y", lang))
    number_axis(ax.yaxis, lang)
    ax.set_title(title, fontsize=11)
    ax.text(
        0.0,
        -0.16,
        t("band", lang, covers=ci_covers(data.manifest, lang, short=True)),
        transform=ax.transAxes,
        fontsize=8,
        color="#444444",
    )
    style_axes(ax)
    ax.legend(fontsize=8, loc="best", frameon=False)
    fig.tight_layout()
    save_figure(fig, path)
    return path


def differences_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 2: final P0, P1, Watts, MPI M0 and Gini as paired differences from the reference."""
    pts = [
        p for p in data.points() if (r := data.row(p, "final", "p1")) is not None and r["reference"]
    ]
    if not pts:
        return None
    colours = scenario_colours([str(p["scenario"]) for p in data.points()])
    fig = new_figure(13, 1.6 + 0.45 * len(pts) + 1.8)
    axes = fig.subplots(1, len(DIFFERENCE_METRICS), sharey=True)
    best, best_val = None, 0.0
    for ax, metric in zip(axes, DIFFERENCE_METRICS, strict=True):
        means, lows, highs = [], [], []
        for p in pts:
            r = data.row(p, "final", metric)
            vals = (
                [np.nan] * 3 if r is None else [r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"]]
            )
            vals = [100 * float(v) if finite(v) else np.nan for v in vals]
            means.append(vals[0])
            lows.append(vals[1])
            highs.append(vals[2])
            if metric == "p1" and finite(vals[2]) and vals[2] < 0 and vals[0] < best_val:
                best, best_val = data.label(p), vals[0]
        dot_whisker(
            ax,
            [data.label(p) for p in pts],
            [str(p["scenario"]) for p in pts],
            means,
            lows,
            highs,
            colours,
        )
        ax.set_title(t(f"short_{metric}", lang), fontsize=10)
        number_axis(ax.xaxis, lang)
        ax.tick_params(axis="x", labelsize=8)
    fig.supxlabel(t("f_diff_x", lang, ref=data.reference, m=data.months), fontsize=9)
    title = (
        t("t_diff", lang, scen=best, ref=data.reference)
        if best
        else t("t_diff_none", lang, ref=data.reference)
    )
    fig.suptitle(
        title + f"\n({t('ci_short', lang)}: {ci_covers(data.manifest, lang, short=True)})",
        fontsize=11,
    )
    fig.tight_layout()
    save_figure(fig, path)
    return path


def value_for_money_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 3: value for money per rupiah against the baseline, with 95% CIs.

    Four panels sharing the scenario axis: over the whole run (discounted, the ranking's
    figure) poverty-gap person-months avoided and person-months out of poverty per Rp
    billion; at the final month P1 closed per Rp trillion and persons out per Rp billion.
    """
    ranked = ranking(data)
    if not ranked:
        return None
    by_label = {data.label(p): p for p in vfm_points(data)}
    pts = [by_label[label] for label, *_ in ranked]  # best at the top
    colours = scenario_colours([str(p["scenario"]) for p in data.points()])
    fig = new_figure(13, 1.6 + 0.45 * len(pts) + 1.8)
    axes = fig.subplots(1, len(VFM_PANELS), sharey=True)
    whole = t("f_vfm_whole", lang, rate=fmt_percent(data.discount_rate, lang))
    end = t("f_vfm_end", lang, m=data.months)
    for i, (ax, (metric, scale, _, key)) in enumerate(zip(axes, VFM_PANELS, strict=True)):
        ax.set_title(whole if i < 2 else end, fontsize=9)
        means, lows, highs = [], [], []
        for p in pts:
            r = data.row(p, "value_for_money", metric)
            vals = [np.nan] * 3 if r is None else [r["mean"], r["ci_low"], r["ci_high"]]
            vals = [scale * float(v) if finite(v) else np.nan for v in vals]
            means.append(vals[0])
            lows.append(vals[1])
            highs.append(vals[2])
        dot_whisker(
            ax,
            [data.label(p) for p in pts],
            [str(p["scenario"]) for p in pts],
            means,
            lows,
            highs,
            colours,
        )
        ax.set_xlabel(textwrap.fill(t(key, lang), 30), fontsize=9)
        number_axis(ax.xaxis, lang)
        ax.tick_params(axis="x", labelsize=8)
    top = ranked[0][0] if ranked else ""
    hedge = ""
    if len(ranked) > 1 and ranked[0][2] is not None and ranked[1][2] is not None:
        low, high = ranked[0][2]["ci_low"], ranked[1][2]["ci_high"]
        if not (finite(low) and finite(high)) or low <= high:
            hedge = t("hedge_overlap", lang, other=ranked[1][0])
    fig.suptitle(
        t("t_vfm", lang, scen=top)
        + hedge
        + f"\n({t('f_vfm', lang, base=data.baseline)}; "
        + f"{t('ci_short', lang)}: {ci_covers(data.manifest, lang, short=True)})",
        fontsize=11,
    )
    fig.tight_layout()
    save_figure(fig, path)
    return path


def _rupiah_unit(values: Sequence[float]) -> tuple[float, str]:
    top = max((abs(v) for v in values), default=0.0)
    if top >= 1e12:
        return 1e12, "unit_tn"
    if top >= 1e9:
        return 1e9, "unit_bn"
    return 1e6, "unit_mn"


def money_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 4: stacked bars of where the money went per scenario point, summed over the run."""
    spend = spending(data)
    if not spend:
        return None
    totals = [sum(s.values()) for _, _, s in spend]
    scale, unit = _rupiah_unit(totals)
    fig = new_figure(9, 1.8 + 0.45 * len(spend) + 1.2)
    ax = fig.add_subplot()
    y = np.arange(len(spend))[::-1]
    left = np.zeros(len(spend))
    # Categories get their own sequential shades, so they are not read as scenario colours.
    for i, col in enumerate(SPENDING):
        vals = np.array([s[col] for _, _, s in spend]) / scale
        ax.barh(
            y,
            vals,
            left=left,
            color=SPENDING_COLOURS[i],
            label=t(col, lang),
            edgecolor="white",
            lw=0.5,
        )
        left += vals
    ax.set_yticks(y)
    ax.set_yticklabels([label for label, _, _ in spend], fontsize=8)
    ax.set_xlabel(t("f_money_x", lang, m=data.months, unit=t(unit, lang)))
    number_axis(ax.xaxis, lang)
    style_axes(ax)
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    i_top = int(np.argmax(totals))
    if totals[i_top] > 0:
        share = 100 * spend[i_top][2]["spent_transfers"] / totals[i_top]
        title = t(
            "t_money",
            lang,
            scen=spend[i_top][0],
            value=fmt_rupiah(totals[i_top], lang),
            share=fmt_number(share, 0, lang),
        )
    else:
        title = t("t_money_none", lang)
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    save_figure(fig, path)
    return path


def reach_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 5: coverage, exclusion and inclusion errors (%) and duplicates (households)."""
    pts = data.points()
    if not pts:
        return None
    colours = scenario_colours([str(p["scenario"]) for p in pts])
    fig = new_figure(11, 4.8)
    ax_rate, ax_dup = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    width = 0.8 / len(pts)
    best, best_val = "", -1.0
    for j, p in enumerate(pts):
        c = colours[str(p["scenario"])]
        for group, metrics, ax, scale in (
            ("rate", REACH_RATES, ax_rate, 100.0),
            ("count", REACH_COUNTS, ax_dup, 1.0),
        ):
            xs = np.arange(len(metrics)) - 0.4 + width * (j + 0.5)
            means, errs = [], [[], []]
            for metric in metrics:
                r = data.row(p, "run_mean", metric)
                m = float(r["mean"]) * scale if r is not None and finite(r["mean"]) else np.nan
                lo = float(r["ci_low"]) * scale if r is not None and finite(r["ci_low"]) else m
                hi = float(r["ci_high"]) * scale if r is not None and finite(r["ci_high"]) else m
                means.append(m)
                errs[0].append(max(m - lo, 0.0) if finite(m) else 0.0)
                errs[1].append(max(hi - m, 0.0) if finite(m) else 0.0)
                if metric == "coverage_poor" and finite(m) and m > best_val:
                    best, best_val = data.label(p), m
            ax.bar(
                xs,
                np.nan_to_num(means),
                width=width,
                color=c,
                yerr=errs,
                capsize=2,
                error_kw={"lw": 0.8},
                label=data.label(p) if group == "rate" else None,
            )
    for ax, metrics, ylabel in (
        (ax_rate, REACH_RATES, "reach_pct"),
        (ax_dup, REACH_COUNTS, "reach_hh"),
    ):
        ax.set_xticks(np.arange(len(metrics)))
        ax.set_xticklabels([t(m, lang) for m in metrics], fontsize=8)
        ax.set_ylabel(t(ylabel, lang))
        number_axis(ax.yaxis, lang)
        style_axes(ax)
    handles, labels = ax_rate.get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, ncol=min(len(labels), 5), loc="lower center")
    fig.suptitle(
        t("t_reach", lang, scen=best, value=fmt_number(best_val, 1, lang))
        + f"\n({t('ci_short', lang)}: {ci_covers(data.manifest, lang, short=True)})",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    save_figure(fig, path)
    return path


def coalition_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 6: coalition members and mean trust over months, mean over replicates."""
    ts = data.timeseries
    if ts.empty or "coalition_members" not in ts:
        return None
    colours = scenario_colours([str(p["scenario"]) for p in data.points()])
    fig = new_figure(11, 4.6)
    ax_m, ax_t = fig.subplots(1, 2)
    finals: dict[str, float] = {}
    for metric, ax in (("coalition_members", ax_m), ("mean_trust", ax_t)):
        bands = mean_bands(ts, data.keys, metric) if metric in ts else pd.DataFrame()
        if bands.empty:
            continue
        for point, g in bands.groupby(data.keys, sort=False, dropna=False):
            point = point if isinstance(point, tuple) else (point,)
            p = dict(zip(data.keys, point, strict=True))
            c = colours[str(p["scenario"])]
            mean = g["mean"].to_numpy(dtype=float)
            if not np.isfinite(mean).any():
                continue
            ax.plot(g["month"], mean, color=c, lw=1.8, label=data.label(p))
            ax.fill_between(g["month"], g["low"], g["high"], color=c, alpha=0.18, lw=0)
            if metric == "coalition_members":
                finals[data.label(p)] = float(mean[-1])
    ax_m.set_ylabel(t("members", lang))
    ax_t.set_ylabel(t("trust", lang))
    ax_t.set_ylim(0, 1)
    for ax in (ax_m, ax_t):
        ax.set_xlabel(t("month", lang))
        number_axis(ax.yaxis, lang)
        style_axes(ax)
    if ax_m.get_legend_handles_labels()[0]:
        ax_m.legend(fontsize=8, frameon=False, loc="center right")
    if finals and max(finals.values()) > 0:
        best = max(finals, key=lambda k: finals[k])
        digits = 0 if float(finals[best]).is_integer() else 1
        title = t("t_coalition", lang, scen=best, value=fmt_number(finals[best], digits, lang))
    else:
        title = t("t_coalition_none", lang)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    save_figure(fig, path)
    return path


def start_end_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 7: P0, P1, P2 and Gini at month 0 and at the end, per scenario point."""
    ts = data.timeseries
    metrics = [m for m in ("p0", "p1", "p2", "gini") if m in ts]
    if ts.empty or not metrics:
        return None
    pts = data.points()
    colours = scenario_colours([str(p["scenario"]) for p in pts])
    fig = new_figure(11, 4.6)
    axes = fig.subplots(1, len(metrics))
    axes = np.atleast_1d(axes)
    drops: dict[str, float] = {}
    for ax, metric in zip(axes, metrics, strict=True):
        for p in pts:
            mask = np.ones(len(ts), dtype=bool)
            for k in data.keys:
                mask &= ts[k].astype(str).to_numpy() == str(p[k])
            g = ts[mask]
            if g.empty:
                continue
            start = 100 * g[g["month"] == g["month"].min()][metric].mean()
            end = 100 * g[g["month"] == g["month"].max()][metric].mean()
            c = colours[str(p["scenario"])]
            ax.plot([0, 1], [start, end], color=c, lw=1.6, marker="o", label=data.label(p))
            if metric == "p2":
                drops[data.label(p)] = start - end
        ax.set_xticks([0, 1])
        ax.set_xticklabels([t("start", lang), t("end", lang, m=data.months)], fontsize=8)
        ax.set_xlim(-0.3, 1.3)
        ax.set_title(t(f"short_{metric}", lang), fontsize=10)
        number_axis(ax.yaxis, lang)
        style_axes(ax)
    axes[0].set_ylabel(t("start_end_y", lang))
    axes[-1].legend(fontsize=7, frameon=False, loc="best")
    if drops:
        best = max(drops, key=lambda k: drops[k])
        fig.suptitle(t("t_start_end", lang, scen=best, m=data.months), fontsize=11)
    fig.tight_layout()
    save_figure(fig, path)
    return path


FIGURES: tuple[tuple[str, Callable[..., Path | None]], ...] = (
    ("headcount", headcount_figure),
    ("differences", differences_figure),
    ("value_for_money", value_for_money_figure),
    ("regions", region_figure),
    ("money", money_figure),
    ("reach", reach_figure),
    ("coalition", coalition_figure),
    ("start_end", start_end_figure),
    ("baseline_path", baseline_path_figure),
)
"""Figures of the report, in order: file stem and the function drawing it."""


def write_figures(
    data: ReportData,
    lang: str = "en",
    headcount: pd.DataFrame | None = None,
    directory: Path | None = None,
) -> dict[str, Path]:
    """Draw every figure the data support into ``<folder>/figures`` (PNG and SVG).

    Args:
        data: The folder's data.
        lang: ``"en"`` or ``"id"``.
        headcount: Precomputed headcount bands (``label``, ``scenario``, ``month``, ``mean``,
            ``low``, ``high``), else computed from the runs.
        directory: Where the files go (default ``<folder>/figures``; the report puts each
            language's figures in its own folder, ``sim.report.build.FIGURE_DIRS``).

    Returns:
        Figure stem mapped to its PNG path, for the figures drawn.
    """
    out = {}
    directory = data.folder / "figures" if directory is None else directory
    for stem, draw in FIGURES:
        path = directory / f"{stem}.png"
        kwargs = {"headcount": headcount} if stem == "headcount" else {}
        made = draw(data, path, lang, **kwargs)
        if made is not None:
            out[stem] = made
    return out

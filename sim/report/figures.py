"""The report's figures, each drawn from a results folder's data into ``figures/``.

Each figure is drawn by a ``draw_*`` function (data and language in, a Matplotlib figure
out; ``None`` when the data do not support it) and written by :func:`write_figures`; the
``*_figure(data, path, lang)`` functions draw and write one. Scenarios are named by their
human names (:mod:`sim.report.labels`) and each has its own colour, line style and marker.

Titles state a finding only as firmly as the data allow: a title that names a best scenario
names every scenario that ties with it at the precision shown (:func:`~sim.report.claims.
leaders`), and says so when its 95% CI does not separate it from the reference or the
runner-up.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.report.baseline_path import draw_baseline_path
from sim.report.claims import leaders
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
    below,
    dot_whisker,
    finish,
    mean_bands,
    new_figure,
    number_axis,
    save_figure,
    scenario_styles,
    style_axes,
)
from sim.report.folder import ReportData
from sim.report.labels import join_names, metric_label, point_label, scenario_label
from sim.report.numbers import finite, fmt_number, fmt_percent, fmt_rupiah
from sim.report.regions import draw_regions
from sim.report.sentences import ci_covers
from sim.report.text import t

Figure = Any
"""A Matplotlib figure."""


def _claim(
    values: dict[str, float], decimals: int, lang: str, key: str, largest: bool = True, **kw: Any
) -> str:
    """The title ``key`` (one leader) or ``key_tie`` (several) naming who leads ``values``."""
    top = leaders(values, decimals, largest)
    if not top:
        return ""
    value = fmt_number(values[top[0]], decimals, lang)
    tie = "_tie" if len(top) > 1 else ""
    return t(f"{key}{tie}", lang, scen=join_names(top, lang), value=value, **kw)


def _headcount_bands(data: ReportData, lang: str, headcount: pd.DataFrame | None) -> pd.DataFrame:
    """Headcount bands per point with ``name`` (the point's human name) and ``scenario``."""
    bands = headcount if headcount is not None and not headcount.empty else None
    if bands is None:
        bands = mean_bands(data.timeseries, data.keys, "p0")
        if bands.empty:
            return bands
        bands["label"] = [data.label(r) for r in bands[data.keys].to_dict("records")]
    if "scenario" not in bands:
        bands = bands.assign(scenario=bands["label"].str.split(" ").str[0])
    return bands.assign(name=[scenario_label(str(x), lang) for x in bands["label"]])


def draw_headcount(
    data: ReportData, lang: str = "en", headcount: pd.DataFrame | None = None
) -> Figure | None:
    """Figure 1: headcount (P0, %) over months, one small panel per scenario point.

    Each panel holds its point's mean and 95% band and, as a grey dashed line, the
    reference's mean, so that every line can be told apart and compared with the same one.
    """
    bands = _headcount_bands(data, lang, headcount)
    if bands.empty:
        return None
    styles = scenario_styles(bands["scenario"].astype(str))
    names = list(dict.fromkeys(bands["name"]))
    ref_name = scenario_label(data.reference, lang) if data.reference else ""
    ref = bands[bands["scenario"].astype(str) == data.reference] if data.reference else None
    ncols = len(names) if len(names) <= 3 else 2 if len(names) == 4 else 3
    nrows = -(-len(names) // ncols)
    fig = new_figure(3.6 * ncols + 0.8, 2.5 * nrows + 1.6)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False))
    finals = {}
    for ax, name in zip(axes.ravel(), names, strict=False):
        g = bands[bands["name"] == name]
        look = styles[str(g["scenario"].iloc[0])]
        if ref is not None and not ref.empty and str(g["scenario"].iloc[0]) != data.reference:
            r = ref[ref["label"] == ref["label"].iloc[0]]
            ax.plot(r["month"], 100 * r["mean"], color="#888888", ls="--", lw=1.1)
        ax.plot(g["month"], 100 * g["mean"], color=look["color"], ls=look["ls"], lw=1.8)
        if np.isfinite(g["low"].to_numpy(dtype=float)).any():
            ax.fill_between(
                g["month"], 100 * g["low"], 100 * g["high"], color=look["color"], alpha=0.2, lw=0
            )
        ax.set_title(name, fontsize=9, color=look["color"])
        number_axis(ax.yaxis, lang)
        number_axis(ax.xaxis, lang)
        style_axes(ax)
        finals[name] = 100 * float(g["mean"].iloc[-1])
    for i, ax in enumerate(axes.ravel()):
        if i >= len(names):
            ax.set_visible(False)
        elif i + ncols >= len(names):  # no panel below: this one shows the months
            ax.xaxis.set_tick_params(labelbottom=True)
            ax.set_xlabel(t("month", lang), fontsize=9)
        if i % ncols == 0:
            ax.set_ylabel(t("f_headcount_y", lang), fontsize=9)
    title = _claim(finals, 2, lang, "t_headcount", largest=False)  # as the tables show P0
    best = leaders(finals, 2, largest=False)
    point = next(
        (p for p in data.points() if len(best) == 1 and point_label(p, data.keys, lang) in best),
        None,
    )
    row = data.row(point, "final", "p0") if point is not None else None
    if row is not None and row["reference"]:
        lo, hi = row["diff_ci_low"], row["diff_ci_high"]
        if not (finite(lo) and finite(hi)) or lo <= 0 <= hi:
            title += t("hedge_ref", lang, ref=scenario_label(str(row["reference"]), lang))
    fig.suptitle(title, fontsize=11)
    note = t("band", lang, covers=ci_covers(data.manifest, lang, short=True))
    if ref is not None and not ref.empty:
        note += "; " + t("f_headcount_ref", lang, ref=ref_name)
    return finish(fig, rect=(0, below(fig, note), 1, 1))


def draw_differences(data: ReportData, lang: str = "en") -> Figure | None:
    """Figure 2: final P0, P1, Watts, MPI M0 and Gini as paired differences from the reference."""
    pts = [
        p for p in data.points() if (r := data.row(p, "final", "p1")) is not None and r["reference"]
    ]
    if not pts:
        return None
    styles = scenario_styles([str(p["scenario"]) for p in data.points()])
    colours = {k: v["color"] for k, v in styles.items()}
    fig = new_figure(13, 1.6 + 0.45 * len(pts) + 1.8)
    axes = fig.subplots(1, len(DIFFERENCE_METRICS), sharey=True)
    lowered: dict[str, float] = {}
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
            if metric == "p1" and finite(vals[2]) and vals[2] < 0:
                lowered[point_label(p, data.keys, lang)] = vals[0]
        dot_whisker(
            ax,
            [point_label(p, data.keys, lang) for p in pts],
            [str(p["scenario"]) for p in pts],
            means,
            lows,
            highs,
            colours,
        )
        ax.set_title(metric_label(metric, lang, short=True), fontsize=10)
        number_axis(ax.xaxis, lang)
        ax.tick_params(axis="x", labelsize=8)
    ref = scenario_label(data.reference, lang)
    fig.supxlabel(t("f_diff_x", lang, ref=ref, m=data.months), fontsize=9)
    title = (
        _claim(lowered, 3, lang, "t_diff", largest=False, ref=ref)
        if lowered
        else t("t_diff_none", lang, ref=ref)
    )
    fig.suptitle(
        title + f"\n({t('ci_short', lang)}: {ci_covers(data.manifest, lang, short=True)})",
        fontsize=11,
    )
    return finish(fig)


def draw_value_for_money(data: ReportData, lang: str = "en") -> Figure | None:
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
    styles = scenario_styles([str(p["scenario"]) for p in data.points()])
    colours = {k: v["color"] for k, v in styles.items()}
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
            [point_label(p, data.keys, lang) for p in pts],
            [str(p["scenario"]) for p in pts],
            means,
            lows,
            highs,
            colours,
        )
        ax.set_xlabel(textwrap.fill(t(key, lang), 30), fontsize=9)
        number_axis(ax.xaxis, lang)
        ax.tick_params(axis="x", labelsize=8)
    heads = {
        point_label(by_label[label], data.keys, lang): float(r["mean"])
        for label, _, r in ranked
        if r is not None and finite(r["mean"])
    }
    title = _claim(heads, 0, lang, "t_vfm") if heads else t("t_vfm_none", lang)
    top = leaders(heads, 0)
    if len(top) == 1 and len(ranked) > 1 and ranked[0][2] is not None and ranked[1][2] is not None:
        low, high = ranked[0][2]["ci_low"], ranked[1][2]["ci_high"]
        if not (finite(low) and finite(high)) or low <= high:
            other = point_label(by_label[ranked[1][0]], data.keys, lang)
            title += t("hedge_overlap", lang, other=other)
    base = scenario_label(data.baseline, lang)
    fig.suptitle(
        title
        + f"\n({t('f_vfm', lang, base=base)}; "
        + f"{t('ci_short', lang)}: {ci_covers(data.manifest, lang, short=True)})",
        fontsize=11,
    )
    return finish(fig)


def _rupiah_unit(values: Sequence[float]) -> tuple[float, str]:
    top = max((abs(v) for v in values), default=0.0)
    if top >= 1e12:
        return 1e12, "unit_tn"
    if top >= 1e9:
        return 1e9, "unit_bn"
    return 1e6, "unit_mn"


def draw_money(data: ReportData, lang: str = "en") -> Figure | None:
    """Figure 4: stacked bars of where the money went per scenario point, summed over the run."""
    spend = spending(data)
    if not spend:
        return None
    names = [scenario_label(label, lang) for label, _, _ in spend]
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
    ax.set_yticklabels(names, fontsize=8)
    ax.set_xlabel(t("f_money_x", lang, m=data.months, unit=t(unit, lang)))
    number_axis(ax.xaxis, lang)
    style_axes(ax)
    handles, labels = ax.get_legend_handles_labels()
    bottom = below(fig, "", handles, labels, ncol=3)
    shown = {n: v / scale for n, v in zip(names, totals, strict=True) if v > 0}
    top = leaders(shown, 1)
    if len(top) == 1:
        i_top = names.index(top[0])
        share = 100 * spend[i_top][2]["spent_transfers"] / totals[i_top]
        title = t(
            "t_money",
            lang,
            scen=top[0],
            value=fmt_rupiah(totals[i_top], lang),
            share=fmt_number(share, 0, lang),
        )
    elif top:
        value = fmt_rupiah(totals[names.index(top[0])], lang)
        title = t("t_money_tie", lang, scen=join_names(top, lang), value=value)
    else:
        title = t("t_money_none", lang)
    ax.set_title(title, fontsize=11)
    return finish(fig, rect=(0, bottom, 1, 1))


def _reach_bars(
    data: ReportData, ax: Any, metrics: Sequence[str], scale: float, pts: list[dict[str, Any]]
) -> dict[str, float]:
    """Grouped bars with 95% CIs of ``metrics`` per point; the coverage of the poor by name."""
    styles = scenario_styles([str(p["scenario"]) for p in pts])
    width = 0.8 / len(pts)
    coverage = {}
    for j, p in enumerate(pts):
        xs = np.arange(len(metrics)) - 0.4 + width * (j + 0.5)
        for x, metric in zip(xs, metrics, strict=True):
            r = data.row(p, "run_mean", metric)
            if r is None or not finite(r["mean"]):
                continue  # no institutions (the baseline): no bar rather than a false zero
            m = float(r["mean"]) * scale
            lo = float(r["ci_low"]) * scale if finite(r["ci_low"]) else m
            hi = float(r["ci_high"]) * scale if finite(r["ci_high"]) else m
            ax.bar(
                [x],
                [m],
                width=width,
                color=styles[str(p["scenario"])]["color"],
                hatch=("", "//", "..", "xx", "\\\\", "++")[j % 6],
                edgecolor="white",
                yerr=[[max(m - lo, 0.0)], [max(hi - m, 0.0)]],
                capsize=2,
                error_kw={"lw": 0.8},
            )
            if metric == "coverage_poor":
                coverage[str(j)] = m
    return coverage


def draw_reach(data: ReportData, lang: str = "en") -> Figure | None:
    """Figure 5: coverage, exclusion and inclusion errors (%) and duplicates (households).

    Each rate's axis label says what it is a share of: coverage of poor persons, the
    exclusion error of eligible households, the inclusion error of enrolments.
    """
    pts = data.points()
    if not pts:
        return None
    from matplotlib.patches import Patch

    styles = scenario_styles([str(p["scenario"]) for p in pts])
    names = [point_label(p, data.keys, lang) for p in pts]
    fig = new_figure(11, 5.6)
    ax_rate, ax_dup = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    coverage = _reach_bars(data, ax_rate, REACH_RATES, 100.0, pts)
    _reach_bars(data, ax_dup, REACH_COUNTS, 1.0, pts)
    for ax, metrics, ylabel in (
        (ax_rate, REACH_RATES, "reach_pct"),
        (ax_dup, REACH_COUNTS, "reach_hh"),
    ):
        ax.set_xticks(np.arange(len(metrics)))
        ax.set_xticklabels([textwrap.fill(t(f"den_{m}", lang), 22) for m in metrics], fontsize=8)
        ax.set_ylabel(t(ylabel, lang))
        number_axis(ax.yaxis, lang)
        style_axes(ax)
    handles = [
        Patch(
            facecolor=styles[str(p["scenario"])]["color"],
            hatch=("", "//", "..", "xx", "\\\\", "++")[j % 6],
            edgecolor="white",
        )
        for j, p in enumerate(pts)
    ]
    by_name = {names[int(j)]: v for j, v in coverage.items()}
    title = _claim(by_name, 1, lang, "t_reach") if by_name else t("t_reach_none", lang)
    fig.suptitle(
        title + f"\n({t('ci_short', lang)}: {ci_covers(data.manifest, lang, short=True)})",
        fontsize=11,
    )
    bottom = below(fig, t("f_reach_note", lang), handles, names, ncol=4)
    return finish(fig, rect=(0, bottom, 1, 1))


def draw_coalition(data: ReportData, lang: str = "en") -> Figure | None:
    """Figure 6: coalition members and mean trust over months, mean over replicates."""
    ts = data.timeseries
    if ts.empty or "coalition_members" not in ts:
        return None
    styles = scenario_styles([str(p["scenario"]) for p in data.points()])
    fig = new_figure(11, 5.0)
    ax_m, ax_t = fig.subplots(1, 2)
    finals: dict[str, float] = {}
    lines: dict[str, Any] = {}
    for metric, ax in (("coalition_members", ax_m), ("mean_trust", ax_t)):
        bands = mean_bands(ts, data.keys, metric) if metric in ts else pd.DataFrame()
        if bands.empty:
            continue
        for j, (point, g) in enumerate(bands.groupby(data.keys, sort=False, dropna=False)):
            point = point if isinstance(point, tuple) else (point,)
            p = dict(zip(data.keys, point, strict=True))
            look = styles[str(p["scenario"])]
            mean = g["mean"].to_numpy(dtype=float)
            if not np.isfinite(mean).any():
                continue
            name = point_label(p, data.keys, lang)
            # Markers at staggered months, so that lines lying on each other still show.
            every = max(1, len(mean) // 6)
            (line,) = ax.plot(
                g["month"],
                mean,
                color=look["color"],
                ls=look["ls"],
                marker=look["marker"],
                markevery=(j % every, every),
                ms=5,
                lw=1.6,
            )
            lines.setdefault(name, line)
            ax.fill_between(g["month"], g["low"], g["high"], color=look["color"], alpha=0.15, lw=0)
            if metric == "coalition_members":
                finals[name] = float(mean[-1])
    ax_m.set_ylabel(t("members", lang))
    ax_t.set_ylabel(t("trust", lang))
    ax_t.set_ylim(0, 1)
    for ax in (ax_m, ax_t):
        ax.set_xlabel(t("month", lang))
        number_axis(ax.yaxis, lang)
        number_axis(ax.xaxis, lang)
        style_axes(ax)
    bottom = below(fig, "", list(lines.values()), list(lines), ncol=4)
    if finals and max(finals.values()) > 0:
        digits = 0 if all(float(v).is_integer() for v in finals.values()) else 1
        title = _claim(finals, digits, lang, "t_coalition")
    else:
        title = t("t_coalition_none", lang)
    fig.suptitle(title, fontsize=11)
    return finish(fig, rect=(0, bottom, 1, 1))


def draw_start_end(data: ReportData, lang: str = "en") -> Figure | None:
    """Figure 7: P0, P1, P2 and Gini at month 0 and at the end, per scenario point."""
    ts = data.timeseries
    metrics = [m for m in ("p0", "p1", "p2", "gini") if m in ts]
    if ts.empty or not metrics:
        return None
    pts = data.points()
    styles = scenario_styles([str(p["scenario"]) for p in pts])
    fig = new_figure(11, 5.2)
    axes = np.atleast_1d(fig.subplots(1, len(metrics)))
    drops: dict[str, float] = {}
    lines: dict[str, Any] = {}
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
            look = styles[str(p["scenario"])]
            name = point_label(p, data.keys, lang)
            (line,) = ax.plot(
                [0, 1],
                [start, end],
                color=look["color"],
                ls=look["ls"],
                lw=1.6,
                marker=look["marker"],
                ms=6,
                mfc="white",
                mew=1.4,
            )
            lines.setdefault(name, line)
            if metric == "p2":
                drops[name] = start - end
        ax.set_xticks([0, 1])
        ax.set_xticklabels([t("start", lang), t("end", lang, m=data.months)], fontsize=8)
        ax.set_xlim(-0.3, 1.3)
        ax.set_title(metric_label(metric, lang, short=True), fontsize=10)
        number_axis(ax.yaxis, lang)
        style_axes(ax)
    axes[0].set_ylabel(t("start_end_y", lang))
    bottom = below(fig, "", list(lines.values()), list(lines), ncol=4)
    if drops:
        fig.suptitle(_claim(drops, 3, lang, "t_start_end", m=data.months), fontsize=11)
    return finish(fig, rect=(0, bottom, 1, 1))


def draw_baseline(data: ReportData, lang: str = "en") -> Figure | None:
    """Figure 8: BPS's recorded P0 beside the baseline's projection (:mod:`baseline_path`)."""
    return draw_baseline_path(data, lang)


def draw_region_ranking(data: ReportData, lang: str = "en") -> Figure | None:
    """The regions ranked by what a rupiah buys (:mod:`sim.report.regions`)."""
    return draw_regions(data, lang)


Draw = Callable[..., Figure | None]

FIGURES: tuple[tuple[str, Draw], ...] = (
    ("headcount", draw_headcount),
    ("differences", draw_differences),
    ("value_for_money", draw_value_for_money),
    ("regions", draw_region_ranking),
    ("money", draw_money),
    ("reach", draw_reach),
    ("coalition", draw_coalition),
    ("start_end", draw_start_end),
    ("baseline_path", draw_baseline),
)
"""Figures of the report, in order: file stem and the function drawing it."""


def _writer(draw: Draw) -> Callable[..., Path | None]:
    def write(data: ReportData, path: Path, lang: str = "en", **kwargs: Any) -> Path | None:
        fig = draw(data, lang, **kwargs)
        if fig is None:
            return None
        save_figure(fig, path)
        return path

    write.__doc__ = f"Draw with ``{draw.__name__}`` and write PNG and SVG at ``path``."
    return write


headcount_figure = _writer(draw_headcount)
differences_figure = _writer(draw_differences)
value_for_money_figure = _writer(draw_value_for_money)
money_figure = _writer(draw_money)
reach_figure = _writer(draw_reach)
coalition_figure = _writer(draw_coalition)
start_end_figure = _writer(draw_start_end)


def write_figures(
    data: ReportData,
    lang: str = "en",
    headcount: pd.DataFrame | None = None,
    directory: Path | None = None,
) -> dict[str, Path]:
    """Draw every figure the data support into ``directory`` (PNG and SVG).

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
    directory = data.folder / "figures" if directory is None else Path(directory)
    out = {}
    for stem, draw in FIGURES:
        kwargs = {"headcount": headcount} if stem == "headcount" else {}
        fig = draw(data, lang, **kwargs)
        if fig is not None:
            out[stem] = save_figure(fig, directory / f"{stem}.png")[0]
    return out

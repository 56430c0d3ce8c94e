"""The report's regions: where the batch ran, beside BPS's figures, and what a rupiah buys there.

Every point of a batch runs in one region (the scenario field ``region``: INDONESIA, a province
or a kabupaten/kota; ``--region`` sweeps it). This module gives the report

* the region of each point (the ``region`` column of ``summary.csv``; for folders written
  before it, the resolved scenario's field);
* BPS's March 2024 headcount P0 and poverty gap P1 of a region (total area; the nation's for
  INDONESIA and INDONESIA (by province)), from the tables ``sim.data.bps`` ships;
* the title's region and the opening sentence of a single-region batch;
* the region table: per region, BPS's P0 and P1, the real households represented, and each
  strategy's final P0 and P1 and its paired difference from the reference;
* for a batch over several regions, the figure ``regions``: the regions ranked by the
  poverty gap a rupiah of each strategy avoids, the report's headline value-for-money figure
  (``gap_person_months_avoided_per_billion_rupiah``: poverty-gap person-months, P1 x persons
  summed over the run's months, avoided against the baseline, per Rp 1 billion of programme
  money, both discounted; ``sim.measures.value_for_money``).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from sim.data import bps
from sim.regions.catalogue import NATION, UnknownRegionError, resolve_region
from sim.report.claims import leaders
from sim.report.contents import HEADLINE_VFM
from sim.report.document import Document
from sim.report.figure_style import (
    finish,
    new_figure,
    number_axis,
    save_figure,
    scenario_colours,
    style_axes,
)
from sim.report.folder import ReportData
from sim.report.labels import join_names, scenario_label
from sim.report.numbers import ci_text, finite, fmt_number, fmt_percent, missing
from sim.report.text import t

REGION = "region"
"""The scenario field, and the column of ``summary.csv`` and ``runs.parquet``, of the region."""

LABEL_WIDTH = 22
"""Characters per line of a region's name on the figure's axis (long names wrap)."""


@dataclass(frozen=True)
class RegionFigures:
    """BPS's March 2024 figures of a region (total area).

    Attributes:
        name: The canonical name.
        level: ``"nation"``, ``"province"`` or ``"district"``.
        p0: Headcount, percent of persons (NaN when not published).
        p1: Poverty gap x 100, as BPS publishes it (NaN when not published).
    """

    name: str
    level: str
    p0: float
    p1: float


@cache
def bps_figures(name: str) -> RegionFigures:
    """BPS's March 2024 P0 and P1 (total area) of a region.

    Args:
        name: A region's name (any spelling :func:`~sim.regions.catalogue.resolve_region`
            takes).

    Returns:
        The figures; NaN for a name outside the catalogue or a value BPS did not publish.
    """
    try:
        region = resolve_region(name)
    except UnknownRegionError:
        return RegionFigures(str(name), "", math.nan, math.nan)
    if region.level == "district":
        table = bps.districts()
        hit = table[(table["province"] == region.province) & (table["district"] == region.district)]
    else:
        table = bps.provinces("march", "total")
        hit = table[table["province"] == (region.province or NATION)]
    if hit.empty:
        return RegionFigures(region.name, region.level, math.nan, math.nan)
    row = hit.iloc[0]
    return RegionFigures(region.name, region.level, float(row["p0"]), float(row["p1"]))


def _resolved(data: ReportData, point: Mapping[str, Any]) -> dict[str, Any]:
    """The resolved scenario of a point (``scenarios/<hash>.json``; empty when absent)."""
    for s in data.manifest.get("scenarios", []):
        if s["scenario"] == point["scenario"] and all(
            str(s["sweep"].get(k)) == str(point[k]) for k in data.keys[1:]
        ):
            return data.scenarios.get(s["content_hash"], {})
    return {}


def point_region(data: ReportData, point: Mapping[str, Any]) -> str:
    """The canonical name of a point's region."""
    if REGION in point:
        return str(point[REGION])
    s = data.summary
    if REGION in s.columns:
        mask = np.ones(len(s), dtype=bool)
        for k in data.keys:
            mask &= (s[k].astype(str) == str(point[k])).to_numpy()
        hit = s.loc[mask, REGION]
        if len(hit) and isinstance(hit.iloc[0], str) and hit.iloc[0]:
            return str(hit.iloc[0])
    return str(_resolved(data, point).get(REGION, NATION))


def regions(data: ReportData) -> list[str]:
    """The batch's regions, in batch order."""
    return list(dict.fromkeys(point_region(data, p) for p in data.points()))


def strategy_label(data: ReportData, point: Mapping[str, Any]) -> str:
    """A point's label without its region: the scenario id and its other sweep values."""
    sweep = [f"{k}={point[k]}" for k in data.keys[1:] if k != REGION]
    name = str(point[data.keys[0]])
    return f"{name} ({', '.join(sweep)})" if sweep else name


def households(data: ReportData, region: str) -> tuple[set[int], set[int]]:
    """The real households represented and the simulated households of a region's points."""
    represented, simulated = set(), set()
    for p in data.points():
        if point_region(data, p) != region:
            continue
        population = _resolved(data, p).get("population", {})
        if "households_represented" in population:
            represented.add(int(population["households_represented"]))
        if "households" in population:
            simulated.add(int(population["households"]))
    return represented, simulated


def _count(values: set[int], lang: str) -> str:
    """One count, or the smallest to the largest when the points differ."""
    if not values:
        return missing(lang)
    low, high = min(values), max(values)
    text = fmt_number(low, 0, lang)
    return text if low == high else f"{text}-{fmt_number(high, 0, lang)}"


def title(data: ReportData, lang: str) -> str:
    """The report's title: the folder's name, and the region of a single-region batch."""
    names = regions(data)
    if len(names) == 1:
        return t("title_region", lang, name=data.folder.name, region=names[0])
    return t("title", lang, name=data.folder.name)


def region_intro(data: ReportData, lang: str) -> str | None:
    """The sentence naming a single-region batch's region, its BPS figures and its scale."""
    names = regions(data)
    if len(names) != 1:
        return None
    fig = bps_figures(names[0])
    represented, simulated = households(data, names[0])
    return t(
        "region_intro",
        lang,
        region=names[0],
        level=t(f"level_{fig.level or 'nation'}", lang),
        p0=fmt_number(fig.p0, 2, lang),
        p1=fmt_number(fig.p1, 2, lang),
        represented=_count(represented, lang),
        simulated=_count(simulated, lang),
    )


def add_region_table(doc: Document, data: ReportData, lang: str, covers: str) -> None:
    """The region table: BPS's figures, households and each strategy's results per region."""
    names = regions(data)
    if not names:
        return
    doc.h(2, t("h_regions", lang))
    has_vfm = any(data.row(p, "value_for_money", HEADLINE_VFM) is not None for p in data.points())
    ref = scenario_label(data.reference, lang) if data.reference else "-"
    intro = t("regions_intro", lang, ref=ref)
    if has_vfm:
        intro += " " + t(
            "regions_vfm",
            lang,
            base=scenario_label(data.baseline, lang),
            rate=fmt_percent(data.discount_rate, lang),
        )
    doc.p(intro + f" {t('ci_short', lang)}: {covers}.")
    rows = []
    for region in names:
        fig = bps_figures(region)
        represented, _ = households(data, region)
        first = [
            region,
            fmt_number(fig.p0, 2, lang),
            fmt_number(fig.p1, 2, lang),
            _count(represented, lang),
        ]
        for p in (p for p in data.points() if point_region(data, p) == region):
            cells = [scenario_label(strategy_label(data, p), lang)]
            for metric in ("p0", "p1"):
                r = data.row(p, "final", metric)
                cells.append(
                    missing(lang)
                    if r is None
                    else ci_text(r["mean"], r["ci_low"], r["ci_high"], 100, 2, lang)
                )
            for metric in ("p0", "p1"):
                r = data.row(p, "final", metric)
                if r is None or not r["reference"]:
                    cells.append("-")
                else:
                    cells.append(
                        ci_text(r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"], 100, 3, lang)
                    )
            if has_vfm:
                r = data.row(p, "value_for_money", HEADLINE_VFM)
                cells.append(
                    "-" if r is None else ci_text(r["mean"], r["ci_low"], r["ci_high"], 1, 0, lang)
                )
            rows.append(first + cells)
            first = ["", "", "", ""]
    header = [
        t("col_region", lang),
        t("col_bps_p0", lang),
        t("col_bps_p1", lang),
        t("col_households_represented", lang),
        t("scenario", lang),
        t("col_final_p0", lang),
        t("col_final_p1", lang),
        t("col_diff_p0", lang, ref=ref),
        t("col_diff_p1", lang, ref=ref),
    ]
    if has_vfm:
        header.append(t("col_vfm_gap_pm", lang))
    doc.table(header, rows, "lrrrl" + "r" * (len(header) - 5))


def _vfm_by_region(data: ReportData) -> dict[str, dict[str, tuple[float, float, float]]]:
    """Per strategy, each region's headline figure ``(mean, low, high)`` (finite means only)."""
    out: dict[str, dict[str, tuple[float, float, float]]] = {}
    for p in data.points():
        r = data.row(p, "value_for_money", HEADLINE_VFM)
        if r is None or not finite(r["mean"]):
            continue
        low, high = (float(r[c]) if finite(r[c]) else math.nan for c in ("ci_low", "ci_high"))
        strategy = out.setdefault(strategy_label(data, p), {})
        strategy[point_region(data, p)] = (float(r["mean"]), low, high)
    return out


def region_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Draw :func:`draw_regions` and write it as ``path`` (PNG) and SVG beside it.

    Returns:
        ``path``, or ``None`` unless some strategy has figures in at least two regions.
    """
    fig = draw_regions(data, lang)
    if fig is None:
        return None
    save_figure(fig, path)
    return path


def draw_regions(data: ReportData, lang: str = "en") -> Any | None:
    """The regions ranked by the poverty gap a rupiah of each strategy avoids.

    One panel per strategy (a scenario point other than the baseline, without its region),
    the regions ranked best at the top by the headline value-for-money figure against the
    baseline (poverty-gap person-months avoided per Rp 1 billion, whole run, discounted), with
    95% CIs; the panels share the x axis so that strategies compare too. The title names the
    best region and strategy, hedged when its CI overlaps the runner-up region's.

    Args:
        data: The folder's data.
        lang: ``"en"`` or ``"id"``.

    Returns:
        The figure, or ``None`` unless some strategy has figures in at least two regions.
    """
    by_strategy = {s: v for s, v in _vfm_by_region(data).items() if len(v) >= 2}
    if not by_strategy:
        return None
    scenario_of = {strategy_label(data, p): str(p["scenario"]) for p in data.points()}
    colours = scenario_colours(list(scenario_of.values()))
    n_regions = max(len(v) for v in by_strategy.values())
    k = len(by_strategy)
    ncols = min(k, 3)
    nrows = math.ceil(k / ncols)
    panel_h = 0.7 + 0.34 * n_regions
    fig = new_figure(min(15.0, max(7.0, 1.0 + 4.6 * ncols)), 1.5 + nrows * panel_h)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, squeeze=False)).ravel()
    best: tuple[float, str, str] | None = None
    hedge = ""
    for ax, (strategy, values) in zip(axes, by_strategy.items(), strict=False):
        ranked = sorted(values, key=lambda n: -values[n][0])
        colour = colours[scenario_of[strategy]]
        y = np.arange(len(ranked))[::-1]
        for yi, name in zip(y, ranked, strict=True):
            m, lo, hi = values[name]
            if finite(lo) and finite(hi):
                ax.errorbar(
                    [m], [yi], xerr=[[m - lo], [hi - m]], fmt="o", color=colour, capsize=3, ms=5
                )
            else:
                ax.plot([m], [yi], "o", color=colour, ms=5)
        ax.set_yticks(y)
        ax.set_yticklabels([_region_label(n) for n in ranked], fontsize=8)
        ax.set_ylim(-0.6, n_regions - 0.4)
        ax.axvline(0, color="#555555", lw=0.8)
        ax.set_title(scenario_label(strategy, lang), fontsize=9)
        ax.tick_params(axis="x", labelbottom=True, labelsize=8)
        number_axis(ax.xaxis, lang)
        style_axes(ax)
        top = values[ranked[0]]
        if best is None or top[0] > best[0]:
            best = (top[0], strategy, ranked[0])
            runner = values[ranked[1]]
            overlap = not (finite(top[1]) and finite(runner[2])) or top[1] <= runner[2]
            hedge = t("hedge_overlap", lang, other=ranked[1]) if overlap else ""
    for ax in axes[k:]:
        ax.set_visible(False)
    chars = int(12 * fig.get_figwidth())  # about 12 characters of 9-10 pt text per inch
    unit = t(
        "f_regions_x",
        lang,
        base=scenario_label(data.baseline, lang),
        rate=fmt_percent(data.discount_rate, lang),
    )
    fig.supxlabel(_wrap(unit, chars), fontsize=9)
    if best is not None:
        value = fmt_number(best[0], 0, lang)
        # Every (strategy, region) whose figure equals the best at the precision shown.
        shown = {(s, r): v[0] for s, vals in by_strategy.items() for r, v in vals.items()}
        keys = list(shown)
        tied_pairs = [
            keys[int(i)] for i in leaders({str(i): shown[k] for i, k in enumerate(keys)}, 0)
        ]
        if len(tied_pairs) > 1:  # a title that names one leader must not be read off a tie
            hedge = ""
            heading = t(
                "t_regions_tie",
                lang,
                scen=join_names(
                    list(dict.fromkeys(scenario_label(s, lang) for s, _ in tied_pairs)), lang
                ),
                region=join_names(list(dict.fromkeys(r for _, r in tied_pairs)), lang),
                value=value,
            )
        else:
            heading = t(
                "t_regions", lang, scen=scenario_label(best[1], lang), region=best[2], value=value
            )
        fig.suptitle(_wrap(heading + hedge, chars), fontsize=10)
    return finish(fig)


def _wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` characters, broken between words only."""
    return textwrap.fill(text, width, break_on_hyphens=False, break_long_words=False)


def _region_label(name: str) -> str:
    """A region's name on the axis, in lines of at most :data:`LABEL_WIDTH` characters.

    A kabupaten/kota's name (``"Kota Kupang, NUSA TENGGARA TIMUR"``) that does not fit on one
    line is broken after the comma first, so the province stays whole where it fits.
    """
    if len(name) <= LABEL_WIDTH or ", " not in name:
        return _wrap(name, LABEL_WIDTH)
    district, province = name.split(", ", 1)
    return _wrap(district + ",", LABEL_WIDTH) + "\n" + _wrap(province, LABEL_WIDTH)

"""The figures' canvas and style: colour-blind-safe colours, reproducible files, axes.

Figures use Matplotlib's Agg canvas directly (no pyplot, so a notebook's backend is left
alone). They are written as PNG and SVG with no timestamp or software version in their
metadata and a fixed SVG hash salt, so the same data give the same bytes.

Fit to paste: every scenario has its own colour, line style and marker
(:func:`scenario_styles`), so lines can be told apart in grey print too; legends and notes go
below the axes (:func:`below`); :func:`finish` wraps every title, label and note that would
run past the figure (or a panel's title past its panel) before laying the figure out, in any
language; tick labels carry as many decimals as the ticks need (:func:`number_axis`).
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import stats
from sim.report.numbers import finite, fmt_number

OKABE_ITO = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
"""Okabe & Ito (2008) colour-blind-safe palette; yellow last because it is faint on white."""

PNG_METADATA = {"Software": None}
"""PNG metadata: no software version, so the figure's bytes depend on the data only."""

SVG_METADATA = {"Date": None, "Creator": None}
"""SVG metadata: no date and no creator (Matplotlib version)."""

SVG_HASHSALT = "sinergi"
"""Fixed salt for the ids inside SVG files, so that they do not change between runs."""

SPENDING_COLOURS = ("#08306B", "#2171B5", "#6BAED6", "#BDBDBD", "#737373", "#252525")
"""Colours of the spending categories: blues for programme money, greys for the rest."""

REACH_RATES = ("coverage_poor", "exclusion_error", "inclusion_error")
REACH_COUNTS = ("duplicate_enrolments", "duplicate_ngo_gov")


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    """One Okabe-Ito colour per scenario, assigned by sorted scenario name."""
    return {n: OKABE_ITO[i % len(OKABE_ITO)] for i, n in enumerate(sorted(set(names)))}


LINE_STYLES: tuple[Any, ...] = ("-", "--", ":", "-.", (0, (6, 2, 1, 2, 1, 2)), (0, (1, 3)))
"""Line styles by scenario, so that lines differ in more than colour."""

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Markers by scenario (with :data:`LINE_STYLES` and the colour, one look per scenario)."""


def scenario_styles(names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """One look per scenario: ``color``, ``ls`` and ``marker``, assigned by sorted name.

    The colour is :func:`scenario_colours`'s; line style and marker cycle on their own
    lengths, so that two scenarios sharing a colour (more than eight) still differ.
    """
    colours = scenario_colours(names)
    return {
        n: {
            "color": colours[n],
            "ls": LINE_STYLES[i % len(LINE_STYLES)],
            "marker": MARKERS[i % len(MARKERS)],
        }
        for i, n in enumerate(sorted(set(names)))
    }


def new_figure(width: float, height: float) -> Any:
    """A Matplotlib figure on an Agg canvas (no pyplot): ``width`` x ``height`` inches, 110 dpi."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Any, path: Path) -> list[Path]:
    """Write ``fig`` as ``path`` (PNG) and the same name with ``.svg``, reproducibly.

    Args:
        fig: A Matplotlib figure.
        path: The PNG path.

    Returns:
        The PNG and SVG paths.
    """
    import matplotlib

    path.parent.mkdir(parents=True, exist_ok=True)
    out = []
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
        for target, fmt, meta in (
            (path, "png", PNG_METADATA),
            (path.with_suffix(".svg"), "svg", SVG_METADATA),
        ):
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            fig.savefig(tmp, format=fmt, metadata=meta)
            os.replace(tmp, target)
            out.append(target)
    return out


def below(
    fig: Any,
    note: str = "",
    handles: Sequence[Any] = (),
    labels: Sequence[str] = (),
    ncol: int = 4,
) -> float:
    """A note at the bottom of the figure and a legend above it, both outside every axes.

    The note is wrapped to the figure's width first, so its height is known.

    Args:
        fig: The figure.
        note: The note (empty for none).
        handles: The legend's handles (none for no legend).
        labels: Their labels.
        ncol: Most legend columns.

    Returns:
        The fraction of the figure's height they take: pass ``(0, that, 1, 1)`` as
        :func:`finish`'s ``rect``, so that the axes stay above them.
    """
    renderer = fig.canvas.get_renderer()
    height = fig.bbox.height
    bottom = 0.005
    if note:
        text = fig.text(0.01, bottom, note, fontsize=8, color="#444444", va="bottom")
        _fit(text, 2.0, fig.bbox.width - 2.0, False, renderer)
        bottom += text.get_window_extent(renderer).height / height + 0.01
    if labels:
        legend = fig.legend(
            handles,
            labels,
            loc="lower center",
            bbox_to_anchor=(0.5, bottom),
            ncol=max(1, min(ncol, len(labels))),
            fontsize=8,
            frameon=False,
        )
        bottom += legend.get_window_extent(renderer).height / height + 0.01
    return min(bottom, 0.6)


def _wrap(paragraphs: Sequence[str], width: int) -> str:
    return "\n".join(
        textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False) or p
        for p in paragraphs
    )


def _bounded_texts(fig: Any) -> list[tuple[Any, float, float, bool]]:
    """Every text that may need wrapping, with the span it must keep within (pixels).

    A panel's title and its x label keep within the panel (and a little of the gap beside
    it), its y label within the panel's height; every other text within the figure.
    """
    width, height = fig.bbox.width, fig.bbox.height
    pad = 2.0
    out = [(text, pad, width - pad, False) for text in fig.texts]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        box = ax.get_window_extent()
        gap = 0.06 * box.width
        low, high = max(pad, box.x0 - gap), min(width - pad, box.x1 + gap)
        out += [(ax.title, low, high, False), (ax.xaxis.label, low, high, False)]
        out.append((ax.yaxis.label, max(pad, box.y0), min(height - pad, box.y1), True))
        out += [(text, pad, width - pad, False) for text in ax.texts]
    return out


def fit_texts(fig: Any) -> None:
    """Re-wrap every text that runs past its span (:func:`_bounded_texts`), between words.

    A text's own line breaks are kept; each line is wrapped to fewer characters until the
    text fits (or no word can be split further).
    """
    renderer = fig.canvas.get_renderer()
    for text, low, high, vertical in _bounded_texts(fig):
        _fit(text, low, high, vertical, renderer)


def _fit(text: Any, low: float, high: float, vertical: bool, renderer: Any) -> None:
    """Wrap ``text`` to fewer characters a line until it lies within ``low``-``high`` px."""
    paragraphs = text.get_text().split("\n")
    width = max((len(p) for p in paragraphs), default=0)
    while text.get_visible() and width > 12:
        box = text.get_window_extent(renderer)
        a, b = (box.y0, box.y1) if vertical else (box.x0, box.x1)
        if a >= low - 0.5 and b <= high + 0.5:
            break
        room = max(high - low, 1.0)
        width = min(width - 1, int(width * room / max(b - a, 1.0)))
        text.set_text(_wrap(paragraphs, max(width, 12)))


def finish(fig: Any, rect: tuple[float, float, float, float] | None = None) -> Any:
    """Wrap texts that do not fit, then lay the figure out (twice: wrapping moves things).

    Args:
        fig: The figure.
        rect: The part of the figure (left, bottom, right, top, fractions) the axes and their
            titles may take; the rest is for legends and notes placed with ``fig.text``.

    Returns:
        ``fig``.
    """
    for _ in range(3):
        fig.tight_layout(rect=rect)
        fit_texts(fig)
    fig.tight_layout(rect=rect)
    return fig


def style_axes(ax: Any) -> None:
    """A light grid and no top or right spine."""
    ax.grid(True, alpha=0.3)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)


def number_axis(axis: Any, lang: str, decimals: int | None = None) -> None:
    """Tick labels with the language's separators and as many decimals as the step needs."""
    from matplotlib.ticker import Formatter

    class _Locale(Formatter):  # type: ignore[misc]
        digits = 0 if decimals is None else decimals

        def set_locs(self, locs: Sequence[float]) -> None:
            super().set_locs(locs)
            if decimals is None:  # the fewest decimals that write every tick exactly (2.5, 7.5)
                ticks = np.asarray(locs, dtype=float)
                ticks = ticks[np.isfinite(ticks)]
                tol = 1e-9 * max(1.0, float(np.abs(ticks).max())) if ticks.size else 1.0
                self.digits = next(
                    (d for d in range(7) if np.all(np.abs(ticks - np.round(ticks, d)) <= tol)), 6
                )

        def __call__(self, x: float, pos: int | None = None) -> str:
            return fmt_number(x, self.digits, lang)

    axis.set_major_formatter(_Locale())


def mean_bands(ts: pd.DataFrame, keys: Sequence[str], metric: str) -> pd.DataFrame:
    """Mean and 95% band of ``metric`` per point and month, over replicates (``stats.band``)."""
    rows = []
    if ts.empty or metric not in ts:
        return pd.DataFrame()
    for point, g in ts.groupby(list(keys), sort=False, dropna=False):
        point = point if isinstance(point, tuple) else (point,)
        wide = g.pivot_table(index="replicate", columns="month", values=metric, dropna=False)
        mean, low, high = stats.band(wide.to_numpy(dtype=np.float64))
        frame = pd.DataFrame(
            {"month": wide.columns.to_numpy(), "mean": mean, "low": low, "high": high}
        )
        for k, v in zip(keys, point, strict=True):
            frame[k] = v
        rows.append(frame)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def dot_whisker(
    ax: Any,
    labels: Sequence[str],
    scenarios: Sequence[str],
    means: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    colours: Mapping[str, str],
) -> None:
    """One dot and 95% whisker per point, top to bottom, with a line at zero."""
    y = np.arange(len(labels))[::-1]
    for yi, scen, m, lo, hi in zip(y, scenarios, means, lows, highs, strict=True):
        c = colours[scen]
        if finite(lo) and finite(hi):
            ax.errorbar(
                [m], [yi], xerr=[[m - lo], [hi - m]], fmt="o", color=c, capsize=4, ms=6, lw=1.6
            )
        else:
            ax.plot([m], [yi], "o", color=c, ms=6)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.axvline(0, color="#555555", lw=0.8)
    style_axes(ax)

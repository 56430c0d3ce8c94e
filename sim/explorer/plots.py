"""The explorer's plots: the monthly record drawn as SVG, one panel a measure.

Each panel is a small matplotlib figure written as SVG with its text kept as text
(``svg.fonttype = "none"``): the page puts it inline, so the axis words ("Month" / "Bulan")
are in the page, crisp at any width and readable by the browser test. The month axis runs
from 0 to the horizon, so the lines grow across a fixed frame while the run plays.
"""

from __future__ import annotations

import io

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.explorer.words import t
from sim.report.numbers import fmt_number

# Okabe-Ito colours (safe for colour-blind readers).
BLUE, VERMILION, GREEN, ORANGE, PURPLE = "#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7"

PANELS: dict[str, tuple[tuple[str, float, str, str], ...]] = {
    "plot_p0": (("p0", 100.0, BLUE, ""),),
    "plot_p1": (("p1", 100.0, VERMILION, ""),),
    "plot_reach": (("coverage_poor", 100.0, GREEN, ""),),
    "plot_money": (
        ("funds_raised", 1e-9, ORANGE, "plot_raised"),
        ("spent_transfers", 1e-9, PURPLE, "plot_paid"),
    ),
    "plot_coalition": (("coalition_members", 1.0, BLUE, ""),),
}
"""Panel title key -> its lines: (record column, scale, colour, legend key or "").

P0 and reach in percent, P1 as BPS publishes it (the index times 100), money in billions of
rupiah for the households represented, the coalition in members."""


def _decimals(ticks: list[float]) -> int:
    """The fewest decimals that write every tick exactly (all ticks get the same)."""
    return next((d for d in range(4) if all(abs(round(v, d) - v) < 1e-9 for v in ticks)), 4)


def panel_svg(frame: pd.DataFrame, title_key: str, months: int, lang: str) -> str:
    """One panel as an SVG document.

    Args:
        frame: The monthly record (``model.timeseries()``), months 0 to now.
        title_key: A key of :data:`PANELS`.
        months: The horizon (the month axis runs from 0 to it).
        lang: ``"en"`` or ``"id"``.

    Returns:
        The SVG text (its words as text elements).
    """
    fig = Figure(figsize=(4.6, 2.6), dpi=100)
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.2, top=0.88)  # fixed: fast to draw
    ax = fig.subplots()
    top = 0.0
    for column, scale, colour, legend in PANELS[title_key]:
        values = frame[column].to_numpy(dtype=float) * scale
        label = t(legend, lang) if legend else None
        ax.plot(frame["month"], values, color=colour, linewidth=1.8, label=label)
        top = max(top, float(values.max(initial=0.0)))
    ax.set_title(t(title_key, lang), fontsize=10, loc="left")
    ax.set_xlabel(t("axis_month", lang))
    ax.set_xlim(0, months)
    ax.set_ylim(0, top * 1.1 if top > 0 else 1.0)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=title_key == "plot_coalition"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    if len(PANELS[title_key]) > 1:
        ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=2)
        ax.set_ylim(0, (top * 1.35) if top > 0 else 1.0)  # room for the legend above the lines
    low, high = ax.get_ylim()
    ticks = [float(v) for v in ax.yaxis.get_major_locator()() if low <= v <= high]
    decimals = _decimals(ticks)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v, decimals, lang)))
    out = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none"}):
        fig.savefig(out, format="svg")
    return out.getvalue()

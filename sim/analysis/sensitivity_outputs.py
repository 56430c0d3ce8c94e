"""Writing sensitivity results: ranked tables (CSV, markdown), a bar chart, the cooperation map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.sensitivity import UNDECIDED, robustness


def _markdown(df: pd.DataFrame, floatfmt: str = ".4g") -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for _, r in df.iterrows():
        cells = [format(v, floatfmt) if isinstance(v, float) else str(v) for v in r]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_ranked(df: pd.DataFrame, out: Path, kind: str, value: str, conf: str) -> list[Path]:
    """Write the ranked table (CSV, markdown) and a bar chart with CIs (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    csv, md, png = out / f"{kind}.csv", out / f"{kind}.md", out / f"{kind}.png"
    df.to_csv(csv, index=False)
    text = f"# {kind} sensitivity (ranked by {value})\n\n" + _markdown(df)
    paths = [csv, md, png]
    samples = df.attrs.get("samples")
    if samples is not None:
        points = out / f"{kind}_points.csv"
        samples.to_csv(points, index=False)
        paths.append(points)
        text += (
            f"\n\n## How often cooperation beats competition over the {len(samples)} points\n\n"
            + _markdown(robustness(samples))
        )
    md.write_text(text)
    fig = plot_ranked(df, value, conf)
    fig.savefig(png, dpi=120)
    plt.close(fig)
    return paths


def plot_ranked(df: pd.DataFrame, value: str, conf: str) -> Any:
    """One horizontal bar chart per outcome: ``value`` (e.g. ``mu_star``, ``ST``) +- ``conf``.

    Args:
        df: A table from ``morris`` or ``sobol`` (or its CSV read back).
        value: Column to plot.
        conf: Column with the 95% CI half-width.

    Returns:
        The matplotlib figure.
    """
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(df["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(5 * len(outcomes), 6), squeeze=False)
    for ax, o in zip(axes[0], outcomes, strict=True):
        d = df[df["outcome"] == o].sort_values(value)
        ax.barh(d["parameter"], d[value], xerr=d[conf], color="tab:blue", alpha=0.8)
        ax.set_title(o, fontsize=10)
        ax.set_xlabel(value)
        ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    return fig


def write_map(df: pd.DataFrame, out: Path) -> list[Path]:
    """Write the cooperation map (CSV, markdown) and its figure (winner, agreement shading)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    csv, md, png = out / "map.csv", out / "map.md", out / "map.png"
    df.to_csv(csv, index=False)
    md.write_text(
        "# Where cooperation pays (most P1 closed per billion rupiah)\n\n" + _markdown(df)
    )
    scen = list(df.attrs.get("scenarios") or sorted(set(df["winner"]) - {UNDECIDED}))
    if (df["winner"] == UNDECIDED).any():
        scen.append(UNDECIDED)  # drawn in grey
    xs, ys = np.sort(df["x"].unique()), np.sort(df["y"].unique())
    code = np.full((ys.size, xs.size), np.nan)
    agree = np.zeros((ys.size, xs.size))
    for _, r in df.iterrows():
        i, j = int(np.searchsorted(ys, r["y"])), int(np.searchsorted(xs, r["x"]))
        code[i, j] = scen.index(r["winner"]) if r["winner"] in scen else np.nan
        agree[i, j] = r["agreement"]
    fig, ax = plt.subplots(figsize=(7, 5))
    colours = [plt.get_cmap("tab10")(k % 10) for k in range(len(scen))]
    if scen and scen[-1] == UNDECIDED:
        colours[-1] = (0.82, 0.82, 0.82, 1.0)
    cmap = matplotlib.colors.ListedColormap(colours)
    ax.imshow(
        code,
        origin="lower",
        cmap=cmap,
        vmin=-0.5,
        vmax=len(scen) - 0.5,
        aspect="auto",
        extent=(-0.5, xs.size - 0.5, -0.5, ys.size - 0.5),
    )
    for i in range(ys.size):
        for j in range(xs.size):
            ax.text(j, i, f"{agree[i, j]:.0%}", ha="center", va="center", fontsize=8)
    if xs.size > 1 and ys.size > 1:  # boundary between winners
        levels = [k + 0.5 for k in range(len(scen) - 1)]
        if levels:
            ax.contour(
                np.arange(xs.size), np.arange(ys.size), code, levels, colors="k", linewidths=2
            )
    ax.set_xticks(range(xs.size), [f"{v:.3g}" for v in xs], fontsize=7)
    ax.set_yticks(range(ys.size), [f"{v:.3g}" for v in ys], fontsize=7)
    ax.set_xlabel(df.attrs.get("x", "x"))
    ax.set_ylabel(df.attrs.get("y", "y"))
    handles = [plt.Rectangle((0, 0), 1, 1, color=cmap(k)) for k in range(len(scen))]
    ax.legend(handles, scen, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title(
        "Most P1 closed per rupiah (cell text: share of seeds agreeing; grey: seeds tied)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    plt.close(fig)
    return [csv, md, png]


# --------------------------------------------------------------------------------------------
# EMA Workbench adapter
# --------------------------------------------------------------------------------------------

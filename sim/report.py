"""The batch report: ``report.md`` and its figures, from a batch's summary.

This is the minimal report of the runner: a comparison table, the paired differences against
the reference, value for money when ``no_programs`` is in the batch, the headcount over time
with 95% bands, and a "how to cite" block. It receives data (the manifest, the summary and the
headcount bands) and writes files; it knows nothing of runs or executors.

Figures use Matplotlib's Agg canvas directly (no pyplot, so a notebook's backend is left
alone) and carry no timestamp or software version in their metadata, so the same data give the
same PNG bytes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HEADLINE = (("p0", "P0"), ("p1", "P1"), ("watts", "Watts"))
"""Metrics of the report's tables: column name and label (shown x 100, BPS index points)."""

VFM = (
    ("extra_persons_out", "extra persons out of poverty", 1.0, "{:,.0f}"),
    ("p1_closed", "P1 closed (x100)", 100.0, "{:.3f}"),
    ("watts_closed", "Watts closed (x100)", 100.0, "{:.3f}"),
    ("spent", "spent (Rp billion)", 1e-9, "{:,.1f}"),
    ("persons_out_per_billion_rupiah", "persons out per Rp billion", 1.0, "{:,.2f}"),
    ("p1_closed_per_billion_rupiah", "P1 closed per Rp trillion (x100)", 1e5, "{:.3f}"),
    ("watts_closed_per_billion_rupiah", "Watts closed per Rp trillion (x100)", 1e5, "{:.3f}"),
)
"""Value-for-money columns of the report: key, label, scale, format."""

PNG_METADATA = {"Software": None}
"""PNG metadata: no software version, so the figure's bytes depend on the data only."""


def _label(row: Mapping[str, Any], keys: Sequence[str]) -> str:
    sweep = [f"{k}={row[k]}" for k in keys[1:]]
    return f"{row[keys[0]]} ({', '.join(sweep)})" if sweep else str(row[keys[0]])


def _num(value: Any, scale: float = 100.0, fmt: str = "{:.3f}") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return fmt.format(float(value) * scale)


def _ci(mean: Any, low: Any, high: Any, scale: float = 100.0, fmt: str = "{:.3f}") -> str:
    text = _num(mean, scale, fmt)
    if text != "n/a" and _num(low, scale, fmt) != "n/a":
        text += f" [{_num(low, scale, fmt)}, {_num(high, scale, fmt)}]"
    return text


def _p(value: Any) -> str:
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def headcount_figure(headcount: pd.DataFrame, path: Path, title: str = "") -> Path:
    """Headcount (P0 x 100) over months, one line per scenario point with its 95% band.

    Args:
        headcount: Tidy frame with ``label``, ``month``, ``mean``, ``low``, ``high`` (fractions).
        path: PNG file to write.
        title: Figure title.

    Returns:
        ``path``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.8), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = list(dict.fromkeys(headcount["label"]))
    cmap_name = "tab10" if len(labels) <= 10 else "tab20"
    import matplotlib

    cmap = matplotlib.colormaps[cmap_name]
    for i, label in enumerate(labels):
        g = headcount[headcount["label"] == label]
        color = cmap(i % cmap.N)
        ax.plot(g["month"], 100 * g["mean"], color=color, lw=1.6, label=label)
        if np.isfinite(g["low"].to_numpy(dtype=float)).any():
            ax.fill_between(
                g["month"], 100 * g["low"], 100 * g["high"], color=color, alpha=0.2, lw=0
            )
    ax.set_xlabel("month")
    ax.set_ylabel("headcount P0 (% of persons)")
    ax.set_title(title or "Poverty headcount, mean and 95% confidence band over replicates")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fig.savefig(tmp, format="png", metadata=PNG_METADATA)
    os.replace(tmp, path)
    return path


def write_report(
    folder: str | os.PathLike[str],
    manifest: Mapping[str, Any],
    summary: pd.DataFrame,
    headcount: pd.DataFrame,
    keys: Sequence[str],
) -> Path:
    """Write ``report.md`` and ``figures/headcount.png`` into a results folder.

    Args:
        folder: The results folder.
        manifest: The batch's manifest (command, seeds, versions, scenarios, times).
        summary: The batch summary (``summary.csv``).
        headcount: Headcount bands per point (``label``, ``month``, ``mean``, ``low``,
            ``high``).
        keys: Columns identifying a point (``scenario`` and the swept fields).

    Returns:
        The path of ``report.md``.
    """
    folder = Path(folder)
    keys = list(keys)
    reference = manifest.get("reference")
    lines: list[str] = [f"# Sinergi batch: {folder.name}", ""]
    scen = manifest.get("scenarios", [])
    sizes = sorted({(s["households"], s["months"]) for s in scen})
    lines += [
        f"- Command: `{manifest.get('command', '')}`",
        f"- Root seed: {manifest.get('root_seed')}; {manifest.get('reps')} replicates per "
        "scenario point, replicate r with the same seed in every scenario (paired comparisons)",
        "- Size: " + "; ".join(f"{h:,} households x {m} months" for h, m in sizes),
        f"- Reference: {reference}"
        + (f". Note: {manifest['reference_note']}" if manifest.get("reference_note") else ""),
        f"- Sinergi {manifest.get('versions', {}).get('sinergi')}; full provenance in "
        "`manifest.json`, every number in `summary.csv` (columns: `docs/outputs.md`)",
        "",
    ]

    final = summary[summary["statistic"] == "final"]
    points = final[keys].drop_duplicates().to_dict("records")

    def cell(point: Mapping[str, Any], metric: str) -> pd.Series | None:
        mask = final["metric"] == metric
        for k in keys:
            mask &= final[k].astype(str) == str(point[k])
        rows = final[mask]
        return None if rows.empty else rows.iloc[0]

    lines += [
        "## Poverty at the final month",
        "",
        "Mean over replicates with its 95% confidence interval (Student t). P0, P1 and Watts "
        "are shown x 100 (BPS index points).",
        "",
        "| scenario | n | " + " | ".join(label for _, label in HEADLINE) + " |",
        "|---|---:|" + "---:|" * len(HEADLINE),
    ]
    for point in points:
        cells = [cell(point, m) for m, _ in HEADLINE]
        n = next((int(c["n"]) for c in cells if c is not None), 0)
        text = [
            _ci(c["mean"], c["ci_low"], c["ci_high"]) if c is not None else "n/a" for c in cells
        ]
        lines.append(f"| {_label(point, keys)} | {n} | " + " | ".join(text) + " |")
    lines.append("")

    compared = final[(final["reference"].fillna("") != "") & final["metric"].isin(dict(HEADLINE))]
    if not compared.empty:
        family = int(np.isfinite(summary["p_value"].to_numpy(dtype=float)).sum())
        lines += [
            f"## Against the reference ({reference})",
            "",
            "Paired difference (scenario minus reference, same replicate seeds) at the final "
            "month, x 100, with its 95% confidence interval and the Holm-adjusted p-value of the "
            f"paired t-test (the family is every comparison in `summary.csv`: {family}). "
            "Negative means less poverty than the reference.",
            "",
            "| scenario | "
            + " | ".join(f"{label} difference | Holm p" for _, label in HEADLINE)
            + " |",
            "|---|" + "---:|---:|" * len(HEADLINE),
        ]
        for point in points:
            cells = [cell(point, m) for m, _ in HEADLINE]
            if all(c is None or not c["reference"] for c in cells):
                continue
            text = []
            for c in cells:
                if c is None:
                    text += ["n/a", "n/a"]
                else:
                    text += [
                        _ci(c["diff_mean"], c["diff_ci_low"], c["diff_ci_high"]),
                        _p(c["p_holm"]),
                    ]
            lines.append(f"| {_label(point, keys)} | " + " | ".join(text) + " |")
        lines.append("")

    vfm = summary[summary["statistic"] == "value_for_money"]
    if not vfm.empty:
        baseline = manifest.get("baseline_for_value_for_money") or "no_programs"
        lines += [
            f"## Value for money against {baseline}",
            "",
            f"Each replicate compared with the same-seed {baseline} run at the final month; mean "
            "with 95% confidence interval. Per-rupiah figures are n/a while nothing is spent.",
            "",
            "| scenario | " + " | ".join(label for _, label, _, _ in VFM) + " |",
            "|---|" + "---:|" * len(VFM),
        ]
        for point in vfm[keys].drop_duplicates().to_dict("records"):
            text = []
            for key, _, scale, fmt in VFM:
                mask = vfm["metric"] == key
                for k in keys:
                    mask &= vfm[k].astype(str) == str(point[k])
                rows = vfm[mask]
                if rows.empty:
                    text.append("n/a")
                else:
                    r = rows.iloc[0]
                    text.append(_ci(r["mean"], r["ci_low"], r["ci_high"], scale, fmt))
            lines.append(f"| {_label(point, keys)} | " + " | ".join(text) + " |")
        lines.append("")

    if not headcount.empty:
        headcount_figure(headcount, folder / "figures" / "headcount.png")
        lines += [
            "## Headcount over time",
            "",
            "![Poverty headcount over time, mean and 95% band per scenario](figures/headcount.png)",
            "",
        ]

    git = manifest.get("git") or {}
    commit = git.get("commit")
    date = str(manifest.get("finished") or manifest.get("started") or "")[:10]
    hashes = "; ".join(
        f"{s['scenario']}"
        + (f" ({', '.join(f'{k}={v}' for k, v in s['sweep'].items())})" if s["sweep"] else "")
        + f" {s['content_hash']}"
        for s in scen
    )
    lines += [
        "## How to cite",
        "",
        "```text",
        f"Sinergi {manifest.get('versions', {}).get('sinergi')}"
        + (f" (commit {commit[:12]}{', modified' if git.get('dirty') else ''})" if commit else "")
        + f", batch run on {date} (UTC), root seed {manifest.get('root_seed')}, "
        f"{manifest.get('reps')} replicates.",
        f"Scenarios (content hash): {hashes}.",
        f"Command: {manifest.get('command', '')}",
        "```",
        "",
    ]
    path = folder / "report.md"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path

"""Summary of a finished batch: statistics per scenario point, read back one run at a time.

The summary reads every run file from disk in turn (memory stays flat however many runs), takes
each run's final month and its mean over months 1.., and hands them to ``sim.stats``. Value for
money is computed against the baseline's run (``Plan.baseline``: ``--baseline``, default
``no_programs``) of the same replicate and sweep point, with the batch's discount rate
(``Plan.discount_rate``). Every row carries its point's region: the
column ``region``, after ``scenario`` (or where the sweep puts it when ``region`` is swept).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import stats
from sim.batch.plan import REGION, Plan
from sim.measures.value_for_money import value_for_money_frames


def summarise_folder(out: Path, plan: Plan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summary statistics and headcount bands of a batch, reading runs back one at a time.

    Args:
        out: The results folder.
        plan: The batch's plan (its runs must all be stored).

    Returns:
        ``(summary, headcount)``: the summary table (``docs/outputs.md``) and a tidy frame of
        the headcount's mean and 95% band per point and month.
    """
    metrics: dict[str, None] = {}
    per_run: list[dict[str, Any]] = []
    vfm_rows: list[dict[str, Any]] = []
    p0: dict[int, list[np.ndarray]] = {}
    months_of: dict[int, np.ndarray] = {}
    baseline_point = {p.sweep: i for i, p in enumerate(plan.points) if p.scenario == plan.baseline}
    by_point_rep = {(s.point, s.replicate): s.run_id for s in plan.runs}
    for spec in plan.runs:
        p = plan.points[spec.point]
        ts = pd.read_parquet(out / "runs" / f"{spec.run_id}.parquet")
        cols = _numeric_columns(ts)
        metrics.update(dict.fromkeys(cols))
        ident = {"scenario": p.scenario, **dict(p.sweep), "replicate": spec.replicate}
        values = ts[cols].astype(np.float64)
        per_run.append({**ident, "statistic": "final", **values.iloc[-1].to_dict()})
        later = values[ts["month"].to_numpy() >= 1] if len(ts) > 1 else values
        per_run.append({**ident, "statistic": "run_mean", **later.mean().to_dict()})
        if "p0" in ts:
            p0.setdefault(spec.point, []).append(ts["p0"].to_numpy(np.float64))
            months_of[spec.point] = ts["month"].to_numpy()
        base = baseline_point.get(p.sweep)
        if base is not None and p.scenario != plan.baseline:
            base_id = by_point_rep[(base, spec.replicate)]
            base_ts = pd.read_parquet(out / "runs" / f"{base_id}.parquet")
            vfm = value_for_money_frames(ts, base_ts, plan.discount_rate)
            vfm_rows.append({**ident, "statistic": "value_for_money", **vfm})
    summary = _summary(pd.DataFrame(per_run), vfm_rows, plan, list(metrics))
    return summary, _headcount_bands(plan, p0, months_of)


def _numeric_columns(ts: pd.DataFrame) -> list[str]:
    return [c for c in ts.columns if c != "month" and pd.api.types.is_numeric_dtype(ts[c].dtype)]


def _summary(
    frame: pd.DataFrame, vfm_rows: list[dict[str, Any]], plan: Plan, metrics: list[str]
) -> pd.DataFrame:
    """The summary table: the runs' statistics, then value for money against the baseline."""
    keys = plan.keys
    summary = stats.summarise(frame, keys, plan.reference, metrics)
    if vfm_rows:
        vfm_frame = pd.DataFrame(vfm_rows)
        vfm_metrics = [c for c in vfm_frame.columns if c not in [*keys, "replicate", "statistic"]]
        vfm_summary = stats.summarise_samples(vfm_frame, keys, vfm_metrics)
        vfm_summary["reference"] = plan.baseline
        summary = pd.concat([summary, vfm_summary], ignore_index=True)
    summary["n"] = summary["n"].astype("int64")
    summary["diff_n"] = summary["diff_n"].astype("int64")
    if REGION not in keys:  # every batch's rows carry the region, swept or not
        region_of = {(p.scenario, *(v for _, v in p.sweep)): p.region for p in plan.points}
        ident = zip(*(summary[k] for k in keys), strict=True)
        summary.insert(1, REGION, [region_of.get(tuple(i), "") for i in ident])
    return summary


def _headcount_bands(
    plan: Plan, p0: dict[int, list[np.ndarray]], months_of: dict[int, np.ndarray]
) -> pd.DataFrame:
    """The headcount's mean and 95% band per point and month.

    A point whose runs differ in length is left out.
    """
    bands = []
    for i, series in p0.items():
        lengths = {len(s) for s in series}
        if len(lengths) != 1:
            continue
        mean, low, high = stats.band(np.vstack(series))
        point = plan.points[i]
        bands.append(
            pd.DataFrame(
                {
                    "label": point.label,
                    "scenario": point.scenario,
                    "month": months_of[i],
                    "mean": mean,
                    "low": low,
                    "high": high,
                    "n": len(series),
                }
            )
        )
    return pd.concat(bands, ignore_index=True) if bands else pd.DataFrame()

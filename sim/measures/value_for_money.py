"""Value for money: a run against its same-seed baseline, per rupiah of programme money."""

from __future__ import annotations

from typing import Any

import numpy as np


def value_for_money_frames(timeseries: Any, baseline: Any) -> dict[str, float]:
    """Value for money of a run against its same-seed baseline (both monthly time series).

    Most gross exits from poverty would have happened anyway, so value for money is a paired
    comparison: what the run achieved beyond the same-seed ``no_programs`` run (common random
    numbers make the pairing exact), per rupiah of programme money.

    Args:
        timeseries: The run's monthly results (a DataFrame with ``p0``, ``p1``, ``watts``,
            ``persons``, ``persons_poor`` and any ``spent_*`` columns, rupiah per month for the
            represented population).
        baseline: The baseline run's monthly results, same months.

    Returns:
        At the final month: ``extra_persons_out`` (persons), ``p0_closed``, ``p1_closed``,
        ``watts_closed`` (fractions; positive is better); ``spent`` (rupiah, all programme
        money over the run: the sum of the ``spent_*`` columns); the same per billion rupiah
        (``persons_out_per_billion_rupiah``, ``p1_closed_per_billion_rupiah``,
        ``watts_closed_per_billion_rupiah``); and over the run ``extra_person_months_out`` and
        ``person_months_out_per_billion_rupiah``. Per-billion figures are NaN when nothing was
        spent.

    Raises:
        ValueError: When the two series do not cover the same months.
    """
    if len(timeseries) != len(baseline) or not np.array_equal(
        np.asarray(timeseries["month"]), np.asarray(baseline["month"])
    ):
        raise ValueError("value for money needs two runs over the same months")
    last, base = timeseries.iloc[-1], baseline.iloc[-1]
    spent_cols = [c for c in timeseries.columns if str(c).startswith("spent_")]
    spent = float(np.asarray(timeseries[spent_cols], dtype=np.float64).sum()) if spent_cols else 0.0
    out = {
        "extra_persons_out": float(base["persons_poor"] - last["persons_poor"]),
        "p0_closed": float(base["p0"] - last["p0"]),
        "p1_closed": float(base["p1"] - last["p1"]),
        "watts_closed": float(base["watts"] - last["watts"]),
        "extra_person_months_out": float(
            np.sum(np.asarray(baseline["persons_poor"]) - np.asarray(timeseries["persons_poor"]))
        ),
        "spent": spent,
    }
    per_billion = 1e9 / spent if spent > 0 else float("nan")
    out["persons_out_per_billion_rupiah"] = out["extra_persons_out"] * per_billion
    out["p1_closed_per_billion_rupiah"] = out["p1_closed"] * per_billion
    out["watts_closed_per_billion_rupiah"] = out["watts_closed"] * per_billion
    out["person_months_out_per_billion_rupiah"] = out["extra_person_months_out"] * per_billion
    return out


def value_for_money(model: Any, baseline: Any) -> dict[str, float]:
    """Value for money of a finished ``model`` against its same-seed ``baseline`` run.

    Both are ``PovertyModel`` runs (``sim.model``); see :func:`value_for_money_frames` for the
    keys. Raises ValueError when the two runs differ in seed or horizon, since the comparison
    is only meaningful when paired.
    """
    if model.seed != baseline.seed:
        raise ValueError(
            f"value for money pairs runs with the same seed, got {model.seed} and {baseline.seed}"
        )
    return value_for_money_frames(model.timeseries(), baseline.timeseries())

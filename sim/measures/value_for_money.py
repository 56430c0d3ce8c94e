"""Value for money: a run against its same-seed baseline, per rupiah of programme money.

Two kinds of figure, both paired with the baseline run of the same seed:

* **over the whole run** (the headline): poverty-gap person-months avoided and person-months
  out of poverty, each summed over the months with a discount factor, per rupiah of programme
  money discounted with the same factors (``sim.measures.discounting``);
* **at the final month**: P0, P1 and Watts closed and persons out at the end, per rupiah spent
  over the run (undiscounted). They ignore when the gains came, and a gain that fades before
  the last month counts for nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.measures.discounting import DISCOUNT_RATE_ANNUAL, discount_factors

PER_BILLION = 1e9
"""Rupiah in the denominator of the ``*_per_billion_rupiah`` figures (Rp 1 miliar)."""


def spending_by_month(timeseries: Any) -> np.ndarray:
    """Programme money spent each month: the sum of the ``spent_*`` columns (rupiah).

    The columns are the institutions' ledger (``sim.ledger``): ``spent_transfers``,
    ``spent_delivery``, ``spent_overhead``, ``spent_fundraising``, ``spent_coordination`` and
    ``spent_monitoring``, for the represented population. The government's background PKH,
    BPNT and PBI-JKN (``gov_background_*``) are not programme money. Zeros without the columns.
    """
    cols = [c for c in timeseries.columns if str(c).startswith("spent_")]
    if not cols:
        return np.zeros(len(timeseries))
    return np.asarray(timeseries[cols], dtype=np.float64).sum(axis=1)


def gap_persons(timeseries: Any) -> np.ndarray:
    """The poverty gap in persons each month: ``p1 x persons`` (persons at the full line's gap).

    P1 x persons = sum over the poor of w (z - y) / z: the number of persons whose consumption
    would be zero if the same total shortfall fell on them alone.
    """
    return np.asarray(timeseries["p1"], dtype=np.float64) * np.asarray(
        timeseries["persons"], dtype=np.float64
    )


def value_for_money_frames(
    timeseries: Any, baseline: Any, discount_rate_annual: float = DISCOUNT_RATE_ANNUAL
) -> dict[str, float]:
    """Value for money of a run against its same-seed baseline (both monthly time series).

    Most gross exits from poverty would have happened anyway, so value for money is a paired
    comparison: what the run achieved beyond the same-seed ``no_programs`` run (common random
    numbers make the pairing exact), per rupiah of programme money beyond the baseline's.

    With d_m = (1 + r)^(-m/12) over the rows m = 0..M (``discount_factors``), G = P1 x persons
    (``gap_persons``), H = ``persons_poor`` and S = the ``spent_*`` sum (``spending_by_month``),
    baseline b and run s:

    * ``gap_person_months_avoided`` = sum_m d_m (G_b,m - G_s,m), poverty-gap person-months;
    * ``person_months_out_discounted`` = sum_m d_m (H_b,m - H_s,m), person-months;
    * ``spent_discounted`` = sum_m d_m (S_s,m - S_b,m), rupiah at month 0's value;
    * each whole-run figure per Rp 1 billion = figure / ``spent_discounted`` x 1e9.

    Args:
        timeseries: The run's monthly results (a DataFrame with ``month``, ``p0``, ``p1``,
            ``watts``, ``persons``, ``persons_poor`` and any ``spent_*`` columns, rupiah per
            month for the represented population).
        baseline: The baseline run's monthly results, same months.
        discount_rate_annual: Social discount rate per year, a fraction (default
            :data:`~sim.measures.discounting.DISCOUNT_RATE_ANNUAL`, 6%, ADB 2017); 0 gives
            plain sums.

    Returns:
        Over the whole run, discounted: ``gap_person_months_avoided`` (poverty-gap
        person-months), ``person_months_out_discounted`` (person-months), ``spent_discounted``
        (rupiah), ``gap_person_months_avoided_per_billion_rupiah`` (the headline) and
        ``person_months_out_discounted_per_billion_rupiah``. At the final month:
        ``extra_persons_out`` (persons), ``p0_closed``, ``p1_closed``, ``watts_closed``
        (fractions; positive is better); ``spent`` (rupiah over the run, undiscounted, net of
        the baseline's); the same per billion rupiah (``persons_out_per_billion_rupiah``,
        ``p1_closed_per_billion_rupiah``, ``watts_closed_per_billion_rupiah``). Over the run,
        undiscounted: ``extra_person_months_out`` and ``person_months_out_per_billion_rupiah``.
        Per-billion figures are NaN when the run spent no more than the baseline.

    Raises:
        ValueError: When the two series do not cover the same months, or the rate is invalid.
    """
    months = np.asarray(timeseries["month"])
    if len(timeseries) != len(baseline) or not np.array_equal(months, baseline["month"]):
        raise ValueError("value for money needs two runs over the same months")
    d = discount_factors(months, discount_rate_annual)
    extra_spend = spending_by_month(timeseries) - spending_by_month(baseline)
    poor_avoided = np.asarray(baseline["persons_poor"], dtype=np.float64) - np.asarray(
        timeseries["persons_poor"], dtype=np.float64
    )
    gap_avoided = gap_persons(baseline) - gap_persons(timeseries)
    last, base = timeseries.iloc[-1], baseline.iloc[-1]
    out = {
        "gap_person_months_avoided": float(d @ gap_avoided),
        "person_months_out_discounted": float(d @ poor_avoided),
        "spent_discounted": float(d @ extra_spend),
        "extra_persons_out": float(base["persons_poor"] - last["persons_poor"]),
        "p0_closed": float(base["p0"] - last["p0"]),
        "p1_closed": float(base["p1"] - last["p1"]),
        "watts_closed": float(base["watts"] - last["watts"]),
        "extra_person_months_out": float(poor_avoided.sum()),
        "spent": float(extra_spend.sum()),
    }
    per_bn = _per_billion(out["spent"])
    per_bn_discounted = _per_billion(out["spent_discounted"])
    out["gap_person_months_avoided_per_billion_rupiah"] = (
        out["gap_person_months_avoided"] * per_bn_discounted
    )
    out["person_months_out_discounted_per_billion_rupiah"] = (
        out["person_months_out_discounted"] * per_bn_discounted
    )
    out["persons_out_per_billion_rupiah"] = out["extra_persons_out"] * per_bn
    out["p1_closed_per_billion_rupiah"] = out["p1_closed"] * per_bn
    out["watts_closed_per_billion_rupiah"] = out["watts_closed"] * per_bn
    out["person_months_out_per_billion_rupiah"] = out["extra_person_months_out"] * per_bn
    return out


def _per_billion(spent: float) -> float:
    """Billions of rupiah per rupiah of ``spent``; NaN when nothing (net) was spent."""
    return PER_BILLION / spent if spent > 0 else float("nan")


def value_for_money(
    model: Any, baseline: Any, discount_rate_annual: float = DISCOUNT_RATE_ANNUAL
) -> dict[str, float]:
    """Value for money of a finished ``model`` against its same-seed ``baseline`` run.

    Both are ``PovertyModel`` runs (``sim.model``); see :func:`value_for_money_frames` for the
    keys and ``discount_rate_annual``. Raises ValueError when the two runs differ in seed or
    horizon, since the comparison is only meaningful when paired.
    """
    if model.seed != baseline.seed:
        raise ValueError(
            f"value for money pairs runs with the same seed, got {model.seed} and {baseline.seed}"
        )
    return value_for_money_frames(model.timeseries(), baseline.timeseries(), discount_rate_annual)

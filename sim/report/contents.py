"""What the report shows, shared by its figures and its tables.

The metrics of each table and figure, the value-for-money ranking of the headline and the
spending sums of "where the money went". Indices are fractions here; the report shows them
x 100 (index points).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from sim.report.folder import ReportData
from sim.report.numbers import finite

HEADLINE = ("p0", "p1", "p2", "watts", "mpi_m0", "gini")
"""Final-month metrics of the report's tables (shown x 100, index points)."""

DIFFERENCE_METRICS = ("p0", "p1", "watts", "mpi_m0", "gini")
"""Metrics of the paired-difference figure, one panel each."""

SPENDING = (
    "spent_transfers",
    "spent_delivery",
    "spent_overhead",
    "spent_fundraising",
    "spent_coordination",
    "spent_monitoring",
)
"""Where the money went: the ``spent_*`` columns, in stacking order."""

VFM_PANELS = (
    ("gap_person_months_avoided_per_billion_rupiah", 1.0, 0, "vfm_gap_pm"),
    ("person_months_out_discounted_per_billion_rupiah", 1.0, 0, "vfm_pm_out"),
    ("p1_closed_per_billion_rupiah", 1e5, 3, "vfm_p1"),
    ("persons_out_per_billion_rupiah", 1.0, 1, "vfm_persons"),
)
"""Value-for-money panels and headline columns: summary metric, scale to the shown unit,
decimals in tables, text key. First the whole run (discounted, the headline and the ranking),
then the final month."""

HEADLINE_VFM = VFM_PANELS[0][0]
"""The figure the ranking is by: poverty-gap person-months avoided per Rp billion."""

END_POINT_VFM = "p1_closed_per_billion_rupiah"
"""The final month's figure shown beside it: P1 closed per rupiah."""

Ranked = tuple[str, tuple[float, ...], pd.Series | None]
"""A ranked point: label, its sort key (larger is better) and its headline row."""


def vfm_points(data: ReportData) -> list[dict[str, Any]]:
    """The points compared with the value-for-money baseline (those with ``spent``)."""
    return [p for p in data.points() if data.row(p, "value_for_money", "spent") is not None]


def _mean(r: pd.Series | None) -> float:
    return float(r["mean"]) if r is not None and finite(r["mean"]) else -math.inf


def ranking(data: ReportData, metric: str = HEADLINE_VFM) -> list[Ranked]:
    """Points ranked by ``metric`` (default: the whole run's gap person-months per rupiah).

    Ties are broken by the discounted person-months out per rupiah, P1 closed per rupiah at
    the final month, Watts closed per rupiah, then the lower final headcount (so folders
    written before the whole-run figures existed rank by the final month's).
    """
    tie_breaks = [
        "person_months_out_discounted_per_billion_rupiah",
        END_POINT_VFM,
        "watts_closed_per_billion_rupiah",
    ]
    rows = []
    for p in vfm_points(data):
        lead = data.row(p, "value_for_money", metric)
        key = [_mean(lead)] + [_mean(data.row(p, "value_for_money", m)) for m in tie_breaks]
        key.append(-_mean(data.row(p, "final", "p0")))
        rows.append((data.label(p), tuple(key), lead))
    rows.sort(key=lambda r: tuple(-v for v in r[1]))
    return rows


def spending(data: ReportData) -> list[tuple[str, str, dict[str, float]]]:
    """Per point: label, scenario and rupiah spent over the run per ``SPENDING`` column."""
    out = []
    for p in data.points():
        months = data.months_of(p)
        sums = {}
        for col in SPENDING:
            r = data.row(p, "run_mean", col)
            sums[col] = float(r["mean"]) * months if r is not None and finite(r["mean"]) else 0.0
        out.append((data.label(p), str(p["scenario"]), sums))
    return out

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
    ("p1_closed_per_billion_rupiah", 1e5, "vfm_p1"),
    ("watts_closed_per_billion_rupiah", 1e5, "vfm_watts"),
    ("persons_out_per_billion_rupiah", 1.0, "vfm_persons"),
)
"""Value-for-money panels: summary metric, scale to the axis unit, text key of the axis."""

Ranked = tuple[str, float, float, float, pd.Series | None]
"""A ranked point: label, P1 and Watts closed per rupiah, minus final P0, and its P1 row."""


def vfm_points(data: ReportData) -> list[dict[str, Any]]:
    """The points compared with the value-for-money baseline (those with ``spent``)."""
    return [p for p in data.points() if data.row(p, "value_for_money", "spent") is not None]


def ranking(data: ReportData) -> list[Ranked]:
    """Points ranked by P1 closed per rupiah, Watts closed per rupiah, then final headcount."""
    rows = []
    for p in vfm_points(data):
        p1 = data.row(p, "value_for_money", "p1_closed_per_billion_rupiah")
        watts = data.row(p, "value_for_money", "watts_closed_per_billion_rupiah")
        p0 = data.row(p, "final", "p0")

        def val(r: pd.Series | None, col: str = "mean") -> float:
            return float(r[col]) if r is not None and finite(r[col]) else -math.inf

        rows.append((data.label(p), val(p1), val(watts), -val(p0), p1))
    rows.sort(key=lambda r: (-r[1], -r[2], -r[3]))
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

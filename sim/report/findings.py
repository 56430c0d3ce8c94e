"""The findings of a batch: which paired differences are real, ranked by their size.

A difference is a point's final-month P0, P1 or P2 minus the reference's at the same sweep
point, paired replicate by replicate (``summary.csv``: ``diff_mean``, ``diff_ci_low``,
``diff_ci_high``, ``p_value``). It is *detectable* when its Holm-adjusted p-value is below
:data:`ALPHA`. The summary's family is its primary endpoints, declared before any result is
seen: the final-month P0, P1 and P2 differences from the reference, one per point and index
(:func:`primary_holm`). The tables of the report adjust over every comparison of the batch
(``summary.csv``'s ``p_holm``, ``sim.stats.summarise``), secondary outcomes included; a
family of 255 tests, most of them on institutions' money, would hide the headline
differences the summary is about.

A finding is one point with its detectable differences. Findings are ranked by the size of
their largest detectable difference relative to the reference's level of the same index
(a 0.3-point fall in a 9% headcount and a 0.06-point fall in a 1.3-point poverty gap are both
about 4%), so that the three indices, whose scales differ tenfold, rank together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sim.report.folder import ReportData
from sim.report.numbers import finite
from sim.stats import holm

SUMMARY_METRICS = ("p0", "p1", "p2")
"""The headline indices of the findings: BPS's P0, P1 and P2 (fractions in ``summary.csv``)."""

ALPHA = 0.05
"""A difference is detectable when its Holm-adjusted p-value is below this."""

MAX_FINDINGS = 5
"""Most findings on the summary page; the others stay in the report's tables."""


@dataclass(frozen=True)
class Difference:
    """A point's final-month index minus the reference's, paired by replicate.

    Attributes:
        point: The point (``scenario`` and sweep values).
        metric: ``p0``, ``p1`` or ``p2``.
        reference: The scenario compared with.
        mean: Mean paired difference, point minus reference (a fraction).
        low: Lower end of its 95% CI (fraction; NaN with one pair).
        high: Upper end of its 95% CI.
        p_holm: Holm-adjusted p-value of the paired t-test (NaN when undefined).
        n: Paired replicates.
        reference_level: The reference's final-month mean of the index (fraction).
    """

    point: dict[str, Any]
    metric: str
    reference: str
    mean: float
    low: float
    high: float
    p_holm: float
    n: int
    reference_level: float

    @property
    def detectable(self) -> bool:
        """Whether the Holm-adjusted p-value is below :data:`ALPHA`."""
        return finite(self.p_holm) and self.p_holm < ALPHA

    @property
    def relative(self) -> float:
        """The difference's size as a fraction of the reference's level (NaN at level 0)."""
        if not (finite(self.reference_level) and self.reference_level > 0):
            return math.nan
        return abs(self.mean) / self.reference_level


@dataclass(frozen=True)
class Finding:
    """A point and its detectable differences, in the order of the indices (P0, P1, P2)."""

    point: dict[str, Any]
    differences: tuple[Difference, ...]

    @property
    def size(self) -> float:
        """The largest relative size of its differences (what findings are ranked by)."""
        sizes = [d.relative for d in self.differences if finite(d.relative)]
        return max(sizes, default=0.0)


@dataclass(frozen=True)
class Findings:
    """The batch's findings for the summary page.

    Attributes:
        ranked: The largest findings, at most :data:`MAX_FINDINGS`, largest first.
        more: Detectable findings beyond those, largest first.
        undetectable: Differences that are not detectable, in batch order.
        family: The number of tests Holm's adjustment ran over.
        compared: Whether the batch compares any point with a reference at all.
    """

    ranked: list[Finding]
    more: list[Finding] = field(default_factory=list)
    undetectable: list[Difference] = field(default_factory=list)
    family: int = 0
    compared: bool = False


def reference_point(data: ReportData, point: dict[str, Any], reference: str) -> dict[str, Any]:
    """The reference's point at the same sweep values as ``point``."""
    return {**point, data.keys[0]: reference}


def differences(data: ReportData, metrics: Sequence[str] = SUMMARY_METRICS) -> list[Difference]:
    """Every point's paired final-month difference from the reference, per index, batch order."""
    out = []
    for p in data.points():
        for metric in metrics:
            r = data.row(p, "final", metric)
            if r is None or not r["reference"] or int(r["diff_n"]) < 1:
                continue
            ref = str(r["reference"])
            level = data.row(reference_point(data, p, ref), "final", metric)
            out.append(
                Difference(
                    point=dict(p),
                    metric=metric,
                    reference=ref,
                    mean=float(r["diff_mean"]),
                    low=float(r["diff_ci_low"]),
                    high=float(r["diff_ci_high"]),
                    p_holm=float(r["p_value"]) if finite(r["p_value"]) else math.nan,
                    n=int(r["diff_n"]),
                    reference_level=float(level["mean"]) if level is not None else math.nan,
                )
            )
    return primary_holm(out)


def primary_holm(diffs: list[Difference]) -> list[Difference]:
    """The differences with their raw p-values Holm-adjusted over this family (the summary's).

    Args:
        diffs: Differences carrying the raw p-value of their paired t-test in ``p_holm``.

    Returns:
        The same differences, ``p_holm`` adjusted over the finite p-values among them.
    """
    adjusted = holm([d.p_holm for d in diffs]) if diffs else []
    return [replace(d, p_holm=float(p)) for d, p in zip(diffs, adjusted, strict=True)]


def family_size(data: ReportData, metrics: Sequence[str] = SUMMARY_METRICS) -> int:
    """The number of tests the summary's Holm adjustment ran over (finite raw p-values)."""
    return sum(finite(d.p_holm) for d in differences(data, metrics))


def select_findings(
    data: ReportData, limit: int = MAX_FINDINGS, metrics: Sequence[str] = SUMMARY_METRICS
) -> Findings:
    """The batch's findings: detectable differences grouped by point and ranked by size.

    Args:
        data: The folder's data.
        limit: Most findings ranked on the page.
        metrics: The indices considered (default P0, P1, P2).

    Returns:
        The :class:`Findings`. A point's differences are in ``metrics`` order (P0, P1, P2);
        findings tie in batch order.
    """
    diffs = differences(data, metrics)
    by_point: dict[tuple[str, ...], list[Difference]] = {}
    order = {m: i for i, m in enumerate(metrics)}
    for d in diffs:
        if d.detectable:
            key = tuple(str(d.point[k]) for k in data.keys)
            by_point.setdefault(key, []).append(d)
    found = [
        Finding(ds[0].point, tuple(sorted(ds, key=lambda d: order[d.metric])))
        for ds in by_point.values()
    ]
    found.sort(key=lambda f: -f.size)  # stable: ties stay in batch order
    return Findings(
        ranked=found[:limit],
        more=found[limit:],
        undetectable=[d for d in diffs if not d.detectable],
        family=family_size(data, metrics),
        compared=bool(diffs),
    )

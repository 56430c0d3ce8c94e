"""Statistics of a batch: confidence intervals, paired comparisons, multiple comparisons.

Replicates are independent runs (one seed each), so a scenario's replicate results are an
i.i.d. sample and the 95% confidence interval of their mean is the Student t interval. Replicate
r uses the same seed in every scenario (common random numbers), so two scenarios are compared
replicate by replicate: the paired difference, its t interval and the paired t-test
(``scipy.stats.ttest_rel``). With many comparisons in one batch, p-values are adjusted with
Holm's step-down method (Holm 1979, Scand. J. Statist. 6(2)), which controls the family-wise
error rate under any dependence between the tests.

Nothing here knows about files or runs: functions take arrays and DataFrames.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats as sps

LEVEL = 0.95
"""Confidence level of every interval in a batch summary."""

SUMMARY_COLUMNS = (
    "metric",
    "statistic",
    "n",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "reference",
    "diff_n",
    "diff_mean",
    "diff_ci_low",
    "diff_ci_high",
    "p_value",
    "p_holm",
)
"""Columns of the summary after the scenario and sweep columns (see ``docs/outputs.md``)."""


@dataclass(frozen=True)
class Interval:
    """Mean of a sample with its t confidence interval.

    Attributes:
        n: Number of finite values used.
        mean: Sample mean (NaN when n = 0).
        sd: Sample standard deviation, ddof = 1 (NaN when n < 2).
        low: Lower bound of the interval (NaN when n < 2).
        high: Upper bound of the interval (NaN when n < 2).
    """

    n: int
    mean: float
    sd: float
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    """Paired difference ``values - reference`` with its interval and paired t-test.

    Attributes:
        n: Number of pairs in which both values are finite.
        mean: Mean difference.
        low: Lower bound of the t interval of the mean difference.
        high: Upper bound.
        p_value: Two-sided p-value of the paired t-test (NaN when n < 2 or when every
            difference is the same, where the test is undefined).
    """

    n: int
    mean: float
    low: float
    high: float
    p_value: float


def t_interval(values: ArrayLike, level: float = LEVEL) -> Interval:
    """Mean and Student t confidence interval of a sample; NaN values are dropped.

    Args:
        values: The sample (one value per replicate).
        level: Confidence level (0.95 gives the 95% interval).

    Returns:
        The :class:`Interval`.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return Interval(0, float("nan"), float("nan"), float("nan"), float("nan"))
    mean = float(np.mean(x))
    if n < 2:
        return Interval(1, mean, float("nan"), float("nan"), float("nan"))
    sd = float(np.std(x, ddof=1))
    half = float(sps.t.ppf(0.5 + level / 2, n - 1)) * sd / np.sqrt(n)
    return Interval(n, mean, sd, mean - half, mean + half)


def paired_comparison(values: ArrayLike, reference: ArrayLike, level: float = LEVEL) -> Comparison:
    """Paired difference of two samples matched by position (replicate).

    Args:
        values: One value per replicate of the compared scenario.
        reference: The reference scenario's value for the same replicates, same order.
        level: Confidence level of the interval.

    Returns:
        The :class:`Comparison`; pairs with a non-finite member are dropped.

    Raises:
        ValueError: When the samples differ in length.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    y = np.asarray(reference, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(f"paired samples differ in length: {x.size} and {y.size}")
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    diff = t_interval(x - y, level)
    p = float("nan")
    if diff.n >= 2:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            p = float(sps.ttest_rel(x, y).pvalue)
    return Comparison(diff.n, diff.mean, diff.low, diff.high, p)


def holm(p_values: ArrayLike) -> np.ndarray:
    """Holm's step-down adjustment of p-values (family-wise error rate).

    With the m finite p-values sorted ascending, p_(1) <= ... <= p_(m), the adjusted value of
    p_(i) is max over j <= i of min(1, (m - j + 1) p_(j)). NaN p-values stay NaN and are not
    counted in m. (``scipy.stats.false_discovery_control`` offers Benjamini-Hochberg and
    Benjamini-Yekutieli, which control the false discovery rate instead.)

    Args:
        p_values: Raw p-values, any shape.

    Returns:
        Adjusted p-values, same shape.
    """
    p = np.asarray(p_values, dtype=np.float64)
    flat = p.ravel()
    out = np.full(flat.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(flat))
    m = finite.size
    if m:
        order = finite[np.argsort(flat[finite], kind="stable")]
        stepped = (m - np.arange(m)) * flat[order]
        out[order] = np.minimum(np.maximum.accumulate(stepped), 1.0)
    return out.reshape(p.shape)


def band(matrix: ArrayLike, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise mean and t interval of a replicates x months matrix (for CI bands).

    Args:
        matrix: One row per replicate, one column per month; NaN values are dropped per
            column.
        level: Confidence level.

    Returns:
        ``(mean, low, high)``, one value per column; the bounds are NaN where fewer than two
        replicates are finite.
    """
    a = np.asarray(matrix, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"band needs a replicates x months matrix, got shape {a.shape}")
    ok = np.isfinite(a)
    n = ok.sum(axis=0)
    filled = np.where(ok, a, 0.0)
    with np.errstate(all="ignore"):
        mean = filled.sum(axis=0) / n
        var = np.where(ok, (a - mean) ** 2, 0.0).sum(axis=0) / (n - 1)
        tq = sps.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
        half = np.where(n >= 2, tq * np.sqrt(var / n), np.nan)
    mean = np.where(n > 0, mean, np.nan)
    return mean, mean - half, mean + half


def summarise(
    per_run: pd.DataFrame,
    keys: Sequence[str],
    reference: str | None,
    metrics: Sequence[str],
    level: float = LEVEL,
) -> pd.DataFrame:
    """Summary of a batch: per scenario point, metric and statistic; paired against a reference.

    Args:
        per_run: One row per (run, statistic): the ``keys`` columns (``scenario`` first, then
            the sweep fields), ``replicate``, ``statistic`` (``"final"``, ``"run_mean"``, ...)
            and one column per metric.
        keys: Columns identifying a scenario point; the first is the scenario name.
        reference: Scenario the others are compared with, at the same sweep point and
            replicate (None: no comparisons).
        metrics: Metric columns to summarise, in output order.
        level: Confidence level.

    Returns:
        One row per (point, metric, statistic) in the order the points appear in ``per_run``,
        with the ``keys`` columns followed by :data:`SUMMARY_COLUMNS`. Holm adjustment runs
        over every finite p-value in the table (the family is the whole batch).
    """
    keys = list(keys)
    scen, sweep_keys = keys[0], keys[1:]
    points = per_run[keys].drop_duplicates()
    statistics = list(dict.fromkeys(per_run["statistic"]))
    groups = {k: g for k, g in per_run.groupby(keys + ["statistic"], sort=False, dropna=False)}
    rows: list[dict[str, object]] = []
    for point in points.itertuples(index=False):
        point_values = tuple(point)
        ref_values = (reference, *point_values[1:])
        compare = reference is not None and point_values[0] != reference
        for statistic in statistics:
            g = groups.get((*point_values, statistic))
            if g is None:
                continue
            g = g.sort_values("replicate", kind="stable")
            ref = groups.get((*ref_values, statistic)) if compare else None
            paired = None
            if ref is not None:
                paired = g[["replicate"]].merge(
                    ref.drop(columns=keys + ["statistic"]), on="replicate", how="inner"
                )
                mine = g.set_index("replicate").loc[paired["replicate"]]
            for metric in metrics:
                iv = t_interval(g[metric].to_numpy(), level)
                row: dict[str, object] = dict(zip(keys, point_values, strict=True))
                row.update(
                    metric=metric,
                    statistic=statistic,
                    n=iv.n,
                    mean=iv.mean,
                    sd=iv.sd,
                    ci_low=iv.low,
                    ci_high=iv.high,
                    reference="",
                    diff_n=0,
                    diff_mean=np.nan,
                    diff_ci_low=np.nan,
                    diff_ci_high=np.nan,
                    p_value=np.nan,
                )
                if paired is not None:
                    c = paired_comparison(mine[metric].to_numpy(), paired[metric].to_numpy(), level)
                    row.update(
                        reference=reference,
                        diff_n=c.n,
                        diff_mean=c.mean,
                        diff_ci_low=c.low,
                        diff_ci_high=c.high,
                        p_value=c.p_value,
                    )
                rows.append(row)
    out = pd.DataFrame(rows, columns=[*keys, *SUMMARY_COLUMNS[:-1]])
    out["p_holm"] = holm(out["p_value"].to_numpy(dtype=np.float64))
    out[scen] = out[scen].astype(str)
    for col in sweep_keys:
        out[col] = out[col].astype(per_run[col].dtype)
    return out.reset_index(drop=True)


def summarise_samples(
    samples: pd.DataFrame, keys: Sequence[str], metrics: Sequence[str], level: float = LEVEL
) -> pd.DataFrame:
    """Mean and interval of per-replicate values that are themselves paired differences.

    Used for value for money, where each replicate's value already compares a scenario with
    its same-seed baseline; there is no second reference.

    Args:
        samples: One row per replicate: the ``keys`` columns, ``statistic`` and the metrics.
        keys: Columns identifying a scenario point.
        metrics: Metric columns to summarise.
        level: Confidence level.

    Returns:
        Rows shaped like :func:`summarise`'s, with empty comparison columns.
    """
    rows: list[dict[str, object]] = []
    for point, g in samples.groupby(list(keys) + ["statistic"], sort=False, dropna=False):
        for metric in metrics:
            iv = t_interval(g[metric].to_numpy(), level)
            row: dict[str, object] = dict(zip([*keys, "statistic"], point, strict=True))
            row.update(
                metric=metric, n=iv.n, mean=iv.mean, sd=iv.sd, ci_low=iv.low, ci_high=iv.high
            )
            rows.append(row)
    out = pd.DataFrame(rows)
    for col in SUMMARY_COLUMNS:
        if col not in out:
            out[col] = "" if col == "reference" else (0 if col == "diff_n" else np.nan)
    return out[[*keys, *SUMMARY_COLUMNS]]

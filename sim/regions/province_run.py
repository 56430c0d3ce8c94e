"""One province of a national run: the model, month by month, and what the nation needs of it.

:func:`run_province` is the function every executor calls (in this process, in a spawned local
process or on a Dask worker): plain data in, a :class:`ProvinceResult` out. Besides the
province's own time series it keeps, per month, what the national figures need and the series
does not carry: the persons and consumption by bin of per-capita consumption and area (the
Gini of the merged distribution, ``sim.measures.binned``), school-age children (the weight of
the enrolment rate) and enrolments (the weight of the inclusion error). The figures are taken
after each month's step, from the households the month's record has just measured.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.kernels import one_thread, prepare
from sim.measures.binned import Bins, consumption_bins, month_bins
from sim.model import PovertyModel
from sim.scenario import Scenario

EXTRAS = ("school_weight", "enrolments")
"""Columns of :attr:`ProvinceResult.extras`: real school-age children and enrolments (real
households x institutions enrolled, the inclusion error's denominator)."""


@dataclass
class ProvinceResult:
    """What a province's run gives the national run.

    Attributes:
        province: The province's BPS name.
        code: Its BPS code.
        households: Simulated households.
        timeseries: ``PovertyModel.timeseries()`` of the province.
        bins: Per month (0 first): persons and consumption by bin and area.
        extras: Per month, the columns of :data:`EXTRAS` (float64, shape ``(months + 1, 2)``).
        seconds: Wall time of the run (set-up included), seconds.
        peak_rss: Peak resident memory of the process that ran it so far (bytes).
        rss_before: The same before this province's model was built (bytes).
        pid: The id of the process that ran it.
        figures_seconds: Of ``seconds``, the time taken by what the nation needs beyond the
            province's own series (the bins and extras, each month).
    """

    province: str
    code: str
    households: int
    timeseries: pd.DataFrame
    bins: list[Bins]
    extras: np.ndarray
    seconds: float
    peak_rss: int
    rss_before: int = 0
    pid: int = 0
    figures_seconds: float = 0.0

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays carried back (bins, extras, time series)."""
        ts = int(self.timeseries.memory_usage(index=False).sum())
        return sum(b.nbytes for b in self.bins) + self.extras.nbytes + ts


def peak_rss() -> int:
    """Peak resident memory of this process so far (bytes; ``ru_maxrss``)."""
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * scale


class _MonthFigures:
    """Collects the month's bins and extras from the model's households after each step."""

    def __init__(self, model: PovertyModel) -> None:
        self.model = model
        self.y = np.empty(model.households.n, dtype=np.float32)
        self.bins: list[Bins] = []
        self.extras: list[tuple[float, float]] = []
        self.seconds = 0.0

    def collect(self) -> None:
        start = time.perf_counter()
        model = self.model
        hh, sc = model.households, model.config
        # what the record measured this month: its buffer when surveyed, else true consumption
        # (sim.measures.record.MonthlyRecord.measure; tests check the bins against the record)
        measured = model.record.measured if sc.measurement.as_surveyed else hh.consumption
        lo, persons, cons, zero, school = consumption_bins(
            measured, hh.n_young, hh.n_school, hh.n_adult, hh.n_elderly, hh.weight, hh.urban,
            self.y,
        )  # fmt: skip
        self.bins.append(month_bins(lo, persons, cons, zero))
        self.extras.append((float(school), self._enrolments()))
        self.seconds += time.perf_counter() - start

    def _enrolments(self) -> float:
        """Real households enrolled, summed over institutions (as ``reach_figures`` counts)."""
        coalition = self.model.coalition
        if not coalition.institutions:
            return 0.0
        weight = self.model.households.weight
        return float(
            sum(
                np.add.reduce(weight[row > 0], dtype=np.float64)
                for row in coalition.state.months_left
            )
        )


def run_province(task: Mapping[str, Any]) -> ProvinceResult:
    """Run one province of a national run and return what the nation needs of it.

    A top-level function of plain data, so that it runs in a spawned process and on a Dask
    worker alike; the seed comes in the task.

    Args:
        task: ``province``, ``code``, ``scenario`` (the province's scenario as JSON data),
            ``content_hash``, ``seed``, ``check`` (the invariants every month),
            ``one_thread`` (run the kernels on one thread: several provinces side by side) and
            ``sinergi_version``.

    Returns:
        The :class:`ProvinceResult`.

    Raises:
        RuntimeError: When this process runs another Sinergi version, or the scenario changed
            on its way (its content hash differs).
    """
    import sim  # at call time: sim/__init__ imports the model

    if sim.__version__ != task["sinergi_version"]:
        raise RuntimeError(
            f"worker runs Sinergi {sim.__version__}, the run needs {task['sinergi_version']}"
        )
    sc = Scenario.model_validate(task["scenario"])
    if sc.content_hash() != task["content_hash"]:
        raise RuntimeError("the scenario changed on its way to the worker (content hash differs)")
    prepare()
    before = peak_rss()
    start = time.perf_counter()
    threads = one_thread() if task.get("one_thread") else contextlib.nullcontext()
    with threads:
        model = PovertyModel(sc, rng=int(task["seed"]), check=bool(task.get("check")))
        figures = _MonthFigures(model)
        figures.collect()
        for _ in range(sc.months):
            model.step()
            figures.collect()
        ts = model.timeseries()
    return ProvinceResult(
        province=str(task["province"]),
        code=str(task["code"]),
        households=sc.population.households,
        timeseries=ts,
        bins=figures.bins,
        extras=np.array(figures.extras, dtype=np.float64).reshape(-1, len(EXTRAS)),
        seconds=time.perf_counter() - start,
        peak_rss=peak_rss(),
        rss_before=before,
        pid=os.getpid(),
        figures_seconds=figures.seconds,
    )

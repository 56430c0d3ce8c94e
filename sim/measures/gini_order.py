"""The month's Gini coefficients from consumption kept in sorted order, on a second thread.

Sorting a million households' consumption each month costs more than every other figure of
the recording together; but consumption moves little from one month to the next, so the order
of last month is re-sorted (ties keep last month's order: ``sim.kernels.sorting``) and the three
Gini sums (national, urban, rural) are taken in the same pass. In large runs this runs on a second
thread while the next month runs (``GINI_THREAD_HOUSEHOLDS``); a row's Gini entries are filled
in when it finishes, before anybody reads them.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from sim.kernels.sorting import reorder, sorted_keys, stable_argsort
from sim.measures.passes import gini_from_sums, gini_pass, gini_reorder_pass

#: Smallest population whose Gini sort runs on a second thread while the next month runs
#: (households): below it the sort takes well under a millisecond.
GINI_THREAD_HOUSEHOLDS = 100_000


class GiniOrder:
    """Consumption order from month to month, and the Gini sums taken along it.

    Args:
        thread: Run the sort and sums on a second thread (large runs; see the module).

    Attributes:
        order: Household indices in ascending per-capita consumption (``None`` before the
            first month); ties in last month's order.
    """

    def __init__(self, thread: bool) -> None:
        self.order: np.ndarray | None = None
        self._pool: ThreadPoolExecutor | None = (
            ThreadPoolExecutor(1, thread_name_prefix="sinergi-gini") if thread else None
        )
        self._request: tuple[dict[str, Any], tuple[float, ...], tuple[Any, ...]] | None = None
        self._pending: tuple[Future[np.ndarray], dict[str, Any], tuple[float, ...]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """State for copies and pickles: the Gini finished, no thread pool (a copy runs inline)."""
        self.finish()
        state = self.__dict__.copy()
        state["_pool"] = None
        return state

    def resort(self, y: np.ndarray) -> np.ndarray:
        """Re-sort ``y`` from last month's order (a stable sort: ties keep that order)."""
        if self.order is None:
            self.order = stable_argsort(y)
        else:
            o = self.order
            self.order = o[stable_argsort(y[o])]
        return self.order

    def sums(
        self, y: np.ndarray, w: np.ndarray, urban: np.ndarray, totals: tuple[float, ...]
    ) -> np.ndarray:
        """Re-sort ``y`` from last month's order and take the Gini sums (``gini_pass``)."""
        if self.order is None:
            self.order = stable_argsort(y)
        else:  # ties keep last month's order; the old order is freed as it is replaced
            key = sorted_keys(y, self.order)
            if key is not None:  # the sums and the new order in one pass over the keys
                sums = gini_reorder_pass(key, self.order, w, urban, *totals)
                self.order = key.view(np.intp)
                return sums
            self.order = reorder(y, self.order)
        return gini_pass(y, w, self.order, urban, *totals)

    def fill(
        self,
        row: dict[str, Any],
        totals: tuple[float, ...],
        y: np.ndarray,
        w: np.ndarray,
        urban: np.ndarray,
    ) -> None:
        """Fill ``row``'s Gini entries now, or after the month's passes on the second thread."""
        if self._pool is not None:
            self._request = (row, totals, (y, w, urban))
        else:
            _fill(row, totals, self.sums(y, w, urban, totals))

    def submit(self) -> None:
        """Start the requested sums on the second thread (after the month's recording passes)."""
        if self._request is not None:
            row, totals, args = self._request
            self._request = None
            assert self._pool is not None
            self._pending = (self._pool.submit(self.sums, *args, totals), row, totals)

    def finish(self) -> None:
        """Wait for last month's Gini sums (if any) and write them into their row."""
        if self._pending is not None:
            fut, row, totals = self._pending
            self._pending = None
            _fill(row, totals, fut.result())


def _fill(row: dict[str, Any], totals: tuple[float, ...], g: np.ndarray) -> None:
    row["gini"] = gini_from_sums(g[0], g[1], totals[0])
    for k, area in enumerate(("urban", "rural")):
        if totals[1 + k] > 0:
            row[f"gini_{area}"] = gini_from_sums(g[2 + 2 * k], g[3 + 2 * k], totals[1 + k])

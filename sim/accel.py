"""Compiled kernels: Numba where it is installed and enabled, the numpy code otherwise.

The hot loops of a month (demography, enrolment, the monthly metrics) have two
implementations: the plain numpy one, which is the reference, and a fused loop compiled by
Numba that makes one pass over the households instead of many. Both give the same numbers
(``tests/test_accel.py`` runs a scenario both ways and compares every output).

Switch the kernels off with the environment variable ``SINERGI_NUMBA=0`` (read at import) or,
inside a process, with :func:`disabled`. Kernels are compiled once and cached on disk
(``cache=True``); ``import sim`` loads them (:func:`warm_up`), so the first ``import sim`` in a
fresh install spends some seconds compiling and later ones a fraction of a second, and a run
never compiles in the middle of its first month.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

# GNU OpenMP threads spin for 300,000 rounds after each parallel loop by default, which takes
# the second core from the thread that sorts the month's Gini; 2,000 rounds (a few
# microseconds) still catch the next kernel of a sequence without a sleep and wake-up (at 1M
# households, within the run-to-run noise of sleeping at once: benchmarks/README.md). Set
# before the OpenMP runtime loads, at the first parallel loop; a user's own setting is kept.
os.environ.setdefault("GOMP_SPINCOUNT", "2000")

try:  # pragma: no cover - exercised by the import itself
    import numba

    AVAILABLE = True
except ImportError:  # pragma: no cover - numba is a dependency; this is for broken installs
    numba = None
    AVAILABLE = False

#: Whether the compiled kernels are used (call sites check ``accel.enabled``).
enabled: bool = AVAILABLE and os.environ.get("SINERGI_NUMBA", "1") != "0"

#: The loop of a parallel kernel (:func:`pjit`): ``numba.prange``, or ``range`` without Numba.
prange = numba.prange if AVAILABLE else range

# Numba's fallback threading layer ("workqueue") must not run two parallel kernels at once;
# the model calls them from one thread, but an application may run models in several.
_PARALLEL_LOCK = threading.Lock()


def jit(func: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``func`` with Numba in nopython mode (no fastmath: IEEE arithmetic, as numpy).

    Without Numba the function is returned as it is (never called: call sites test
    ``enabled`` first).
    """
    if not AVAILABLE:
        return func
    return numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")(func)


#: Smallest array (elements) for which a parallel kernel runs on several threads; smaller
#: calls run the same loop on one thread (waking the threads would cost more than the loop).
PARALLEL_MIN = 50_000

_force_parallel = False  # warm_up: compile the parallel variants on tiny arrays


def pjit(func: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``func``, whose ``prange`` loops run on all of Numba's threads.

    A parallel kernel writes each element of its output in one iteration and never sums across
    iterations (a sum goes over fixed chunks, added in chunk order), so its numbers do not
    depend on the number of threads (``NUMBA_NUM_THREADS``, :func:`one_thread`). Calls whose
    largest array has fewer than :data:`PARALLEL_MIN` elements run a one-thread compilation of
    the same loop. Parallel calls are serialised by a lock.
    """
    if not AVAILABLE:
        return func
    options = {"cache": True, "nogil": True, "error_model": "numpy"}
    parallel = numba.njit(parallel=True, **options)(func)
    # a copy under its own name, so that the two compilations have their own cache files
    one = types.FunctionType(
        func.__code__, func.__globals__, func.__name__ + "_serial", func.__defaults__
    )
    one.__qualname__ = func.__qualname__ + "_serial"
    serial = numba.njit(**options)(one)

    @functools.wraps(func)
    def call(*args: Any) -> Any:
        size = 0
        for a in args:
            if isinstance(a, np.ndarray) and a.ndim and a.shape[0] > size:
                size = a.shape[0]
        if size < PARALLEL_MIN and not _force_parallel:
            return serial(*args)
        with _PARALLEL_LOCK:
            return parallel(*args)

    call.parallel = parallel  # type: ignore[attr-defined]
    call.serial = serial  # type: ignore[attr-defined]
    return call


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run the block's parallel kernels on one thread (this thread only; restored after).

    A batch runs many models side by side, one per worker process or Dask thread, so each
    model keeps to one core; the numbers are the same on any number of threads.
    """
    if not AVAILABLE:
        yield
        return
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(before)


def threads() -> int:
    """Threads that parallel kernels run on in this process (1 without Numba)."""
    return int(numba.get_num_threads()) if AVAILABLE else 1


_WARM_UPS: list[Callable[[], None]] = []


def warmup(func: Callable[[], None]) -> Callable[[], None]:
    """Register ``func``, which calls a module's kernels on tiny arrays of the dtypes in use."""
    _WARM_UPS.append(func)
    return func


def warm_up() -> None:
    """Compile (or load from the disk cache) every registered kernel; no-op when disabled."""
    global _force_parallel
    if not enabled:
        return
    for force in (True, False):  # the parallel variants, then the one-thread ones
        _force_parallel = force
        try:
            for func in _WARM_UPS:
                func()
        finally:
            _force_parallel = False


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run the block with the numpy implementations (the reference)."""
    global enabled
    before = enabled
    enabled = False
    try:
        yield
    finally:
        enabled = before


@contextlib.contextmanager
def forced(on: bool = True) -> Iterator[None]:
    """Run the block with the kernels on (when Numba is available) or off."""
    global enabled
    before = enabled
    enabled = bool(on) and AVAILABLE
    try:
        yield
    finally:
        enabled = before

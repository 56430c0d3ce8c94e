"""Compiling a loop with Numba: one-thread (:func:`jit`) and all-thread (:func:`pjit`) forms.

Kernels are compiled lazily at their first call and cached on disk (``cache=True``), with IEEE
arithmetic as numpy's (no fastmath), so that a compiled loop gives the numpy reference's bits.
"""

from __future__ import annotations

import functools
import threading
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from sim.kernels.switch import AVAILABLE, numba

#: The loop of a parallel kernel: ``numba.prange``, or ``range`` without Numba.
prange = numba.prange if AVAILABLE else range

#: Smallest array (elements) for which a parallel kernel runs on several threads; smaller
#: calls run the same loop on one thread (waking the threads would cost more than the loop).
PARALLEL_MIN = 50_000

# Numba's fallback threading layer ("workqueue") must not run two parallel kernels at once;
# the model calls them from one thread, but an application may run models in several.
_PARALLEL_LOCK = threading.Lock()


class _Force:
    """Whether parallel kernels take their parallel form whatever the size (the warm-up)."""

    parallel: bool = False


FORCE = _Force()


def jit(func: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``func`` with Numba in nopython mode (no fastmath: IEEE arithmetic, as numpy).

    Without Numba the function is returned as it is (it then runs as plain Python).
    """
    if not AVAILABLE:
        return func
    return numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")(func)


def pjit(func: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``func``, whose ``prange`` loops run on all of Numba's threads.

    A parallel kernel writes each element of its output in one iteration and never sums across
    iterations (a sum goes over fixed chunks, added in chunk order), so its numbers do not
    depend on the number of threads (``NUMBA_NUM_THREADS``, ``one_thread``). Calls whose
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
        if size < PARALLEL_MIN and not FORCE.parallel:
            return serial(*args)
        with _PARALLEL_LOCK:
            return parallel(*args)

    call.parallel = parallel  # type: ignore[attr-defined]
    call.serial = serial  # type: ignore[attr-defined]
    return call

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
import os
from collections.abc import Callable, Iterator
from typing import Any

try:  # pragma: no cover - exercised by the import itself
    import numba

    AVAILABLE = True
except ImportError:  # pragma: no cover - numba is a dependency; this is for broken installs
    numba = None
    AVAILABLE = False

#: Whether the compiled kernels are used (call sites check ``accel.enabled``).
enabled: bool = AVAILABLE and os.environ.get("SINERGI_NUMBA", "1") != "0"


def jit(func: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``func`` with Numba in nopython mode (no fastmath: IEEE arithmetic, as numpy).

    Without Numba the function is returned as it is (never called: call sites test
    ``enabled`` first).
    """
    if not AVAILABLE:
        return func
    return numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")(func)


_WARM_UPS: list[Callable[[], None]] = []


def warmup(func: Callable[[], None]) -> Callable[[], None]:
    """Register ``func``, which calls a module's kernels on tiny arrays of the dtypes in use."""
    _WARM_UPS.append(func)
    return func


def warm_up() -> None:
    """Compile (or load from the disk cache) every registered kernel; no-op when disabled."""
    if not enabled:
        return
    for func in _WARM_UPS:
        func()


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

"""The one switch between compiled kernels and their numpy references, and the thread count.

Numba compiles the kernels where it is installed; ``SINERGI_NUMBA=0`` in the environment (read
at import) or :func:`disabled` inside a process runs the numpy references instead. The two give
the same numbers (``tests/test_kernels.py`` walks the registry), so the switch exists to check
the kernels, never to change a result.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

try:  # pragma: no cover - exercised by the import itself
    import numba

    AVAILABLE = True
except ImportError:  # pragma: no cover - numba is a dependency; this is for broken installs
    numba = None
    AVAILABLE = False


class _State:
    """Whether registered kernels run compiled (one flag for the process)."""

    enabled: bool = AVAILABLE and os.environ.get("SINERGI_NUMBA", "1") != "0"


STATE = _State()


def enabled() -> bool:
    """Whether the registered kernels run compiled in this process now."""
    return STATE.enabled


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run the block with the numpy references."""
    with forced(False):
        yield


@contextlib.contextmanager
def forced(on: bool = True) -> Iterator[None]:
    """Run the block with the kernels on (when Numba is available) or off; restored after."""
    before = STATE.enabled
    STATE.enabled = bool(on) and AVAILABLE
    try:
        yield
    finally:
        STATE.enabled = before


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


def numba_version() -> str:
    """Numba's version, or ``"not installed"``."""
    return str(numba.__version__) if AVAILABLE else "not installed"

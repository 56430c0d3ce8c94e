"""Preparing a process for large runs: OpenMP's spin, glibc's allocator, the kernels loaded.

``import sim`` does none of this. :func:`prepare` does it once per process; the command line,
batch workers, the benchmark and the first ``PovertyModel`` built in a process call it, so a
run never compiles a kernel in its first month and a library user need not know about it.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys

MALLOC_MMAP_THRESHOLD = 128 * 2**20
"""Bytes from which glibc serves an allocation by a fresh ``mmap`` (glibc default: 128 KiB up)."""
MALLOC_TRIM_THRESHOLD = 256 * 2**20
"""Free bytes glibc keeps at the top of the heap before returning them to the system."""
GOMP_SPINCOUNT = "2000"
"""Rounds an OpenMP thread spins after a parallel loop before it sleeps (GNU default 300,000)."""


@functools.cache
def prepare() -> None:
    """Set OpenMP's spin, let glibc reuse freed memory, and load every compiled kernel.

    Once per process (later calls return at once); it never changes a number the model
    computes.

    * GNU OpenMP threads spin for 300,000 rounds after each parallel loop by default, which takes
      the second core from the thread that sorts the month's Gini; 2,000 rounds (a few
      microseconds) still catch the next kernel of a sequence without a sleep and wake-up
      (``benchmarks/README.md``). Set before the OpenMP runtime loads, at the first parallel
      loop; a user's own setting is kept.
    * :func:`tune_allocator`.
    * ``sim.kernels.registry.warm_up``: load (or compile once) every kernel, so that no run
      compiles in its first month.
    """
    os.environ.setdefault("GOMP_SPINCOUNT", GOMP_SPINCOUNT)
    tune_allocator()
    from sim.kernels.registry import warm_up

    warm_up()


@functools.cache
def tune_allocator() -> bool:
    """Let glibc reuse freed memory for the month's household-length temporaries.

    A month allocates and frees dozens of arrays of a few MiB per million households. With
    glibc's defaults many of them are served by a fresh ``mmap`` each time, and the page faults
    of touching new pages cost ~15% of a month at 1M households (measured with
    ``benchmarks/bench.py``: 8.9 s -> 7.4 s for 12 months, peak memory +8 MiB). Raising the
    mmap and trim thresholds (``mallopt``) keeps them in the heap instead. It changes where
    memory comes from, never a number the model computes. Once per process; a no-op off
    glibc (returns False).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 - glibc only (musl has no mallopt thresholds)
        m_trim_threshold, m_mmap_threshold = -1, -3  # from <malloc.h>
        ok = libc.mallopt(m_mmap_threshold, MALLOC_MMAP_THRESHOLD) == 1
        ok &= libc.mallopt(m_trim_threshold, MALLOC_TRIM_THRESHOLD) == 1
        return bool(ok)
    except (OSError, AttributeError):
        return False

"""How much memory a population needs, and the refusal of one that this machine cannot hold.

A run's peak memory grows with its households: the household arrays, the month's scratch
arrays and the recorded figures. ``benchmarks/README.md`` measures it as the peak resident set
over the process's start: 263 bytes a household at 10,000,000 households, 283 at 1,000,000 and
310 for the largest province of the nation at 1:1 (Jawa Barat, 13.4 million households).
:data:`BYTES_PER_HOUSEHOLD` takes the largest of these, and :data:`PROCESS_BYTES` the
process's own start (0.31-0.44 GiB measured), so that the refusal errs towards letting a run
start only when it fits.

:func:`check_fits` is called before any household is allocated: by ``PovertyModel`` and,
before any run starts, by ``run_scenarios.py`` (``sim.batch.plan``). A population that would
need more than this machine's physical memory is refused with the figure it implies and the
largest that fits; nothing is allocated or written.
"""

from __future__ import annotations

import os

BYTES_PER_HOUSEHOLD = 310
"""Peak bytes a household over the process's start (largest measured, benchmarks/README.md)."""
PROCESS_BYTES = int(0.44 * 2**30)
"""A process's memory before its households (Python, numpy, numba, mesa; measured 0.31-0.44
GiB)."""


class MemoryRefused(ValueError):
    """A population that this machine's memory cannot hold (one line, with the figures)."""


def machine_memory() -> int | None:
    """This machine's physical memory in bytes (None where the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # not POSIX, or the names are unknown
        return None


def bytes_needed(households: int) -> int:
    """Peak bytes of one run of ``households`` households (process included)."""
    return PROCESS_BYTES + BYTES_PER_HOUSEHOLD * int(households)


def largest_fitting(memory: int) -> int:
    """The most households one run can hold in ``memory`` bytes."""
    return max(0, (int(memory) - PROCESS_BYTES) // BYTES_PER_HOUSEHOLD)


def _gb(n: float) -> str:
    return f"{n / 1e9:,.1f} GB"


def check_fits(households: int, field: str = "population.households", memory: int | None = None):
    """Refuse a population that would need more memory than the machine has.

    Args:
        households: Households of one run.
        field: The field or flag that set them, for the message.
        memory: Bytes available (default: :func:`machine_memory`; None: no check).

    Raises:
        MemoryRefused: Naming ``field``, the memory the run would need, the machine's and the
            largest population that fits.
    """
    memory = machine_memory() if memory is None else memory
    if memory is None:
        return
    need = bytes_needed(households)
    if need > memory:
        raise MemoryRefused(
            f"{field}: {int(households):,} households would need about {_gb(need)} of memory "
            f"({BYTES_PER_HOUSEHOLD} bytes a household, benchmarks/README.md), more than this "
            f"machine's {_gb(memory)}; at most {largest_fitting(memory):,} households fit in one "
            "run (a larger population: the nation by province on a Dask cluster, "
            'region = "INDONESIA (by province)")'
        )

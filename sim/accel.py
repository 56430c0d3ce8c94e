"""Transitional: the old name of ``sim.kernels`` while modules move to the kernel registry.

Everything here delegates to ``sim.kernels`` (one switch for the process); this file is removed
once no module reads ``accel.enabled``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.kernels import compile as _compile
from sim.kernels.compile import jit, pjit, prange
from sim.kernels.switch import AVAILABLE, STATE, disabled, forced, numba, one_thread, threads

__all__ = ["AVAILABLE", "disabled", "forced", "jit", "numba", "one_thread", "pjit", "prange"]
__all__ += ["threads", "warm_up", "warmup"]

_WARM_UPS: list[Callable[[], None]] = []


def __getattr__(name: str) -> Any:
    if name == "enabled":
        return STATE.enabled
    if name == "PARALLEL_MIN":
        return _compile.PARALLEL_MIN
    raise AttributeError(name)


def warmup(func: Callable[[], None]) -> Callable[[], None]:
    """Register ``func``, which calls a module's kernels on tiny arrays of the dtypes in use."""
    _WARM_UPS.append(func)
    return func


def warm_up() -> None:
    """Compile (or load from the disk cache) every kernel registered by :func:`warmup`."""
    if not STATE.enabled:
        return
    for force in (True, False):
        _compile.FORCE.parallel = force
        try:
            for func in _WARM_UPS:
                func()
        finally:
            _compile.FORCE.parallel = False

"""Compiled kernels and their numpy references, registered together; the one switch.

* :mod:`sim.kernels.registry`: ``@kernel(reference=..., example=...)`` and ``REGISTRY``.
* :mod:`sim.kernels.compile`: ``jit``/``pjit`` (one thread / all threads) and ``prange``, for
  loops and for helpers that only compiled loops call.
* :mod:`sim.kernels.switch`: ``enabled()``, ``disabled()``, ``forced()``, ``one_thread()``.
* :mod:`sim.kernels.process`: ``prepare()`` a process for large runs (explicit, once).
"""

from sim.kernels.compile import jit, pjit, prange
from sim.kernels.process import prepare
from sim.kernels.registry import REGISTRY, Kernel, composite, kernel, warm_up
from sim.kernels.switch import AVAILABLE, disabled, enabled, forced, one_thread, threads

#: The modules that register kernels (``warm_up`` imports them before loading the kernels).
MODULES: tuple[str, ...] = (
    "sim.rng.counter",
    "sim.rng.binomial",
    "sim.kernels.sorting",
    "sim.world.distribution",
    "sim.world.government",
    "sim.world.registry",
    "sim.measures.record",
    "sim.dynamics.assets",
    "sim.dynamics.budget",
    "sim.dynamics.consumption",
    "sim.dynamics.demography",
    "sim.dynamics.elementwise",
    "sim.dynamics.health",
    "sim.dynamics.income",
    "sim.dynamics.schooling",
    "sim.dynamics.shocks",
    "sim.dynamics.spillovers",
    "sim.institutions.state",
    "sim.institutions.survey",
    "sim.institutions.targeting",
    "sim.institutions.delivery",
    "sim.institutions.funding",
    "sim.measures.reach",
    "sim.measures.binned",
)

__all__ = [
    "AVAILABLE",
    "MODULES",
    "REGISTRY",
    "Kernel",
    "composite",
    "disabled",
    "enabled",
    "forced",
    "jit",
    "kernel",
    "one_thread",
    "pjit",
    "prange",
    "prepare",
    "threads",
    "warm_up",
]

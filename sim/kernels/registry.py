"""The kernel registry: each mechanism's compiled loop registered with its numpy reference.

A hot mechanism is written once as the function the model calls::

    def _earnings_reference(labour_perm, ...):      # numpy: the reference
        ...

    @kernel(reference=_earnings_reference, parallel=True, example=_earnings_example)
    def earnings(labour_perm, ...):                 # the same result in one compiled loop
        for i in prange(labour_perm.shape[0]):
            ...

``earnings(...)`` then runs the compiled loop or the reference, as the one switch
(``sim.kernels.switch``) says; model code never asks which. Both forms take the same arguments,
return the same values and write the same arrays in place. ``example(rng, n)`` builds
arguments of exactly the dtypes a run passes (``n`` households): ``tests/test_kernels.py``
walks the registry and compares the two forms on them, bit for bit (or within the kernel's
stated ``rtol`` for sums taken in another order), and :func:`warm_up` loads every compiled form
with them so that no run compiles in its first month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.kernels import compile as _compile
from sim.kernels.switch import STATE


@dataclass(eq=False)
class Kernel:
    """A mechanism with a compiled form and its numpy reference (call it like a function).

    Attributes:
        name: ``module.function``.
        loop: The Python source of the compiled form (runs as Python without Numba).
        compiled: The Numba-compiled form.
        reference: The numpy reference: same arguments, same results.
        example: ``example(rng, n) -> args``: arguments of the dtypes a run passes.
        rtol: Relative tolerance between the two forms (0: the same bits).
        parallel: Whether the compiled form runs on all threads from ``PARALLEL_MIN``.
    """

    name: str
    loop: Callable[..., Any]
    compiled: Callable[..., Any]
    reference: Callable[..., Any]
    example: Callable[[np.random.Generator, int], tuple[Any, ...]]
    rtol: float = 0.0
    parallel: bool = False

    def __call__(self, *args: Any) -> Any:
        """Run the compiled form when kernels are on, else the numpy reference."""
        if STATE.enabled:
            return self.compiled(*args)
        return self.reference(*args)


#: Every registered kernel by name, in registration order.
REGISTRY: dict[str, Kernel] = {}


def _add(
    loop: Callable[..., Any],
    compiled: Callable[..., Any],
    reference: Callable[..., Any],
    example: Callable[[np.random.Generator, int], tuple[Any, ...]],
    rtol: float,
    parallel: bool,
) -> Kernel:
    """Put a kernel in :data:`REGISTRY` under ``module.function`` (once)."""
    k = Kernel(
        name=f"{loop.__module__}.{loop.__qualname__}",
        loop=loop,
        compiled=compiled,
        reference=reference,
        example=example,
        rtol=rtol,
        parallel=parallel,
    )
    if k.name in REGISTRY:
        raise ValueError(f"kernel {k.name} is registered twice")
    REGISTRY[k.name] = k
    k.__doc__ = loop.__doc__  # help() on a kernel shows the mechanism
    k.__wrapped__ = loop  # type: ignore[attr-defined]
    return k


def kernel(
    reference: Callable[..., Any],
    *,
    example: Callable[[np.random.Generator, int], tuple[Any, ...]],
    parallel: bool = False,
    rtol: float = 0.0,
) -> Callable[[Callable[..., Any]], Kernel]:
    """Register the decorated loop as a kernel whose numpy reference is ``reference``.

    Args:
        reference: The numpy function with the same arguments and results.
        example: ``example(rng, n)`` returns arguments for ``n`` households, of the dtypes
            (scalars included: ``np.float32`` is not ``float`` to Numba) that a run passes.
        parallel: Compile with ``prange`` loops on all threads (``sim.kernels.compile.pjit``).
        rtol: Relative tolerance of the comparison, for kernels that sum in another order
            than numpy; 0 (the default) asks for the same bits.

    Returns:
        A decorator turning the loop into a :class:`Kernel`.
    """

    def register(loop: Callable[..., Any]) -> Kernel:
        compiled = _compile.pjit(loop) if parallel else _compile.jit(loop)
        return _add(loop, compiled, reference, example, rtol, parallel)

    return register


def composite(
    reference: Callable[..., Any],
    *,
    example: Callable[[np.random.Generator, int], tuple[Any, ...]],
    parallel: bool = False,
    rtol: float = 0.0,
) -> Callable[[Callable[..., Any]], Kernel]:
    """Register a Python function that runs compiled loops as the compiled form of a mechanism.

    For a mechanism whose compiled form is several loops with Python between them (the monthly
    recording: two passes and a Gini thread), against a numpy reference of the same arguments
    and results. Arguments as :func:`kernel`; ``parallel`` says whether the loops inside have
    parallel forms (the warm-up then loads both).
    """

    def register(func: Callable[..., Any]) -> Kernel:
        return _add(func, func, reference, example, rtol, parallel)

    return register


def warm_up(modules: tuple[str, ...] | None = None) -> None:
    """Compile (or load from the disk cache) every registered kernel, both forms of parallel ones.

    Imports the modules that register kernels first (``sim.kernels.MODULES``) unless
    ``modules`` names others. A no-op without Numba.
    """
    import importlib

    from sim.kernels.switch import AVAILABLE

    if not AVAILABLE:
        return
    from sim.kernels import MODULES

    for name in modules if modules is not None else MODULES:
        importlib.import_module(name)
    rng = np.random.default_rng(0)
    for k in REGISTRY.values():
        for force in (True, False) if k.parallel else (False,):
            _compile.FORCE.parallel = force
            try:
                k.compiled(*k.example(rng, 3))
            finally:
                _compile.FORCE.parallel = False


def loaded() -> dict[tuple[str, str], int]:
    """Compiled signatures loaded so far, per kernel and form (``parallel``, ``serial``, ``one``).

    Zero everywhere after ``import sim``; :func:`warm_up` loads one per form; a run that
    compiled a new one would show here (``tests/test_kernels.py``).
    """
    from sim.kernels.switch import numba

    if numba is None:
        return {}
    out = {}
    for name, k in REGISTRY.items():
        forms = {"parallel": getattr(k.compiled, "parallel", None),
                 "serial": getattr(k.compiled, "serial", None), "one": k.compiled}  # fmt: skip
        for form, f in forms.items():
            if isinstance(f, numba.core.dispatcher.Dispatcher):
                out[(name, form)] = len(f.signatures)
    return out

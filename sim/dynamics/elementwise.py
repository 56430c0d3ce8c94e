"""numpy's elementwise choices inside compiled loops: maximum, minimum and a masked select.

A compiled loop gives its numpy reference's bits only where it picks the operand numpy picks:
``np.maximum`` and ``np.minimum`` (and ``np.clip``, which is the two) return a NaN first
operand, else the first operand when it wins strictly, else the second. So ``max(-0.0, 0.0)``
is ``0.0``, ``max(0.0, -0.0)`` is ``-0.0``, and a NaN second operand propagates.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import jit, kernel, prange

F32 = np.float32


@jit
def fmax(a: float, b: float) -> float:
    """``np.maximum(a, b)`` bit for bit: a NaN ``a``, else ``a`` if larger, else ``b``.

    So equal values give ``b`` (``max(-0.0, 0.0)`` is ``0.0``, ``max(0.0, -0.0)`` is ``-0.0``)
    and a NaN ``b`` propagates, as numpy's loops (also ``np.clip``'s) do.
    """
    if a != a:
        return a
    return a if a > b else b


@jit
def fmin(a: float, b: float) -> float:
    """``np.minimum(a, b)`` bit for bit: a NaN ``a``, else ``a`` if smaller, else ``b``."""
    if a != a:
        return a
    return a if a < b else b


def _select_reference(mask: np.ndarray, yes: np.float32, no: np.float32, out: np.ndarray) -> None:
    """``out = np.where(mask, yes, no)``."""
    out[:] = np.where(mask, yes, no)


def _select_example(rng: np.random.Generator, n: int) -> tuple:
    """A household mask (urban, insured) and two float32 values (a factor, rupiah)."""
    mask = rng.random(n) < 0.4
    return mask, F32(1.0), F32(rng.uniform(0.5, 1.5)), np.empty(n, dtype=F32)


@kernel(reference=_select_reference, example=_select_example, parallel=True)
def select(mask: np.ndarray, yes: np.float32, no: np.float32, out: np.ndarray) -> None:
    """``out = np.where(mask, yes, no)``: one of two float32 values per household."""
    for i in prange(mask.shape[0]):
        out[i] = yes if mask[i] else no

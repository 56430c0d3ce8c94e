"""Fast exact sorting helpers.

``stable_argsort`` returns exactly what ``np.argsort(values, kind="stable")`` returns (ties in
index order), several times faster for float32 data: each value's order-preserving 32-bit
pattern and its index are packed into one 64-bit key, and the keys, all distinct, are sorted
with numpy's default (SIMD) sort. Results of the model therefore do not depend on which of the
two is used.

``reorder(values, order)`` is ``order[stable_argsort(values[order])]``: last month's order
refreshed for this month's values (ties keep last month's order), as the monthly Gini needs it.
Two registered kernels (``sim.kernels``) build the keys in one pass and write the new order
into the key array itself, so it needs 8 bytes per element besides the old order instead of
about 30.
"""

from __future__ import annotations

import numpy as np

from sim.kernels.registry import kernel

_SIGN = np.uint32(0x80000000)
_LOW = np.uint64(0xFFFFFFFF)


def stable_argsort(values: np.ndarray) -> np.ndarray:
    """Indices that sort ``values`` ascending, ties in index order.

    Identical to ``np.argsort(values, kind="stable")``. 1-D float32 input without NaN (and
    fewer than 2**32 elements) takes the packed-key path; anything else falls back to numpy's
    stable sort.

    Args:
        values: 1-D array.

    Returns:
        intp permutation of ``range(values.size)``.
    """
    a = np.asarray(values)
    n = a.shape[0] if a.ndim == 1 else -1
    if a.dtype != np.float32 or n < 2 or n >= 2**32 or np.isnan(a).any():
        return np.argsort(a, kind="stable")
    bits = (a + np.float32(0)).view(np.uint32)  # -0.0 -> +0.0: argsort treats them as equal
    key = _order_keys(bits)
    key |= np.arange(n, dtype=np.uint64)
    key.sort()
    key &= _LOW
    return _as_intp(key)


def _as_intp(key: np.ndarray) -> np.ndarray:
    """The uint64 indices (all < 2**32) as intp: a view where intp is 64-bit, else a copy."""
    if np.dtype(np.intp).itemsize == 8:
        return key.view(np.intp)
    return key.astype(np.intp)


def _order_keys(bits: np.ndarray) -> np.ndarray:
    """Order-preserving uint64 keys (upper 32 bits) of float32 ``bits`` with -0.0 as +0.0."""
    # IEEE-754 order as unsigned integers: flip every bit of negatives, the sign bit of others
    key = np.where(bits & _SIGN, ~bits, bits | _SIGN).astype(np.uint64)
    key <<= np.uint64(32)
    return key


def _gathered_keys_reference(values: np.ndarray, order: np.ndarray) -> np.ndarray | None:
    v = values[order]
    if np.isnan(v).any():
        return None
    key = _order_keys((v + np.float32(0)).view(np.uint32))
    key |= np.arange(order.shape[0], dtype=np.uint64)
    return key


def _gathered_keys_example(rng: np.random.Generator, n: int) -> tuple:
    values = rng.normal(size=n).astype(np.float32)
    values[rng.random(n) < 0.3] = values[0]  # ties
    values[rng.random(n) < 0.05] = -0.0
    values[rng.random(n) < 0.05] = 0.0
    values[rng.random(n) < 0.02] = np.inf
    return values, rng.permutation(n).astype(np.intp)


@kernel(reference=_gathered_keys_reference, example=_gathered_keys_example)
def gathered_keys(values: np.ndarray, order: np.ndarray) -> np.ndarray | None:
    """Packed keys of ``values[order]`` (see :func:`stable_argsort`); None if a NaN is met.

    Args:
        values: float32 values.
        order: intp permutation of ``range(values.size)``.

    Returns:
        uint64 keys, unsorted: the order-preserving bits of ``values[order[k]]`` in the upper
        32 bits, ``k`` in the lower 32.
    """
    n = order.shape[0]
    bits = values.view(np.uint32)
    key = np.empty(n, dtype=np.uint64)
    for i in range(n):
        j = order[i]
        v = values[j]
        if v != v:
            return None
        b = bits[j]
        if b == np.uint32(0x80000000):  # -0.0 sorts with +0.0
            b = np.uint32(0)
        if b & np.uint32(0x80000000):
            b = ~b
        else:
            b = b | np.uint32(0x80000000)
        key[i] = (np.uint64(b) << np.uint64(32)) | np.uint64(i)
    return key


def _apply_order_reference(key: np.ndarray, order: np.ndarray) -> None:
    key[:] = order[(key & _LOW).astype(np.intp)]


def _apply_order_example(rng: np.random.Generator, n: int) -> tuple:
    key = rng.integers(0, 2**32, n, dtype=np.uint64) << np.uint64(32)
    key |= rng.permutation(n).astype(np.uint64)
    return key, rng.permutation(n).astype(np.intp)


@kernel(reference=_apply_order_reference, example=_apply_order_example)
def apply_order(key: np.ndarray, order: np.ndarray) -> None:
    """``key[i] = order[key[i] & 0xFFFFFFFF]`` in place (the sorted keys become the new order)."""
    low = np.uint64(0xFFFFFFFF)
    for i in range(key.shape[0]):
        key[i] = np.uint64(order[np.int64(key[i] & low)])


def sorted_keys(values: np.ndarray, order: np.ndarray) -> np.ndarray | None:
    """The sorted packed keys of ``values[order]``, or None where the packed keys do not apply.

    Key ``k`` holds the order-preserving bits of the k-th smallest value in its upper 32 bits
    and its position in ``order`` in the lower 32 (ties in the order of ``order``), so
    ``order[key & 0xFFFFFFFF]`` is :func:`reorder`'s result (``recording.gini_reorder_pass``
    reads the values back from the upper bits while it writes the new order).

    Args:
        values: 1-D float32 array, C-contiguous.
        order: A permutation of ``range(values.size)`` (intp).

    Returns:
        uint64 keys, ascending; None for other dtypes, with a NaN, or outside 2 <= n < 2**32.
    """
    a = np.asarray(values)
    n = a.shape[0] if a.ndim == 1 else -1
    if not (
        a.dtype == np.float32
        and a.flags.c_contiguous
        and order.dtype == np.intp
        and np.dtype(np.intp).itemsize == 8
        and 2 <= n < 2**32
        and order.shape[0] == n
    ):
        return None
    key = gathered_keys(a, order)
    if key is not None:
        key.sort()
    return key


def reorder(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``order[stable_argsort(values[order])]``: ``order`` refreshed for new ``values``.

    Args:
        values: 1-D array.
        order: A permutation of ``range(values.size)`` (intp), e.g. last month's sorting order.

    Returns:
        The permutation that sorts ``values`` ascending, ties in the order of ``order``.
    """
    key = sorted_keys(values, order)
    if key is not None:
        apply_order(key, order)
        return key.view(np.intp)
    a = np.asarray(values)
    return order[stable_argsort(a[order])]

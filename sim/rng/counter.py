"""Counter-based random numbers: every draw is a hash of (seed, decision, month, household).

A household's number for a decision in a month is computed, not read from a sequence: the
stream key (two 64-bit words from ``numpy.random.SeedSequence(root_seed, spawn_key=(crc32(
decision), month))``) and the household's index go through two rounds of the SplitMix64
finaliser (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators",
OOPSLA; the finaliser is Stafford's "variant 13"). The same construction as Random123's
counter-based generators (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3",
SC'11): any subset of households can be drawn, in any order, on any number of threads, and
each gets exactly the number it would get in a full draw. So a decision draws only for the
households it concerns (the candidates of an enrolment round, not everyone), and common random
numbers between scenarios stay exact.

* uniform float32 on [0, 1): the top 24 bits, times 2**-24;
* uniform float64 on [0, 1): the top 53 bits, times 2**-53;
* standard normal: Marsaglia & Tsang's (2000, J. Stat. Softw. 5(8)) ziggurat with 256 layers,
  in numpy's float64 form (Marsaglia's tail algorithm beyond r = 3.6541528853610088), rounded
  to float32. A rejected attempt or a wedge test takes the next counter value (``attempt``
  1, 2, ...) of the same household, so the draw still depends only on its own key.

Each fill is a registered kernel (``sim.kernels``): a compiled loop over the households, run in
parallel with each element written once (the numbers do not depend on the number of threads),
and its numpy reference; both give the same bits (``tests/test_kernels.py``,
``tests/test_randomness.py``). The normal's rare rejected attempts (about 1.2 % of draws) take
a per-element Python loop in the numpy reference, whose ``math.exp``/``math.log1p`` are the C
library's, as the compiled code's are.
"""

from __future__ import annotations

import math

import numpy as np

from sim.kernels import jit, kernel, prange

_U64 = np.uint64
GOLDEN = _U64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio (SplitMix64's increment)
ATTEMPT = _U64(0xD1B54A32D192ED03)  # odd multiplier separating a household's attempts
M1 = _U64(0xBF58476D1CE4E5B9)
M2 = _U64(0x94D049BB133111EB)
S30, S27, S31 = _U64(30), _U64(27), _U64(31)
S8, S1, S40, S11 = _U64(8), _U64(1), _U64(40), _U64(11)
LOW8 = _U64(0xFF)
ONE = _U64(1)
MASK52 = _U64(0x000FFFFFFFFFFFFF)
TWO_M24 = 1.0 / 16777216.0
TWO_M53 = 1.0 / 9007199254740992.0
_MASK64 = (1 << 64) - 1


def _ziggurat_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Marsaglia & Tsang's 256-layer tables for 52-bit draws (numpy's float64 layout).

    Returns:
        ``(ki, wi, fi, r, 1/r)``: acceptance thresholds (uint64), layer widths / 2**52,
        density at the layer edges, the base layer's edge r and its inverse.
    """
    n, r, v, m = 256, 3.6541528853610088, 0.00492867323399, 2.0**52
    ki = np.zeros(n, dtype=np.uint64)
    wi = np.zeros(n)
    fi = np.zeros(n)
    dn = tn = r
    q = v / math.exp(-0.5 * dn * dn)
    ki[0] = int(dn / q * m)
    wi[0], wi[n - 1] = q / m, dn / m
    fi[0], fi[n - 1] = 1.0, math.exp(-0.5 * dn * dn)
    for i in range(n - 2, 0, -1):
        dn = math.sqrt(-2.0 * math.log(v / dn + math.exp(-0.5 * dn * dn)))
        ki[i + 1] = int(dn / tn * m)
        tn = dn
        fi[i] = math.exp(-0.5 * dn * dn)
        wi[i] = dn / m
    return ki, wi, fi, r, 1.0 / r


KI, WI, FI, ZIG_R, ZIG_INV_R = _ziggurat_tables()


# ------------------------------------------------------------------------------- compiled ---
@jit
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64's finaliser (a bijection of 64-bit words)."""
    z = (z ^ (z >> S30)) * M1
    z = (z ^ (z >> S27)) * M2
    return z ^ (z >> S31)


@jit
def bits_at(k0: np.uint64, k1: np.uint64, i: int, attempt: int) -> np.uint64:
    """64 random bits of household ``i`` (its ``attempt``-th) in the stream keyed (k0, k1)."""
    return mix64(mix64(k0 + _U64(i + 1) * GOLDEN) ^ (k1 + _U64(attempt) * ATTEMPT))


@jit
def uniform32_at(k0: np.uint64, k1: np.uint64, i: int) -> np.float32:
    """Uniform on [0, 1) as float32 (24 bits)."""
    return np.float32(np.float64(bits_at(k0, k1, i, 0) >> S40) * TWO_M24)


@jit
def uniform64_at(k0: np.uint64, k1: np.uint64, i: int) -> float:
    """Uniform on [0, 1) as float64 (53 bits)."""
    return np.float64(bits_at(k0, k1, i, 0) >> S11) * TWO_M53


@jit
def normal_at(k0: np.uint64, k1: np.uint64, i: int) -> float:
    """Standard normal of household ``i`` (ziggurat, float64)."""
    attempt = 0
    while True:
        r = bits_at(k0, k1, i, attempt)
        attempt += 1
        idx = np.int64(r & LOW8)
        r = r >> S8
        negative = (r & ONE) != 0
        rabs = (r >> S1) & MASK52
        x = np.float64(rabs) * WI[idx]
        if negative:
            x = -x
        if rabs < KI[idx]:
            return x
        if idx == 0:  # the tail beyond r (Marsaglia 1964)
            while True:
                u1 = np.float64(bits_at(k0, k1, i, attempt) >> S11) * TWO_M53
                u2 = np.float64(bits_at(k0, k1, i, attempt + 1) >> S11) * TWO_M53
                attempt += 2
                xx = -ZIG_INV_R * math.log1p(-u1)
                yy = -math.log1p(-u2)
                if yy + yy > xx * xx:
                    return -(ZIG_R + xx) if negative else ZIG_R + xx
        u = np.float64(bits_at(k0, k1, i, attempt) >> S11) * TWO_M53
        attempt += 1
        if (FI[idx - 1] - FI[idx]) * u + FI[idx] < math.exp(-0.5 * x * x):
            return x


@jit
def _first_attempt(k0: np.uint64, k1: np.uint64, i: int) -> np.float32:
    """The normal of household ``i`` if its first ziggurat attempt is accepted, else NaN.

    About 98.8 % of draws end here; this branch-free form lets the compiler vectorise it.
    """
    r = bits_at(k0, k1, i, 0)
    idx = np.int64(r & LOW8)
    r = r >> S8
    rabs = (r >> S1) & MASK52
    x = np.float64(rabs) * WI[idx]
    if (r & ONE) != 0:
        x = -x
    return np.float32(x) if rabs < KI[idx] else np.float32(np.nan)


# ---------------------------------------------------------------------------------- numpy ---
def _bits_np(k0: np.uint64, k1: np.uint64, i: np.ndarray, attempt: int) -> np.ndarray:
    """:func:`bits_at` over an array of household indices (uint64 arithmetic wraps)."""
    z = np.asarray(i, dtype=np.uint64) + ONE
    z *= GOLDEN
    z += k0
    z = _mix_np(z)
    z ^= np.array([k1], dtype=np.uint64) + np.array([attempt], dtype=np.uint64) * ATTEMPT
    return _mix_np(z)


def _mix_np(z: np.ndarray) -> np.ndarray:
    z = z ^ (z >> S30)
    z *= M1
    z ^= z >> S27
    z *= M2
    z ^= z >> S31
    return z


def _bits_py(k0: int, k1: int, i: int, attempt: int) -> int:
    """:func:`bits_at` in Python integers (the numpy form's rare rejected attempts)."""

    def mix(z: int) -> int:
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        return z ^ (z >> 31)

    a = mix((k0 + (i + 1) * 0x9E3779B97F4A7C15) & _MASK64)
    return mix(a ^ ((k1 + attempt * 0xD1B54A32D192ED03) & _MASK64))


_WI, _KI, _FI = WI.tolist(), KI.tolist(), FI.tolist()


def _normal_py(k0: int, k1: int, i: int) -> float:
    """:func:`normal_at` in plain Python (float64, the same operations)."""
    attempt = 0
    wi, ki, fi = _WI, _KI, _FI
    while True:
        r = _bits_py(k0, k1, i, attempt)
        attempt += 1
        idx = r & 0xFF
        r >>= 8
        negative = (r & 1) != 0
        rabs = (r >> 1) & 0x000FFFFFFFFFFFFF
        x = float(rabs) * wi[idx]
        if negative:
            x = -x
        if rabs < ki[idx]:
            return x
        if idx == 0:
            while True:
                u1 = float(_bits_py(k0, k1, i, attempt) >> 11) * TWO_M53
                u2 = float(_bits_py(k0, k1, i, attempt + 1) >> 11) * TWO_M53
                attempt += 2
                xx = -ZIG_INV_R * math.log1p(-u1)
                yy = -math.log1p(-u2)
                if yy + yy > xx * xx:
                    return -(ZIG_R + xx) if negative else ZIG_R + xx
        u = float(_bits_py(k0, k1, i, attempt) >> 11) * TWO_M53
        attempt += 1
        if (fi[idx - 1] - fi[idx]) * u + fi[idx] < math.exp(-0.5 * x * x):
            return x


def _normal_np(k0: np.uint64, k1: np.uint64, i: np.ndarray) -> np.ndarray:
    """:func:`normal_at` over household indices ``i`` (float64)."""
    r = _bits_np(k0, k1, i, 0)
    idx = (r & LOW8).astype(np.intp)
    r >>= S8
    negative = (r & ONE) != 0
    rabs = (r >> S1) & MASK52
    x = rabs.astype(np.float64) * WI[idx]
    np.negative(x, out=x, where=negative)
    for j in np.flatnonzero(rabs >= KI[idx]):
        x[j] = _normal_py(int(k0), int(k1), int(i[j]))
    return x


def _uniform32_np(k0: np.uint64, k1: np.uint64, i: np.ndarray) -> np.ndarray:
    """:func:`uniform32_at` over household indices ``i`` (float64 values on the 24-bit grid)."""
    return (_bits_np(k0, k1, i, 0) >> S40).astype(np.float64) * TWO_M24


# -------------------------------------------------------------------------------- kernels ---
def _key_example(rng: np.random.Generator) -> tuple[np.uint64, np.uint64]:
    """A stream key as ``Streams.key`` gives it (two ``np.uint64`` words)."""
    k0, k1 = rng.integers(0, 2**64, 2, dtype=np.uint64)
    return np.uint64(k0), np.uint64(k1)


def _indices_example(rng: np.random.Generator, n: int) -> np.ndarray:
    """Household indices of a subset draw: int64, any order, repeats allowed."""
    return rng.integers(0, 2 * n + 1, n, dtype=np.int64)


def _fill_uniform32_reference(k0: np.uint64, k1: np.uint64, out: np.ndarray) -> None:
    out[:] = _uniform32_np(k0, k1, np.arange(out.shape[0]))


def _fill_uniform32_example(rng: np.random.Generator, n: int) -> tuple:
    return (*_key_example(rng), np.zeros(n, dtype=np.float32))


@kernel(reference=_fill_uniform32_reference, example=_fill_uniform32_example, parallel=True)
def fill_uniform32(k0: np.uint64, k1: np.uint64, out: np.ndarray) -> None:
    """Write the float32 uniforms of households ``0..out.size-1`` into ``out``."""
    for i in prange(out.shape[0]):
        out[i] = uniform32_at(k0, k1, i)


def _fill_uniform64_reference(k0: np.uint64, k1: np.uint64, out: np.ndarray) -> None:
    out[:] = (_bits_np(k0, k1, np.arange(out.shape[0]), 0) >> S11).astype(np.float64) * TWO_M53


def _fill_uniform64_example(rng: np.random.Generator, n: int) -> tuple:
    return (*_key_example(rng), np.zeros(n, dtype=np.float64))


@kernel(reference=_fill_uniform64_reference, example=_fill_uniform64_example, parallel=True)
def fill_uniform64(k0: np.uint64, k1: np.uint64, out: np.ndarray) -> None:
    """Write the float64 uniforms of households ``0..out.size-1`` into ``out``."""
    for i in prange(out.shape[0]):
        out[i] = uniform64_at(k0, k1, i)


def _gather_uniform32_reference(
    k0: np.uint64, k1: np.uint64, idx: np.ndarray, out: np.ndarray
) -> None:
    out[:] = _uniform32_np(k0, k1, idx)


def _gather_example(rng: np.random.Generator, n: int) -> tuple:
    return (*_key_example(rng), _indices_example(rng, n), np.zeros(n, dtype=np.float32))


@kernel(reference=_gather_uniform32_reference, example=_gather_example, parallel=True)
def gather_uniform32(k0: np.uint64, k1: np.uint64, idx: np.ndarray, out: np.ndarray) -> None:
    """Write the float32 uniforms of households ``idx`` (int64) into ``out``."""
    for j in prange(idx.shape[0]):
        out[j] = uniform32_at(k0, k1, idx[j])


def _fill_normal32_reference(k0: np.uint64, k1: np.uint64, out: np.ndarray) -> None:
    out[:] = _normal_np(k0, k1, np.arange(out.shape[0], dtype=np.int64))


def _fill_normal32_example(rng: np.random.Generator, n: int) -> tuple:
    return (*_key_example(rng), np.zeros(n, dtype=np.float32))


@kernel(reference=_fill_normal32_reference, example=_fill_normal32_example, parallel=True)
def fill_normal32(k0: np.uint64, k1: np.uint64, out: np.ndarray) -> None:
    """Write the float32 standard normals of households ``0..out.size-1`` into ``out``."""
    for i in prange(out.shape[0]):
        out[i] = _first_attempt(k0, k1, i)
    for i in prange(out.shape[0]):
        if np.isnan(out[i]):  # the rest: wedge and tail tests, further attempts
            out[i] = np.float32(normal_at(k0, k1, i))


def _gather_normal32_reference(
    k0: np.uint64, k1: np.uint64, idx: np.ndarray, out: np.ndarray
) -> None:
    out[:] = _normal_np(k0, k1, idx)


@kernel(reference=_gather_normal32_reference, example=_gather_example, parallel=True)
def gather_normal32(k0: np.uint64, k1: np.uint64, idx: np.ndarray, out: np.ndarray) -> None:
    """Write the float32 standard normals of households ``idx`` (int64) into ``out``."""
    for j in prange(idx.shape[0]):
        out[j] = _first_attempt(k0, k1, idx[j])
    for j in prange(idx.shape[0]):
        if np.isnan(out[j]):
            out[j] = np.float32(normal_at(k0, k1, idx[j]))


# ------------------------------------------------------------------------------ interface ---
def uniform32(k0: np.uint64, k1: np.uint64, n: int) -> np.ndarray:
    """Uniforms on [0, 1) (float32) of households 0..n-1."""
    out = np.empty(n, dtype=np.float32)
    fill_uniform32(k0, k1, out)
    return out


def uniform32_of(k0: np.uint64, k1: np.uint64, idx: np.ndarray) -> np.ndarray:
    """Uniforms on [0, 1) (float32) of the households ``idx``: ``uniform32(...)[idx]``."""
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    out = np.empty(idx.size, dtype=np.float32)
    gather_uniform32(k0, k1, idx, out)
    return out


def uniform64(k0: np.uint64, k1: np.uint64, n: int) -> np.ndarray:
    """Uniforms on [0, 1) (float64) of households 0..n-1."""
    out = np.empty(n, dtype=np.float64)
    fill_uniform64(k0, k1, out)
    return out


def normal32(k0: np.uint64, k1: np.uint64, n: int) -> np.ndarray:
    """Standard normals (float32) of households 0..n-1."""
    out = np.empty(n, dtype=np.float32)
    fill_normal32(k0, k1, out)
    return out


def normal32_of(k0: np.uint64, k1: np.uint64, idx: np.ndarray) -> np.ndarray:
    """Standard normals (float32) of the households ``idx``: ``normal32(...)[idx]``."""
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    out = np.empty(idx.size, dtype=np.float32)
    gather_normal32(k0, k1, idx, out)
    return out

"""What the random numbers cost: numpy's generators against a counter-based draw.

Sinergi draws every household's number for every decision from numpy's PCG64 streams (one per
decision and month, ``sim.randomness``): 18 full-length draws a household-month. This script
measures what that costs per value, and what a counter-based draw (a hash of (seed, decision,
month, household): SplitMix64 here, computed inside a compiled loop only where a decision needs
it) would cost, to size the change ``benchmarks/README.md`` discusses. It is a measurement, not
a part of the model: the model's numbers come only from ``sim.randomness``.

Run: ``.venv/bin/python benchmarks/rng_floor.py [--n 1000000]``
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np


@numba.njit(cache=True, inline="always")
def _splitmix64(x: np.uint64) -> np.uint64:
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, inline="always")
def _uniform(key: np.uint64, i: np.int64) -> float:
    return float(_splitmix64(key ^ np.uint64(i)) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True)
def counter_uniform(key, idx, out):
    """Uniforms on [0, 1) for the households ``idx`` (float64)."""
    for k in range(idx.shape[0]):
        out[k] = _uniform(key, idx[k])


@numba.njit(cache=True)
def counter_normal(key, idx, out):
    """Standard normals for the households ``idx`` (Box-Muller on two hashed uniforms)."""
    key2 = _splitmix64(key)
    for k in range(idx.shape[0]):
        u1 = 1.0 - _uniform(key, idx[k])  # (0, 1]
        u2 = _uniform(key2, idx[k])
        out[k] = np.float32(np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2))


def best(f, repeat: int = 7) -> float:
    """Best wall time of ``repeat`` calls (seconds)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    """Print ns per value for each way of drawing."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="households")
    n = ap.parse_args().n
    if n < 10:
        ap.error(f"--n: households must be at least 10, got {n}")
    g = np.random.Generator(np.random.PCG64(1))
    everyone = np.arange(n, dtype=np.int64)
    tenth = np.arange(0, n, 10, dtype=np.int64)
    out64 = np.empty(n)
    out32 = np.empty(n, dtype=np.float32)
    key = np.uint64(12345)
    counter_uniform(key, tenth, out64)  # compile
    counter_normal(key, tenth, out32)
    normal32, uniform32 = (
        (lambda: g.standard_normal(n, np.float32)),
        (lambda: g.random(n, np.float32)),
    )
    rows = [
        ("numpy PCG64 standard_normal float32, all", best(normal32)),
        ("numpy PCG64 random float32, all", best(uniform32)),
        ("numpy PCG64 random float64, all", best(lambda: g.random(n))),
        ("counter normal (Box-Muller), all", best(lambda: counter_normal(key, everyone, out32))),
        ("counter uniform, all", best(lambda: counter_uniform(key, everyone, out64))),
        (
            "counter normal, a tenth (candidates only)",
            best(lambda: counter_normal(key, tenth, out32)),
        ),
        ("counter uniform, a tenth", best(lambda: counter_uniform(key, tenth, out64))),
    ]
    print(f"{n:,} households, one thread; ns per household (not per value drawn)")
    for name, seconds in rows:
        print(f"  {name:<44} {1e9 * seconds / n:6.2f}")


if __name__ == "__main__":
    main()

"""What the random numbers cost: numpy's generators against Sinergi's counter-based draws.

Sinergi 0.1.0 drew every household's number for every decision from numpy's PCG64 streams,
one full-length array per (decision, month). Since 0.2.0 each number is a counter-based hash of
(seed, decision, month, household) (``sim.rng.counter``), computed in compiled loops over all
households in parallel, or only for the households a decision concerns. This script prints
what each costs per household, on one thread and on all, to size that choice
(``benchmarks/README.md``). It measures; the model's numbers come only from ``sim.rng.streams``.

Run: ``.venv/bin/python benchmarks/rng_floor.py [--n 1000000]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim import kernels
from sim.rng import counter


def best(f, repeat: int = 7) -> float:
    """Best wall time of ``repeat`` calls (seconds)."""
    f()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    """Print ns per household for each way of drawing."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="households")
    n = ap.parse_args().n
    if n < 10:
        ap.error(f"--n: households must be at least 10, got {n}")
    g = np.random.Generator(np.random.PCG64(1))
    k0, k1 = np.uint64(0x243F6A8885A308D3), np.uint64(0x13198A2E03707344)
    tenth = np.arange(0, n, 10, dtype=np.int64)
    rows = [
        ("numpy PCG64 standard_normal float32, all", lambda: g.standard_normal(n, np.float32)),
        ("numpy PCG64 random float32, all", lambda: g.random(n, np.float32)),
        ("numpy PCG64 random float64, all", lambda: g.random(n)),
        ("sim.rng.counter normal32, all", lambda: counter.normal32(k0, k1, n)),
        ("sim.rng.counter uniform32, all", lambda: counter.uniform32(k0, k1, n)),
        ("sim.rng.counter uniform64, all", lambda: counter.uniform64(k0, k1, n)),
        ("sim.rng.counter normal32_of, a tenth", lambda: counter.normal32_of(k0, k1, tenth)),
        ("sim.rng.counter uniform32_of, a tenth", lambda: counter.uniform32_of(k0, k1, tenth)),
    ]
    threads = kernels.threads()
    print(f"{n:,} households; ns per household (not per value drawn)")
    print(f"  {'draw':<44} {'1 thread':>9} {f'{threads} threads':>10}")
    for name, f in rows:
        with kernels.one_thread():
            one = best(f)
        every = best(f)
        print(f"  {name:<44} {1e9 * one / n:9.2f} {1e9 * every / n:10.2f}")


if __name__ == "__main__":
    main()

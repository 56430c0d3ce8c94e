"""Benchmark of the nation by province (``sim.run_national``): time, memory, bytes per household.

Each case runs in a fresh subprocess (its own driver, its own workers) so that memory peaks
do not mix. Per case it records:

- **wall s**: ``run_national`` from the call to the national frame (set-up, 38 models and the
  combination), the workers already started (**start s**: spawning the local processes or the
  Dask LocalCluster, each loading the kernels); **model s**: the provinces' own run times
  summed (their set-up included), of which **figures s** is what the nation needs beyond each
  province's own series (its bins and extras each month);
- **household-months/s** = simulated households x months / wall s;
- **driver peak**: ``ru_maxrss`` of the driver; **worker peak**: the largest ``ru_maxrss`` of
  a process that ran provinces (recorded by each province's run); **tree peak**: the largest
  sum of resident memory over the driver and all its descendants (sampled every 0.2 s with
  psutil: the machine's share at the worst moment);
- **bytes/household** = (worker peak - that worker's peak before its first province) /
  households of the largest province it ran (provinces go largest first, so a worker's first
  province is its largest);
- the month-0 national figures, against BPS March 2024 (P0 9.03, P1 1.46, P2 0.35 percent,
  Gini 0.379: ``sim.data.bps``), with the Gini's proven error bound;
- a hash of the national frame's bytes: the same seed gives the same hash on every executor.

Before each case, its peak is projected from the largest bytes/household measured so far and
the case is skipped when the projection exceeds ``--max-gib``.

Usage (from the project root)::

    .venv/bin/python benchmarks/national.py                  # 1:100 on 2 processes and on Dask
    .venv/bin/python benchmarks/national.py --cases java-1:1 national-1:1 --months 12
    .venv/bin/python benchmarks/national.py --cases national-1:1000 --quick   # a smoke run
    .venv/bin/python benchmarks/national.py --json /tmp/national.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve()
JAVA = ["DKI JAKARTA", "JAWA BARAT", "JAWA TENGAH", "DI YOGYAKARTA", "JAWA TIMUR", "BANTEN"]
BPS = {"p0": 9.03, "p1": 1.46, "p2": 0.35, "gini": 0.379}
"""BPS March 2024, national (percent; the Gini as a ratio)."""
CASES = {
    # name: (scale 1:k, provinces or None, executor)
    "national-1:100": (100, None, "processes"),
    "national-1:100-dask": (100, None, "dask"),
    "national-1:1000": (1000, None, "processes"),
    "java-1:1": (1, JAVA, "processes"),
    "national-1:1": (1, None, "processes"),
    "national-1:1-dask": (1, None, "dask"),
}
GIB = 1024**3


# ----------------------------------------------------------------------------------------------
# One case, in its own process
# ----------------------------------------------------------------------------------------------


class TreePeak:
    """The largest resident memory summed over this process and its descendants (sampled)."""

    def __init__(self, every: float = 0.2) -> None:
        import psutil

        self.me = psutil.Process()
        self.peak = 0
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in [self.me, *self.me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except Exception:  # noqa: BLE001, S112 - a process that just ended
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_case(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one case in this process and return its measurements."""
    import numpy as np

    import sim
    from sim.regions import NATION_BY_PROVINCE
    from sim.regions.national import run_national
    from sim.regions.workers import process_pool

    sc = sim.load_scenario(
        spec["scenario"], overrides={"region": NATION_BY_PROVINCE, "months": spec["months"]}
    )
    sim.prepare()
    driver_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    kwargs: dict[str, Any] = {"scale": spec["scale"], "provinces": spec["provinces"]}
    cluster = client = pool = None
    started = time.perf_counter()
    if spec["executor"] == "dask":
        from dask.distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=spec["workers"],
            threads_per_worker=1,
            processes=True,
            memory_limit=0,  # our own guard (--max-gib), not Dask's pause-and-kill
            dashboard_address=None,
        )
        client = Client(cluster)
        client.run(sim.prepare)  # every worker loads the kernels before the clock starts
        kwargs["client"] = client
    else:
        pool = process_pool(spec["workers"])
        list(pool.map(abs, range(spec["workers"])))  # the workers start (imports, kernels)
        kwargs["pool"] = pool
    start_s = time.perf_counter() - started
    try:
        with TreePeak() as tree:
            start = time.perf_counter()
            run = run_national(sc, spec["seed"], **kwargs)
            wall = time.perf_counter() - start
    finally:
        if client is not None:
            client.close()
            cluster.close()
        if pool is not None:
            pool.shutdown()
    alloc = run.allocation
    households = int(alloc["households"].sum())
    first = alloc.groupby("pid").head(1)  # each worker's first (largest) province
    per_hh = ((first["peak_rss"] - first["rss_before"]) / first["households"]).max()
    m0 = run.timeseries.iloc[0]
    frame_bytes = run.timeseries.to_numpy(dtype=np.float64).tobytes()
    return {
        **spec,
        "provinces_run": int(len(alloc)),
        "households": households,
        "largest_province": [str(alloc["province"].iloc[0]), int(alloc["households"].iloc[0])],
        "households_represented": int(alloc["households_represented"].sum()),
        "start_s": start_s,
        "wall_s": wall,
        "model_s": float(alloc["seconds"].sum()),
        "figures_s": float(alloc["figures_seconds"].sum()),
        "household_months_per_s": households * spec["months"] / wall,
        "driver_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "driver_before": driver_before,
        "worker_peak": int(alloc["peak_rss"].max()),
        "worker_base": int(first["rss_before"].min()),
        "tree_peak": tree.peak,
        "bytes_per_household": float(per_hh),
        "result_mib": float(alloc["result_bytes"].sum() / 2**20),
        "month0": {k: float(m0[k]) for k in ("p0", "p1", "p2", "watts", "gini")},
        "month0_area": {
            k: float(m0[k]) for k in ("p0_urban", "p0_rural", "gini_urban", "gini_rural")
        },
        "gini_bound_max": float(run.gini_bounds[["gini", "gini_urban", "gini_rural"]].max().max()),
        "persons_month0": float(m0["persons"]),
        "not_combined": list(run.not_combined),
        "kept": list(run.kept),
        "frame_sha256": hashlib.sha256(frame_bytes).hexdigest()[:16],
    }


# ----------------------------------------------------------------------------------------------
# The driver: cases in subprocesses, the memory guard, the table
# ----------------------------------------------------------------------------------------------


def _projected(spec: dict[str, Any], per_hh: float, base: float) -> float:
    """Projected peak of a case (bytes): driver plus each worker's largest province."""
    import sim
    from sim.regions import NATION_BY_PROVINCE
    from sim.regions.national import plan_provinces

    sc = sim.load_scenario(spec["scenario"], overrides={"region": NATION_BY_PROVINCE})
    parts, _ = plan_provinces(sc, 0, scale=spec["scale"], provinces=spec["provinces"])
    largest = [p.households for p in parts[: spec["workers"]]]
    return base * (1 + spec["workers"]) + per_hh * sum(largest)


def _row(r: dict[str, Any]) -> str:
    m0 = r["month0"]
    return (
        f"| {r['case']} | {r['executor']} x {r['workers']} | {r['provinces_run']} | "
        f"{r['households']:,} | {r['months']} | {r['wall_s']:.1f} | "
        f"{r['household_months_per_s'] / 1e6:.2f} M | {r['driver_peak'] / GIB:.2f} | "
        f"{r['worker_peak'] / GIB:.2f} | {r['tree_peak'] / GIB:.2f} | "
        f"{r['bytes_per_household']:.0f} | {100 * m0['p0']:.2f} | {100 * m0['p1']:.3f} | "
        f"{100 * m0['p2']:.3f} | {m0['gini']:.4f} | {r['frame_sha256'][:8]} |"
    )


HEADER = (
    "| case | executor | provinces | households | months | wall s | household-months/s | "
    "driver peak GiB | worker peak GiB | tree peak GiB | B/household | P0 % | P1 % | P2 % | "
    "Gini | frame |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def main(argv: list[str] | None = None) -> int:
    """Run the cases; print a table and (``--json``) write the measurements."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", nargs="+", default=["national-1:100", "national-1:100-dask"])
    p.add_argument("--scenario", default="full_synergy")
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-gib", type=float, default=20.0)
    p.add_argument(
        "--bytes-per-household",
        type=float,
        default=400.0,
        help="projection before any case is measured (bench.py: ~300 at 1M)",
    )
    p.add_argument("--quick", action="store_true", help="2 months (a smoke run)")
    p.add_argument("--json", type=Path)
    p.add_argument("--one", help=argparse.SUPPRESS)  # a case's JSON spec: run it here
    args = p.parse_args(argv)
    if args.one:
        print(json.dumps(run_case(json.loads(args.one))))
        return 0
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        p.error(f"--cases: unknown {unknown}; known: {', '.join(CASES)}")
    months = 2 if args.quick else args.months
    per_hh, base = args.bytes_per_household, 0.35 * GIB
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    results = []
    for case in args.cases:
        scale, provinces, executor = CASES[case]
        spec = {
            "case": case,
            "scenario": args.scenario,
            "months": months,
            "scale": scale,
            "provinces": provinces,
            "executor": executor,
            "workers": args.workers,
            "seed": args.seed,
        }
        projected = _projected(spec, per_hh, base)
        if projected > args.max_gib * GIB:
            print(f"{case}: skipped, projected peak {projected / GIB:.1f} GiB > {args.max_gib}")
            continue
        print(f"{case}: projected peak {projected / GIB:.1f} GiB; running", flush=True)
        proc = subprocess.run(
            [sys.executable, str(HERE), "--one", json.dumps(spec)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if proc.returncode != 0:
            print(f"{case}: failed\n{proc.stderr[-3000:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(r)
        per_hh = max(per_hh if results[:-1] else 0.0, r["bytes_per_household"])
        base = max(r["worker_base"], r["driver_before"])
        print(HEADER if len(results) == 1 else "", _row(r), sep="\n" if len(results) == 1 else "")
    bps = ", ".join(f"{k} {v}" for k, v in BPS.items())
    print(f"\nBPS March 2024 (percent; Gini a ratio): {bps}")
    info = {
        "started": started,
        "finished": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB,
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
        },
        "results": results,
    }
    if args.json:
        args.json.write_text(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

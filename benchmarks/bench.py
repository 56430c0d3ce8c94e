"""Sinergi speed-and-scale benchmark (issue "Speed and scale").

Runs a scenario (default ``full_synergy``) at several population sizes on the same code path
a batch run uses::

    sim.PovertyModel(sim.load_scenario(name, overrides={"population.households": N,
                                                          "months": M}), rng=seed).run()
    model.timeseries()

and prints, per size: household-months per second (median of ``--repeat`` runs), wall time,
set-up time apart, peak resident memory and bytes per household, and the time per mechanism
(functions that ``PovertyModel.step`` calls, wrapped with timers by monkeypatching in the
benchmark process; ``sim`` itself is not changed). Every (size, repeat) runs in a fresh
subprocess so that memory peaks do not mix. In the same run it measures Mesa's own Boltzmann
wealth example (agent-steps per second) and prints the ratio, and with ``--batch`` the wall
time of the default batch (``run_scenarios.py``) with all cores and with one.

Usage (from the project root)::

    .venv/bin/python benchmarks/bench.py                       # 10k, 100k, 1M x 120 months
    .venv/bin/python benchmarks/bench.py --quick               # CI smoke size
    .venv/bin/python benchmarks/bench.py --sizes 1000000,10000000:12 --json out.json
    .venv/bin/python benchmarks/bench.py --batch               # also the batch scaling

A size may carry its own horizon as ``N:M`` (``10000000:12``). Before a size larger than one
already measured, the peak memory is projected from the measured bytes per household and the
size is skipped when the projection exceeds ``--max-mem-gib``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve()

# Mechanism buckets, in the order of PovertyModel.step. Each entry: (where, name, bucket).
#   where = "month"       -> sim.dynamics.month.<name> (the mechanisms its phases call)
#           "dynamics"    -> sim.model.dynamics.<name> (the sim.dynamics package, as step calls it)
#           "government"  -> sim.world.government.<name> (the government's month)
#           "model"       -> sim.model.<name> (names imported into sim.model)
#           "coalition"   -> method on the model's coalition (model.coalition)
#           "institution" -> method of the institutions' agent class (every institution)
#           "self"        -> method on the PovertyModel instance
WRAPS: list[tuple[str, str, str]] = [
    ("coalition", "month", "institutions/programmes"),
    ("institution", "raise_funds", "institutions/programmes"),
    ("institution", "enrol", "institutions/programmes"),
    ("institution", "deliver", "institutions/programmes"),
    ("month", "persistent_shocks", "shocks"),
    ("month", "transitory_factor", "shocks"),
    ("month", "covariate_shocks", "shocks"),
    ("month", "harvest_factor", "shocks"),
    ("month", "health_shocks", "health"),
    ("month", "expected_health_cost", "health"),
    ("month", "spillover_factor", "income"),
    ("month", "permanent_labour", "income"),
    ("month", "asset_income", "income"),
    ("month", "earnings", "income"),
    ("month", "government_transfers", "income"),
    ("month", "budget", "consumption"),
    ("dynamics", "consume_and_save", "consumption"),
    ("dynamics", "demography", "demography"),
    ("dynamics", "tutoring", "schooling"),
    ("dynamics", "schooling_condition", "schooling"),
    ("dynamics", "schooling", "schooling"),
    ("government", "refresh_registry", "registry"),
    ("government", "target_government_programmes", "gov. re-targeting"),
    ("coalition", "after_month", "cooperation (after_month)"),
    ("self", "_record", "recording"),
    ("model", "reach_figures", "recording"),
    ("coalition", "coalition_figures", "recording"),
    ("model", "household_figures", "metrics"),
]
BUCKETS = [
    "institutions/programmes",
    "shocks",
    "health",
    "income",
    "consumption",
    "demography",
    "schooling",
    "registry",
    "gov. re-targeting",
    "cooperation (after_month)",
    "metrics",
    "recording",
]
OTHER = "other (inline arithmetic in step)"


# ----------------------------------------------------------------------------------------------
# timing wrappers (exclusive "self" time per function, so nested wrapped calls never count twice)
class Profiler:
    def __init__(self) -> None:
        self.active = False
        self.stack: list[list[Any]] = []
        self.self_time: dict[str, float] = defaultdict(float)
        self.incl_time: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.bucket_time: dict[str, float] = defaultdict(float)

    def wrap(self, fn: Any, name: str, bucket: str) -> Any:
        prof = self

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not prof.active:
                return fn(*args, **kwargs)
            frame = [name, 0.0]
            prof.stack.append(frame)
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = time.perf_counter() - t0
                prof.stack.pop()
                own = dt - frame[1]
                prof.self_time[name] += own
                prof.incl_time[name] += dt
                prof.calls[name] += 1
                prof.bucket_time[bucket] += own
                if prof.stack:
                    prof.stack[-1][1] += dt

        return timed


def _patch_modules(prof: Profiler) -> None:
    import sim.dynamics.month as month
    import sim.model as sm
    import sim.world.government as government
    from sim.institutions.agent import Institution

    targets = {
        "month": month,
        "dynamics": sm.dynamics,
        "government": government,
        "model": sm,
        "institution": Institution,
    }
    for where, name, bucket in WRAPS:
        if where in targets:
            mod = targets[where]
            if hasattr(mod, name):
                setattr(mod, name, prof.wrap(getattr(mod, name), f"{where}.{name}", bucket))


def _patch_instances(prof: Profiler, model: Any) -> None:
    objs = {"coalition": model.coalition, "self": model}
    for where, name, bucket in WRAPS:
        if where in objs:
            obj = objs[where]
            if hasattr(obj, name):
                label = f"{'coalition' if where == 'coalition' else 'model'}.{name}"
                setattr(obj, name, prof.wrap(getattr(obj, name), label, bucket))


def _maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def _rss_bytes() -> int | None:
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except Exception:  # noqa: BLE001
        return None


# ----------------------------------------------------------------------------------------------
# workers (run in a fresh subprocess each)
def worker_sinergi(scenario: str, n: int, months: int, seed: int) -> dict[str, Any]:
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import sim

    sim.prepare()  # the kernels loaded and the process set up, before anything is measured
    prof = Profiler()
    _patch_modules(prof)
    sc = sim.load_scenario(scenario, overrides={"population.households": n, "months": months})
    rss_after_imports = _rss_bytes()
    base = _maxrss_bytes()
    t0 = time.perf_counter()
    model = sim.PovertyModel(sc, rng=seed)
    t1 = time.perf_counter()
    rss_after_setup = _maxrss_bytes()
    _patch_instances(prof, model)
    prof.active = True
    model.run()
    t2 = time.perf_counter()
    prof.active = False
    ts = model.timeseries()
    t3 = time.perf_counter()
    peak = _maxrss_bytes()
    step_total = t2 - t1
    buckets = {b: prof.bucket_time.get(b, 0.0) for b in BUCKETS}
    buckets[OTHER] = step_total - sum(buckets.values())
    return {
        "scenario": scenario,
        "households": n,
        "months": months,
        "seed": seed,
        "rows": int(len(ts)),
        "setup_s": t1 - t0,
        "run_s": t2 - t1,
        "timeseries_s": t3 - t2,
        "wall_s": t3 - t1,
        "household_months_per_s": n * months / (t3 - t1),
        "rss_after_imports_bytes": rss_after_imports,
        "maxrss_before_setup_bytes": base,
        "maxrss_after_setup_bytes": rss_after_setup,
        "peak_rss_bytes": peak,
        "peak_minus_imports_bytes": peak - base,
        "bytes_per_household": (peak - base) / n,
        "buckets_s": buckets,
        "functions": {
            k: {"self_s": prof.self_time[k], "incl_s": prof.incl_time[k], "calls": prof.calls[k]}
            for k in sorted(prof.self_time, key=lambda k: -prof.self_time[k])
        },
        "loadavg_end": os.getloadavg(),
        "kernels": bool(sim.kernels.enabled()),
        "threads": sim.kernels.threads(),
    }


def worker_mesa(agents: int, steps: int, repeat: int) -> dict[str, Any]:
    from mesa.examples.basic.boltzmann_wealth_model.model import (
        BoltzmannScenario,
        BoltzmannWealth,
    )

    side = 100
    rates = []
    for r in range(repeat):
        m = BoltzmannWealth(BoltzmannScenario(n=agents, width=side, height=side, rng=1 + r))
        t = time.perf_counter()
        for _ in range(steps):
            m.step()
        rates.append(agents * steps / (time.perf_counter() - t))
    import mesa

    return {
        "agents": agents,
        "grid": f"{side}x{side}",
        "steps": steps,
        "repeat": repeat,
        "rates": rates,
        "agent_steps_per_s": statistics.median(rates),
        "mesa_version": mesa.__version__,
    }


def _worker_main(argv: list[str]) -> None:
    kind = argv[0]
    if kind == "sinergi":
        out = worker_sinergi(argv[1], int(argv[2]), int(argv[3]), int(argv[4]))
    else:
        out = worker_mesa(int(argv[1]), int(argv[2]), int(argv[3]))
    print("BENCH-JSON " + json.dumps(out))


def _spawn(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    cmd = [sys.executable, str(HERE), "--_worker", *args]
    p = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        raise SystemExit(f"benchmark worker failed: {' '.join(args)} (exit {p.returncode})")
    for line in p.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line[len("BENCH-JSON ") :])
    raise SystemExit(f"benchmark worker printed no result: {' '.join(args)}")


# ----------------------------------------------------------------------------------------------
def machine_info() -> dict[str, Any]:
    import numpy as np

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    blas: list[dict[str, Any]] = []
    try:
        from threadpoolctl import threadpool_info

        blas = [
            {k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for d in threadpool_info()
        ]
    except Exception:  # noqa: BLE001
        pass

    def git(*a: str) -> str:
        try:
            return subprocess.run(
                ["git", *a], cwd=ROOT, capture_output=True, text=True, timeout=20
            ).stdout.strip()
        except Exception:  # noqa: BLE001
            return ""

    try:
        import mesa

        mesa_v = mesa.__version__
    except Exception:  # noqa: BLE001
        mesa_v = None
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_bytes": mem,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa_v,
        "platform": platform.platform(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
        "blas": blas,
        "git_head": git("rev-parse", "--short", "HEAD"),
        "git_dirty_files": len([x for x in git("status", "--porcelain").splitlines() if x]),
        "loadavg_start": os.getloadavg(),
    }


def parse_sizes(text: str, months: int) -> list[tuple[int, int]]:
    out = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        if not part:
            continue
        if ":" in part:
            n, m = part.split(":", 1)
            out.append((int(float(n)), int(m)))
        else:
            out.append((int(float(part)), months))
    return out


def fmt_rate(x: float) -> str:
    return f"{x / 1e6:.3f} M" if x >= 1e6 else f"{x / 1e3:.1f} k"


def fmt_bytes(x: float) -> str:
    for unit, k in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if x >= k:
            return f"{x / k:.2f} {unit}"
    return f"{x:.0f} B"


def run_batch(workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sinergi-bench-batch-") as tmp:
        cmd = [
            sys.executable,
            str(ROOT / "run_scenarios.py"),
            "--workers",
            str(workers),
            "--out",
            str(Path(tmp) / "out"),
            "--no-progress",
        ]
        t = time.perf_counter()
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
    return {"workers": workers, "wall_s": dt, "exit": p.returncode, "command": " ".join(cmd[1:])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="full_synergy")
    ap.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="comma-separated household counts; N:M gives a size its own horizon",
    )
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="runs per size (median reported); default 3 below 1M households, 1 at >= 1M",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="CI smoke: 2,000 x 12, no batch")
    ap.add_argument("--batch", action="store_true", help="time the default batch, 1 and all cores")
    ap.add_argument("--no-mesa", action="store_true", help="skip the Mesa Boltzmann reference")
    ap.add_argument("--mesa-agents", type=int, default=10_000)
    ap.add_argument("--mesa-steps", type=int, default=5)
    ap.add_argument("--max-mem-gib", type=float, default=20.0)
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    ap.add_argument(
        "--reference",
        action="store_true",
        help="also run each size on the numpy reference path (SINERGI_NUMBA=0) and print "
        "the speed-up",
    )
    args = ap.parse_args(argv)

    if args.quick:
        args.sizes, args.months, args.batch = "2000", 12, False
        args.repeat = args.repeat or 1
    sizes = parse_sizes(args.sizes, args.months)
    info = machine_info()
    print("Sinergi benchmark")
    print("=================")
    print(f"date      {info['date']}")
    print(f"machine   {info['cpu']}, {info['cores']} cores, {fmt_bytes(info['memory_bytes'] or 0)}")
    print(f"software  python {info['python']}, numpy {info['numpy']}, mesa {info['mesa']}")
    blas = "; ".join(
        f"{b['internal_api']} {b['version']} {b['architecture']} x{b['num_threads']}"
        for b in info["blas"]
    )
    print(
        f"OpenBLAS  OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE'] or '(unset)'} "
        f"OPENBLAS_L2_SIZE={info['OPENBLAS_L2_SIZE'] or '(unset)'}  [{blas or 'n/a'}]"
    )
    print(
        f"git       {info['git_head']} ({info['git_dirty_files']} uncommitted files); "
        f"load average at start {info['loadavg_start'][0]:.2f}"
    )
    print(f"scenario  {args.scenario}, seed {args.seed}, one process per run")
    print()

    results: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for n, months in sizes:
        repeat = args.repeat or (1 if n >= 1_000_000 else 3)
        measured = [r for r in results if r["households"] <= n]
        if measured:
            ref = max(measured, key=lambda r: r["households"])
            projected = ref["bytes_per_household"] * n + ref["runs"][0]["maxrss_before_setup_bytes"]
            if projected > args.max_mem_gib * 2**30:
                print(
                    f"skip {n:,} households: projected peak {fmt_bytes(projected)} "
                    f"> {args.max_mem_gib} GiB"
                )
                skipped.append({"households": n, "months": months, "projected_bytes": projected})
                continue
        runs = []
        for r in range(repeat):
            print(f"... {n:,} households x {months} months, run {r + 1}/{repeat}", flush=True)
            runs.append(_spawn(["sinergi", args.scenario, str(n), str(months), str(args.seed)]))
        reference = None
        if args.reference:
            print(f"... {n:,} households x {months} months, numpy reference path", flush=True)
            reference = _spawn(
                ["sinergi", args.scenario, str(n), str(months), str(args.seed)],
                env={"SINERGI_NUMBA": "0"},
            )
        rates = [x["household_months_per_s"] for x in runs]
        med = sorted(runs, key=lambda x: x["household_months_per_s"])[(len(runs) - 1) // 2]
        results.append(
            {
                "households": n,
                "months": months,
                "repeat": repeat,
                "household_months_per_s": statistics.median(rates),
                "rates": rates,
                "wall_s": statistics.median(x["wall_s"] for x in runs),
                "setup_s": statistics.median(x["setup_s"] for x in runs),
                "timeseries_s": statistics.median(x["timeseries_s"] for x in runs),
                "peak_rss_bytes": max(x["peak_rss_bytes"] for x in runs),
                "bytes_per_household": max(x["bytes_per_household"] for x in runs),
                "median_run": med,
                "runs": runs,
                "reference": reference,
            }
        )

    mesa_res = None
    if not args.no_mesa:
        print("... Mesa Boltzmann wealth reference", flush=True)
        mesa_res = _spawn(
            ["mesa", str(args.mesa_agents), str(args.mesa_steps), "1" if args.quick else "3"]
        )

    batch = []
    if args.batch:
        cores = os.cpu_count() or 1
        for w in sorted({cores, 1}, reverse=True):
            print(f"... default batch, {w} worker(s)", flush=True)
            batch.append(run_batch(w))

    # ---------------------------------------------------------------------------------- report
    print()
    print("Throughput and memory (household-months/s = N x months / (run + timeseries))")
    print("-----------------------------------------------------------------------------")
    hdr = (
        f"{'households':>12} {'months':>6} {'runs':>4} {'hh-months/s':>13} {'wall s':>9} "
        f"{'setup s':>8} {'peak RSS':>11} {'B/household':>11}"
    )
    print(hdr)
    for r in results:
        print(
            f"{r['households']:>12,} {r['months']:>6} {r['repeat']:>4} "
            f"{fmt_rate(r['household_months_per_s']):>13} {r['wall_s']:>9.2f} "
            f"{r['setup_s']:>8.2f} {fmt_bytes(r['peak_rss_bytes']):>11} "
            f"{r['bytes_per_household']:>11.0f}"
        )
    for s in skipped:
        print(f"{s['households']:>12,} {s['months']:>6}  skipped (memory projection)")
    print("(peak RSS is the process maximum; B/household = (peak - RSS after imports) / N)")
    if results:
        med = results[0]["median_run"]
        print(
            f"compiled kernels (sim.kernels): {'on' if med['kernels'] else 'off'}; "
            f"threads for parallel kernels: {med['threads']}"
        )
    for r in results:
        ref = r["reference"]
        if ref:
            print(
                f"numpy reference path at {r['households']:,}: "
                f"{fmt_rate(ref['household_months_per_s'])} household-months/s, "
                f"{ref['bytes_per_household']:.0f} B/household; compiled path "
                f"{r['household_months_per_s'] / ref['household_months_per_s']:.2f}x faster"
            )

    for r in results:
        med = r["median_run"]
        tot = med["run_s"]
        print()
        print(
            f"Time per mechanism at {r['households']:,} households x {r['months']} months "
            f"(median run; step total {tot:.2f} s)"
        )
        print("-" * 72)
        print(f"{'mechanism':<36} {'seconds':>9} {'share':>7} {'ns/hh-month':>12}")
        hm = r["households"] * r["months"]
        for b, v in sorted(med["buckets_s"].items(), key=lambda kv: -kv[1]):
            print(f"{b:<36} {v:>9.2f} {100 * v / tot:>6.1f}% {1e9 * v / hm:>12.1f}")
        print(f"{'timeseries() (after run)':<36} {med['timeseries_s']:>9.2f}")
        print("top functions (self time):")
        for k, v in list(med["functions"].items())[:10]:
            print(f"  {k:<40} {v['self_s']:>9.2f} s {100 * v['self_s'] / tot:>6.1f}%")

    print()
    print("Mesa reference (Boltzmann wealth example, same machine, same run)")
    print("------------------------------------------------------------------")
    if mesa_res:
        print(
            f"mesa {mesa_res['mesa_version']}: {mesa_res['agents']:,} agents, "
            f"{mesa_res['grid']} grid, {mesa_res['steps']} steps x {mesa_res['repeat']}: "
            f"{fmt_rate(mesa_res['agent_steps_per_s'])} agent-steps/s"
        )
        for r in results:
            ratio = r["household_months_per_s"] / mesa_res["agent_steps_per_s"]
            r["ratio_to_mesa"] = ratio
            print(
                f"ratio at {r['households']:>12,} households: "
                f"{ratio:,.1f}x (Sinergi household-months/s / Mesa agent-steps/s)"
            )
    else:
        print("(skipped)")

    print()
    print("Batch scaling (run_scenarios.py defaults)")
    print("-----------------------------------------")
    if batch:
        for b in batch:
            print(f"{b['workers']} worker(s): {b['wall_s']:.1f} s wall (exit {b['exit']})")
        one = [b for b in batch if b["workers"] == 1]
        many = [b for b in batch if b["workers"] > 1]
        if one and many:
            print(
                f"speed-up {many[0]['workers']} vs 1: {one[0]['wall_s'] / many[0]['wall_s']:.2f}x"
            )
    else:
        print("(not run; use --batch)")
    info["loadavg_end"] = os.getloadavg()
    print()
    print(
        f"load average at end {info['loadavg_end'][0]:.2f} (other work on the machine adds noise)"
    )

    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "machine": info,
                    "scenario": args.scenario,
                    "sizes": results,
                    "skipped": skipped,
                    "mesa": mesa_res,
                    "batch": batch,
                },
                indent=2,
            )
        )
        print(f"results written to {args.json}")
    failed_batch = any(b["exit"] != 0 for b in batch)
    return 1 if failed_batch else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--_worker":
        _worker_main(sys.argv[2:])
    else:
        sys.exit(main())

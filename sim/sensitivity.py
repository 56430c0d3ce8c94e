"""The sensitivity command: ``python -m sim.sensitivity morris|sobol|map`` (``sim.analysis``).

    python -m sim.sensitivity morris --households 2000 --months 24 --trajectories 4 --out DIR
    python -m sim.sensitivity sobol  --households 2000 --months 24 --samples 16 --out DIR
    python -m sim.sensitivity map    --households 2000 --months 24 --grid 4 --seeds 3 --out DIR \
        [--x PARAM --y PARAM --scenarios competition,pooled_funding,thematic_alliance]

Each writes a CSV, a markdown table and a PNG into ``DIR``; the methods are in
``sim.analysis.sensitivity``, the outputs in ``sim.analysis.sensitivity_outputs``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.analysis.sensitivity import MAP_SCENARIOS, cooperation_map, factors, morris, sobol
from sim.analysis.sensitivity_outputs import write_map, write_ranked
from sim.scenario import ScenarioError


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sim.sensitivity morris|sobol|map ...`` (module docstring)."""
    ap = argparse.ArgumentParser(
        prog="python -m sim.sensitivity", description=__doc__.split("\n")[0]
    )
    ap.add_argument("method", choices=("morris", "sobol", "map"))
    ap.add_argument("--households", type=int, default=2_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--trajectories", type=int, default=4, help="Morris trajectories")
    ap.add_argument("--samples", type=int, default=16, help="Sobol base sample N (power of 2)")
    ap.add_argument("--grid", type=int, default=4, help="map: points per axis")
    ap.add_argument("--seeds", type=int, default=3, help="map: seeds per cell")
    ap.add_argument("--x", default="cooperation.alliance.coordination_cost")
    ap.add_argument("--y", default="donors.elasticity")
    ap.add_argument("--params", default=None, help="comma-separated subset of factors")
    ap.add_argument(
        "--scenarios",
        default=",".join(MAP_SCENARIOS),
        help="map: comma-separated forms of cooperation to compare",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--workers", type=int, default=1, help="morris/sobol: processes (results identical)"
    )
    ap.add_argument("--progress", action="store_true", help="morris/sobol: progress bar")
    ap.add_argument("--out", type=Path, default=Path("results/sensitivity"))
    a = ap.parse_args(argv)
    names = a.params.split(",") if a.params else None
    for flag, value in (
        ("--households", a.households),
        ("--months", a.months),
        ("--trajectories", a.trajectories),
        ("--grid", a.grid),
        ("--seeds", a.seeds),
        ("--workers", a.workers),
    ):
        if value < 1:
            ap.error(f"{flag} must be a positive integer, got {value}")
    if a.samples < 2 or a.samples & (a.samples - 1):
        ap.error(f"--samples must be a power of two (Sobol base sample N), got {a.samples}")
    try:
        factors(names if a.method != "map" else [a.x, a.y])
        if a.method in ("morris", "sobol"):
            kind, value, conf = (
                ("morris", "mu_star", "mu_star_conf")
                if a.method == "morris"
                else ("sobol", "ST", "ST_conf")
            )
            run = morris if a.method == "morris" else sobol
            size = a.trajectories if a.method == "morris" else a.samples
            df = run(size, a.households, a.months, a.seed, names, workers=a.workers,
                     progress=a.progress)  # fmt: skip
            paths = write_ranked(df, a.out, kind, value, conf)
            # the report names the command that wrote a ranking (sim.report.assumptions)
            command = a.out / f"{kind}_command.txt"
            words = list(sys.argv[1:] if argv is None else argv)
            command.write_text(shlex.join(["python", "-m", "sim.sensitivity", *words]) + "\n")
            paths.append(command)
        else:
            scen = tuple(a.scenarios.split(","))
            df = cooperation_map(a.x, a.y, a.grid, a.seeds, a.households, a.months, a.seed, scen)
            paths = write_map(df, a.out)
    except (ValueError, ScenarioError) as exc:
        ap.error(str(exc).splitlines()[0])
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())

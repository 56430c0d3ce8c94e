#!/usr/bin/env python3
"""Run Sinergi scenarios and print their poverty figures.

Until the batch runner lands (replications, sweeps, results folder, report), this runs each named
scenario once (default: ``no_programs``, the government's programmes only) and prints its
poverty figures at the start and the end of the horizon.

Exit codes: 0 success, 2 bad input (one line naming the file, field or flag), 1 anything else.
"""

from __future__ import annotations

import argparse
import sys
import time


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        print(f"run_scenarios.py: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = _Parser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=["no_programs"], help="names or paths")
    parser.add_argument("--households", type=_positive, help="simulated households")
    parser.add_argument("--months", type=_positive, help="horizon in months")
    parser.add_argument("--seed", type=_seed, default=20240301, help="seed (default 20240301)")
    args = parser.parse_args(argv)

    import sim  # imported after parsing so that --help is instant

    overrides = {}
    if args.households:
        overrides["population.households"] = args.households
    if args.months:
        overrides["months"] = args.months
    try:
        scenarios = [
            sim.load_scenario(name, overrides=overrides or None) for name in args.scenarios
        ]
    except sim.ScenarioError as exc:
        print(f"run_scenarios.py: error: {exc}", file=sys.stderr)
        return 2
    cols = ["p0", "p1", "p2", "watts", "gini", "p0_urban", "p0_rural", "mpi_m0"]
    for sc in scenarios:
        start = time.perf_counter()
        model = sim.PovertyModel(sc, rng=args.seed).run()
        ts = model.timeseries()
        elapsed = time.perf_counter() - start
        print(
            f"\n{sc.name}: {sc.population.households:,} households x {sc.months} months, "
            f"seed {args.seed}, {elapsed:.1f} s"
        )
        print("  (P0-P2, Watts, MPI M0 as BPS index points = fraction x 100; Gini as a fraction)")
        print(f"  {'month':>5} " + " ".join(f"{c:>9}" for c in cols))
        for month in sorted({0, min(12, sc.months), sc.months}):
            row = ts.iloc[month]
            vals = [row[c] if c == "gini" else 100 * row[c] for c in cols]
            print(f"  {month:>5} " + " ".join(f"{v:9.3f}" for v in vals))
        persons = ts.persons.iloc[-1]
        print(
            f"  persons represented {persons:,.0f}; poor at the end {ts.persons_poor.iloc[-1]:,.0f}"
        )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("run_scenarios.py: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last-resort message instead of a traceback
        print(f"run_scenarios.py: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)

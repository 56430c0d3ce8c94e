#!/usr/bin/env python3
"""Run Sinergi scenario batches: scenarios x sweep points x replicates, resumable.

Results go to a folder (default ``results/<name derived from the arguments>``, printed):
one Parquet file per run, an index, a manifest, a summary with paired comparisons and a report.
Rerunning a command resumes it. The folder layout and every column: docs/outputs.md.

Exit codes: 0 success, 2 bad input (one line naming the file, field or flag), 1 anything else.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROG = "run_scenarios.py"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        print(f"{PROG}: error: {message}", file=sys.stderr)
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


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be a fraction per year in [0, 1), got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    p = _Parser(
        prog=PROG,
        description=__doc__.splitlines()[0],
        epilog="Example: run_scenarios.py competition pooled_funding --reps 10 "
        "--sweep government.bpnt.benefit=200000,400000",
    )
    p.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help="names in scenarios/ or paths (default: all)",
    )
    p.add_argument("--reps", type=_positive, help="replications per scenario (default 20)")
    p.add_argument("--households", type=_positive, help="population size for every scenario")
    p.add_argument("--months", type=_positive, help="horizon in months for every scenario")
    p.add_argument("--seed", type=_seed, help="root seed (default 20240301; recorded)")
    p.add_argument(
        "--reference",
        metavar="NAME",
        help="scenario the others are compared with "
        "(default: competition, else the first scenario named)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario field (dotted path; TOML literal) in every scenario; repeatable",
    )
    p.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="run every value of a field (grid over all --sweep flags); repeatable",
    )
    p.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="NAME",
        help="run every scenario in this region: a province or kabupaten/kota as BPS names it "
        '("NUSA TENGGARA TIMUR", "Kota Kupang"), a short name (NTT) or BPS code, or INDONESIA '
        "(the default); repeatable: a batch over several regions (a sweep over the field region)",
    )
    p.add_argument("--workers", type=_positive, help="local processes (default: all cores)")
    p.add_argument(
        "--scheduler", metavar="ADDR", help="run on an existing Dask cluster (tcp://host:8786)"
    )
    p.add_argument("--out", metavar="DIR", help="results folder (default results/<name>)")
    p.add_argument(
        "--quick",
        action="store_true",
        help="small sizes for a smoke run: 2,000 households, 24 months, 3 reps (flags win)",
    )
    p.add_argument(
        "--uncertain",
        action="store_true",
        help="draw every uncertain parameter (not fixed by --set/--sweep) uniformly in its "
        "range per replicate, the same draws in every scenario: CIs include parameter "
        "uncertainty",
    )
    p.add_argument(
        "--baseline",
        metavar="NAME",
        help="scenario of the batch against which value for money is computed (default "
        "no_programs, when it is in the batch)",
    )
    p.add_argument(
        "--discount-rate",
        type=_rate,
        metavar="R",
        help="social discount rate of value for money, a fraction per year (default 0.06: ADB "
        "2017, social-sector and poverty-targeted projects); 0 = undiscounted",
    )
    p.add_argument(
        "--attribute",
        metavar="NAME",
        help="split NAME's difference from the reference among its mechanisms of cooperation "
        "(exact Shapley shares; the report's 'What in NAME pays'); default for the main job "
        "(all scenarios, not --quick): full_synergy; 'none' to skip",
    )
    p.add_argument(
        "--attribute-reps",
        type=_positive,
        metavar="N",
        help="paired replicates of the attribution (default 4)",
    )
    p.add_argument("--show", action="store_true", help="print each resolved scenario and exit")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--lang",
        choices=("en", "id"),
        default="en",
        help="report language printed first: en (English) or id (Bahasa Indonesia); both are "
        "always written side by side (report.md and report.id.md, figures/ and figures/id/, "
        "summary.xlsx and summary.id.xlsx)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="check the model's invariants every month (ledger, bounds, capacity; exit 1 "
        "naming the month, invariant and institution or sub-district at a violation)",
    )
    return p


def _print_table(folder: Path, keys: list[str]) -> None:
    import math

    import pandas as pd

    summary = pd.read_csv(folder / "summary.csv", dtype={"scenario": str, "reference": str})
    final = summary[(summary["statistic"] == "final") & summary["metric"].isin(["p0", "p1"])]
    if final.empty:
        return

    def fmt(mean: float, low: float, high: float) -> str:
        if not math.isfinite(mean):
            return "n/a"
        if not math.isfinite(low):
            return f"{100 * mean:.3f}"
        return f"{100 * mean:.3f} [{100 * low:.3f}, {100 * high:.3f}]"

    rows = []
    regions: list[str] = []
    for _, g in final.groupby(keys, sort=False, dropna=False):
        first = g.iloc[0]
        label = str(first["scenario"])
        swept = [k for k in keys[1:] if k != "region"]
        if swept:
            label += " (" + ", ".join(f"{k}={first[k]}" for k in swept) + ")"
        regions.append(str(first["region"]) if "region" in g else "")
        cells = {}
        for metric in ("p0", "p1"):
            r = g[g["metric"] == metric]
            if r.empty:
                cells[metric] = cells[f"d{metric}"] = ""
                continue
            r = r.iloc[0]
            cells[metric] = fmt(r["mean"], r["ci_low"], r["ci_high"])
            ref = r["reference"] if isinstance(r["reference"], str) else ""
            cells[f"d{metric}"] = (
                f"{fmt(r['diff_mean'], r['diff_ci_low'], r['diff_ci_high'])} vs {ref}"
                if ref
                else ""
            )
        rows.append((label, int(first["n"]), cells))
    width = max(len(r[0]) for r in rows)
    rw = max(len("region"), *(len(r) for r in regions))
    print("\nfinal month, x 100 (mean [95% CI]); p0 = headcount, p1 = poverty gap")
    print(
        f"  {'region':<{rw}}  {'scenario':<{width}}  {'n':>3}  {'p0':<24} {'p1':<24} p0 difference"
    )
    for region, (label, n, c) in zip(regions, rows, strict=True):
        print(f"  {region:<{rw}}  {label:<{width}}  {n:>3}  {c['p0']:<24} {c['p1']:<24} {c['dp0']}")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)

    from sim import batch  # imported after parsing so that --help is instant
    from sim.scenario import ScenarioError

    try:
        overrides: dict = {}
        for text in args.set:
            key, value = batch.parse_assignment(text, "--set")
            if key in overrides and overrides[key] != value:
                raise batch.BatchInputError(f"--set {key}: given twice with different values")
            overrides[key] = value
        sweep: dict = {}
        for text in args.sweep:
            key, values = batch.parse_sweep(text)
            if key in sweep:
                raise batch.BatchInputError(f"--sweep {key}: given twice")
            sweep[key] = values
        plan = batch.plan_batch(
            args.scenarios or None,
            reps=args.reps,
            households=args.households,
            months=args.months,
            seed=args.seed,
            reference=args.reference,
            set=overrides,
            sweep=sweep,
            quick=args.quick,
            uncertain=args.uncertain,
            discount_rate=args.discount_rate,
            attribute=_attribute(args),
            attribute_reps=args.attribute_reps,
            regions=args.region,
            baseline=args.baseline,
        )
        if args.show:
            print(batch.show(plan))
            return 0
        folder = batch.execute_batch(
            plan,
            out=args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=not args.no_progress,
            command=[PROG, *argv],
            echo=print,
            check=args.check,
            lang=args.lang,
        )
    except (ScenarioError, batch.BatchInputError) as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except batch.BatchError as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    _print_table(folder, plan.keys)
    from sim.report.build import report_path
    from sim.report.spreadsheet import spreadsheet_path

    print(f"\nsummary: {folder / 'summary.csv'}")
    for lang in [args.lang, *(x for x in ("en", "id") if x != args.lang)]:
        print(f"report: {report_path(folder, lang)}")
        print(f"report (HTML, figures embedded): {report_path(folder, lang, '.html')}")
        print(f"spreadsheet: {spreadsheet_path(folder, lang)}")
    return 0


def _attribute(args: argparse.Namespace) -> str | None:
    """The scenario to attribute: as given, or full_synergy for the main job."""
    if args.attribute is not None:
        return None if args.attribute.lower() == "none" else args.attribute
    main_job = not args.scenarios and not args.quick and not args.sweep and not args.region
    return "full_synergy" if main_job else None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print(
            f"{PROG}: interrupted; finished runs are kept: rerun the same command to resume",
            file=sys.stderr,
        )
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last-resort message instead of a traceback
        print(f"{PROG}: error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        sys.exit(1)

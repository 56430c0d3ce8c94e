"""The calibration command: ``python -m sim.calibrate`` (``sinergi-calibrate``).

Three fits, in order, each written to the ``indonesia_2024`` preset:

1. the measured distribution: a GB2 per area fitted to BPS March 2024's P0, P1, P2 and Gini
   (``sim.analysis.calibration.fit_distributions``);
2. the potential: that distribution with the model's own shocks, illnesses, demography and
   survey error taken out, so that month 0 as surveyed measures as the GB2
   (``sim.analysis.potential.fit_correction``);
3. growth: the real growth of earnings fitted to BPS's same-season headcount changes of
   2015-2019 and 2022-2025 by simulated method of moments (``sim.analysis.hindcast``).

With ``--region NAME`` (repeatable), ``--provinces``, ``--districts`` or ``--all`` it fits the
presets of provinces and kabupaten/kota instead (``sim.regions.fit``, written under
``scenarios/regions/`` with the table ``scenarios/regions/fits.csv``; ``--all`` also writes
``docs/regions.md``), in ``--workers`` processes (the same presets whatever the number);
``--growth-only`` rewrites only the growth line of existing presets
(``scenarios/regions/growth.csv``).
"""

from __future__ import annotations

import argparse
import sys

from sim.analysis.calibration import (
    BPS_MARCH_2024,
    PRESET_PATH,
    fit_distributions,
    write_preset,
)
from sim.scenario import Scenario, load_scenario


def _gb2_overrides(params: dict) -> dict:
    return {
        f"calibration.{area}.{name}": float(v)
        for area, values in params.items()
        for name, v in zip(("a", "scale", "p", "q"), values, strict=True)
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: re-fit the preset (``python -m sim.calibrate``)."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.calibrate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--no-growth", action="store_true", help="keep the current growth rate")
    parser.add_argument(
        "--households", type=int, default=None,
        help="size of the start's and growth's runs (default 100,000; regions 20,000)",
    )  # fmt: skip
    parser.add_argument(
        "--seeds", type=int, default=None, help="runs pooled per evaluation (default 3)"
    )
    parser.add_argument(
        "--iterations", type=int, default=None,
        help="iterations of the start (default 20; regions 6)",
    )  # fmt: skip
    regions = parser.add_argument_group("regions (sim.regions.fit)")
    regions.add_argument(
        "--region", action="append", default=[], metavar="NAME",
        help="fit this province or kabupaten/kota (repeatable; a BPS name or code)",
    )  # fmt: skip
    regions.add_argument("--provinces", action="store_true", help="fit the 38 provinces")
    regions.add_argument("--districts", action="store_true", help="fit the 514 kabupaten/kota")
    regions.add_argument("--all", action="store_true", help="provinces, then kabupaten/kota")
    regions.add_argument("--workers", type=int, default=1, help="local processes (regions)")
    regions.add_argument(
        "--missing", action="store_true", help="only regions without a preset yet"
    )  # fmt: skip
    regions.add_argument(
        "--growth-only", action="store_true",
        help="rewrite only the growth line of existing presets (scenarios/regions/growth.csv)",
    )  # fmt: skip
    regions.add_argument(
        "--check-only", action="store_true",
        help="check month 0 (and September) of existing presets again, update fits.csv",
    )  # fmt: skip
    args = parser.parse_args(argv)
    # checked before anything is fitted or written
    for flag in ("households", "seeds", "iterations"):
        least = 1_000 if flag == "households" else 1
        value = getattr(args, flag)
        if value is not None and value < least:
            parser.error(f"--{flag}: at least {least:,}, got {value}")
    if (
        args.region or args.provinces or args.districts or args.all or args.growth_only
        or args.check_only
    ):  # fmt: skip
        return _regions(parser, args)
    args.households = args.households or 100_000
    args.seeds = args.seeds or 3
    args.iterations = args.iterations or 20
    from sim.analysis.hindcast import fit_growth
    from sim.analysis.potential import fit_correction

    base = Scenario()
    lines = {"urban": base.poverty_line.urban, "rural": base.poverty_line.rural}
    params, figures = fit_distributions(lines, base.population.urban_person_share)
    print("1. the measured distribution: target vs fitted (BPS index points = fraction x 100):")
    for t in BPS_MARCH_2024:
        print(f"  {t.name:<11} {100 * t.value:8.3f}  {100 * figures[t.name]:8.3f}")
    current = load_scenario("no_programs").income.growth_annual if PRESET_PATH.exists() else 0.03
    gb2 = _gb2_overrides(params)
    print("2. the potential (largest gap of month 0's quantiles to the GB2, log points):")
    fit = fit_correction(
        gb2, households=args.households, seeds=args.seeds, iterations=args.iterations,
        progress=True,
    )  # fmt: skip
    notes = [
        f"the potential's correction: {args.iterations} iterations at {args.households:,} "
        f"households x {args.seeds} seeds, largest gap at the end {fit.gaps[-1]:.4f} log points"
    ]
    write_preset(params, figures, current, correction=fit.correction, notes=notes)
    growth = current
    if not args.no_growth:
        print("3. growth (hindcast, simulated method of moments):", flush=True)
        hc = fit_growth(seeds=args.seeds, households=args.households // 2)
        print(hc.summary())
        growth = round(hc.growth, 5)
        notes += [f"growth: hindcast at {args.households // 2:,} households x {args.seeds} seeds"]
        notes += [f"  {line}" for line in hc.summary().splitlines()]
        write_preset(params, figures, growth, correction=fit.correction, notes=notes)
    print(f"wrote {PRESET_PATH}")
    return 0


def _regions(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The regional presets (``--region``, ``--provinces``, ``--districts``, ``--all``)."""
    from sim.regions.catalogue import UnknownRegionError, catalogue, resolve_region

    if args.workers < 1:
        parser.error(f"--workers: at least 1 process, got {args.workers}")
    chosen = []
    for text in args.region:
        try:
            region = resolve_region(text)
        except UnknownRegionError as exc:
            parser.exit(2, f"{parser.prog}: error: --region: {exc}\n")
        if region.level == "nation":
            parser.exit(
                2,
                f"{parser.prog}: error: --region: {region.name} is the national preset "
                "(python -m sim.calibrate without --region fits it)\n",
            )
        chosen.append(region)
    levels = {"province"} if args.provinces else set()
    levels |= {"district"} if args.districts else set()
    levels |= {"province", "district"} if args.all else set()
    chosen += [r for r in catalogue() if r.level in levels]
    if (args.growth_only or args.check_only) and not chosen:  # alone: every written preset
        chosen = [r for r in catalogue() if r.preset is not None and r.preset.is_file()]
    chosen = list(dict.fromkeys(chosen))
    if args.growth_only:
        from sim.regions.fit import rewrite_growth
        from sim.regions.fits_table import read_fits, update_columns

        missing = [r.name for r in chosen if r.preset is None or not r.preset.is_file()]
        if missing:
            parser.exit(2, f"{parser.prog}: error: --growth-only: no preset for {missing[0]}\n")
        updates = {}
        for region in chosen:
            growth, source = rewrite_growth(region)
            updates[region.name] = {"growth": growth, "growth_source": source}
            print(f"{region.name}: growth {growth:.5f} ({source})")
        listed = {r["name"] for r in read_fits()}
        update_columns({k: v for k, v in updates.items() if k in listed})
        return 0
    if args.check_only:
        from sim.regions.fit_many import recheck_regions

        missing = [r.name for r in chosen if r.preset is None or not r.preset.is_file()]
        if missing:
            parser.exit(2, f"{parser.prog}: error: --check-only: no preset for {missing[0]}\n")
        return 1 if recheck_regions(chosen, workers=args.workers) else 0
    if args.missing:
        chosen = [r for r in chosen if r.preset is not None and not r.preset.is_file()]
    from sim.regions.fit_many import fit_regions

    settings = {k: getattr(args, k) for k in ("households", "seeds", "iterations")}
    failed = fit_regions(
        chosen, workers=args.workers, **{k: v for k, v in settings.items() if v is not None}
    )
    if args.all:
        from sim.regions.doc import write_doc

        print(f"wrote {write_doc()}")
    if failed:
        print(f"{len(failed)} region(s) failed: {'; '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The calibration command: ``python -m sim.calibrate`` (``sinergi-calibrate``).

Three fits, in order, each written to the ``indonesia_2024`` preset:

1. the measured distribution: a GB2 per area fitted to BPS March 2024's P0, P1, P2 and Gini
   (``sim.analysis.calibration.fit_distributions``);
2. the potential: that distribution with the model's own shocks, illnesses, demography and
   survey error taken out, so that month 0 as surveyed measures as the GB2
   (``sim.analysis.potential.fit_correction``);
3. growth: the real growth of earnings fitted to BPS's same-season headcount changes of
   2015-2019 and 2022-2025 by simulated method of moments (``sim.analysis.hindcast``).
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
        "--households", type=int, default=100_000, help="size of the start's and growth's runs"
    )
    parser.add_argument("--seeds", type=int, default=3, help="runs pooled per evaluation")
    parser.add_argument("--iterations", type=int, default=20, help="iterations of the start")
    args = parser.parse_args(argv)
    # checked before anything is fitted or written
    if args.households < 1_000:
        parser.error(f"--households: at least 1,000 households, got {args.households}")
    if args.seeds < 1:
        parser.error(f"--seeds: at least 1 run, got {args.seeds}")
    if args.iterations < 1:
        parser.error(f"--iterations: at least 1, got {args.iterations}")
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


if __name__ == "__main__":
    sys.exit(main())

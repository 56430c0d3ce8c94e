"""The calibration command: ``python -m sim.calibrate [--no-growth]`` (``sinergi-calibrate``).

Fits the starting population to BPS March 2024 and the growth rate, and rewrites the
``indonesia_2024`` preset; the method is in ``sim.analysis.calibration``.
"""

from __future__ import annotations

import argparse
import sys

from sim.analysis.calibration import (
    BPS_MARCH_2024,
    PRESET_PATH,
    fit_distributions,
    fit_growth,
    write_preset,
)
from sim.scenario import Scenario, load_scenario


def main(argv: list[str] | None = None) -> int:
    """Command line: re-fit the preset (``python -m sim.calibrate [--no-growth]``)."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.calibrate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--no-growth", action="store_true", help="keep the current growth rate")
    parser.add_argument("--households", type=int, default=50_000, help="size for the growth fit")
    parser.add_argument("--seeds", type=int, default=12, help="runs averaged in the growth fit")
    args = parser.parse_args(argv)
    # checked before anything is fitted or written
    if args.households < 1_000:
        parser.error(f"--households: at least 1,000 households, got {args.households}")
    if args.seeds < 1:
        parser.error(f"--seeds: at least 1 run, got {args.seeds}")
    base = Scenario()
    lines = {"urban": base.poverty_line.urban, "rural": base.poverty_line.rural}
    params, figures = fit_distributions(lines, base.population.urban_person_share)
    print("target vs fitted (BPS index points = fraction x 100):")
    for t in BPS_MARCH_2024:
        print(f"  {t.name:<11} {100 * t.value:8.3f}  {100 * figures[t.name]:8.3f}")
    current = load_scenario("no_programs").income.growth_annual if PRESET_PATH.exists() else 0.03
    write_preset(params, figures, current)
    growth = current
    if not args.no_growth:
        growth = fit_growth(households=args.households, seeds=args.seeds)
        print(f"growth_annual = {growth:.5f}")
        write_preset(params, figures, growth)
    print(f"wrote {PRESET_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

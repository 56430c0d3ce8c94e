"""The baseline's published figures: ``python -m sim.analysis.baseline`` prints them as tables.

Every figure of ``docs/VALIDATION.md``, "The baseline", comes from this command (about 15
minutes on two cores at the default sizes):

* the start as a survey measures it against BPS March 2024 (100,000 households, seed 11);
* the path under ``no_programs`` with the fitted growth and the line's drift, and without
  either (zero growth: the steady state), P0, P1, P2 and the Gini at months 0, 12, 24, 60 and
  120 (50,000 households, seeds 1-4, as ``shared/checks/baseline``);
* each year's change of P0 along the fitted path;
* mobility out of the bottom 30% after 36 months (50,000 households, seeds 1-3, as
  ``shared/checks/mobility``) and churning over 24 months (Dartanto & Nurkholis 2013's
  interval; 30,000 households, seed 5);
* the hindcast's moments at the fitted growth (50,000 households, seeds 0-2).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from sim.analysis import hindcast, stationarity
from sim.analysis.potential import weighted_quantiles
from sim.model import PovertyModel
from sim.scenario import load_scenario

MONTHS = (0, 12, 24, 60, 120)
BPS_START = {"p0": 9.03, "p1": 1.461, "p2": 0.347, "gini": 0.379, "p0_urban": 7.09,
             "p0_rural": 11.79, "p1_urban": 1.10, "p1_rural": 1.98, "p2_urban": 0.25,
             "p2_rural": 0.48, "gini_urban": 0.399, "gini_rural": 0.306}  # fmt: skip
"""BPS March 2024 (P0, P1, P2 x 100; area P1 and P2 rounded to 0.01 by BPS)."""


def start_table(households: int = 100_000, seed: int = 11) -> pd.DataFrame:
    """Month 0 as surveyed against BPS March 2024 (P0, P1, P2 x 100; Gini 0-1)."""
    sc = load_scenario("no_programs", overrides={"population.households": households, "months": 1})
    row = PovertyModel(sc, rng=seed).timeseries().iloc[0]
    out = []
    for k, bps in BPS_START.items():
        got = float(row[k]) * (1 if k.startswith("gini") else 100)
        out.append({"figure": k, "BPS March 2024": bps, "model, as surveyed": round(got, 3)})
    model = PovertyModel(sc, rng=seed)
    hh = model.households
    poor = model.observed_consumption_pc() < model.lines
    size = float(np.average(hh.members[poor], weights=hh.weight[poor]))
    out.append({"figure": "members_per_poor_household", "BPS March 2024": 4.78,
                "model, as surveyed": round(size, 2)})  # fmt: skip
    return pd.DataFrame(out)


def fitted_path(households: int = 50_000, seeds: int = 4, months: int = 120) -> pd.DataFrame:
    """Mean figures of ``no_programs`` with its fitted growth, seeds 1 .. ``seeds``, each month."""
    return stationarity.mean_path(households=households, seeds=seeds, months=months)


def mobility(households: int = 50_000, seeds: int = 3, months: int = 36) -> list[float]:
    """Share of bottom-30% households (measured, household-weighted) above it ``months`` later."""
    sc = load_scenario(
        "no_programs", overrides={"population.households": households, "months": months}
    )
    shares = []
    for seed in range(1, seeds + 1):
        model = PovertyModel(sc, rng=seed)
        w = model.households.weight.astype(np.float64)
        y0 = np.asarray(model.observed_consumption_pc(), dtype=np.float64)
        bottom = y0 <= weighted_quantiles(y0, w, np.array([0.3]))[0]
        model.run()
        y1 = np.asarray(model.observed_consumption_pc(), dtype=np.float64)
        up = y1 > weighted_quantiles(y1, w, np.array([0.3]))[0]
        shares.append(float((w * (bottom & up)).sum() / (w * bottom).sum()))
    return shares


def churning(households: int = 30_000, seed: int = 5, months: int = 24) -> dict[str, float]:
    """Persons poor at 0 and ``months`` (as surveyed), and the non-poor who fell in."""
    sc = load_scenario(
        "no_programs", overrides={"population.households": households, "months": months}
    )
    model = PovertyModel(sc, rng=seed)
    poor0 = model.observed_consumption_pc() < model.lines
    model.run()
    poor1 = model.observed_consumption_pc() < model.lines
    w = model.households.persons
    return {
        "stay_poor": float(w[poor0 & poor1].sum() / w[poor0].sum()),
        "fall_in": float(w[~poor0 & poor1].sum() / w[~poor0].sum()),
        "p0_start": float(w[poor0].sum() / w.sum()),
    }


def markdown(df: pd.DataFrame) -> str:
    """A data frame as a markdown table (values as printed by ``str``)."""
    head = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "---|" * len(df.columns)
    body = ["| " + " | ".join(map(str, row)) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _path_rows(path: pd.DataFrame, months: tuple[int, ...]) -> str:
    lines = [
        "| month | P0 | P1 | P2 | Gini | P0 urban | P0 rural |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in months:
        r = path.loc[m]
        lines.append(
            f"| {m} | {100 * r.p0:.2f} | {100 * r.p1:.3f} | {100 * r.p2:.3f} | {r.gini:.3f} "
            f"| {100 * r.p0_urban:.2f} | {100 * r.p0_rural:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the baseline's tables (markdown)."""
    parser = argparse.ArgumentParser(prog="python -m sim.analysis.baseline", description=__doc__)
    parser.add_argument("--households", type=int, default=50_000, help="households per run")
    args = parser.parse_args(argv)
    if args.households < 1_000:
        parser.error(f"--households: at least 1,000 households, got {args.households}")
    n = args.households
    print("## The start as surveyed (100,000 households, seed 11)\n")
    print(markdown(start_table(max(n, 100_000))))
    fitted = fitted_path(n)
    still = stationarity.zero_growth_path(households=n, seeds=4, months=120, at=MONTHS)
    print(f"\n## Fitted growth and drift, no_programs ({n:,} households, seeds 1-4)\n")
    print(_path_rows(fitted, MONTHS))
    yearly = np.diff(fitted.p0.to_numpy()[::12] * 100)
    print("\nyearly change of P0 (points): " + " ".join(f"{x:+.2f}" for x in yearly))
    print(f"\n## Zero growth, no drift ({n:,} households, seeds 1-4)\n")
    print(_path_rows(still, MONTHS))
    shares = mobility(n)
    print(
        f"\nmobility out of the bottom 30% after 36 months: {np.mean(shares):.1%} "
        f"(seeds 1-3: {', '.join(f'{s:.1%}' for s in shares)})"
    )
    c = churning()
    print(
        f"churning over 24 months (persons, as surveyed): {c['stay_poor']:.1%} of the poor "
        f"stay poor, {c['fall_in']:.1%} of the non-poor fall in (P0 at the start "
        f"{c['p0_start']:.1%})"
    )
    sc = load_scenario("no_programs")
    moments = hindcast.bps_moments()
    got = hindcast.simulated_moments(sc.income.growth_annual, moments, seeds=3, households=n)
    table = moments.assign(
        change=moments.change.round(2),
        simulated=got.round(3),
        residual=(moments.change - got).round(3),
    )
    print(f"\n## Hindcast at growth_annual = {sc.income.growth_annual} ({n:,} households x 3)\n")
    print(markdown(table))
    for first, last in hindcast.WINDOWS:
        w = table[table.window == first]
        print(
            f"\n{first}-{last}: BPS {w.change.mean():+.3f} points a year, simulated "
            f"{w.simulated.mean():+.3f}, mean residual {w.residual.mean():+.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

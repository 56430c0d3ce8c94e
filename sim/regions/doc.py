"""``docs/regions.md``: how the region presets are fitted, and how well, from ``fits.csv``.

``python -m sim.regions.doc > docs/regions.md`` (``python -m sim.calibrate --all`` writes it
too). Every number in the page is read from ``scenarios/regions/fits.csv``
(``sim.regions.fits_table``): the page changes when the fits do.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.regions.fit import (
    CHECK_HOUSEHOLDS,
    CHECK_SEEDS,
    DISTRICT_P0_ACCEPT,
    FIT_HOUSEHOLDS,
    FIT_ITERATIONS,
    FIT_SEEDS,
    LOWEST_KNOT,
    SEARCH_STEP,
    VALIDATION_MONTHS,
    lowest_knot,
)
from sim.regions.fits_table import FITS_PATH
from sim.regions.gb2 import BOUNDS
from sim.regions.targets import SHARE_BOUNDS, TOLERANCE

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "regions.md"


def _stats(x: pd.Series) -> str:
    a = np.abs(x.dropna().to_numpy(dtype=float))
    if a.size == 0:
        return "| - | - | - |"
    return f"| {a.max():.3f} | {a.mean():.3f} | {np.quantile(a, 0.95):.3f} |"


def _residual_table(fits: pd.DataFrame) -> list[str]:
    out = [
        "| regions | figure | n | max abs | mean abs | 95th percentile abs |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for level, label in (("province", "provinces"), ("district", "kabupaten/kota")):
        f = fits[fits["level"] == level]
        if f.empty:
            continue
        for col, what in (
            ("res_p0", "P0, month 0"),
            ("res_p1", "P1, month 0"),
            ("res_p2", "P2, month 0"),
            ("res_gini", "Gini, month 0 (0-1)"),
            ("res_raw_p0", "P0 before post-stratification"),
            ("res_raw_p1", "P1 before post-stratification"),
        ):
            out.append(f"| {label} | {what} | {f[col].notna().sum()} {_stats(f[col])}")
    return out


def _factor_summary(fits: pd.DataFrame) -> list[str]:
    out = [
        "| regions | area | n | min | median | max | share within 0.95-1.05 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for level, label in (("province", "provinces"), ("district", "kabupaten/kota")):
        f = fits[fits["level"] == level]
        for area in ("urban", "rural"):
            x = f[f"poor_factor_{area}"].dropna().to_numpy(dtype=float)
            if level == "district" and area == "rural":
                x = x[f.loc[f[f"poor_factor_{area}"].notna(), "urban_share"] < 1]
            if x.size == 0:
                continue
            share = np.mean((x >= 0.95) & (x <= 1.05))
            out.append(
                f"| {label} | {area} | {x.size} | {x.min():.3f} | {np.median(x):.3f} | "
                f"{x.max():.3f} | {share:.0%} |"
            )
    return out


def _shallow(fits: pd.DataFrame) -> list[str]:
    """How the start's miss before post-stratification grows as poverty gets shallower."""
    f = fits.assign(ratio=fits["bps_p1"] / fits["bps_p0"])
    out = [
        "| regions | mean gap of the poor (P1 / P0) | n | median P0 before - BPS | "
        "median poor-weight factor | median P1 after - BPS |",
        "|---|---|---:|---:|---:|---:|",
    ]
    bins = ((0.0, 0.10), (0.10, 0.13), (0.13, 0.16), (0.16, 1.0))
    for level, label in (("province", "provinces"), ("district", "kabupaten/kota")):
        g = f[f["level"] == level]
        for lo, hi in bins:
            b = g[(g["ratio"] >= lo) & (g["ratio"] < hi)]
            if b.empty:
                continue
            factor = b[["poor_factor_urban", "poor_factor_rural"]].mean(axis=1)
            out.append(
                f"| {label} | {lo:.2f}-{min(hi, 1):.2f} | {len(b)} | "
                f"{b['res_raw_p0'].median():+.2f} | {factor.median():.3f} | "
                f"{b['res_p1'].median():+.2f} |"
            )
    return out


def _depth_summary(fits: pd.DataFrame) -> list[str]:
    """Kabupaten/kota by the depth their correction was fitted from, with their misses."""
    f = fits[fits["level"] == "district"]
    if f.empty or "correction_lowest_knot" not in f:
        return ["No kabupaten/kota fitted yet."]
    out = [
        "| fitted from (normal score) | kabupaten/kota | max abs P0 before - BPS | "
        "P1 before - BPS: min | median | max | beyond 0.25 | max poor-weight factor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    standard = f["correction_lowest_knot"] <= f["bps_p0"].map(lambda p: lowest_knot(p / 100))
    for label, g in (
        ("the standard depth (one score below the poverty quantile)", f[standard]),
        ("shallower (refitted)", f[~standard]),
    ):
        if g.empty:
            continue
        factor = g[["poor_factor_urban", "poor_factor_rural"]].max(axis=1)
        out.append(
            f"| {label} | {len(g)} | {g['res_raw_p0'].abs().max():.2f} | "
            f"{g['res_raw_p1'].min():+.2f} | {g['res_raw_p1'].median():+.2f} | "
            f"{g['res_raw_p1'].max():+.2f} | {int((g['res_raw_p1'].abs() > 0.25).sum())} | "
            f"{factor.max():.3f} |"
        )
    return out


def _validation(fits: pd.DataFrame) -> list[str]:
    f = fits[(fits["level"] == "province") & fits["res_sep_p0"].notna()]
    if f.empty:
        return ["No province fitted yet."]
    r = f["res_sep_p0"].to_numpy(dtype=float)
    bps_change = (f["bps_sep_p0"] - f["bps_p0"]).to_numpy(dtype=float)
    sim_change = (f["sep_p0"] - f["m0_p0"]).to_numpy(dtype=float)
    corr = float(np.corrcoef(bps_change, sim_change)[0, 1]) if r.size > 2 else float("nan")
    worst = f.reindex(f["res_sep_p0"].abs().sort_values(ascending=False).index).head(5)
    lines = [
        f"Each province's preset, run {VALIDATION_MONTHS} months from March 2024 (no programmes "
        f"beyond the government's, {CHECK_HOUSEHOLDS:,} households, mean of seeds "
        f"{CHECK_SEEDS[0]}-{CHECK_SEEDS[-1]}, the preset's growth), against BPS September 2024 "
        "total P0, which no fit has seen:",
        "",
        "| | P0 points |",
        "|---|---:|",
        f"| provinces | {r.size} |",
        f"| mean residual (simulated - BPS) | {r.mean():+.2f} |",
        f"| median residual | {np.median(r):+.2f} |",
        f"| standard deviation | {r.std(ddof=1) if r.size > 1 else float('nan'):.2f} |",
        f"| mean absolute residual | {np.abs(r).mean():.2f} |",
        f"| largest absolute residual | {np.abs(r).max():.2f} |",
        f"| within 0.5 points | {np.mean(np.abs(r) <= 0.5):.0%} |",
        f"| BPS change March-September, mean | {bps_change.mean():+.2f} |",
        f"| simulated change, mean | {sim_change.mean():+.2f} |",
        f"| correlation of the changes across provinces | {corr:.2f} |",
        "",
        "Largest residuals: "
        + "; ".join(
            f"{row['name']} {row['res_sep_p0']:+.2f} (BPS {row['bps_p0']:.2f} -> "
            f"{row['bps_sep_p0']:.2f}, simulated {row['m0_p0']:.2f} -> {row['sep_p0']:.2f})"
            for _, row in worst.iterrows()
        )
        + ".",
    ]
    return lines


def _province_table(fits: pd.DataFrame) -> list[str]:
    f = fits[fits["level"] == "province"]
    out = [
        "| province | BPS P0 | P0 | before | BPS P1 | P1 | GB2 P1 | BPS P2 | P2 | BPS Gini | "
        "Gini | urban share | households | poor-weight factor u / r | Sep. P0 BPS | Sep. P0 |",
        "|---|" + "---:|" * 15,
    ]
    for _, r in f.iterrows():
        fr = f"{r['poor_factor_urban']:.3f} / " + (
            f"{r['poor_factor_rural']:.3f}" if pd.notna(r["poor_factor_rural"]) else "-"
        )
        out.append(
            f"| {r['name']} | {r['bps_p0']:.2f} | {r['m0_p0']:.2f} | {r['raw_p0']:.2f} | "
            f"{r['bps_p1']:.2f} | {r['m0_p1']:.2f} | {r['gb2_p1']:.2f} | {r['bps_p2']:.2f} | "
            f"{r['m0_p2']:.2f} | {r['bps_gini']:.3f} | {r['m0_gini']:.3f} | "
            f"{r['urban_share']:.3f} | {r['households']:,.0f} | {fr} | {r['bps_sep_p0']:.2f} | "
            f"{r['sep_p0']:.2f} |"
        )
    return out


def _district_table(fits: pd.DataFrame) -> list[str]:
    f = fits[fits["level"] == "district"]
    out = [
        "| kabupaten/kota | province | BPS P0 | P0 | before | BPS P1 | P1 | BPS P2 | P2 | "
        "households | poor-weight factor |",
        "|---|---|" + "---:|" * 9,
    ]
    for _, r in f.iterrows():
        out.append(
            f"| {r['district']} | {r['province']} | {r['bps_p0']:.2f} | {r['m0_p0']:.2f} | "
            f"{r['raw_p0']:.2f} | {r['bps_p1']:.2f} | {r['m0_p1']:.2f} | {r['bps_p2']:.2f} | "
            f"{r['m0_p2']:.2f} | {r['households']:,.0f} | {r['poor_factor_urban']:.3f} |"
        )
    return out


def render(fits: pd.DataFrame | None = None) -> str:
    """The page's markdown (from ``fits.csv`` unless ``fits`` is given)."""
    if fits is None:
        fits = pd.read_csv(FITS_PATH) if FITS_PATH.is_file() else pd.DataFrame()
    n_prov = int((fits["level"] == "province").sum()) if not fits.empty else 0
    n_dist = int((fits["level"] == "district").sum()) if not fits.empty else 0
    tol = ", ".join(f"{k.upper()} {v:g}" for k, v in TOLERANCE.items())
    lines = [
        "# Regions: a preset for every province and kabupaten/kota",
        "",
        "<!-- Generated by `python -m sim.regions.doc > docs/regions.md` from "
        "scenarios/regions/fits.csv; do not edit by hand. -->",
        "",
        f"Presets fitted: {n_prov} of 38 provinces, {n_dist} of 514 kabupaten/kota. A scenario "
        'runs in a region with `region = "NUSA TENGGARA TIMUR"` (or `--region`, or '
        '`sim.load_scenario(name, overrides={"region": ...})`); `sim.regions()` lists every '
        "region with the figures below. The presets live in `scenarios/regions/provinces/` and "
        "`scenarios/regions/districts/`; each file's header states its targets, its fit and "
        "its assumptions.",
        "",
        "Refit: `python -m sim.calibrate --region NAME` (repeatable), `--provinces`, "
        "`--districts` or `--all`, with `--workers N` processes (the same presets whatever N; "
        "provinces first, since a kabupaten/kota starts from its province's preset); "
        "`--growth-only` rewrites only the growth line of the presets.",
        "",
        "## Method",
        "",
        "**Targets.** BPS March 2024 (`sim/data/bps_provinces_2024.csv`, "
        "`bps_districts_2024.csv`; sources in `data/bps/README.md` of the shared data). A "
        "province: per area (urban, rural) P0, P1, P2, the Gini and the poverty line. A "
        "kabupaten/kota: total-area P0, P1, P2 and line only.",
        "",
        "**The measured distribution.** Per area a GB2(a, scale, p, q) fitted to the area's "
        f"P0, P1, P2 and Gini at its own line, each residual scaled by the national fit's "
        f"tolerance ({tol}, fractions). P0 is the GB2's exact distribution function at the line; "
        "P1, P2 and the Gini come from a 700-point quadrature over normal scores "
        "(`sim/regions/gb2.py`; the national fit's 4,000-point quantile grid makes P0 a step "
        "function and takes ~9 s an area). The lower-tail shape p is bounded by "
        f"{BOUNDS[2][1]:g}: left free, most regions' fits run to p = 50 (a lower tail so thin "
        "that the model's own shocks and survey error cannot be taken out of it, below) for a "
        "small gain (the largest GB2 P1 residual over the 75 provincial areas 0.23 points "
        "with p free, 0.28 with p <= 4). The fit starts from the national GB2 (a "
        "kabupaten/kota: from its province's area nearer in P0).",
        "",
        "**Assumptions where BPS publishes nothing** (each preset lists its own):",
        "",
        "- an area Gini not published: the province's total Gini, else the national Gini of "
        "the area (every province's area Gini is published for March 2024 except DKI "
        "Jakarta's rural, which does not exist);",
        "- DKI Jakarta has no rural area: urban share 1, every sub-district urban; the rural "
        "tables copy the urban ones and are unused;",
        "- urban share of persons: implied by the published indices, the least-squares `s` of "
        f"`total = s x urban + (1 - s) x rural` over P0, P1 and P2, bounded to {SHARE_BOUNDS};",
        "- persons represented: a province's poor persons over its P0 (`poor_thousands x 1000 / "
        "(P0 / 100)`); a kabupaten/kota's BPS 2024 population (`sim.data.bps."
        "district_population`); households: persons over the national Susenas household "
        "sizes (3.6 urban, 3.8 rural) at the urban share (no provincial or district table of "
        "household size is shipped);",
        "- sub-districts: the model's 20, the urban ones in proportion to the urban share "
        "(not the region's count of kecamatan);",
        "- a kabupaten/kota is one distribution: both areas get the same GB2, fitted to its "
        "P0, P1, P2 and its province's total Gini, both lines are its line, and its urban "
        "share is its province's.",
        "",
        "**The potential.** As the national preset: the correction that takes the model's own "
        "shocks, illness, demography and survey error out of the measured distribution "
        "(`sim.analysis.potential.fit_correction`), started from the national preset's "
        "correction (a kabupaten/kota: its province's), "
        f"{FIT_ITERATIONS} iterations at {FIT_HOUSEHOLDS:,} households x {FIT_SEEDS} seeds, "
        "the mean of the last half of the iterates. The correction is fitted from the knot "
        "one standard score below the region's poverty quantile (`Phi^-1(P0) - 1` on the "
        f"knots' 0.25 grid, within {LOWEST_KNOT}): where a region's lower tail is narrower "
        "than the model's noise (a high headcount with a small gap) the deeper knots cannot be "
        "matched, and fitting them collapses the potential there and leaves month 0's P0 and "
        "P1 short (Papua Pegunungan's P1 by 0.44 points with the national -2.5, 0.05 with "
        "-1.75).",
        "",
        "**A kabupaten/kota's depth.** A kabupaten/kota has one distribution for both areas and "
        "a Gini borrowed from its province, and many have a mean gap of the poor (P1 / P0) "
        "smaller than the model's own survey error (0.18 log points), shocks and illness allow. "
        "Fitted from the standard depth, such a start misses its own P0 by up to 16.6 points "
        "before post-stratification (0.5.0: mean 1.39, 166 of 514 beyond 1.5; Tolikara 14.6 "
        "against BPS 31.2), and post-stratification then carried weight factors up to 4.9. So "
        f"a kabupaten/kota whose month 0 misses P0 by more than {DISTRICT_P0_ACCEPT} points "
        f"is refitted {SEARCH_STEP} standard scores shallower at a time (warm, from the fit "
        "before), up to the knot at or above its poverty quantile; if no try met P0, the knot "
        "between two tries on either side of BPS's P0 is tried too; the deepest try within "
        f"{DISTRICT_P0_ACCEPT} points is kept (else the closest). Each try is in the preset's "
        "header. The trade is explicit: every step shallower raises P0 towards BPS and P1 "
        "above it (Tolikara from the standard -1.75: P0 14.6, P1 1.9; from -0.50: P0 30.9, "
        "P1 5.2; BPS 31.2 and 2.8). P0 is the headline figure and is kept; the P1 overshoot is "
        "the model's noise floor, reported here, not hidden by weights. The few kabupaten/kota "
        "whose P1 falls short of BPS's at the standard depth are those whose GB2 cannot meet "
        "P0, P1, P2 and the borrowed province Gini at once (fit cost above 1): month 0 "
        "reproduces that GB2, and a district Gini fitted as a loose prior rather than a target "
        "is the step that would close it.",
        "",
        *_depth_summary(fits),
        "",
        "**Post-stratification of month 0.** A run of 20,000 households carries 0.2-0.3 points "
        "of sampling noise in P0 (standard deviation over seeds 0.22 at the national 9%), so "
        "no fit of the distribution makes a single run meet BPS within 0.3. Each preset sets "
        "`calibration.<area>.p0_target` (BPS's area P0; a kabupaten/kota its total P0 on both "
        "areas) and the model post-stratifies month 0's weights to it "
        "(`sim/world/poststratify.py`): in each area the weights of the households surveyed "
        "as poor are multiplied by one factor and those of the others by another, so that the "
        "measured headcount is the target and the area's persons are unchanged (the "
        "calibration estimator of survey weights, Deville & Sarndal 1992). P1, P2 and the "
        "Gini are not post-stratified: they are checks. The national preset sets no target; "
        "its published figures are unchanged. The factors on the poor's weights:",
        "",
        *_factor_summary(fits),
        "",
        "A factor far from 1 would mean the fitted start itself misses BPS's headcount by "
        "that proportion before the weights are adjusted (the `before` columns below); with "
        "each kabupaten/kota's depth chosen as above, the factors stay near 1. What remains "
        "is P1 (not post-stratified): where BPS's poor sit just below the line (a small mean "
        "gap P1 / P0), the model's own survey error (0.18 log points), shocks and illness "
        "spread any start more than that, and P1 comes out above BPS:",
        "",
        *_shallow(fits),
        "",
        "## Residuals at month 0",
        "",
        f"Month 0 of each preset as a user runs it (`no_programs`, `region = NAME`, "
        f"{CHECK_HOUSEHOLDS:,} households, the mean of seeds {CHECK_SEEDS[0]}-"
        f"{CHECK_SEEDS[-1]}), surveyed as the model records it, minus BPS March 2024 "
        "(points of P0, P1, P2; the Gini 0-1):",
        "",
        *_residual_table(fits),
        "",
        "`tests/test_regions.py` holds every province to P0 within 0.3 and P1 within 0.15 of "
        "BPS at seed 1, and a sample of eight kabupaten/kota to P0 within 0.5; before "
        "post-stratification, every province to P0 within 1.0 and P1 within 0.25, every "
        "kabupaten/kota to P0 within 1.0, and each kabupaten/kota's P1 beyond 0.25 to one of "
        "the two recorded causes above.",
        "",
        "## Validation: September 2024 (not fitted)",
        "",
        *_validation(fits),
        "",
        "## Regional growth",
        "",
        "`income.growth_annual` of each preset comes from `scenarios/regions/growth.csv` (a "
        "kabupaten/kota: its province's row) where it has a row, else the national preset's "
        '(each preset\'s header says which). Method: ODD section 5, "Regional growth"; '
        "refit: `python -m sim.regions.growth`, then `python -m sim.calibrate --growth-only "
        "--all`.",
        "",
        *_growth(),
        "",
        "## Provinces",
        "",
        "P0, P1, P2 in percent: BPS March 2024, month 0 with post-stratification and `before` "
        "it; `GB2 P1` is the fitted distribution's own P1 (of the two areas). Households are "
        "real households represented. `Sep.`: September 2024, BPS and the preset after six "
        "months.",
        "",
        *_province_table(fits),
        "",
        "## Kabupaten/kota",
        "",
        *_district_table(fits),
        "",
    ]
    return "\n".join(lines)


def write_doc(path: Path = DOC_PATH) -> Path:
    """Write ``docs/regions.md``; returns the path."""
    path.write_text(render(), encoding="utf-8")
    return path


def _growth() -> list[str]:
    """The regional growth table (``sim.regions.growth.growth_markdown``), if fitted."""
    from sim.regions.growth import OUT, growth_markdown

    if not OUT.is_file():
        return ["Not fitted yet: every preset carries the national growth."]
    return growth_markdown().rstrip().splitlines()


def main() -> int:
    """``python -m sim.regions.doc``: print the page."""
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())

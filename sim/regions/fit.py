"""A region's preset: its starting population fitted to BPS March 2024, written as TOML.

``python -m sim.calibrate --region NAME`` (``sim/calibrate.py``) calls :func:`fit_region` and
:func:`write_preset` for each region asked for. The fit has the national preset's steps
(``sim.calibrate``) at a region's scale:

1. **the measured distribution**: per area a GB2 fitted to the region's P0, P1, P2 and Gini at
   its own poverty line (``sim.regions.targets`` says which figures and what is assumed where
   BPS publishes nothing; ``sim.regions.gb2`` fits), starting from the national GB2 (a
   kabupaten/kota: from its province's preset, when fitted);
2. **the potential**: the correction that takes the model's own shocks, illness, demography
   and survey error out (``sim.analysis.potential.fit_correction``), started from the national
   preset's correction (a kabupaten/kota: its province's), a few iterations at a modest size
   (:data:`FIT_HOUSEHOLDS` x :data:`FIT_SEEDS` x :data:`FIT_ITERATIONS`), fitted from one
   normal score below the poverty quantile (:func:`lowest_knot`). A kabupaten/kota whose
   month 0 then misses its P0 by more than :data:`DISTRICT_P0_ACCEPT` points before
   post-stratification is refitted :data:`SEARCH_STEP` shallower at a time, up to the poverty
   quantile's knot (:func:`poverty_knot`), the knot between two tries on either side of BPS's
   P0 is tried if none met it, and the deepest try within the band is kept. Where
   BPS's poor sit closer to the line than the model's own shocks and survey error allow
   (P1/P0 small: Nias Barat, Tolikara), no potential gives both P0 and P1: the deep fit keeps
   the tail and misses P0 by up to 17 points, the shallow fit keeps P0 and overshoots P1. P0
   is the headline, so it is kept, and the P1 miss is reported (``docs/regions.md``), not
   hidden by weights;
3. **month 0's weights** post-stratified to BPS's headcount per area
   (``calibration.<area>.p0_target``, ``sim.world.poststratify``): a run of 20,000 households
   carries ~0.2-0.3 points of sampling noise in P0 that no fit of the distribution removes;
4. **growth**: ``income.growth_annual`` from ``scenarios/regions/growth.csv`` where a region's
   growth has been fitted, else the national preset's (:func:`growth_for`);
   :func:`rewrite_growth` changes that line alone, without refitting.

The month-0 check (:func:`month0_check`) then loads the written preset as a user would
(``region = NAME``) and surveys month 0 at :data:`CHECK_HOUSEHOLDS` households, seeds 0-2, with
and without the post-stratification; a province's run continues six months to September 2024,
a validation against BPS's September figures that no fit has seen.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import special

from sim.analysis.calibration import AREAS, PARAMS
from sim.analysis.potential import CorrectionFit, fit_correction
from sim.data.bps import provinces
from sim.model import PovertyModel
from sim.regions.catalogue import REGIONS_DIR, Region, resolve_region
from sim.regions.gb2 import figures as gb2_figures
from sim.regions.gb2 import fit_gb2
from sim.regions.targets import RegionTargets, region_targets
from sim.scenario import Scenario, load_scenario
from sim.scenario.files import read_toml

FIT_HOUSEHOLDS = 20_000
"""Households per run of the potential's fit."""
FIT_SEEDS = 3
"""Runs pooled per iteration of the potential's fit."""
FIT_ITERATIONS = 6
"""Iterations of the potential's fit (from the national or the province's correction)."""
CHECK_HOUSEHOLDS = 20_000
"""Households of the month-0 check runs."""
CHECK_SEEDS = (0, 1, 2)
"""Seeds of the month-0 check (figures are their mean)."""
VALIDATION_MONTHS = 6
"""March to September 2024: a province's run is compared with BPS September 2024."""
LOWEST_KNOT = (-2.5, -1.75)
"""Range of the lowest knot the potential's correction fits (standard normal scores)."""
KNOT_STEP = 0.25
"""Spacing of the correction's knots (``sim.world.distribution.CORRECTION_KNOTS``)."""
SEARCH_STEP = 0.5
"""A kabupaten/kota refitted shallower moves its lowest knot by this much a try (normal score)."""
DISTRICT_P0_ACCEPT = 0.5
"""A kabupaten/kota's fit is accepted when month 0, before post-stratification, meets its P0
within this many points (the issue's district tolerance); else its lowest knot rises
(:func:`fit_region`)."""
GROWTH_PATH = REGIONS_DIR / "growth.csv"
"""Regional growth (column ``growth``), written by the regional growth fit."""
BASE_SCENARIO = "no_programs"


@dataclass
class RegionFit:
    """A fitted region, before and after its month-0 check.

    Attributes:
        targets: What it was fitted to (``sim.regions.targets``).
        params: GB2 ``(a, scale, p, q)`` per area.
        gb2: The GB2's figures per area (``sim.regions.gb2.figures``) and ``"total"``.
        cost: The GB2 fit's cost per area (below 1: within tolerance on every figure).
        correction: The potential's log correction per area.
        gaps: The correction fit's largest gap per iteration (log points).
        correction_start: Where the correction started.
        growth: ``income.growth_annual``.
        growth_source: Where it comes from.
        seconds: Wall time of the fit (steps 1 and 2).
        check: The month-0 check (:func:`month0_check`), once run.
        settings: Households, seeds and iterations of the correction's fit.
        knot: The lowest knot the correction was fitted from (standard normal score).
        attempts: A kabupaten/kota's tries, ``(knot, P0, P1)`` of month 0 before
            post-stratification (percent, the fit's seeds pooled), deepest first.
    """

    targets: RegionTargets
    params: dict[str, tuple[float, float, float, float]]
    gb2: dict[str, dict[str, float]]
    cost: dict[str, float]
    correction: dict[str, tuple[float, ...]]
    gaps: list[float]
    correction_start: str
    growth: float
    growth_source: str
    seconds: float
    check: dict[str, float] = field(default_factory=dict)
    settings: dict[str, int] = field(default_factory=dict)
    knot: float = LOWEST_KNOT[0]
    attempts: list[tuple[float, float, float]] = field(default_factory=list)


def national_scenario() -> Scenario:
    """The national preset as every scenario loads it (``indonesia_2024``)."""
    return load_scenario(BASE_SCENARIO)


def _province_preset(region: Region) -> dict | None:
    """The province's preset tables, if it has been fitted (a district starts from them)."""
    prov = resolve_region(region.province)
    path = prov.preset
    return read_toml(path) if path is not None and path.is_file() else None


def _gb2_starts(
    t: RegionTargets, area: str, base: dict[str, tuple[float, ...]], base_lines: dict[str, float]
) -> list[tuple[float, float, float, float]]:
    """Starting points of one area's GB2: the base area closest in P0, scaled to the line."""
    a, b, p, q = base[area]
    b *= t.lines[area] / base_lines[area]
    return [(a, b, p, q), (a * 0.5, b, p, q * 2.0)]


def fit_measured(
    t: RegionTargets, base: dict[str, tuple[float, ...]], base_lines: dict[str, float]
) -> tuple[dict[str, tuple[float, float, float, float]], dict[str, float]]:
    """Step 1: the GB2 of each area (one fit for both areas of a kabupaten/kota).

    Args:
        t: The region's targets.
        base: The GB2 to start from per area (national or the province's).
        base_lines: The lines ``base`` was fitted at (its scale follows the line).

    Returns:
        Parameters per area and the fit's cost per area.
    """
    params: dict[str, tuple[float, float, float, float]] = {}
    cost: dict[str, float] = {}
    for area in AREAS:
        if area == "rural" and (t.region.level == "district" or t.all_urban):
            params[area], cost[area] = params["urban"], cost["urban"]  # the same distribution
            continue
        params[area], cost[area] = fit_gb2(
            t.lines[area], t.wanted(area), _gb2_starts(t, area, base, base_lines)
        )
    return params, cost


def scenario_overrides(
    t: RegionTargets, params: dict[str, tuple[float, ...]], growth: float
) -> dict[str, object]:
    """The preset as dotted overrides, without the correction and the post-stratification."""
    ov: dict[str, object] = {}
    for area in AREAS:
        for name, value in zip(PARAMS, params[area], strict=True):
            ov[f"calibration.{area}.{name}"] = float(f"{value:.8g}")
        ov[f"poverty_line.{area}"] = float(round(t.lines[area]))
    ov["population.households_represented"] = int(round(t.households))
    ov["population.subdistricts"] = t.subdistricts
    ov["population.urban_subdistricts"] = t.urban_subdistricts
    ov["population.urban_person_share"] = round(t.urban_share, 4)
    ov["income.growth_annual"] = growth
    return ov


def growth_for(region: Region) -> tuple[float, str]:
    """``income.growth_annual`` of a region and where it comes from.

    ``scenarios/regions/growth.csv`` (columns ``region`` or ``province``, and ``growth``) where
    it holds the region (a kabupaten/kota: its own row, else its province's); else the
    national preset's growth.
    """
    if GROWTH_PATH.is_file():
        with GROWTH_PATH.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        by_name = {}
        for row in rows:
            key = row.get("region") or row.get("province") or row.get("name")
            if key and row.get("growth") not in (None, ""):
                by_name[key] = float(row["growth"])
        for key, what in ((region.name, "its own"), (region.province, "its province's")):
            if key in by_name:
                return by_name[key], f"scenarios/regions/growth.csv ({what} fitted growth)"
    value = national_scenario().income.growth_annual
    return value, "the national preset's (scenarios/regions/growth.csv has no row for it yet)"


def lowest_knot(p0: float) -> float:
    """The lowest knot the potential's correction fits, one score below the poverty quantile.

    Below the quantile of the poor's consumption the model's own shocks, illness and survey
    error widen the measured tail whatever the potential: where a region's tail is narrow (a
    high headcount with a small poverty gap, NTT's or Papua Pegunungan's rural areas) the
    fixed point cannot match the deep knots, the potential flattens over them and month 0's
    P0 and P1 fall short (Papua Pegunungan's P1 by 0.4 points with the national -2.5). The
    correction is therefore fitted from ``Phi^-1(P0) - 1`` (on the 0.25 grid of the knots,
    within :data:`LOWEST_KNOT`): the poverty region itself, and one score below it.

    Args:
        p0: The region's total headcount (fraction).

    Returns:
        The lowest fitted knot (standard normal score).
    """
    z = float(special.ndtri(min(max(p0, 1e-4), 0.5))) - 1.0
    return float(np.clip(round(z * 4) / 4, *LOWEST_KNOT))


def poverty_knot(p0: float) -> float:
    """The knot at or just above the poverty quantile ``Phi^-1(P0)``: the shallowest fit.

    Fitted from there, the knots on both sides of the quantile are fitted, so the measured
    quantile at P0 is the line whatever happens below it.
    """
    z = float(special.ndtri(min(max(p0, 1e-4), 0.5)))
    return math.ceil(z / KNOT_STEP - 1e-9) * KNOT_STEP


def fit_region(
    region: Region,
    households: int = FIT_HOUSEHOLDS,
    seeds: int = FIT_SEEDS,
    iterations: int = FIT_ITERATIONS,
) -> RegionFit:
    """Steps 1 and 2 (module docstring) for one province or kabupaten/kota.

    Args:
        region: The region (``sim.regions.catalogue.resolve_region``).
        households: Households per run of the potential's fit.
        seeds: Runs pooled per iteration.
        iterations: Iterations of the potential's fit.

    Returns:
        The fit (not yet written, not yet checked).
    """
    t_start = time.perf_counter()
    t = region_targets(region)
    nat = national_scenario()
    base = {a: tuple(getattr(nat.calibration, a).model_dump()[k] for k in PARAMS) for a in AREAS}
    base_lines = {a: getattr(nat.poverty_line, a) for a in AREAS}
    base_corr = {a: tuple(getattr(nat.calibration, a).correction) for a in AREAS}
    corr_start = "the national preset's"
    prov = _province_preset(region) if region.level == "district" else None
    if prov is not None:
        pc = prov["calibration"]
        base = {a: tuple(float(pc[a][k]) for k in PARAMS) for a in AREAS}
        base_lines = {a: float(prov["poverty_line"][a]) for a in AREAS}
        # both areas of a district share one GB2: start from the province's area nearer in P0
        near = min(AREAS, key=lambda a: abs(_area_p0(prov, a) - t.area["urban"]["p0"]))
        base = {a: base[near] for a in AREAS}
        base_lines = {a: base_lines[near] for a in AREAS}
        base_corr = {a: tuple(pc[a]["correction"]) for a in AREAS}
        corr_start = "its province's"
    params, cost = fit_measured(t, base, base_lines)
    growth, growth_source = growth_for(region)
    overrides = scenario_overrides(t, params, growth)
    fit, knot, attempts = _fit_depth(region, t, overrides, base_corr, households, seeds, iterations)
    correction = dict(fit.correction)
    if t.all_urban:  # no rural household: the rural tables copy the urban ones (unused)
        correction["rural"] = correction["urban"]
    gb2 = {a: gb2_figures(*params[a], t.lines[a]) for a in AREAS}
    gb2["total"] = _mixture(gb2, t.urban_share)
    return RegionFit(
        t, params, gb2, cost, correction, fit.gaps, corr_start, growth, growth_source,
        time.perf_counter() - t_start,
        settings={"households": households, "seeds": seeds, "iterations": iterations},
        knot=knot, attempts=attempts,
    )  # fmt: skip


def _fit_depth(
    region: Region,
    t: RegionTargets,
    overrides: dict[str, object],
    start: dict[str, tuple[float, ...]],
    households: int,
    seeds: int,
    iterations: int,
) -> tuple[CorrectionFit, float, list[tuple[float, float, float]]]:
    """The potential's correction and the depth it is fitted from (module docstring, step 2).

    A province is fitted from :func:`lowest_knot`. A kabupaten/kota steps
    :data:`SEARCH_STEP` shallower (warm, from the try before) until month 0 meets its P0
    within :data:`DISTRICT_P0_ACCEPT` points or the poverty quantile's knot is reached; if no
    try met it, the knot between two tries on either side of BPS's P0 is tried too. The deepest
    try within the band is kept, else the closest.

    Returns:
        The kept fit, its lowest knot and every try ``(knot, P0, P1)`` in the order tried.
    """
    target = 100.0 * t.total["p0"]
    cap = poverty_knot(t.total["p0"])
    tries: dict[float, tuple[CorrectionFit, float, float]] = {}
    attempts: list[tuple[float, float, float]] = []

    def attempt(knot: float, begin: dict[str, tuple[float, ...]]) -> bool:
        its = iterations if not tries else max(2, iterations // 2)  # warm: fewer
        fit = fit_correction(
            overrides, households=households, seeds=seeds, iterations=its, start=begin,
            average=max(1, its // 2), lowest_knot=knot,
        )  # fmt: skip
        p0, p1 = fit.poverty  # month 0 of the fitted correction, before post-stratification
        tries[knot] = (fit, p0, p1)
        attempts.append((knot, p0, p1))
        return abs(p0 - target) <= DISTRICT_P0_ACCEPT

    knot = lowest_knot(t.total["p0"])
    met = attempt(knot, start)
    if region.level != "district":
        return tries[knot][0], knot, []
    while not met and knot < cap - 1e-9:
        knot, start = min(knot + SEARCH_STEP, cap), tries[knot][0].correction
        met = attempt(knot, start)
    if not met:  # bisect a bracket of BPS's P0 wider than one knot
        ks = sorted(tries)
        for a, b in itertools.pairwise(ks):
            if (tries[a][1] - target) * (tries[b][1] - target) < 0 and b - a > KNOT_STEP + 1e-9:
                mid = round((a + b) / 2 / KNOT_STEP) * KNOT_STEP
                attempt(mid, tries[a][0].correction)
                break
    within = [k for k in tries if abs(tries[k][1] - target) <= DISTRICT_P0_ACCEPT]
    kept = min(within) if within else min(tries, key=lambda k: abs(tries[k][1] - target))
    return tries[kept][0], kept, attempts


def _area_p0(preset: dict, area: str) -> float:
    target = preset["calibration"][area].get("p0_target")
    return float(target) if target is not None else 0.1


def _mixture(gb2: dict[str, dict[str, float]], share: float) -> dict[str, float]:
    """Total-area P0, P1, P2 of the two areas (the Gini of a mixture is not a weighted sum)."""
    return {m: share * gb2["urban"][m] + (1 - share) * gb2["rural"][m] for m in ("p0", "p1", "p2")}


# --------------------------------------------------------------------------------------------
def month0_check(
    region: Region, households: int = CHECK_HOUSEHOLDS, seeds: tuple[int, ...] = CHECK_SEEDS
) -> dict[str, float]:
    """Month 0 of the written preset, surveyed as the model records it (mean over seeds).

    Loads ``no_programs`` with ``region = NAME`` as a user would. A province's runs go on to
    September 2024 (:data:`VALIDATION_MONTHS`), not fitted to anything there.

    Returns:
        Percent (BPS units) for P0, P1, P2: ``m0_p0``, ``m0_p1``, ``m0_p2``, ``m0_gini`` and
        per area (``m0_p0_urban``...), the same before post-stratification (``raw_p0``...),
        the weight factors (``poor_factor_urban``...), and for a province ``sep_p0``.
    """
    months = VALIDATION_MONTHS if region.level == "province" else 1
    runs: list[dict[str, float]] = []
    for seed in seeds:
        out: dict[str, float] = {}
        for raw in (False, True):
            ov: dict[str, object] = {
                "region": region.name,
                "population.households": households,
                "months": 1 if raw else months,
            }
            if raw:
                ov["calibration.urban.p0_target"] = None
                ov["calibration.rural.p0_target"] = None
            model = PovertyModel(load_scenario(BASE_SCENARIO, overrides=ov), rng=seed)
            if not raw:
                for area, adj in model.poststratification.items():
                    out[f"poor_factor_{area}"] = adj.poor_factor
                    out[f"nonpoor_factor_{area}"] = adj.nonpoor_factor
                model.run()
            ts = model.timeseries()
            row0 = ts.iloc[0]
            prefix = "raw" if raw else "m0"
            for m in ("p0", "p1", "p2"):
                out[f"{prefix}_{m}"] = 100.0 * float(row0[m])
                for area in AREAS:
                    out[f"{prefix}_{m}_{area}"] = 100.0 * float(row0[f"{m}_{area}"])
            out[f"{prefix}_gini"] = float(row0["gini"])
            if not raw and months > 1:
                out["sep_p0"] = 100.0 * float(ts.iloc[months]["p0"])
        runs.append(out)
    keys = sorted({k for r in runs for k in r})
    return {k: float(np.mean([r.get(k, math.nan) for r in runs])) for k in keys}


def september_p0(region: Region) -> float:
    """BPS September 2024 total P0 of a province (percent; NaN for a district)."""
    if region.level != "province":
        return math.nan
    row = provinces("september", "total").set_index("province").loc[region.province]
    return float(row["p0"])


# --------------------------------------------------------------------------------------------
def _command(region: Region) -> str:
    return f'python -m sim.calibrate --region "{region.name}"'


def preset_text(fit: RegionFit) -> str:
    """The preset TOML: a comment header (targets against fit, assumptions) and the tables."""
    t, r = fit.targets, fit.targets.region
    what = "kabupaten/kota" if r.level == "district" else "province"
    lines = [
        f"# Preset of {r.name} ({what}, BPS code {r.code}): the starting population fitted to "
        "BPS March 2024.",
        f"# Written by `{_command(r)}` (sim/regions/fit.py); do not edit by hand (re-run it).",
        f'# Used by region = "{r.name}" in a scenario (or --region NAME, or the override '
        '"region").',
        "# the measured distribution (GB2) per area against BPS March 2024 (P0, P1, P2 in "
        "percent, Gini 0-1):",
    ]
    areas = ("urban",) if (t.all_urban or r.level == "district") else AREAS
    for area in areas:
        label = "both areas" if r.level == "district" else area
        got = fit.gb2[area]
        figs = "  ".join(
            f"{m} {_fmt(m, t.area[area][m])} fitted {_fmt(m, got[m])}"
            for m in ("p0", "p1", "p2", "gini")
        )
        lines.append(f"#   {label:<10} {figs}  (line Rp {t.lines[area]:,.0f})")
    tot = fit.gb2["total"]
    figs = "  ".join(
        f"{m} {_fmt(m, t.total[m])} fitted {_fmt(m, tot[m])}" for m in ("p0", "p1", "p2")
    )
    lines.append(f"#   total      {figs}  gini {t.total['gini']:.3f} (check, not fitted)")
    lines.append(
        f"# urban share of persons {t.urban_share:.4f}; persons represented {t.persons:,.0f}; "
        f"households represented {t.households:,.0f}"
    )
    lines.append("# assumptions:")
    lines += [f"#   - {a}" for a in t.assumptions]
    s = fit.settings
    lines.append(
        f"# the potential's correction: {s['iterations']} iterations at {s['households']:,} "
        f"households x {s['seeds']} seeds from {fit.correction_start}, knots from "
        f"{fit.knot:.2f}, largest gap at the end {fit.gaps[-1]:.4f} log points"
    )
    if len(fit.attempts) > 1:
        tries = "; ".join(f"from {k:.2f}: P0 {p0:.2f}, P1 {p1:.2f}" for k, p0, p1 in fit.attempts)
        lines.append(
            f"#   month 0 before post-stratification by lowest knot ({tries}; BPS P0 "
            f"{100 * t.total['p0']:.2f}, P1 {100 * t.total['p1']:.2f}): the deepest within "
            f"{DISTRICT_P0_ACCEPT} points of P0 is kept, else the closest; each later try "
            f"{max(2, s['iterations'] // 2)} iterations from a deeper one"
        )
    if fit.check:
        c = fit.check
        lines.append(
            f"# month 0 ({CHECK_HOUSEHOLDS:,} households, mean of seeds "
            f"{CHECK_SEEDS[0]}-{CHECK_SEEDS[-1]}): P0 {c['m0_p0']:.2f} (BPS "
            f"{100 * t.total['p0']:.2f}), P1 {c['m0_p1']:.2f} ({100 * t.total['p1']:.2f}), P2 "
            f"{c['m0_p2']:.2f} ({100 * t.total['p2']:.2f}), Gini {c['m0_gini']:.3f} "
            f"({t.total['gini']:.3f})"
        )
        factors = ", ".join(
            f"{a} {c[f'poor_factor_{a}']:.3f}" for a in AREAS if f"poor_factor_{a}" in c
        )
        lines.append(
            f"#   before post-stratification P0 {c['raw_p0']:.2f}, P1 {c['raw_p1']:.2f}; "
            f"poor-weight factor {factors}"
        )
    lines.append(f"# growth: {fit.growth:.5f}, {fit.growth_source}")
    lines.append("")
    for area in AREAS:
        lines.append(f"[calibration.{area}]")
        lines += [f"{k} = {v:.8g}" for k, v in zip(PARAMS, fit.params[area], strict=True)]
        lines.append(f"correction = [{', '.join(f'{v:.5f}' for v in fit.correction[area])}]")
        lines.append(f"p0_target = {t.area[area]['p0']:.6g}")
        lines.append("")
    lines.append("[poverty_line]")
    lines += [f"{a} = {round(t.lines[a]):.1f}" for a in AREAS]
    lines.append("")
    lines.append("[population]")
    lines.append(f"households_represented = {round(t.households)}")
    lines.append(f"subdistricts = {t.subdistricts}")
    lines.append(f"urban_subdistricts = {t.urban_subdistricts}")
    lines.append(f"urban_person_share = {round(t.urban_share, 4)}")
    lines.append("")
    lines += ["[income]", f"growth_annual = {fit.growth:.5f}", ""]
    return "\n".join(lines)


def _fmt(measure: str, value: float) -> str:
    return f"{value:.3f}" if measure == "gini" else f"{100 * value:.2f}"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_preset(fit: RegionFit, path: Path | None = None) -> Path:
    """Write the region's preset atomically (to ``Region.preset`` by default); returns it."""
    path = path or fit.targets.region.preset
    assert path is not None
    _write(path, preset_text(fit))
    return path


_GROWTH_LINE = re.compile(r"^growth_annual = .*$", re.MULTILINE)
_GROWTH_NOTE = re.compile(r"^# growth: .*$", re.MULTILINE)


def rewrite_growth(region: Region) -> tuple[float, str]:
    """Set a written preset's ``income.growth_annual`` from :func:`growth_for`, nothing else.

    Returns:
        The growth and its source.

    Raises:
        FileNotFoundError: When the region has no preset yet.
    """
    path = region.preset
    if path is None or not path.is_file():
        raise FileNotFoundError(f"no preset for {region.name} at {path}")
    growth, source = growth_for(region)
    _write(path, with_growth(path.read_text(encoding="utf-8"), growth, source))
    return growth, source


def with_growth(text: str, growth: float, source: str) -> str:
    """A preset's text with its growth line and growth comment replaced, nothing else."""
    text = _GROWTH_LINE.sub(f"growth_annual = {growth:.5f}", text, count=1)
    return _GROWTH_NOTE.sub(f"# growth: {growth:.5f}, {source}", text, count=1)

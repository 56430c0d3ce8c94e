"""Regional growth: each province's growth of earnings from its own P0 path, shrunk to the nation's.

``python -m sim.regions.growth`` writes ``scenarios/regions/growth.csv`` (one row per province;
its column ``growth`` is what ``python -m sim.calibrate --growth-only`` writes into the
province presets), ``growth_evaluations.csv`` beside it (every simulated point of the map from
growth to the headcount's trend, for the checks) and ``growth_summary.csv`` (the prior, tau,
the simulation's size). Three steps (docs/ODD.md,
"Regional growth"):

1. **The observed trend.** BPS's same-season changes of the province's P0 (total, percent
   points a year) over the national hindcast's windows (:data:`WINDOWS`, 2015-2019 and
   2022-2024: the provincial series ends in 2024), March to March and September to September,
   no September 2023 round (the September 2022-2024 change counts per year). No change is taken
   across a boundary break (:func:`boundary_break`: PAPUA and PAPUA BARAT are published on
   their boundaries before the 2022 split until March 2023 and on the new ones from 2024),
   so the four provinces created in 2022 have no same-season change yet. The trend is the
   mean of the changes (identity weights, as the hindcast) and its standard error their
   scatter: ``sd / sqrt(n)`` (a change's noise taken as independent from the next's).
2. **The raw growth.** The model maps growth to the trend: the province preset's
   ``no_programs`` runs each window from a start like its first March (the potential moved to
   the province's urban and rural P0 of that round, as :func:`sim.analysis.hindcast.start_like`
   does for the nation) and records the same changes. With common random numbers the mean
   simulated trend ``T(g)`` is smooth in ``g``; it is simulated on a grid ``g_nat + k STEP``
   (``k = -1, 1`` first, then the grid point next to the current root on its side) until the
   observed trend falls between two neighbouring simulated points, and inverted there on the
   quadratic through them and the nearer neighbour. The standard error is the delta method's:
   ``se_raw = sqrt(se_T**2 + v_sim) / |T'(g_raw)|``, ``v_sim`` the variance of the mean
   simulated trend over seeds (pooled over the province's points).
3. **Shrinkage** (empirical Bayes; Efron & Morris 1975). The province's growth is
   ``w g_raw + (1 - w) g_nat`` with ``w = tau**2 / (tau**2 + se_raw**2)``, ``g_nat`` the
   national hindcast's growth (the prior mean) and ``tau**2`` the between-province variance of
   growth by DerSimonian & Laird's (1986) method of moments. The posterior standard error is
   ``sqrt(w se_raw**2 + (1 - w)**2 se_nat**2)``. A province without a change keeps the
   national growth, with standard error ``sqrt(tau**2 + se_nat**2)``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from sim.analysis.calibration import PRESET_PATH
from sim.data.bps import national_series, province_p0_series, provinces
from sim.model import PovertyModel
from sim.regions.catalogue import NATION, REGIONS_DIR, resolve_region
from sim.regions.shrinkage import dersimonian_laird, shrink, shrink_table
from sim.scenario import Scenario, ScenarioError, load_scenario

WINDOWS = ((2015, 2019), (2022, 2024))
"""Windows of same-season changes (first and last year), the hindcast's without 2025."""
ROUND_OFFSET = {"march": 0, "september": 6}
"""Months from a window's first March to each season's round in the same year."""
PARENTS = {
    "PAPUA SELATAN": "PAPUA",
    "PAPUA TENGAH": "PAPUA",
    "PAPUA PEGUNUNGAN": "PAPUA",
    "PAPUA BARAT DAYA": "PAPUA BARAT",
}
"""Provinces created in 2022 (Laws 14-16/2022 from Papua, 29/2022 from Papua Barat)."""
STEP = 0.01
"""Distance of the first two simulated growths from the national one (and the grid's scale)."""
BOUNDS = (-0.05, 0.15)
"""Growths searched (the hindcast's interval)."""
OUT = REGIONS_DIR / "growth.csv"
EVALUATIONS = REGIONS_DIR / "growth_evaluations.csv"
SUMMARY = REGIONS_DIR / "growth_summary.csv"


def _window_label(first: int, last: int) -> str:
    return f"{first}_{last}"


def p0_series(region: str, area: str = "total") -> pd.DataFrame:
    """BPS's P0 rounds of a province (or ``INDONESIA``: the national tables) for one area.

    Returns:
        Columns ``year``, ``round`` and ``p0`` (percent), rounds with values, in time order.
    """
    if region == NATION:
        df = national_series(area)
    else:
        df = province_p0_series(region, area)
    return df[["year", "round", "p0"]].reset_index(drop=True)


def boundary_break(province: str) -> int | None:
    """First year a province's series is on its present boundaries, if it changed in between.

    A parent of the provinces created in 2022 (PAPUA, PAPUA BARAT) is published on its old
    boundaries until the last round before its new provinces' first one: the break year is the
    first year with a figure for any of its new provinces (2024). Changes from a round before
    it to one from it on are not taken.
    """
    children = [c for c, parent in PARENTS.items() if parent == province]
    if not children:
        return None
    return int(min(p0_series(c).year.min() for c in children))


def observed_changes(region: str) -> pd.DataFrame:
    """BPS's same-season P0 changes of a region in :data:`WINDOWS`, per year.

    Returns:
        One row per pair of consecutive rounds of one season within a window and on the same
        boundaries: ``window`` (its first year), ``round``, ``year_from``, ``year_to``,
        ``month_from`` and ``month_to`` (months after the window's first March), ``change``
        (percent points a year). Empty for a province created in 2022.
    """
    series = p0_series(region)
    brk = boundary_break(region) if region != NATION else None
    rows = []
    for first, last in WINDOWS:
        for rnd, offset in ROUND_OFFSET.items():
            s = series[(series["round"] == rnd) & series.year.between(first, last)]
            years, p0 = s.year.to_numpy(), s.p0.to_numpy()
            for k in range(1, len(years)):
                y0, y1 = int(years[k - 1]), int(years[k])
                if brk is not None and y0 < brk <= y1:
                    continue
                rows.append(
                    {
                        "window": first,
                        "round": rnd,
                        "year_from": y0,
                        "year_to": y1,
                        "month_from": 12 * (y0 - first) + offset,
                        "month_to": 12 * (y1 - first) + offset,
                        "change": float(p0[k] - p0[k - 1]) / (y1 - y0),
                    }
                )
    cols = ["window", "round", "year_from", "year_to", "month_from", "month_to", "change"]
    return pd.DataFrame(rows, columns=cols)


def observed_trend(changes: pd.DataFrame) -> dict:
    """The mean change (percent points a year), its standard error and each window's mean.

    Returns:
        ``trend``, ``trend_se`` (``sd / sqrt(n)``; empty below two changes), ``n_changes`` and
        ``trend_<first>_<last>`` per window (empty where the window has no change).
    """
    c = changes.change.to_numpy()
    n = len(c)
    out = {
        "trend": float(c.mean()) if n else np.nan,
        "trend_se": float(c.std(ddof=1) / np.sqrt(n)) if n >= 2 else np.nan,
        "n_changes": n,
    }
    for first, last in WINDOWS:
        w = changes[changes.window == first].change
        out[f"trend_{_window_label(first, last)}"] = float(w.mean()) if len(w) else np.nan
    return out


def rounds_used(changes: pd.DataFrame) -> str:
    """The rounds differenced, e.g. ``"2015-2019 (8); 2022-2024 (3)"`` (changes per window)."""
    parts = []
    for first, _last in WINDOWS:
        w = changes[changes.window == first]
        if len(w):
            parts.append(f"{int(w.year_from.min())}-{int(w.year_to.max())} ({len(w)})")
    return "; ".join(parts) if parts else "none"


def start_like(sc: Scenario, region: str, year: int, base_year: int = 2024) -> Scenario:
    """``sc`` with each area's potential moved to the region's March P0 of ``year``.

    As :func:`sim.analysis.hindcast.start_like` with the region's own urban and rural series:
    ``calibration.<area>.scale`` times ``(Q(P0 base) / Q(P0 year)) ** (1 / a)``, ``Q`` the
    beta-prime quantile, the shape kept. A region preset's month-0 headcount target
    (``calibration.<area>.p0_target``, the post-stratification of ``sim.world.poststratify``)
    becomes that round's P0, so that the start measures as BPS did then (left as it was, the
    weights would pull the start back to March 2024). An area without both rounds (DKI
    Jakarta's rural area) or at 0 or 100 percent is left as it is.
    """
    updates = {}
    for area in ("urban", "rural"):
        s = p0_series(region, area)
        march = s[s["round"] == "march"].set_index("year").p0 / 100.0
        if base_year not in march.index or year not in march.index:
            continue
        p_base, p_then = float(march[base_year]), float(march[year])
        if not (0 < p_base < 1 and 0 < p_then < 1):
            continue
        d = getattr(sc.calibration, area)
        ratio = stats.betaprime.ppf(p_base, d.p, d.q) / stats.betaprime.ppf(p_then, d.p, d.q)
        update = {"scale": d.scale * float(ratio) ** (1.0 / d.a)}
        if d.p0_target is not None:
            update["p0_target"] = p_then
        updates[area] = d.model_copy(update=update)
    return sc.model_copy(update={"calibration": sc.calibration.model_copy(update=updates)})


def simulated_changes(
    region: str,
    growth: float,
    changes: pd.DataFrame,
    seeds: int,
    households: int,
    base: str = "no_programs",
) -> np.ndarray:
    """Each seed's simulated change of each observed one (percent points a year) at ``growth``.

    Args:
        region: A province (its preset) or ``INDONESIA``.
        growth: Annual real growth of earnings (``income.growth_annual``).
        changes: :func:`observed_changes` of the region.
        seeds: Runs per window, seeds 0 .. seeds - 1 (common random numbers across growths).
        households: Simulated households per run.
        base: The scenario simulated.

    Returns:
        Array ``(seeds, len(changes))``.
    """
    out = np.zeros((seeds, len(changes)))
    for first, _last in WINDOWS:
        rows = (changes.window == first).to_numpy()
        if not rows.any():
            continue
        m = changes[rows]
        sc = load_scenario(
            base,
            overrides={
                "region": region,
                "population.households": households,
                "months": int(m.month_to.max()),
                "income.growth_annual": growth,
            },
        )
        sc = start_like(sc, region, first)
        span = (m.year_to - m.year_from).to_numpy()
        for seed in range(seeds):
            p0 = PovertyModel(sc, rng=seed).run().timeseries().p0.to_numpy() * 100.0
            out[seed, rows] = (p0[m.month_to.to_numpy()] - p0[m.month_from.to_numpy()]) / span
    return out


def national_prior() -> tuple[float, float]:
    """The national hindcast's growth and standard error, as the national preset records them.

    Returns:
        ``(growth, se)``: ``income.growth_annual`` of ``no_programs`` in INDONESIA and the
        standard error on the preset's line ``growth_annual = ... (se ...)``.

    Raises:
        ValueError: When the preset has no such line (re-run ``python -m sim.calibrate``).
    """
    growth = load_scenario("no_programs").income.growth_annual
    hit = re.search(r"growth_annual = [-0-9.]+ \(se ([0-9.]+)\)", PRESET_PATH.read_text())
    if hit is None:
        raise ValueError(f"{PRESET_PATH}: no line 'growth_annual = ... (se ...)' of the hindcast")
    return float(growth), float(hit.group(1))


def _interp(points: pd.DataFrame, g: float) -> tuple[float, float]:
    """The simulated trend at ``g`` and its slope in ``g`` (points a year per unit of growth).

    Between two simulated growths (or beyond the outermost two) the map is the quadratic
    through them and the nearer of their neighbours (the line through them where there are only
    two points): it follows the map's curvature without a slope from two points too close.
    """
    p = points.sort_values("growth")
    gs, ts = p.growth.to_numpy(), p.sim_trend.to_numpy()
    k = int(np.clip(np.searchsorted(gs, g), 1, len(gs) - 1))  # the interval [k - 1, k]
    idx = [k - 1, k]
    if len(gs) >= 3:
        left, right = k - 2, k + 1
        if right >= len(gs) or (left >= 0 and gs[k - 1] - gs[left] <= gs[right] - gs[k]):
            idx.insert(0, left)
        else:
            idx.append(right)
    coef = np.polyfit(gs[idx] - g, ts[idx], len(idx) - 1)
    return float(coef[-1]), float(coef[-2])


def _root(points: pd.DataFrame, target: float) -> float:
    """The growth at which :func:`_interp`'s map equals ``target`` (clipped to :data:`BOUNDS`).

    Within the interval of simulated growths whose trends straddle the target the root is
    exact (Brent's method); beyond them it is the outermost line's extrapolation.
    """
    p = points.sort_values("growth")
    gs, ts = p.growth.to_numpy(), p.sim_trend.to_numpy()
    for k in range(1, len(gs)):
        if (ts[k - 1] - target) * (ts[k] - target) <= 0:
            return float(optimize.brentq(lambda g: _interp(p, g)[0] - target, gs[k - 1], gs[k]))
    end = (0, 1) if abs(ts[0] - target) < abs(ts[-1] - target) else (-2, -1)
    slope = (ts[end[1]] - ts[end[0]]) / (gs[end[1]] - gs[end[0]])
    g = gs[end[0]] + (target - ts[end[0]]) / slope if slope < 0 else gs[end[0]]
    return float(np.clip(g, *BOUNDS))


@dataclass(frozen=True)
class RegionFit:
    """One region's observed trend, raw growth and the simulated points behind it."""

    row: dict
    evaluations: pd.DataFrame


def fit_region(
    region: str,
    prior: float,
    seeds: int = 4,
    households: int = 40_000,
    max_points: int = 6,
) -> RegionFit:
    """A region's observed trend and raw growth (steps 1 and 2 of the module's method).

    Args:
        region: A province's canonical name or ``INDONESIA``.
        prior: The national growth (first points at ``prior +- STEP``).
        seeds: Runs per window and growth.
        households: Simulated households per run.
        max_points: Most growths simulated.

    Returns:
        The row (observed trends, ``growth_raw``, ``growth_raw_se``, ``sim_slope``,
        ``trend_at_national``, ``note``) and every simulated point: ``region``, ``growth``,
        ``window`` (``all`` or ``<first>_<last>``), ``sim_trend`` (mean over seeds) and
        ``sim_var`` (variance of that mean over seeds).
    """
    changes = observed_changes(region)
    row = {"province": region, "rounds_used": rounds_used(changes), **observed_trend(changes)}
    row |= {"growth_raw": np.nan, "growth_raw_se": np.nan, "sim_slope": np.nan}
    row |= {"trend_at_national": np.nan, "note": ""}
    if region in PARENTS:
        row["note"] = (
            f"created in 2022 from {PARENTS[region]}: no same-season pair on its boundaries "
            "(BPS from March 2024); the national growth"
        )
        return RegionFit(row, pd.DataFrame())
    brk = boundary_break(region) if region != NATION else None
    if brk is not None:
        row["note"] = (
            f"boundaries before the 2022 split (rounds to March {brk - 1}); "
            f"no change across {brk - 1}-{brk}"
        )
    if len(changes) < 2:
        row["note"] = (row["note"] + "; " if row["note"] else "") + "fewer than two changes"
        return RegionFit(row, pd.DataFrame())
    target = row["trend"]
    evals: list[dict] = []

    def evaluate(g: float) -> None:
        sims = simulated_changes(region, g, changes, seeds, households)
        per_seed = sims.mean(axis=1)
        evals.append(
            {
                "region": region,
                "growth": g,
                "window": "all",
                "sim_trend": float(per_seed.mean()),
                "sim_var": float(per_seed.var(ddof=1) / seeds) if seeds > 1 else np.nan,
            }
        )
        for first, last in WINDOWS:
            cols = (changes.window == first).to_numpy()
            if cols.any():
                w = sims[:, cols].mean(axis=1)
                evals.append(
                    {
                        "region": region,
                        "growth": g,
                        "window": _window_label(first, last),
                        "sim_trend": float(w.mean()),
                        "sim_var": float(w.var(ddof=1) / seeds) if seeds > 1 else np.nan,
                    }
                )

    # growths on a grid prior + k STEP: first k = -1 and 1, then the grid point nearest the
    # root on its side, until the root lies between two neighbouring simulated grid points
    done = set()
    for k in (-1, 1):
        evaluate(prior + k * STEP)
        done.add(k)
    while True:
        points = pd.DataFrame(evals)
        g = _root(points[points.window == "all"], target)
        k_lo = int(np.floor((g - prior) / STEP + 1e-9))
        need = [k for k in (k_lo, k_lo + 1) if k not in done]
        if not need or len(done) >= max_points or g in BOUNDS:
            break
        k = min(need, key=lambda j: abs(prior + j * STEP - g))
        evaluate(prior + k * STEP)
        done.add(k)
    points = pd.DataFrame(evals)
    allp = points[points.window == "all"]
    t_g, slope = _interp(allp, g)
    v_sim = float(allp.sim_var.mean())
    row["trend_at_national"] = _interp(allp, prior)[0]
    row["sim_slope"] = slope
    if slope >= 0:
        row["note"] = (row["note"] + "; " if row["note"] else "") + "simulated trend not falling"
        return RegionFit(row, points)
    row["growth_raw"] = g
    row["growth_raw_se"] = float(np.sqrt(row["trend_se"] ** 2 + v_sim) / abs(slope))
    if g in BOUNDS:
        row["note"] = (row["note"] + "; " if row["note"] else "") + f"at the search bound {g}"
    return RegionFit(row, points)


def _fit_one(args: tuple) -> RegionFit:
    region, prior, seeds, households = args
    return fit_region(region, prior, seeds=seeds, households=households)


COLUMNS = [
    "province", "rounds_used", "n_changes", "trend_2015_2019", "trend_2022_2024", "trend",
    "trend_se", "trend_at_national", "sim_slope", "growth_raw", "growth_raw_se", "weight",
    "growth", "growth_se", "note",
]  # fmt: skip
"""Columns of ``growth.csv`` (trends in percent points a year, growth a yearly fraction)."""


def fit_all(
    regions: list[str], seeds: int = 4, households: int = 40_000, workers: int = 2
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Fit every region (in parallel), shrink, and return the table, the points and the summary.

    ``INDONESIA`` in ``regions`` is fitted as a check of the method (its raw growth against the
    hindcast's) and left out of the table and of tau.
    """
    prior, prior_se = national_prior()
    jobs = [(r, prior, seeds, households) for r in regions]
    if workers > 1:
        import multiprocessing

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as ex:
            fits = list(ex.map(_fit_one, jobs))
    else:
        fits = [_fit_one(j) for j in jobs]
    rows = [f.row for f in fits if f.row["province"] != NATION]
    nation = [f.row for f in fits if f.row["province"] == NATION]
    points = pd.concat([f.evaluations for f in fits if len(f.evaluations)], ignore_index=True)
    table, summary = shrink_table(pd.DataFrame(rows), prior, prior_se)
    if nation:
        summary["nation_raw"] = nation[0]["growth_raw"]
        summary["nation_raw_se"] = nation[0]["growth_raw_se"]
    summary |= aggregate_check(table, points, prior)
    summary |= {"seeds": seeds, "households": households}
    return table[COLUMNS], points, summary


def persons(province: str) -> float:
    """A province's persons in March 2024 (thousands): BPS's poor persons over its P0."""
    row = provinces("march", "total").set_index("province").loc[province]
    return float(row.poor_thousands / row.p0 * 100.0)


def aggregate_check(table: pd.DataFrame, points: pd.DataFrame, prior: float) -> dict:
    """The provinces with a raw fit taken together, weighted by persons (not used by the fit).

    Returns:
        ``agg_share`` (their share of the nation's persons), ``agg_trend`` (their weighted
        observed trend, points a year), ``agg_trend_at_national`` (their presets' weighted
        simulated trend at the national growth) and ``agg_growth`` (the one growth at which
        their weighted simulated trend equals the observed one: the national growth as the
        provinces' presets would fit it; empty when not found in :data:`BOUNDS`).
    """
    fitted = table[table.growth_raw.notna()]
    if fitted.empty:
        return {}
    share = np.array([persons(p) for p in fitted.province])
    total = sum(persons(p) for p in _provinces())
    s = share / share.sum()
    maps = [points[(points.region == p) & (points.window == "all")] for p in fitted.province]

    def sim(g: float) -> float:
        return float(sum(si * _interp(m, g)[0] for si, m in zip(s, maps, strict=True)))

    observed = float((s * fitted.trend.to_numpy()).sum())
    lo, hi = prior - 3 * STEP, prior + 3 * STEP
    try:
        g_agg = float(optimize.brentq(lambda g: sim(g) - observed, lo, hi))
    except ValueError:
        g_agg = float("nan")
    return {
        "agg_share": float(share.sum() / total),
        "agg_trend": observed,
        "agg_trend_at_national": sim(prior),
        "agg_growth": g_agg,
    }


def leave_one_window_out(table: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Each window's trend predicted from growth fitted to the other window alone.

    For each direction, every province with at least three changes in the fitting window gets a
    raw growth from that window's observed trend (its simulated map, se ``sd / sqrt(n)`` over
    the window's slope), shrunk to the national growth with that window's own tau; each growth
    (national, raw, shrunk) predicts the other window's trend through its simulated map.

    Returns:
        One row per direction and predictor: ``fit``, ``predict`` (windows), ``predictor``,
        ``provinces``, ``rmse`` and ``mean_error`` (observed minus predicted, points a year).
    """
    prior, prior_se = national_prior()
    labels = [_window_label(*w) for w in WINDOWS]
    out = []
    for fit_w, pred_w in ((labels[0], labels[1]), (labels[1], labels[0])):
        rows = []
        for r in table.itertuples():
            p = points[points.region == r.province]
            if p.empty:
                continue
            ch = observed_changes(r.province)
            cf = ch[ch.window == int(fit_w[:4])].change
            cp = ch[ch.window == int(pred_w[:4])].change
            if len(cf) < 3 or len(cp) < 1:
                continue
            pf = p[p.window == fit_w]
            g = _root(pf, float(cf.mean()))
            _, slope = _interp(pf, g)
            if slope >= 0:
                continue
            se = float(cf.std(ddof=1) / np.sqrt(len(cf)) / abs(slope))
            rows.append({"province": r.province, "raw": g, "se": se, "observed": cp.mean()})
        if len(rows) < 3:
            continue
        d = pd.DataFrame(rows)
        tau2, _, _ = dersimonian_laird(d.raw.to_numpy(), d.se.to_numpy())
        _, d["shrunk"], _ = shrink(d.raw.to_numpy(), d.se.to_numpy(), prior, tau2, prior_se)
        d["national"] = prior
        for predictor in ("national", "raw", "shrunk"):
            pred = np.array(
                [
                    _interp(points[(points.region == x.province) & (points.window == pred_w)],
                            getattr(x, predictor))[0]
                    for x in d.itertuples()
                ]
            )  # fmt: skip
            err = d.observed.to_numpy() - pred
            out.append(
                {
                    "fit": fit_w.replace("_", "-"),
                    "predict": pred_w.replace("_", "-"),
                    "predictor": predictor,
                    "provinces": len(d),
                    "tau": float(np.sqrt(tau2)),
                    "rmse": float(np.sqrt((err**2).mean())),
                    "mean_error": float(err.mean()),
                }
            )
    return pd.DataFrame(out)


def write(table: pd.DataFrame, points: pd.DataFrame, summary: dict) -> None:
    """Write ``growth.csv``, the simulated points and the summary (``key,value`` rows)."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT, index=False, float_format="%.6g", lineterminator="\n")
    points.to_csv(EVALUATIONS, index=False, float_format="%.6g", lineterminator="\n")
    pd.DataFrame({"key": list(summary), "value": list(summary.values())}).to_csv(
        SUMMARY, index=False, float_format="%.6g", lineterminator="\n"
    )


def read() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """``growth.csv``, the simulated points and the summary, as :func:`write` left them."""
    summary = pd.read_csv(SUMMARY).set_index("key").value.astype(float).to_dict()
    return pd.read_csv(OUT), pd.read_csv(EVALUATIONS), summary


def _f(x: float, digits: int) -> str:
    return "" if not np.isfinite(x) else f"{x:.{digits}f}"


def growth_markdown() -> str:
    """The table of ``growth.csv`` and a summary, as markdown for ``docs/regions.md``."""
    table, points, s = read()
    lines = [
        "| province | rounds (changes) | trend 2015-19 | trend 2022-24 | trend (se) | "
        "at national g | raw growth (se) | weight | growth (se) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.province} | {r.rounds_used} | {_f(r.trend_2015_2019, 2)} | "
            f"{_f(r.trend_2022_2024, 2)} | "
            + (f"{r.trend:.2f} ({r.trend_se:.2f})" if np.isfinite(r.trend_se) else "")
            + f" | {_f(r.trend_at_national, 2)} | "
            + (f"{r.growth_raw:.4f} ({r.growth_raw_se:.4f})" if np.isfinite(r.growth_raw) else "")
            + f" | {r.weight:.2f} | {r.growth:.4f} ({r.growth_se:.4f}) |"
        )
    moved = table.assign(d=table.growth - s["prior"]).sort_values("d")
    lowo = leave_one_window_out(table, points)
    text = [
        "Trends are BPS's same-season changes of P0 (percent points a year, negative: falling);",
        "'at national g' is the trend the province's preset simulates at the national growth.",
        f"Prior (national hindcast): {s['prior']:.4f} (se {s['prior_se']:.4f}). "
        f"Between-province sd of growth (DerSimonian-Laird) tau = {s['tau']:.4f}; "
        f"random-effects mean of the raw growths {s['mean_raw']:.4f} "
        f"(se {s['mean_raw_se']:.4f}), {int(s['provinces_fitted'])} provinces with a raw fit.",
        f"Shrunk growth ranges from {table.growth.min():.4f} ({moved.province.iloc[0]}) to "
        f"{table.growth.max():.4f} ({moved.province.iloc[-1]}); weights "
        f"{table.weight[table.growth_raw.notna()].min():.2f}-{table.weight.max():.2f}.",
    ]
    if "nation_raw" in s and np.isfinite(s["nation_raw"]):
        text.append(
            f"Check of the method: on the national series (same windows) it gives "
            f"{s['nation_raw']:.4f} (se {s['nation_raw_se']:.4f}) against the hindcast's "
            f"{s['prior']:.4f}."
        )
    if "agg_growth" in s:
        text.append(
            f"Taken together (weighted by persons; {100 * s['agg_share']:.0f}% of the nation), "
            f"the fitted provinces fell {-s['agg_trend']:.3f} points a year; their presets at "
            f"the national growth fall {-s['agg_trend_at_national']:.3f}, and one growth "
            f"common to them all that matches their joint trend is {s['agg_growth']:.4f}."
        )
    text.append(
        f"Simulation: {int(s['households']):,} households x {int(s['seeds'])} seeds per window "
        "and growth (common random numbers)."
    )
    if len(lowo):
        text += ["", "Leave one window out (not used by the fit): RMSE of the other window's "
                 "trend, points a year:", "",
                 "| fitted on | predicts | provinces | tau | national | raw | shrunk |",
                 "|---|---|---:|---:|---:|---:|---:|"]  # fmt: skip
        for (fw, pw), grp in lowo.groupby(["fit", "predict"], sort=False):
            r = grp.set_index("predictor").rmse
            text.append(
                f"| {fw} | {pw} | {int(grp.provinces.iloc[0])} | {grp.tau.iloc[0]:.4f} | "
                f"{r['national']:.3f} | {r['raw']:.3f} | {r['shrunk']:.3f} |"
            )
    return "\n".join(lines) + "\n\n" + "\n".join(text) + "\n"


def _provinces() -> list[str]:
    return [p for p in provinces("march", "total").province if p != NATION]


def main(argv: list[str] | None = None) -> int:
    """Command line: fit every province's growth and write ``scenarios/regions/growth.csv``."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.regions.growth", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--region", action="append", help="only these regions (repeatable)")
    parser.add_argument("--households", type=int, default=40_000, help="households per run")
    parser.add_argument("--seeds", type=int, default=4, help="runs per window and growth")
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--markdown", action="store_true", help="print the docs fragment only")
    args = parser.parse_args(argv)
    if args.households < 1_000:
        parser.error(f"--households: at least 1,000 households, got {args.households}")
    if args.seeds < 2:
        parser.error(f"--seeds: at least 2 runs (the simulation's variance), got {args.seeds}")
    if args.workers < 1:
        parser.error(f"--workers: at least 1, got {args.workers}")
    if args.markdown:
        if not (OUT.exists() and SUMMARY.exists()):
            print(f"{OUT}: not written yet (run python -m sim.regions.growth)", file=sys.stderr)
            return 2
        print(growth_markdown())
        return 0
    try:
        names = [resolve_region(r).name for r in args.region] if args.region else _provinces()
    except KeyError as e:
        print(f"--region: {e}", file=sys.stderr)
        return 2
    bad = [n for n in names if n != NATION and resolve_region(n).level != "province"]
    if bad:
        print(f"--region: provinces only (or INDONESIA), got {', '.join(bad)}", file=sys.stderr)
        return 2
    missing = [n for n in names if n != NATION and n not in PARENTS
               and not resolve_region(n).preset.exists()]  # fmt: skip
    if missing:
        print(f"--region: no preset yet for {', '.join(missing)} "
              "(python -m sim.calibrate --region NAME)", file=sys.stderr)  # fmt: skip
        return 2
    if NATION not in names:
        names.append(NATION)
    t0 = time.perf_counter()
    try:
        table, points, summary = fit_all(names, args.seeds, args.households, args.workers)
    except ScenarioError as e:
        print(e, file=sys.stderr)
        return 2
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    write(table, points, summary)
    print(growth_markdown())
    print(f"wrote {OUT}, {EVALUATIONS.name} and {SUMMARY.name} in {summary['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

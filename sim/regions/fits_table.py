"""``scenarios/regions/fits.csv``: one row per fitted region, targets against the fit.

Written by ``python -m sim.calibrate --region/--provinces/--districts/--all`` after each region
is fitted (rows of other regions are kept; a refitted region's row is replaced), in the
catalogue's order. P0, P1 and P2 are in percent (BPS's units), the Gini 0-1, lines rupiah per
capita per month (March 2024), persons and households real ones. Columns:

- the region: ``name``, ``level``, ``province``, ``district``, ``code``, ``preset``;
- BPS March 2024 (``bps_*``): total ``p0``, ``p1``, ``p2``, ``gini``, ``line`` and per area
  (``bps_p0_urban``...; a kabupaten/kota: its total figures on both), ``urban_share``,
  ``persons``, ``households``, ``assumptions`` (``;``-separated);
- the GB2 (``gb2_*``): per area ``a``, ``scale``, ``p``, ``q``, its ``p0``, ``p1``, ``p2``,
  ``gini`` and the fit's ``cost`` (below 1: within tolerance on all four), and the total
  ``gb2_p0``, ``gb2_p1``, ``gb2_p2`` of the mixture;
- the potential: ``correction_gap`` (last largest gap, log points) and the fit's settings;
- month 0 as surveyed (``m0_*``, 20,000 households, mean of seeds 0-2) with the
  post-stratification and before it (``raw_*``), the poor's and non-poor's weight factors,
  residuals ``res_*`` = model - BPS (``res_p0``, ``res_p1``, ``res_p2``, ``res_gini``,
  ``res_raw_p0``, ``res_raw_p1``);
- validation, not fitted (provinces): ``sep_p0`` after six months against ``bps_sep_p0``
  (September 2024), ``res_sep_p0``;
- ``growth``, ``growth_source``, ``seconds`` (fit and check).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from sim.analysis.calibration import AREAS, PARAMS
from sim.regions.catalogue import REGIONS_DIR, catalogue
from sim.regions.fit import CHECK_SEEDS, RegionFit, september_p0
from sim.regions.targets import RegionTargets

FITS_PATH = REGIONS_DIR / "fits.csv"


def check_columns(t: RegionTargets, c: dict[str, float]) -> dict[str, object]:
    """The columns of the month-0 check (:func:`sim.regions.fit.month0_check`) and residuals."""
    row: dict[str, object] = {}
    for prefix in ("m0", "raw"):
        for m in ("p0", "p1", "p2", "gini"):
            row[f"{prefix}_{m}"] = c.get(f"{prefix}_{m}", math.nan)
        for a in AREAS:
            for m in ("p0", "p1"):
                row[f"{prefix}_{m}_{a}"] = c.get(f"{prefix}_{m}_{a}", math.nan)
    for a in AREAS:
        row[f"poor_factor_{a}"] = c.get(f"poor_factor_{a}", math.nan)
        row[f"nonpoor_factor_{a}"] = c.get(f"nonpoor_factor_{a}", math.nan)
    bps = {m: 100 * t.total[m] for m in ("p0", "p1", "p2")} | {"gini": t.total["gini"]}
    for m in ("p0", "p1", "p2", "gini"):
        row[f"res_{m}"] = float(row[f"m0_{m}"]) - bps[m]  # type: ignore[arg-type]
    for m in ("p0", "p1"):
        row[f"res_raw_{m}"] = float(row[f"raw_{m}"]) - bps[m]  # type: ignore[arg-type]
    row["sep_p0"] = c.get("sep_p0", math.nan)
    row["bps_sep_p0"] = september_p0(t.region)
    row["res_sep_p0"] = float(row["sep_p0"]) - float(row["bps_sep_p0"])  # type: ignore[arg-type]
    return row


def fit_row(fit: RegionFit, seconds: float) -> dict[str, object]:
    """The fits table's row of one fitted and checked region."""
    t, r = fit.targets, fit.targets.region
    row: dict[str, object] = {
        "name": r.name,
        "level": r.level,
        "province": r.province,
        "district": r.district,
        "code": r.code,
        "preset": str(r.preset.relative_to(REGIONS_DIR.parent.parent)) if r.preset else "",
    }
    for m in ("p0", "p1", "p2"):
        row[f"bps_{m}"] = 100 * t.total[m]
    row["bps_gini"] = t.total["gini"]
    row["bps_line"] = t.total["line"]
    for a in AREAS:
        for m in ("p0", "p1", "p2"):
            row[f"bps_{m}_{a}"] = 100 * t.area[a][m]
        row[f"bps_gini_{a}"] = t.area[a]["gini"]
        row[f"bps_line_{a}"] = t.lines[a]
    row["urban_share"] = t.urban_share
    row["persons"] = round(t.persons)
    row["households"] = round(t.households)
    row["assumptions"] = "; ".join(t.assumptions)
    for a in AREAS:
        for k, v in zip(PARAMS, fit.params[a], strict=True):
            row[f"gb2_{k}_{a}"] = v
        for m in ("p0", "p1", "p2"):
            row[f"gb2_{m}_{a}"] = 100 * fit.gb2[a][m]
        row[f"gb2_gini_{a}"] = fit.gb2[a]["gini"]
        row[f"gb2_cost_{a}"] = fit.cost[a]
    for m in ("p0", "p1", "p2"):
        row[f"gb2_{m}"] = 100 * fit.gb2["total"][m]
    row["correction_gap"] = fit.gaps[-1]
    row["correction_lowest_knot"] = fit.knot
    row["correction_fit"] = (
        f"{fit.settings['iterations']} x {fit.settings['households']} x {fit.settings['seeds']}"
    )
    row["check_seeds"] = f"{CHECK_SEEDS[0]}-{CHECK_SEEDS[-1]}"
    row.update(check_columns(t, fit.check))
    row["growth"] = fit.growth
    row["growth_source"] = fit.growth_source
    row["seconds"] = seconds
    return row


def read_fits(path: Path = FITS_PATH) -> list[dict[str, str]]:
    """The rows of the fits table (strings, as written); empty when there is none."""
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def update_columns(updates: dict[str, dict[str, object]], path: Path = FITS_PATH) -> None:
    """Set some columns of regions already in the fits table (growth, a new check)."""
    rows = read_fits(path)
    known = {r["name"] for r in rows}
    missing = sorted(set(updates) - known)
    if missing:
        raise KeyError(f"not in {path.name}: {'; '.join(missing)}")
    full = [{**r, **updates.get(r["name"], {})} for r in rows]
    update_fits(full, path)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.6g}"
    return str(value)


def update_fits(rows: list[dict[str, object]], path: Path = FITS_PATH) -> None:
    """Put ``rows`` into the fits table (replacing those regions' rows), atomically.

    Rows are kept in the catalogue's order; columns are the union, new rows' first.
    """
    old = {r["name"]: r for r in read_fits(path)}
    new = {str(r["name"]): {k: _cell(v) for k, v in r.items()} for r in rows}
    merged = {**old, **new}
    order = {r.name: i for i, r in enumerate(catalogue())}
    names = sorted(merged, key=lambda n: order.get(n, len(order)))
    columns: list[str] = []
    for r in [*new.values(), *old.values()]:
        columns += [k for k in r if k not in columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for n in names:
            w.writerow({k: merged[n].get(k, "") for k in columns})
    tmp.replace(path)

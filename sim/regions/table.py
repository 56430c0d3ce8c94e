"""``sim.regions()``: every region with its BPS figures, its preset and its fit residuals.

One row per region of :func:`sim.regions.catalogue.catalogue` (the nation, the nation by
province, 38 provinces, 514 kabupaten/kota), in that order, from the BPS tables the package
ships (``sim/data/``) and the fits table ``scenarios/regions/fits.csv`` (empty where a region
has not been fitted). pandas is imported when the function is called, not with ``sim``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.regions.catalogue import REGIONS_DIR, catalogue

if TYPE_CHECKING:
    import pandas as pd

FITS_PATH = REGIONS_DIR / "fits.csv"

FIT_COLUMNS = (
    "urban_share",
    "persons",
    "households",
    "m0_p0",
    "m0_p1",
    "m0_p2",
    "m0_gini",
    "raw_p0",
    "raw_p1",
    "res_p0",
    "res_p1",
    "res_p2",
    "res_gini",
    "res_raw_p0",
    "res_raw_p1",
    "poor_factor_urban",
    "poor_factor_rural",
    "sep_p0",
    "bps_sep_p0",
    "res_sep_p0",
    "growth",
)
"""Columns taken from the fits table (``sim.regions.fits_table`` documents them)."""


def regions() -> pd.DataFrame:
    """Every region: names, BPS March 2024 figures, preset and fit residuals.

    Returns:
        One row per region with columns ``name`` (the value of a scenario's ``region``),
        ``level`` (``nation``, ``province``, ``district``), ``province``, ``district``,
        ``code`` (BPS code of the province; ``9999`` the nation), ``p0``, ``p1``, ``p2``
        (percent, total area, BPS March 2024), ``gini`` (0-1; provinces and the nation only),
        ``poverty_line`` (rupiah per capita per month), ``poor_thousands`` (provinces and the
        nation), ``preset`` (path of the preset file; empty for the nation by province) and
        ``fitted`` (whether the preset exists), then the fits table's columns
        (:data:`FIT_COLUMNS`: month-0 figures in percent, residuals model - BPS in points,
        poor-weight factors, the September 2024 validation, growth), NaN where not fitted.
    """
    import pandas as pd

    from sim.data.bps import districts, provinces

    prov = provinces("march", "total").set_index("province")
    dist = districts().set_index(["province", "district"])
    rows = []
    for r in catalogue():
        row: dict[str, object] = {
            "name": r.name,
            "level": r.level,
            "province": r.province,
            "district": r.district,
            "code": r.code,
        }
        if r.level == "district":
            d = dist.loc[(r.province, r.district)]
            row.update(p0=d["p0"], p1=d["p1"], p2=d["p2"], poverty_line=d["poverty_line"])
        else:
            p = prov.loc[r.province or "INDONESIA"]
            row.update(
                p0=p["p0"], p1=p["p1"], p2=p["p2"], gini=p["gini"],
                poverty_line=p["poverty_line"], poor_thousands=p["poor_thousands"],
            )  # fmt: skip
        if r.preset is not None:
            row["preset"] = str(r.preset)
            row["fitted"] = r.preset.is_file()
        elif r.level == "nation" and r.slug == "indonesia":
            from sim.scenario.files import PACKAGE_SCENARIOS

            path = PACKAGE_SCENARIOS / "presets" / "indonesia_2024.toml"
            row["preset"], row["fitted"] = str(path), path.is_file()
        else:
            row["preset"], row["fitted"] = "", False
        rows.append(row)
    out = pd.DataFrame(rows)
    if FITS_PATH.is_file():
        fits = pd.read_csv(FITS_PATH)
        keep = ["name", *[c for c in FIT_COLUMNS if c in fits.columns]]
        out = out.merge(fits[keep], on="name", how="left")
    for c in FIT_COLUMNS:
        if c not in out.columns:
            out[c] = float("nan")
    growth_path = FITS_PATH.with_name("growth.csv")
    if growth_path.is_file():  # the presets' growth (python -m sim.regions.growth), by province
        g = pd.read_csv(growth_path).set_index("province")["growth"]
        fitted = out["fitted"].fillna(False).astype(bool) & out["province"].isin(g.index)
        out.loc[fitted, "growth"] = out.loc[fitted, "province"].map(g)
    return out

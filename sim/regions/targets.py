"""What a region's preset is fitted to: BPS March 2024 figures and the stated assumptions.

A **province** (``provinces_2024.csv``, March 2024) has, per area (urban, rural), P0, P1, P2,
the Gini and the poverty line; each area's GB2 is fitted to its own four figures at its own
line. Where an area's Gini is not published the nearest published level stands in (the
province's total Gini, else the national Gini of that area), and the preset says so. DKI
Jakarta has no rural area: every household is urban, and the rural tables of the preset copy
the urban ones (unused). The urban share of persons ``s`` is the one implied by the published
indices: the least-squares solution of ``total = s * urban + (1 - s) * rural`` over P0, P1 and
P2, bounded to [0.02, 0.98]. Persons represented are ``poor_thousands * 1000 / (P0 / 100)``;
households, persons over the national Susenas household sizes by area (no provincial table of
household size is shipped: an assumption).

A **kabupaten/kota** (``districts_2024.csv``) has total-area P0, P1, P2 and its line only. It is
modelled as one distribution: both areas get the same GB2, fitted to the district's P0, P1, P2
and its province's total Gini (assumption), both lines are the district's line, and the urban
share and sub-districts are its province's (assumption). Persons represented are BPS's 2024
population of the kabupaten/kota (``sim.data.bps.district_population``), households those
persons over the national household sizes at the province's urban share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.analysis.calibration import AREAS, Target
from sim.data.bps import district_population, districts, provinces
from sim.regions.catalogue import Region, resolve_region
from sim.scenario import Scenario

TOLERANCE = {"p0": 0.0004, "p1": 0.0003, "p2": 0.0001, "gini": 0.003}
"""Tolerances of the fit, as the national fit's (fractions; ``sim.analysis.calibration``)."""
SHARE_BOUNDS = (0.02, 0.98)
"""Bounds of the urban share implied by the published indices (share of persons)."""
MEASURES = ("p0", "p1", "p2", "gini")


@dataclass
class RegionTargets:
    """BPS March 2024 figures of one region and the assumptions of its preset.

    Attributes:
        region: The region.
        area: Per area, ``{"p0", "p1", "p2"}`` (fractions) and ``"gini"`` (0-1) fitted.
        lines: Poverty line per area (rupiah per capita per month, March 2024).
        total: Total-area ``p0``, ``p1``, ``p2`` (fractions), ``gini`` and ``line``.
        urban_share: Share of persons urban.
        persons: Persons represented (real persons).
        households: Households represented (real households).
        subdistricts: Sub-districts simulated.
        urban_subdistricts: Of which urban.
        all_urban: No rural area (DKI Jakarta and its districts).
        assumptions: What the preset assumes where BPS publishes nothing (one line each).
    """

    region: Region
    area: dict[str, dict[str, float]]
    lines: dict[str, float]
    total: dict[str, float]
    urban_share: float
    persons: float
    households: float
    subdistricts: int
    urban_subdistricts: int
    all_urban: bool = False
    assumptions: list[str] = field(default_factory=list)

    def wanted(self, area: str) -> list[Target]:
        """The targets of one area's GB2, P0, P1, P2 and Gini in that order."""
        src = f"BPS March 2024, {self.region.name}"
        return [Target(f"{m}_{area}", self.area[area][m], TOLERANCE[m], src) for m in MEASURES]


def implied_urban_share(urban: list[float], rural: list[float], total: list[float]) -> float:
    """The urban share of persons implied by area and total indices, bounded.

    Least squares of ``total = s * urban + (1 - s) * rural`` over the indices given (P0, P1,
    P2), bounded to :data:`SHARE_BOUNDS`.

    Returns:
        The share, or NaN when urban and rural indices are equal (no information).
    """
    u, r, t = (np.asarray(x, dtype=float) for x in (urban, rural, total))
    d = u - r
    if float(d @ d) < 1e-12:
        return float("nan")
    return float(np.clip(((t - r) @ d) / (d @ d), *SHARE_BOUNDS))


def _province_rows(name: str) -> dict[str, dict]:
    return {
        area: provinces("march", area).set_index("province").loc[name].to_dict()
        for area in ("urban", "rural", "total")
    }


def _subdistricts(share: float, all_urban: bool) -> tuple[int, int]:
    n = Scenario().population.subdistricts
    if all_urban:
        return n, n
    return n, int(np.clip(round(share * n), 1, n - 1))


def province_targets(region: Region) -> RegionTargets:
    """The targets and assumptions of a province's preset (module docstring)."""
    rows = _province_rows(region.province)
    national = {a: provinces("march", a).set_index("province").loc["INDONESIA"] for a in AREAS}
    pop = Scenario().population
    notes: list[str] = []
    all_urban = bool(np.isnan(rows["rural"]["p0"]))
    area: dict[str, dict[str, float]] = {}
    lines: dict[str, float] = {}
    for a in AREAS:
        row = rows[a] if not (all_urban and a == "rural") else rows["urban"]
        area[a] = {m: round(float(row[m]) / 100.0, 8) for m in ("p0", "p1", "p2")}
        gini = row["gini"]
        if np.isnan(gini):
            total_gini = rows["total"]["gini"]
            gini = total_gini if not np.isnan(total_gini) else float(national[a]["gini"])
            src = "the province's total" if not np.isnan(total_gini) else "the national " + a
            notes.append(f"{a} Gini not published: {src} Gini {gini:.3f} stands in")
        area[a]["gini"] = float(gini)
        lines[a] = float(row["poverty_line"])
    t = rows["total"]
    if all_urban:
        share = 1.0
        notes.append(
            "no rural area (BPS publishes none): every household urban; the rural tables "
            "copy the urban ones and are unused"
        )
    else:
        share = implied_urban_share(
            [rows["urban"][m] for m in ("p0", "p1", "p2")],
            [rows["rural"][m] for m in ("p0", "p1", "p2")],
            [t[m] for m in ("p0", "p1", "p2")],
        )
        if np.isnan(share):
            share = pop.urban_person_share
            notes.append(f"urban share: area indices equal, national {share:.3f} used")
    persons = float(t["poor_thousands"]) * 1000.0 / (float(t["p0"]) / 100.0)
    households = persons * (share / pop.members_mean_urban + (1 - share) / pop.members_mean_rural)
    notes.append(
        f"households = persons x (s / {pop.members_mean_urban} + (1 - s) / "
        f"{pop.members_mean_rural}): national Susenas household sizes (no provincial table)"
    )
    n, n_urban = _subdistricts(share, all_urban)
    notes.append(
        f"{n} simulated sub-districts ({n_urban} urban): the model's default, not the "
        "province's count of kecamatan"
    )
    total = {m: round(float(t[m]) / 100.0, 8) for m in ("p0", "p1", "p2")}
    total.update(gini=float(t["gini"]), line=float(t["poverty_line"]))
    return RegionTargets(
        region, area, lines, total, share, persons, households, n, n_urban, all_urban, notes
    )


def district_targets(region: Region) -> RegionTargets:
    """The targets and assumptions of a kabupaten/kota's preset (module docstring)."""
    prov = province_targets(resolve_region(region.province))
    d = districts()
    row = d[(d["province"] == region.province) & (d["district"] == region.district)].iloc[0]
    pop = district_population()
    persons = float(
        pop[(pop["province"] == region.province) & (pop["district"] == region.district)].iloc[0][
            "population"
        ]
    )
    sizes = Scenario().population
    households = persons * (
        prov.urban_share / sizes.members_mean_urban
        + (1 - prov.urban_share) / sizes.members_mean_rural
    )
    fitted = {m: round(float(row[m]) / 100.0, 8) for m in ("p0", "p1", "p2")}
    fitted["gini"] = prov.total["gini"]
    line = float(row["poverty_line"])
    notes = [
        "BPS publishes total-area figures only: one distribution for both areas (the same "
        "GB2), both lines the district's",
        f"Gini not published for districts: the province's total Gini {prov.total['gini']:.3f}",
        f"urban share {prov.urban_share:.3f} and sub-districts: the province's",
        f"persons: BPS 2024 population {persons:,.0f}; households = persons x (s / "
        f"{sizes.members_mean_urban} + (1 - s) / {sizes.members_mean_rural}): national Susenas "
        "household sizes (no district table)",
    ]
    return RegionTargets(
        region,
        {a: dict(fitted) for a in AREAS},
        {a: line for a in AREAS},
        {**{m: fitted[m] for m in ("p0", "p1", "p2")}, "gini": fitted["gini"], "line": line},
        prov.urban_share,
        persons,
        households,
        prov.subdistricts,
        prov.urban_subdistricts,
        prov.all_urban,
        notes,
    )


def region_targets(region: Region) -> RegionTargets:
    """The targets of a province or kabupaten/kota (the nation has its own preset)."""
    if region.level == "province":
        return province_targets(region)
    if region.level == "district":
        return district_targets(region)
    raise ValueError(f"{region.name}: the nation's preset is fitted by python -m sim.calibrate")

"""Schema: the population, its fitted starting distribution and the poverty lines.

Money is rupiah at March 2024 prices.
"""

from __future__ import annotations

from pydantic import model_validator

from sim.scenario.base import Section, param


class Population(Section):
    """Size and geography of the simulated population."""

    households: int = param(
        10_000,
        "simulated households",
        "assumption: default size for exploration",
        ge=10,
        le=200_000_000,
    )
    households_represented: int = param(
        300_000,
        "real households",
        "assumption: one district-sized area; ~300k households is a mid-sized kabupaten",
        ge=1,
    )
    subdistricts: int = param(
        20, "sub-districts (kecamatan)", "assumption: a district of 20 kecamatan", ge=1, le=1000
    )
    urban_subdistricts: int = param(
        11,
        "sub-districts",
        "assumption: chosen so that urban sub-districts hold about the urban share of persons",
        ge=0,
    )
    urban_person_share: float = param(
        0.588,
        "share of persons",
        "BPS March 2024: 11.64 M urban poor at 7.09% and 13.58 M rural poor at 11.79% imply "
        "58.8% (1 only when every sub-district is urban, 0 only when none is)",
        ge=0,
        le=1,
    )
    members_mean_urban: float = param(
        3.6,
        "persons per household",
        "BPS Susenas 2023: mean household size ~3.6 urban",
        ge=1,
        le=10,
    )
    members_mean_rural: float = param(
        3.8,
        "persons per household",
        "BPS Susenas 2023: mean household size ~3.8 rural",
        ge=1,
        le=10,
    )
    size_poverty_gradient: float = param(
        0.28,
        "log change in extra members per sd of permanent income (0 = none)",
        "calibrated: poor households then average ~4.7 members (BPS March 2024: 4.78)",
        ge=0,
        le=3,
    )

    burn_in_months: int = param(
        36,
        "months",
        "assumption (0.3.0): "
        "the household dynamics run this long before month 0, from their own "
        "streams, so that the start carries their fast transients (sim.world.burn_in: "
        "illness spells, buffers, assets; the persistent shock starts stationary); 0 starts "
        "from the drawn population, as in 0.2",
        ge=0,
        le=600,
    )

    demography_burn_in_months: int = param(
        240,
        "months",
        "assumption (0.3.0): "
        "drawn households live this long under demography alone, then "
        "consume their potential per earner times earners per member (sim.world.synthesis); "
        "0 keeps the drawn sizes, as in 0.2",
        ge=0,
        le=1200,
    )

    @model_validator(mode="after")
    def _urban_fits(self) -> Population:
        if self.urban_subdistricts > self.subdistricts:
            raise ValueError(
                f"urban_subdistricts ({self.urban_subdistricts}) cannot exceed "
                f"subdistricts ({self.subdistricts})"
            )
        share = self.urban_person_share
        if share == 1 and self.urban_subdistricts != self.subdistricts:
            raise ValueError(
                "urban_person_share 1 (no rural persons) needs every sub-district urban: "
                f"urban_subdistricts = subdistricts ({self.subdistricts}), "
                f"got {self.urban_subdistricts}"
            )
        if share == 0 and self.urban_subdistricts != 0:
            raise ValueError(
                "urban_person_share 0 (no urban persons) needs urban_subdistricts = 0, "
                f"got {self.urban_subdistricts}"
            )
        return self


class AreaDistribution(Section):
    """GB2 distribution of per-capita consumption over persons in one area.

    y = scale * X ** (1 / a) with X ~ BetaPrime(p, q) (McDonald 1984); q = 1 is the Dagum.
    Fitted by ``python -m sim.calibrate``.
    """

    a: float = param(3.4, "shape", "fitted (sim.calibrate) to BPS March 2024", gt=0.1, le=50)
    scale: float = param(
        600_000.0, "rupiah per capita per month", "fitted (sim.calibrate) to BPS March 2024", gt=0
    )
    p: float = param(2.6, "shape", "fitted (sim.calibrate) to BPS March 2024", gt=0.01, le=50)
    q: float = param(0.6, "shape", "fitted (sim.calibrate) to BPS March 2024", gt=0.05, le=50)
    correction: tuple[float, ...] = param(
        (),
        "log points at the standard normal scores -3, -2.75, ..., 3 (25 knots)",
        "fitted (sim.calibrate, sim/analysis/potential.py): the GB2 is consumption as Susenas "
        "measured it (BPS March 2024); the earnings potential is that distribution with the "
        "model's own shocks, illnesses, demography and survey error taken out (log potential "
        "= log GB2 quantile + this correction, linear between the knots), so that the "
        "burnt-in start measures as the GB2. Empty: none",
    )
    p0_target: float | None = param(
        None,
        "fraction of the area's persons (headcount ratio)",
        "the region presets (sim.regions.fit): BPS March 2024 P0 of the area (a kabupaten/kota: "
        "its total P0). Month 0's survey weights are post-stratified to it "
        "(sim.world.poststratify: the weights of the poor and the non-poor rescaled, the "
        "area's persons kept; Deville & Sarndal 1992). None: off (the national preset)",
        gt=0,
        lt=1,
    )

    @model_validator(mode="after")
    def _correction_knots(self) -> AreaDistribution:
        if self.correction and len(self.correction) != 25:
            raise ValueError(
                f"correction: 25 values (one per knot -3, -2.75, ..., 3) or none, "
                f"got {len(self.correction)}"
            )
        return self


class Calibration(Section):
    """The fitted starting distribution (the ``indonesia_2024`` preset holds fitted values)."""

    urban: AreaDistribution = AreaDistribution()
    rural: AreaDistribution = AreaDistribution(a=3.0, scale=590_000.0, q=0.9)


class PovertyLine(Section):
    """Poverty lines at March 2024 prices, their real drift, and consumer prices.

    The BPS line rises faster than consumer prices (its basket is re-priced and its non-food
    part follows spending): at consumer prices of March 2024 the line drifts up by
    ``real_drift_annual`` a year, and a projection must carry that drift.
    """

    urban: float = param(601_871.0, "rupiah per capita per month", "BPS March 2024", gt=0)
    rural: float = param(556_874.0, "rupiah per capita per month", "BPS March 2024", gt=0)
    real_drift_annual: float = param(
        0.033,
        "per year, real (over consumer prices)",
        "BPS: national line Rp 330,776 (March 2015) -> Rp 582,932 (March 2024), +6.5% a year "
        "(data/bps national series), against consumer prices +3.05% a year (BPS CPI, "
        "December-on-December 2015-2023: 3.35, 3.02, 3.61, 3.13, 2.72, 1.68, 1.87, 5.51, "
        "2.61%): ln(1.065) - 0.0300 = 0.033 (0 fixes the line in real terms, as in 0.2)",
        ge=-0.1,
        le=0.2,
    )
    index_growth_annual: float = param(
        0.0305,
        "per year",
        "BPS CPI, December-on-December 2015-2023, mean 3.05% a year: consumer prices; the "
        "nominal line column is the line (with its real drift) times this index, +6.5% a "
        "year together as BPS's line 2015-2024 (0.2 used the line's own +5.9% here, with "
        "no real drift)",
        ge=-0.5,
        le=1,
    )

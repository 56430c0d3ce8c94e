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
        "BPS March 2024: 11.64 M urban poor at 7.09% and 13.58 M rural poor at 11.79% imply 58.8%",
        gt=0,
        lt=1,
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

    @model_validator(mode="after")
    def _urban_fits(self) -> Population:
        if self.urban_subdistricts > self.subdistricts:
            raise ValueError(
                f"urban_subdistricts ({self.urban_subdistricts}) cannot exceed "
                f"subdistricts ({self.subdistricts})"
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


class Calibration(Section):
    """The fitted starting distribution (the ``indonesia_2024`` preset holds fitted values)."""

    urban: AreaDistribution = AreaDistribution()
    rural: AreaDistribution = AreaDistribution(a=3.0, scale=590_000.0, q=0.9)


class PovertyLine(Section):
    """Poverty lines (March 2024 prices) and the poverty-line index that deflates them."""

    urban: float = param(601_871.0, "rupiah per capita per month", "BPS March 2024", gt=0)
    rural: float = param(556_874.0, "rupiah per capita per month", "BPS March 2024", gt=0)
    index_growth_annual: float = param(
        0.059,
        "per year",
        "BPS: national line +5.9% March 2023 -> March 2024 (the deflator)",
        ge=-0.5,
        le=1,
    )

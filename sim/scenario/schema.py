"""Schema: the root ``Scenario``, every parameter of a run, section by section.

Money is rupiah at March 2024 prices. Rates are per month unless the name says otherwise.
Amounts that scale with the population are set per 1,000 households represented; a scenario may
write them in rupiah for the whole region instead (``sim.scenario.money``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from sim.scenario.actors import Business, Donors, Institution
from sim.scenario.base import Section, param
from sim.scenario.cooperation import Cooperation
from sim.scenario.demography import Demography, Measurement, Schooling, Seasons, Spillovers
from sim.scenario.government import Government
from sim.scenario.household import Assets, Consumption, Health, Income, Shocks
from sim.scenario.money import CONVERTED_FIELD, Converted, check_plausible, convert_absolute
from sim.scenario.population import Calibration, Population, PovertyLine
from sim.scenario.programmes import Programmes

PARTIAL = "partial"
"""Validation context key: a file checked before its region or overrides are merged (the bound
on money, which depends on the final households represented, is then not applied)."""

SCHEMA_VERSION = 1
"""Version of the scenario schema; bump when a field changes meaning."""


class Scenario(Section):
    """One Sinergi scenario: every parameter of a run."""

    name: str = Field("unnamed", max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    months: int = param(120, "months", "assumption: a ten-year horizon", ge=1, le=6000)
    region: str = param(
        "INDONESIA",
        "a province or kabupaten/kota (BPS name or code), INDONESIA or INDONESIA (by province)",
        "BPS 2024 tables (sim/data/); load_scenario merges the region's preset "
        "(scenarios/regions/, fitted by python -m sim.calibrate --region) over the scenario, "
        "before the overrides; the resolved scenario carries the canonical name",
    )
    population: Population = Population()
    calibration: Calibration = Calibration()
    poverty_line: PovertyLine = PovertyLine()
    seasons: Seasons = Seasons()
    shocks: Shocks = Shocks()
    health: Health = Health()
    income: Income = Income()
    assets: Assets = Assets()
    consumption: Consumption = Consumption()
    demography: Demography = Demography()
    schooling: Schooling = Schooling()
    spillovers: Spillovers = Spillovers()
    measurement: Measurement = Measurement()
    government: Government = Government()
    programmes: Programmes = Programmes()
    institutions: list[Institution] = Field(
        default_factory=list,
        json_schema_extra={
            "unit": "roster of institutions",
            "source": "scenarios/presets/roster_2024.toml (shared by the cooperation scenarios)",
        },
    )
    donors: Donors = Donors()
    business: Business = Business()
    cooperation: Cooperation = Cooperation()
    converted_from_rupiah: dict[str, Converted] = Field(
        default_factory=dict,
        json_schema_extra={
            "unit": "per-1,000 field (institutions by name) -> the absolute amount written",
            "source": "the scenario's *_rp and *_rp_per_year fields, converted at validation "
            "(sim/scenario/money.py, docs/parameters.md); left out of the content hash",
        },
    )

    @model_validator(mode="before")
    @classmethod
    def _absolute_amounts(cls, data: Any) -> Any:
        return convert_absolute(data, cls)

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        from sim.regions.catalogue import UnknownRegionError, resolve_region

        try:
            return resolve_region(value).name
        except UnknownRegionError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _roster_consistent(self) -> Scenario:
        names = [i.name for i in self.institutions]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"institutions: duplicate names {sorted(dup)}")
        for k, inst in enumerate(self.institutions):
            bad = [r for r in inst.reach if not 0 <= r < self.population.subdistricts]
            if bad:
                raise ValueError(
                    f"institutions[{k}].reach: sub-districts {bad} outside 0.."
                    f"{self.population.subdistricts - 1}"
                )
            unknown = set(inst.mission) - {
                "education",
                "health",
                "livelihoods",
                "social_assistance",
                "urban",
                "rural",
            }
            if unknown:
                raise ValueError(
                    f"institutions[{k}].mission: unknown keys {sorted(unknown)} (allowed: the "
                    "four themes, urban, rural)"
                )
        return self

    @model_validator(mode="after")
    def _money_plausible(self, info: ValidationInfo) -> Scenario:
        if not (info.context or {}).get(PARTIAL):
            check_plausible(self)
        return self

    def content_hash(self) -> str:
        """Hash of the canonical scenario content: what the run computes.

        The name, the description and the record of amounts converted from rupiah
        (``converted_from_rupiah``; the converted values are in) are left out.

        Returns:
            16 hexadecimal characters identifying what the scenario computes.
        """
        data = self.model_dump(mode="json", exclude={"name", "description", CONVERTED_FIELD})
        blob = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

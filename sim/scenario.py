"""Scenario schema, loading, inheritance and validation messages.

A scenario is a TOML file in ``scenarios/``. It may ``extends`` another scenario or preset (a
name looked up in ``scenarios/`` and ``scenarios/presets/``, or a path relative to the extending
file); tables merge field by field and lists are replaced. Every parameter lives here, once,
with its default, unit and source (``param``); presets such as ``indonesia_2024`` are named sets
of these values, not a second home for parameters.

Money is rupiah at March 2024 prices. Rates are per month unless the name says otherwise.
Amounts that scale with the population are set per 1,000 households represented.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SCHEMA_VERSION = 1
"""Version of the scenario schema; bump when a field changes meaning."""

PACKAGE_SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


class ScenarioError(ValueError):
    """A scenario file or override is malformed; the message is one line for the user."""

    def __init__(self, message: str) -> None:
        # one line even when a name or value quoted from the file holds a line break
        text = str(message)
        for ch, esc in (("\r", "\\r"), ("\n", "\\n"), ("\x0b", "\\v"), ("\x0c", "\\f")):
            text = text.replace(ch, esc)
        for ch in ("\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"):
            text = text.replace(ch, repr(ch)[1:-1])
        super().__init__(text)


def param(
    default: Any,
    unit: str,
    source: str,
    *,
    range: tuple[float, float] | None = None,  # noqa: A002 (the schema's word for it)
    range_source: str | None = None,
    **constraints: Any,
) -> Any:
    """Declare a scenario parameter with its unit and source.

    Args:
        default: Default value.
        unit: Unit of the value ("rupiah per month", "share", "per month", ...).
        source: Where the default comes from (paper, BPS table) or "assumption: ...".
        range: Plausible range ``(low, high)`` for uncertainty and sensitivity analysis
            (``sim.sensitivity``); stored as ``json_schema_extra["range"]``.
        range_source: Why that range (appended to the documented source).
        **constraints: pydantic constraints (ge, le, gt, lt, ...).

    Returns:
        A pydantic ``Field`` carrying ``unit`` and ``source`` (and ``range``) in its JSON schema.
    """
    extra: dict[str, Any] = {"unit": unit, "source": source}
    if range is not None:
        lo, hi = float(range[0]), float(range[1])
        if not lo < hi:
            raise ValueError(f"uncertainty range must have low < high, got {range}")
        extra["range"] = [lo, hi]
        extra["source"] = f"{source}; uncertainty range {lo:g}-{hi:g}" + (
            f" ({range_source})" if range_source else ""
        )
    return Field(default, json_schema_extra=extra, **constraints)


class Section(BaseModel):
    """Base of every scenario section: unknown fields are errors, values are checked on set."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


# --------------------------------------------------------------------------------------------
# Population and its calibration
# --------------------------------------------------------------------------------------------


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
        "assumption: one district-sized area (MODEL.md); ~300k households is a mid-sized kabupaten",
        ge=1,
    )
    subdistricts: int = param(
        20, "sub-districts (kecamatan)", "assumption (MODEL.md default)", ge=1, le=1000
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


# --------------------------------------------------------------------------------------------
# Household dynamics
# --------------------------------------------------------------------------------------------


class Shocks(Section):
    """Idiosyncratic and covariate income shocks."""

    enabled: bool = param(True, "switch", "MODEL.md: shocks are on by default")
    persistent_rho: float = param(
        0.96,
        "monthly autocorrelation",
        "calibrated to churning (Dartanto & Nurkholis 2013, BIES 49(1)); annual persistence "
        "0.96^12 = 0.61",
        ge=0,
        lt=1,
    )
    persistent_sd: float = param(
        0.12,
        "log points per month (innovation sd)",
        "calibrated to churning: 28% of poor stay poor, 7% of non-poor fall in over 2 years",
        ge=0,
        le=1,
        range=(0.08, 0.16),
        range_source="+-1/3 around the churning calibration",
    )
    transitory_sd: float = param(
        0.10,
        "log points",
        "assumption: monthly transitory earnings noise of informal workers",
        ge=0,
        le=2,
        range=(0.05, 0.2),
        range_source="assumption",
    )
    covariate_prob_rural: float = param(
        0.01,
        "per sub-district per month",
        "assumption: a harvest failure or disaster about once in 8 years per rural kecamatan",
        ge=0,
        le=1,
    )
    covariate_prob_urban: float = param(
        0.004,
        "per sub-district per month",
        "assumption: urban areas are less exposed (floods, fires)",
        ge=0,
        le=1,
    )
    covariate_loss: float = param(
        0.15,
        "share of labour and business income lost",
        "assumption: a failed harvest or flood costs ~15% of a season's income, on average",
        ge=0,
        le=1,
        range=(0.05, 0.3),
        range_source="assumption",
    )
    covariate_months: int = param(3, "months", "assumption: one growing season", ge=1, le=24)


class Health(Section):
    """Health shocks, out-of-pocket costs, lost earnings and insurance."""

    enabled: bool = param(True, "switch", "MODEL.md")
    minor_prob: float = param(
        0.15,
        "per household per month",
        "assumption: Susenas finds ~15% of persons with a health complaint in a month; per "
        "household the share is higher, so this is conservative",
        ge=0,
        le=1,
    )
    minor_cost: float = param(
        60_000.0,
        "rupiah per episode",
        "assumption: a clinic visit and medicine (Puskesmas fees are small)",
        ge=0,
    )
    severe_prob: float = param(
        0.004,
        "per household per month",
        "assumption: ~5% of households a year face an illness that severely limits function "
        "(Gertler & Gruber 2002, AER 92(1), IFLS)",
        ge=0,
        le=1,
    )
    severe_cost: float = param(
        4_000_000.0,
        "rupiah per episode",
        "assumption: hospitalisation cost in Indonesia, several months of a poor household's "
        "consumption",
        ge=0,
    )
    severe_months: int = param(
        3, "months", "assumption: mean duration of a severe episode", ge=1, le=60
    )
    severe_earnings_loss: float = param(
        0.35,
        "share of labour income lost while ill",
        "assumption: one of ~2 earners out of work plus care time",
        ge=0,
        le=1,
    )
    insured_oop_covered: float = param(
        1.0,
        "share of out-of-pocket cost covered by insurance",
        "MODEL.md: insurance removes the out-of-pocket part",
        ge=0,
        le=1,
    )
    contributory_jkn_low: float = param(
        0.35,
        "share insured",
        "assumption: active contributory JKN among non-PBI households at the bottom",
        ge=0,
        le=1,
    )
    contributory_jkn_high: float = param(
        0.85,
        "share insured",
        "assumption: active contributory JKN among non-PBI households at the top",
        ge=0,
        le=1,
    )


class Income(Section):
    """Labour earnings: returns to schooling, skill and growth."""

    return_to_schooling: float = param(
        0.09,
        "log points per year of schooling",
        "Psacharopoulos & Patrinos 2018; 6.8-10.6% in Indonesia (Duflo 2001, AER 91(4))",
        ge=0,
        le=0.5,
    )
    return_to_skill: float = param(
        0.10,
        "relative earnings gain per unit of skill (earnings x (1 + r x skill))",
        "assumption: skills training raises earnings ~10% (vocational training meta-analyses: "
        "McKenzie 2017, WBRO 32(2), report 0-20%)",
        ge=0,
        le=1,
        range=(0.0, 0.2),
        range_source="McKenzie 2017: 0-20%",
    )
    growth_annual: float = param(
        0.03,
        "per year, real",
        "calibrated (sim.calibrate) so the same-season headcount falls as BPS observed",
        ge=-0.5,
        le=0.5,
    )


class Assets(Section):
    """Productive assets with a non-convex technology (Carter & Barrett 2006).

    Asset income is max(low_return * k, high_productivity * k ** high_elasticity - fixed_cost),
    with fixed_cost = trap_strength * high_fixed_cost. Assets move as
    dk = reinvest_share * asset_income + labour_invest_share * labour - depreciation * k.
    The tipping point follows from these parameters, never from a rule.
    """

    low_return: float = param(
        0.008,
        "per month",
        "assumption: ~10%/year gross return to traditional household enterprise",
        ge=0,
        le=1,
    )
    high_productivity: float = param(
        45.0,
        "rupiah ** (1 - elasticity) per month",
        "assumption: with the fixed cost, the tipping point of a poor household is ~Rp 7 M "
        "(graduation asset transfers are USD 500-1,000 PPP: Banerjee et al. 2015, Science 348)",
        ge=0,
    )
    high_elasticity: float = param(
        0.6, "elasticity", "assumption: diminishing returns in the improved technology", gt=0, lt=1
    )
    high_fixed_cost: float = param(
        375_000.0,
        "rupiah per month",
        "assumption: rent, transport, licences of an improved enterprise",
        ge=0,
    )
    trap_strength: float = param(
        1.0,
        "share of the fixed cost that applies (0 = no trap)",
        "Kraay & McKenzie 2014 (JEP 28(3)) find little evidence of traps: range 0-1",
        ge=0,
        le=2,
        range=(0.0, 1.0),
        range_source="no trap (Kraay & McKenzie 2014) to the full fixed cost",
    )
    depreciation: float = param(
        0.015, "per month", "assumption: ~17%/year for livestock and tools", ge=0, le=1
    )
    reinvest_share: float = param(0.5, "share of asset income", "assumption", ge=0, le=1)
    labour_invest_share: float = param(
        0.005,
        "share of labour income",
        "assumption: small regular investment out of wages",
        gt=0,
        le=1,
    )
    high_tech_share_top: float = param(
        0.35,
        "share of households",
        "assumption: share of richest households running an improved enterprise",
        ge=0,
        le=1,
    )
    distress_discount: float = param(
        0.4,
        "share of value lost in a distress sale",
        "assumption: distress livestock sales fetch well below value (Rosenzweig & Wolpin "
        "1993, JPE 101(2))",
        ge=0,
        lt=1,
    )


class Consumption(Section):
    """Buffer-stock consumption (Deaton 1991; Carroll 1997)."""

    mpc_cash: float = param(
        0.65,
        "share of a cash-on-hand deviation consumed",
        "calibrated: Indonesian families insure < 40% of severe-illness income loss "
        "(Gertler & Gruber 2002, AER 92(1))",
        gt=0,
        le=1,
        range=(0.3, 0.9),
        range_source="assumption",
    )
    buffer_months: float = param(
        1.0,
        "months of permanent income",
        "assumption: poor households hold about one month of liquid savings",
        ge=0,
        le=24,
    )
    subsistence_share: float = param(
        0.6,
        "share of the poverty line",
        "assumption: the food poverty line is ~74% of the line; households sell assets to "
        "keep above ~60% of it",
        ge=0,
        le=1,
    )


class Demography(Section):
    """Ageing, births, deaths and adults leaving to form households outside the panel."""

    enabled: bool = param(True, "switch", "MODEL.md")
    births_per_adult: float = param(
        0.025,
        "per adult (16-64) per year",
        "BPS 2020 census long form: crude birth rate ~16 per 1,000; adults are ~64% of persons",
        ge=0,
        le=1,
    )
    ageing_adult_rate: float = param(
        0.0135,
        "per adult (16-64) per year reaching 65",
        "BPS population projections: ~2.5 M persons turn 65 a year, of ~185 M aged 16-64",
        ge=0,
        le=1,
    )
    death_rate_young: float = param(
        0.004, "per year", "BPS/SDKI: under-five mortality ~20 per 1,000 over 5 years", ge=0, le=1
    )
    death_rate_adult: float = param(
        0.003, "per year", "assumption from WHO life tables for Indonesia", ge=0, le=1
    )
    death_rate_elderly: float = param(
        0.06, "per year", "assumption from WHO life tables for Indonesia", ge=0, le=1
    )
    leave_rate: float = param(
        0.04,
        "per year, adults beyond the second",
        "calibrated: household size then stays near 3.7, falling slowly as BPS observes "
        "(grown children marry or migrate and form households outside the panel)",
        ge=0,
        le=1,
    )


class Schooling(Section):
    """Enrolment of school-age children (7-15) and accumulation of schooling."""

    enabled: bool = param(True, "switch", "MODEL.md")
    enrol_intercept: float = param(
        3.2,
        "log-odds at the poverty line",
        "calibrated: ~95% of children 7-15 enrolled (BPS APS 2024), lower among the poor",
        ge=-10,
        le=10,
    )
    enrol_consumption_slope: float = param(
        1.0,
        "log-odds per log point of consumption relative to the line",
        "assumption: enrolment rises with income",
        ge=0,
        le=10,
    )
    school_cost: float = param(
        80_000.0,
        "rupiah per enrolled child per month",
        "assumption: uniforms, books, transport and informal fees at public schools",
        ge=0,
    )
    cost_sensitivity: float = param(
        2.0,
        "log-odds per unit of school cost relative to per-capita consumption",
        "assumption: enrolment falls where school costs weigh more",
        ge=0,
        le=100,
    )
    condition_effect: float = param(
        0.8,
        "log-odds added by a schooling condition attached to a transfer",
        "calibrated so PKH halves non-enrolment among recipients (Cahyadi et al. 2020, AEJ:EP "
        "12(4))",
        ge=0,
        le=10,
        range=(0.4, 1.2),
        range_source="+-50% around the calibrated value",
    )
    post_basic_years: float = param(
        2.0,
        "years of schooling after age 15 that a new adult adds to the years accumulated at 7-15",
        "assumption: senior secondary gross enrolment ~85% (BPS APK SMA 2024), minus dropouts",
        ge=0,
        le=10,
    )
    school_year_calendar_month: int = param(
        7, "calendar month (1-12)", "the Indonesian school year starts in July", ge=1, le=12
    )


class Seasons(Section):
    """Calendar: months of the run are counted from March 2024."""

    start_calendar_month: int = param(
        3, "calendar month (1-12)", "BPS March Susenas round", ge=1, le=12
    )
    harvest_amplitude_rural: float = param(
        0.0,
        "relative amplitude of rural earnings over the year (mean one)",
        "assumption: 0 by default, since the calibration compares same-season figures; about "
        "0.1-0.2 reproduces the lean season before the main rice harvest",
        ge=0,
        lt=1,
    )
    harvest_calendar_month: int = param(
        4,
        "calendar month (1-12) of peak rural earnings",
        "main rice harvest (panen raya) in March-April (BPS rice production statistics)",
        ge=1,
        le=12,
    )


class Spillovers(Section):
    """Local general-equilibrium spillovers of money injected into a sub-district."""

    enabled: bool = param(True, "switch", "MODEL.md: on by default")
    nonrecipient_multiplier: float = param(
        1.5,
        "rupiah of non-recipient earnings per rupiah injected",
        "Egger et al. 2022 (Econometrica 90(6)): of a 2.5 total multiplier ~1.5 beyond "
        "recipients (calibrated, not validated)",
        ge=0,
        le=10,
        range=(0.5, 2.0),
        range_source="Egger et al. 2022 CI of the total multiplier ~1.5-3.5, minus recipients",
    )
    months: int = param(
        18, "months", "Egger et al. 2022: effects spread over ~18 months", ge=1, le=120
    )


class Measurement(Section):
    """How the model's consumption is observed when comparing with surveys."""

    survey_error_sd: float = param(
        0.25,
        "log points",
        "assumption: classical measurement error in Susenas-type consumption (Deaton 1997); "
        "with the shock parameters it reproduces the churning of Dartanto & Nurkholis 2013",
        ge=0,
        le=2,
    )
    equivalence_elasticity: float = param(
        0.75,
        "elasticity of needs to household size",
        "Deaton & Paxson 1998 (JPE) sensitivity; 1 = per capita",
        ge=0,
        le=1,
    )


# --------------------------------------------------------------------------------------------
# Government background programmes and the registry
# --------------------------------------------------------------------------------------------


class Registry(Section):
    """The government's social registry (DTKS): a noisy, stale ranking."""

    noise_sd: float = param(
        0.45,
        "log points of proxy-means error",
        "assumption: PMT predicts log consumption with R2 ~0.5 (Alatas et al. 2012, AER 102(4))",
        ge=0,
        le=5,
    )
    update_months: int = param(
        48,
        "mean age of a registry record (months); 1/update_months of records refreshed monthly",
        "assumption: DTKS verification is slow (Fernandez & Hadiwidjaja 2018: registries stale)",
        ge=1,
        le=10_000,
    )
    retarget_months: int = param(
        3,
        "months between re-targeting of PKH, BPNT and PBI-JKN from the registry",
        "assumption: PKH and BPNT pay and update quarterly",
        ge=1,
        le=120,
    )
    duplicate_share: float = param(
        0.05,
        "share of registry records that are duplicates",
        "21 M duplicate records were deactivated in 2021 (Kemensos); share of slots wasted",
        ge=0,
        lt=1,
    )


class Pkh(Section):
    """Program Keluarga Harapan: conditional cash for families with children, elderly."""

    enabled: bool = param(True, "switch", "MODEL.md: runs in every scenario")
    coverage: float = param(
        0.143,
        "share of households",
        "~10 M of ~70 M families (Kemensos 2024)",
        ge=0,
        le=1,
    )
    benefit_young_child: float = param(
        250_000.0, "rupiah per month per child 0-6", "PKH index Rp 3.0 M/year", ge=0
    )
    benefit_school_child: float = param(
        100_000.0,
        "rupiah per month per child 7-15",
        "PKH index Rp 0.9 M (SD) and 1.5 M (SMP) per year",
        ge=0,
    )
    benefit_elderly: float = param(
        200_000.0, "rupiah per month per elderly member", "PKH index Rp 2.4 M/year", ge=0
    )
    max_components: int = param(4, "members", "PKH caps benefits at four components", ge=0, le=20)
    schooling_condition: bool = param(True, "switch", "PKH requires >= 85% school attendance")


class Bpnt(Section):
    """BPNT / Sembako food assistance."""

    enabled: bool = param(True, "switch", "MODEL.md: runs in every scenario")
    coverage: float = param(
        0.269, "share of households", "~18.8 M of ~70 M families (Kemensos 2024)", ge=0, le=1
    )
    benefit: float = param(
        200_000.0, "rupiah per household per month", "Kemensos: Rp 200,000 a month", ge=0
    )


class PbiJkn(Section):
    """PBI-JKN: health-insurance premiums paid by the state."""

    enabled: bool = param(True, "switch", "MODEL.md: runs in every scenario")
    coverage: float = param(
        0.344,
        "share of persons",
        "96.8 M beneficiaries of ~281 M persons (BPJS Kesehatan 2024)",
        ge=0,
        le=1,
    )


class Government(Section):
    """Background programmes (already in Susenas consumption) and the registry."""

    registry: Registry = Registry()
    pkh: Pkh = Pkh()
    bpnt: Bpnt = Bpnt()
    pbi_jkn: PbiJkn = PbiJkn()


# --------------------------------------------------------------------------------------------
# Programmes (designs are data; which institution runs them is the roster's business)
# --------------------------------------------------------------------------------------------

Theme = Literal["education", "health", "livelihoods", "social_assistance"]
ProgrammeKind = Literal[
    "cash_transfer", "graduation", "scholarship", "tutoring", "health_insurance", "clinic"
]


class ProgrammeCommon(Section):
    """Fields every programme design has."""

    duration_months: int = param(12, "months", "assumption: a one-year cycle", ge=1, le=120)
    delivery_cost: float = param(
        25_000.0, "rupiah per beneficiary household per month", "assumption", ge=0
    )
    take_up: float = param(0.9, "share of households offered who enrol", "assumption", ge=0, le=1)
    eligibility_line_multiple: float = param(
        1.0,
        "eligible below this multiple of the poverty line (per-capita consumption)",
        "assumption: each programme's own rule; errors are measured against it",
        gt=0,
        le=10,
    )


class CashTransfer(ProgrammeCommon):
    """Unconditional cash (social assistance)."""

    amount: float = param(
        300_000.0,
        "rupiah per household per month",
        "BLT Dana Desa pays Rp 300,000 a month (Kemendes 2020-2024)",
        ge=0,
    )


class Graduation(ProgrammeCommon):
    """The livelihood graduation bundle (Banerjee et al. 2015, Science 348)."""

    duration_months: int = param(18, "months", "Banerjee et al. 2015: 18-24 months", ge=1, le=120)
    delivery_cost: float = param(
        150_000.0,
        "rupiah per household per month (coaching, training, staff)",
        "Banerjee et al. 2015: total cost ~USD 1,500 PPP, about half delivery",
        ge=0,
    )
    take_up: float = param(0.8, "share offered who enrol", "assumption", ge=0, le=1)
    asset_value: float = param(
        7_500_000.0,
        "rupiah, transferred at enrolment",
        "Banerjee et al. 2015: asset ~USD 500-1,000 PPP (livestock, stock for petty trade)",
        ge=0,
    )
    support_amount: float = param(
        250_000.0, "rupiah per household per month", "consumption support in the bundle", ge=0
    )
    support_months: int = param(6, "months", "assumption: first months of the bundle", ge=0, le=120)
    training_skill: float = param(
        1.0,
        "units of skill (each raises earnings by income.return_to_skill)",
        "assumption: a full skills course",
        ge=0,
        le=10,
    )


class Scholarship(ProgrammeCommon):
    """Scholarship per enrolled child, conditional on enrolment."""

    delivery_cost: float = param(10_000.0, "rupiah per household per month", "assumption", ge=0)
    take_up: float = param(0.85, "share offered who enrol", "assumption", ge=0, le=1)
    eligibility_line_multiple: float = param(
        1.3, "multiple of the poverty line", "assumption: poor and near-poor families", gt=0, le=10
    )
    amount_per_child: float = param(
        75_000.0,
        "rupiah per enrolled child per month",
        "PIP pays Rp 450,000-750,000 a year; NGO scholarships are larger (assumption)",
        ge=0,
    )


class Tutoring(ProgrammeCommon):
    """After-school tutoring that raises learning (years of schooling equivalents)."""

    delivery_cost: float = param(
        80_000.0,
        "rupiah per household per month",
        "assumption: volunteer-led remedial classes",
        ge=0,
    )
    eligibility_line_multiple: float = param(
        1.5, "multiple of the poverty line", "assumption", gt=0, le=10
    )
    learning_gain: float = param(
        0.25,
        "years of schooling equivalent per year of tutoring",
        "remedial education raised test scores ~0.14-0.28 SD (Banerjee et al. 2007, QJE 122(3))",
        ge=0,
        le=2,
    )


class HealthInsurance(ProgrammeCommon):
    """Paying JKN premiums for uninsured households."""

    delivery_cost: float = param(5_000.0, "rupiah per household per month", "assumption", ge=0)
    take_up: float = param(
        0.3,
        "share offered who enrol",
        "Banerjee et al. 2021 (AER 111(9)): 30% enrolment with a subsidy and help registering",
        ge=0,
        le=1,
    )
    eligibility_line_multiple: float = param(
        1.5, "multiple of the poverty line", "assumption", gt=0, le=10
    )
    premium_per_person: float = param(
        35_000.0,
        "rupiah per person per month",
        "JKN class III premium paid by members (Perpres 64/2020)",
        ge=0,
    )


class Clinic(ProgrammeCommon):
    """A community clinic that lowers out-of-pocket costs of its members."""

    delivery_cost: float = param(
        30_000.0, "rupiah per household per month", "assumption: operating cost per member", ge=0
    )
    take_up: float = param(0.7, "share offered who enrol", "assumption", ge=0, le=1)
    eligibility_line_multiple: float = param(
        1.5, "multiple of the poverty line", "assumption", gt=0, le=10
    )
    cost_reduction: float = param(
        0.5,
        "share of out-of-pocket health cost removed",
        "assumption: free primary care and medicines",
        ge=0,
        le=1,
    )


class Programmes(Section):
    """Programme designs (Indonesian defaults) and how programmes combine."""

    cash_transfer: CashTransfer = CashTransfer()
    graduation: Graduation = Graduation()
    scholarship: Scholarship = Scholarship()
    tutoring: Tutoring = Tutoring()
    health_insurance: HealthInsurance = HealthInsurance()
    clinic: Clinic = Clinic()
    duplicate_effect: float = param(
        0.5,
        "effect of a second enrolment of the same kind relative to the first",
        "MODEL.md: diminishing returns, not zero; assumption (crowding out of private "
        "transfers: Cox, Hansen & Jimenez 2004, JPubE 88)",
        ge=0,
        le=1,
        range=(0.0, 1.0),
        range_source="full crowding out to none",
    )
    complementarity: float = param(
        0.2,
        "extra effect per additional theme in a case-managed bundle",
        "assumption; MODEL.md asks for a range down to zero",
        ge=0,
        le=2,
        range=(0.0, 0.5),
        range_source="MODEL.md: down to zero",
    )


# --------------------------------------------------------------------------------------------
# Institutions, donors, business
# --------------------------------------------------------------------------------------------


class Institution(Section):
    """One social institution (NGO, foundation, zakat body, charity)."""

    name: str = Field(
        ...,
        max_length=60,
        pattern=r"^[A-Za-z0-9_.\-]+$",
        json_schema_extra={"unit": "identifier", "source": "scenario file"},
    )
    theme: Theme = Field(
        ..., json_schema_extra={"unit": "theme", "source": "MODEL.md: the four themes"}
    )
    programme: ProgrammeKind = Field(
        ..., json_schema_extra={"unit": "programme kind", "source": "MODEL.md: programmes"}
    )
    budget: float = param(
        20_000_000.0,
        "rupiah per 1,000 households represented (opening balance)",
        "assumption: about six months of an average member's giving",
        ge=0,
    )
    overhead_share: float = param(
        0.4,
        "indirect cost as a share of direct programme cost",
        "Bridgespan 2016: true indirect costs 21-89% of direct costs, median 40%",
        ge=0,
        le=2,
    )
    delivery_cost_factor: float = param(
        1.0, "multiple of the programme's delivery cost", "assumption", gt=0, le=10
    )
    capacity: float = param(
        20.0,
        "beneficiary households per 1,000 households represented",
        "assumption: a district NGO serves a few thousand households",
        ge=0,
    )
    reach: list[int] = Field(
        default_factory=list,
        json_schema_extra={"unit": "sub-district indices", "source": "assumption; empty = all"},
    )
    targeting_noise: float = param(
        0.6,
        "log points of error in the institution's own survey",
        "assumption: own surveys are noisier than the registry's PMT (Alatas et al. 2012)",
        ge=0,
        le=5,
    )
    practice_quality: float = param(
        1.0, "multiple of the programme's standard effect", "assumption", gt=0, le=3
    )
    mission: dict[str, float] = Field(
        default_factory=dict,
        json_schema_extra={
            "unit": "weights over themes and 'urban'/'rural' (normalised)",
            "source": "assumption; empty = own theme only",
        },
    )
    fundraising_effort: float = param(
        400_000.0,
        "rupiah per 1,000 households represented per month",
        "assumption: the roster spends ~15% of giving on fundraising (amil share is capped at "
        "12.5% of zakat)",
        ge=0,
    )
    transparency: float = param(
        0.8,
        "share of money and results reported to partners (0-1)",
        "assumption",
        ge=0,
        le=1,
    )
    zakat_eligible: bool = param(
        False, "switch", "zakat may go only to its eight eligible groups (asnaf)"
    )
    coalition: bool = param(
        True, "switch: joins the coalition when a scenario forms one", "assumption"
    )


class Donors(Section):
    """Private giving (sedekah, infaq, zakat) in the district."""

    giving: float = param(
        25_000_000.0,
        "rupiah per 1,000 households represented per month, at reference fundraising",
        "BAZNAS: ZIS collected in 2023 ~Rp 33 T, ~Rp 39 M per 1,000 households a month; "
        "about two thirds assumed to reach programmes of these kinds",
        ge=0,
    )
    reference_fundraising: float = param(
        3_600_000.0,
        "rupiah per 1,000 households per month",
        "assumption: the roster's total fundraising effort (9 x Rp 400,000)",
        gt=0,
    )
    elasticity: float = param(
        0.3,
        "elasticity of total giving to fundraising spend (0 = fixed pool)",
        "assumption; range 0-1 (Aldashev & Verdier 2010, JDE 91(1), treat the fixed pool as "
        "one case)",
        ge=0,
        le=2,
        range=(0.0, 1.0),
        range_source="fixed pool (Aldashev & Verdier 2010) to proportional",
    )
    share_exponent: float = param(
        1.0,
        "elasticity of a fundraiser's share to its fundraising spend",
        "assumption: contest success function with ratio form",
        ge=0,
        le=5,
    )
    ramadan_boost: float = param(
        1.0,
        "extra giving in the Ramadan month, as a multiple of an average month",
        "assumption: zakat fitrah and much zakat mal are paid in Ramadan",
        ge=0,
        le=20,
    )
    zakat_share: float = param(
        0.5,
        "share of giving that is zakat (earmarked to eligible institutions)",
        "assumption: zakat is about half of ZIS collected (BAZNAS 2023)",
        ge=0,
        le=1,
    )


class Business(Section):
    """A private partner: CSR funds, training and market access for livelihoods."""

    csr_funds: float = param(
        5_000_000.0,
        "rupiah per 1,000 households represented per month",
        "assumption: CSR under PP 47/2012 directed to community development",
        ge=0,
    )
    training_skill: float = param(
        0.5,
        "extra skill units for graduation beneficiaries",
        "assumption: business-run vocational training",
        ge=0,
        le=10,
    )
    market_access_return: float = param(
        0.2,
        "relative rise of asset income for graduation beneficiaries with market access",
        "assumption: buyers' contracts and value chains",
        ge=0,
        le=5,
    )


# --------------------------------------------------------------------------------------------
# Forms of cooperation (composable; each switchable)
# --------------------------------------------------------------------------------------------


class Pool(Section):
    """Pooled funding: a joint campaign and an allocation rule."""

    awareness_effect: float = param(
        0.2,
        "extra effectiveness of joint-campaign spend (0 = none)",
        "assumption; range 0-1",
        ge=0,
        le=5,
        range=(0.0, 1.0),
    )
    campaign_cost_share: float = param(
        0.6,
        "joint campaign spend as a share of members' separate fundraising",
        "assumption: shared campaigns avoid duplicate outreach",
        ge=0,
        le=2,
    )
    allocation: Literal["need", "performance", "equal"] = param(
        "need", "rule", "MODEL.md: by need, by measured performance, or equally"
    )


class Alliance(Section):
    """Thematic alliances: shared registry within a theme, division of areas, coordination."""

    divide_areas: bool = param(True, "switch", "MODEL.md: alliances divide areas")
    coordination_cost: float = param(
        30_000.0,
        "rupiah per member per month per 1,000 households represented",
        "assumption: ~1-2% of a member's budget at two members (meetings, shared staff time); "
        "cluster coordination under 1% of aid is a lower bound (IASC 2010)",
        ge=0,
        range=(0.0, 200000.0),
        range_source="none to ~10% of a member's budget",
    )
    member_exponent: float = param(
        0.5,
        "elasticity of a member's coordination cost to the number of members",
        "assumption",
        ge=0,
        le=3,
    )
    divergence_weight: float = param(
        1.0,
        "extra coordination cost per unit of mission divergence",
        "assumption",
        ge=0,
        le=20,
    )
    work_plan: bool = param(False, "switch", "MODEL.md: a clear work plan (roles, indicators)")
    work_plan_cut: float = param(
        0.3,
        "share of coordination cost a work plan removes",
        "assumption",
        ge=0,
        le=1,
    )


class Partnership(Section):
    """Public and private partnership."""

    government: bool = param(False, "switch", "MODEL.md: government partnership")
    business: bool = param(False, "switch", "MODEL.md: private partnership")
    cofunding_share: float = param(
        0.25,
        "government rupiah per rupiah of partners' direct programme spend",
        "assumption: matching grants of regional governments (APBD)",
        ge=0,
        le=5,
    )
    infrastructure_cut: float = param(
        0.2,
        "share of delivery cost removed by government infrastructure",
        "assumption: Puskesmas, schools, village offices as delivery points",
        ge=0,
        le=1,
    )


class Knowledge(Section):
    """Knowledge exchange forums."""

    interval_months: int = param(6, "months between forums", "assumption", ge=1, le=120)
    forum_cost: float = param(
        500_000.0,
        "rupiah per member per forum per 1,000 households represented",
        "assumption",
        ge=0,
    )
    learning_rate: float = param(
        0.2,
        "share of the gap to the best practice closed per forum",
        "assumption; range 0-1",
        ge=0,
        le=1,
        range=(0.0, 0.5),
        range_source="assumption",
    )


class Monitoring(Section):
    """Periodic monitoring and evaluation."""

    interval_months: int = param(12, "months between evaluations", "assumption", ge=1, le=120)
    cost_share: float = param(
        0.05,
        "share of the period's direct programme spend",
        "assumption: 3-10% of programme budgets is common for M&E",
        ge=0,
        le=1,
    )
    measurement_noise: float = param(
        0.1, "sd of measured relative cost-effectiveness", "assumption", ge=0, le=2
    )


class Trust(Section):
    """Trust between coalition members."""

    initial: float = param(0.7, "0-1", "assumption", ge=0, le=1)
    speed: float = param(
        0.1,
        "share of the gap to the signal closed per month",
        "assumption",
        ge=0,
        le=1,
        range=(0.02, 0.3),
        range_source="assumption",
    )
    results_weight: float = param(
        0.3,
        "weight of delivered results (vs transparency) in the trust signal",
        "assumption",
        ge=0,
        le=1,
    )
    threshold: float = param(
        0.4,
        "members leave the coalition below this trust",
        "assumption; MODEL.md: coalitions can collapse",
        ge=0,
        le=1,
        range=(0.2, 0.6),
        range_source="assumption",
    )
    transparency_multiplier: float = param(
        1.0,
        "multiple of each member's transparency in this scenario",
        "assumption: how openly coalition members report money and results",
        ge=0,
        le=2,
    )


class Cooperation(Section):
    """Which forms of cooperation a scenario switches on (all off: competition)."""

    information: Literal["private", "theme", "coalition", "registry"] = param(
        "private",
        "whose beneficiary lists an institution sees",
        "MODEL.md: private lists / shared within a theme / coalition-wide / government registry",
    )
    funding: Literal["competitive", "pooled"] = param(
        "competitive", "regime", "MODEL.md: competitive fundraising or a pooled fund"
    )
    alliance_enabled: bool = param(False, "switch", "MODEL.md: thematic alliance")
    knowledge_enabled: bool = param(False, "switch", "MODEL.md: knowledge exchange")
    monitoring_enabled: bool = param(False, "switch", "MODEL.md: monitoring and evaluation")
    case_management: bool = param(
        False, "switch", "MODEL.md: bundles across themes under full synergy"
    )
    pool: Pool = Pool()
    alliance: Alliance = Alliance()
    partnership: Partnership = Partnership()
    knowledge: Knowledge = Knowledge()
    monitoring: Monitoring = Monitoring()
    trust: Trust = Trust()


# --------------------------------------------------------------------------------------------
# The scenario
# --------------------------------------------------------------------------------------------


class Scenario(Section):
    """One Sinergi scenario: every parameter of a run."""

    name: str = Field("unnamed", max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    months: int = param(120, "months", "MODEL.md: default horizon of 10 years", ge=1, le=6000)
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

    def content_hash(self) -> str:
        """Hash of the canonical scenario content (name and description excluded).

        Returns:
            16 hexadecimal characters identifying what the scenario computes.
        """
        data = self.model_dump(mode="json", exclude={"name", "description"})
        blob = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def scenario_dirs() -> list[Path]:
    """Folders searched for scenario names, in order.

    ``$SINERGI_SCENARIOS`` (if set), ``./scenarios`` and the project's own ``scenarios/``.
    """
    dirs = []
    if os.environ.get("SINERGI_SCENARIOS"):
        dirs.append(Path(os.environ["SINERGI_SCENARIOS"]))
    dirs.append(Path.cwd() / "scenarios")
    dirs.append(PACKAGE_SCENARIOS)
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in out:
            out.append(d.resolve())
    return out


def available_scenarios() -> list[str]:
    """Names of the scenarios (not presets) that can be loaded by name."""
    names: set[str] = set()
    for d in scenario_dirs():
        names.update(p.stem for p in d.glob("*.toml"))
    return sorted(names)


def resolve_scenario_path(
    name_or_path: str | os.PathLike[str], relative_to: Path | None = None
) -> Path:
    """Find the file of a scenario given by name or path.

    Args:
        name_or_path: A scenario name (``competition``), a preset name (``indonesia_2024``)
            or a path to a TOML file.
        relative_to: Folder against which a relative path is resolved (the extending file's).

    Returns:
        The absolute path of the TOML file.

    Raises:
        ScenarioError: When no such file exists.
    """
    text = str(name_or_path)
    looks_like_path = text.endswith(".toml") or os.sep in text or "/" in text
    if looks_like_path:
        candidates = [Path(text)]
        if relative_to is not None and not Path(text).is_absolute():
            candidates.insert(0, relative_to / text)
        for c in candidates:
            if c.is_file():
                return c.resolve()
        if not text.endswith(".toml"):
            for c in candidates:
                if c.with_suffix(".toml").is_file():
                    return c.with_suffix(".toml").resolve()
        raise ScenarioError(f"{text}: no such scenario file")
    for d in ([relative_to] if relative_to else []) + scenario_dirs():
        for sub in ("", "presets"):
            c = d / sub / f"{text}.toml"
            if c.is_file():
                return c.resolve()
    known = ", ".join(available_scenarios()) or "none"
    raise ScenarioError(
        f"{text}: unknown scenario (known: {known}; or give a path to a .toml file)"
    )


MAX_NESTING = 32
"""Deepest nesting of tables and arrays a scenario file may have (a scenario needs 4)."""


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file (scenario files are TOML)") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:  # arrays or inline tables nested thousands deep
        raise ScenarioError(f"{path}: not valid TOML (nested too deeply)") from None
    except ValueError as exc:  # tomllib lets int()'s digit limit through (> 4,300 digits)
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:  # iteratively: the checks after this one recurse
        node, depth, where = stack.pop()
        if depth > MAX_NESTING:
            raise ScenarioError(
                f"{path}: field '{where}': tables or arrays nested more than {MAX_NESTING} deep"
            )
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend(
            (v, depth + 1, f"{where}.{k}" if where else str(k))
            for k, v in items
            if isinstance(v, (dict, list))
        )
    return data


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``over`` into ``base``: tables merge field by field, everything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve_raw(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a file and everything it extends, merged (the extending file wins)."""
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(f"{path}: field 'extends': cyclic inheritance ({cycle})")
    if len(chain) > 32:
        raise ScenarioError(f"{path}: field 'extends': inheritance deeper than 32 files")
    data = _read_toml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent:
        raise ScenarioError(
            f"{path}: field 'extends': must be a scenario name or a path, got {parent!r}"
        )
    try:
        parent_path = resolve_scenario_path(parent, relative_to=path.parent)
    except ScenarioError as exc:
        raise ScenarioError(f"{path}: field 'extends': {exc}") from None
    return deep_merge(_resolve_raw(parent_path, (*chain, path)), data)


def overrides_to_tree(overrides: Mapping[str, Any], source: str = "overrides") -> dict[str, Any]:
    """Turn ``{"population.households": 5}`` into ``{"population": {"households": 5}}``.

    Args:
        overrides: Dotted field paths mapped to values.
        source: Name used in error messages (a file, a flag).

    Returns:
        A nested dictionary.

    Raises:
        ScenarioError: When a key is empty or malformed.
    """
    tree: dict[str, Any] = {}
    for dotted, value in overrides.items():
        parts = str(dotted).split(".")
        if not all(parts):
            raise ScenarioError(f"{source}: field '{dotted}': not a dotted field path")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ScenarioError(f"{source}: field '{dotted}': conflicts with another override")
        node[parts[-1]] = value
    return tree


def _allowed(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """List the fields allowed at ``loc`` (for unknown-field messages)."""
    cls: Any = model_cls
    for part in loc[:-1]:
        field = cls.model_fields.get(part) if hasattr(cls, "model_fields") else None
        if field is None:
            return ""
        cls = field.annotation
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            return ""
    return ", ".join(cls.model_fields)


def _describe_error(err: Mapping[str, Any], cls: type[BaseModel], data: Mapping[str, Any]) -> str:
    loc = tuple(err.get("loc", ()))
    field = ".".join(str(p) for p in loc) or "(top level)"
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        allowed = _allowed(cls, loc)
        return f"field '{field}': unknown field (allowed here: {allowed})"
    got = err.get("input")
    got_text = repr(got) if not isinstance(got, Mapping) else "a table"
    if len(got_text) > 60:
        got_text = got_text[:57] + "..."
    msg = str(err.get("msg", "invalid")).replace("Value error, ", "")
    if kind == "model_type" or kind == "dict_type":
        msg = "must be a table of fields"
    return f"field '{field}': {msg} (got {got_text})"


def validate_scenario(data: Mapping[str, Any], source: str) -> Scenario:
    """Validate a merged raw scenario and turn errors into one line.

    Args:
        data: The merged TOML content (``extends`` already resolved).
        source: The file (or other origin) named in error messages.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: With the file, the first offending field and what is allowed.
    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = _describe_error(errors[0], Scenario, data)
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ScenarioError(f"{source}: {first}{more}") from None


MAX_MAGNITUDE = 1e15
"""Largest magnitude of any number in a scenario (rupiah amounts are per 1,000 households).

Larger values (or infinities, which pass ``ge=0`` constraints) would overflow the run's
float32 household arrays or its ledger and silently give infinities; they are refused here.
"""


def _check_finite(tree: Any, source: str, path: str = "") -> None:
    """Refuse NaN, infinities and absurd magnitudes anywhere (tables and lists alike)."""
    if isinstance(tree, Mapping):
        for k, v in tree.items():
            _check_finite(v, source, f"{path}.{k}" if path else str(k))
    elif isinstance(tree, list):
        for k, v in enumerate(tree):
            _check_finite(v, source, f"{path}.{k}")
    elif isinstance(tree, float) and not math.isfinite(tree):
        raise ScenarioError(f"{source}: field '{path}': must be a finite number (got {tree})")
    elif isinstance(tree, (int, float)) and not isinstance(tree, bool):
        if abs(tree) > MAX_MAGNITUDE:
            got = f"{tree:.3g}" if isinstance(tree, float) or abs(tree) < 10**30 else "> 1e30"
            raise ScenarioError(
                f"{source}: field '{path}': must be at most {MAX_MAGNITUDE:.0e} in magnitude "
                f"(got {got})"
            )


def load_scenario(
    name_or_path: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None
) -> Scenario:
    """Load, merge, override and validate a scenario.

    Args:
        name_or_path: A name in ``scenarios/`` (or ``scenarios/presets/``) or a path to a TOML
            file.
        overrides: Dotted field paths mapped to values, validated like the file, e.g.
            ``{"population.households": 100_000, "months": 12}``.

    Returns:
        The validated :class:`Scenario`.

    Raises:
        ScenarioError: One line naming the file, the field and what is allowed.
    """
    path = resolve_scenario_path(name_or_path)
    data = _resolve_raw(path)
    data.setdefault("name", path.stem)
    source = str(path)
    _check_finite(data, source)
    if overrides:
        tree = overrides_to_tree(overrides)
        _check_finite(tree, "overrides")
        try:
            validate_scenario(data, source)
        except ScenarioError:
            raise
        data = deep_merge(data, tree)
        source = f"{path} with overrides"
    return validate_scenario(data, source)


def uncertain_parameters(model_cls: type[BaseModel] | None = None) -> dict[str, dict[str, Any]]:
    """Parameters with an uncertainty range, by dotted path (sections walked recursively).

    Returns:
        ``{"assets.trap_strength": {"range": (0.0, 1.0), "default": 1.0, "unit": ...,
        "source": ...}, ...}`` for every field declared with ``param(..., range=...)``.
    """
    out: dict[str, dict[str, Any]] = {}

    def walk(cls: type[BaseModel], prefix: str) -> None:
        for name, info in cls.model_fields.items():
            ann = info.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, f"{prefix}{name}.")
                continue
            extra = info.json_schema_extra
            if isinstance(extra, dict) and "range" in extra:
                lo, hi = extra["range"]  # type: ignore[misc]
                out[f"{prefix}{name}"] = {
                    "range": (float(lo), float(hi)),
                    "default": info.default,
                    "unit": extra.get("unit", ""),
                    "source": extra.get("source", ""),
                }

    walk(model_cls or Scenario, "")
    return out

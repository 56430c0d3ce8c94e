"""Schema: demography, schooling, seasons, local spillovers and survey measurement.

Rates are per year where the unit says so; money is rupiah at March 2024 prices.
"""

from __future__ import annotations

from sim.scenario.base import Section, param


class Demography(Section):
    """Ageing, births, deaths and adults leaving to form households outside the panel."""

    enabled: bool = param(True, "switch", "assumption: demography is on by default")
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

    enabled: bool = param(True, "switch", "assumption: schooling is on by default")
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
    cohorts_keep_level: bool = param(
        True,
        "switch",
        "assumption (0.3.0): "
        "new adults bring their household's adult schooling plus what "
        "their basic schooling deviates from the household's at the start (enrolment shocks "
        "and programmes move it), so the baseline's schooling is stationary and the secular "
        "rise of Indonesian schooling is part of fitted growth; off, they add "
        "post_basic_years to it, as in 0.2",
    )
    school_year_calendar_month: int = param(
        7,
        "calendar month (1-12)",
        "assumption: the Indonesian school year starts in July",
        ge=1,
        le=12,
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

    enabled: bool = param(
        True, "switch", "assumption: on by default, as Egger et al. 2022 find local spillovers"
    )
    nonrecipient_multiplier: float = param(
        1.32,
        "rupiah of non-recipient earnings per rupiah injected, before the second round of "
        "assets non-recipients buy with it",
        "Egger et al. 2022 (Econometrica 90(6)): of a 2.5 total multiplier ~1.5 beyond "
        "recipients; set so the model returns 1.5 at an injection of 15% of local GDP "
        "(sim.analysis.trial.spillover_calibration; calibrated, not validated)",
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
        0.18,
        "log points",
        "assumption: classical measurement error in Susenas-type consumption (Deaton 1997), "
        "6-10% of the variance of log consumption. Bounded by BPS's thin lower tail: with "
        "0.2's 0.25 (then tuned with the shocks to churning) the start's fitted potential "
        "collapses its poorest 7% to one value and still measures 0.3 points too few poor "
        "(sim.analysis.potential)",
        ge=0,
        le=2,
        range=(0.1, 0.25),
        range_source="from a careful diary survey to 0.2's value",
    )
    as_surveyed: bool = param(
        True,
        "switch",
        "BPS's Susenas figures are consumption as measured, survey error included (Deaton "
        "1997): "
        "the recorded poverty figures, the registry's "
        "re-surveys and institutions' surveys read consumption as a survey measures it "
        "(sim.world.measurement); off, they read true consumption as in 0.2",
    )
    equivalence_elasticity: float = param(
        0.75,
        "elasticity of needs to household size",
        "Deaton & Paxson 1998 (JPE) sensitivity; 1 = per capita",
        ge=0,
        le=1,
    )

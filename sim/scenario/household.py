"""Schema: the household's economy: shocks, health, income, assets and consumption.

Money is rupiah at March 2024 prices; rates are per month unless the name says otherwise.
"""

from __future__ import annotations

from sim.scenario.base import Section, param


class Shocks(Section):
    """Idiosyncratic and covariate income shocks."""

    enabled: bool = param(True, "switch", "assumption: shocks are on by default")
    persistent_rho: float = param(
        0.9752,
        "monthly autocorrelation",
        "Newhouse 2005 (Review of Development Economics 9(3), IFLS rural Indonesia 1993-97): "
        "30% of an income shock remains after four years, 0.30^(1/48) = 0.9752 a month",
        ge=0,
        lt=1,
    )
    persistent_sd: float = param(
        0.0553,
        "log points per month (innovation sd)",
        "assumption: a stationary sd of 0.25 log points (0.0553 = 0.25 x sqrt(1 - 0.9752^2)), "
        "a persistent part of 11-20% of the cross-sectional variance of log consumption "
        "(urban 0.55, rural 0.31); never fitted to churning or mobility, which are checks",
        ge=0,
        le=1,
        range=(0.0332, 0.0774),
        range_source="stationary sd 0.15-0.35",
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
        "per village per month",
        "assumption: a harvest failure or disaster about once in 8 years per rural village",
        ge=0,
        le=1,
    )
    covariate_prob_urban: float = param(
        0.004,
        "per village per month",
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
    village_households: int = param(
        850,
        "real households per village",
        "BPS/Kemendagri: about 71 million households (270 million persons, SP2020, 3.8 a "
        "household) in 83,971 desa and kelurahan (Kemendagri 2023). Covariate shocks hit "
        "villages, the unit of Indonesian shock modules (IFLS, Susenas) and of most floods "
        "and harvest failures; 0.2 hit a whole model sub-district, which at the default "
        "district (15,000 households a sub-district) made one flood move the district's P0 "
        "by 0.3 points",
        ge=1,
    )


class Health(Section):
    """Health shocks, out-of-pocket costs, lost earnings and insurance."""

    enabled: bool = param(True, "switch", "assumption: health shocks are on by default")
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
        "assumption: insurance removes the out-of-pocket part",
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
    earner_elasticity: float = param(
        0.3,
        "elasticity of household labour earnings to earners per member (earnings scale as "
        "earners ** e x members ** (1 - e))",
        "fitted (sim.calibrate) to BPS March 2024's lower tail: 1 = each earner earns the "
        "same whatever the household's needs (0.2); below 1, households with more members "
        "per earner earn more per earner (more hours, family work), so per-capita "
        "consumption moves as (earners / members) ** e. At 0.5 or above the life cycle "
        "alone spreads the lower tail beyond BPS's P2 whatever the potential (the fit of "
        "the start stalls 0.1 log points away); at 0.3 it converges",
        ge=0,
        le=1,
        range=(0.2, 0.5),
        range_source="assumption: around the fit, up to where no start fits",
    )
    elderly_earner_weight: float = param(
        0.3,
        "earner equivalents of a member aged 65+ (adults count 1)",
        "assumption: older members earn part of an adult's labour income",
        ge=0,
        le=1,
    )


class Assets(Section):
    """Productive assets with a non-convex technology (Carter & Barrett 2006).

    Asset income is max(low_return * k, high_productivity * k ** high_elasticity - fixed_cost),
    with fixed_cost = trap_strength * high_fixed_cost. Assets move as
    dk = reinvest_share * asset_income + labour_invest_share * labour - depreciation * k.
    The tipping point follows from these parameters, never from a rule. Part of
    depreciation arrives as lumpy losses (loss_prob, loss_share); households with cash above
    their buffer buy assets when the purchase's net return clears invest_hurdle.
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
        0.015,
        "per month (expected: wear plus the expected loss from loss_prob x loss_share)",
        "assumption: ~17%/year for livestock and tools",
        ge=0,
        le=1,
    )
    loss_prob: float = param(
        0.004,
        "per household per month",
        "assumption: about one household in twenty a year loses part of its productive "
        "assets at once (an animal dies or is stolen, a fire or flood, a failed stock); "
        "part of depreciation arrives this way, so the expected rate stays depreciation. "
        "Transferred assets are not protected: graduation households lost livestock too "
        "(Banerjee et al. 2015, Science 348)",
        ge=0,
        le=1,
        range=(0.0, 0.01),
        range_source="no lumpy losses (all depreciation is smooth wear) to one in eight a year",
    )
    loss_share: float = param(
        0.5,
        "share of the household's productive assets lost in one event",
        "assumption: half the herd or stock (one of two or three animals)",
        ge=0,
        le=1,
    )
    cash_invest_share: float = param(
        0.5,
        "share of cash on hand above the buffer (consumption.buffer_months) spent on "
        "productive assets when the purchase clears assets.invest_hurdle",
        "assumption: about half of a windfall goes into productive assets when it pays; "
        "cash grants to microenterprises were partly invested, partly consumed (de Mel, "
        "McKenzie & Woodruff 2008, QJE 123(4); Fafchamps et al. 2014, JDE 106); lump-sum "
        "recipients of GiveDirectly's transfers bought more durables and livestock than "
        "monthly ones (Haushofer & Shapiro 2016, QJE 131(4)); 0 = no purchases out of cash",
        ge=0,
        le=1,
        range=(0.0, 1.0),
        range_source="no purchases out of cash (0.3.0) to all of the excess",
    )
    invest_hurdle: float = param(
        0.01,
        "per month, net of depreciation",
        "assumption: the household's cost of funds, between subsidised KUR microcredit "
        "(6%/year) and commercial microloans (~20-25%/year)",
        ge=0,
        le=1,
        range=(0.005, 0.03),
        range_source="KUR's 6%/year to informal credit's ~40%/year",
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

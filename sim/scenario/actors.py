"""Schema: the social institutions of the roster, the donors and the business partner.

Amounts that scale with the population are per 1,000 households represented.
"""

from __future__ import annotations

from pydantic import Field

from sim.scenario.base import Section, param
from sim.scenario.programmes import ProgrammeKind, Theme


class Institution(Section):
    """One social institution (NGO, foundation, zakat body, charity)."""

    name: str = Field(
        ...,
        max_length=60,
        pattern=r"^[A-Za-z0-9_.\-]+$",
        json_schema_extra={"unit": "identifier", "source": "scenario file"},
    )
    theme: Theme = Field(
        ..., json_schema_extra={"unit": "theme", "source": "assumption: the model's four themes"}
    )
    programme: ProgrammeKind = Field(
        ...,
        json_schema_extra={
            "unit": "programme kind",
            "source": "assumption: the model's programme kinds",
        },
    )
    budget: float = param(
        20_000_000.0,
        "rupiah per 1,000 households represented (opening balance)",
        "assumption: about six months of an average member's giving",
        ge=0,
        absolute=("budget_rp", 1),
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
        200_000.0,
        "rupiah per 1,000 households represented per month",
        "assumption: the roster of nine spends ~14% of giving (Donors.giving Rp 12.5 M) on "
        "fundraising (the amil share is capped at 12.5% of zakat)",
        ge=0,
        absolute=("fundraising_effort_rp_per_year", 12),
    )
    transparency: float = param(
        0.8,
        "share of money and results reported to partners (0-1)",
        "assumption",
        ge=0,
        le=1,
    )
    zakat_eligible: bool = param(
        False,
        "switch",
        "assumption: not unless the roster says so; zakat may go only to its eight eligible "
        "groups (asnaf)",
    )
    coalition: bool = param(
        True, "switch: joins the coalition when a scenario forms one", "assumption"
    )


class Donors(Section):
    """Private giving (sedekah, infaq, zakat) in the district."""

    giving: float = param(
        12_500_000.0,
        "rupiah per 1,000 households represented per month, at reference fundraising",
        "ZIS collected in 2023 Rp 33 T (BAZNAS chair, Antara, early 2024) over ~71 M households: "
        "Rp 38.7 M per 1,000 households a month; 94% distributed (Rp 20 T of Rp 21.3 T in "
        "2022, BAZNAS via IDX Channel); education, economy and health 34.1% of BAZNAS RI's "
        "2022 distribution (social-humanitarian aid, Rp 147,000 per beneficiary a year, and "
        "dakwah left out): 38.7 x 0.94 x 0.341 = Rp 12.4 M (docs/VALIDATION.md, Reach that "
        "fits the money)",
        ge=0,
        absolute=("giving_rp_per_year", 12),
    )
    reference_fundraising: float = param(
        1_800_000.0,
        "rupiah per 1,000 households per month",
        "assumption: the roster's total fundraising effort (9 x Rp 200,000)",
        gt=0,
        absolute=("reference_fundraising_rp_per_year", 12),
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
        "assumption: zakat was 50% of Dompet Dhuafa's Rp 394.3 B collected in 2022 (goodmoney.id, "
        "2023); assumed for the district's giving",
        ge=0,
        le=1,
    )


class Business(Section):
    """A private partner: CSR money, and training and market access for livelihoods.

    The business spends its CSR money in every scenario (PP 47/2012 obliges companies in
    natural resources to spend on social and environmental responsibility): without a
    partnership the institutions contest it like other non-zakat giving; a business
    partnership directs ``cooperation.partnership.csr_directed_share`` of it to the livelihood
    members. Training is paid out of the members' money at ``training_cost`` per trainee;
    market access is a sourced strength whose range reaches zero.
    """

    csr_funds: float = param(
        5_000_000.0,
        "rupiah per 1,000 households represented per month, spent in every scenario",
        "assumption: CSR under PP 47/2012 directed to community development (Rp 60 M per "
        "1,000 households a year, about Rp 4 T nationally)",
        ge=0,
        range=(0.0, 10_000_000.0),
        range_source="assumption: none to double",
        absolute=("csr_funds_rp_per_year", 12),
    )
    training_skill: float = param(
        0.5,
        "extra skill units for graduation beneficiaries of members under a business partnership",
        "assumption: business-run vocational training, half the graduation's own course",
        ge=0,
        le=10,
        range=(0.0, 1.0),
        range_source="assumption: no gain to a full course",
    )
    training_cost: float = param(
        3_500_000.0,
        "rupiah per trainee, paid by the member with the enrolment (spent_delivery)",
        "Kartu Prakerja 2023: training benefit Rp 3.5 M per participant (Kemenko "
        "Perekonomian); zero when training_skill is zero",
        ge=0,
    )
    market_access_return: float = param(
        0.2,
        "relative rise of asset income of graduation beneficiaries with market access, while "
        "enrolled",
        "assumption: buyers' contracts and value chains; DrumNet's export-crop linkage raised "
        "adopters' income ~32% and then collapsed (Ashraf, Gine & Karlan 2009, AJAE 91(4))",
        ge=0,
        le=5,
        range=(0.0, 0.3),
        range_source="no gain (DrumNet after its buyer left) to DrumNet's first-year gain",
    )

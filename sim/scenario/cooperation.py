"""Schema: the forms of cooperation (composable, each switchable) and trust between members.

The pooled fund, the thematic alliance, public and private partnership, knowledge exchange,
monitoring and evaluation, and trust; ``Cooperation`` says which are on (all off: competition).
"""

from __future__ import annotations

from typing import Literal

from sim.scenario.base import Section, param


class Pool(Section):
    """Pooled funding: a joint campaign and an allocation rule."""

    awareness_effect: float = param(
        0.2,
        "extra effectiveness of joint-campaign spend (0 = none)",
        "assumption: joint campaigns reach donors no single member reaches; range 0-1",
        ge=0,
        le=5,
        range=(0.0, 1.0),
    )
    campaign_cost_share: float = param(
        0.6,
        "joint campaign spend as a share of members' separate fundraising",
        "assumption: shared campaigns avoid duplicate outreach (1 = no saving, the zero point)",
        ge=0,
        le=2,
        range=(0.4, 1.0),
        range_source="assumption: from a 60% saving to none",
    )
    allocation: Literal["need", "performance", "equal", "as_raised"] = param(
        "need",
        "rule",
        "assumption: by need (the others: measured performance, equal shares, or as_raised: "
        "each member gets what its own fundraising would win competing, the zero point)",
    )


class Alliance(Section):
    """Thematic alliances: shared registry within a theme, division of areas, coordination."""

    share_lists: bool = param(
        True,
        "switch",
        "assumption: members of a theme share one beneficiary list (off: the zero point)",
    )
    divide_areas: bool = param(True, "switch", "assumption: alliances divide areas")
    coordination_cost: float = param(
        30_000.0,
        "rupiah per member per month per 1,000 households represented",
        "assumption: ~1-2% of a member's budget at two members (meetings, shared staff time); "
        "cluster coordination under 1% of aid is a lower bound (IASC 2010)",
        ge=0,
        range=(0.0, 200000.0),
        range_source="none to ~10% of a member's budget",
        absolute=("coordination_cost_rp_per_year", 12),
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
    work_plan: bool = param(
        False,
        "switch",
        "assumption: no agreed work plan (roles, indicators) unless a scenario sets one",
    )
    work_plan_cut: float = param(
        0.3,
        "share of coordination cost a work plan removes",
        "assumption",
        ge=0,
        le=1,
    )


class Partnership(Section):
    """Public and private partnership."""

    government: bool = param(
        False, "switch", "assumption: off unless a scenario forms a government partnership"
    )
    business: bool = param(
        False, "switch", "assumption: off unless a scenario forms a private partnership"
    )
    cofunding_share: float = param(
        0.25,
        "government rupiah per rupiah of partners' direct programme spend",
        "assumption: matching grants of regional governments (APBD hibah/bansos); government "
        "money brought in only by partnership, counted at its cost in value for money",
        ge=0,
        le=5,
        range=(0.0, 0.5),
        range_source="assumption: no matching to one rupiah per two",
    )
    infrastructure_cut: float = param(
        0.2,
        "share of delivery cost removed by government infrastructure",
        "assumption: Puskesmas, schools, village offices as delivery points (the rooms and "
        "staff time are the government's, not priced)",
        ge=0,
        le=1,
        range=(0.0, 0.3),
        range_source="assumption: none to 30% of delivery cost",
    )
    registry: bool = param(
        True,
        "switch",
        "assumption: partners read the government's social registry (DTSEN/DTKS) under a "
        "data-sharing agreement (off: the zero point)",
    )
    csr_directed_share: float = param(
        1.0,
        "share of the business's CSR money directed to the livelihood members (the rest is "
        "contested by every institution, as under competition)",
        "assumption: a partnership channels the partner's CSR; 0 = the zero point",
        ge=0,
        le=1,
        range=(0.0, 1.0),
        range_source="none directed to all",
    )


class Knowledge(Section):
    """Knowledge exchange forums."""

    interval_months: int = param(6, "months between forums", "assumption", ge=1, le=120)
    forum_cost: float = param(
        500_000.0,
        "rupiah per member per forum per 1,000 households represented",
        "assumption: a one-day meeting with travel for two staff",
        ge=0,
        range=(250_000.0, 1_000_000.0),
        range_source="assumption: half to double",
        absolute=("forum_cost_rp", "cooperation.knowledge.interval_months"),
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
        range=(0.03, 0.1),
        range_source="3-10% of programme budgets",
    )
    measurement_noise: float = param(
        0.1, "sd of measured relative cost-effectiveness", "assumption", ge=0, le=2
    )
    reputation_weight: float = param(
        0.5,
        "weight w of an evaluation in the donor-facing reputation: reputation <- "
        "(1 - w) x reputation + w x transparency x measured performance",
        "assumption: donors weigh the last evaluation as much as what they believed before",
        ge=0,
        le=1,
        range=(0.0, 1.0),
        range_source="donors ignore evaluations to follow only the last one",
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
        "assumption: below it members leave, so coalitions can collapse",
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
        "assumption: private lists unless a scenario shares them (within a theme, "
        "coalition-wide, or the government registry)",
    )
    funding: Literal["competitive", "pooled"] = param(
        "competitive", "regime", "assumption: competitive fundraising unless a scenario pools it"
    )
    alliance_enabled: bool = param(
        False, "switch", "assumption: off unless a scenario forms a thematic alliance"
    )
    knowledge_enabled: bool = param(
        False, "switch", "assumption: off unless a scenario holds knowledge forums"
    )
    monitoring_enabled: bool = param(
        False, "switch", "assumption: off unless a scenario runs monitoring and evaluation"
    )
    case_management: bool = param(
        False, "switch", "assumption: off; full synergy bundles programmes across themes"
    )
    case_management_priority: float = param(
        10.0,
        "log points subtracted from the targeting score of a household that coalition members "
        "of other themes already serve (lower scores are served first)",
        "assumption: large enough that such households come first (bundles)",
        ge=0,
        le=100,
        range=(0.0, 10.0),
        range_source="no priority to first in line",
    )
    pool: Pool = Pool()
    alliance: Alliance = Alliance()
    partnership: Partnership = Partnership()
    knowledge: Knowledge = Knowledge()
    monitoring: Monitoring = Monitoring()
    trust: Trust = Trust()

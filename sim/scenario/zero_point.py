"""The zero point of each mechanism of cooperation: its strengths and costs at zero.

Every way cooperation can change poverty is one of eight mechanisms, each a set of scenario
fields with a zero value. At a mechanism's zero point its strengths and costs are zero and each
member keeps the money it would raise and hold under competition; a scenario with all its
mechanisms at zero equals ``competition`` exactly, month by month (``tests/test_zero_point.py``,
one test per form of cooperation). Attribution (``sim.analysis.attribution``) switches the
mechanisms on and off one set at a time.

The mechanisms (ODD section 7.8 names each form's zero point):

- ``money``: CSR the partnership directs to the livelihood members
  (``partnership.csr_directed_share``) and the government's matching funds
  (``partnership.cofunding_share``);
- ``partner_services``: the business's training and market access, and the government's
  infrastructure discount on delivery;
- ``registry``: partners reading the government's social registry;
- ``shared_lists``: beneficiary lists shared within a theme or the coalition, and alliances
  dividing areas;
- ``bundles``: case management's priority and the complementarity of bundles;
- ``learning``: knowledge exchange's learning;
- ``allocation``: who gets the money: the pool's rule (``as_raised`` at zero), its joint
  campaign's awareness effect and saving, donors following evaluations;
- ``coordination_cost``: what coordination, forums and M&E cost.
"""

from __future__ import annotations

from typing import Any

from sim.scenario.files import deep_merge, overrides_to_tree
from sim.scenario.schema import Scenario

MECHANISMS = (
    "money",
    "partner_services",
    "registry",
    "shared_lists",
    "bundles",
    "learning",
    "allocation",
    "coordination_cost",
)
"""The mechanisms of cooperation, in the order attribution reports them."""


def zero_overrides(sc: Scenario) -> dict[str, dict[str, Any]]:
    """The fields each mechanism sets at its zero point, by mechanism (dotted paths).

    Args:
        sc: The scenario (the registry's and the lists' zero depend on its information regime).

    Returns:
        ``{mechanism: {dotted path: zero value}}`` for every mechanism of :data:`MECHANISMS`.
    """
    info = sc.cooperation.information
    return {
        "money": {
            "cooperation.partnership.csr_directed_share": 0.0,
            "cooperation.partnership.cofunding_share": 0.0,
        },
        "partner_services": {
            "business.training_skill": 0.0,
            "business.market_access_return": 0.0,
            "cooperation.partnership.infrastructure_cut": 0.0,
        },
        "registry": {
            "cooperation.partnership.registry": False,
            **({"cooperation.information": "private"} if info == "registry" else {}),
        },
        "shared_lists": {
            "cooperation.alliance.share_lists": False,
            "cooperation.alliance.divide_areas": False,
            **({"cooperation.information": "private"} if info in ("theme", "coalition") else {}),
        },
        "bundles": {
            "cooperation.case_management_priority": 0.0,
            "programmes.complementarity": 0.0,
        },
        "learning": {"cooperation.knowledge.learning_rate": 0.0},
        "allocation": {
            "cooperation.pool.allocation": "as_raised",
            "cooperation.pool.awareness_effect": 0.0,
            "cooperation.pool.campaign_cost_share": 1.0,
            "cooperation.monitoring.reputation_weight": 0.0,
        },
        "coordination_cost": {
            "cooperation.alliance.coordination_cost": 0.0,
            "cooperation.knowledge.forum_cost": 0.0,
            "cooperation.monitoring.cost_share": 0.0,
        },
    }


def in_use(sc: Scenario) -> list[str]:
    """The mechanisms the scenario's forms of cooperation switch on and set away from zero.

    A mechanism outside this list changes nothing in ``sc``'s runs (its forms are off or its
    fields are already at zero), so it contributes exactly zero to any attribution.
    """
    c = sc.cooperation
    p = c.partnership
    pooled = c.funding == "pooled"
    on = {
        "money": p.business or p.government,
        "partner_services": p.business or p.government,
        "registry": p.government or c.information == "registry",
        "shared_lists": c.alliance_enabled or c.information in ("theme", "coalition"),
        "bundles": c.case_management,
        "learning": c.knowledge_enabled,
        "allocation": pooled or c.monitoring_enabled,
        "coordination_cost": pooled
        or c.alliance_enabled
        or c.case_management
        or c.knowledge_enabled
        or c.monitoring_enabled,
    }
    return [m for m in MECHANISMS if on[m] and zero_point(sc, [m]) != sc]


def with_overrides(sc: Scenario, overrides: dict[str, Any]) -> Scenario:
    """``sc`` with dotted-path ``overrides`` applied (validated again).

    Args:
        sc: The scenario.
        overrides: ``{dotted path: value}``.

    Returns:
        A new scenario.
    """
    if not overrides:
        return sc
    data = deep_merge(sc.model_dump(mode="python"), overrides_to_tree(overrides))
    return Scenario.model_validate(data)


def zero_point(sc: Scenario, mechanisms: tuple[str, ...] | list[str] | None = None) -> Scenario:
    """``sc`` with the given mechanisms (all by default) at their zero point.

    Args:
        sc: The scenario.
        mechanisms: Names from :data:`MECHANISMS`.

    Returns:
        The scenario at the zero point of those mechanisms.

    Raises:
        ValueError: For a name that is not a mechanism.
    """
    names = MECHANISMS if mechanisms is None else tuple(mechanisms)
    unknown = sorted(set(names) - set(MECHANISMS))
    if unknown:
        raise ValueError(f"unknown mechanisms {unknown}; known: {', '.join(MECHANISMS)}")
    zeros = zero_overrides(sc)
    over: dict[str, Any] = {}
    for name in names:
        over.update(zeros[name])
    return with_overrides(sc, over)

"""Forms of cooperation: donors and pooled funds, alliances, trust, knowledge exchange, M&E.

Each mechanism is a small function over the institutions (tens of them, so plain Python loops
are fine) and is switched by the scenario's ``cooperation`` section. Nothing here favours
cooperation by construction: every strength (awareness effect, donor elasticity, learning rate,
complementarity) is a parameter whose range includes zero, and every coordination structure
costs money.

Donor market (Aldashev & Verdier 2010): total giving G = giving x season x (F / F_ref) ** e,
where F is effective fundraising spend (a joint campaign counts (1 + awareness) times) and e the
donor elasticity (e = 0: a fixed pool, where fundraising only moves shares). Each fundraising
unit (an independent institution, or the pool) wins a share proportional to
spend ** share_exponent x reputation. Zakat (``zakat_share`` of giving) goes only to
zakat-eligible institutions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.scenario import Scenario

THEMES = ("education", "health", "livelihoods", "social_assistance")
AREAS = ("urban", "rural")

RAMADAN_MID_DAY = 24.0
"""Ramadan 1445 H was 11 March - 9 April 2024: its middle is day 24 after 1 March 2024."""
HIJRI_YEAR_DAYS = 354.37
MONTH_DAYS = 30.44


def is_ramadan(month: int) -> bool:
    """Whether month ``month`` of a run (month 0 = March 2024) is the Ramadan month.

    Ramadan moves about 11 days earlier each solar year; the Ramadan month is the run month
    whose middle lies closest to the middle of Ramadan.
    """
    mid = MONTH_DAYS * month + 15.0
    k = round((mid - RAMADAN_MID_DAY) / HIJRI_YEAR_DAYS)
    ramadan_mid = RAMADAN_MID_DAY + k * HIJRI_YEAR_DAYS
    return abs(mid - ramadan_mid) <= MONTH_DAYS / 2


def giving_season(sc: Scenario, month: int) -> float:
    """Seasonal factor of giving: Ramadan gets (1 + boost), the year averages one."""
    boost = sc.donors.ramadan_boost
    base = 12.0 / (12.0 + boost)
    return base * (1.0 + boost) if is_ramadan(month) else base


def total_giving(sc: Scenario, month: int, effective_fundraising: float, scale: float) -> float:
    """Rupiah given this month by the district's donors.

    Args:
        sc: Scenario.
        month: Month of the run.
        effective_fundraising: Fundraising spend this month, the campaign's counted with its
            awareness effect (rupiah).
        scale: Thousands of households represented.

    Returns:
        Rupiah of giving this month.
    """
    d = sc.donors
    ref = d.reference_fundraising * scale
    response = (effective_fundraising / ref) ** d.elasticity if d.elasticity > 0 else 1.0
    return d.giving * scale * giving_season(sc, month) * response


def contest_shares(spend: np.ndarray, reputation: np.ndarray, exponent: float) -> np.ndarray:
    """Shares of a donor market won by fundraising units (sum to one over eligible units).

    Share_i is proportional to spend_i ** exponent x reputation_i; when nobody spends, shares
    follow reputation alone.
    """
    spend = np.asarray(spend, dtype=np.float64)
    rep = np.asarray(reputation, dtype=np.float64)
    w = np.power(spend, exponent) * rep if spend.sum() > 0 else rep.copy()
    total = w.sum()
    if total <= 0:
        return np.zeros_like(w)
    return w / total


def mission_vector(theme: str, mission: dict[str, float], urban_share: float) -> np.ndarray:
    """Normalised weights over themes and areas (default: own theme, areas it reaches)."""
    themes = np.array([mission.get(t, 0.0) for t in THEMES], dtype=np.float64)
    if themes.sum() <= 0:
        themes = np.array([t == theme for t in THEMES], dtype=np.float64)
    areas = np.array([mission.get(a, 0.0) for a in AREAS], dtype=np.float64)
    if areas.sum() <= 0:
        areas = np.array([urban_share, 1 - urban_share])
    return np.concatenate([themes / themes.sum(), areas / areas.sum()]) / 2.0


def mission_divergence(vectors: Sequence[np.ndarray]) -> np.ndarray:
    """Each member's distance from the group's mean mission (half the L1 distance, 0-1)."""
    if len(vectors) == 0:
        return np.zeros(0)
    m = np.mean(vectors, axis=0)
    return np.array([0.5 * np.abs(v - m).sum() for v in vectors])


def coordination_cost(sc: Scenario, group_size: int, divergence: float, scale: float) -> float:
    """Monthly coordination cost of one member of a coalition (rupiah).

    Grows with the number of members (``member_exponent``) and the member's mission
    divergence; a clear work plan cuts it (``work_plan_cut``).
    """
    a = sc.cooperation.alliance
    if group_size < 2:
        return 0.0
    cost = a.coordination_cost * scale * group_size**a.member_exponent
    cost *= 1.0 + a.divergence_weight * divergence
    if a.work_plan:
        cost *= 1.0 - a.work_plan_cut
    return cost


def trust_signal(
    transparency: np.ndarray, members: np.ndarray, delivered_share: float, results_weight: float
) -> np.ndarray:
    """What each member observes of the others: their transparency and delivered results.

    Args:
        transparency: Transparency of every institution (0-1).
        members: Current members.
        delivered_share: Share of the members' spending so far that reached programmes (0-1).
        results_weight: Weight of delivered results in the signal.

    Returns:
        Signal per institution (0-1; meaningless for non-members).
    """
    n = int(members.sum())
    out = np.zeros(transparency.shape[0])
    if n < 2:
        return out
    total = transparency[members].sum()
    others = (total - transparency) / (n - 1)
    return (1 - results_weight) * others + results_weight * delivered_share


def update_trust(
    sc: Scenario, trust: np.ndarray, members: np.ndarray, signal: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Move trust towards the signal; members below the threshold leave.

    Returns:
        New trust and new membership. A coalition left with fewer than two members dissolves.
    """
    t = sc.cooperation.trust
    trust = np.where(members, trust + t.speed * (signal - trust), trust)
    members = members & (trust >= t.threshold)
    if members.sum() < 2:
        members = np.zeros_like(members)
    return trust, members


def learn(quality: np.ndarray, members: np.ndarray, rate: float) -> np.ndarray:
    """Knowledge exchange: members close ``rate`` of the gap to the best member's practice."""
    if members.sum() < 2 or rate == 0:
        return quality
    best = quality[members].max()
    return np.where(members, quality + rate * (best - quality), quality)


def true_performance(
    quality: np.ndarray, cost_factor: np.ndarray, overhead: np.ndarray
) -> np.ndarray:
    """Relative cost-effectiveness: good done per rupiah, relative to the mean institution."""
    perf = quality / (cost_factor * (1.0 + overhead))
    mean = perf.mean() if perf.size else 1.0
    return perf / mean if mean > 0 else perf


def measured_performance(true: np.ndarray, noise_sd: float, draws: np.ndarray) -> np.ndarray:
    """Monitoring and evaluation reveal cost-effectiveness, with measurement noise."""
    return true * np.exp(noise_sd * draws - 0.5 * noise_sd**2)


def pool_allocation(
    rule: str, members: np.ndarray, need: np.ndarray, performance: np.ndarray
) -> np.ndarray:
    """Shares of the pool for each institution (zero for non-members)."""
    if not members.any():
        return np.zeros(members.shape[0])
    if rule == "need":
        w = np.where(members, need, 0.0)
    elif rule == "performance":
        w = np.where(members, performance, 0.0)
    else:
        w = members.astype(np.float64)
    total = w.sum()
    if total <= 0:
        w = members.astype(np.float64)
        total = w.sum()
    return w / total


def coalition_formed(sc: Scenario) -> bool:
    """Whether the scenario forms a coalition at all."""
    c = sc.cooperation
    return (
        c.funding == "pooled"
        or c.alliance_enabled
        or c.knowledge_enabled
        or c.case_management
        or c.information in ("theme", "coalition")
        or c.partnership.government
        or c.partnership.business
    )


def pays_coordination(sc: Scenario) -> bool:
    """Coordination costs come with alliances and pooled funds (forums cost separately)."""
    c = sc.cooperation
    return c.alliance_enabled or c.funding == "pooled" or c.case_management

"""The donor market: how much the district gives each month and who wins it.

Donor market (Aldashev & Verdier 2010): total giving G = giving x season x (F / F_ref) ** e,
where F is effective fundraising spend (a joint campaign counts (1 + awareness) times) and e the
donor elasticity (e = 0: a fixed pool, where fundraising only moves shares). Each fundraising
unit (an independent institution, or the pool) wins a share proportional to
spend ** share_exponent x reputation. Zakat (``zakat_share`` of giving) goes only to
zakat-eligible institutions. A pool divides its money among its members by a rule
(:func:`pool_allocation`).
"""

from __future__ import annotations

import numpy as np

from sim.scenario import Scenario

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

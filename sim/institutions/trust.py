"""Trust between coalition members, and who stays a member.

Each month a member observes the others' transparency and the share of the members' spending
that reached programmes; trust moves towards that signal, and a member whose trust falls
below the threshold leaves. A coalition left with fewer than two members dissolves.
"""

from __future__ import annotations

import numpy as np

from sim.scenario import Scenario


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

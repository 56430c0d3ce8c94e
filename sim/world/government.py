"""The government's background programmes: PKH, BPNT and PBI-JKN, and contributory JKN.

The government enrols the lowest registry scores (``sim.world.registry``) in PKH (conditional
cash), BPNT (food assistance) and PBI-JKN (health insurance premiums paid by the state) up to
each programme's coverage, re-targeting every ``registry.retarget_months``. PKH pays by family
composition, BPNT a flat benefit. Targeting and the transfers are registered kernels
(``sim.kernels``): one compiled pass over the households, with the numpy form as reference.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import kernel, prange
from sim.kernels.sorting import stable_argsort
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households
from sim.world.registry import refresh_registry


def _pkh_total(
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_elderly: np.ndarray,
    max_components: int,
    young_child: float,
    elderly: float,
    school_child: float,
) -> np.ndarray:
    """PKH benefit per household by its components, capped at ``max_components`` (float32)."""
    comps = np.stack([n_young, n_school, n_elderly], axis=1).astype(np.int16)
    # fill components in order of value (young child, elderly, school child) up to the cap
    order = [(0, young_child), (2, elderly), (1, school_child)]
    remaining = np.full(comps.shape[0], max_components, dtype=np.int16)
    total = np.zeros(comps.shape[0], dtype=np.float32)
    for col, value in order:
        take = np.minimum(comps[:, col], remaining)
        total += take * np.float32(value)
        remaining -= take
    return total


def pkh_benefit(sc: Scenario, hh: Households) -> np.ndarray:
    """PKH benefit by family composition, capped at ``max_components`` members (rupiah/month).

    Args:
        sc: The scenario (``government.pkh``).
        hh: The households.

    Returns:
        float32 rupiah per household per month, whether enrolled or not.
    """
    g = sc.government.pkh
    return _pkh_total(
        hh.n_young,
        hh.n_school,
        hh.n_elderly,
        g.max_components,
        g.benefit_young_child,
        g.benefit_elderly,
        g.benefit_school_child,
    )


def _transfers_reference(
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_elderly: np.ndarray,
    pkh: np.ndarray,
    bpnt: np.ndarray,
    pkh_on: bool,
    bpnt_on: bool,
    max_components: int,
    young_child: np.float32,
    elderly: np.float32,
    school_child: np.float32,
    bpnt_benefit: np.float32,
    out: np.ndarray,
) -> None:
    out[:] = 0
    if pkh_on:
        benefit = _pkh_total(
            n_young, n_school, n_elderly, max_components, young_child, elderly, school_child
        )
        out += np.where(pkh, benefit, 0)
    if bpnt_on:
        out += np.where(bpnt, bpnt_benefit, 0)


def _members_example(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """int8 counts of young, school-age, adult and elderly members (empty groups, large ones)."""
    counts = []
    for top in (4, 5, 5, 3):
        c = rng.integers(0, top, n).astype(np.int8)
        c[rng.random(n) < 0.02] = 12
        counts.append(c)
    counts[2][counts[2] == 0] = 1  # nobody lives alone with nobody: an adult at least
    return tuple(counts)


def _transfers_example(rng: np.random.Generator, n: int) -> tuple:
    n_young, n_school, _, n_elderly = _members_example(rng, n)
    return (
        n_young,
        n_school,
        n_elderly,
        rng.random(n) < 0.3,
        rng.random(n) < 0.3,
        bool(rng.random() < 0.8),
        bool(rng.random() < 0.8),
        int(rng.integers(1, 5)),
        np.float32(rng.uniform(1e5, 3e5)),
        np.float32(rng.uniform(1e5, 3e5)),
        np.float32(rng.uniform(5e4, 1.5e5)),
        np.float32(rng.uniform(1e5, 2e5)),
        np.zeros(n, dtype=np.float32),
    )


@kernel(reference=_transfers_reference, example=_transfers_example, parallel=True)
def transfers_loop(
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_elderly: np.ndarray,
    pkh: np.ndarray,
    bpnt: np.ndarray,
    pkh_on: bool,
    bpnt_on: bool,
    max_components: int,
    young_child: np.float32,
    elderly: np.float32,
    school_child: np.float32,
    bpnt_benefit: np.float32,
    out: np.ndarray,
) -> None:
    """:func:`government_transfers` per household (float32 rupiah per month).

    The PKH components are filled in :func:`pkh_benefit`'s order (young child, elderly, school
    child) up to ``max_components``; each adds ``count * value`` in float32.

    Args:
        n_young: Children aged 0-6 (int8).
        n_school: Children aged 7-15 (int8).
        n_elderly: Persons aged 65+ (int8).
        pkh: Enrolled in PKH.
        bpnt: Enrolled in BPNT.
        pkh_on: Whether PKH runs.
        bpnt_on: Whether BPNT runs.
        max_components: Most PKH components paid per household.
        young_child: PKH benefit per young child (rupiah per month).
        elderly: PKH benefit per elderly member (rupiah per month).
        school_child: PKH benefit per school-age child (rupiah per month).
        bpnt_benefit: BPNT benefit (rupiah per household per month).
        out: float32 transfers (written).
    """
    zero = np.float32(0.0)
    for i in prange(out.shape[0]):
        o = zero
        if pkh_on:
            remaining = max_components
            total = zero
            take = min(np.int64(n_young[i]), remaining)
            total = total + np.float32(take) * young_child
            remaining -= take
            take = min(np.int64(n_elderly[i]), remaining)
            total = total + np.float32(take) * elderly
            remaining -= take
            take = min(np.int64(n_school[i]), remaining)
            total = total + np.float32(take) * school_child
            o = o + (total if pkh[i] else zero)
        if bpnt_on:
            o = o + (bpnt_benefit if bpnt[i] else zero)
        out[i] = o


def government_transfers(sc: Scenario, hh: Households) -> np.ndarray:
    """Cash and food transfers from PKH and BPNT (rupiah per household per month).

    Args:
        sc: The scenario (``government.pkh``, ``government.bpnt``).
        hh: The households (``pkh``, ``bpnt`` enrolment and family composition).

    Returns:
        float32 rupiah per household per month.
    """
    g = sc.government
    p = g.pkh
    out = np.zeros(hh.n, dtype=np.float32)
    transfers_loop(
        hh.n_young,
        hh.n_school,
        hh.n_elderly,
        hh.pkh,
        hh.bpnt,
        bool(p.enabled),
        bool(g.bpnt.enabled),
        int(np.int16(p.max_components)),
        np.float32(p.benefit_young_child),
        np.float32(p.benefit_elderly),
        np.float32(p.benefit_school_child),
        np.float32(g.bpnt.benefit),
        out,
    )
    return out


def _chosen(order: np.ndarray, weights: np.ndarray, limit: float, n: int) -> np.ndarray:
    """Households of ``order`` whose running sum of ``weights`` stays within ``limit`` (bool)."""
    cum = np.cumsum(weights[order])
    out = np.zeros(n, dtype=bool)
    out[order[cum <= limit]] = True
    return out


def _target_reference(
    order: np.ndarray,
    weight: np.ndarray,
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    limit_pkh: float,
    limit_bpnt: float,
    limit_pbi: float,
    on_pkh: bool,
    on_bpnt: bool,
    on_pbi: bool,
    pkh: np.ndarray,
    bpnt: np.ndarray,
    pbi: np.ndarray,
) -> None:
    n = weight.shape[0]
    w = weight.astype(np.float64)
    has_component = (n_young + n_school + n_elderly) > 0
    # the households of a mask in the registry order are their own stable order
    pkh[:] = on_pkh & _chosen(order[has_component[order]], w, limit_pkh, n)
    bpnt[:] = on_bpnt & _chosen(order, w, limit_bpnt, n)
    members = (n_young.astype(np.int16) + n_school + n_adult + n_elderly).astype(np.int16)
    pbi[:] = on_pbi & _chosen(order, members * w, limit_pbi, n)


def _target_example(rng: np.random.Generator, n: int) -> tuple:
    score = rng.normal(13.0, 0.6, n).astype(np.float32)
    score[::3] = score[0]  # ties: index order
    weight = rng.uniform(50.0, 150.0, n).astype(np.float32)
    n_young, n_school, n_adult, n_elderly = _members_example(rng, n)
    members = (n_young.astype(np.int16) + n_school + n_adult + n_elderly).astype(np.int16)
    total_w = weight.astype(np.float64).sum()
    total_p = (members * weight.astype(np.float64)).sum()
    share = rng.uniform(0.05, 0.5, 3)
    return (
        stable_argsort(score),
        weight,
        n_young,
        n_school,
        n_adult,
        n_elderly,
        share[0] * total_w,
        share[1] * total_w,
        share[2] * total_p,
        *(bool(on) for on in rng.random(3) < 0.8),
        *(rng.random(n) < 0.5 for _ in range(3)),
    )


@kernel(reference=_target_reference, example=_target_example)
def target_loop(
    order: np.ndarray,
    weight: np.ndarray,
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    limit_pkh: float,
    limit_bpnt: float,
    limit_pbi: float,
    on_pkh: bool,
    on_bpnt: bool,
    on_pbi: bool,
    pkh: np.ndarray,
    bpnt: np.ndarray,
    pbi: np.ndarray,
) -> None:
    """PKH, BPNT and PBI-JKN selections in one pass over the registry order.

    The running sums are numpy's cumulative sums (float64, in order).

    Args:
        order: Households by registry score, lowest first (``stable_argsort``).
        weight: Real households each simulated household represents (float32).
        n_young: Children aged 0-6 (int8).
        n_school: Children aged 7-15 (int8).
        n_adult: Adults aged 16-64 (int8).
        n_elderly: Persons aged 65+ (int8).
        limit_pkh: PKH slots: its share of all households (weighted).
        limit_bpnt: BPNT slots: its share of all households (weighted).
        limit_pbi: PBI-JKN slots: its share of all persons (weighted).
        on_pkh: Whether PKH runs.
        on_bpnt: Whether BPNT runs.
        on_pbi: Whether PBI-JKN runs.
        pkh: PKH enrolment (written).
        bpnt: BPNT enrolment (written).
        pbi: PBI-JKN enrolment (written).
    """
    cum_pkh = 0.0
    cum_bpnt = 0.0
    cum_pbi = 0.0
    # the running sums never fall (weights >= 0): once all three pass their limits nobody
    # further down the order is chosen, so the flags start False and the walk stops there
    pkh[:] = False
    bpnt[:] = False
    pbi[:] = False
    for r in range(order.shape[0]):
        if cum_pkh > limit_pkh and cum_bpnt > limit_bpnt and cum_pbi > limit_pbi:
            break
        i = order[r]
        w = np.float64(weight[i])
        # (n_young + n_school + n_elderly) > 0 in numpy's int8 arithmetic (it wraps)
        young_school = ((np.int64(n_young[i]) + n_school[i] + 128) & 255) - 128
        has_component = ((young_school + n_elderly[i] + 128) & 255) - 128 > 0
        chosen = False
        if has_component:
            cum_pkh += w
            chosen = cum_pkh <= limit_pkh
        pkh[i] = on_pkh and chosen
        cum_bpnt += w
        bpnt[i] = on_bpnt and cum_bpnt <= limit_bpnt
        members = np.int64(n_young[i]) + n_school[i] + n_adult[i] + n_elderly[i]
        cum_pbi += np.float64(members) * w
        pbi[i] = on_pbi and cum_pbi <= limit_pbi


def target_government_programmes(sc: Scenario, hh: Households) -> None:
    """Enrol the lowest registry scores in PKH, BPNT and PBI-JKN up to their coverage.

    A share ``registry.duplicate_share`` of each programme's slots goes to duplicate records
    and so to nobody. PKH needs a component (a child or an elderly member). Coverage is a share
    of households (PKH, BPNT) or of persons (PBI-JKN).

    Args:
        sc: The scenario (``government``).
        hh: The households; ``pkh``, ``bpnt`` and ``pbi`` are written.
    """
    g = sc.government
    keep = 1.0 - g.registry.duplicate_share
    order = stable_argsort(hh.registry_score)  # one sort serves the three programmes
    total_w = hh.weight.astype(np.float64).sum()  # numpy's pairwise sums
    total_p = hh.persons.sum()
    target_loop(
        order,
        hh.weight,
        hh.n_young,
        hh.n_school,
        hh.n_adult,
        hh.n_elderly,
        g.pkh.coverage * keep * total_w,
        g.bpnt.coverage * keep * total_w,
        g.pbi_jkn.coverage * keep * total_p,
        bool(g.pkh.enabled),
        bool(g.bpnt.enabled),
        bool(g.pbi_jkn.enabled),
        hh.pkh,
        hh.bpnt,
        hh.pbi,
    )


def contributory_insurance(sc: Scenario, rank: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Active contributory JKN membership, more common higher up the distribution.

    Args:
        sc: The scenario (``health.contributory_jkn_low``, ``contributory_jkn_high``).
        rank: Person-weighted rank of each household in its area (0 poorest, 1 richest).
        u: One uniform per household.

    Returns:
        Whether each household is an active contributory member.
    """
    h = sc.health
    p = h.contributory_jkn_low + (h.contributory_jkn_high - h.contributory_jkn_low) * rank
    return u < p


def government_month(sc: Scenario, hh: Households, streams: Streams, month: int) -> None:
    """The government's month: a rolling re-survey of the registry, quarterly re-targeting.

    Each month ``1 / registry.update_months`` of the households are re-surveyed
    (``sim.world.registry.refresh_registry``); every ``registry.retarget_months`` the
    programmes (PKH, BPNT, PBI-JKN) are re-targeted on the registry's ranking.
    """
    reg = sc.government.registry
    refresh_registry(sc, hh, streams, month, share=1.0 / reg.update_months)
    if month % reg.retarget_months == 0:
        target_government_programmes(sc, hh)

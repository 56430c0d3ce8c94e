"""The month's money in: the donor market over the institutions' fundraising, and the pool.

Each institution has spent on fundraising (``Institution.raise_funds``); here the district's
giving (``donors.total_giving``) is divided among the fundraising units (the independent
institutions, and a pool as one unit), zakat only to zakat-eligible ones, and the pool divides
its share among its members by need, performance or equally (``donors.pool_allocation``).
"""

from __future__ import annotations

import numpy as np

from sim.institutions import donors
from sim.institutions.state import CoalitionState
from sim.kernels import kernel


def _poor_persons_reference(
    subdistrict: np.ndarray,
    consumption: np.ndarray,
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    weight: np.ndarray,
    lines: np.ndarray,
    n_sub: int,
) -> np.ndarray:
    # Households.members, .persons and .consumption_pc, in their arithmetic
    members = (n_young.astype(np.int16) + n_school + n_adult + n_elderly).astype(np.int16)
    persons = members * weight.astype(np.float64)
    poor = persons * (consumption / members < lines)
    out = np.bincount(subdistrict, weights=poor, minlength=n_sub)
    return out.astype(np.float64, copy=False)  # float64 with no households too


def _poor_persons_example(rng: np.random.Generator, n: int) -> tuple[object, ...]:
    def people(lo: int) -> np.ndarray:
        return rng.integers(lo, 3, n).astype(np.int8)

    return (
        rng.integers(0, 4, n).astype(np.int16),
        (rng.random(n) * 4e6).astype(np.float32),
        people(0),
        people(0),
        people(1),
        people(0),
        (rng.random(n) * 50 + 1).astype(np.float32),
        np.full(n, 6e5, dtype=np.float32),
        4,
    )


@kernel(reference=_poor_persons_reference, example=_poor_persons_example)
def poor_persons(
    subdistrict, consumption, n_young, n_school, n_adult, n_elderly, weight, lines, n_sub
):  # pragma: no cover - compiled
    """``np.bincount(sub, weights=hh.persons * (hh.consumption_pc < lines))`` in one pass."""
    out = np.zeros(n_sub, dtype=np.float64)
    for i in range(subdistrict.shape[0]):
        members = np.int64(n_young[i]) + n_school[i] + n_adult[i] + n_elderly[i]
        y = consumption[i] / np.float32(members)  # float32 / float32, as numpy's f4 / i2
        persons = np.float64(members) * np.float64(weight[i])
        out[subdistrict[i]] += persons * (1.0 if y < lines[i] else 0.0)
    return out


def need(state: CoalitionState) -> np.ndarray:
    """Poor persons in each institution's area (what 'allocation by need' divides by)."""
    hh = state.households
    by_sub = poor_persons(
        hh.subdistrict,
        hh.consumption,
        hh.n_young,
        hh.n_school,
        hh.n_adult,
        hh.n_elderly,
        hh.weight,
        state.lines,
        state.sc.population.subdistricts,
    )
    return np.array([by_sub[i.area].sum() for i in state.institutions])


def open_csr(state: CoalitionState) -> float:
    """CSR money of the month the institutions contest (rupiah).

    The business spends ``business.csr_funds`` in every scenario; a business partnership
    directs ``csr_directed_share`` of it to the livelihood members
    (``forms.BusinessPartnership``), the rest is contested like other non-zakat giving.
    """
    sc = state.sc
    total = sc.business.csr_funds * state.scale
    return total - directed_csr(state)


def directed_csr(state: CoalitionState) -> float:
    """CSR money a business partnership directs to the livelihood members this month (rupiah)."""
    sc = state.sc
    p = sc.cooperation.partnership
    if not p.business or not any(
        i.member and i.spec.theme == "livelihoods" for i in state.institutions
    ):
        return 0.0
    return sc.business.csr_funds * state.scale * p.csr_directed_share


def donor_market(m: int, state: CoalitionState, spend: np.ndarray, in_pool: np.ndarray) -> None:
    """Book the month's donations, zakat and open CSR won by each unit, and the pool's division.

    Total giving responds to the effective fundraising: every institution's spend plus the
    awareness effect of the pool's joint campaign. Zakat goes to zakat-eligible units only.
    Under ``allocation = "as_raised"`` (the pool's zero point) each member receives exactly
    what its own spend would win competing, with the arithmetic of competition.

    Args:
        m: Month.
        state: The shared state (its ledger is written).
        spend: Fundraising spend of each institution this month (rupiah).
        in_pool: Institutions fundraising through the pool.
    """
    sc, L = state.sc, state.ledger
    c = sc.cooperation
    n = len(state.institutions)
    as_raised = c.pool.allocation == "as_raised"
    pooled = spend[in_pool].sum()
    campaign = pooled * (1.0 + c.pool.awareness_effect)
    effective = spend.sum() + c.pool.awareness_effect * pooled
    giving = donors.total_giving(sc, m, effective, state.scale)
    rep = np.array([i.reputation for i in state.institutions])
    zakat_ok = np.array([i.spec.zakat_eligible for i in state.institutions])
    perf = np.array([i.performance for i in state.institutions])
    alloc = donors.pool_allocation(c.pool.allocation, in_pool, need(state), perf)
    separate = np.zeros(n, dtype=bool) if as_raised else in_pool
    csr = open_csr(state)
    for part, column, eligible in (
        (giving * sc.donors.zakat_share, "raised_zakat", zakat_ok),
        (giving * (1 - sc.donors.zakat_share), "raised_donors", np.ones(n, dtype=bool)),
        (csr, "raised_csr", np.ones(n, dtype=bool)),
    ):
        if part <= 0:
            continue
        # fundraising units: independent institutions, and the pool as one unit
        units_spend = list(np.where(~separate & eligible, spend, 0.0))
        units_rep = list(np.where(~separate & eligible, rep, 0.0))
        pool_eligible = separate & eligible
        if pool_eligible.any():
            units_spend.append(campaign)
            units_rep.append(float(rep[pool_eligible].mean()))
        shares = donors.contest_shares(
            np.array(units_spend), np.array(units_rep), sc.donors.share_exponent
        )
        for inst in state.institutions:
            if not separate[inst.row] and shares[inst.row] > 0:
                col = "raised_pool" if in_pool[inst.row] and column != "raised_csr" else column
                L.raise_(m, inst.row, col, part * shares[inst.row])
        if pool_eligible.any():
            pool_money = part * shares[-1]
            pool_shares = alloc * pool_eligible
            if pool_shares.sum() > 0:
                pool_shares = pool_shares / pool_shares.sum()
                for inst in state.institutions:
                    if pool_shares[inst.row] > 0:
                        col = "raised_pool" if column != "raised_csr" else column
                        L.raise_(m, inst.row, col, pool_money * pool_shares[inst.row])

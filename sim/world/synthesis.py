"""The drawn population, before the burn-in (``sim.world.burn_in``) takes it to month 0.

The population (:func:`synthesize`) is drawn so that, weighted by persons, per-capita
consumption in each area follows the earnings potential (the measured GB2 with its fitted
correction, ``sim.world.distribution.potential_ppf``; assigned by person-weighted rank), after
``population.demography_burn_in_months`` of demography, times each household's earner
equivalents per member; poorer households are larger, less schooled and hold fewer assets, and
the government's background programmes (PKH, BPNT, PBI-JKN) are already in place, targeted
through the noisy social registry. Incomes are then backed out so that the drawn population is
a steady state of the household dynamics without shocks (``sim.dynamics``); the burn-in adds
the shocks. ODD section 5.
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.demography import demography
from sim.dynamics.schooling import enrolment_probability
from sim.dynamics.steady_state import back_out_incomes, earner_equivalents
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.distribution import latent_log_quantile, log_consumption_sd, potential_ppf
from sim.world.government import contributory_insurance, target_government_programmes
from sim.world.households import Households
from sim.world.quantiles import poisson_ppf
from sim.world.registry import refresh_registry

F32 = np.float32
MAX_MEMBERS = 14
"""Most members of a household at set-up (persons)."""
SYNTH_BLOCK = 65_536
"""Rows of households drawn at a time where set-up draws several numbers per household."""
M0 = 0
"""The month of set-up draws."""


def _person_weighted_ranks(latent: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Mid-point of each household's persons in the person-weighted order of ``latent``."""
    order = np.argsort(latent, kind="stable")
    cum = np.cumsum(members[order].astype(np.float64))
    mid = (cum - members[order] / 2.0) / cum[-1]
    u = np.empty_like(mid)
    u[order] = mid
    return u


def _draw_members(
    latent_perm: np.ndarray, mean_size: np.ndarray, gradient: float, u_slots: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Household members by age group; poorer households (low latent) are larger.

    Extra members beyond the head follow a Poisson whose mean falls with the permanent latent
    income; each extra member's age group is drawn from Indonesia's age structure (BPS 2020
    census: ~12% aged 0-6, ~15% 7-15, ~66% 16-64, ~7% 65+), tilted towards children in poorer
    households.
    """
    lam = (mean_size - 1.0) * np.exp(-gradient * latent_perm - 0.5 * gradient**2)
    extra = np.minimum(poisson_ppf(u_slots[:, 0], lam), MAX_MEMBERS - 1).astype(np.int16)
    # age group of each extra member from its own uniform
    tilt = np.clip(0.5 - 0.15 * latent_perm, 0.2, 0.8)  # weight on children among extras
    p_young = 0.33 * tilt
    p_school = 0.41 * tilt
    p_elderly = 0.12 * (1 - tilt)
    slots = np.arange(1, MAX_MEMBERS)
    active = slots[None, :] <= extra[:, None]
    draws = u_slots[:, 1:MAX_MEMBERS]
    young = active & (draws < p_young[:, None])
    school = active & ~young & (draws < (p_young + p_school)[:, None])
    elderly = active & ~young & ~school & (draws > (1 - p_elderly)[:, None])
    adult = active & ~young & ~school & ~elderly
    head_elderly = u_slots[:, MAX_MEMBERS] < 0.1
    n_young = young.sum(1).astype(np.int8)
    n_school = school.sum(1).astype(np.int8)
    n_elderly = (elderly.sum(1) + head_elderly).astype(np.int8)
    n_adult = (adult.sum(1) + ~head_elderly).astype(np.int8)
    return n_young, n_school, n_adult, n_elderly


def _urban(sc: Scenario) -> tuple[np.ndarray, int]:
    """Urban flags (the first households) in proportion to the urban share of persons."""
    pop = sc.population
    n = pop.households
    urban_hh_share = (pop.urban_person_share / pop.members_mean_urban) / (
        pop.urban_person_share / pop.members_mean_urban
        + (1 - pop.urban_person_share) / pop.members_mean_rural
    )
    if pop.urban_subdistricts == 0:
        urban_hh_share = 0.0
    if pop.urban_subdistricts == pop.subdistricts:
        urban_hh_share = 1.0
    n_urban = int(round(n * urban_hh_share))
    urban = np.zeros(n, dtype=bool)
    urban[:n_urban] = True
    return urban, n_urban


def _latent(
    sc: Scenario, streams: Streams, urban: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The latent log income: its permanent part and persistent shock (log points).

    The persistent shock e0 is drawn from the stationary AR(1); the latent's sd equals that of
    log consumption in the fitted distribution. Earnings later move with the latent through the
    quantile map (``latent_log_quantile``), so the cross-section stays stationary as shocks
    mean-revert.

    Returns:
        ``(xi, e0, sd_perm, sd_latent)``: the standard normal of the permanent part, the
        persistent shock, the sd of the permanent part and of the latent (float64).
    """
    n = urban.shape[0]
    sh = sc.shocks
    var_e = sh.persistent_sd**2 / (1 - sh.persistent_rho**2) if sh.enabled else 0.0
    sd_latent = np.where(urban, log_consumption_sd(sc, "urban"), log_consumption_sd(sc, "rural"))
    sd_perm = np.sqrt(np.maximum(sd_latent**2 - var_e, 0.01 * sd_latent**2))
    xi = streams.normal("synth.permanent", M0, n).astype(np.float64)
    e0 = streams.normal("synth.persistent", M0, n).astype(np.float64) * np.sqrt(var_e)
    return xi, e0, sd_perm, sd_latent


def _members(
    sc: Scenario, streams: Streams, urban: np.ndarray, xi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Members by age group (int8), poorer households larger (:func:`_draw_members`).

    The (n, 15) uniforms are drawn and used in blocks of rows: the same sequence as one (n, 15)
    draw, without holding it all (120 B/household).
    """
    pop = sc.population
    n = urban.shape[0]
    mean_size = np.where(urban, pop.members_mean_urban, pop.members_mean_rural)
    members_gen = streams.generator("synth.members", M0)
    n_young, n_school, n_adult, n_elderly = (np.empty(n, dtype=np.int8) for _ in range(4))
    for lo in range(0, n, SYNTH_BLOCK):
        hi = min(lo + SYNTH_BLOCK, n)
        u_slots = members_gen.random((hi - lo, MAX_MEMBERS + 1))
        (n_young[lo:hi], n_school[lo:hi], n_adult[lo:hi], n_elderly[lo:hi]) = _draw_members(
            xi[lo:hi], mean_size[lo:hi], pop.size_poverty_gradient, u_slots
        )
    return n_young, n_school, n_adult, n_elderly


def _consumption(
    sc: Scenario, urban: np.ndarray, latent: np.ndarray, members: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Consumption by person-weighted rank within each area (exact calibration).

    Returns:
        ``(consumption, rank)``: household consumption (float32 rupiah per month) and the
        person-weighted rank in the area (float64, 0 poorest to 1 richest).
    """
    n = urban.shape[0]
    cons_pc = np.empty(n, dtype=np.float64)
    rank = np.empty(n, dtype=np.float64)
    for area, mask in (("urban", urban), ("rural", ~urban)):
        if not mask.any():
            continue
        d = getattr(sc.calibration, area)
        u = _person_weighted_ranks(latent[mask], members[mask])
        rank[mask] = u
        cons_pc[mask] = potential_ppf(u, d)
    return (cons_pc * members).astype(np.float32), rank


def _weights(sc: Scenario, urban: np.ndarray, n_urban: int, members: np.ndarray) -> np.ndarray:
    """Weights (float32): the urban share of persons exact, the households represented exact."""
    pop = sc.population
    n = urban.shape[0]
    p_u = members[urban].sum(dtype=np.float64)
    p_r = members[~urban].sum(dtype=np.float64)
    share = pop.urban_person_share if (p_u > 0 and p_r > 0) else (1.0 if p_u > 0 else 0.0)
    denom = (share * n_urban / p_u if p_u else 0.0) + (
        (1 - share) * (n - n_urban) / p_r if p_r else 0.0
    )
    total_persons = pop.households_represented / denom
    return np.where(
        urban,
        share * total_persons / p_u if p_u else 0.0,
        (1 - share) * total_persons / p_r if p_r else 0.0,
    ).astype(np.float32)


def _subdistricts(
    sc: Scenario, streams: Streams, urban: np.ndarray, latent: np.ndarray, sd_latent: np.ndarray
) -> np.ndarray:
    """Sub-district per household (int16), sorted loosely by income so that places differ.

    Urban households go over the urban sub-districts, rural ones over the rest (assumption: a
    fifth of the latent variance is between places).
    """
    pop = sc.population
    n = urban.shape[0]
    sub = np.empty(n, dtype=np.int16)
    geo = latent + streams.normal("synth.geography", M0, n) * sd_latent * 2.0
    for mask, first, count in (
        (urban, 0, pop.urban_subdistricts),
        (~urban, pop.urban_subdistricts, pop.subdistricts - pop.urban_subdistricts),
    ):
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            continue
        count = max(count, 1)
        order = idx[np.argsort(geo[idx], kind="stable")]
        sub[order] = first + (np.arange(idx.size) * count // idx.size)
    return sub


def _adult_schooling(streams: Streams, urban: np.ndarray, xi: np.ndarray) -> np.ndarray:
    """Mean years of schooling of the adults (float32), rising with income.

    Indonesian adults average ~8.8 years (BPS 2024), urban ~10, rural ~7.5.
    """
    base_school = np.where(urban, 10.0, 7.5)
    school_noise = streams.normal("synth.schooling", M0, urban.shape[0])
    return np.clip(base_school + 2.2 * xi + 2.0 * school_noise, 0, 18).astype(np.float32)


def _new_households(**drawn: np.ndarray) -> Households:
    """Households with the drawn arrays and every other attribute at its starting value."""
    n = drawn["urban"].shape[0]
    start = {
        "n_enrolled": np.zeros(n, dtype=np.int8),
        "child_schooling": np.zeros(n, dtype=np.float32),  # set from enrolment
        "cohort_offset": np.zeros(n, dtype=np.float32),  # set from enrolment
        "wage_base": np.zeros(n, dtype=np.float32),
        "latent_base": np.zeros(n, dtype=np.float32),
        "skill": np.zeros(n, dtype=np.float32),
        "assets": np.zeros(n, dtype=np.float32),
        "savings": np.zeros(n, dtype=np.float32),
        "income_labour": np.zeros(n, dtype=np.float32),
        "income_assets": np.zeros(n, dtype=np.float32),
        "income_transfers": np.zeros(n, dtype=np.float32),
        "health_state": np.zeros(n, dtype=np.int8),
        "sick_months": np.zeros(n, dtype=np.int8),
        "insured": np.zeros(n, dtype=np.bool_),
        "jkn_contributory": np.zeros(n, dtype=np.bool_),
        "pbi": np.zeros(n, dtype=np.bool_),
        "pkh": np.zeros(n, dtype=np.bool_),
        "bpnt": np.zeros(n, dtype=np.bool_),
        "registry_score": np.zeros(n, dtype=np.float32),
        "months_out": np.full(n, -1, dtype=np.int16),
    }
    return Households(**drawn, **start)


def _draw_households(sc: Scenario, streams: Streams) -> tuple[Households, np.ndarray]:
    """Area, latent income, members, consumption, weights, places and schooling.

    Returns:
        The households (no programmes yet, no incomes) and each one's person-weighted rank in
        its area (float64).
    """
    urban, n_urban = _urban(sc)
    xi, e0, sd_perm, sd_latent = _latent(sc, streams, urban)
    latent = sd_perm * xi + e0
    n_young, n_school, n_adult, n_elderly = _members(sc, streams, urban, xi)
    members = (n_young.astype(np.int16) + n_school + n_adult + n_elderly).astype(np.int16)
    # set-up's peak memory is what limits the size of a run: free as we go
    consumption, rank = _consumption(sc, urban, latent, members)
    weight = _weights(sc, urban, n_urban, members)
    sub = _subdistricts(sc, streams, urban, latent, sd_latent)
    del latent, sd_latent
    hh = _new_households(
        subdistrict=sub,
        urban=urban,
        weight=weight,
        n_young=n_young,
        n_school=n_school,
        n_adult=n_adult,
        n_elderly=n_elderly,
        adult_schooling=_adult_schooling(streams, urban, xi),
        persistent_shock=e0.astype(np.float32),
        latent_permanent=(sd_perm * xi).astype(np.float32),
        consumption=consumption,
    )
    return hh, rank


def _age_households(sc: Scenario, hh: Households, streams: Streams) -> bool:
    """Demography alone for ``population.demography_burn_in_months`` months (set-up).

    The drawn household sizes and ages become those the demography itself sustains (births,
    deaths, ageing and departures, from streams ``burn-in/demography/``); adults keep their
    schooling. A household left with children only is headed by its oldest child.

    Returns:
        Whether the households were aged (their consumption must then be assigned again).
    """
    months = sc.population.demography_burn_in_months
    if months == 0 or not sc.demography.enabled:
        return False
    schooling = hh.adult_schooling.copy()
    s = streams.prefixed("burn-in/demography/")
    first = (-months) % 12 + 1
    for b in range(first, first + months):
        demography(sc, hh, s, b)
    hh.adult_schooling[:] = schooling
    orphaned = (hh.n_adult == 0) & (hh.n_elderly == 0)
    older = orphaned & (hh.n_school > 0)
    hh.n_school[older] -= 1
    hh.n_young[orphaned & ~older] -= 1
    hh.n_adult[orphaned] = 1
    hh.n_enrolled[:] = 0
    return True


def _lifecycle_consumption(sc: Scenario, hh: Households) -> np.ndarray:
    """Consumption of aged households: the potential times earner equivalents per member.

    Earnings are per earner (``sim.dynamics.income``) and never re-align with household size,
    so in the model's steady state a household's per-capita consumption is its potential times
    its earners per member relative to the area's mean: the potential (``calibration.*``) is
    per-capita consumption at the area's mean ratio. Weights are set again for the aged sizes.

    Returns:
        The person-weighted rank of each household's latent in its area (0 to 1).
    """
    members = hh.members
    inc = sc.income
    earners = earner_equivalents(hh, inc.elderly_earner_weight, inc.earner_elasticity)
    latent = hh.latent_permanent.astype(np.float64) + hh.persistent_shock
    cons_pc = np.empty(hh.n, dtype=np.float64)
    rank = np.empty(hh.n, dtype=np.float64)
    for area, mask in (("urban", hh.urban), ("rural", ~hh.urban)):
        if not mask.any():
            continue
        d = getattr(sc.calibration, area)
        u = _person_weighted_ranks(latent[mask], members[mask])
        rank[mask] = u
        ratio = earners[mask] / members[mask]
        cycle = ratio / np.average(ratio, weights=members[mask])
        cons_pc[mask] = potential_ppf(u, d) * cycle
    hh.consumption[:] = (cons_pc * members).astype(np.float32)
    hh.weight[:] = _weights(sc, hh.urban, int(hh.urban.sum()), members)
    return rank


def synthesize(sc: Scenario, streams: Streams) -> Households:
    """Draw the starting population.

    Args:
        sc: The scenario (population size, calibration, programmes, dynamics parameters).
        streams: Random streams of the run (month 0 draws).

    Returns:
        The starting households, a steady state of the dynamics with shocks, growth and
        demography off.
    """
    hh, rank = _draw_households(sc, streams)
    if _age_households(sc, hh, streams):  # the life cycle demography sustains
        rank = _lifecycle_consumption(sc, hh)
    n = hh.n

    # --- government programmes through the registry; contributory insurance
    refresh_registry(sc, hh, streams, M0, survey_streams=streams.prefixed("set-up/"))
    target_government_programmes(sc, hh)
    hh.jkn_contributory[:] = contributory_insurance(sc, rank, streams.uniform("synth.jkn", M0, n))
    hh.insured[:] = hh.pbi | hh.jkn_contributory

    # --- enrolment from its own steady-state probability
    p_enrol = enrolment_probability(sc, hh)
    hh.n_enrolled[:] = np.minimum(
        streams.binomial("synth.enrolment", M0, hh.n_school, p_enrol), hh.n_school
    ).astype(np.int8)
    # The finishing cohort's schooling (dynamics.schooling) is in steady state the 9 years of
    # the age band times the enrolment share: start there, so that no drift appears.
    hh.child_schooling[:] = 9.0 * p_enrol
    if sc.schooling.cohorts_keep_level:  # new adults keep their household's level
        hh.cohort_offset[:] = hh.adult_schooling - hh.child_schooling
    else:
        hh.cohort_offset[:] = np.float32(sc.schooling.post_basic_years)

    # --- enterprise technology: richer households more often run the improved technology
    u_tech = streams.uniform("synth.technology", M0, n)
    wants_high = u_tech < sc.assets.high_tech_share_top * rank**2
    del u_tech, rank, p_enrol
    hh.latent_base[:] = latent_log_quantile(sc, hh.urban, hh.latent_permanent + hh.persistent_shock)
    back_out_incomes(sc, hh, wants_high)  # the dynamics' own formulas: a steady state
    return hh

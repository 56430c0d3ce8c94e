"""Household state as arrays, and the synthesis of a calibrated starting population.

Households are a struct of arrays (one numpy array per attribute, explicit dtypes); there is no
Python object per household and no Python loop over households (with ``sim.accel`` enabled, a
few functions here run as compiled loops giving the same arrays bit for bit). Money is rupiah
per month at March 2024 prices; a household's ``consumption`` is the household total, and per-capita
consumption (BPS's welfare measure) is ``consumption / members``.

The starting population (``synthesize``) is drawn so that, weighted by persons, per-capita
consumption in each area follows the fitted GB2 distribution exactly (consumption is assigned by
person-weighted rank, see ``sim.calibrate``), poorer households are larger, less schooled and
hold fewer assets, and the government's background programmes (PKH, BPNT, PBI-JKN) are already
in place, targeted through the noisy social registry. Incomes are then backed out so that the
starting population is a steady state of the household dynamics (``sim.dynamics``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

import numpy as np
from scipy import special, stats

from sim import accel
from sim.randomness import Streams
from sim.scenario import Scenario
from sim.sorting import stable_argsort

MAX_MEMBERS = 14
SYNTH_BLOCK = 65_536
"""Rows of households drawn at a time where set-up draws several numbers per household."""


@dataclass
class Households:
    """All household state, one array per attribute (length = number of simulated households).

    Attributes:
        subdistrict: Sub-district index (int16).
        urban: Whether the household lives in an urban sub-district.
        weight: Real households this simulated household represents.
        n_young: Children aged 0-6.
        n_school: Children aged 7-15 (school age).
        n_adult: Adults aged 16-64.
        n_elderly: Persons aged 65+.
        n_enrolled: School-age children enrolled in school.
        adult_schooling: Mean years of schooling of the adults (years).
        child_schooling: Mean years of schooling accumulated by school-age children (years).
        wage_base: Monthly earnings of one adult with zero schooling, zero skill and no shock
            (rupiah per month), the household's labour fixed effect.
        persistent_shock: Persistent shock to the latent log income (AR(1), log points).
        latent_permanent: Permanent part of the latent log income (log points).
        latent_base: Log quantile of the latent at month 0 (earnings move with the quantile
            of the current latent relative to it).
        skill: Skill from training (units of ``income.return_to_skill``).
        assets: Productive assets (rupiah).
        savings: Liquid savings (rupiah).
        consumption: Household consumption (rupiah per month).
        income_labour: Labour earnings last month (rupiah per month).
        income_assets: Own-business / asset income last month (rupiah per month).
        income_transfers: Transfers received last month (rupiah per month).
        health_state: 0 healthy, 1 minor illness this month, 2 severe illness.
        sick_months: Months of severe illness remaining.
        insured: Covered by health insurance (PBI-JKN, contributory JKN or an NGO premium).
        jkn_contributory: Active contributory JKN member (pays its own premium).
        pbi: Premium paid by the state (PBI-JKN).
        pkh: Enrolled in PKH (conditional cash).
        bpnt: Enrolled in BPNT (food assistance).
        registry_score: The registry's proxy of log per-capita consumption at its last update.
        months_out: Months since the household last left poverty (-1: poor now or never poor).
    """

    subdistrict: np.ndarray
    urban: np.ndarray
    weight: np.ndarray
    n_young: np.ndarray
    n_school: np.ndarray
    n_adult: np.ndarray
    n_elderly: np.ndarray
    n_enrolled: np.ndarray
    adult_schooling: np.ndarray
    child_schooling: np.ndarray
    wage_base: np.ndarray
    persistent_shock: np.ndarray
    latent_permanent: np.ndarray
    latent_base: np.ndarray
    skill: np.ndarray
    assets: np.ndarray
    savings: np.ndarray
    consumption: np.ndarray
    income_labour: np.ndarray
    income_assets: np.ndarray
    income_transfers: np.ndarray
    health_state: np.ndarray
    sick_months: np.ndarray
    insured: np.ndarray
    jkn_contributory: np.ndarray
    pbi: np.ndarray
    pkh: np.ndarray
    bpnt: np.ndarray
    registry_score: np.ndarray
    months_out: np.ndarray

    @property
    def n(self) -> int:
        """Number of simulated households."""
        return int(self.weight.shape[0])

    @property
    def members(self) -> np.ndarray:
        """Household size (persons), int16."""
        return (
            self.n_young.astype(np.int16) + self.n_school + self.n_adult + self.n_elderly
        ).astype(np.int16)

    @property
    def earners(self) -> np.ndarray:
        """Earner equivalents: adults count 1, elderly 0.3 (float32)."""
        return self.n_adult.astype(np.float32) + np.float32(0.3) * self.n_elderly

    @property
    def consumption_pc(self) -> np.ndarray:
        """Per-capita consumption (rupiah per capita per month), float32."""
        return self.consumption / self.members

    @property
    def persons(self) -> np.ndarray:
        """Real persons represented by each simulated household (members x weight), float64."""
        return self.members * self.weight.astype(np.float64)

    def nbytes(self) -> int:
        """Bytes held by the state arrays."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))


def poverty_lines(sc: Scenario, urban: np.ndarray) -> np.ndarray:
    """Poverty line per household (rupiah per capita per month, March 2024 prices), float32."""
    return np.where(urban, sc.poverty_line.urban, sc.poverty_line.rural).astype(np.float32)


def gb2_ppf(u: np.ndarray, a: float, scale: float, p: float, q: float) -> np.ndarray:
    """GB2 quantiles (``sim.analysis.calibration.gb2_quantiles`` without the import cycle)."""
    return scale * stats.betaprime.ppf(u, p, q) ** (1.0 / a)


@functools.lru_cache(maxsize=16)
def _quantile_table(
    a: float, scale: float, p: float, q: float, sd: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    grid = np.linspace(-7 * sd, 7 * sd, 4097)
    u = np.clip(special.ndtr(grid / sd), 1e-12, 1 - 1e-12)
    logq = np.log(gb2_ppf(u, a, scale, p, q))
    slopes = (logq[1:] - logq[:-1]) / (grid[1:] - grid[:-1])  # as np.interp computes them
    return grid, logq, slopes


def interp_on_grid(
    x: np.ndarray, grid: np.ndarray, values: np.ndarray, slopes: np.ndarray
) -> np.ndarray:
    """``np.interp(x, grid, values)`` exactly, for an evenly spaced increasing ``grid``.

    np.interp finds each x's interval by binary search; on an even grid the interval follows
    from arithmetic, corrected by one step against the grid points themselves, so it is the
    same interval. The value is then computed by np.interp's formula (``slopes[j] * (x -
    grid[j]) + values[j]``, ``values[j]`` on a grid point, the end values outside), so the
    result is bit-identical (checked against np.interp in tests/test_households.py). Falls
    back to np.interp if the formula gives NaN (np.interp then retries from the other end).

    Args:
        x: Points (any real dtype; computed in float64).
        grid: Evenly spaced increasing float64 grid (``np.linspace``), at least 2 points.
        values: Values at the grid points, float64.
        slopes: ``(values[1:] - values[:-1]) / (grid[1:] - grid[:-1])``.

    Returns:
        float64 interpolated values.
    """
    xd = np.asarray(x, dtype=np.float64)
    last = grid.size - 2
    with np.errstate(invalid="ignore"):  # inf and NaN land anywhere: clipped, then fixed
        j = ((xd - grid[0]) * ((grid.size - 1) / (grid[-1] - grid[0]))).astype(np.intp)
    np.clip(j, 0, last, out=j)
    j -= xd < grid[j]
    np.clip(j, 0, last, out=j)
    j += xd >= grid[j + 1]
    np.clip(j, 0, last, out=j)
    gj = grid[j]
    out = slopes[j] * (xd - gj) + values[j]
    on_grid = xd == gj
    out[on_grid] = values[j[on_grid]]
    out[xd >= grid[-1]] = values[-1]
    out[xd < grid[0]] = values[0]
    if np.isnan(out).any():
        return np.interp(xd, grid, values)
    return out


def _latent_quantile_tables(
    sc: Scenario, area: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The interpolation table of :func:`latent_log_quantile` in ``area`` for the kernels.

    Returns:
        ``(grid, values, slopes, scale)``: the latent grid (log points), the log quantiles
        (log rupiah), numpy's interval slopes and ``(points - 1) / (grid[-1] - grid[0])``.
    """
    d = getattr(sc.calibration, area)
    grid, logq, slopes = _quantile_table(d.a, d.scale, d.p, d.q, log_consumption_sd(sc, area))
    return grid, logq, slopes, (grid.size - 1) / (grid[-1] - grid[0])


@accel.jit
def _interp_one(
    x: float, grid: np.ndarray, values: np.ndarray, slopes: np.ndarray, scale: float
) -> float:
    """:func:`interp_on_grid` at one float64 point (NaN gives NaN, as np.interp)."""
    if x != x:
        return x
    if x < grid[0]:
        return values[0]
    if x >= grid[grid.size - 1]:
        return values[values.size - 1]
    last = grid.size - 2
    j = np.int64((x - grid[0]) * scale)
    j = min(max(j, 0), last)
    if x < grid[j]:
        j -= 1
    j = min(max(j, 0), last)
    if x >= grid[j + 1]:
        j += 1
    j = min(max(j, 0), last)
    gj = grid[j]
    if x == gj:
        return values[j]
    return slopes[j] * (x - gj) + values[j]


@accel.jit
def _latent_quantile_kernel(
    urban: np.ndarray,
    latent: np.ndarray,
    grid_u: np.ndarray,
    values_u: np.ndarray,
    slopes_u: np.ndarray,
    scale_u: float,
    grid_r: np.ndarray,
    values_r: np.ndarray,
    slopes_r: np.ndarray,
    scale_r: float,
    out: np.ndarray,
) -> None:
    """:func:`latent_log_quantile` per household: float64 interpolation, stored as float32."""
    for i in range(latent.shape[0]):
        x = np.float64(latent[i])
        if urban[i]:
            out[i] = np.float32(_interp_one(x, grid_u, values_u, slopes_u, scale_u))
        else:
            out[i] = np.float32(_interp_one(x, grid_r, values_r, slopes_r, scale_r))


def latent_log_quantile(sc: Scenario, urban: np.ndarray, latent: np.ndarray) -> np.ndarray:
    """Log of the area's consumption quantile at a latent log income (log rupiah), float32.

    The latent is normal with the sd of log consumption (``log_consumption_sd``); mapping it
    through the fitted GB2 quantile function keeps the distribution of earnings potential equal
    to the calibrated one whatever the shocks do.
    """
    out = np.empty(latent.shape[0], dtype=np.float32)
    if accel.enabled and latent.ndim == 1:
        _latent_quantile_kernel(
            np.asarray(urban, dtype=np.bool_),
            latent,
            *_latent_quantile_tables(sc, "urban"),
            *_latent_quantile_tables(sc, "rural"),
            out,
        )
        return out
    for area, mask in (("urban", urban), ("rural", ~urban)):
        if not mask.any():
            continue
        d = getattr(sc.calibration, area)
        grid, logq, slopes = _quantile_table(d.a, d.scale, d.p, d.q, log_consumption_sd(sc, area))
        out[mask] = interp_on_grid(latent[mask], grid, logq, slopes)  # = np.interp, faster
    return out


def latent_log_ratio(sc: Scenario, hh: Households) -> np.ndarray:
    """``latent_log_quantile(latent now) - latent_base``: log earnings factor of the shock.

    The log of ``dynamics.shock_factor`` (log points, float32), the latent now being
    ``latent_permanent + persistent_shock``; with ``accel.enabled`` in one compiled pass.
    """
    if not accel.enabled or hh.n == 0:
        latent = hh.latent_permanent + hh.persistent_shock
        return latent_log_quantile(sc, hh.urban, latent) - hh.latent_base
    out = np.empty(hh.n, dtype=np.float32)
    _latent_log_ratio_kernel(
        hh.urban,
        hh.latent_permanent,
        hh.persistent_shock,
        hh.latent_base,
        *_latent_quantile_tables(sc, "urban"),
        *_latent_quantile_tables(sc, "rural"),
        out,
    )
    return out


@accel.pjit
def _latent_log_ratio_kernel(
    urban: np.ndarray,
    latent_permanent: np.ndarray,
    persistent_shock: np.ndarray,
    latent_base: np.ndarray,
    grid_u: np.ndarray,
    values_u: np.ndarray,
    slopes_u: np.ndarray,
    scale_u: float,
    grid_r: np.ndarray,
    values_r: np.ndarray,
    slopes_r: np.ndarray,
    scale_r: float,
    out: np.ndarray,
) -> None:
    """:func:`latent_log_ratio` per household (float32 log points)."""
    for i in accel.prange(out.shape[0]):
        x = np.float64(latent_permanent[i] + persistent_shock[i])  # float32 sum, as numpy
        if urban[i]:
            q = np.float32(_interp_one(x, grid_u, values_u, slopes_u, scale_u))
        else:
            q = np.float32(_interp_one(x, grid_r, values_r, slopes_r, scale_r))
        out[i] = q - latent_base[i]


@functools.lru_cache(maxsize=16)
def _log_sd(a: float, scale: float, p: float, q: float) -> float:
    u = (np.arange(2_000) + 0.5) / 2_000
    return float(np.std(np.log(gb2_ppf(u, a, scale, p, q))))


def log_consumption_sd(sc: Scenario, area: str) -> float:
    """Standard deviation of log per-capita consumption over persons in an area (log points)."""
    d = getattr(sc.calibration, area)
    return _log_sd(d.a, d.scale, d.p, d.q)


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
    extra = np.minimum(stats.poisson.ppf(u_slots[:, 0], lam), MAX_MEMBERS - 1).astype(np.int16)
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


def _rank_within(
    values: np.ndarray,
    mask: np.ndarray,
    share: float,
    weights: np.ndarray,
    order_all: np.ndarray | None = None,
) -> np.ndarray:
    """Select the lowest ``values`` among ``mask`` until their weight reaches ``share`` of all.

    ``order_all`` may pass ``stable_argsort(values)``: the households of ``mask`` in that order
    are their own stable order (ties in index order either way), so it is not sorted again.
    """
    total = weights.sum()
    if order_all is None:
        idx = np.flatnonzero(mask)
        order = idx[stable_argsort(values[idx])]  # = np.argsort(kind="stable"), faster
    else:
        order = order_all[mask[order_all]]
    cum = np.cumsum(weights[order])
    chosen = order[cum <= share * total]
    out = np.zeros(values.shape[0], dtype=bool)
    out[chosen] = True
    return out


def pkh_benefit(sc: Scenario, hh: Households) -> np.ndarray:
    """PKH benefit by family composition, capped at ``max_components`` members (rupiah/month)."""
    g = sc.government.pkh
    comps = np.stack([hh.n_young, hh.n_school, hh.n_elderly], axis=1).astype(np.int16)
    # fill components in order of value (young child, elderly, school child) up to the cap
    order = [(0, g.benefit_young_child), (2, g.benefit_elderly), (1, g.benefit_school_child)]
    remaining = np.full(hh.n, g.max_components, dtype=np.int16)
    total = np.zeros(hh.n, dtype=np.float32)
    for col, value in order:
        take = np.minimum(comps[:, col], remaining)
        total += take * np.float32(value)
        remaining -= take
    return total


@accel.pjit
def _transfers_kernel(
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
    """:func:`government_transfers` per household (float32 rupiah per month, ``out`` zeros).

    The PKH components are filled in :func:`pkh_benefit`'s order (young child, elderly, school
    child) up to ``max_components``; each adds ``count * value`` in float32.
    """
    zero = np.float32(0.0)
    for i in accel.prange(out.shape[0]):
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
    """Cash and food transfers from PKH and BPNT (rupiah per household per month)."""
    g = sc.government
    out = np.zeros(hh.n, dtype=np.float32)
    if accel.enabled and (g.pkh.enabled or g.bpnt.enabled):
        p = g.pkh
        _transfers_kernel(
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
    if g.pkh.enabled:
        out += np.where(hh.pkh, pkh_benefit(sc, hh), 0)
    if g.bpnt.enabled:
        out += np.where(hh.bpnt, np.float32(g.bpnt.benefit), 0)
    return out


@accel.jit
def _registry_pc_kernel(
    chosen: np.ndarray,
    consumption: np.ndarray,
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    out: np.ndarray,
) -> None:
    """``max(consumption_pc, 1)`` of the households ``chosen`` (float32 rupiah per capita)."""
    one = np.float32(1.0)
    for j in range(chosen.shape[0]):
        i = chosen[j]
        members = np.int64(n_young[i]) + n_school[i] + n_adult[i] + n_elderly[i]
        pc = consumption[i] / np.float32(members)
        out[j] = pc if (pc >= one or pc != pc) else one  # np.maximum: NaN propagates


@accel.jit
def _registry_store_kernel(
    chosen: np.ndarray,
    log_pc: np.ndarray,
    noise_sd: np.float32,
    noise: np.ndarray,
    registry_score: np.ndarray,
) -> None:
    """Store ``log_pc + noise_sd * noise`` (float32; ``noise`` of the chosen) in ``chosen``."""
    for j in range(chosen.shape[0]):
        registry_score[chosen[j]] = log_pc[j] + noise_sd * noise[j]


def refresh_registry(
    sc: Scenario, hh: Households, streams: Streams, month: int, share: float = 1.0
) -> None:
    """Re-survey a random ``share`` of households into the registry.

    The registry (DTKS) is a proxy-means test: log per-capita consumption plus normal error
    (``registry.noise_sd``). It is verified continuously by local governments rather than
    rebuilt at once: each month a random 1 / ``registry.update_months`` of records is
    refreshed, so a record is on average ``update_months`` old.
    """
    g = sc.government.registry
    if accel.enabled and share < 1.0:
        # only the chosen records are computed and drawn; the log is numpy's, on those records
        u = streams.uniform("registry.refresh", month, hh.n)
        chosen = np.flatnonzero(u < share)
        noise = streams.normal_of("registry.noise", month, chosen)
        pc = np.empty(chosen.size, dtype=np.float32)
        _registry_pc_kernel(
            chosen, hh.consumption, hh.n_young, hh.n_school, hh.n_adult, hh.n_elderly, pc
        )
        _registry_store_kernel(chosen, np.log(pc), np.float32(g.noise_sd), noise, hh.registry_score)
        return
    noise = streams.normal("registry.noise", month, hh.n)
    fresh = np.log(np.maximum(hh.consumption_pc, np.float32(1))) + np.float32(g.noise_sd) * noise
    if share >= 1.0:
        hh.registry_score[:] = fresh
        return
    chosen = streams.uniform("registry.refresh", month, hh.n) < share
    hh.registry_score[chosen] = fresh[chosen]


@accel.jit
def _target_kernel(
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
    """The three :func:`_rank_within` selections in one pass over the registry order.

    The running sums are numpy's cumulative sums (float64, in order); ``limit_*`` are the
    shares times numpy's totals (households for PKH and BPNT, persons for PBI-JKN).
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
    """
    g = sc.government
    keep = 1.0 - g.registry.duplicate_share
    if accel.enabled and hh.n > 0:
        order = stable_argsort(hh.registry_score)
        persons = hh.persons
        total_w = hh.weight.astype(np.float64).sum()  # numpy's pairwise sums, as _rank_within
        total_p = persons.sum()
        _target_kernel(
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
        return
    w = hh.weight.astype(np.float64)
    has_component = (hh.n_young + hh.n_school + hh.n_elderly) > 0
    everyone = np.ones(hh.n, dtype=bool)
    order = stable_argsort(hh.registry_score)  # one sort serves the three programmes
    hh.pkh[:] = g.pkh.enabled & _rank_within(
        hh.registry_score, has_component, g.pkh.coverage * keep, w, order
    )
    hh.bpnt[:] = g.bpnt.enabled & _rank_within(
        hh.registry_score, everyone, g.bpnt.coverage * keep, w, order
    )
    pbi = _rank_within(hh.registry_score, everyone, g.pbi_jkn.coverage * keep, hh.persons, order)
    hh.pbi[:] = g.pbi_jkn.enabled & pbi


def contributory_insurance(sc: Scenario, rank: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Active contributory JKN membership, more common higher up the distribution."""
    h = sc.health
    p = h.contributory_jkn_low + (h.contributory_jkn_high - h.contributory_jkn_low) * rank
    return u < p


def synthesize(sc: Scenario, streams: Streams) -> Households:
    """Draw the starting population.

    Args:
        sc: The scenario (population size, calibration, programmes, dynamics parameters).
        streams: Random streams of the run (month 0 draws).

    Returns:
        The starting households, a steady state of the dynamics with shocks, growth and
        demography off.
    """
    from sim import dynamics  # the steady-state back-out uses the dynamics' own formulas

    pop = sc.population
    n = pop.households
    m0 = 0
    # --- area: urban households in proportion to the urban share of persons
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

    # --- latent log income: permanent part and persistent shock e0 (stationary AR(1)); its sd
    # equals that of log consumption in the fitted distribution. Earnings later move with the
    # latent through the quantile map (``latent_log_quantile``), so the cross-section stays
    # stationary as shocks mean-revert.
    sh = sc.shocks
    var_e = sh.persistent_sd**2 / (1 - sh.persistent_rho**2) if sh.enabled else 0.0
    sd_latent = np.where(urban, log_consumption_sd(sc, "urban"), log_consumption_sd(sc, "rural"))
    sd_perm = np.sqrt(np.maximum(sd_latent**2 - var_e, 0.01 * sd_latent**2))
    xi = streams.normal("synth.permanent", m0, n).astype(np.float64)
    e0 = streams.normal("synth.persistent", m0, n).astype(np.float64) * np.sqrt(var_e)
    latent = sd_perm * xi + e0

    # --- members, poorer households larger. The (n, 15) uniforms are drawn and used in blocks
    # of rows: the same sequence as one (n, 15) draw, without holding it all (120 B/household)
    mean_size = np.where(urban, pop.members_mean_urban, pop.members_mean_rural)
    members_gen = streams.generator("synth.members", m0)
    n_young, n_school, n_adult, n_elderly = (np.empty(n, dtype=np.int8) for _ in range(4))
    for lo in range(0, n, SYNTH_BLOCK):
        hi = min(lo + SYNTH_BLOCK, n)
        u_slots = members_gen.random((hi - lo, MAX_MEMBERS + 1))
        (n_young[lo:hi], n_school[lo:hi], n_adult[lo:hi], n_elderly[lo:hi]) = _draw_members(
            xi[lo:hi], mean_size[lo:hi], pop.size_poverty_gradient, u_slots
        )
    del u_slots, mean_size, members_gen
    members = (n_young.astype(np.int16) + n_school + n_adult + n_elderly).astype(np.int16)

    # --- per-capita consumption by person-weighted rank within each area (exact calibration)
    cons_pc = np.empty(n, dtype=np.float64)
    rank = np.empty(n, dtype=np.float64)
    for area, mask in (("urban", urban), ("rural", ~urban)):
        if not mask.any():
            continue
        d = getattr(sc.calibration, area)
        u = _person_weighted_ranks(latent[mask], members[mask])
        rank[mask] = u
        cons_pc[mask] = gb2_ppf(u, d.a, d.scale, d.p, d.q)
    consumption = (cons_pc * members).astype(np.float32)
    del cons_pc  # set-up's peak memory is what limits the size of a run: free as we go

    # --- weights: urban share of persons exact, total households represented exact
    p_u = members[urban].sum(dtype=np.float64)
    p_r = members[~urban].sum(dtype=np.float64)
    share = pop.urban_person_share if (p_u > 0 and p_r > 0) else (1.0 if p_u > 0 else 0.0)
    denom = (share * n_urban / p_u if p_u else 0.0) + (
        (1 - share) * (n - n_urban) / p_r if p_r else 0.0
    )
    total_persons = pop.households_represented / denom
    weight = np.where(
        urban,
        share * total_persons / p_u if p_u else 0.0,
        (1 - share) * total_persons / p_r if p_r else 0.0,
    ).astype(np.float32)

    # --- sub-districts: urban households over urban sub-districts, sorted loosely by income so
    # that sub-districts differ (assumption: a fifth of the latent variance is between places)
    sub = np.empty(n, dtype=np.int16)
    geo = latent + streams.normal("synth.geography", m0, n) * sd_latent * 2.0
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
    del geo, latent, sd_latent

    # --- schooling of adults (years): Indonesian adults average ~8.8 years (BPS 2024), urban
    # ~10, rural ~7.5, rising with income
    base_school = np.where(urban, 10.0, 7.5)
    school_noise = streams.normal("synth.schooling", m0, n)
    adult_schooling = np.clip(base_school + 2.2 * xi + 2.0 * school_noise, 0, 18).astype(np.float32)
    del base_school, school_noise
    child_schooling = np.zeros(n, dtype=np.float32)  # set from enrolment below

    hh = Households(
        subdistrict=sub,
        urban=urban,
        weight=weight,
        n_young=n_young,
        n_school=n_school,
        n_adult=n_adult,
        n_elderly=n_elderly,
        n_enrolled=np.zeros(n, dtype=np.int8),
        adult_schooling=adult_schooling,
        child_schooling=child_schooling,
        wage_base=np.zeros(n, dtype=np.float32),
        persistent_shock=e0.astype(np.float32),
        latent_permanent=(sd_perm * xi).astype(np.float32),
        latent_base=np.zeros(n, dtype=np.float32),
        skill=np.zeros(n, dtype=np.float32),
        assets=np.zeros(n, dtype=np.float32),
        savings=np.zeros(n, dtype=np.float32),
        consumption=consumption,
        income_labour=np.zeros(n, dtype=np.float32),
        income_assets=np.zeros(n, dtype=np.float32),
        income_transfers=np.zeros(n, dtype=np.float32),
        health_state=np.zeros(n, dtype=np.int8),
        sick_months=np.zeros(n, dtype=np.int8),
        insured=np.zeros(n, dtype=bool),
        jkn_contributory=np.zeros(n, dtype=bool),
        pbi=np.zeros(n, dtype=bool),
        pkh=np.zeros(n, dtype=bool),
        bpnt=np.zeros(n, dtype=bool),
        registry_score=np.zeros(n, dtype=np.float32),
        months_out=np.full(n, -1, dtype=np.int16),
    )

    # --- government programmes through the registry; contributory insurance
    refresh_registry(sc, hh, streams, m0)
    target_government_programmes(sc, hh)
    del xi, e0, sd_perm
    hh.jkn_contributory[:] = contributory_insurance(sc, rank, streams.uniform("synth.jkn", m0, n))
    hh.insured[:] = hh.pbi | hh.jkn_contributory

    # --- enrolment from its own steady-state probability
    p_enrol = dynamics.enrolment_probability(sc, hh)
    hh.n_enrolled[:] = np.minimum(
        streams.binomial("synth.enrolment", m0, hh.n_school, p_enrol), hh.n_school
    ).astype(np.int8)
    # With exponential ageing (dynamics.demography), the mean schooling accumulated by the
    # school-age children of a household is in steady state the 9 years of the age band times
    # the enrolment share: start there, so that no drift appears when the dynamics start.
    hh.child_schooling[:] = 9.0 * p_enrol

    # --- enterprise technology: richer households more often run the improved technology
    u_tech = streams.uniform("synth.technology", m0, n)
    wants_high = u_tech < sc.assets.high_tech_share_top * rank**2
    del u_tech, rank, p_enrol
    hh.latent_base[:] = latent_log_quantile(sc, hh.urban, hh.latent_permanent + hh.persistent_shock)
    dynamics.back_out_incomes(sc, hh, wants_high)
    return hh


@accel.warmup
def _warm_up() -> None:
    """Compile (or load) the household kernels for the dtypes the model uses."""
    n = 3
    i8 = np.array([0, 1, 2], dtype=np.int8)
    f4 = np.ones(n, dtype=np.float32)
    b1 = np.array([True, False, True])
    idx = np.arange(n, dtype=np.intp)
    grid = np.linspace(-1.0, 1.0, 5)
    table = (grid, grid, np.ones(4), 2.0)
    _latent_quantile_kernel(b1, f4, *table, *table, f4.copy())
    _latent_log_ratio_kernel(b1, f4, f4, f4, *table, *table, f4.copy())
    _target_kernel(
        idx, f4, i8, i8, i8, i8, 1.0, 1.0, 1.0, True, True, True, b1.copy(), b1.copy(), b1.copy()
    )
    _registry_pc_kernel(idx, f4, i8, i8, i8, i8, f4.copy())
    _registry_store_kernel(idx, f4, np.float32(0.5), f4, f4.copy())
    one = np.float32(1.0)
    _transfers_kernel(i8, i8, i8, b1, b1, True, True, 3, one, one, one, one, f4.copy())

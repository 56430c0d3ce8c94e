"""Household mechanisms: shocks, health, income, consumption and saving, demography, schooling.

Each mechanism is a small function over the household arrays (``sim.households.Households``)
with its parameters in a scenario section. The monthly order is written once, in
``sim.model.PovertyModel.step``. Money is rupiah per month at March 2024 prices.

Key relations (all parameters in ``sim.scenario``):

* Labour earnings of a household = wage_base * earners * exp(return_to_schooling * schooling)
  * exp(persistent shock) * (1 + return_to_skill * skill) * growth, times the transitory shock
  (mean one), the covariate loss of its sub-district, the health loss and the local spillover.
* Asset income is non-convex (Carter & Barrett 2006): max(r_L k, A k^alpha - F), F scaled by
  ``trap_strength``. Assets move as dk = reinvest * y_A + invest_labour * labour - delta * k,
  so the tipping point (``asset_threshold``) follows from the technology, never from a rule.
* Consumption is buffer-stock (Deaton 1991; Carroll 1997): c = P + mpc * (X - (1 + b) P), where
  P is permanent disposable income, X cash on hand and b the buffer in months; no borrowing;
  below subsistence households spend savings, then sell assets at a discount.

Compiled kernels (``sim.accel``): with ``accel.enabled`` the hot mechanisms (demography, health,
schooling, permanent labour, consumption, spillovers, ...) run as one Numba loop over the
households instead of many numpy passes. The numpy code stays the reference and the fallback;
the kernels give the same arrays bit for bit (``tests/test_accel_dynamics.py``): the same
random numbers from the same streams, float32 arithmetic in float32 in numpy's order, int8
arithmetic wrapping as numpy's, numpy's choice of operand in maximum/minimum (``_fmax``), and
every exp, log and power still computed by numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from sim import accel
from sim.rng.binomial import binomial_counts_int8, binomial_table
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.distribution import latent_log_quantile, latent_log_ratio
from sim.world.government import government_transfers
from sim.world.households import Households
from sim.world.lines import poverty_lines

F32 = np.float32


# --------------------------------------------------------------------------------------------
# Technology
# --------------------------------------------------------------------------------------------


def fixed_cost(sc: Scenario) -> float:
    """Monthly fixed cost of the improved technology (rupiah), scaled by the trap strength."""
    return sc.assets.trap_strength * sc.assets.high_fixed_cost


def high_tech_income(sc: Scenario, k: np.ndarray) -> np.ndarray:
    """Income of the improved technology at assets ``k`` (rupiah per month, may be negative)."""
    a = sc.assets
    return a.high_productivity * np.power(np.maximum(k, 0), a.high_elasticity) - fixed_cost(sc)


def asset_income(sc: Scenario, k: np.ndarray) -> np.ndarray:
    """Income from productive assets: the better of the two technologies (rupiah per month)."""
    a = sc.assets
    params = (a.low_return, a.high_productivity, fixed_cost(sc), a.high_elasticity)
    if (
        accel.enabled
        and isinstance(k, np.ndarray)
        and k.dtype == F32
        and k.ndim == 1
        and all(type(x) in (int, float) for x in params)  # weak scalars: float32 arithmetic
    ):
        powered = np.power(np.maximum(k, 0), a.high_elasticity)  # numpy's power, as below
        out = np.empty(k.shape[0], dtype=F32)
        _asset_income_kernel(k, powered, F32(params[0]), F32(params[1]), F32(params[2]), out)
        return out
    return np.maximum(sc.assets.low_return * k, high_tech_income(sc, k)).astype(F32)


@accel.pjit
def _asset_income_kernel(
    k: np.ndarray,
    powered: np.ndarray,
    low_return: np.float32,
    productivity: np.float32,
    fixed: np.float32,
    out: np.ndarray,
) -> None:
    """``max(low_return * k, productivity * powered - fixed)`` in float32 (rupiah per month).

    ``powered`` is numpy's ``max(k, 0) ** elasticity``.
    """
    for i in accel.prange(k.shape[0]):
        out[i] = _fmax(low_return * k[i], productivity * powered[i] - fixed)


def asset_drift(sc: Scenario, k: np.ndarray, labour: np.ndarray) -> np.ndarray:
    """Expected monthly change of assets at ``k`` with labour income ``labour`` (rupiah)."""
    a = sc.assets
    return (
        a.reinvest_share * asset_income(sc, k) + a.labour_invest_share * labour - a.depreciation * k
    )


def asset_threshold(sc: Scenario, labour: float, k_max: float = 1e10) -> float | None:
    """The tipping point (Micawber threshold) of assets for a household with given labour income.

    Below it assets drift down towards the low steady state, above it they grow towards the high
    one. It follows from the technology and saving parameters.

    Args:
        sc: Scenario (its ``assets`` section).
        labour: Monthly labour income (rupiah).
        k_max: Largest asset level searched (rupiah).

    Returns:
        The unstable steady state (rupiah), or None when there is none (no trap).
    """
    grid = np.geomspace(1e3, k_max, 4000)
    d = asset_drift(sc, grid, np.full_like(grid, labour))
    # an unstable steady state: drift crosses from negative to positive
    up = np.flatnonzero((d[:-1] < 0) & (d[1:] >= 0))
    if up.size == 0:
        return None
    i = up[0]
    return float(
        optimize.brentq(
            lambda k: float(asset_drift(sc, np.array([k]), np.array([labour]))[0]),
            grid[i],
            grid[i + 1],
        )
    )


# --------------------------------------------------------------------------------------------
# Health
# --------------------------------------------------------------------------------------------


def expected_health_cost(sc: Scenario, hh: Households) -> tuple[np.ndarray, float]:
    """Expected monthly out-of-pocket cost (rupiah) and expected share of earnings lost.

    Households plan with these expectations, so the starting population already pays them on
    average and the steady state holds with health shocks on.
    """
    h = sc.health
    if not h.enabled:
        return np.zeros(hh.n, dtype=F32), 0.0
    oop = h.minor_prob * h.minor_cost + h.severe_prob * h.severe_cost
    if accel.enabled:
        # the same expression at (insured, uninsured), then one value per household
        both = (oop * np.where(np.array([True, False]), 1.0 - h.insured_oop_covered, 1.0)).astype(
            F32
        )
        loss_share = h.severe_prob * h.severe_months * h.severe_earnings_loss
        out = np.empty(hh.n, dtype=both.dtype)
        _select_kernel(hh.insured, both[0], both[1], out)
        return out, float(loss_share)
    uncovered = np.where(hh.insured, 1.0 - h.insured_oop_covered, 1.0)
    loss_share = h.severe_prob * h.severe_months * h.severe_earnings_loss
    return (oop * uncovered).astype(F32), float(loss_share)


@accel.pjit
def _select_kernel(mask: np.ndarray, yes: np.float32, no: np.float32, out: np.ndarray) -> None:
    """``out = np.where(mask, yes, no)``."""
    for i in accel.prange(mask.shape[0]):
        out[i] = yes if mask[i] else no


def health_shocks(sc: Scenario, hh: Households, streams: Streams, month: int) -> np.ndarray:
    """Draw this month's illnesses; return each household's out-of-pocket cost (rupiah).

    A severe episode lasts ``severe_months`` and costs ``severe_cost`` at onset; a minor one
    costs ``minor_cost``. Insurance removes the covered share of the cost (MODEL.md), not the
    lost earnings (Gertler & Gruber 2002).
    """
    h = sc.health
    oop = np.zeros(hh.n, dtype=F32)
    if not h.enabled:
        hh.health_state[:] = 0
        return oop
    if accel.enabled:
        u = streams.uniform("health.episode", month, hh.n)
        _health_kernel(
            hh.sick_months,
            hh.health_state,
            hh.insured,
            u,
            _as_compared(u, h.severe_prob),
            _as_compared(u, h.severe_prob + h.minor_prob),
            np.int8(h.severe_months),
            F32(1.0 - h.insured_oop_covered),
            F32(h.severe_cost),
            F32(h.minor_cost),
            oop,
        )
        return oop
    still_sick = hh.sick_months > 0
    hh.sick_months[still_sick] -= 1
    u = streams.uniform("health.episode", month, hh.n)
    severe = (u < h.severe_prob) & (hh.sick_months == 0)
    minor = (u >= h.severe_prob) & (u < h.severe_prob + h.minor_prob)
    hh.sick_months[severe] = h.severe_months
    hh.health_state[:] = np.where(hh.sick_months > 0, 2, np.where(minor, 1, 0))
    uncovered = np.where(hh.insured, F32(1.0 - h.insured_oop_covered), F32(1.0))
    oop += np.where(severe, F32(h.severe_cost), 0) * uncovered
    oop += np.where(minor & ~(hh.sick_months > 0), F32(h.minor_cost), 0) * uncovered
    return oop


def _as_compared(u: np.ndarray, value: float) -> np.generic:
    """``value`` in the dtype numpy compares ``u`` with it (a Python float is weak: float32)."""
    return np.result_type(u.dtype, value).type(value)


@accel.pjit
def _health_kernel(
    sick_months: np.ndarray,
    health_state: np.ndarray,
    insured: np.ndarray,
    u: np.ndarray,
    p_severe: float,
    p_ill: float,
    severe_months: np.int8,
    uncovered_insured: np.float32,
    severe_cost: np.float32,
    minor_cost: np.float32,
    oop: np.ndarray,
) -> None:
    """:func:`health_shocks` per household (``oop`` starts at zero, float32 rupiah)."""
    zero = np.float32(0.0)
    one = np.float32(1.0)
    for i in accel.prange(u.shape[0]):
        sick = sick_months[i]
        if sick > 0:
            sick = sick - np.int8(1)
        ui = u[i]
        severe = ui < p_severe and sick == 0
        minor = ui >= p_severe and ui < p_ill
        if severe:
            sick = severe_months
        sick_months[i] = sick
        ill = sick > 0
        health_state[i] = 2 if ill else (1 if minor else 0)
        unc = uncovered_insured if insured[i] else one
        o = zero + (severe_cost if severe else zero) * unc
        oop[i] = o + (minor_cost if (minor and not ill) else zero) * unc


# --------------------------------------------------------------------------------------------
# Income
# --------------------------------------------------------------------------------------------


def calendar_month(sc: Scenario, month: int) -> int:
    """Calendar month (1-12) of a month of the run (month 0 is ``start_calendar_month``)."""
    return (sc.seasons.start_calendar_month - 1 + month) % 12 + 1


def harvest_factor(sc: Scenario, hh: Households, month: int) -> np.ndarray:
    """Seasonal factor on rural earnings: mean one over the year, peaking at the harvest."""
    s = sc.seasons
    if s.harvest_amplitude_rural == 0:
        return np.ones(hh.n, dtype=F32)
    phase = 2 * np.pi * (calendar_month(sc, month) - s.harvest_calendar_month) / 12
    rural = F32(1 + s.harvest_amplitude_rural * np.cos(phase))
    if accel.enabled:
        out = np.empty(hh.n, dtype=F32)
        _select_kernel(hh.urban, F32(1), rural, out)
        return out
    return np.where(hh.urban, F32(1), rural)


def growth_factor(sc: Scenario, month: int) -> float:
    """Real earnings growth since month 0 (``income.growth_annual`` compounded monthly)."""
    return float((1.0 + sc.income.growth_annual) ** (month / 12.0))


def permanent_labour(sc: Scenario, hh: Households, month: int) -> np.ndarray:
    """Labour earnings without transitory, covariate or health losses (rupiah per month)."""
    inc = sc.income
    if accel.enabled:
        out = np.empty(hh.n, dtype=F32)
        _labour_kernel(
            hh.wage_base,
            hh.n_adult,
            hh.n_elderly,
            np.exp(F32(inc.return_to_schooling) * hh.adult_schooling),
            shock_factor(sc, hh),
            hh.skill,
            F32(inc.return_to_skill),
            F32(growth_factor(sc, month)),
            out,
        )
        return out
    return (
        hh.wage_base
        * hh.earners
        * np.exp(F32(inc.return_to_schooling) * hh.adult_schooling)
        * shock_factor(sc, hh)
        * (F32(1.0) + F32(inc.return_to_skill) * hh.skill)
        * F32(growth_factor(sc, month))
    ).astype(F32)


@accel.pjit
def _labour_kernel(
    wage_base: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    schooling_factor: np.ndarray,
    shock: np.ndarray,
    skill: np.ndarray,
    return_to_skill: np.float32,
    growth: np.float32,
    out: np.ndarray,
) -> None:
    """The float32 product of :func:`permanent_labour`, left to right (rupiah per month)."""
    one = np.float32(1.0)
    elderly_weight = np.float32(0.3)
    for i in accel.prange(out.shape[0]):
        earners = np.float32(n_adult[i]) + elderly_weight * np.float32(n_elderly[i])
        v = wage_base[i] * earners
        v = v * schooling_factor[i]
        v = v * shock[i]
        v = v * (one + return_to_skill * skill[i])
        out[i] = v * growth


def shock_factor(sc: Scenario, hh: Households) -> np.ndarray:
    """Earnings factor of the persistent shock since month 0: Q(latent now) / Q(latent at 0).

    The shock moves the household's latent log income; earnings follow the calibrated quantile
    function (``households.latent_log_quantile``), so shocks reshuffle households without
    changing the distribution of earnings potential.
    """
    if accel.enabled:
        # the quantile interpolation and the difference in one pass; the exp stays numpy's
        return np.exp(latent_log_ratio(sc, hh))
    latent = hh.latent_permanent + hh.persistent_shock
    return np.exp(latent_log_quantile(sc, hh.urban, latent) - hh.latent_base)


def persistent_shocks(sc: Scenario, hh: Households, streams: Streams, month: int) -> None:
    """Advance the AR(1) persistent earnings shock (log points)."""
    s = sc.shocks
    if not s.enabled:
        return
    eta = streams.normal("shock.persistent", month, hh.n)
    if accel.enabled:
        _ar1_kernel(hh.persistent_shock, eta, F32(s.persistent_rho), F32(s.persistent_sd))
        return
    hh.persistent_shock *= F32(s.persistent_rho)
    hh.persistent_shock += F32(s.persistent_sd) * eta


@accel.pjit
def _ar1_kernel(shock: np.ndarray, eta: np.ndarray, rho: np.float32, sd: np.float32) -> None:
    """``shock = shock * rho + sd * eta`` in float32 (log points)."""
    for i in accel.prange(shock.shape[0]):
        shock[i] = shock[i] * rho + sd * eta[i]


def transitory_factor(sc: Scenario, hh: Households, streams: Streams, month: int) -> np.ndarray:
    """Mean-one log-normal transitory earnings factor for this month."""
    s = sc.shocks
    if not s.enabled or s.transitory_sd == 0:
        return np.ones(hh.n, dtype=F32)
    eps = streams.normal("shock.transitory", month, hh.n)
    sd = F32(s.transitory_sd)
    if accel.enabled:
        log_factor = np.empty(hh.n, dtype=F32)
        _affine_kernel(eps, sd, F32(0.5) * sd * sd, log_factor)
        return np.exp(log_factor)  # numpy's exp
    return np.exp(sd * eps - F32(0.5) * sd * sd)


@accel.pjit
def _affine_kernel(x: np.ndarray, scale: np.float32, shift: np.float32, out: np.ndarray) -> None:
    """``out = scale * x - shift`` in float32."""
    for i in accel.prange(x.shape[0]):
        out[i] = scale * x[i] - shift


@dataclass
class SubdistrictState:
    """State kept per sub-district: covariate shocks and injections for spillovers.

    Attributes:
        covariate_months: Months of covariate loss remaining per sub-district.
        injections: Ring buffer (months x sub-districts) of new money injected (rupiah).
    """

    covariate_months: np.ndarray
    injections: np.ndarray

    @classmethod
    def empty(cls, sc: Scenario) -> SubdistrictState:
        """No shocks, no injections."""
        n = sc.population.subdistricts
        return cls(
            covariate_months=np.zeros(n, dtype=np.int16),
            injections=np.zeros((sc.spillovers.months, n), dtype=np.float64),
        )


def covariate_shocks(
    sc: Scenario, hh: Households, state: SubdistrictState, streams: Streams, month: int
) -> np.ndarray:
    """Harvest failures and disasters by sub-district; return each household's income factor."""
    s = sc.shocks
    if not s.enabled:
        return np.ones(hh.n, dtype=F32)
    n_sub = sc.population.subdistricts
    urban_sub = np.arange(n_sub) < sc.population.urban_subdistricts
    p = np.where(urban_sub, s.covariate_prob_urban, s.covariate_prob_rural)
    u = streams.uniform("shock.covariate", month, n_sub)
    state.covariate_months = np.maximum(state.covariate_months - 1, 0).astype(np.int16)
    hit = (u < p) & (state.covariate_months == 0)
    state.covariate_months[hit] = s.covariate_months
    factor_sub = np.where(state.covariate_months > 0, F32(1 - s.covariate_loss), F32(1)).astype(F32)
    return factor_sub[hh.subdistrict]


@accel.jit
def _local_gdp_kernel(
    subdistrict: np.ndarray,
    earned: np.ndarray,
    weight: np.ndarray,
    mask: np.ndarray,
    out: np.ndarray,
) -> None:
    """``np.bincount(subdistrict, weights=earned * weight * mask)`` into ``out``.

    The float32 products are summed in float64 in household order, as bincount does (rupiah
    per month).
    """
    for i in range(earned.shape[0]):
        out[subdistrict[i]] += np.float64(earned[i] * weight[i] * np.float32(mask[i]))


@accel.pjit
def _spill_select_kernel(
    subdistrict: np.ndarray, others: np.ndarray, factor: np.ndarray, out: np.ndarray
) -> None:
    """``np.where(others, factor[subdistrict], 1)`` in float32."""
    one = np.float32(1.0)
    for i in accel.prange(out.shape[0]):
        out[i] = factor[subdistrict[i]] if others[i] else one


def local_gdp(
    sc: Scenario, hh: Households, mask: np.ndarray, earned: np.ndarray | None = None
) -> np.ndarray:
    """Monthly earned income (labour and assets) of households ``mask``, per sub-district.

    ``earned`` is this month's earnings per household before spillovers; by default last
    month's recorded labour and asset income.
    """
    if earned is None:
        earned = hh.income_labour + hh.income_assets
    if (
        accel.enabled
        and mask.dtype == np.bool_
        and earned.dtype == F32
        and hh.weight.dtype == F32
        and hh.n > 0
        and int(hh.subdistrict.min()) >= 0
    ):
        out = np.zeros(max(sc.population.subdistricts, int(hh.subdistrict.max()) + 1))
        _local_gdp_kernel(hh.subdistrict, earned, hh.weight, mask, out)
        return out
    return np.bincount(
        hh.subdistrict, weights=earned * hh.weight * mask, minlength=sc.population.subdistricts
    )


def spillover_factor(
    sc: Scenario,
    hh: Households,
    state: SubdistrictState,
    injected: np.ndarray,
    month: int,
    recipients: np.ndarray | None = None,
    earned: np.ndarray | None = None,
) -> np.ndarray:
    """Local spillovers: money injected raises non-recipients' earnings in its sub-district.

    Each rupiah injected into a sub-district adds ``nonrecipient_multiplier`` rupiah of
    earnings (labour and asset income) of the households that did not receive it, spread evenly
    over the next ``months`` months (Egger et al. 2022), in proportion to each one's earned
    income last month.

    Args:
        sc: Scenario.
        hh: Households (last month's incomes define the base).
        state: Sub-district state with the ring buffer of injections.
        injected: New money injected this month per sub-district (rupiah, real persons).
        month: Current month.
        recipients: Households receiving programme money this month (no spillover factor).
        earned: This month's labour and asset income before spillovers (the base the extra
            earnings are a share of); by default last month's recorded incomes.

    Returns:
        Multiplier on labour and asset income per household (1 where nothing was injected).
    """
    sp = sc.spillovers
    state.injections[month % sp.months] = injected
    if not sp.enabled or not state.injections.any():
        return np.ones(hh.n, dtype=F32)
    others = np.ones(hh.n, dtype=bool) if recipients is None else ~recipients
    extra = sp.nonrecipient_multiplier * state.injections.sum(axis=0) / sp.months
    gdp = local_gdp(sc, hh, others, earned)
    rate = np.divide(extra, gdp, out=np.zeros_like(extra), where=gdp > 0)
    if accel.enabled:
        factor = (1.0 + rate).astype(F32)
        out = np.empty(hh.n, dtype=F32)
        _spill_select_kernel(hh.subdistrict, others, factor, out)
        return out
    return np.where(others, (1.0 + rate).astype(F32)[hh.subdistrict], F32(1)).astype(F32)


# --------------------------------------------------------------------------------------------
# Consumption and saving
# --------------------------------------------------------------------------------------------


def consume_and_save(
    sc: Scenario,
    hh: Households,
    permanent: np.ndarray,
    disposable: np.ndarray,
    line: np.ndarray,
) -> np.ndarray:
    """Buffer-stock consumption with distress sales; updates consumption, savings, assets.

    Args:
        sc: Scenario.
        hh: Households.
        permanent: Permanent disposable income P (rupiah per month).
        disposable: This month's disposable income (rupiah per month).
        line: Poverty line per household (rupiah per capita per month).

    Returns:
        Assets sold in distress this month (rupiah of book value).
    """
    c_par = sc.consumption
    if accel.enabled and all(
        np.asarray(a).dtype == F32 and np.shape(a) == (hh.n,) for a in (permanent, disposable, line)
    ):  # float32 inputs, as the model's (others promote differently: numpy path)
        sold = np.empty(hh.n, dtype=F32)
        _consume_kernel(
            hh.savings,
            hh.assets,
            hh.consumption,
            hh.n_young,
            hh.n_school,
            hh.n_adult,
            hh.n_elderly,
            np.asarray(permanent),
            np.asarray(disposable),
            np.asarray(line),
            F32(1.0) + F32(c_par.buffer_months),
            F32(c_par.mpc_cash),
            F32(c_par.subsistence_share),
            F32(1.0 - sc.assets.distress_discount),
            sold,
        )
        return sold
    cash = hh.savings + disposable
    target = (F32(1.0) + F32(c_par.buffer_months)) * permanent
    c = permanent + F32(c_par.mpc_cash) * (cash - target)
    c = np.clip(c, 0, np.maximum(cash, 0))
    subsistence = F32(c_par.subsistence_share) * line * hh.members
    # below subsistence: spend savings first, then sell assets at a discount
    c = np.maximum(c, np.minimum(subsistence, np.maximum(cash, 0)))
    short = np.maximum(subsistence - c, 0)
    keep = F32(1.0 - sc.assets.distress_discount)
    sold = np.minimum(hh.assets, short / keep)
    sold = np.where(short > 0, sold, 0).astype(F32)
    c = c + sold * keep
    hh.assets -= sold
    hh.savings[:] = np.maximum(cash + sold * keep - c, 0)
    # a household never consumes nothing: debt-free floor of a token amount
    hh.consumption[:] = np.maximum(c, F32(1.0))
    return sold


@accel.jit
def _fmax(a: float, b: float) -> float:
    """``np.maximum(a, b)`` bit for bit: a NaN ``a``, else ``a`` if larger, else ``b``.

    So equal values give ``b`` (``max(-0.0, 0.0)`` is ``0.0``, ``max(0.0, -0.0)`` is ``-0.0``)
    and a NaN ``b`` propagates, as numpy's loops (also ``np.clip``'s) do.
    """
    if a != a:
        return a
    return a if a > b else b


@accel.jit
def _fmin(a: float, b: float) -> float:
    """``np.minimum(a, b)`` bit for bit: a NaN ``a``, else ``a`` if smaller, else ``b``."""
    if a != a:
        return a
    return a if a < b else b


@accel.pjit
def _consume_kernel(
    savings: np.ndarray,
    assets: np.ndarray,
    consumption: np.ndarray,
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    permanent: np.ndarray,
    disposable: np.ndarray,
    line: np.ndarray,
    buffer_factor: np.float32,
    mpc: np.float32,
    subsistence_share: np.float32,
    keep: np.float32,
    sold_out: np.ndarray,
) -> None:
    """:func:`consume_and_save` per household, float32 as numpy (rupiah per month)."""
    zero = np.float32(0.0)
    one = np.float32(1.0)
    for i in accel.prange(savings.shape[0]):
        members = np.float32(
            np.int16(n_young[i])
            + np.int16(n_school[i])
            + np.int16(n_adult[i])
            + np.int16(n_elderly[i])
        )
        cash = savings[i] + disposable[i]
        perm = permanent[i]
        target = buffer_factor * perm
        c = perm + mpc * (cash - target)
        cash_pos = _fmax(cash, zero)
        c = _fmin(_fmax(c, zero), cash_pos)  # np.clip
        subsistence = subsistence_share * line[i] * members
        c = _fmax(c, _fmin(subsistence, cash_pos))
        short = _fmax(subsistence - c, zero)
        sold = _fmin(assets[i], short / keep)
        sold = sold if short > zero else zero
        c = c + sold * keep
        assets[i] = assets[i] - sold
        savings[i] = _fmax(cash + sold * keep - c, zero)
        consumption[i] = _fmax(c, one)
        sold_out[i] = sold


# --------------------------------------------------------------------------------------------
# Schooling
# --------------------------------------------------------------------------------------------


def enrolment_probability(
    sc: Scenario, hh: Households, conditioned: np.ndarray | None = None
) -> np.ndarray:
    """Probability that a school-age child is enrolled this school year.

    Logistic in log per-capita consumption relative to the line, in school cost relative to
    per-capita consumption, and in a schooling condition attached to a transfer (PKH or a
    programme), which acts beyond its income effect (Cahyadi et al. 2020).
    """
    s = sc.schooling
    line = poverty_lines(sc, hh.urban)
    cpc = np.maximum(hh.consumption_pc, F32(1.0))
    x = (
        F32(s.enrol_intercept)
        + F32(s.enrol_consumption_slope) * np.log(cpc / line)
        - F32(s.cost_sensitivity) * F32(s.school_cost) / cpc
    )
    if conditioned is None:
        conditioned = schooling_condition(sc, hh)
    x = x + np.where(conditioned, F32(s.condition_effect), F32(0))
    return special.expit(x).astype(F32)


def schooling_condition(sc: Scenario, hh: Households) -> np.ndarray:
    """Households whose transfers carry a schooling condition (PKH today)."""
    g = sc.government.pkh
    if g.enabled and g.schooling_condition:
        return hh.pkh.copy()
    return np.zeros(hh.n, dtype=bool)


@accel.pjit
def _schooling_month_kernel(
    n_enrolled: np.ndarray, n_school: np.ndarray, child_schooling: np.ndarray, months: np.float32
) -> None:
    """Add a month of schooling (years) times the enrolled share, per household."""
    for i in accel.prange(n_school.shape[0]):
        share = np.float32(0.0)
        if n_school[i] > 0:
            # float64 quotient rounded to float32: the correctly rounded float32 quotient
            share = np.float32(np.float64(n_enrolled[i]) / np.float64(n_school[i]))
        child_schooling[i] = child_schooling[i] + share / months


def schooling(
    sc: Scenario,
    hh: Households,
    streams: Streams,
    month: int,
    conditioned: np.ndarray | None = None,
) -> None:
    """Accumulate years of schooling monthly; revise enrolment at the start of a school year."""
    s = sc.schooling
    if not s.enabled:
        return
    # enrolled children accumulate a month of schooling
    if accel.enabled:
        _schooling_month_kernel(hh.n_enrolled, hh.n_school, hh.child_schooling, F32(12.0))
    else:
        share = np.divide(
            hh.n_enrolled, hh.n_school, out=np.zeros(hh.n, dtype=F32), where=hh.n_school > 0
        )
        hh.child_schooling += share / F32(12.0)
    if calendar_month(sc, month) != s.school_year_calendar_month:
        return
    p = enrolment_probability(sc, hh, conditioned)
    enrolled = streams.binomial("school.enrol", month, hh.n_school, p)
    hh.n_enrolled[:] = np.minimum(enrolled, hh.n_school).astype(np.int8)


# --------------------------------------------------------------------------------------------
# Demography
# --------------------------------------------------------------------------------------------


def _monthly(rate_per_year: float) -> float:
    return 1.0 - (1.0 - rate_per_year) ** (1.0 / 12.0)


def demography(sc: Scenario, hh: Households, streams: Streams, month: int) -> None:
    """Ageing between groups, births, deaths and adults leaving, by binomial draws.

    Ageing is a Markov approximation: each person leaves an age group at the rate 1 / (months
    in the group); children aged 0-6 reach school age once a year, at the start of the school
    year (rate 1/7 a year). New adults bring the schooling they accumulated at 7-15 plus
    ``schooling.post_basic_years``. A household always keeps at least one member (a death of
    the last member is read as a successor taking over). Adults beyond the second leave at
    ``leave_rate`` to form households outside the panel (MODEL.md: household formation is
    optional; they are not tracked).
    """
    d = sc.demography
    if not d.enabled:
        return

    def draw(name: str, count: np.ndarray, p: float) -> np.ndarray:
        return streams.binomial(f"demography.{name}", month, count, p).astype(np.int8)

    # children reach school age at the start of the school year, when enrolment is decided
    school_start = calendar_month(sc, month) == sc.schooling.school_year_calendar_month
    if accel.enabled and all(
        a.dtype == np.int8 for a in (hh.n_young, hh.n_school, hh.n_adult, hh.n_elderly)
    ):  # the kernels mirror numpy's int8 arithmetic
        _demography_compiled(sc, hh, streams, month, school_start)
        return
    young_to_school = (
        draw("age_young", hh.n_young, 1 / 7) if school_start else np.zeros(hh.n, dtype=np.int8)
    )
    school_to_adult = draw("age_school", hh.n_school, 1 / (9 * 12))
    adult_to_elderly = draw("age_adult", hh.n_adult, _monthly(d.ageing_adult_rate))
    births = draw("births", hh.n_adult, _monthly(d.births_per_adult))
    die_young = draw("death_young", hh.n_young, _monthly(d.death_rate_young))
    die_adult = draw("death_adult", hh.n_adult, _monthly(d.death_rate_adult))
    die_elderly = draw("death_elderly", hh.n_elderly, _monthly(d.death_rate_elderly))
    extra_adults = np.maximum(hh.n_adult.astype(np.int16) - 2, 0)
    leave = draw("leave", extra_adults, _monthly(d.leave_rate))

    # schooling moves with the children who grow up
    enrolled_grow = np.minimum(school_to_adult, hh.n_enrolled)
    new_adults = school_to_adult.astype(F32)
    adults_after = np.maximum(hh.n_adult - adult_to_elderly - die_adult - leave, 0).astype(F32)
    total = adults_after + new_adults
    hh.adult_schooling[:] = np.where(
        total > 0,
        (
            hh.adult_schooling * adults_after
            + (hh.child_schooling + F32(sc.schooling.post_basic_years)) * new_adults
        )
        / np.maximum(total, 1),
        hh.adult_schooling,
    )
    school_after = (hh.n_school - school_to_adult).astype(F32)
    school_total = school_after + young_to_school
    hh.child_schooling[:] = np.where(
        school_total > 0, hh.child_schooling * school_after / np.maximum(school_total, 1), 0
    )
    hh.n_enrolled[:] = np.maximum(hh.n_enrolled - enrolled_grow, 0)

    hh.n_young[:] = np.clip(hh.n_young - young_to_school - die_young + births, 0, 20)
    hh.n_school[:] = np.clip(hh.n_school - school_to_adult + young_to_school, 0, 20)
    hh.n_adult[:] = np.clip(
        hh.n_adult - adult_to_elderly - die_adult - leave + school_to_adult, 0, 30
    )
    hh.n_elderly[:] = np.clip(hh.n_elderly + adult_to_elderly - die_elderly, 0, 20)
    hh.n_enrolled[:] = np.minimum(hh.n_enrolled, hh.n_school)
    empty = hh.members == 0
    hh.n_adult[empty] = 1  # a successor takes over the household


# the demography's binomial draws in stream order: (stream name, age group counted)
_DRAWS = (
    ("age_young", "young"),
    ("age_school", "school"),
    ("age_adult", "adult"),
    ("births", "adult"),
    ("death_young", "young"),
    ("death_adult", "adult"),
    ("death_elderly", "elderly"),
    ("leave", "extra"),
)


@accel.jit
def _wrap8(x: int) -> int:
    """``x`` wrapped to int8, as numpy's int8 arithmetic wraps."""
    return ((x + 128) & 255) - 128


@accel.jit
def _clip(x: int, hi: int) -> int:
    """``np.clip(x, 0, hi)`` of an integer."""
    return 0 if x < 0 else (hi if x > hi else x)


@accel.pjit
def _demography_kernel(
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    n_enrolled: np.ndarray,
    adult_schooling: np.ndarray,
    child_schooling: np.ndarray,
    counts: np.ndarray,
    post_basic: np.float32,
) -> None:
    """The numpy demography's updates per household, from the drawn ``counts`` (persons).

    ``counts[j]`` holds draw ``j`` (order of ``_DRAWS``; zeros for the young reaching school
    age outside the school-year start). The int8 arithmetic wraps and the float32 arithmetic
    rounds exactly as numpy's does; the schooling means are in years.
    """
    one = np.float32(1.0)
    zero = np.float32(0.0)
    for i in accel.prange(n_young.shape[0]):
        ny = np.int64(n_young[i])
        ns = np.int64(n_school[i])
        na = np.int64(n_adult[i])
        nel = np.int64(n_elderly[i])
        nen = np.int64(n_enrolled[i])
        yts = np.int64(counts[0, i])
        sta = np.int64(counts[1, i])
        ate = np.int64(counts[2, i])
        births = np.int64(counts[3, i])
        dy = np.int64(counts[4, i])
        da = np.int64(counts[5, i])
        de = np.int64(counts[6, i])
        lv = np.int64(counts[7, i])

        grow = sta if sta < nen else nen
        new_adults = np.float32(sta)
        a_left = _wrap8(_wrap8(_wrap8(na - ate) - da) - lv)
        adults_after = np.float32(a_left if a_left > 0 else 0)
        total = adults_after + new_adults
        a_s = adult_schooling[i]
        c_s = child_schooling[i]
        # both sides computed and one selected, as np.where does
        mixed = (a_s * adults_after + (c_s + post_basic) * new_adults) / max(total, one)
        adult_schooling[i] = mixed if total > zero else a_s
        school_after = np.float32(_wrap8(ns - sta))
        school_total = school_after + np.float32(yts)
        kept = c_s * school_after / max(school_total, one)
        child_schooling[i] = kept if school_total > zero else zero
        nen = _wrap8(nen - grow)
        nen = nen if nen > 0 else 0

        ny2 = _clip(_wrap8(_wrap8(_wrap8(ny - yts) - dy) + births), 20)
        ns2 = _clip(_wrap8(_wrap8(ns - sta) + yts), 20)
        na2 = _clip(_wrap8(a_left + sta), 30)
        nel2 = _clip(_wrap8(_wrap8(nel + ate) - de), 20)
        if ny2 + ns2 + na2 + nel2 == 0:
            na2 = 1  # a successor takes over the household
        n_young[i] = ny2
        n_school[i] = ns2
        n_adult[i] = na2
        n_elderly[i] = nel2
        n_enrolled[i] = nen if nen < ns2 else ns2


def _demography_compiled(
    sc: Scenario, hh: Households, streams: Streams, month: int, school_start: bool
) -> None:
    """:func:`demography` by compiled kernels: the same uniforms, the same arithmetic.

    Each draw takes its uniforms from its own stream (``streams.uniform64``, what
    ``streams.binomial`` inverts), in the same order, one array at a time; a kernel turns them
    into int8 counts with numpy's P(X = 0) table (``randomness.binomial_table`` over the same
    range of trials as the numpy path), and one pass over the households applies them.
    """
    d = sc.demography
    n = hh.n
    if n == 0:
        return
    probs = (
        1 / 7,
        1 / (9 * 12),
        _monthly(d.ageing_adult_rate),
        _monthly(d.births_per_adult),
        _monthly(d.death_rate_young),
        _monthly(d.death_rate_adult),
        _monthly(d.death_rate_elderly),
        _monthly(d.leave_rate),
    )
    source = {
        "young": (hh.n_young, 0),
        "school": (hh.n_school, 0),
        "adult": (hh.n_adult, 0),
        "elderly": (hh.n_elderly, 0),
        "extra": (hh.n_adult, 2),  # adults beyond the second
    }
    ranges = {g: (int(a.min()), int(a.max())) for g, (a, _) in source.items() if g != "extra"}
    a_lo, a_hi = ranges["adult"]
    ranges["extra"] = (max(a_lo - 2, 0), max(a_hi - 2, 0))
    counts = np.zeros((len(_DRAWS), n), dtype=np.int8)
    for j, ((name, group), p) in enumerate(zip(_DRAWS, probs, strict=True)):
        if j == 0 and not school_start:
            continue  # children reach school age only at the start of the school year
        u = streams.uniform64(f"demography.{name}", month, n)
        lo, hi = ranges[group]
        certain, q_tab, ratio = binomial_table(lo, hi, p)
        trials, offset = source[group]
        binomial_counts_int8(trials, offset, u, certain, q_tab, lo, ratio, counts[j])
        del u
    _demography_kernel(
        hh.n_young,
        hh.n_school,
        hh.n_adult,
        hh.n_elderly,
        hh.n_enrolled,
        hh.adult_schooling,
        hh.child_schooling,
        counts,
        F32(sc.schooling.post_basic_years),
    )


@accel.warmup
def _warm_up() -> None:
    """Compile (or load) the household-dynamics kernels for the dtypes the model uses."""
    n = 3
    i8 = np.array([0, 1, 2], dtype=np.int8)
    f4 = np.ones(n, dtype=F32)
    b1 = np.array([True, False, True])
    one = F32(1.0)
    _health_kernel(i8.copy(), i8.copy(), b1, f4 / 2, one, one, np.int8(3), one, one, one, f4.copy())
    _labour_kernel(f4, i8, i8, f4, f4, f4, one, one, f4.copy())
    _select_kernel(b1, one, one, f4.copy())
    _consume_kernel(
        f4.copy(), f4.copy(), f4.copy(), i8, i8, i8, i8, f4, f4, f4, one, one, one, one, f4.copy()
    )
    _schooling_month_kernel(i8, i8, f4.copy(), one)
    counts = np.zeros((len(_DRAWS), n), dtype=np.int8)
    _demography_kernel(
        i8.copy(), i8.copy(), i8.copy(), i8.copy(), i8.copy(), f4.copy(), f4.copy(), counts, one
    )
    sub = np.array([0, 1, 0], dtype=np.int16)
    _local_gdp_kernel(sub, f4, f4, b1, np.zeros(2))
    _spill_select_kernel(sub, b1, f4, f4.copy())
    _ar1_kernel(f4.copy(), f4, one, one)
    _asset_income_kernel(f4, f4, one, one, one, f4.copy())
    _affine_kernel(f4, one, one, f4.copy())


# --------------------------------------------------------------------------------------------
# Steady state at set-up
# --------------------------------------------------------------------------------------------


def upper_steady_state(sc: Scenario) -> float | None:
    """Assets at which the improved technology alone sustains itself (reinvest * y_H = delta k).

    Returns:
        The stable upper root (rupiah), or None when the technology cannot sustain itself.
    """
    a = sc.assets

    def f(k: float) -> float:
        return a.reinvest_share * float(high_tech_income(sc, np.array([k]))[0]) - a.depreciation * k

    grid = np.geomspace(1e3, 1e13, 3000)
    vals = np.array([f(k) for k in grid[::10]])
    sign = np.flatnonzero((vals[:-1] > 0) & (vals[1:] <= 0))
    if sign.size == 0:
        return None
    i = sign[-1]
    return float(optimize.brentq(f, grid[::10][i], grid[::10][i + 1]))


def back_out_incomes(sc: Scenario, hh: Households, wants_high: np.ndarray) -> None:
    """Set labour fixed effects, assets and savings so that the start is a steady state.

    Given consumption C and transfers T, each household's permanent disposable income equals C
    and its assets sit at a stable steady state of the asset dynamics: at the low steady state
    k_L = invest_labour * L / (delta - reinvest * r_L) with the traditional technology, or at
    the high one with the improved technology (households that ``wants_high`` and can sustain
    it, and households whose labour income leaves them no low steady state).
    """
    a = sc.assets
    if a.reinvest_share * a.low_return >= a.depreciation:
        raise ValueError(
            "assets: reinvest_share * low_return must be below depreciation "
            "(otherwise traditional assets grow without bound)"
        )
    transfers = government_transfers(sc, hh)
    oop, loss = expected_health_cost(sc, hh)
    net_needed = np.maximum(hh.consumption.astype(np.float64) - transfers + oop, 1.0)
    iota, sigma, delta, r_low = (
        a.labour_invest_share,
        a.reinvest_share,
        a.depreciation,
        a.low_return,
    )

    # low regime: closed form
    phi = r_low * iota / (delta - sigma * r_low)
    lab_low = net_needed / ((1 - iota) + (1 - sigma) * phi)  # effective labour, after losses
    k_low = iota * lab_low / (delta - sigma * r_low)
    low_valid = high_tech_income(sc, k_low) <= r_low * k_low

    # high regime: bisection on k >= the self-sustaining steady state
    k_star = upper_steady_state(sc)
    high_possible = np.zeros(hh.n, dtype=bool)
    k_high = np.zeros(hh.n)
    lab_high = np.zeros(hh.n)
    if k_star is not None:

        def consumption_at(k: np.ndarray) -> np.ndarray:
            y_h = high_tech_income(sc, k)
            lab = (delta * k - sigma * y_h) / iota
            return (1 - iota) * lab + (1 - sigma) * y_h

        high_possible = net_needed >= consumption_at(np.array([k_star]))[0]
        lo = np.full(hh.n, k_star)
        hi = np.full(hh.n, max(k_star * 10, 1e9))
        while True:  # widen until every target is bracketed
            short = consumption_at(hi) < net_needed
            if not short.any() or hi.max() > 1e15:
                break
            hi[short] *= 10
        # 80 halvings. Only households that may use the improved technology (high_possible)
        # need k_high (it is used nowhere else), and a bracket that has shrunk to adjacent
        # floats no longer moves: iterate on the open brackets of those households only (the
        # same arithmetic per household as over all of them)
        open_ = np.flatnonzero(high_possible)
        for _ in range(80):
            lo_o, hi_o = lo[open_], hi[open_]
            mid = 0.5 * (lo_o + hi_o)
            below = consumption_at(mid) < net_needed[open_]
            lo[open_] = np.where(below, mid, lo_o)
            hi[open_] = np.where(below, hi_o, mid)
            moved = (mid != lo_o) & (mid != hi_o)
            open_ = open_[moved]
            if open_.size == 0:
                break
        k_high = 0.5 * (lo + hi)
        lab_high = (delta * k_high - sigma * high_tech_income(sc, k_high)) / iota
        high_possible &= high_tech_income(sc, k_high) >= r_low * k_high

    use_high = high_possible & (wants_high | ~low_valid)
    lab_eff = np.where(use_high, lab_high, lab_low)
    k = np.where(use_high, k_high, k_low)
    labour = lab_eff / (1.0 - loss)
    inc = sc.income
    denom = (
        hh.earners.astype(np.float64)
        * np.exp(inc.return_to_schooling * hh.adult_schooling.astype(np.float64))
        * (1.0 + inc.return_to_skill * hh.skill.astype(np.float64))
    )
    hh.wage_base[:] = labour / np.maximum(denom, 1e-6)
    hh.assets[:] = k
    hh.income_labour[:] = labour
    hh.income_assets[:] = asset_income(sc, k.astype(F32))
    hh.income_transfers[:] = transfers
    hh.savings[:] = sc.consumption.buffer_months * hh.consumption

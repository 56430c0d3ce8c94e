"""Labour earnings: the permanent level, real growth, and the month's earnings.

Labour earnings of a household = wage_base * earners ** e * members ** (1 - e) (``e`` is
``income.earner_elasticity``; 1 gives earners) * exp(return_to_schooling * schooling)
* exp(persistent shock) * (1 + return_to_skill * skill) * growth (:func:`permanent_labour`),
times the transitory shock (mean one), the covariate loss of its sub-district, the harvest
season and the health loss (:func:`earnings`); the local spillover scales them in the budget
(``sim.dynamics.budget``). Money is rupiah per household per month.
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.examples import factor, persons, rupiah
from sim.dynamics.shocks import shock_factor
from sim.kernels import kernel, prange
from sim.scenario import Scenario
from sim.world.households import Households

F32 = np.float32


def growth_factor(sc: Scenario, month: int) -> float:
    """Real earnings growth since month 0 (``income.growth_annual`` compounded monthly)."""
    return float((1.0 + sc.income.growth_annual) ** (month / 12.0))


def permanent_labour(sc: Scenario, hh: Households, month: int) -> np.ndarray:
    """Labour earnings without transitory, covariate or health losses (rupiah per month)."""
    inc = sc.income
    out = np.empty(hh.n, dtype=F32)
    _labour_kernel(
        hh.wage_base,
        hh.n_adult,
        hh.n_elderly,
        F32(inc.elderly_earner_weight),
        np.exp(F32(inc.return_to_schooling) * hh.adult_schooling),
        shock_factor(sc, hh),
        hh.skill,
        F32(inc.return_to_skill),
        F32(growth_factor(sc, month)),
        out,
    )
    if inc.earner_elasticity != 1.0:  # earners ** e * members ** (1 - e), in numpy
        earners = hh.earners(inc.elderly_earner_weight)
        ratio = hh.members.astype(F32) / np.maximum(earners, F32(1e-6))
        pooled = np.power(ratio, F32(1.0 - inc.earner_elasticity))
        out *= np.where(earners > 0, pooled, F32(1.0))
    return out


def _labour_reference(
    wage_base: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    elderly_weight: np.float32,
    schooling_factor: np.ndarray,
    shock: np.ndarray,
    skill: np.ndarray,
    return_to_skill: np.float32,
    growth: np.float32,
    out: np.ndarray,
) -> None:
    """The float32 product of :func:`permanent_labour` in numpy, left to right."""
    earners = n_adult.astype(F32) + elderly_weight * n_elderly  # Households.earners
    out[:] = (
        wage_base * earners * schooling_factor * shock * (F32(1.0) + return_to_skill * skill)
    ) * growth


def _labour_example(rng: np.random.Generator, n: int) -> tuple:
    """Wage bases, household members (no adults in some), schooling and skill factors."""
    return (
        rupiah(rng, n, 1.5e6, zeros=0.0),
        persons(rng, n, 4),
        persons(rng, n, 2, zeros=0.7),
        F32(0.3),
        np.exp(F32(0.09) * rng.uniform(0, 12, n).astype(F32)),
        factor(rng, n, 0.4),
        np.where(rng.random(n) < 0.1, rng.uniform(0, 3, n), 0).astype(F32),
        F32(0.1),
        F32(1.04),
        np.empty(n, dtype=F32),
    )


@kernel(reference=_labour_reference, example=_labour_example, parallel=True)
def _labour_kernel(
    wage_base: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    elderly_weight: np.float32,
    schooling_factor: np.ndarray,
    shock: np.ndarray,
    skill: np.ndarray,
    return_to_skill: np.float32,
    growth: np.float32,
    out: np.ndarray,
) -> None:
    """The float32 product of :func:`permanent_labour`, left to right (rupiah per month)."""
    one = np.float32(1.0)
    for i in prange(out.shape[0]):
        earners = np.float32(n_adult[i]) + elderly_weight * np.float32(n_elderly[i])
        v = wage_base[i] * earners
        v = v * schooling_factor[i]
        v = v * shock[i]
        v = v * (one + return_to_skill * skill[i])
        out[i] = v * growth


def earnings(
    sc: Scenario,
    hh: Households,
    labour_perm: np.ndarray,
    transitory: np.ndarray,
    covariate: np.ndarray,
    asset_income_normal: np.ndarray,
    asset_return: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """This month's labour and asset income before spillovers, and their sum.

    Args:
        sc: Scenario (``health.severe_earnings_loss``).
        hh: Households (``sick_months``: a severe illness takes the earnings loss).
        labour_perm: Permanent labour earnings (:func:`permanent_labour`, rupiah per month).
        transitory: Transitory earnings factor (mean one).
        covariate: Covariate and seasonal factor of the household's sub-district.
        asset_income_normal: Asset income without shocks (rupiah per month).
        asset_return: Programme multiplier on asset income (market access; 1 without).

    Returns:
        ``(labour, asset income, earned = labour + asset income)``, float32 rupiah per month.
    """
    sick_factor = F32(1 - sc.health.severe_earnings_loss)
    return _earnings_kernel(
        labour_perm,
        transitory,
        covariate,
        hh.sick_months,
        sick_factor,
        asset_income_normal,
        asset_return,
    )


def _earnings_reference(
    labour_perm: np.ndarray,
    transitory: np.ndarray,
    covariate: np.ndarray,
    sick_months: np.ndarray,
    sick_factor: np.float32,
    assets_income_normal: np.ndarray,
    asset_return: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`earnings` in numpy."""
    ill = np.where(sick_months > 0, sick_factor, F32(1))
    labour = labour_perm * transitory * covariate * ill
    del ill
    assets_income = assets_income_normal * covariate * asset_return
    return labour, assets_income, labour + assets_income


def _earnings_example(rng: np.random.Generator, n: int) -> tuple:
    """Earnings, shock factors (a covariate loss in some), illness, asset income and returns."""
    covariate = factor(rng, n, 0.05)
    covariate[rng.random(n) < 0.2] = F32(0.85)
    asset_return = np.ones(n, dtype=F32)
    asset_return[rng.random(n) < 0.1] = F32(1.2)
    return (
        rupiah(rng, n, 2e6),
        factor(rng, n, 0.1),
        covariate,
        np.where(rng.random(n) < 0.1, rng.integers(1, 4, n), 0).astype(np.int8),
        F32(0.65),
        rupiah(rng, n, 5e4, zeros=0.2),
        asset_return,
    )


@kernel(reference=_earnings_reference, example=_earnings_example, parallel=True)
def _earnings_kernel(
    labour_perm: np.ndarray,
    transitory: np.ndarray,
    covariate: np.ndarray,
    sick_months: np.ndarray,
    sick_factor: np.float32,
    assets_income_normal: np.ndarray,
    asset_return: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`earnings` per household (float32, numpy's operations in numpy's order).

    ``labour = labour_perm * transitory * covariate * ill`` (``ill`` is ``sick_factor`` in a
    month of severe illness, else 1) and ``assets_income = assets_income_normal * covariate *
    asset_return``.
    """
    n = labour_perm.shape[0]
    labour = np.empty(n, dtype=np.float32)
    assets_income = np.empty(n, dtype=np.float32)
    earned = np.empty(n, dtype=np.float32)
    for i in prange(n):
        cov = covariate[i]
        ill = sick_factor if sick_months[i] > 0 else np.float32(1.0)
        lab = labour_perm[i] * transitory[i] * cov * ill
        ai = assets_income_normal[i] * cov * asset_return[i]
        labour[i] = lab
        assets_income[i] = ai
        earned[i] = lab + ai
    return labour, assets_income, earned

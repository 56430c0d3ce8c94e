"""Local spillovers: money injected into a sub-district raises its other households' earnings.

Each rupiah injected into a sub-district adds ``spillovers.nonrecipient_multiplier`` rupiah of
earnings (labour and asset income) of the households that did not receive it, spread evenly
over the next ``spillovers.months`` months (Egger et al. 2022), in proportion to each one's
earned income. Money is rupiah per month.
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.examples import chosen, rupiah
from sim.dynamics.subdistricts import SubdistrictState
from sim.kernels import kernel, prange
from sim.scenario import Scenario
from sim.world.households import Households

F32 = np.float32


def local_gdp(
    sc: Scenario, hh: Households, mask: np.ndarray, earned: np.ndarray | None = None
) -> np.ndarray:
    """Monthly earned income (labour and assets) of households ``mask``, per sub-district.

    Args:
        sc: Scenario (the number of sub-districts).
        hh: Households (sub-district and weight of each).
        mask: Households counted (bool).
        earned: This month's earnings per household before spillovers (float32); by default
            last month's recorded labour and asset income.

    Returns:
        Weighted earned income per sub-district (rupiah per month, float64).
    """
    if earned is None:
        earned = hh.income_labour + hh.income_assets
    size = sc.population.subdistricts
    if hh.n:
        size = max(size, int(hh.subdistrict.max()) + 1)
    out = np.zeros(size)
    _local_gdp_kernel(hh.subdistrict, earned, hh.weight, mask, out)
    return out


def _local_gdp_reference(
    subdistrict: np.ndarray,
    earned: np.ndarray,
    weight: np.ndarray,
    mask: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out += np.bincount(subdistrict, weights=earned * weight * mask)``."""
    out += np.bincount(subdistrict, weights=earned * weight * mask, minlength=out.shape[0])


def _local_gdp_example(rng: np.random.Generator, n: int) -> tuple:
    """Households in 20 sub-districts, their weights, earnings and a recipients' mask."""
    subdistrict = rng.integers(0, 20, n).astype(np.int16)
    weight = np.full(n, F32(rng.uniform(50, 500)))
    return subdistrict, rupiah(rng, n, 2e6), weight, ~chosen(rng, n), np.zeros(20)


@kernel(reference=_local_gdp_reference, example=_local_gdp_example)
def _local_gdp_kernel(
    subdistrict: np.ndarray,
    earned: np.ndarray,
    weight: np.ndarray,
    mask: np.ndarray,
    out: np.ndarray,
) -> None:
    """``np.bincount(subdistrict, weights=earned * weight * mask)`` added into ``out``.

    The float32 products are summed in float64 in household order, as bincount does (rupiah
    per month).
    """
    for i in range(earned.shape[0]):
        out[subdistrict[i]] += np.float64(earned[i] * weight[i] * np.float32(mask[i]))


def spillover_factor(
    sc: Scenario,
    hh: Households,
    state: SubdistrictState,
    injected: np.ndarray,
    month: int,
    recipients: np.ndarray | None = None,
    earned: np.ndarray | None = None,
) -> np.ndarray:
    """Local spillovers: the factor on each household's earnings this month.

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
    out = np.empty(hh.n, dtype=F32)
    _spill_select_kernel(hh.subdistrict, others, (1.0 + rate).astype(F32), out)
    return out


def _spill_select_reference(
    subdistrict: np.ndarray, others: np.ndarray, factor: np.ndarray, out: np.ndarray
) -> None:
    """``out = np.where(others, factor[subdistrict], 1)`` in float32."""
    out[:] = np.where(others, factor[subdistrict], F32(1))


def _spill_select_example(rng: np.random.Generator, n: int) -> tuple:
    """Households in 20 sub-districts, non-recipients, factors (1 without injections)."""
    factor = (1.0 + np.where(rng.random(20) < 0.5, rng.uniform(0, 0.05, 20), 0)).astype(F32)
    subdistrict = rng.integers(0, 20, n).astype(np.int16)
    return subdistrict, ~chosen(rng, n), factor, np.empty(n, dtype=F32)


@kernel(reference=_spill_select_reference, example=_spill_select_example, parallel=True)
def _spill_select_kernel(
    subdistrict: np.ndarray, others: np.ndarray, factor: np.ndarray, out: np.ndarray
) -> None:
    """``np.where(others, factor[subdistrict], 1)`` in float32."""
    one = np.float32(1.0)
    for i in prange(out.shape[0]):
        out[i] = factor[subdistrict[i]] if others[i] else one

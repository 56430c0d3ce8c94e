"""Consumption and saving: a buffer stock, with distress sales below subsistence.

Consumption is buffer-stock (Deaton 1991; Carroll 1997): ``c = P + mpc * (X - (1 + b) P)``,
where P is permanent disposable income, X cash on hand (savings plus this month's disposable
income) and b the buffer in months; no borrowing. Below subsistence (a share of the poverty
line per member) households spend savings, then sell assets at ``assets.distress_discount``.
Money is rupiah per household per month.
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.elementwise import fmax, fmin
from sim.dynamics.examples import persons, rupiah
from sim.kernels import kernel, prange
from sim.scenario import Scenario
from sim.world.households import Households

F32 = np.float32


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
        permanent: Permanent disposable income P (rupiah per month, float32).
        disposable: This month's disposable income (rupiah per month, float32).
        line: Poverty line per household (rupiah per capita per month, float32).

    Returns:
        Assets sold in distress this month (rupiah of book value).
    """
    c_par = sc.consumption
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


def _consume_reference(
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
    """:func:`consume_and_save` in numpy (float32 rupiah per month)."""
    members = (n_young.astype(np.int16) + n_school + n_adult + n_elderly).astype(np.int16)
    cash = savings + disposable
    target = buffer_factor * permanent
    c = permanent + mpc * (cash - target)
    c = np.clip(c, 0, np.maximum(cash, 0))
    subsistence = subsistence_share * line * members
    # below subsistence: spend savings first, then sell assets at a discount
    c = np.maximum(c, np.minimum(subsistence, np.maximum(cash, 0)))
    short = np.maximum(subsistence - c, 0)
    sold = np.minimum(assets, short / keep)
    sold = np.where(short > 0, sold, 0).astype(F32)
    c = c + sold * keep
    assets -= sold
    savings[:] = np.maximum(cash + sold * keep - c, 0)
    # a household never consumes nothing: debt-free floor of a token amount
    consumption[:] = np.maximum(c, F32(1.0))
    sold_out[:] = sold


def _consume_example(rng: np.random.Generator, n: int) -> tuple:
    """Households with and without savings and assets, incomes below and above subsistence."""
    consumption = rupiah(rng, n, 3e6, zeros=0.0)
    disposable = consumption * rng.uniform(-1.0, 2.0, n).astype(F32)
    disposable[::17] = 0
    disposable[1::19] = -0.0  # numpy's maximum/minimum/clip return the second operand on ties
    permanent = consumption * rng.uniform(0.5, 1.5, n).astype(F32)
    permanent[::13] = 0
    return (
        rupiah(rng, n, 3e6, zeros=0.2),
        rupiah(rng, n, 3e6, zeros=0.15),
        consumption,
        persons(rng, n, 3),
        persons(rng, n, 3),
        persons(rng, n, 3),
        persons(rng, n, 2),
        permanent,
        disposable,
        np.where(rng.random(n) < 0.5, F32(601_871.0), F32(556_874.0)).astype(F32),
        F32(2.0),
        F32(0.65),
        F32(0.6),
        F32(0.6),
        np.empty(n, dtype=F32),
    )


@kernel(reference=_consume_reference, example=_consume_example, parallel=True)
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
    for i in prange(savings.shape[0]):
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
        cash_pos = fmax(cash, zero)
        c = fmin(fmax(c, zero), cash_pos)  # np.clip
        subsistence = subsistence_share * line[i] * members
        c = fmax(c, fmin(subsistence, cash_pos))
        short = fmax(subsistence - c, zero)
        sold = fmin(assets[i], short / keep)
        sold = sold if short > zero else zero
        c = c + sold * keep
        assets[i] = assets[i] - sold
        savings[i] = fmax(cash + sold * keep - c, zero)
        consumption[i] = fmax(c, one)
        sold_out[i] = sold

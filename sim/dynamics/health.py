"""Health: illnesses, their out-of-pocket cost and the earnings they take.

A severe episode lasts ``health.severe_months`` and costs ``severe_cost`` at onset; a minor one
costs ``minor_cost``. Insurance removes the covered share of the cost (MODEL.md), not the lost
earnings (Gertler & Gruber 2002). Money is rupiah per household per month.
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.elementwise import select
from sim.dynamics.examples import chosen
from sim.kernels import kernel, prange
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households

F32 = np.float32


def expected_health_cost(sc: Scenario, hh: Households) -> tuple[np.ndarray, float]:
    """Expected monthly out-of-pocket cost (rupiah) and expected share of earnings lost.

    Households plan with these expectations, so the starting population already pays them on
    average and the steady state holds with health shocks on.
    """
    h = sc.health
    if not h.enabled:
        return np.zeros(hh.n, dtype=F32), 0.0
    oop = h.minor_prob * h.minor_cost + h.severe_prob * h.severe_cost
    # the expression at (insured, uninsured), in the precision of a value per household
    both = (oop * np.where(np.array([True, False]), 1.0 - h.insured_oop_covered, 1.0)).astype(F32)
    loss_share = h.severe_prob * h.severe_months * h.severe_earnings_loss
    out = np.empty(hh.n, dtype=both.dtype)
    select(hh.insured, both[0], both[1], out)
    return out, float(loss_share)


def health_shocks(sc: Scenario, hh: Households, streams: Streams, month: int) -> np.ndarray:
    """Draw this month's illnesses; return each household's out-of-pocket cost (rupiah).

    Updates ``hh.sick_months`` (months of severe illness left) and ``hh.health_state`` (0
    healthy, 1 minor illness, 2 severe illness).
    """
    h = sc.health
    oop = np.zeros(hh.n, dtype=F32)
    if not h.enabled:
        hh.health_state[:] = 0
        return oop
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


def _as_compared(u: np.ndarray, value: float) -> np.generic:
    """``value`` in the dtype numpy compares ``u`` with it (a Python float is weak: float32)."""
    return np.result_type(u.dtype, value).type(value)


def _health_reference(
    sick_months: np.ndarray,
    health_state: np.ndarray,
    insured: np.ndarray,
    u: np.ndarray,
    p_severe: np.float32,
    p_ill: np.float32,
    severe_months: np.int8,
    uncovered_insured: np.float32,
    severe_cost: np.float32,
    minor_cost: np.float32,
    oop: np.ndarray,
) -> None:
    """:func:`health_shocks` in numpy (``oop`` starts at zero, float32 rupiah).

    A severe episode needs ``u < p_severe`` and no illness left; a minor one ``p_severe <= u <
    p_ill``.
    """
    still_sick = sick_months > 0
    sick_months[still_sick] -= 1
    severe = (u < p_severe) & (sick_months == 0)
    minor = (u >= p_severe) & (u < p_ill)
    sick_months[severe] = severe_months
    ill = sick_months > 0
    health_state[:] = np.where(ill, 2, np.where(minor, 1, 0))
    uncovered = np.where(insured, uncovered_insured, F32(1.0))
    oop += np.where(severe, severe_cost, 0) * uncovered
    oop += np.where(minor & ~ill, minor_cost, 0) * uncovered


def _health_example(rng: np.random.Generator, n: int) -> tuple:
    """Households part sick (0-3 months left), uniforms on and next to the thresholds."""
    sick_months = np.where(rng.random(n) < 0.1, rng.integers(1, 4, n), 0).astype(np.int8)
    health_state = np.where(sick_months > 0, 2, 0).astype(np.int8)
    u = rng.random(n).astype(F32)
    p_severe, p_ill = F32(0.02), F32(0.17)
    u[::7] = p_severe  # exactly on a threshold: the comparison's side matters
    u[3::11] = p_ill
    return (
        sick_months,
        health_state,
        chosen(rng, n, 0.6),
        u,
        p_severe,
        p_ill,
        np.int8(3),
        F32(0.0),
        F32(4_000_000.0),
        F32(60_000.0),
        np.zeros(n, dtype=F32),
    )


@kernel(reference=_health_reference, example=_health_example, parallel=True)
def _health_kernel(
    sick_months: np.ndarray,
    health_state: np.ndarray,
    insured: np.ndarray,
    u: np.ndarray,
    p_severe: np.float32,
    p_ill: np.float32,
    severe_months: np.int8,
    uncovered_insured: np.float32,
    severe_cost: np.float32,
    minor_cost: np.float32,
    oop: np.ndarray,
) -> None:
    """:func:`health_shocks` per household (``oop`` starts at zero, float32 rupiah)."""
    zero = np.float32(0.0)
    one = np.float32(1.0)
    for i in prange(u.shape[0]):
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

"""Earnings shocks: persistent, transitory, covariate by sub-district, and the harvest season.

* Persistent: an AR(1) on the household's latent log income (log points); earnings follow the
  calibrated quantile function of the latent, so the shocks reshuffle households without
  changing the distribution of earnings potential (:func:`shock_factor`).
* Transitory: a mean-one log-normal factor, drawn afresh each month.
* Covariate: harvest failures and disasters hit a whole village (desa or kelurahan) for
  ``shocks.covariate_months``.
* Seasons: rural earnings peak at the harvest (``seasons``), mean one over the year.
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.elementwise import select
from sim.dynamics.subdistricts import SubdistrictState, villages
from sim.kernels import kernel, prange
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.distribution import latent_log_ratio
from sim.world.households import Households

F32 = np.float32


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
    out = np.empty(hh.n, dtype=F32)
    select(hh.urban, F32(1), rural, out)
    return out


def shock_factor(sc: Scenario, hh: Households) -> np.ndarray:
    """Earnings factor of the persistent shock since month 0: Q(latent now) / Q(latent at 0).

    The shock moves the household's latent log income; earnings follow the calibrated quantile
    function (``households.latent_log_quantile``), so shocks reshuffle households without
    changing the distribution of earnings potential. The exp is numpy's.
    """
    return np.exp(latent_log_ratio(sc, hh))


def persistent_shocks(sc: Scenario, hh: Households, streams: Streams, month: int) -> None:
    """Advance the AR(1) persistent earnings shock (log points)."""
    s = sc.shocks
    if not s.enabled:
        return
    eta = streams.normal("shock.persistent", month, hh.n)
    _ar1_kernel(hh.persistent_shock, eta, F32(s.persistent_rho), F32(s.persistent_sd))


def _ar1_reference(shock: np.ndarray, eta: np.ndarray, rho: np.float32, sd: np.float32) -> None:
    """``shock = shock * rho + sd * eta`` in float32 (numpy, in place)."""
    shock *= rho
    shock += sd * eta


def _ar1_example(rng: np.random.Generator, n: int) -> tuple:
    """Shocks of the stationary sd (log points), standard normal innovations."""
    shock = rng.normal(0.0, 0.43, n).astype(F32)
    shock[::9] = 0  # month 0: no shock yet
    return shock, rng.standard_normal(n).astype(F32), F32(0.96), F32(0.12)


@kernel(reference=_ar1_reference, example=_ar1_example, parallel=True)
def _ar1_kernel(shock: np.ndarray, eta: np.ndarray, rho: np.float32, sd: np.float32) -> None:
    """``shock = shock * rho + sd * eta`` in float32 (log points)."""
    for i in prange(shock.shape[0]):
        shock[i] = shock[i] * rho + sd * eta[i]


def transitory_factor(sc: Scenario, hh: Households, streams: Streams, month: int) -> np.ndarray:
    """Mean-one log-normal transitory earnings factor for this month."""
    s = sc.shocks
    if not s.enabled or s.transitory_sd == 0:
        return np.ones(hh.n, dtype=F32)
    eps = streams.normal("shock.transitory", month, hh.n)
    sd = F32(s.transitory_sd)
    log_factor = np.empty(hh.n, dtype=F32)
    _affine_kernel(eps, sd, F32(0.5) * sd * sd, log_factor)
    return np.exp(log_factor)  # numpy's exp


def _affine_reference(x: np.ndarray, scale: np.float32, shift: np.float32, out: np.ndarray) -> None:
    """``out = scale * x - shift`` in float32 (numpy)."""
    np.subtract(scale * x, shift, out=out)


def _affine_example(rng: np.random.Generator, n: int) -> tuple:
    """Standard normal draws, the transitory sd and its half variance."""
    sd = F32(0.1)
    return rng.standard_normal(n).astype(F32), sd, F32(0.5) * sd * sd, np.empty(n, dtype=F32)


@kernel(reference=_affine_reference, example=_affine_example, parallel=True)
def _affine_kernel(x: np.ndarray, scale: np.float32, shift: np.float32, out: np.ndarray) -> None:
    """``out = scale * x - shift`` in float32."""
    for i in prange(x.shape[0]):
        out[i] = scale * x[i] - shift


def covariate_shocks(
    sc: Scenario, hh: Households, state: SubdistrictState, streams: Streams, month: int
) -> np.ndarray:
    """Harvest failures and disasters by village; return each household's income factor.

    Each sub-district holds ``villages(sc)`` villages (the real ones it represents); household
    ``i`` of sub-district ``d`` lives in village ``d * villages + i % villages`` (the index is
    independent of income at set-up). A village not already in an episode is hit with the
    sub-district's monthly probability.
    """
    s = sc.shocks
    if not s.enabled:
        return np.ones(hh.n, dtype=F32)
    k = villages(sc)
    n_sub = sc.population.subdistricts
    if state.village is None:
        state.village = hh.subdistrict.astype(np.int32) * k + np.arange(hh.n, dtype=np.int32) % k
    urban = np.repeat(np.arange(n_sub) < sc.population.urban_subdistricts, k)
    p = np.where(urban, s.covariate_prob_urban, s.covariate_prob_rural)
    u = streams.uniform("shock.covariate", month, n_sub * k)
    state.covariate_months = np.maximum(state.covariate_months - 1, 0).astype(np.int16)
    hit = (u < p) & (state.covariate_months == 0)
    state.covariate_months[hit] = s.covariate_months
    factor = np.where(state.covariate_months > 0, F32(1 - s.covariate_loss), F32(1)).astype(F32)
    return factor[state.village]

"""The fitted consumption distribution (GB2) and the latent quantile map on it.

Per-capita consumption in each area follows a generalised beta of the second kind (GB2) fitted
to BPS's March 2024 poverty figures (``sim.calibrate``): consumption as Susenas measured it. A
household's earnings potential is a normal latent (log points, with the sd of log consumption)
mapped through the area's potential quantile function, the GB2's times its fitted correction
(:func:`potential_ppf`, :func:`latent_log_quantile`; ``sim.analysis.potential``), so the
distribution of earnings potential stays the calibrated one whatever the shocks do. The map
interpolates on a fixed grid, as ``np.interp`` would, exactly; per household it is a
registered kernel (``sim.kernels``).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from sim.kernels import jit, kernel, prange
from sim.scenario import Scenario
from sim.world.households import Households
from sim.world.quantiles import betaprime_ppf

if TYPE_CHECKING:
    from sim.scenario.population import AreaDistribution

CORRECTION_KNOTS = np.linspace(-3.0, 3.0, 25)
"""Standard normal scores at which the potential's log correction is given (``correction``)."""


def gb2_ppf(u: np.ndarray, a: float, scale: float, p: float, q: float) -> np.ndarray:
    """GB2 quantiles (``sim.analysis.calibration.gb2_quantiles`` without the import cycle)."""
    return scale * betaprime_ppf(u, p, q) ** (1.0 / a)


def potential_log_correction(correction: tuple[float, ...], z: np.ndarray) -> np.ndarray | float:
    """Log correction of the potential at standard normal scores ``z`` (log points).

    Linear between :data:`CORRECTION_KNOTS`, constant beyond them; 0 without a correction.
    """
    if not correction:
        return 0.0
    return np.interp(z, CORRECTION_KNOTS, np.asarray(correction, dtype=np.float64))


def potential_ppf(u: np.ndarray, d: AreaDistribution) -> np.ndarray:
    """Quantiles of the earnings potential: the area's GB2 times its fitted correction.

    Args:
        u: Ranks (0 to 1, exclusive).
        d: The area's ``calibration`` section (``a``, ``scale``, ``p``, ``q``, ``correction``).

    Returns:
        Rupiah per capita per month (float64).
    """
    y = gb2_ppf(u, d.a, d.scale, d.p, d.q)
    if d.correction:
        y = y * np.exp(potential_log_correction(d.correction, special.ndtri(u)))
    return y


@functools.lru_cache(maxsize=16)
def _quantile_table(
    a: float, scale: float, p: float, q: float, sd: float, correction: tuple[float, ...] = ()
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    grid = np.linspace(-7 * sd, 7 * sd, 4097)
    u = np.clip(special.ndtr(grid / sd), 1e-12, 1 - 1e-12)
    logq = np.log(gb2_ppf(u, a, scale, p, q))
    if correction:
        logq = logq + potential_log_correction(correction, grid / sd)
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
    grid, logq, slopes = _quantile_table(
        d.a, d.scale, d.p, d.q, log_consumption_sd(sc, area), tuple(d.correction)
    )
    return grid, logq, slopes, (grid.size - 1) / (grid[-1] - grid[0])


@jit
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


def _latent_quantile_reference(
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
    for mask, grid, values, slopes in (
        (urban, grid_u, values_u, slopes_u),
        (~urban, grid_r, values_r, slopes_r),
    ):
        if mask.any():
            out[mask] = interp_on_grid(latent[mask], grid, values, slopes)  # = np.interp


@functools.cache
def _example_tables() -> tuple:
    """The urban and rural tables of the default scenario (the examples' quantile maps)."""
    sc = Scenario()
    return (*_latent_quantile_tables(sc, "urban"), *_latent_quantile_tables(sc, "rural"))


def _latent_example(rng: np.random.Generator, n: int) -> np.ndarray:
    """float32 latents: normal, with NaN, infinities, signed zeros and grid points among them."""
    latent = rng.normal(0.0, 1.5, n).astype(np.float32)
    grid = _example_tables()[0]
    special_values = np.concatenate(
        [[np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30], grid[:: max(1, grid.size // 16)]]
    ).astype(np.float32)
    where = rng.random(n) < 0.05
    latent[where] = rng.choice(special_values, int(where.sum()))
    return latent


def _latent_quantile_example(rng: np.random.Generator, n: int) -> tuple:
    urban = rng.random(n) < 0.5
    latent = _latent_example(rng, n)
    return urban, latent, *_example_tables(), np.zeros(n, dtype=np.float32)


@kernel(reference=_latent_quantile_reference, example=_latent_quantile_example)
def latent_quantile_loop(
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
    """:func:`latent_log_quantile` per household: float64 interpolation, stored as float32.

    Args:
        urban: Whether each household is urban (bool).
        latent: Latent log income per household (log points).
        grid_u: Urban latent grid (:func:`_latent_quantile_tables`); likewise the values,
            slopes and index scale, and the rural ``*_r``.
        values_u: Urban log quantiles at the grid points (log rupiah).
        slopes_u: Urban interval slopes.
        scale_u: Urban ``(points - 1) / (grid[-1] - grid[0])``.
        grid_r: Rural latent grid.
        values_r: Rural log quantiles.
        slopes_r: Rural interval slopes.
        scale_r: Rural index scale.
        out: float32 log quantiles (written).
    """
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

    Args:
        sc: The scenario (``calibration``).
        urban: Whether each household is urban.
        latent: Latent log income per household (log points).

    Returns:
        float32 log quantiles (log rupiah per capita per month), the shape of ``latent``.
    """
    latent = np.asarray(latent)
    if latent.ndim != 1:  # the kernel walks one axis: the same numbers element by element
        flat = latent_log_quantile(sc, np.ravel(urban), latent.ravel())
        return flat.reshape(latent.shape)
    out = np.empty(latent.shape[0], dtype=np.float32)
    latent_quantile_loop(
        np.asarray(urban, dtype=np.bool_),
        latent,
        *_latent_quantile_tables(sc, "urban"),
        *_latent_quantile_tables(sc, "rural"),
        out,
    )
    return out


def _latent_log_ratio_reference(
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
    latent = latent_permanent + persistent_shock
    q = np.empty(out.shape[0], dtype=np.float32)
    tables = (grid_u, values_u, slopes_u, scale_u, grid_r, values_r, slopes_r, scale_r)
    _latent_quantile_reference(urban, latent, *tables, q)
    out[:] = q - latent_base


def _latent_log_ratio_example(rng: np.random.Generator, n: int) -> tuple:
    urban = rng.random(n) < 0.5
    permanent = _latent_example(rng, n)
    shock = rng.normal(0.0, 0.3, n).astype(np.float32)
    base = rng.normal(13.0, 0.5, n).astype(np.float32)
    return urban, permanent, shock, base, *_example_tables(), np.zeros(n, dtype=np.float32)


@kernel(reference=_latent_log_ratio_reference, example=_latent_log_ratio_example, parallel=True)
def latent_log_ratio_loop(
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
    """:func:`latent_log_ratio` per household (float32 log points).

    Args:
        urban: Whether each household is urban (bool).
        latent_permanent: Permanent latent log income (float32 log points).
        persistent_shock: Persistent shock (float32 log points).
        latent_base: Log quantile at month 0 (float32 log rupiah).
        grid_u: Urban latent grid (:func:`_latent_quantile_tables`).
        values_u: Urban log quantiles at the grid points.
        slopes_u: Urban interval slopes.
        scale_u: Urban index scale.
        grid_r: Rural latent grid.
        values_r: Rural log quantiles.
        slopes_r: Rural interval slopes.
        scale_r: Rural index scale.
        out: float32 log earnings factors (written).
    """
    for i in prange(out.shape[0]):
        x = np.float64(latent_permanent[i] + persistent_shock[i])  # float32 sum, as numpy
        if urban[i]:
            q = np.float32(_interp_one(x, grid_u, values_u, slopes_u, scale_u))
        else:
            q = np.float32(_interp_one(x, grid_r, values_r, slopes_r, scale_r))
        out[i] = q - latent_base[i]


def latent_log_ratio(sc: Scenario, hh: Households) -> np.ndarray:
    """``latent_log_quantile(latent now) - latent_base``: log earnings factor of the shock.

    The log of the dynamics' shock factor (log points, float32), the latent now being
    ``latent_permanent + persistent_shock``, in one pass over the households.

    Args:
        sc: The scenario (``calibration``).
        hh: The households.

    Returns:
        float32 log points, one per household.
    """
    out = np.empty(hh.n, dtype=np.float32)
    latent_log_ratio_loop(
        hh.urban,
        hh.latent_permanent,
        hh.persistent_shock,
        hh.latent_base,
        *_latent_quantile_tables(sc, "urban"),
        *_latent_quantile_tables(sc, "rural"),
        out,
    )
    return out


@functools.lru_cache(maxsize=16)
def _log_sd(a: float, scale: float, p: float, q: float) -> float:
    u = (np.arange(2_000) + 0.5) / 2_000
    return float(np.std(np.log(gb2_ppf(u, a, scale, p, q))))


def log_consumption_sd(sc: Scenario, area: str) -> float:
    """Standard deviation of log per-capita consumption over persons in an area (log points)."""
    d = getattr(sc.calibration, area)
    return _log_sd(d.a, d.scale, d.p, d.q)

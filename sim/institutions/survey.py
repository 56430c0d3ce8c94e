"""An institution's view of households: its own noisy survey, pooled surveys, the registry.

Kernels of ``Institution.survey``: one pass over households each, with numpy's float32
arithmetic in numpy's order. The pooled surveys' variance and count depend on a household only
through its sub-district, so they come per sub-district (``count``, ``weight``, ``other``) and
are read at the household's sub-district.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import kernel, prange

F32 = np.float32


def _survey_add_reference(
    total: np.ndarray, noise: np.ndarray, subdistrict: np.ndarray, scaled: np.ndarray
) -> None:
    total += scaled[subdistrict] * noise


def _survey_add_example(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    sub = rng.integers(0, 4, n).astype(np.int16)
    scaled = np.array([0.3, 0.0, 0.2, 0.0], dtype=F32)
    return np.zeros(n, F32), rng.standard_normal(n).astype(F32), sub, scaled


@kernel(reference=_survey_add_reference, example=_survey_add_example)
def survey_add(total, noise, subdistrict, scaled):  # pragma: no cover - compiled
    """``total += np.where(reach[sub], sd * noise, 0)`` in place (float32).

    ``scaled`` is ``sd`` in the sub-districts surveyed and 0 elsewhere. Outside them this adds
    ``0 * noise`` (+0 or -0) instead of +0: the same sum, since ``x + -0 == x`` for every ``x``
    and ``x + +0 == x`` for every ``x`` but -0, which ``total`` (starting at +0, and a sum of
    finite terms under round-to-nearest) never is.
    """
    for i in range(total.shape[0]):
        total[i] = total[i] + scaled[subdistrict[i]] * noise[i]


def _pooled_view_reference(
    truth: np.ndarray,
    total: np.ndarray,
    subdistrict: np.ndarray,
    count: np.ndarray,
    weight: np.ndarray,
    other: np.ndarray,
    registry: np.ndarray,
    access: bool,
) -> np.ndarray:
    own = truth + total / count[subdistrict]
    if not access:
        return own
    return weight[subdistrict] * own + other[subdistrict] * registry


def _pooled_view_example(rng: np.random.Generator, n: int) -> tuple[object, ...]:
    sub = rng.integers(0, 4, n).astype(np.int16)
    weight = rng.random(4).astype(F32)
    return (
        rng.standard_normal(n).astype(F32) + F32(13),
        rng.standard_normal(n).astype(F32),
        sub,
        np.array([1, 2, 1, 3], dtype=F32),
        weight,
        F32(1) - weight,
        rng.standard_normal(n).astype(F32) + F32(13),
        True,
    )


@kernel(reference=_pooled_view_reference, example=_pooled_view_example, parallel=True)
def pooled_view(
    truth, total, subdistrict, count, weight, other, registry, access
):  # pragma: no cover - compiled
    """View from pooled surveys: ``own = truth + total / count``, combined with the registry.

    ``count``, ``weight`` (on the own survey) and ``other`` (``1 - weight``) are per
    sub-district (they depend on the household only through who surveyed its sub-district).
    """
    n = truth.shape[0]
    out = np.empty(n, dtype=np.float32)
    for i in prange(n):
        s = subdistrict[i]
        own = truth[i] + total[i] / count[s]
        if access:
            out[i] = weight[s] * own + other[s] * registry[i]
        else:
            out[i] = own
    return out


def _private_view_reference(
    truth: np.ndarray,
    noise: np.ndarray,
    sd: np.float32,
    weight: np.float32,
    other: np.float32,
    registry: np.ndarray,
    access: bool,
) -> np.ndarray:
    own = truth + sd * noise
    if not access:
        return own
    return weight * own + other * registry


def _private_view_example(rng: np.random.Generator, n: int) -> tuple[object, ...]:
    return (
        rng.standard_normal(n).astype(F32) + F32(13),
        rng.standard_normal(n).astype(F32),
        F32(0.3),
        F32(0.6),
        F32(0.4),
        rng.standard_normal(n).astype(F32) + F32(13),
        True,
    )


@kernel(reference=_private_view_reference, example=_private_view_example, parallel=True)
def private_view(truth, noise, sd, weight, other, registry, access):  # pragma: no cover
    """View from the own survey: ``own = truth + sd * noise``, combined with the registry."""
    n = truth.shape[0]
    out = np.empty(n, dtype=np.float32)
    for i in prange(n):
        own = truth[i] + sd * noise[i]
        if access:
            out[i] = weight * own + other * registry[i]
        else:
            out[i] = own
    return out

"""Quantile functions of the beta-prime and Poisson distributions from ``scipy.special``.

They give ``scipy.stats.betaprime.ppf`` and ``scipy.stats.poisson.ppf`` bit for bit (the same
special functions, the same edge cases; ``tests/test_households.py`` compares them on random
and edge inputs) without importing ``scipy.stats``, which costs about 0.5 s and 30 MiB: the
starting population uses only these two.
"""

from __future__ import annotations

import numpy as np
from scipy import special


def betaprime_ppf(u: np.ndarray, p: float, q: float) -> np.ndarray:
    """Quantiles of BetaPrime(p, q) at probabilities ``u`` (as ``scipy.stats.betaprime.ppf``).

    ``x = r / (1 - r)`` with ``r`` the Beta(p, q) quantile; near ``r = 1`` the complementary
    inverse ``1 / I^{-1}_c(q, p; u) - 1`` keeps precision. 0 at ``u = 0``, infinity at 1, NaN
    outside [0, 1] or for non-positive shapes.
    """
    u = np.asarray(u)
    a, b = np.asarray(p), np.asarray(q)
    ok = (a > 0) & (b > 0)
    inside = ok & (0 < u) & (u < 1)
    out = np.full(np.shape(inside), np.nan)
    out[ok & (u == 0)] = 0.0
    out[ok & (u == 1)] = np.inf
    if np.any(inside):
        x, aa, bb = np.broadcast_arrays(u, a, b)
        x, aa, bb = x[inside], aa[inside], bb[inside]
        r = special.betaincinv(aa, bb, x)
        with np.errstate(divide="ignore"):
            v = r / (1 - r)
        near1 = r > 0.9999
        v[near1] = 1 / special.betainccinv(bb[near1], aa[near1], x[near1]) - 1
        out[inside] = v * np.asarray(1.0) + np.asarray(0.0)
    return out


def poisson_ppf(u: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Quantiles of Poisson(mu) at probabilities ``u`` (as ``scipy.stats.poisson.ppf``), float64.

    The smallest k with P(X <= k) >= u: -1 at ``u = 0``, infinity at 1, NaN for ``mu < 0``.
    """
    u, mu = np.asarray(u), np.asarray(mu)
    ok = mu >= 0
    inside = ok & (u > 0) & (u < 1)
    out = np.full(np.shape(inside), np.nan, dtype="d")
    out[(u == 0) & ok] = -1.0
    out[(u == 1) & ok] = np.inf
    if np.any(inside):
        x, m = np.broadcast_arrays(u, mu)
        x, m = x[inside], m[inside]
        vals = np.ceil(special.pdtrik(x, m))
        vals1 = np.maximum(vals - 1, 0)
        temp = special.pdtr(vals1, m)
        out[inside] = np.where(temp >= x, vals1, vals) + np.asarray(0)
    return out

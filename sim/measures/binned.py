"""Per-capita consumption in narrow bins, and the Gini of merged distributions from the bins.

Several models (the provinces of a national run, ``sim.regions.national``) each measure their
own households; the Gini of all their households together needs the pooled distribution, which
no one process holds. Each model instead sums, per bin of per-capita consumption, the persons
it represents and their consumption (:func:`consumption_bins`, one compiled pass a month);
bins of the same edges add across models exactly as the households would pool
(:func:`add_bins`), and :func:`binned_gini` takes the Gini of the merged bins with a proven
bound on its error.

**The bins.** A bin is a value of the top 20 bits of the float32 per-capita consumption (sign,
exponent and the top 12 bits of the mantissa): the bins cover every float32 value, the bin of a
value is exact integer arithmetic (no logarithm, no edge rounding), and bins are intervals
ordered as their numbers, none overlapping. A bin of a normal float is ``[2^e (1 + j/4096),
2^e (1 + (j+1)/4096))``, so its largest value is less than :data:`BIN_RATIO` = 1 + 2^-12 times
its smallest. Zero consumption is a group of its own; negative, infinite, NaN and positive
subnormal values (below 1.2e-38 rupiah) are refused.

**The Gini from bins.** Split a population into groups whose ranges do not overlap (group k
lies entirely below group k+1). Then (Bhattacharya & Mahalanobis 1967; Lambert & Aronson 1993,
with their overlap term zero)::

    G = G_B + sum_k p_k s_k G_k

where ``G_B`` is the Gini of the distribution that puts each group's persons at its mean
(the between-group Gini), ``p_k`` the group's share of persons, ``s_k`` its share of
consumption and ``G_k`` its own Gini. Proof: in ``G = sum_ij p_i p_j |y_i - y_j| / (2 mu)``,
a pair in groups k < l has ``|y_i - y_j| = y_j - y_i``, so the pairs between two groups sum to
``p_k p_l (mu_l - mu_k)``, their term in ``G_B``; the pairs within group k sum to ``p_k^2 2 mu_k
G_k``, which is ``2 mu p_k s_k G_k``.

Each ``G_k`` is small: for any distribution on ``[a, b]`` with ``a > 0``, ``G_k <= (sqrt(b) -
sqrt(a)) / (sqrt(b) + sqrt(a))``. Proof: for ``x, y`` in ``[a, b]``, ``|x - y| <= ((x - a)(b - y)
+ (y - a)(b - x)) / (b - a)`` (with ``u >= v`` the larger and smaller of ``x - a, y - a``, the
right side less the left is ``2 v (1 - u / (b - a)) >= 0``); taking expectations over
independent draws, ``E|X - Y| <= 2 (mu - a)(b - mu) / (b - a)``, so ``G = E|X - Y| / (2 mu) <=
(mu - a)(b - mu) / (mu (b - a))``, largest at ``mu = sqrt(ab)``, where it is ``(sqrt(b) -
sqrt(a))^2 / (b - a)``. With ``b / a <= r`` = :data:`BIN_RATIO` this is ``(sqrt(r) - 1) /
(sqrt(r) + 1)`` = :data:`BIN_GINI_MAX` = 6.1e-5. Hence

    0 <= G - G_B = sum_k p_k s_k G_k <= BIN_GINI_MAX * sum_k p_k s_k <= BIN_GINI_MAX < 1e-4,

and :func:`binned_gini` returns ``G_B`` with the middle bound, computed from the bins (usually
near 1e-8: ``sum_k p_k s_k`` is about one over the number of occupied bins). The zero group has
``G_k = 0``. The arithmetic adds float64 sums of at most a few hundred thousand bins (relative
error below 1e-10), far inside the bound. ``tests/test_national.py`` checks the bound against
the exact pooled Gini (``sim.measures.gini``) on random data and on pooled provinces.

References:
    Bhattacharya, N. & Mahalanobis, B. (1967). Regional disparities in household consumption
    in India. Journal of the American Statistical Association 62(317), 143-161.

    Lambert, P. J. & Aronson, J. R. (1993). Inequality decomposition analysis and the Gini
    coefficient revisited. Economic Journal 103(420), 1221-1227.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.kernels import kernel

SHIFT = 11
"""Bits of the float32 dropped to make the bin number (23 mantissa bits, 12 kept)."""
BIN_RATIO = 1.0 + 2.0**-12
"""Largest ratio between two values of one bin (normal floats)."""
BIN_GINI_MAX = (math.sqrt(BIN_RATIO) - 1.0) / (math.sqrt(BIN_RATIO) + 1.0)
"""Largest Gini of the persons within one bin (6.1e-5); bounds ``G - G_B``."""
MIN_NORMAL_BITS = 0x00800000
"""Bits of the smallest normal float32 (1.18e-38): smaller positive values are refused."""
AREAS = ("urban", "rural")
"""Rows of the bin arrays."""


@dataclass
class Bins:
    """One month's persons and consumption by bin and area: the occupied bins only.

    Attributes:
        lo: Number of the first bin (the top 20 bits of a float32).
        index: The occupied bins, as offsets from ``lo`` (ascending, int64).
        persons: Persons represented per area (row 0 urban, 1 rural) and occupied bin,
            float64, shape ``(2, len(index))``.
        consumption: Their per-capita consumption summed over persons (persons x rupiah per
            capita per month), float64, same shape.
        zero: Persons with zero consumption, per area (float64, shape (2,)).
    """

    lo: int
    index: np.ndarray
    persons: np.ndarray
    consumption: np.ndarray
    zero: np.ndarray

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays."""
        return self.index.nbytes + self.persons.nbytes + self.consumption.nbytes + self.zero.nbytes


@dataclass
class MergedBins:
    """Bins of several populations added together, every bin from ``lo`` on (dense).

    Attributes:
        lo: Number of the first bin.
        persons: Persons per area and bin, shape ``(2, span)``.
        consumption: Consumption summed over persons, per area and bin.
        zero: Persons with zero consumption, per area.
    """

    lo: int
    persons: np.ndarray
    consumption: np.ndarray
    zero: np.ndarray


def _bins_reference(measured, n_young, n_school, n_adult, n_elderly, weight, urban, y):
    """:func:`consumption_bins` in numpy (the same sums, added in the same order)."""
    members = (n_young.astype(np.int16) + n_school + n_adult + n_elderly).astype(np.int16)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(measured, members, out=y)
    _check(y)
    bits = y.view(np.uint32)
    w = members * weight.astype(np.float64)
    area = (~urban).astype(np.intp)
    pos = bits != 0
    b = bits[pos] >> np.uint32(SHIFT)
    lo = int(b.min()) if b.size else 0
    span = int(b.max()) - lo + 1 if b.size else 0
    idx = (b - np.uint32(lo)).astype(np.intp) + span * area[pos]
    wp = w[pos]
    persons = np.bincount(idx, weights=wp, minlength=2 * span).reshape(2, span)
    cons = np.bincount(idx, weights=wp * y[pos].astype(np.float64), minlength=2 * span)
    zero = np.bincount(area[~pos], weights=w[~pos], minlength=2).astype(np.float64)
    school = np.bincount(
        np.zeros(members.size, dtype=np.intp), weights=n_school * weight.astype(np.float64),
        minlength=1,
    )  # fmt: skip
    return lo, persons, cons.reshape(2, span), zero, float(school[0])


def _check(y: np.ndarray) -> None:
    """Refuse what the bins cannot hold (NaN, infinities, negatives, positive subnormals)."""
    bits = y.view(np.uint32)
    if not np.isfinite(y).all() or (y < 0).any():
        raise ValueError("consumption bins need finite per-capita consumption >= 0")
    if ((bits > 0) & (bits < MIN_NORMAL_BITS)).any():
        raise ValueError("consumption bins: positive consumption below 1.2e-38 rupiah")


def _bins_example(rng: np.random.Generator, n: int) -> tuple:
    """Household arrays of the record's dtypes, some with zero consumption."""
    measured = (np.exp(rng.normal(14.5, 0.8, n)) * (rng.random(n) > 0.02)).astype(np.float32)
    return (
        measured,
        rng.integers(0, 3, n).astype(np.int8),
        rng.integers(0, 3, n).astype(np.int8),
        rng.integers(1, 4, n).astype(np.int8),
        rng.integers(0, 2, n).astype(np.int8),
        rng.choice(np.array([12.5, 31.25], dtype=np.float32), n),
        rng.random(n) < 0.55,
        np.empty(n, dtype=np.float32),
    )


@kernel(reference=_bins_reference, example=_bins_example)
def consumption_bins(measured, n_young, n_school, n_adult, n_elderly, weight, urban, y):
    """A month's persons and consumption by bin of per-capita consumption and area.

    Per-capita consumption and persons are computed as the monthly record computes them
    (``sim.measures.passes.household_pass``: ``measured / members`` in float32, ``members x
    weight`` in float64), so the bins hold exactly the distribution the record's Gini reads.

    Args:
        measured: Household consumption as measured (rupiah per month), float32.
        n_young: Children 0-6 per household (int8); likewise ``n_school``, ``n_adult``,
            ``n_elderly``.
        n_school: Children 7-15.
        n_adult: Adults.
        n_elderly: Elderly members.
        weight: Households represented by each record, float32.
        urban: Urban households (bool).
        y: Output, per-capita consumption (rupiah per capita per month), float32.

    Returns:
        ``(lo, persons, consumption, zero, school_weight)``: the first bin's number, persons
        and consumption (persons x rupiah) by area (row 0 urban) and bin, persons with zero
        consumption by area, and the sum of school-age children x weight (real children).

    Raises:
        ValueError: On NaN, infinite, negative or positive subnormal per-capita consumption.
    """
    n = measured.shape[0]
    bits = y.view(np.uint32)
    lo = np.uint32(0xFFFFFFFF)
    hi = np.uint32(0)
    bad = False
    school = 0.0
    for i in range(n):
        mem16 = np.int16(np.int16(n_young[i]) + n_school[i] + n_adult[i] + n_elderly[i])
        yi = np.float32(measured[i] / np.float32(mem16))
        y[i] = yi
        if not (yi >= 0.0 and yi < np.inf):
            bad = True
        b = bits[i]
        if b != 0:
            if b < MIN_NORMAL_BITS:
                bad = True
            b = b >> SHIFT
            lo = min(lo, b)
            hi = max(hi, b)
        school += np.float64(n_school[i]) * np.float64(weight[i])
    if bad:
        raise ValueError("consumption bins need finite per-capita consumption >= 0 (normal)")
    span = np.int64(hi) - np.int64(lo) + 1 if hi >= lo else 0
    if span == 0:
        lo = np.uint32(0)
    acc = np.zeros(4 * span, dtype=np.float64)  # per bin: urban persons, sum; rural persons, sum
    zero = np.zeros(2, dtype=np.float64)
    for i in range(n):
        mem16 = np.int16(np.int16(n_young[i]) + n_school[i] + n_adult[i] + n_elderly[i])
        wi = np.float64(mem16) * np.float64(weight[i])
        b = bits[i]
        if b == 0:
            zero[0 if urban[i] else 1] += wi
        else:
            k = (np.int64(b >> SHIFT) - np.int64(lo)) * 4 + (0 if urban[i] else 2)
            acc[k] += wi
            acc[k + 1] += wi * np.float64(y[i])
    sums = acc.reshape(span, 2, 2)
    persons = np.ascontiguousarray(sums[:, :, 0].T)
    cons = np.ascontiguousarray(sums[:, :, 1].T)
    return np.int64(lo), persons, cons, zero, school


def month_bins(lo: int, persons: np.ndarray, consumption: np.ndarray, zero: np.ndarray) -> Bins:
    """The occupied bins of :func:`consumption_bins`' arrays (a :class:`Bins`)."""
    index = np.flatnonzero((persons != 0).any(axis=0))
    return Bins(int(lo), index, persons[:, index], consumption[:, index], zero.copy())


def add_bins(total: MergedBins | None, part: Bins) -> MergedBins:
    """``total`` plus ``part``, bin by bin (a new :class:`MergedBins` when the span grows).

    The sums are float64 additions in the order of the calls: add parts in a fixed order to get
    the same bits whatever order they were computed in.
    """
    if part.index.size == 0:
        if total is None:
            return MergedBins(0, np.zeros((2, 0)), np.zeros((2, 0)), part.zero.copy())
        total.zero += part.zero
        return total
    p_lo, p_hi = part.lo + int(part.index[0]), part.lo + int(part.index[-1]) + 1
    if total is None:
        total = MergedBins(p_lo, np.zeros((2, 0)), np.zeros((2, 0)), np.zeros(2))
    span = total.persons.shape[1]
    lo = min(total.lo, p_lo) if span else p_lo
    hi = max(total.lo + span, p_hi) if span else p_hi
    if lo != total.lo or hi != total.lo + span:
        persons = np.zeros((2, hi - lo))
        cons = np.zeros((2, hi - lo))
        persons[:, total.lo - lo : total.lo - lo + span] = total.persons
        cons[:, total.lo - lo : total.lo - lo + span] = total.consumption
        total = MergedBins(lo, persons, cons, total.zero)
    at = part.index + (part.lo - total.lo)
    total.persons[:, at] += part.persons  # the offsets are unique: one addition per bin
    total.consumption[:, at] += part.consumption
    total.zero += part.zero
    return total


def binned_gini(
    persons: np.ndarray, consumption: np.ndarray, zero: float = 0.0
) -> tuple[float, float]:
    """The Gini of the persons in bins, with the bound on its error.

    Args:
        persons: Persons per bin, bins in ascending order of consumption (non-overlapping).
        consumption: Their consumption summed over persons, per bin.
        zero: Persons with zero consumption (a group below every bin).

    Returns:
        ``(G_B, bound)``: the between-bin Gini and the bound of the module docstring, so that
        the Gini of the persons themselves lies in ``[G_B, G_B + bound]``; NaN for both when
        there is no consumption.
    """
    w = np.concatenate(([float(zero)], np.asarray(persons, dtype=np.float64)))
    wy = np.concatenate(([0.0], np.asarray(consumption, dtype=np.float64)))
    total = float(w.sum())
    wy_total = float(wy.sum())
    if not total > 0 or not wy_total > 0:
        return math.nan, math.nan
    coef = 2.0 * np.cumsum(w) - w - total
    g = max(float((coef * wy).sum()) / (total * wy_total), 0.0)
    bound = BIN_GINI_MAX * float((w * wy).sum()) / (total * wy_total)
    return g, bound


def bins_gini(bins: Bins | MergedBins, area: str | None = None) -> tuple[float, float]:
    """:func:`binned_gini` of one area (``"urban"``, ``"rural"``) or of both (None)."""
    if area is None:
        return binned_gini(bins.persons.sum(axis=0), bins.consumption.sum(axis=0), bins.zero.sum())
    k = AREAS.index(area)
    return binned_gini(bins.persons[k], bins.consumption[k], bins.zero[k])

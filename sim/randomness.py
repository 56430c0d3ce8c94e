"""Common random numbers: one named stream per (decision, month), drawn by household index.

Every household's draw for a decision in a month depends only on (root seed, decision name,
month, household index): it is a counter-based hash of the four (``sim.counter``), keyed by
``SeedSequence(root_seed, spawn_key=(crc32(decision), month))``. So two scenarios that differ
in something a household does not touch leave that household's shocks bit-identical, and
scenario comparisons are paired (Klein et al. 2024, arXiv:2409.02086, describe the same design
in Starsim); and a decision that concerns a few households (the candidates of an enrolment
round, the enrolments a budget cannot carry) draws for those only, with the numbers a full
draw would have given them.

A decision that concerns institutions or sub-districts uses the same scheme with its own name.
The set-up's household sizes, the one draw that is not one number per index, come from a
``numpy.random.Generator`` seeded the same way (:meth:`Streams.generator`).

The binomial inversion has a compiled per-element loop (``sim.accel``) with the numpy loop's
float64 arithmetic; the powers q**t still come from numpy, so the counts are the same.
"""

from __future__ import annotations

import zlib

import numpy as np

from sim import accel, counter


def decision_key(decision: str) -> int:
    """Stable 32-bit key of a decision name (independent of Python's hash seed)."""
    return zlib.crc32(decision.encode("utf-8"))


class Streams:
    """Named random streams for one run.

    Args:
        root_seed: The run's seed (a non-negative integer; a batch derives one per replicate
            from ``numpy.random.SeedSequence``).
    """

    def __init__(self, root_seed: int) -> None:
        if int(root_seed) < 0:
            raise ValueError(f"root seed must be a non-negative integer, got {root_seed}")
        self.root_seed = int(root_seed)

    def _seq(self, decision: str, month: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(
            self.root_seed, spawn_key=(decision_key(decision), int(month))
        )

    def key(self, decision: str, month: int) -> tuple[np.uint64, np.uint64]:
        """The counter-based stream key (two 64-bit words) of one decision in one month."""
        k0, k1 = self._seq(decision, month).generate_state(2, np.uint64)
        return np.uint64(k0), np.uint64(k1)

    def generator(self, decision: str, month: int) -> np.random.Generator:
        """A sequential generator for a draw that is not one number per index (set-up only).

        Args:
            decision: Name of the decision (``"synth.members"``).
            month: Month of the run (0 is set-up).

        Returns:
            A generator whose sequence depends only on (root seed, decision, month).
        """
        return np.random.Generator(np.random.PCG64(self._seq(decision, month)))

    def uniform(self, decision: str, month: int, n: int) -> np.ndarray:
        """``n`` uniform draws on [0, 1) as float32, one per household index."""
        return counter.uniform32(*self.key(decision, month), n)

    def uniform_of(self, decision: str, month: int, idx: np.ndarray) -> np.ndarray:
        """The float32 uniforms of households ``idx`` only: ``uniform(..., n)[idx]``."""
        return counter.uniform32_of(*self.key(decision, month), idx)

    def normal(self, decision: str, month: int, n: int) -> np.ndarray:
        """``n`` standard normal draws as float32, one per household index."""
        return counter.normal32(*self.key(decision, month), n)

    def normal_of(self, decision: str, month: int, idx: np.ndarray) -> np.ndarray:
        """The float32 standard normals of households ``idx`` only: ``normal(..., n)[idx]``."""
        return counter.normal32_of(*self.key(decision, month), idx)

    def uniform64(self, decision: str, month: int, n: int) -> np.ndarray:
        """``n`` uniform draws on [0, 1) as float64: the draws :meth:`binomial` inverts."""
        return counter.uniform64(*self.key(decision, month), n)

    def binomial(
        self, decision: str, month: int, trials: np.ndarray, p: np.ndarray | float
    ) -> np.ndarray:
        """Binomial draws per household from one uniform each (exact CDF inversion).

        numpy's own binomial consumes a variable number of draws per element, which would let
        one household's count shift another's luck; inverting the CDF at each household's own
        uniform keeps common random numbers exact.

        Args:
            decision: Name of the decision.
            month: Month of the run.
            trials: Number of trials per household (small non-negative integers).
            p: Success probability per household (or a scalar).

        Returns:
            int16 counts, 0 <= count <= trials.
        """
        u = self.uniform64(decision, month, trials.shape[0])
        return binomial_from_uniform(trials, p, u)


def binomial_table(lo: int, hi: int, p: float) -> tuple[bool, np.ndarray, float]:
    """The P(X = 0) table of :func:`binomial_from_uniform` for a scalar ``p``.

    Args:
        lo: Fewest trials of any element (persons).
        hi: Most trials of any element (persons), ``hi >= lo``.
        p: Success probability (clipped to [0, 1]).

    Returns:
        ``(certain, q_tab, ratio)``: whether every trial succeeds (p >= 1), P(X = 0) =
        q**t for t = lo..hi (float64, computed by numpy exactly as the numpy path does, so that
        the compiled path reads the very same numbers), and p / q.
    """
    p_s = min(max(float(p), 0.0), 1.0)
    if p_s >= 1.0:
        return True, np.ones(1, dtype=np.float64), 0.0
    q_tab = np.full(hi - lo + 1, 1.0 - p_s) ** np.arange(lo, hi + 1, dtype=np.float64)
    q = 1.0 - p_s
    return False, q_tab, (p_s / q if q > 0 else 0.0)


@accel.jit
def binomial_count(t: int, u: float, pmf0: float, ratio: float) -> int:
    """One binomial count by CDF inversion (compiled; the arithmetic of the numpy loop).

    Args:
        t: Trials (persons).
        u: The element's uniform on [0, 1).
        pmf0: P(X = 0) = q**t (float64, from numpy).
        ratio: p / q (float64; 0 when q = 0).

    Returns:
        The number of k < t with CDF(k) <= u (0 when t <= 0).
    """
    if not (u >= pmf0 and t > 0):
        return 0
    pmf = pmf0
    cdf = pmf0
    count = 0
    k = 0
    while True:
        count += 1
        k += 1
        left = t - k + 1
        if left < 0:
            left = 0
        # as numpy: ((pmf * left) / k) * ratio, in float64, left to right
        pmf = pmf * np.float64(left) / np.float64(k) * ratio
        cdf = cdf + pmf
        if not (u >= cdf and t > k):
            return count


@accel.jit
def _binomial_table_kernel(
    t: np.ndarray, u: np.ndarray, q_tab: np.ndarray, lo: int, ratio: float, out: np.ndarray
) -> None:
    """Binomial counts for a scalar p, P(X = 0) read from ``q_tab`` (``out`` int16)."""
    for i in range(t.shape[0]):
        ti = np.int64(t[i])
        out[i] = binomial_count(ti, u[i], q_tab[ti - lo], ratio)


@accel.jit
def _binomial_live_kernel(
    live: np.ndarray,
    t_l: np.ndarray,
    u: np.ndarray,
    p_a: np.ndarray,
    q_a: np.ndarray,
    pmf0: np.ndarray,
    out: np.ndarray,
) -> None:
    """Binomial counts of the elements ``live`` for per-element p (``p_a`` clipped, float64)."""
    for j in range(live.shape[0]):
        i = live[j]
        tj = np.int64(t_l[j])
        if p_a[j] >= 1.0:
            out[i] = tj
            continue
        ratio = p_a[j] / q_a[j] if q_a[j] > 0 else 0.0
        out[i] = binomial_count(tj, u[i], pmf0[j], ratio)


@accel.pjit
def binomial_counts_int8(
    trials: np.ndarray,
    offset: int,
    u: np.ndarray,
    certain: bool,
    q_tab: np.ndarray,
    lo: int,
    ratio: float,
    out: np.ndarray,
) -> None:
    """Binomial counts for a scalar p into an int8 array (compiled; the demography's draws).

    The counts of :func:`binomial_from_uniform` cast to int8, for ``trials - offset`` trials
    (at least 0 when ``offset`` > 0: the adults beyond the second).

    Args:
        trials: Persons per element (int8).
        offset: Persons not at risk (subtracted from ``trials``).
        u: One float64 uniform per element.
        certain: Whether p >= 1 (every trial succeeds).
        q_tab: P(X = 0) for ``lo`` trials and up (``binomial_table``, from numpy).
        lo: Fewest trials present.
        ratio: p / q.
        out: int8 counts (written).
    """
    for i in accel.prange(u.shape[0]):
        t = np.int64(trials[i]) - offset
        if offset > 0 and t < 0:
            t = 0
        if certain:
            out[i] = t
        else:
            out[i] = binomial_count(t, u[i], q_tab[t - lo], ratio)


def binomial_from_uniform(trials: np.ndarray, p: np.ndarray | float, u: np.ndarray) -> np.ndarray:
    """Binomial counts by inverting the CDF at per-element uniforms ``u`` (exact).

    The count is the number of k < trials with CDF(k) <= u; the loop runs over k up to the
    largest number of trials present (household member counts: at most a few tens) and stops
    as soon as every element is resolved. Only the elements still unresolved after P(X = 0) are
    carried through the loop, and a scalar ``p`` takes P(X = 0) = q**trials from a table of the
    few trial counts present; every element's arithmetic is the same as over the full arrays.

    With ``accel.enabled`` a compiled loop does the inversion per element (the powers q**t
    still come from numpy): the same counts.

    Args:
        trials: Trials per element (small non-negative integers, persons).
        p: Success probability per element, or a scalar.
        u: One uniform on [0, 1) per element (float64).

    Returns:
        int16 counts, 0 <= count <= trials.
    """
    t = np.asarray(trials).astype(np.int16)
    out = np.zeros(t.shape, dtype=np.int16)
    compiled = accel.enabled and t.ndim == 1
    if np.ndim(p) == 0:
        if t.size == 0:
            return out
        lo, hi = int(t.min()), int(t.max())
        # q**t with the same ufunc over contiguous float64 arrays as the elementwise form
        certain, q_tab, ratio = binomial_table(lo, hi, float(p))
        if certain:  # every trial succeeds
            out[:] = t
            return out
        if compiled:
            _binomial_table_kernel(t, np.asarray(u), q_tab, lo, ratio, out)
            return out
        pmf0 = q_tab[t - np.int16(lo)]
        idx = np.flatnonzero((u >= pmf0) & (t > 0))
        if idx.size == 0:
            return out
        ts, us, pmf = t[idx], u[idx], pmf0[idx]
    else:
        # elements with no trials stay at 0 (or at t when certain, the same): work on the rest
        live = np.flatnonzero(t)
        t_l = t[live]
        p_l = np.asarray(p)
        p_l = p_l[live] if p_l.shape == t.shape else np.broadcast_to(p_l, t.shape)[live]
        p_a = np.clip(p_l.astype(np.float64), 0.0, 1.0)
        q_a = 1.0 - p_a
        pmf0 = q_a ** t_l.astype(np.float64)  # P(X = 0)
        if compiled:
            _binomial_live_kernel(live, t_l, np.asarray(u), p_a, q_a, pmf0, out)
            return out
        certain = p_a >= 1.0
        out[live[certain]] = t_l[certain]
        sel = np.flatnonzero((u[live] >= pmf0) & (t_l > 0) & ~certain)
        if sel.size == 0:
            return out
        idx = live[sel]
        ts, us, pmf = t_l[sel], u[idx], pmf0[sel]
        ratio = np.divide(p_a[sel], q_a[sel], out=np.zeros(sel.size), where=q_a[sel] > 0)
    cdf = pmf.copy()
    count = np.zeros(idx.size, dtype=np.int16)
    open_ = np.ones(idx.size, dtype=bool)
    k = 0
    while open_.any():
        count += open_
        k += 1
        pmf = pmf * np.maximum(ts - k + 1, 0) / k * ratio
        cdf = cdf + pmf
        open_ &= (us >= cdf) & (ts > k)
    out[idx] = count
    return out


@accel.warmup
def _warm_up() -> None:
    """Compile (or load) the binomial kernels for the dtypes the model uses."""
    t = np.array([0, 1, 3], dtype=np.int16)
    u = np.array([0.1, 0.5, 0.9])
    out = np.zeros(3, dtype=np.int16)
    _binomial_table_kernel(t, u, binomial_table(0, 3, 0.2)[1], 0, 0.25, out)
    p = np.array([0.2, 0.3])
    _binomial_live_kernel(np.array([1, 2], dtype=np.intp), t[1:], u, p, 1.0 - p, p, out)
    i8 = t.astype(np.int8)
    q_tab = binomial_table(0, 2, 0.1)[1]
    binomial_counts_int8(i8, 0, u, False, q_tab, 0, 0.1, np.zeros(3, dtype=np.int8))

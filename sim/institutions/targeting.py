"""Targeting: which households an institution may enrol, and in which order.

An institution enrols the households of its area whose view (``Institution.survey``) is below
its programme's line, that pass what it can see for sure (school-age children, an insurance
card), and that are not already served by it, by partners it shares lists with (same theme or
programme kind), or by the government's programme of the same kind when it can read the
registry. Case management puts households served by other themes first (a bonus of 10 log
points on the score).

Enrolments are read as bits (bit ``row`` of a uint64 per household, at most :data:`MAX_BITS`
institutions) in one pass; larger rosters use the masks of :func:`excluded_by_masks`.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import kernel

F32 = np.float32
OBS_NONE, OBS_SCHOOL, OBS_UNINSURED = 0, 1, 2
"""What an institution sees for sure when it screens (``programs.observable_filter``)."""
GOV_NONE, GOV_CASH, GOV_INSURANCE = 0, 1, 2
"""Government benefit of the same kind (``programs.government_same_kind``)."""
MAX_BITS = 64
"""Most institutions the enrolment bits hold (one bit each in a uint64)."""


def observable_code(kind: str) -> int:
    """The kernels' code of :func:`programs.observable_filter` for a programme kind."""
    if kind in ("scholarship", "tutoring"):
        return OBS_SCHOOL
    if kind == "health_insurance":
        return OBS_UNINSURED
    return OBS_NONE


def gov_code(kind: str) -> int:
    """The kernels' code of :func:`programs.government_same_kind` for a programme kind."""
    if kind == "cash_transfer":
        return GOV_CASH
    if kind == "health_insurance":
        return GOV_INSURANCE
    return GOV_NONE


def _active_bits_reference(months_left: np.ndarray) -> np.ndarray:
    bits = np.zeros(months_left.shape[1], dtype=np.uint64)
    for r in range(months_left.shape[0]):
        bits[months_left[r] > 0] |= np.uint64(1) << np.uint64(r)
    return bits


def _months_left_example(rng: np.random.Generator, n: int) -> tuple[np.ndarray]:
    return (rng.integers(-1, 3, (5, n)).astype(np.int16),)


@kernel(reference=_active_bits_reference, example=_months_left_example)
def active_bits(months_left):  # pragma: no cover - compiled
    """Bit ``r`` set where ``months_left[r] > 0`` (at most 64 institutions), per household."""
    n_inst, n = months_left.shape
    bits = np.zeros(n, dtype=np.uint64)
    for r in range(n_inst):
        row = months_left[r]
        bit = np.uint64(1) << np.uint64(r)
        for i in range(n):
            if row[i] > 0:
                bits[i] |= bit
    return bits


def _set_bit_reference(bits: np.ndarray, idx: np.ndarray, r: int) -> None:
    bits[idx] |= np.uint64(1) << np.uint64(r)


def _set_bit_example(rng: np.random.Generator, n: int) -> tuple[object, ...]:
    bits = rng.integers(0, 8, n).astype(np.uint64)
    return bits, np.flatnonzero(rng.random(n) < 0.5), 3


@kernel(reference=_set_bit_reference, example=_set_bit_example)
def set_bit(bits, idx, r):  # pragma: no cover - compiled
    """Set bit ``r`` of ``bits`` at ``idx`` (new enrolments with institution ``r``; unique)."""
    bit = np.uint64(1) << np.uint64(r)
    for i in idx:
        bits[i] |= bit


def _below_line_reference(view: np.ndarray, log_line: np.ndarray) -> np.ndarray:
    return np.flatnonzero(view < log_line)


def _below_line_example(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    return rng.standard_normal(n).astype(F32), np.zeros(n, F32)


@kernel(reference=_below_line_reference, example=_below_line_example)
def below_line(view, log_line):  # pragma: no cover - compiled
    """``np.flatnonzero(view < log_line)`` (int64)."""
    n = view.shape[0]
    idx = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        idx[k] = i
        k += view[i] < log_line[i]
    return idx[:k].copy()


def _candidates_reference(
    view: np.ndarray,
    log_line: np.ndarray,
    subdistrict: np.ndarray,
    area: np.ndarray,
    observable: int,
    n_school: np.ndarray,
    insured: np.ndarray,
    active_bits: np.ndarray,
    excluded_mask: np.uint64,
    ever: np.ndarray,
    use_ever: bool,
    gov: int,
    pkh: np.ndarray,
    bpnt: np.ndarray,
    pbi: np.ndarray,
    other_mask: np.uint64,
    bonus: bool,
    priority: np.float32,
    below: np.ndarray,
    use_below: bool,
) -> tuple[np.ndarray, np.ndarray]:
    idx = below if use_below else np.arange(view.shape[0], dtype=np.int64)
    v = view[idx]
    bits = active_bits[idx]
    ok = area[subdistrict[idx]] & (v < log_line[idx]) & ((bits & excluded_mask) == 0)
    if observable == OBS_SCHOOL:
        ok &= n_school[idx] > 0
    elif observable == OBS_UNINSURED:
        ok &= ~insured[idx]
    if use_ever:
        ok &= ~ever[idx]
    if gov == GOV_CASH:
        ok &= ~(pkh[idx] | bpnt[idx])
    elif gov == GOV_INSURANCE:
        ok &= ~pbi[idx]
    idx = idx[ok]
    score = v[ok]
    if bonus:
        others = (bits[ok] & other_mask) != 0
        score = score - np.where(others, priority, F32(0))
    return idx, score


def _candidates_example(rng: np.random.Generator, n: int) -> tuple[object, ...]:
    view = (rng.standard_normal(n) + 13).astype(F32)
    log_line = np.full(n, F32(13.2))
    below = np.flatnonzero(view < log_line)
    return (
        view,
        log_line,
        rng.integers(0, 4, n).astype(np.int16),
        np.array([True, False, True, True]),
        OBS_SCHOOL,
        rng.integers(0, 3, n).astype(np.int8),
        rng.random(n) < 0.5,
        rng.integers(0, 16, n).astype(np.uint64),
        np.uint64(1),
        rng.random(n) < 0.2,
        True,
        GOV_CASH,
        rng.random(n) < 0.2,
        rng.random(n) < 0.2,
        rng.random(n) < 0.2,
        np.uint64(6),
        True,
        F32(10.0),
        below,
        True,
    )


@kernel(reference=_candidates_reference, example=_candidates_example)
def candidates(
    view,
    log_line,
    subdistrict,
    area,
    observable,
    n_school,
    insured,
    active_bits,
    excluded_mask,
    ever,
    use_ever,
    gov,
    pkh,
    bpnt,
    pbi,
    other_mask,
    bonus,
    priority,
    below,
    use_below,
):  # pragma: no cover - compiled
    """Candidates of one institution's enrolment round and their scores, in index order.

    With ``use_below`` only the households ``below`` (ascending: those whose view is below the
    line, shared by the institutions that share a view) are examined, else all of them.

    A household is a candidate when it lives in the area, passes the observable filter, is not
    excluded (enrolled with an institution of ``excluded_mask``, a bit mask over
    ``active_bits``; ever enrolled when ``use_ever``; holding the government benefit of the
    same kind) and its view is below the log line. Its score is the view, less ``priority``
    (``cooperation.case_management_priority``, log points) when ``bonus`` and it is served by an
    institution of ``other_mask``. Branch-free: every
    household is written at the next free slot, which only advances for candidates.

    Returns:
        Candidate indices (int64, ascending) and their scores (float32).
    """
    n = below.shape[0] if use_below else view.shape[0]
    idx = np.empty(n, dtype=np.int64)
    score = np.empty(n, dtype=np.float32)
    zero = np.float32(0.0)
    none = np.uint64(0)
    k = 0
    for p in range(n):
        i = below[p] if use_below else p
        v = view[i]
        bits = active_bits[i]
        ok = area[subdistrict[i]] & (v < log_line[i]) & ((bits & excluded_mask) == none)
        if observable == OBS_SCHOOL:
            ok &= n_school[i] > 0
        elif observable == OBS_UNINSURED:
            ok &= not insured[i]
        if use_ever:
            ok &= not ever[i]
        if gov == GOV_CASH:
            ok &= not (pkh[i] | bpnt[i])
        elif gov == GOV_INSURANCE:
            ok &= not pbi[i]
        if bonus:
            v = v - (priority if (bits & other_mask) != none else zero)
        idx[k] = i
        score[k] = v
        k += ok
    return idx[:k].copy(), score[:k].copy()

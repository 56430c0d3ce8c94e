"""Demography: ageing between age groups, births, deaths and adults leaving the household.

Members are counted in four age groups (int8 persons: young 0-6, school age 7-15, adults,
elderly). Each month every transition is a binomial draw per household from its own named
stream, inverted from one uniform per household (``sim.rng``), so that common random
numbers hold. The annual rates are in the ``demography`` section.
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.examples import persons
from sim.dynamics.shocks import calendar_month
from sim.kernels import jit, kernel, prange
from sim.rng.binomial import binomial_counts_int8, binomial_table
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households

F32 = np.float32

# the binomial draws in stream order: (stream name, age group counted)
_DRAWS = (
    ("age_young", "young"),
    ("age_school", "school"),
    ("age_adult", "adult"),
    ("births", "adult"),
    ("death_young", "young"),
    ("death_adult", "adult"),
    ("death_elderly", "elderly"),
    ("leave", "extra"),
)


def _monthly(rate_per_year: float) -> float:
    """The monthly probability of an annual rate (compounded)."""
    return 1.0 - (1.0 - rate_per_year) ** (1.0 / 12.0)


def _probabilities(sc: Scenario) -> tuple[float, ...]:
    """The monthly probability of each draw of ``_DRAWS`` (per person at risk)."""
    d = sc.demography
    return (
        1 / 7,  # school age reached: seven years in the group, drawn once a year
        1 / (9 * 12),
        _monthly(d.ageing_adult_rate),
        _monthly(d.births_per_adult),
        _monthly(d.death_rate_young),
        _monthly(d.death_rate_adult),
        _monthly(d.death_rate_elderly),
        _monthly(d.leave_rate),
    )


def demography(sc: Scenario, hh: Households, streams: Streams, month: int) -> None:
    """Ageing between groups, births, deaths and adults leaving, by binomial draws.

    Ageing is a Markov approximation: each person leaves an age group at the rate 1 / (months
    in the group); children aged 0-6 reach school age once a year, at the start of the school
    year (rate 1/7 a year). New adults bring the schooling they accumulated at 7-15 plus their
    household's ``cohort_offset`` (``schooling.post_basic_years``; with
    ``schooling.cohorts_keep_level``, what keeps the household's adults at their level:
    ``sim.world.synthesis``). A household always keeps at least one member (a death of
    the last member is read as a successor taking over). Adults beyond the second leave at
    ``leave_rate`` to form households outside the panel (MODEL.md: household formation is
    optional; they are not tracked). A household left without adults or elderly members is
    headed by its oldest child, as at set-up (``sim.world.synthesis``): child-headed
    households are rare in Susenas, while 0.2's households of children alone, without
    earnings, grew from 0.05% to 0.17% of persons in 20 years at zero growth.

    The member counts are int8, as in ``Households``.
    """
    d = sc.demography
    if not d.enabled or hh.n == 0:
        return
    # children reach school age at the start of the school year, when enrolment is decided
    school_start = calendar_month(sc, month) == sc.schooling.school_year_calendar_month
    counts = _draw_counts(sc, hh, streams, month, school_start)
    _demography_kernel(
        hh.n_young,
        hh.n_school,
        hh.n_adult,
        hh.n_elderly,
        hh.n_enrolled,
        hh.adult_schooling,
        hh.child_schooling,
        counts,
        hh.cohort_offset,
    )


def _draw_counts(
    sc: Scenario, hh: Households, streams: Streams, month: int, school_start: bool
) -> np.ndarray:
    """The month's binomial draws, one row per entry of ``_DRAWS`` (int8 persons).

    Each draw takes its uniforms from its own stream (``streams.uniform64``, what
    ``streams.binomial`` inverts), in the same order, one array at a time, and inverts them
    with numpy's P(X = 0) table (``randomness.binomial_table`` over the range of trials
    present): the counts of ``streams.binomial``. The young reaching school age are drawn only
    at the start of the school year (zeros otherwise).
    """
    n = hh.n
    source = {
        "young": (hh.n_young, 0),
        "school": (hh.n_school, 0),
        "adult": (hh.n_adult, 0),
        "elderly": (hh.n_elderly, 0),
        "extra": (hh.n_adult, 2),  # adults beyond the second
    }
    ranges = {g: (int(a.min()), int(a.max())) for g, (a, _) in source.items() if g != "extra"}
    a_lo, a_hi = ranges["adult"]
    ranges["extra"] = (max(a_lo - 2, 0), max(a_hi - 2, 0))
    counts = np.zeros((len(_DRAWS), n), dtype=np.int8)
    for j, ((name, group), p) in enumerate(zip(_DRAWS, _probabilities(sc), strict=True)):
        if j == 0 and not school_start:
            continue
        u = streams.uniform64(f"demography.{name}", month, n)
        lo, hi = ranges[group]
        certain, q_tab, ratio = binomial_table(lo, hi, p)
        trials, offset = source[group]
        binomial_counts_int8(trials, offset, u, certain, q_tab, lo, ratio, counts[j])
        del u
    return counts


@jit
def _wrap8(x: int) -> int:
    """``x`` wrapped to int8, as numpy's int8 arithmetic wraps."""
    return ((x + 128) & 255) - 128


@jit
def _clip(x: int, hi: int) -> int:
    """``np.clip(x, 0, hi)`` of an integer."""
    return 0 if x < 0 else (hi if x > hi else x)


def _demography_reference(
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    n_enrolled: np.ndarray,
    adult_schooling: np.ndarray,
    child_schooling: np.ndarray,
    counts: np.ndarray,
    offset: np.ndarray,
) -> None:
    """The demography's updates from the drawn ``counts`` in numpy (int8 arithmetic)."""
    young_to_school, school_to_adult, adult_to_elderly, births = counts[:4]
    die_young, die_adult, die_elderly, leave = counts[4:]

    # schooling moves with the children who grow up
    enrolled_grow = np.minimum(school_to_adult, n_enrolled)
    new_adults = school_to_adult.astype(F32)
    adults_after = np.maximum(n_adult - adult_to_elderly - die_adult - leave, 0).astype(F32)
    total = adults_after + new_adults
    adult_schooling[:] = np.where(
        total > 0,
        (adult_schooling * adults_after + (child_schooling + offset) * new_adults)
        / np.maximum(total, 1),
        adult_schooling,
    )
    n_enrolled[:] = np.maximum(n_enrolled - enrolled_grow, 0)

    n_young[:] = np.clip(n_young - young_to_school - die_young + births, 0, 20)
    n_school[:] = np.clip(n_school - school_to_adult + young_to_school, 0, 20)
    n_adult[:] = np.clip(n_adult - adult_to_elderly - die_adult - leave + school_to_adult, 0, 30)
    n_elderly[:] = np.clip(n_elderly + adult_to_elderly - die_elderly, 0, 20)
    # a household left without adults is headed by its oldest child (a successor if empty)
    headless = (n_adult == 0) & (n_elderly == 0)
    older = headless & (n_school > 0)
    n_school[older] -= 1
    n_young[headless & ~older & (n_young > 0)] -= 1
    n_adult[headless] = 1
    n_enrolled[:] = np.minimum(n_enrolled, n_school)


def _demography_example(rng: np.random.Generator, n: int) -> tuple:
    """Households with empty age groups, empty households, large ones; a month's counts."""
    n_young, n_school = persons(rng, n, 4), persons(rng, n, 5)
    n_adult, n_elderly = persons(rng, n, 4, zeros=0.05), persons(rng, n, 2, zeros=0.6)
    n_young[:2] = n_school[:2] = n_adult[:2] = n_elderly[:2] = 0  # nobody
    n_adult[2::50] = 30
    n_enrolled = np.minimum(n_school, persons(rng, n, 5, zeros=0.1))
    groups = (n_young, n_school, n_adult, n_adult, n_young, n_adult, n_elderly, n_adult)
    counts = np.stack([np.minimum(g, rng.binomial(g, 0.3)) for g in groups]).astype(np.int8)
    counts[7] = np.minimum(counts[7], np.maximum(n_adult.astype(np.int16) - 2, 0))
    return (
        n_young,
        n_school,
        n_adult,
        n_elderly,
        n_enrolled,
        rng.uniform(0, 12, n).astype(F32),
        rng.uniform(0, 9, n).astype(F32),
        counts,
        np.where(rng.random(n) < 0.5, F32(2.0), rng.uniform(-3, 6, n).astype(F32)),
    )


@kernel(reference=_demography_reference, example=_demography_example, parallel=True)
def _demography_kernel(
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    n_enrolled: np.ndarray,
    adult_schooling: np.ndarray,
    child_schooling: np.ndarray,
    counts: np.ndarray,
    offset: np.ndarray,
) -> None:
    """The demography's updates per household, from the drawn ``counts`` (persons).

    ``counts[j]`` holds draw ``j`` (order of ``_DRAWS``; zeros for the young reaching school
    age outside the school-year start). The int8 arithmetic wraps and the float32 arithmetic
    rounds exactly as numpy's does; the schooling means are in years.
    """
    one = np.float32(1.0)
    zero = np.float32(0.0)
    for i in prange(n_young.shape[0]):
        ny = np.int64(n_young[i])
        ns = np.int64(n_school[i])
        na = np.int64(n_adult[i])
        nel = np.int64(n_elderly[i])
        nen = np.int64(n_enrolled[i])
        yts = np.int64(counts[0, i])
        sta = np.int64(counts[1, i])
        ate = np.int64(counts[2, i])
        births = np.int64(counts[3, i])
        dy = np.int64(counts[4, i])
        da = np.int64(counts[5, i])
        de = np.int64(counts[6, i])
        lv = np.int64(counts[7, i])

        grow = sta if sta < nen else nen
        new_adults = np.float32(sta)
        a_left = _wrap8(_wrap8(_wrap8(na - ate) - da) - lv)
        adults_after = np.float32(a_left if a_left > 0 else 0)
        total = adults_after + new_adults
        a_s = adult_schooling[i]
        c_s = child_schooling[i]
        # both sides computed and one selected, as np.where does
        mixed = (a_s * adults_after + (c_s + offset[i]) * new_adults) / max(total, one)
        adult_schooling[i] = mixed if total > zero else a_s
        nen = _wrap8(nen - grow)
        nen = nen if nen > 0 else 0

        ny2 = _clip(_wrap8(_wrap8(_wrap8(ny - yts) - dy) + births), 20)
        ns2 = _clip(_wrap8(_wrap8(ns - sta) + yts), 20)
        na2 = _clip(_wrap8(a_left + sta), 30)
        nel2 = _clip(_wrap8(_wrap8(nel + ate) - de), 20)
        if na2 + nel2 == 0:  # headed by its oldest child (a successor if empty)
            if ns2 > 0:
                ns2 -= 1
            elif ny2 > 0:
                ny2 -= 1
            na2 = 1
        n_young[i] = ny2
        n_school[i] = ns2
        n_adult[i] = na2
        n_elderly[i] = nel2
        n_enrolled[i] = nen if nen < ns2 else ns2

"""Schooling: enrolment at the start of the school year, a month of schooling, tutoring.

School-age children (7-15) are enrolled or not for a school year; the probability is logistic
in log per-capita consumption relative to the line, in school cost relative to per-capita
consumption, and in a schooling condition attached to a transfer (Cahyadi et al. 2020).
A household's ``child_schooling`` is the basic schooling that a child who finishes school age
now takes into adult life: 9 years times the household's enrolled share, averaged over the
last nine years or so. Each month with school-age children it gains a twelfth of a year times
the enrolled share, plus what programmes add (tutoring), and loses a 108th of itself
(:data:`LEAVING`: children spend 108 months at school age and leave at that rate, so a leaver
has on average spent 108 months there); without school-age children it is held. Its steady
state is 9 years times the enrolled share, whatever the household's size, and it does not
jump when a young child reaches school age (0.2 averaged the schooling of the children present,
whose noise spread adult schooling by a year and a half in ten years at zero growth).
Schooling is in years.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from sim.dynamics.examples import persons
from sim.dynamics.shocks import calendar_month
from sim.kernels import kernel, prange
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households
from sim.world.lines import poverty_lines

F32 = np.float32
LEAVING = F32(1.0 / 108.0)
"""Share of the finishing cohort's schooling that leaves each month: children spend 9 years (108
months) at school age (``sim.dynamics.demography``)."""


def enrolment_probability(
    sc: Scenario, hh: Households, conditioned: np.ndarray | None = None
) -> np.ndarray:
    """Probability that a school-age child is enrolled this school year.

    Logistic in log per-capita consumption relative to the line, in school cost relative to
    per-capita consumption, and in a schooling condition attached to a transfer (PKH or a
    programme), which acts beyond its income effect (Cahyadi et al. 2020).
    """
    s = sc.schooling
    line = poverty_lines(sc, hh.urban)
    cpc = np.maximum(hh.consumption_pc, F32(1.0))
    x = (
        F32(s.enrol_intercept)
        + F32(s.enrol_consumption_slope) * np.log(cpc / line)
        - F32(s.cost_sensitivity) * F32(s.school_cost) / cpc
    )
    if conditioned is None:
        conditioned = schooling_condition(sc, hh)
    x = x + np.where(conditioned, F32(s.condition_effect), F32(0))
    return special.expit(x).astype(F32)


def schooling_condition(sc: Scenario, hh: Households) -> np.ndarray:
    """Households whose transfers carry a schooling condition (PKH today)."""
    g = sc.government.pkh
    if g.enabled and g.schooling_condition:
        return hh.pkh.copy()
    return np.zeros(hh.n, dtype=bool)


def schooling(
    sc: Scenario,
    hh: Households,
    streams: Streams,
    month: int,
    conditioned: np.ndarray | None = None,
) -> None:
    """Accumulate years of schooling monthly; revise enrolment at the start of a school year."""
    s = sc.schooling
    if not s.enabled:
        return
    # enrolled children accumulate a month of schooling
    _schooling_month_kernel(
        hh.n_enrolled, hh.n_school, hh.child_schooling, F32(12.0), F32(1.0) - LEAVING
    )
    if calendar_month(sc, month) != s.school_year_calendar_month:
        return
    p = enrolment_probability(sc, hh, conditioned)
    enrolled = streams.binomial("school.enrol", month, hh.n_school, p)
    hh.n_enrolled[:] = np.minimum(enrolled, hh.n_school).astype(np.int8)


def _enrolled_share(n_enrolled: np.ndarray, n_school: np.ndarray) -> np.ndarray:
    """Enrolled share of school-age children, float32 (0 without any): float64 quotient."""
    out = np.zeros(n_school.shape[0], dtype=F32)
    return np.divide(n_enrolled, n_school, out=out, where=n_school > 0)


def _schooling_month_reference(
    n_enrolled: np.ndarray,
    n_school: np.ndarray,
    child_schooling: np.ndarray,
    months: np.float32,
    keep: np.float32,
) -> None:
    """``child_schooling * keep + enrolled share / months`` where a child is of school age."""
    moved = child_schooling * keep + _enrolled_share(n_enrolled, n_school) / months
    child_schooling[:] = np.where(n_school > 0, moved, child_schooling)


def _schooling_example(rng: np.random.Generator, n: int) -> tuple:
    """School-age children (none in some households), part enrolled; schooling in years."""
    n_school = persons(rng, n, 4)
    n_enrolled = np.minimum(n_school, persons(rng, n, 4, zeros=0.1))
    return n_enrolled, n_school, rng.uniform(0, 9, n).astype(F32)


def _schooling_month_example(rng: np.random.Generator, n: int) -> tuple:
    """:func:`_schooling_example`, the twelve months of a school year and what stays."""
    return (*_schooling_example(rng, n), F32(12.0), F32(1.0) - LEAVING)


@kernel(reference=_schooling_month_reference, example=_schooling_month_example, parallel=True)
def _schooling_month_kernel(
    n_enrolled: np.ndarray,
    n_school: np.ndarray,
    child_schooling: np.ndarray,
    months: np.float32,
    keep: np.float32,
) -> None:
    """A month of the finishing cohort's schooling (years), per household.

    What stays of last month's (``keep``) plus a month of schooling times the enrolled share;
    unchanged in a household without school-age children (the next child starts from it).
    """
    for i in prange(n_school.shape[0]):
        if n_school[i] > 0:
            # float64 quotient rounded to float32: the correctly rounded float32 quotient
            share = np.float32(np.float64(n_enrolled[i]) / np.float64(n_school[i]))
            kept = child_schooling[i] * keep
            child_schooling[i] = kept + share / months


def tutoring(hh: Households, schooling_years: np.ndarray) -> None:
    """Add programmes' schooling to the enrolled children's mean schooling.

    Args:
        hh: Households (``child_schooling``, the mean over school-age children, is written).
        schooling_years: Years of schooling gained this month by each enrolled child (tutoring,
            scholarships), per household.
    """
    _tutoring_kernel(hh.n_enrolled, hh.n_school, schooling_years, hh.child_schooling)


def _tutoring_reference(
    n_enrolled: np.ndarray,
    n_school: np.ndarray,
    schooling: np.ndarray,
    child_schooling: np.ndarray,
) -> None:
    """``child_schooling += schooling * enrolled share`` (numpy)."""
    child_schooling += schooling * _enrolled_share(n_enrolled, n_school)


def _tutoring_example(rng: np.random.Generator, n: int) -> tuple:
    """:func:`_schooling_example` and a programme's schooling in some households (years)."""
    n_enrolled, n_school, child_schooling = _schooling_example(rng, n)
    schooling = np.where(rng.random(n) < 0.2, F32(0.02), F32(0.0)).astype(F32)
    return n_enrolled, n_school, schooling, child_schooling


@kernel(reference=_tutoring_reference, example=_tutoring_example, parallel=True)
def _tutoring_kernel(
    n_enrolled: np.ndarray,
    n_school: np.ndarray,
    schooling: np.ndarray,
    child_schooling: np.ndarray,
) -> None:
    """``child_schooling += schooling * n_enrolled / n_school`` (0 without school children).

    As numpy computes it: the share in float64 (integer true division), then float32.
    """
    for i in prange(n_enrolled.shape[0]):
        share = np.float32(0.0)
        if n_school[i] > 0:
            share = np.float32(np.float64(n_enrolled[i]) / np.float64(n_school[i]))
        child_schooling[i] = child_schooling[i] + schooling[i] * share

"""Measured consumption: what a survey records, the one definition the model uses.

BPS's figures are Susenas consumption *as measured*: a household's reported consumption is its
true consumption times a classical multiplicative error, ``exp(sd * e)`` with ``e`` standard
normal, drawn afresh in every survey month (``measurement.survey_error_sd``). Everything that
observes consumption goes through this module: the recorded poverty and inequality figures
(``sim.measures.record``), ``PovertyModel.observed_consumption_pc()``, the registry's
re-surveys (``sim.world.registry``) and institutions' own surveys (``sim.institutions``), which
add their instrument's error on top (a proxy-means test's error is estimated against survey
consumption). Programmes and the household dynamics act on the true value. Until 0.3.0 the
switch ``measurement.as_surveyed`` is off: figures and surveys then read true consumption (as
in 0.2) and only ``observed_consumption_pc()`` carries the error. The error of a
household in a month is one draw (stream ``survey.error``), so every survey of that month sees
the same report. Money is rupiah per capita per month.
"""

from __future__ import annotations

import numpy as np

from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households

F32 = np.float32
STREAM = "survey.error"
"""The stream of the survey error (one standard normal per household and month)."""


def measurement_factor(
    sc: Scenario, streams: Streams, month: int, n: int, idx: np.ndarray | None = None
) -> np.ndarray:
    """Multiplicative survey error ``exp(sd * e)`` of each household (float32).

    Args:
        sc: The scenario (``measurement.survey_error_sd``, log points).
        streams: The run's streams.
        month: The survey month.
        n: Households in the run.
        idx: Only these households (the same numbers a full draw gives them), or all.

    Returns:
        float32 factors, one per household (or per ``idx``); ones when the sd is zero.
    """
    size = n if idx is None else idx.shape[0]
    sd = F32(sc.measurement.survey_error_sd)
    if sd == 0:
        return np.ones(size, dtype=F32)
    e = streams.normal(STREAM, month, n) if idx is None else streams.normal_of(STREAM, month, idx)
    e *= sd
    return np.exp(e)


def measured_consumption(
    sc: Scenario, hh: Households, streams: Streams, month: int, out: np.ndarray | None = None
) -> np.ndarray:
    """Household consumption as a survey of ``month`` records it (float32 rupiah per month)."""
    factor = measurement_factor(sc, streams, month, hh.n)
    return np.multiply(hh.consumption, factor, out=out)


def surveyed_consumption(
    sc: Scenario, hh: Households, streams: Streams, month: int, out: np.ndarray | None = None
) -> np.ndarray:
    """What the model's figures and surveys read (rupiah per household per month).

    Measured consumption when ``measurement.as_surveyed``, else the true ``hh.consumption``.
    """
    if sc.measurement.as_surveyed:
        return measured_consumption(sc, hh, streams, month, out=out)
    return hh.consumption


def measured_consumption_pc(
    sc: Scenario, hh: Households, streams: Streams, month: int
) -> np.ndarray:
    """Per-capita consumption as a survey of ``month`` records it (float32 rupiah per month).

    Measured household consumption over members, the arithmetic of the recorded figures.
    """
    return measured_consumption(sc, hh, streams, month) / hh.members

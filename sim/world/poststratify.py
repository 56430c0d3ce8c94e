"""Month 0's survey weights post-stratified to a published headcount per area.

A region's preset fits the potential so that month 0, as surveyed, measures as BPS's
distribution (``sim.analysis.potential``), but one run's headcount still carries sampling noise:
about 0.2-0.3 points of P0 at 20,000 households (standard deviation over seeds 0.22 points at
the national 9%). Susenas meets the same problem with its weights: they are calibrated to known
totals. Where a preset sets ``calibration.<area>.p0_target``, :func:`poststratify` does that
to the simulated households right after the burn-in, before anything reads the weights: in each
area, the weights of the households surveyed as poor are multiplied by one factor and those of
the non-poor by another, so that the area's measured headcount equals the target and its
persons stay what they were (the calibration estimator of survey weights with two
post-strata, Deville & Sarndal 1992, JASA 87(418)). Who is poor is read exactly as month 0's
record reads it (``sim.measures.record``: measured consumption per member below the area's
line, ``sim.world.measurement.surveyed_consumption``), so the recorded headcount is the target
up to float32 rounding. P1, P2 and the Gini are not post-stratified: they remain checks (the
poverty gap and severity scale with the poor's factor). Without targets (the national preset)
the weights are not touched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households
from sim.world.lines import poverty_lines
from sim.world.measurement import surveyed_consumption

F32 = np.float32
AREAS = ("urban", "rural")


@dataclass(frozen=True)
class Adjustment:
    """The post-stratification of one area.

    Attributes:
        area: ``"urban"`` or ``"rural"``.
        target: The headcount aimed at (fraction of persons).
        p0_before: Month 0's measured headcount before (fraction of persons).
        poor_factor: Factor on the weights of households surveyed as poor.
        nonpoor_factor: Factor on the weights of the others.
    """

    area: str
    target: float
    p0_before: float
    poor_factor: float
    nonpoor_factor: float


def poststratify(sc: Scenario, hh: Households, streams: Streams) -> dict[str, Adjustment]:
    """Rescale month 0's weights so that each area's measured headcount is its target.

    Args:
        sc: The scenario (``calibration.<area>.p0_target``; areas without one are left alone).
        hh: The households at month 0 (after the burn-in); ``hh.weight`` changes in place.
        streams: The run's streams (month 0's survey error, the record's own draw).

    Returns:
        The adjustment of each post-stratified area (empty when no target is set). An area
        with no simulated household, or whose households are all poor or all non-poor, is
        left alone (no two post-strata to rescale).
    """
    targets = {a: getattr(sc.calibration, a).p0_target for a in AREAS}
    if all(t is None for t in targets.values()):
        return {}
    lines = poverty_lines(sc, hh.urban)
    measured = surveyed_consumption(sc, hh, streams, 0)
    poor = measured / hh.members < lines  # the record's test (sim.measures.record)
    persons = hh.persons
    out: dict[str, Adjustment] = {}
    for area, mask in (("urban", hh.urban), ("rural", ~hh.urban)):
        target = targets[area]
        if target is None:
            continue
        total = float(persons[mask].sum())
        poor_persons = float(persons[mask & poor].sum())
        if total <= 0 or poor_persons <= 0 or poor_persons >= total:
            continue
        f_poor = target * total / poor_persons
        f_nonpoor = (1.0 - target) * total / (total - poor_persons)
        hh.weight[mask & poor] *= F32(f_poor)
        hh.weight[mask & ~poor] *= F32(f_nonpoor)
        out[area] = Adjustment(area, float(target), poor_persons / total, f_poor, f_nonpoor)
    return out

"""The model's monthly record: each month's poverty, inequality and flow figures.

:class:`MonthlyRecord` keeps what the figures need from month to month (last month's poverty,
months out of poverty, the consumption order of the Gini, buffers) and the rows recorded so
far. :func:`household_figures` computes a month's figures from the household arrays: in two
compiled passes (``sim.measures.passes``) and a Gini sort that may run on a second thread
(``sim.measures.gini_order``), or in numpy, the reference (``reference_figures``); the two
agree to the order of floating-point additions (``rtol=1e-12``).

The Alkire-Foster indicators the household state supports, equal weights (1/6 each), are
:data:`MPI_INDICATORS`: education (adults' mean schooling below 6 years; a school-age child not
enrolled), health (no insurance; a severe illness now), living standard (productive assets
below Rp 500,000; per-capita consumption below the food poverty line, 74% of the line, BPS
March 2024 food share).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.kernels import composite
from sim.measures import multidimensional, poverty
from sim.measures.gini_order import GINI_THREAD_HOUSEHOLDS, GiniOrder
from sim.measures.inequality import gini
from sim.measures.passes import SUMS, household_pass
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households
from sim.world.measurement import surveyed_consumption

F32 = np.float32

MPI_INDICATORS = (
    "adult_schooling_below_6y",
    "child_not_enrolled",
    "uninsured",
    "severely_ill",
    "assets_below_500k",
    "consumption_below_food_line",
)
"""Alkire-Foster indicators the household state supports, equal weights (1/6 each)."""
MPI_K = 1.0 / 3.0
"""Alkire-Foster poverty cutoff: deprived in a third of the weighted indicators."""
FOOD_LINE_SHARE = 0.74
"""Food poverty line as a share of the poverty line (BPS, March 2024 food share)."""
ASSET_DEPRIVATION = 500_000.0
"""Productive assets below which a household is deprived (rupiah)."""


def mpi_deprivations(
    hh: Households, lines: np.ndarray, consumption_pc: np.ndarray | None = None
) -> np.ndarray:
    """The (n, 6) boolean deprivation matrix over :data:`MPI_INDICATORS`.

    ``consumption_pc`` is the measured per-capita consumption (rupiah per capita per month)
    the consumption indicator reads; the true one when omitted.
    """
    y = hh.consumption_pc if consumption_pc is None else consumption_pc
    return np.stack(
        [
            hh.adult_schooling < 6,
            hh.n_enrolled < hh.n_school,
            ~hh.insured,
            hh.health_state == 2,
            hh.assets < ASSET_DEPRIVATION,
            y < F32(FOOD_LINE_SHARE) * lines,
        ],
        axis=1,
    )


def equivalence_lines(
    sc: Scenario, hh: Households, lines: np.ndarray, consumption: np.ndarray
) -> np.ndarray:
    """Lines for equivalised consumption giving the same area headcounts at month 0.

    Equivalised consumption is ``consumption / members ** theta`` (``theta`` the scenario's
    ``measurement.equivalence_elasticity``); per area, the line is the equivalised consumption
    at the person-weighted quantile equal to the area's per-capita headcount (rupiah).
    ``consumption`` is the measured household consumption (rupiah per month).
    """
    theta = sc.measurement.equivalence_elasticity
    y_eq = consumption / hh.members.astype(F32) ** F32(theta)
    y_pc = consumption / hh.members
    out = np.empty(hh.n, dtype=F32)
    for area in (True, False):
        mask = hh.urban == area
        if not mask.any():
            continue
        w = hh.persons[mask]
        p0 = poverty.fgt(y_pc[mask], lines[mask], 0, weights=w)
        order = np.argsort(y_eq[mask])
        cum = np.cumsum(w[order]) / w.sum()
        i = min(int(np.searchsorted(cum, p0)), order.size - 1)
        out[mask] = y_eq[mask][order[i]]
    return out


class MonthlyRecord:
    """What the monthly figures carry from month to month, and the rows recorded so far.

    The figures read consumption through ``sim.world.measurement.surveyed_consumption``: as
    a survey measures it when ``measurement.as_surveyed``, else true consumption.

    Args:
        sc: The scenario (measurement, sub-districts).
        hh: The household arrays (read each month; ``months_out`` is updated here).
        lines: Each household's poverty line (rupiah per capita per month).
        streams: The run's streams (the survey error).
        gini_thread: Sort for the Gini on a second thread (large runs with compiled kernels;
            ``GINI_THREAD_HOUSEHOLDS``).

    Attributes:
        rows: One dict per recorded month (month 0 first).
        sub_p0: Headcount by sub-district, one array per recorded month.
        was_poor: Whether each household was poor at the last recording.
    """

    def __init__(
        self,
        sc: Scenario,
        hh: Households,
        lines: np.ndarray,
        streams: Streams,
        gini_thread: bool = False,
    ) -> None:
        self.scenario = sc
        self.households = hh
        self.lines = lines
        self.streams = streams
        self.rows: list[dict[str, Any]] = []
        self.sub_p0: list[np.ndarray] = []
        self.measured = np.empty(hh.n, dtype=F32)
        measured = surveyed_consumption(sc, hh, streams, 0, out=self.measured)
        self.was_poor = measured / hh.members < lines
        self.eq_lines0 = equivalence_lines(sc, hh, lines, measured)
        self.eq_lines = self.eq_lines0.copy()
        self.gini = GiniOrder(gini_thread and hh.n >= GINI_THREAD_HOUSEHOLDS)
        self.buffers: tuple[np.ndarray, ...] | None = None
        self.eq_scale: np.ndarray | None = None

    def finish(self) -> None:
        """Complete the last row (its Gini entries)."""
        self.gini.finish()

    def measure(self, month: int) -> np.ndarray:
        """This month's household consumption as the figures read it.

        ``sim.world.measurement.surveyed_consumption``; measured values go into a buffer
        reused each month (rupiah per month).
        """
        return surveyed_consumption(
            self.scenario, self.households, self.streams, month, out=self.measured
        )

    def move_lines(self, factor: float) -> None:
        """Lines for equivalised consumption follow the poverty line's real drift."""
        np.multiply(self.eq_lines0, F32(factor), out=self.eq_lines)


def reference_figures(
    rec: MonthlyRecord, month: int, flows: bool | None
) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """The month's figures from the household arrays in numpy (the reference).

    Returns the row so far, per-capita consumption and persons represented. The
    ``poverty_line_nominal`` entry is the person-weighted mean line, not yet indexed.
    """
    hh, sc, z = rec.households, rec.scenario, rec.lines
    members = hh.members  # computed once: hh.consumption_pc and hh.persons, same numbers
    measured = rec.measure(month)
    y = measured / members
    w = members * hh.weight.astype(np.float64)
    row: dict[str, Any] = {"month": month}
    s = poverty.poverty_summary(y, z, weights=w)
    row.update(p0=s["p0"], p1=s["p1"], p2=s["p2"], watts=s["watts"])
    row["gini"] = gini(y, weights=w, order=rec.gini.resort(y), check_order=False)
    row["mean_consumption"] = float(np.average(y, weights=w))
    for area, mask in (("urban", hh.urban), ("rural", ~hh.urban)):
        if mask.any():
            sa = poverty.poverty_summary(y[mask], z[mask], weights=w[mask])
            row[f"p0_{area}"], row[f"p1_{area}"], row[f"p2_{area}"] = sa["p0"], sa["p1"], sa["p2"]
            row[f"gini_{area}"] = gini(y[mask], weights=w[mask])
        else:
            row[f"p0_{area}"] = row[f"p1_{area}"] = row[f"p2_{area}"] = np.nan
            row[f"gini_{area}"] = np.nan
    theta = sc.measurement.equivalence_elasticity
    y_eq = measured / members.astype(F32) ** F32(theta)
    row["p0_equivalence"] = poverty.fgt(y_eq, rec.eq_lines, 0, weights=w)
    h_, a_, m0 = multidimensional.alkire_foster(mpi_deprivations(hh, z, y), MPI_K, weights=w)
    row.update(mpi_h=h_, mpi_a=a_, mpi_m0=m0)
    poor = y < z
    if flows:
        exited = rec.was_poor & ~poor
        entered = ~rec.was_poor & poor
        # -1 when poor, 0 on exit, else one more month out (-1 stays -1), in place
        months_out = hh.months_out
        np.add(months_out, 1, out=months_out, where=months_out >= 0)
        months_out[exited] = 0
        months_out[poor] = -1
        row["persons_exited"] = float(w[exited].sum())
        row["persons_entered"] = float(w[entered].sum())
        row["exits_lasting_12m"] = float(w[hh.months_out == 12].sum())
    else:
        row["persons_exited"] = row["persons_entered"] = row["exits_lasting_12m"] = 0.0
    rec.was_poor = poor
    row["persons"] = float(w.sum())
    row["persons_poor"] = float(w[poor].sum())
    row["mean_household_size"] = float(np.average(members, weights=hh.weight))
    w_hh = hh.weight.astype(np.float64)  # float64 sums (float32 ones lose 1e-7)
    row["enrolment_rate"] = float(
        (hh.n_enrolled * w_hh).sum() / max((hh.n_school * w_hh).sum(), 1e-9)
    )
    row["mean_assets"] = float(np.average(hh.assets, weights=w_hh))
    row["pbi_persons"] = float(w[hh.pbi].sum())
    rec.sub_p0.append(
        poverty.fgt_by_group(y, z, 0, hh.subdistrict, sc.population.subdistricts, weights=w)
    )
    row["poverty_line_nominal"] = float(np.average(z, weights=w))
    return row, y, w


def _example(rng: np.random.Generator, n: int) -> tuple[Any, ...]:
    """A month-0 record of a small synthesised population (``n`` at least 200 households)."""
    from sim.scenario import load_scenario
    from sim.world.lines import poverty_lines
    from sim.world.synthesis import synthesize

    sc = load_scenario("no_programs", overrides={"population.households": max(n, 200)})
    streams = Streams(int(rng.integers(1 << 30)))
    hh = synthesize(sc, streams)
    return MonthlyRecord(sc, hh, poverty_lines(sc, hh.urban), streams), 1, True


@composite(reference=reference_figures, example=_example, parallel=True, rtol=1e-12)
def household_figures(
    rec: MonthlyRecord, month: int, flows: bool | None
) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """The month's figures in two compiled passes over the households (``sim.measures.passes``).

    The same figures as :func:`reference_figures` up to the order of floating-point additions
    (about 1e-15 relative). The per-capita consumption and persons arrays are buffers reused
    from month to month; the Gini entries are filled by ``rec.gini`` (maybe later, on a second
    thread: ``MonthlyRecord.finish``).
    """
    hh, sc, z = rec.households, rec.scenario, rec.lines
    n, n_sub = hh.n, sc.population.subdistricts
    if rec.buffers is None:
        rec.buffers = (
            np.empty(n, dtype=F32),
            np.empty(n, dtype=np.float64),
            np.empty(n_sub, dtype=np.float64),
            np.empty(n_sub, dtype=np.float64),
        )
        rec.was_poor = np.array(rec.was_poor, dtype=bool)  # updated in place
        # members ** theta by size, as numpy computes it (members are at most 90)
        theta = F32(sc.measurement.equivalence_elasticity)
        rec.eq_scale = np.arange(128, dtype=np.int16).astype(F32) ** theta
    rec.gini.finish()  # it reads the buffers this pass overwrites
    y, w, sub_poor, sub_persons = rec.buffers
    measured = rec.measure(month)
    sums = household_pass(
        measured, hh.n_young, hh.n_school, hh.n_adult, hh.n_elderly, hh.weight, z,
        hh.urban, rec.eq_lines, rec.eq_scale, hh.adult_schooling, hh.n_enrolled, hh.insured,
        hh.health_state, hh.assets, hh.pbi, hh.subdistrict, F32(FOOD_LINE_SHARE),
        F32(ASSET_DEPRIVATION), float(MPI_K) - multidimensional.AF_TOLERANCE, rec.was_poor,
        hh.months_out, bool(flows), y, w, sub_poor, sub_persons,
    )  # fmt: skip
    row = _row_from_sums(dict(zip(SUMS, sums.tolist(), strict=True)), month, flows)
    sub = np.full(n_sub, np.nan)
    np.divide(sub_poor, sub_persons, out=sub, where=sub_persons > 0)
    rec.sub_p0.append(sub)
    totals = (row["persons"], row.pop("_persons_urban"), row.pop("_persons_rural"))
    rec.gini.fill(row, totals, y, w, hh.urban)
    return row, y, w


def _row_from_sums(S: dict[str, float], month: int, flows: bool | None) -> dict[str, Any]:
    """The month's row from the household pass's sums (Gini entries NaN until filled)."""
    if S["p0"] > 0 and S["poor_min_y"] <= 0:
        raise ValueError(
            "Watts index needs y > 0 for all poor units (found non-positive y below the line)"
        )
    total = S["persons"]
    row: dict[str, Any] = {"month": month}
    row.update(p0=S["p0"] / total, p1=S["p1"] / total, p2=S["p2"] / total, watts=S["watts"] / total)
    row["gini"] = np.nan  # filled by GiniOrder, in this key order
    row["mean_consumption"] = S["wy"] / total
    for area in ("urban", "rural"):
        t = S[f"persons_{area}"]
        if t > 0:
            row[f"p0_{area}"] = S[f"p0_{area}"] / t
            row[f"p1_{area}"] = S[f"p1_{area}"] / t
            row[f"p2_{area}"] = S[f"p2_{area}"] / t
        else:
            row[f"p0_{area}"] = row[f"p1_{area}"] = row[f"p2_{area}"] = np.nan
        row[f"gini_{area}"] = np.nan  # filled by GiniOrder
    row["p0_equivalence"] = S["p0_equivalence"] / total
    h_ = S["mpi_poor"] / total
    a_ = S["mpi_score"] / S["mpi_poor"] if S["mpi_poor"] > 0 else 0.0
    row.update(mpi_h=h_, mpi_a=a_, mpi_m0=h_ * a_)
    if flows:
        row["persons_exited"] = S["exited"]
        row["persons_entered"] = S["entered"]
        row["exits_lasting_12m"] = S["lasting_12m"]
    else:
        row["persons_exited"] = row["persons_entered"] = row["exits_lasting_12m"] = 0.0
    row["persons"] = total
    row["persons_poor"] = S["p0"]
    row["mean_household_size"] = S["members_weight"] / S["weight"]
    row["enrolment_rate"] = S["enrolled_weight"] / max(S["school_weight"], 1e-9)
    row["mean_assets"] = S["assets_weight"] / S["weight"]
    row["pbi_persons"] = S["pbi_persons"]
    row["poverty_line_nominal"] = S["line_weight"] / total
    row["_persons_urban"], row["_persons_rural"] = S["persons_urban"], S["persons_rural"]
    return row

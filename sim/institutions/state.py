"""The institutions' shared state: enrolment rows, accounts, bit masks and caches.

One object, built by the coalition and passed explicitly to every institution's method: the
institutions never reach their households, accounts or each other through the model. Rows of
the enrolment arrays are institutions (in roster order, ``Institution.row``), columns are
households.

The caches keep work within one month or one enrolment round and never change a number:
each holds exactly what recomputing it would give, and is dropped when what it depends on
changes (an enrolment row written, a new round, new households).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.kernels import kernel
from sim.ledger import Ledger
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households


@dataclass(eq=False)
class CoalitionState:
    """What the institutions share, passed into their methods.

    Attributes:
        sc: The scenario.
        scale: Thousands of households represented (money and capacity scale with it).
        households: The household arrays (read; written only through programme effects).
        lines: Poverty line per household (rupiah per capita per month, float32).
        streams: The model's named random streams.
        institutions: The social institutions in row order (``Institution.row``).
        ledger: Accounts of every institution (rupiah for the represented population).
        months_left: Months of programme left per institution and household (int16).
        months_in: Months already received per institution and household (int16).
        ever: Ever enrolled with the institution (graduation enrols a household once).
        eligible_at_entry: Eligible when enrolled (for the inclusion error).
        direct_spend_last: Transfers and delivery paid last month per institution (rupiah).
        direct_spend_period: The same since the last evaluation (rupiah).
        injected: Programme money paid into each sub-district this month (rupiah).
        views: Views of sharing groups within one enrolment round (``survey``).
        bits: Enrolments as bits per household (bit ``row``) within one round, or None.
        idx: Enrolled households per row within the month (``np.flatnonzero(row > 0)``), or
            None outside the month.
        below: Households below the line of a shared view, within one round.
        log_lines: ``log(multiple x line)`` per household by multiple, while the lines stay.
        weight_sums: ``(weight, WeightSums)`` of the reach figures, while the weights stay.
        weight_class: ``(weight, class per household)`` of the reach kernel.
    """

    sc: Scenario
    scale: float
    households: Households
    lines: np.ndarray
    streams: Streams
    institutions: list[Any]
    ledger: Ledger
    months_left: np.ndarray
    months_in: np.ndarray
    ever: np.ndarray
    eligible_at_entry: np.ndarray
    direct_spend_last: np.ndarray
    direct_spend_period: np.ndarray
    injected: np.ndarray
    views: dict[str, Any] | None = None
    bits: np.ndarray | None = None
    idx: dict[int, np.ndarray] | None = None
    below: dict[tuple[int, int], tuple[Any, ...]] = field(default_factory=dict)
    log_lines: dict[float, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    weight_sums: tuple[np.ndarray, Any] | None = None
    weight_class: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def empty(
        cls,
        sc: Scenario,
        households: Households,
        lines: np.ndarray,
        streams: Streams,
        institutions: list[Any],
    ) -> CoalitionState:
        """No enrolments, no money: the state before the first month."""
        n_inst, n = len(institutions), households.n
        return cls(
            sc=sc,
            scale=sc.population.households_represented / 1000.0,
            households=households,
            lines=lines,
            streams=streams,
            institutions=institutions,
            ledger=Ledger([i.spec.name for i in institutions], sc.months),
            months_left=np.zeros((n_inst, n), dtype=np.int16),
            months_in=np.zeros((n_inst, n), dtype=np.int16),
            ever=np.zeros((n_inst, n), dtype=bool),
            eligible_at_entry=np.zeros((n_inst, n), dtype=bool),
            direct_spend_last=np.zeros(n_inst),
            direct_spend_period=np.zeros(n_inst),
            injected=np.zeros(sc.population.subdistricts),
        )

    @property
    def members(self) -> np.ndarray:
        """Coalition membership over institutions (bool, row order)."""
        return np.array([i.member for i in self.institutions], dtype=bool)

    def start_round(self) -> None:
        """An enrolment round begins: bits and screened views are built afresh."""
        self.bits, self.below = None, {}

    def end_round(self) -> None:
        """An enrolment round ends: households change before the next one."""
        self.views = None
        self.bits = None
        self.below = {}

    def row_changed(self, row: int) -> None:
        """Institution ``row``'s enrolments were written: drop its enrolled households."""
        if self.idx is not None:
            self.idx.pop(row, None)

    def log_line(self, multiple: float) -> np.ndarray:
        """log(multiple x poverty line) per household (float32), kept while the lines stay."""
        lines = self.lines
        cached = self.log_lines.get(multiple)
        if cached is None or cached[0] is not lines:
            cached = (lines, np.log(np.float32(multiple) * lines))
            self.log_lines[multiple] = cached
        return cached[1]


def _positive_index_reference(row: np.ndarray) -> np.ndarray:
    return np.flatnonzero(row > 0)


def _positive_index_example(rng: np.random.Generator, n: int) -> tuple[np.ndarray]:
    return (rng.integers(-1, 3, n).astype(np.int16),)


@kernel(reference=_positive_index_reference, example=_positive_index_example)
def positive_index(row):  # pragma: no cover - compiled
    """``np.flatnonzero(row > 0)`` for one institution's ``months_left`` row (int64)."""
    n = row.shape[0]
    count = 0
    for i in range(n):
        if row[i] > 0:
            count += 1
    out = np.empty(count, dtype=np.int64)
    k = 0
    for i in range(n):
        if row[i] > 0:
            out[k] = i
            k += 1
    return out


def enrolled(state: CoalitionState, row: int) -> np.ndarray:
    """Households enrolled with institution ``row`` (int64, ascending).

    Within the month (``state.idx`` a dict) the answer is kept until the row is written
    (``CoalitionState.row_changed``).
    """
    cache = state.idx
    if cache is not None and row in cache:
        return cache[row]
    idx = positive_index(state.months_left[row])
    if cache is not None:
        cache[row] = idx
    return idx

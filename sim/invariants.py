"""Invariants of a run, checked every month (``PovertyModel(..., check=True)``, ``--check``).

``check_month(model)`` verifies the state a month leaves behind and raises
:class:`InvariantError` naming the month, the invariant and the institution or sub-district
involved at the first violation. The invariants (``docs/reliability.md``):

* **ledger**: per institution, opening + raised - spent - closing = 0 (relative 1e-9 of the
  money that moved), the opening is last month's closing, every amount is finite and >= 0 (the
  closing balance too: no institution spends money it does not have);
* **finite**: no NaN or infinity in any household array;
* **bounds**: consumption, assets and savings >= 0; weights > 0; counts of young, school-age,
  adult and elderly members within 0..their limits, at least one member per household, enrolled
  children <= school-age children, health state 0..2, months of illness >= 0;
* **capacity**: the real households an institution serves never exceed its capacity (a
  tolerance of one household or 1e-5 of the capacity for float32 sums);
* **people counted once**: every household lies in exactly one valid sub-district whose
  urban/rural flag it carries, and the recorded ``persons`` equals the sum of members x weight
  (relative 1e-9); the recorded row has no infinity and headcounts are shares.

Checking costs a few vectorised passes over the household arrays (well under a millisecond per
month at 10,000 households); it never changes a run's numbers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.ledger import RAISED, SPENT

# the checks read a PovertyModel (sim.model), which calls them: typed as Any, not imported
PovertyModel = Any

LEDGER_RTOL = 1e-9
"""Relative tolerance of the ledger identity (of the largest amount in the row)."""
PERSONS_RTOL = 1e-9
"""Relative tolerance of the recorded persons against members x weight."""
CAPACITY_RTOL = 1e-5
"""Relative tolerance of enrolment against capacity (weights are float32)."""

COUNT_LIMITS = {"n_young": 20, "n_school": 20, "n_adult": 30, "n_elderly": 20}
"""Upper bounds of the member counts (those ``sim.dynamics.demography`` keeps)."""
NON_NEGATIVE = ("consumption", "assets", "savings")
"""Household money stocks and flows that can never be negative."""


class InvariantError(ValueError):
    """An invariant of the model state does not hold.

    Attributes:
        month: The month after which the state was checked.
        invariant: Short name of the invariant (``ledger``, ``finite``, ``bounds``,
            ``capacity``, ``people``).
        where: The institution or sub-district involved (or ``"run"``).
        detail: What was found.
    """

    def __init__(self, month: int, invariant: str, where: str, detail: str) -> None:
        self.month, self.invariant, self.where, self.detail = month, invariant, where, detail
        super().__init__(f"month {month}: invariant '{invariant}' violated ({where}): {detail}")


def _household_where(model: PovertyModel, bad: np.ndarray) -> tuple[int, str]:
    """Index of the first offending household and its sub-district, as text."""
    i = int(np.flatnonzero(bad)[0])
    sub = model.households.subdistrict
    n_sub = model.config.population.subdistricts
    s = int(sub[i]) if i < sub.shape[0] else -1
    place = f"sub-district {s}" if 0 <= s < n_sub else "no valid sub-district"
    return i, f"{place}, household {i}"


def check_ledger(model: PovertyModel, month: int) -> None:
    """The ledger identity, carry-over and non-negative amounts for ``month``."""
    L = model.coalition.ledger
    if not L.names:
        return
    t = L.table[month]
    ix = L.index
    raised = t[:, [ix[c] for c in RAISED]]
    spent = t[:, [ix[c] for c in SPENT]]
    opening, closing = t[:, ix["opening"]], t[:, ix["closing"]]
    for r, name in enumerate(L.names):
        row = t[r]
        where = f"institution {name}"
        if not np.isfinite(row).all():
            col = list(ix)[int(np.flatnonzero(~np.isfinite(row))[0])]
            raise InvariantError(month, "ledger", where, f"{col} is {row[ix[col]]}")
        scale = max(float(np.abs(row).max()), 1.0)
        if (row < -LEDGER_RTOL * scale).any():
            col = list(ix)[int(np.flatnonzero(row < -LEDGER_RTOL * scale)[0])]
            what = "closing balance" if col == "closing" else col
            raise InvariantError(
                month, "ledger", where, f"{what} is negative ({row[ix[col]]:.6g} rupiah)"
            )
        gap = opening[r] + raised[r].sum() - spent[r].sum() - closing[r]
        if abs(gap) > LEDGER_RTOL * scale:
            raise InvariantError(
                month,
                "ledger",
                where,
                f"opening + raised - spent - closing = {gap:.6g} rupiah "
                f"(relative {abs(gap) / scale:.3g} > {LEDGER_RTOL:g})",
            )
        if month >= 1:
            before = L.table[month - 1, r, ix["closing"]]
            if abs(opening[r] - before) > LEDGER_RTOL * max(abs(before), 1.0):
                raise InvariantError(
                    month,
                    "ledger",
                    where,
                    f"opening {opening[r]:.6g} differs from last month's closing {before:.6g}",
                )
        if month == model.month and abs(L.balance[r] - closing[r]) > LEDGER_RTOL * scale:
            raise InvariantError(
                month,
                "ledger",
                where,
                f"balance {L.balance[r]:.6g} differs from the closing {closing[r]:.6g}",
            )


def check_households(model: PovertyModel, month: int) -> None:
    """Finite household state, values within bounds, one valid sub-district each."""
    hh = model.households
    n = hh.n
    n_sub = model.config.population.subdistricts
    for name, arr in vars(hh).items():
        if not isinstance(arr, np.ndarray):
            continue
        if arr.shape != (n,):
            raise InvariantError(
                month, "people", "run", f"{name} has shape {arr.shape}, expected ({n},)"
            )
        if arr.dtype.kind == "f":
            bad = ~np.isfinite(arr)
            if bad.any():
                i, where = _household_where(model, bad)
                raise InvariantError(month, "finite", where, f"{name} is {arr[i]}")
    # each household in exactly one valid sub-district, with that sub-district's urban flag
    sub = hh.subdistrict
    bad = (sub < 0) | (sub >= n_sub)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvariantError(
            month, "people", f"household {i}", f"sub-district {int(sub[i])} outside 0..{n_sub - 1}"
        )
    urban_sub = sub < model.config.population.urban_subdistricts
    bad = hh.urban != urban_sub
    if bad.any():
        i, where = _household_where(model, bad)
        raise InvariantError(
            month, "people", where, f"urban flag {bool(hh.urban[i])} contradicts its sub-district"
        )
    for name in NON_NEGATIVE:
        arr = getattr(hh, name)
        bad = arr < 0
        if bad.any():
            i, where = _household_where(model, bad)
            raise InvariantError(month, "bounds", where, f"{name} is negative ({arr[i]:.6g})")
    bad = hh.weight <= 0
    if bad.any():
        i, where = _household_where(model, bad)
        raise InvariantError(month, "bounds", where, f"weight is {hh.weight[i]} (must be > 0)")
    for name, hi in COUNT_LIMITS.items():
        arr = getattr(hh, name)
        bad = (arr < 0) | (arr > hi)
        if bad.any():
            i, where = _household_where(model, bad)
            raise InvariantError(month, "bounds", where, f"{name} = {int(arr[i])} outside 0..{hi}")
    members = hh.members
    bad = members < 1
    if bad.any():
        i, where = _household_where(model, bad)
        raise InvariantError(month, "bounds", where, f"{int(members[i])} members (at least 1)")
    bad = (hh.n_enrolled < 0) | (hh.n_enrolled > hh.n_school)
    if bad.any():
        i, where = _household_where(model, bad)
        raise InvariantError(
            month,
            "bounds",
            where,
            f"n_enrolled = {int(hh.n_enrolled[i])} outside 0..n_school ({int(hh.n_school[i])})",
        )
    bad = (hh.health_state < 0) | (hh.health_state > 2)
    if bad.any():
        i, where = _household_where(model, bad)
        raise InvariantError(
            month, "bounds", where, f"health_state = {int(hh.health_state[i])} outside 0..2"
        )
    bad = hh.sick_months < 0
    if bad.any():
        i, where = _household_where(model, bad)
        raise InvariantError(month, "bounds", where, f"sick_months = {int(hh.sick_months[i])} < 0")


def check_capacity(model: PovertyModel, month: int) -> None:
    """Real households served by each institution never exceed its capacity."""
    coalition = model.coalition
    w = model.households.weight.astype(np.float64)
    for inst in coalition.institutions:
        r = inst.row
        left = coalition.months_left[r]
        if (left < 0).any():
            i, where = _household_where(model, left < 0)
            raise InvariantError(
                month, "capacity", f"institution {inst.spec.name}, {where}", "months left < 0"
            )
        served = float(w[left > 0].sum())
        cap = inst.spec.capacity * coalition.scale
        if served > cap + max(1.0, CAPACITY_RTOL * cap):
            raise InvariantError(
                month,
                "capacity",
                f"institution {inst.spec.name}",
                f"serves {served:,.1f} real households, capacity {cap:,.1f}",
            )


def check_record(model: PovertyModel, month: int) -> None:
    """The month's recorded row: persons counted once, no infinity, shares within 0..1."""
    if not model.record.rows:
        return
    row: dict[str, Any] = model.record.rows[-1]
    if row.get("month") != month:
        raise InvariantError(
            month, "people", "run", f"last recorded row is month {row.get('month')}"
        )
    expected = float(model.households.persons.sum())
    persons = float(row["persons"])
    if not abs(persons - expected) <= PERSONS_RTOL * max(abs(expected), 1.0):
        raise InvariantError(
            month,
            "people",
            "run",
            f"recorded persons {persons:,.3f} differ from members x weight {expected:,.3f}",
        )
    by_sub = np.bincount(
        model.households.subdistrict,
        weights=model.households.persons,
        minlength=model.config.population.subdistricts,
    )
    if not abs(by_sub.sum() - expected) <= PERSONS_RTOL * max(abs(expected), 1.0):
        raise InvariantError(
            month, "people", "run", "persons by sub-district do not add up to the total"
        )
    for key, value in row.items():
        if isinstance(value, (float, np.floating)) and math.isinf(value):
            raise InvariantError(month, "finite", "run", f"recorded {key} is {value}")
    for key in ("p0", "p0_urban", "p0_rural", "enrolment_rate", "coverage_poor"):
        value = row.get(key)
        if value is not None and not (np.isnan(value) or 0.0 <= value <= 1.0 + 1e-12):
            raise InvariantError(month, "bounds", "run", f"recorded {key} = {value} outside 0..1")


def check_month(model: PovertyModel) -> None:
    """Check every invariant of the state the last month left behind.

    Args:
        model: A ``PovertyModel`` (after ``__init__`` or a ``step``).

    Raises:
        InvariantError: At the first violation, naming the month, the invariant and the
            institution or sub-district involved.
    """
    month = model.month
    check_ledger(model, month)
    check_households(model, month)
    check_capacity(model, month)
    check_record(model, month)


def max_ledger_imbalance(model: PovertyModel) -> float:
    """Largest |opening + raised - spent - closing| relative to the row's largest amount."""
    L = model.coalition.ledger
    if not L.names:
        return 0.0
    t = L.table[: model.month + 1]
    scale = np.maximum(np.abs(t).max(axis=-1), 1.0)
    return float((np.abs(L.imbalance()[: model.month + 1]) / scale).max())

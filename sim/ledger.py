"""Where every rupiah came from and went, per institution and month.

For each institution and month: opening balance + raised = spent + closing balance, with the
closing balance carried over as next month's opening. Opening budgets are booked as raised
(``raised_budget``) in the month they arrive. Amounts are rupiah for the represented population.
Government money given to institutions is ``raised_gov``; the government's own background
programmes are reported separately by the model (``gov_*`` columns).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RAISED = (
    "raised_budget",
    "raised_donors",
    "raised_zakat",
    "raised_pool",
    "raised_csr",
    "raised_gov",
)
SPENT = (
    "spent_transfers",
    "spent_delivery",
    "spent_overhead",
    "spent_fundraising",
    "spent_coordination",
    "spent_monitoring",
)
COLUMNS = ("opening", *RAISED, *SPENT, "closing")


class Ledger:
    """Monthly accounts of every institution.

    Args:
        names: Institution names.
        months: Horizon (rows 0..months; row 0 is before any money moves).
    """

    def __init__(self, names: list[str], months: int) -> None:
        self.names = list(names)
        self.index = {c: k for k, c in enumerate(COLUMNS)}
        self.table = np.zeros((months + 1, len(names), len(COLUMNS)), dtype=np.float64)
        self.balance = np.zeros(len(names), dtype=np.float64)

    def open_month(self, month: int) -> None:
        """Start a month: the opening balance is last month's closing."""
        self.table[month, :, self.index["opening"]] = self.balance

    def raise_(self, month: int, inst: int, column: str, amount: float) -> None:
        """Book money received (rupiah >= 0)."""
        if amount < 0 or not np.isfinite(amount):
            raise ValueError(
                f"ledger: {self.names[inst]} month {month}: raised {column} = {amount}"
            )
        self.table[month, inst, self.index[column]] += amount
        self.balance[inst] += amount

    def spend(self, month: int, inst: int, column: str, amount: float) -> float:
        """Book money spent, never more than the balance; returns the amount actually spent."""
        amount = float(min(max(amount, 0.0), self.balance[inst]))
        self.table[month, inst, self.index[column]] += amount
        self.balance[inst] -= amount
        return amount

    def available(self, inst: int) -> float:
        """Current balance of an institution (rupiah)."""
        return float(self.balance[inst])

    def close_month(self, month: int) -> None:
        """End a month: record the closing balance."""
        self.table[month, :, self.index["closing"]] = self.balance

    def totals(self, month: int) -> dict[str, float]:
        """Sums over institutions for one month, keyed by column."""
        row = self.table[month].sum(axis=0)
        return {c: float(row[k]) for c, k in self.index.items()}

    def imbalance(self) -> np.ndarray:
        """Opening + raised - spent - closing, per month and institution (should be ~0)."""
        t = self.table
        raised = sum(t[..., self.index[c]] for c in RAISED)
        spent = sum(t[..., self.index[c]] for c in SPENT)
        return t[..., self.index["opening"]] + raised - spent - t[..., self.index["closing"]]

    def frame(self, upto: int) -> pd.DataFrame:
        """Long table: one row per month (0..upto) and institution."""
        months, n = upto + 1, len(self.names)
        data = {
            "month": np.repeat(np.arange(months), n),
            "institution": np.tile(np.array(self.names, dtype=object), months),
        }
        for c, k in self.index.items():
            data[c] = self.table[:months, :, k].ravel()
        return pd.DataFrame(data)

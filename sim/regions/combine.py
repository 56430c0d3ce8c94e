"""National figures from the provinces' own, month by month: what adds and how.

Every national figure of a national run is the figure of the pooled households of all
provinces, computed from what each province returns (``sim.regions.province_run``):

- **Totals** (persons, poor persons, flows, money, beneficiaries, duplicates, coalition
  members summed over the provinces' coalitions): sums.
- **Ratios** ``sum_i a_i / sum_i b_i`` over households: the provinces' ratios weighted by their
  denominators, ``sum_k r_k b_k / sum_k b_k``: FGT P0-P2, Watts, mean consumption, the
  equivalence-scale headcount, MPI H and M0 and the mean poverty line by persons; the urban and
  rural FGT by the area's persons; MPI A by MPI-poor persons; coverage by poor persons; mean
  household size and assets by households; the enrolment rate by school-age children; the
  inclusion error by enrolments. These are the pooled figures exactly (up to the rounding of
  float64 products, ~1e-16 relative).
- **Gini** (national, urban, rural): of the merged bins (``sim.measures.binned``), within the
  proven bound of the pooled households' Gini (below 6.1e-5, reported per month).
- **Mean trust** of the coalitions' designated institutions: the mean over the provinces
  whose coalition formed (each province runs the same roster).

Not combined (NaN nationally, the provinces' values are in their own series):
``exclusion_error``, whose denominator (eligible households summed over programme kinds) no
province records; and any column not listed here (a test lists every column of a run).
Provinces are added in one fixed order, so the national figures have the same bits whatever
order the provinces finished in.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.measures.binned import Bins, MergedBins, add_bins, bins_gini
from sim.regions.province_run import EXTRAS, ProvinceResult

SUMMED = (
    "persons_exited",
    "persons_entered",
    "exits_lasting_12m",
    "persons",
    "persons_poor",
    "duplicate_enrolments",
    "duplicate_ngo_gov",
    "beneficiaries",
    "funds_raised",
    "carried_over",
    "coalition_members",
    "gov_cofunding",
    "gov_background_transfers",
    "gov_background_premiums",
)
"""Columns that add across provinces (also every ``raised_*`` and ``spent_*`` column)."""
SUMMED_PREFIXES = ("raised_", "spent_")

#: Ratio columns and the weight (denominator) each is averaged with, by name of the weight.
WEIGHTED = {
    "p0": "persons",
    "p1": "persons",
    "p2": "persons",
    "watts": "persons",
    "mean_consumption": "persons",
    "p0_equivalence": "persons",
    "mpi_h": "persons",
    "mpi_m0": "persons",
    "poverty_line_nominal": "persons",
    "p0_urban": "persons_urban",
    "p1_urban": "persons_urban",
    "p2_urban": "persons_urban",
    "p0_rural": "persons_rural",
    "p1_rural": "persons_rural",
    "p2_rural": "persons_rural",
    "mpi_a": "mpi_poor",
    "coverage_poor": "persons_poor",
    "mean_household_size": "households",
    "mean_assets": "households",
    "enrolment_rate": "school_weight",
    "inclusion_error": "enrolments",
}
FLOORED = {"coverage_poor": 1e-9}
"""Ratios whose denominator the model floors (``max(poor persons, 1e-9)``), as it does."""
GINI = {"gini": None, "gini_urban": "urban", "gini_rural": "rural"}
"""Gini columns and the area of the bins each reads (None: both)."""
MEAN_OVER_PROVINCES = ("mean_trust",)
"""Means over the provinces with a value (the same roster in each)."""
NOT_COMBINED = ("exclusion_error",)
"""Columns without a national value (NaN): their denominators are not recorded."""


def rule(column: str) -> str:
    """How ``column`` combines: ``month``, ``sum``, ``weighted``, ``gini``, ``mean`` or ``none``."""
    if column == "month":
        return "month"
    if column in SUMMED or column.startswith(SUMMED_PREFIXES):
        return "sum"
    if column in WEIGHTED:
        return "weighted"
    if column in GINI:
        return "gini"
    if column in MEAN_OVER_PROVINCES:
        return "mean"
    return "none"


def _weights(ts: pd.DataFrame, bins: list[Bins], extras: np.ndarray) -> dict[str, np.ndarray]:
    """Each month's denominators of one province (float64 arrays over months)."""
    persons = ts["persons"].to_numpy(np.float64)
    out = {
        "persons": persons,
        "persons_urban": np.array([b.persons[0].sum() + b.zero[0] for b in bins]),
        "persons_rural": np.array([b.persons[1].sum() + b.zero[1] for b in bins]),
        "persons_poor": ts["persons_poor"].to_numpy(np.float64),
        "households": persons / ts["mean_household_size"].to_numpy(np.float64),
    }
    if "mpi_h" in ts:
        out["mpi_poor"] = ts["mpi_h"].to_numpy(np.float64) * persons
    for k, name in enumerate(EXTRAS):
        out[name] = extras[:, k]
    return out


class NationalTotals:
    """The national figures so far: add provinces (in a fixed order), then read the frame.

    Memory is one month's merged bins per month and a few arrays over months, whatever the
    number of provinces.
    """

    def __init__(self) -> None:
        self.columns: list[str] | None = None
        self.month: np.ndarray | None = None
        self.num: dict[str, np.ndarray] = {}
        self.den: dict[str, np.ndarray] = {}
        self.bins: list[MergedBins | None] = []
        self.provinces = 0

    def add(self, result: ProvinceResult) -> None:
        """Add one province's figures."""
        ts = result.timeseries
        if self.columns is None:
            self.columns = list(ts.columns)
            self.month = ts["month"].to_numpy()
            self.bins = [None] * len(ts)
        elif list(ts.columns) != self.columns or len(ts) != len(self.bins):
            raise ValueError(f"province {result.province}: its series differs in columns or months")
        weights = _weights(ts, result.bins, result.extras)
        for col in self.columns:
            how = rule(col)
            if how in ("month", "gini", "none"):
                continue
            x = ts[col].to_numpy(np.float64)
            if how == "sum":
                num, den = x, np.zeros_like(x)
            elif how == "weighted":
                w = weights[WEIGHTED[col]]
                num, den = np.where(w > 0, x * w, 0.0), w
                if col in FLOORED:  # the ratio's own floor: the numerator is x times it
                    num, den = x * np.maximum(w, FLOORED[col]), w
            else:  # mean over the provinces with a value
                num, den = np.nan_to_num(x), (~np.isnan(x)).astype(np.float64)
            if col in self.num:
                self.num[col] = self.num[col] + num
                self.den[col] = self.den[col] + den
            else:
                self.num[col], self.den[col] = num.copy(), den.copy()
        for m, part in enumerate(result.bins):
            self.bins[m] = add_bins(self.bins[m], part)
        self.provinces += 1

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
        """The national series, the Gini bounds by month, and the columns not combined."""
        if self.columns is None or self.month is None:
            raise ValueError("no province was added")
        data: dict[str, np.ndarray] = {}
        bounds: dict[str, np.ndarray] = {"month": self.month}
        missing = []
        for col in self.columns:
            how = rule(col)
            if how == "month":
                data[col] = self.month
            elif how == "sum":
                data[col] = self.num[col]
            elif how in ("weighted", "mean"):
                den = self.den[col]
                out = np.full(den.shape, np.nan)
                if col in FLOORED:
                    den = np.maximum(den, FLOORED[col])
                np.divide(self.num[col], den, out=out, where=den > 0)
                if col == "mpi_a":  # the model's convention: 0 when nobody is MPI-poor
                    out[den <= 0] = 0.0
                data[col] = out
            elif how == "gini":
                pairs = [
                    bins_gini(b, GINI[col]) if b is not None else (math.nan, math.nan)
                    for b in self.bins
                ]
                data[col] = np.array([g for g, _ in pairs])
                bounds[col] = np.array([e for _, e in pairs])
            else:
                data[col] = np.full(len(self.month), np.nan)
                missing.append(col)
        return pd.DataFrame(data), pd.DataFrame(bounds), tuple(missing)

"""State kept per sub-district: covariate shocks and the injections behind local spillovers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario


@dataclass
class SubdistrictState:
    """State kept per sub-district: covariate shocks and injections for spillovers.

    Attributes:
        covariate_months: Months of covariate loss remaining per sub-district.
        injections: Ring buffer (months x sub-districts) of new money injected (rupiah).
    """

    covariate_months: np.ndarray
    injections: np.ndarray

    @classmethod
    def empty(cls, sc: Scenario) -> SubdistrictState:
        """No shocks, no injections."""
        n = sc.population.subdistricts
        return cls(
            covariate_months=np.zeros(n, dtype=np.int16),
            injections=np.zeros((sc.spillovers.months, n), dtype=np.float64),
        )

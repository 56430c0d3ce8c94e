"""State kept per place: covariate shocks by village, injections for spillovers by sub-district."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario


@dataclass
class SubdistrictState:
    """State kept per sub-district: covariate shocks and injections for spillovers.

    Attributes:
        covariate_months: Months of covariate loss remaining per village (``villages`` of
            each sub-district in turn; ``sim.dynamics.shocks.covariate_shocks``).
        injections: Ring buffer (months x sub-districts) of new money injected (rupiah).
        village: Each household's village (int32), set on the first covariate draw.
    """

    covariate_months: np.ndarray
    injections: np.ndarray
    village: np.ndarray | None = None

    @classmethod
    def empty(cls, sc: Scenario) -> SubdistrictState:
        """No shocks, no injections."""
        n = sc.population.subdistricts
        return cls(
            covariate_months=np.zeros(n * villages(sc), dtype=np.int16),
            injections=np.zeros((sc.spillovers.months, n), dtype=np.float64),
        )


def villages(sc: Scenario) -> int:
    """Villages per sub-district: the real ones it represents, within its simulated households.

    ``population.households_represented / subdistricts / shocks.village_households`` rounded,
    at least 1 and at most the simulated households of a sub-district (each village then has
    at least one).
    """
    pop = sc.population
    real = pop.households_represented / pop.subdistricts / sc.shocks.village_households
    return int(max(1, min(round(real), pop.households // pop.subdistricts)))

"""Household state as arrays: one numpy array per attribute, no Python object per household.

Households are a struct of arrays with explicit dtypes; there is no Python loop over households
(a few mechanisms run as compiled loops, registered with their numpy references in
``sim.kernels``). Money is rupiah per month at March 2024 prices; a household's ``consumption``
is the household total, and per-capita consumption (BPS's welfare measure) is
``consumption / members``. The starting population is drawn by ``sim.world.synthesis``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass
class Households:
    """All household state, one array per attribute (length = number of simulated households).

    Attributes:
        subdistrict: Sub-district index (int16).
        urban: Whether the household lives in an urban sub-district.
        weight: Real households this simulated household represents.
        n_young: Children aged 0-6.
        n_school: Children aged 7-15 (school age).
        n_adult: Adults aged 16-64.
        n_elderly: Persons aged 65+.
        n_enrolled: School-age children enrolled in school.
        adult_schooling: Mean years of schooling of the adults (years).
        child_schooling: Basic schooling of the child finishing school age now (years; see
            ``sim.dynamics.schooling``).
        cohort_offset: Years a new adult adds to the schooling accumulated at 7-15 (years).
        wage_base: Monthly earnings of one adult with zero schooling, zero skill and no shock
            (rupiah per month), the household's labour fixed effect.
        persistent_shock: Persistent shock to the latent log income (AR(1), log points).
        latent_permanent: Permanent part of the latent log income (log points).
        latent_base: Log quantile of the latent at month 0 (earnings move with the quantile
            of the current latent relative to it).
        skill: Skill from training (units of ``income.return_to_skill``).
        assets: Productive assets (rupiah).
        savings: Liquid savings (rupiah).
        consumption: Household consumption (rupiah per month).
        income_labour: Labour earnings last month (rupiah per month).
        income_assets: Own-business / asset income last month (rupiah per month).
        income_transfers: Transfers received last month (rupiah per month).
        health_state: 0 healthy, 1 minor illness this month, 2 severe illness.
        sick_months: Months of severe illness remaining.
        insured: Covered by health insurance (PBI-JKN, contributory JKN or an NGO premium).
        jkn_contributory: Active contributory JKN member (pays its own premium).
        pbi: Premium paid by the state (PBI-JKN).
        pkh: Enrolled in PKH (conditional cash).
        bpnt: Enrolled in BPNT (food assistance).
        registry_score: The registry's proxy of log per-capita consumption at its last update.
        months_out: Months since the household last left poverty (-1: poor now or never poor).
    """

    subdistrict: np.ndarray
    urban: np.ndarray
    weight: np.ndarray
    n_young: np.ndarray
    n_school: np.ndarray
    n_adult: np.ndarray
    n_elderly: np.ndarray
    n_enrolled: np.ndarray
    adult_schooling: np.ndarray
    child_schooling: np.ndarray
    cohort_offset: np.ndarray
    wage_base: np.ndarray
    persistent_shock: np.ndarray
    latent_permanent: np.ndarray
    latent_base: np.ndarray
    skill: np.ndarray
    assets: np.ndarray
    savings: np.ndarray
    consumption: np.ndarray
    income_labour: np.ndarray
    income_assets: np.ndarray
    income_transfers: np.ndarray
    health_state: np.ndarray
    sick_months: np.ndarray
    insured: np.ndarray
    jkn_contributory: np.ndarray
    pbi: np.ndarray
    pkh: np.ndarray
    bpnt: np.ndarray
    registry_score: np.ndarray
    months_out: np.ndarray

    @property
    def n(self) -> int:
        """Number of simulated households."""
        return int(self.weight.shape[0])

    @property
    def members(self) -> np.ndarray:
        """Household size (persons), int16."""
        return (
            self.n_young.astype(np.int16) + self.n_school + self.n_adult + self.n_elderly
        ).astype(np.int16)

    def earners(self, elderly_weight: float) -> np.ndarray:
        """Earner equivalents (float32): adults count 1, the elderly ``elderly_weight`` each.

        Args:
            elderly_weight: ``income.elderly_earner_weight`` of the scenario.
        """
        return self.n_adult.astype(np.float32) + np.float32(elderly_weight) * self.n_elderly

    @property
    def consumption_pc(self) -> np.ndarray:
        """Per-capita consumption (rupiah per capita per month), float32."""
        return self.consumption / self.members

    @property
    def persons(self) -> np.ndarray:
        """Real persons represented by each simulated household (members x weight), float64."""
        return self.members * self.weight.astype(np.float64)

    def nbytes(self) -> int:
        """Bytes held by the state arrays."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))

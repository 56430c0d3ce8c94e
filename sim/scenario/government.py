"""Schema: the government's social registry and its background programmes (PKH, BPNT, PBI-JKN).

These programmes are already in the Susenas consumption the population is fitted to; they run
in every scenario unless a scenario switches them off.
"""

from __future__ import annotations

from sim.scenario.base import Section, param


class Registry(Section):
    """The government's social registry (DTKS): a noisy, stale ranking."""

    noise_sd: float = param(
        0.45,
        "log points of proxy-means error",
        "assumption: PMT predicts log consumption with R2 ~0.5 (Alatas et al. 2012, AER 102(4))",
        ge=0,
        le=5,
    )
    update_months: int = param(
        48,
        "mean age of a registry record (months); 1/update_months of records refreshed monthly",
        "assumption: DTKS verification is slow (Fernandez & Hadiwidjaja 2018: registries stale)",
        ge=1,
        le=10_000,
    )
    retarget_months: int = param(
        3,
        "months between re-targeting of PKH, BPNT and PBI-JKN from the registry",
        "assumption: PKH and BPNT pay and update quarterly",
        ge=1,
        le=120,
    )
    duplicate_share: float = param(
        0.05,
        "share of registry records that are duplicates",
        "21 M duplicate records were deactivated in 2021 (Kemensos); share of slots wasted",
        ge=0,
        lt=1,
    )


class Pkh(Section):
    """Program Keluarga Harapan: conditional cash for families with children, elderly."""

    enabled: bool = param(
        True, "switch", "assumption: runs in every scenario (already in Susenas consumption)"
    )
    coverage: float = param(
        0.143,
        "share of households",
        "~10 M of ~70 M families (Kemensos 2024)",
        ge=0,
        le=1,
    )
    benefit_young_child: float = param(
        250_000.0, "rupiah per month per child 0-6", "Kemensos PKH index: Rp 3.0 M/year", ge=0
    )
    benefit_school_child: float = param(
        100_000.0,
        "rupiah per month per child 7-15",
        "Kemensos PKH index: Rp 0.9 M (SD) and 1.5 M (SMP) per year",
        ge=0,
    )
    benefit_elderly: float = param(
        200_000.0, "rupiah per month per elderly member", "Kemensos PKH index: Rp 2.4 M/year", ge=0
    )
    max_components: int = param(
        4, "members", "Kemensos PKH rules: at most four components", ge=0, le=20
    )
    schooling_condition: bool = param(
        True, "switch", "Kemensos PKH rules: >= 85% school attendance"
    )


class Bpnt(Section):
    """BPNT / Sembako food assistance."""

    enabled: bool = param(
        True, "switch", "assumption: runs in every scenario (already in Susenas consumption)"
    )
    coverage: float = param(
        0.269, "share of households", "~18.8 M of ~70 M families (Kemensos 2024)", ge=0, le=1
    )
    benefit: float = param(
        200_000.0, "rupiah per household per month", "Kemensos: Rp 200,000 a month", ge=0
    )


class PbiJkn(Section):
    """PBI-JKN: health-insurance premiums paid by the state."""

    enabled: bool = param(
        True, "switch", "assumption: runs in every scenario (already in Susenas consumption)"
    )
    coverage: float = param(
        0.344,
        "share of persons",
        "96.8 M beneficiaries of ~281 M persons (BPJS Kesehatan 2024)",
        ge=0,
        le=1,
    )


class Government(Section):
    """Background programmes (already in Susenas consumption) and the registry."""

    registry: Registry = Registry()
    pkh: Pkh = Pkh()
    bpnt: Bpnt = Bpnt()
    pbi_jkn: PbiJkn = PbiJkn()

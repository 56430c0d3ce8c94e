"""Shared fixtures: small, fast scenarios."""

from __future__ import annotations

import pytest

import sim


def small(households: int = 5_000, months: int = 12, **overrides):
    """The no_programs scenario at a small size with dotted overrides."""
    ov = {"population.households": households, "months": months}
    ov.update(overrides)
    return sim.load_scenario("no_programs", overrides=ov)


QUIET = {
    "shocks.enabled": False,
    "health.enabled": False,
    "demography.enabled": False,
    "income.growth_annual": 0.0,
    "poverty_line.real_drift_annual": 0.0,
    "government.registry.update_months": 10_000,  # no registry re-surveys (they are noisy)
    "measurement.as_surveyed": False,  # true consumption: a fresh survey error is noise
}


@pytest.fixture(scope="session")
def baseline_run():
    """A 24-month no_programs run at 20,000 households (shared by several tests)."""
    return sim.PovertyModel(small(20_000, 24), rng=3).run()

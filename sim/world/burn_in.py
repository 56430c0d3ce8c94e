"""The starting population as a stochastic steady state: the household world's burn-in.

A drawn population (``sim.world.synthesis``) starts with every household at its permanent
income: no transitory deviation, no illness in progress, a registry surveyed the same day,
household sizes as drawn. The model's own shocks, illnesses, demography and government
programmes would spread it within a year. The burn-in runs those household dynamics for
``population.burn_in_months`` months before month 0, with zero growth, the March 2024 lines, no
NGO or business programme, and random streams of its own (``Streams.prefixed("burn-in/")``, so
no burn-in month shares a draw with a month of the run). Month 0 is the state it reaches: the
ergodic distribution of the dynamics around the fitted consumption potential. The potential's
distribution (``calibration.urban``, ``calibration.rural`` with their ``correction``) is fitted
so that consumption *as a survey measures it* at month 0 is BPS March 2024's
(``sim.analysis.potential``).
"""

from __future__ import annotations

import numpy as np

from sim import dynamics
from sim.dynamics.subdistricts import SubdistrictState
from sim.programs import Effects
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.government import government_month
from sim.world.households import Households
from sim.world.lines import poverty_lines

PREFIX = "burn-in/"
"""Prefix of the burn-in's stream names."""


def burn_in(sc: Scenario, hh: Households, streams: Streams) -> SubdistrictState:
    """Run the household dynamics ``population.burn_in_months`` months before month 0.

    Args:
        sc: The scenario (its growth is ignored here: the burn-in has none).
        hh: The drawn households, advanced in place.
        streams: The run's streams (the burn-in draws from their ``burn-in/`` names).

    Returns:
        The sub-districts' state at month 0 (covariate shocks in progress).
    """
    months = sc.population.burn_in_months
    state = SubdistrictState.empty(sc)
    if months == 0:
        return state
    still = sc.model_copy(update={"income": sc.income.model_copy(update={"growth_annual": 0.0})})
    s = streams.prefixed(PREFIX)
    lines = poverty_lines(sc, hh.urban)
    none = Effects.none(hh.n)  # no NGO or business programme; read, never written
    no_injection = np.zeros(sc.population.subdistricts)
    # the burn-in's last month has month 0's calendar month (a multiple of 12)
    first = (-months) % 12 + 1
    for b in range(first, first + months):
        hh.insured[:] = hh.pbi | hh.jkn_contributory
        shocks = dynamics.draw_shocks(still, hh, state, s, b)
        illness = dynamics.fall_ill(still, hh, s, b)
        income = dynamics.earn(
            still, hh, state, b, shocks, none.asset_return, none.cash, no_injection
        )
        disposable, permanent = dynamics.spend(
            still, hh, income, illness, cash=none.cash, oop_factor=none.oop_factor,
            new_assets=none.assets, new_skill=none.skill,
        )  # fmt: skip
        del shocks, illness, income
        dynamics.consume_and_save(still, hh, permanent, disposable, lines)
        del disposable, permanent
        dynamics.demography(still, hh, s, b)
        dynamics.schooling(still, hh, s, b, dynamics.schooling_condition(still, hh))
        government_month(still, hh, s, b)
    hh.months_out[:] = -1
    return state

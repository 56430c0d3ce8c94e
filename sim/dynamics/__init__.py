"""Household mechanisms, one a file: shocks, health, income, budget, consumption, demography.

Each mechanism is a small function over the household arrays (``sim.world.households.Households``)
with its parameters in a scenario section. The monthly order is written once, in
``sim.model.PovertyModel.step``, which calls the mechanisms re-exported here. Money is rupiah
per month at March 2024 prices.

* :mod:`~sim.dynamics.shocks`: persistent (AR(1)), transitory and covariate earnings shocks,
  the harvest season, the calendar.
* :mod:`~sim.dynamics.health`: illnesses, out-of-pocket costs, lost earnings.
* :mod:`~sim.dynamics.income`: permanent labour earnings, growth, the month's earnings.
* :mod:`~sim.dynamics.assets`: the two technologies (Carter & Barrett 2006), asset income,
  drift and the tipping point.
* :mod:`~sim.dynamics.spillovers`: local GDP and the spillover of injected money (Egger et al.
  2022); :mod:`~sim.dynamics.subdistricts`: the state kept per sub-district.
* :mod:`~sim.dynamics.budget`: investment, disposable and permanent income, assets and skill.
* :mod:`~sim.dynamics.consumption`: buffer-stock consumption with distress sales (Deaton 1991;
  Carroll 1997).
* :mod:`~sim.dynamics.demography`: ageing, births, deaths, adults leaving.
* :mod:`~sim.dynamics.schooling`: enrolment, a month of schooling, tutoring.
* :mod:`~sim.dynamics.steady_state`: the starting population as a steady state (set-up).

Hot mechanisms run as compiled kernels registered with their numpy references
(``sim.kernels``): the two give the same arrays bit for bit (``tests/test_kernels.py``,
``tests/test_accel_dynamics.py``): the same random numbers from the same streams, float32
arithmetic in float32 in numpy's order, int8 arithmetic wrapping as numpy's, numpy's choice of
operand in maximum/minimum (:mod:`~sim.dynamics.elementwise`), and every exp, log and power
still computed by numpy.
"""

from sim.dynamics.assets import asset_drift, asset_income, asset_threshold, high_tech_income
from sim.dynamics.budget import budget
from sim.dynamics.consumption import consume_and_save
from sim.dynamics.demography import demography
from sim.dynamics.health import expected_health_cost, health_shocks
from sim.dynamics.income import earnings, growth_factor, permanent_labour
from sim.dynamics.month import Illness, Income, Shocks, draw_shocks, earn, fall_ill, spend
from sim.dynamics.schooling import enrolment_probability, schooling, schooling_condition, tutoring
from sim.dynamics.shocks import (
    calendar_month,
    covariate_shocks,
    harvest_factor,
    persistent_shocks,
    shock_factor,
    transitory_factor,
)
from sim.dynamics.spillovers import local_gdp, spillover_factor
from sim.dynamics.steady_state import back_out_incomes, upper_steady_state
from sim.dynamics.subdistricts import SubdistrictState

__all__ = [
    "Illness",
    "Income",
    "Shocks",
    "draw_shocks",
    "earn",
    "fall_ill",
    "spend",
    "SubdistrictState",
    "asset_drift",
    "asset_income",
    "asset_threshold",
    "back_out_incomes",
    "budget",
    "calendar_month",
    "consume_and_save",
    "covariate_shocks",
    "demography",
    "earnings",
    "enrolment_probability",
    "expected_health_cost",
    "growth_factor",
    "harvest_factor",
    "health_shocks",
    "high_tech_income",
    "local_gdp",
    "permanent_labour",
    "persistent_shocks",
    "schooling",
    "schooling_condition",
    "shock_factor",
    "spillover_factor",
    "transitory_factor",
    "tutoring",
    "upper_steady_state",
]

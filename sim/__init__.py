"""Sinergi: agent-based simulation of poverty-alleviation coalition strategies.

Public entry points:

* ``load_scenario(name_or_path, overrides=None)``: a validated scenario.
* ``PovertyModel(scenario, rng=seed)``: a Mesa model of a district's households;
  ``.run()``, ``.timeseries()``.
* ``value_for_money(model, baseline)``: paired comparison with the same-seed baseline.
* ``run_batch(...)`` / ``load_results(folder)``: scenario batches on disk (``run_scenarios.py``).
* ``run_trial(program, design=...)``: an in-silico randomised trial (``sim.analysis.trial``).
* ``sim.metrics``: FGT, Watts, Gini, Alkire-Foster.
"""

from sim.analysis.trial import run_trial
from sim.batch import load_results, run_batch
from sim.model import PovertyModel, value_for_money
from sim.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "PovertyModel",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_results",
    "load_scenario",
    "run_batch",
    "run_trial",
    "value_for_money",
]
__version__ = "0.2.0"

from sim import accel as _accel  # noqa: E402

_accel.warm_up()  # load the compiled kernels now, not in a run's first month (sim.accel)

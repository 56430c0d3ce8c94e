"""Sinergi: agent-based simulation of poverty-alleviation coalition strategies.

Public entry points. ``import sim`` defines the model and the scenario and does nothing else:
no kernel is loaded, no model built, no process setting changed (that is ``prepare()``, which
the first model built in a process calls); batches, trials and the report are imported when
first used.

* ``load_scenario(name_or_path, overrides=None)``: a validated scenario (``sim.scenario``).
* ``PovertyModel(scenario, rng=seed)``: a Mesa model of a district's households
  (``sim.model``); ``.run()``, ``.timeseries()``.
* ``value_for_money(model, baseline)``: paired comparison with the same-seed baseline.
* ``run_batch(...)`` / ``load_results(folder)``: scenario batches on disk (``run_scenarios.py``).
* ``run_national(scenario, seed, ...)``: the nation as its 38 provinces, national figures exact
  (``sim.regions.national``; ``region = "INDONESIA (by province)"``).
* ``run_trial(program, design=...)``: an in-silico randomised trial (``sim.analysis.trial``).
* ``attribute(scenario, reference, ...)``: what in a scenario pays, as exact Shapley shares
  over the mechanisms of cooperation (``sim.analysis.attribution``).
* ``regions()``: every province and kabupaten/kota with its BPS figures and fit residuals
  (``sim.regions``; ``load_scenario(name, overrides={"region": "NTT"})`` runs in one).
* ``sim.measures``: FGT, Watts, Gini, Alkire-Foster, value for money (``sim.metrics``, its
  0.1 name, still works: scripts written against the foundation keep running).
* ``prepare()``: load the compiled kernels and set the process up for large runs
  (``sim.kernels.prepare``; the first model built in a process calls it).

The folders are the architecture: ``docs/architecture.md``.
"""

from __future__ import annotations

import importlib
from typing import Any

from sim import measures
from sim.kernels import prepare
from sim.measures import value_for_money
from sim.model import PovertyModel
from sim.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.6.0"

metrics = measures
"""0.1's name of :mod:`sim.measures` (``from sim import metrics``)."""

#: Public names loaded on first use (PEP 562): what only some paths need.
_PUBLIC = {
    "attribute": "sim.analysis.attribution",
    "load_results": "sim.batch",
    "regions": "sim",
    "run_batch": "sim.batch",
    "run_national": "sim.regions.national",
    "run_trial": "sim.analysis.trial",
}

__all__ = [
    "PovertyModel",
    "Scenario",
    "ScenarioError",
    "__version__",
    "attribute",
    "load_results",
    "load_scenario",
    "prepare",
    "regions",
    "run_batch",
    "run_national",
    "run_trial",
    "value_for_money",
]


def __getattr__(name: str) -> Any:
    """Load a public name's module when the name is first used."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    if module == "sim":  # a subpackage (sim.regions: callable, the table of regions)
        value = importlib.import_module(f"sim.{name}")
    else:
        value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])

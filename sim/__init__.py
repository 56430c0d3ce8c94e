"""Sinergi: agent-based simulation of poverty-alleviation coalition strategies.

Public entry points (imported when first used: ``import sim`` itself loads nothing heavy):

* ``load_scenario(name_or_path, overrides=None)``: a validated scenario (``sim.scenario``).
* ``PovertyModel(scenario, rng=seed)``: a Mesa model of a district's households
  (``sim.model``); ``.run()``, ``.timeseries()``.
* ``value_for_money(model, baseline)``: paired comparison with the same-seed baseline.
* ``run_batch(...)`` / ``load_results(folder)``: scenario batches on disk (``run_scenarios.py``).
* ``run_trial(program, design=...)``: an in-silico randomised trial (``sim.analysis.trial``).
* ``sim.measures``: FGT, Watts, Gini, Alkire-Foster, value for money.
* ``prepare()``: load the compiled kernels and set the process up for large runs
  (``sim.kernels.prepare``; the first model built in a process calls it).

The folders are the architecture: ``docs/architecture.md``.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

#: Public name -> module that defines it (loaded on first use, PEP 562).
_PUBLIC = {
    "PovertyModel": "sim.model",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "load_scenario": "sim.scenario",
    "load_results": "sim.batch",
    "run_batch": "sim.batch",
    "run_trial": "sim.analysis.trial",
    "value_for_money": "sim.measures",
    "prepare": "sim.kernels",
}

__all__ = sorted([*_PUBLIC, "__version__"])


def __getattr__(name: str) -> Any:
    """Load a public name's module when the name is first used."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])

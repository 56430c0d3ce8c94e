"""The scenario: schema by section (unit, source, range), files, inheritance, messages.

A scenario is a TOML file in ``scenarios/``; every parameter of a run is declared once in the
schema with its default, unit and source (``param``), and presets such as ``indonesia_2024``
are named sets of these values, not a second home for parameters. The files:

- ``base``: ``param()``, the ``Section`` base class and ``ScenarioError``;
- ``population``, ``household``, ``demography``, ``government``, ``programmes``, ``actors``,
  ``cooperation``: the sections of the schema by theme; ``schema``: the root ``Scenario``;
- ``files``: finding and reading scenario files (folders, ``extends``, overrides);
- ``validation``: validation with one-line messages; ``loading``: ``load_scenario``;
- ``uncertainty``: the parameters with a range; ``reference``: ``docs/parameters.md``
  (``python -m sim.scenario > docs/parameters.md``).

The names other layers use are re-exported here.
"""

from sim.scenario.actors import Business, Donors, Institution
from sim.scenario.base import ScenarioError, Section, param
from sim.scenario.files import (
    PACKAGE_SCENARIOS,
    available_scenarios,
    deep_merge,
    overrides_to_tree,
    resolve_scenario_path,
    scenario_dirs,
)
from sim.scenario.loading import load_scenario
from sim.scenario.programmes import ProgrammeCommon, ProgrammeKind, Theme
from sim.scenario.reference import parameter_table_markdown
from sim.scenario.schema import SCHEMA_VERSION, Scenario
from sim.scenario.uncertainty import uncertain_parameters
from sim.scenario.validation import validate_scenario

__all__ = [
    "PACKAGE_SCENARIOS",
    "SCHEMA_VERSION",
    "Business",
    "Donors",
    "Institution",
    "ProgrammeCommon",
    "ProgrammeKind",
    "Scenario",
    "ScenarioError",
    "Section",
    "Theme",
    "available_scenarios",
    "deep_merge",
    "load_scenario",
    "overrides_to_tree",
    "parameter_table_markdown",
    "param",
    "resolve_scenario_path",
    "scenario_dirs",
    "uncertain_parameters",
    "validate_scenario",
]

"""What the explorer's controls set: a scenario, a region and the settings on top of them.

A region's preset is loaded with ``load_scenario(preset, overrides={"region": REGION, ...})``;
the controls show the loaded scenario's own values (:func:`shown`), so choosing a scenario or a
region shows its settings at once, and a control the planner moves becomes an override
(:attr:`Settings.overrides`) until the next scenario or region is chosen.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Any

from sim.model import PovertyModel
from sim.regions.catalogue import NATION, catalogue
from sim.scenario import Scenario, available_scenarios, load_scenario

PRESETS = tuple(available_scenarios())
"""The scenarios in the menu (``scenarios/*.toml``)."""

SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "giving": ("donors.giving", 0.0, 40_000_000.0, 500_000.0),
    "coordination_cost": ("cooperation.alliance.coordination_cost", 0.0, 200_000.0, 5_000.0),
    "trust_threshold": ("cooperation.trust.threshold", 0.0, 1.0, 0.05),
    "transparency_multiplier": ("cooperation.trust.transparency_multiplier", 0.0, 2.0, 0.05),
    "awareness_effect": ("cooperation.pool.awareness_effect", 0.0, 1.0, 0.05),
    "donor_elasticity": ("donors.elasticity", 0.0, 1.0, 0.05),
    "learning_rate": ("cooperation.knowledge.learning_rate", 0.0, 1.0, 0.05),
}
"""Slider key -> (scenario field, min, max, step) in the field's own unit (the schema's)."""

SWITCHES: dict[str, tuple[tuple[str, Any, Any], ...]] = {
    "pooled_funding": (("cooperation.funding", "pooled", "competitive"),),
    "thematic_alliance": (("cooperation.alliance_enabled", True, False),),
    "knowledge_exchange": (("cooperation.knowledge_enabled", True, False),),
    "monitoring": (("cooperation.monitoring_enabled", True, False),),
    "partnership": (
        ("cooperation.partnership.government", True, False),
        ("cooperation.partnership.business", True, False),
    ),
}
"""Switch key -> (scenario field, value when on, value when off) for each field it sets."""

INFORMATION = ("private", "theme", "coalition", "registry")
"""Whose beneficiary lists an institution sees (``cooperation.information``)."""

HOUSEHOLDS = (1_000, 20_000, 1_000)
"""Households simulated: min, max, step (small, so that a month takes milliseconds)."""
MONTHS = (12, 240, 12)
"""Horizon in months: min, max, step."""


@dataclass(frozen=True)
class Settings:
    """Everything the controls set.

    Attributes:
        preset: Scenario name (:data:`PRESETS`).
        region: A region of :func:`sim.regions.catalogue.catalogue` (``INDONESIA`` by default).
        households: Households simulated.
        months: Horizon in months; the run stops there.
        seed: Random seed.
        overrides: Control key (:data:`SLIDERS`, :data:`SWITCHES`, ``information``) -> value,
            for the controls moved since the scenario or region was chosen.
    """

    preset: str = "competition"
    region: str = NATION
    households: int = 5_000
    months: int = 120
    seed: int = 42
    overrides: tuple[tuple[str, Any], ...] = field(default=())

    def with_control(self, key: str, value: Any) -> Settings:
        """These settings with one control moved (a scenario or region clears the overrides)."""
        if key in ("preset", "region"):
            return replace(self, **{key: value}, overrides=())
        if key in ("households", "months", "seed"):
            if int(value) < 0:
                raise ValueError(f"{key}: {value} is refused (allowed: 0 or more)")
            return replace(self, **{key: int(value)})
        if key not in SLIDERS and key not in SWITCHES and key != "information":
            raise TypeError(f"unknown explorer setting {key!r}")
        moved = dict(self.overrides)
        moved[key] = value
        return replace(self, overrides=tuple(sorted(moved.items())))


def _field(scenario: Scenario, path: str) -> Any:
    value: Any = scenario
    for part in path.split("."):
        value = getattr(value, part)
    return value


def scenario_overrides(settings: Settings) -> dict[str, Any]:
    """The ``load_scenario`` overrides of ``settings`` (dotted field -> value)."""
    out: dict[str, Any] = {
        "region": settings.region,
        "population.households": int(settings.households),
        "months": int(settings.months),
    }
    for key, value in settings.overrides:
        if key in SLIDERS:
            out[SLIDERS[key][0]] = float(value)
        elif key in SWITCHES:
            out.update({path: on if value else off for path, on, off in SWITCHES[key]})
        elif key == "information":
            out["cooperation.information"] = str(value)
        else:
            raise TypeError(f"unknown explorer setting {key!r}")
    return out


@functools.lru_cache(maxsize=64)
def explorer_scenario(settings: Settings) -> Scenario:
    """The scenario an explorer run uses: the preset in the region, the settings on top.

    Args:
        settings: The controls' settings.

    Returns:
        The validated scenario (``ScenarioError`` for a value the schema refuses).
    """
    return load_scenario(settings.preset, overrides=scenario_overrides(settings))


def shown(scenario: Scenario, key: str) -> Any:
    """The value a control shows for ``scenario``: a slider's number, a switch's on/off.

    Args:
        scenario: The scenario the run uses.
        key: A key of :data:`SLIDERS` or :data:`SWITCHES`, or ``information``.

    Returns:
        The slider's value (float), whether the switch is on (bool), or the information.
    """
    if key in SLIDERS:
        return float(_field(scenario, SLIDERS[key][0]))
    if key in SWITCHES:
        return all(_field(scenario, path) == on for path, on, _ in SWITCHES[key])
    if key == "information":
        return str(scenario.cooperation.information)
    raise TypeError(f"unknown explorer setting {key!r}")


class ExplorerModel(PovertyModel):
    """``PovertyModel`` of an explorer run: it stops at the horizon.

    Args:
        settings: The controls' settings.
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__(explorer_scenario(settings), rng=int(settings.seed))
        self.settings = settings

    def step(self) -> None:
        """Advance one month; ``running`` turns False at the horizon."""
        super().step()
        self.running = self.month < self.config.months


def provinces() -> list[str]:
    """The nation and the 38 provinces, as the region menu lists them (BPS order)."""
    return [NATION] + [r.name for r in catalogue() if r.level == "province"]


def districts(province: str) -> list[str]:
    """The kabupaten/kota of ``province`` (canonical names ``"District, PROVINCE"``)."""
    return [r.name for r in catalogue() if r.level == "district" and r.province == province]


def province_of(region: str) -> str:
    """The province a region lies in (the nation for ``INDONESIA``)."""
    for r in catalogue():
        if r.name == region:
            return r.province or r.name
    raise KeyError(f"unknown region {region!r}")


def region_name(region: str) -> str:
    """A region as the page names it: ``"Kota Kupang"``, ``"NUSA TENGGARA TIMUR"``."""
    for r in catalogue():
        if r.name == region:
            return r.district or r.name
    return region

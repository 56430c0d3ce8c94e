"""``load_scenario``: find, read, merge, override and validate a scenario."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from sim.scenario.base import ScenarioError
from sim.scenario.files import (
    check_layer,
    deep_merge,
    overrides_to_tree,
    read_toml,
    read_with_parents,
    resolve_scenario_path,
)
from sim.scenario.schema import Scenario
from sim.scenario.validation import check_finite, validate_scenario


def load_scenario(
    name_or_path: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None
) -> Scenario:
    """Load, merge, override and validate a scenario.

    Args:
        name_or_path: A name in ``scenarios/`` (or ``scenarios/presets/``) or a path to a TOML
            file.
        overrides: Dotted field paths mapped to values, validated like the file, e.g.
            ``{"population.households": 100_000, "months": 12}``; merged like an extending
            file (the roster by name unless ``institutions_replace`` is true, an amount's
            absolute form replacing its per-1,000 form).

    Returns:
        The validated :class:`Scenario`.

    Raises:
        ScenarioError: One line naming the file, the field and what is allowed.
    """
    path = resolve_scenario_path(name_or_path)
    data = read_with_parents(path)
    data.setdefault("name", path.stem)
    source = str(path)
    check_finite(data, source)
    tree = overrides_to_tree(overrides) if overrides else {}
    if tree:
        check_finite(tree, "overrides")
        check_layer(tree, "overrides")
    if "region" in tree or "region" in data:
        where = "overrides" if "region" in tree else source
        region, preset = region_preset(tree.get("region", data.get("region")), where)
        if preset:
            # the file alone first, so that its own errors name the file, not the region
            validate_scenario({**data, "region": region}, source, partial=True)
            data = deep_merge(data, preset)
            source = f"{source} in region {region}"
        data["region"] = region
        tree.pop("region", None)
    if tree:
        # the file alone first, so that its own errors name the file without "with overrides"
        validate_scenario(data, source, partial=True)
        data = deep_merge(data, tree)
        source = f"{source} with overrides"
    return validate_scenario(data, source)


def region_preset(text: Any, where: str) -> tuple[str, dict[str, Any]]:
    """The canonical name of a region and its preset's content (empty for INDONESIA).

    Args:
        text: The region as written (a name or code).
        where: The file or ``overrides``, for messages.

    Returns:
        ``(canonical name, preset tables)``.

    Raises:
        ScenarioError: For an unknown region (naming the closest) or a region whose preset
            has not been fitted.
    """
    from sim.regions.catalogue import NATION_BY_PROVINCE, UnknownRegionError, resolve_region

    if not isinstance(text, str):
        raise ScenarioError(f"{where}: field 'region': must be a name or code, got {text!r}")
    try:
        region = resolve_region(text)
    except UnknownRegionError as exc:
        raise ScenarioError(f"{where}: field 'region': {exc}") from None
    if region.name == NATION_BY_PROVINCE:
        return region.name, _provinces_together()
    if region.preset is None:
        return region.name, {}
    if not region.preset.is_file():
        raise ScenarioError(
            f"{where}: field 'region': no preset for {region.name} at {region.preset} "
            f'(fit it: python -m sim.calibrate --region "{region.name}")'
        )
    return region.name, read_toml(region.preset)


def _provinces_together() -> dict[str, Any]:
    """The table of the nation by province: its real households, the provinces' together.

    So that an amount written in rupiah for the whole region (``sim.scenario.money``) is rupiah
    for the nation, which the provinces share in proportion to their households
    (``sim.regions.national``). Empty until every province has a preset with its households
    (a national run then names the missing one).
    """
    from sim.regions.catalogue import catalogue

    total = 0
    for region in catalogue():
        if region.level != "province":
            continue
        if region.preset is None or not region.preset.is_file():
            return {}
        value = (read_toml(region.preset).get("population") or {}).get("households_represented")
        if not isinstance(value, int) or value < 1:
            return {}
        total += value
    return {"population": {"households_represented": total}}

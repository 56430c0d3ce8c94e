"""``load_scenario``: find, read, merge, override and validate a scenario."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from sim.scenario.files import (
    deep_merge,
    overrides_to_tree,
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
            ``{"population.households": 100_000, "months": 12}``.

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
    if overrides:
        tree = overrides_to_tree(overrides)
        check_finite(tree, "overrides")
        # the file alone first, so that its own errors name the file without "with overrides"
        validate_scenario(data, source)
        data = deep_merge(data, tree)
        source = f"{path} with overrides"
    return validate_scenario(data, source)

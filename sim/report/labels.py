"""Human names of scenarios, metrics and units, in the report's languages.

The names are data: ``words/<lang>.labels.toml`` (merged into a language's words by
:mod:`sim.report.text`). A scenario id the files do not name (a user's own scenario) keeps its
id; a point of a sweep keeps its sweep values after the name, e.g. ``"Full synergy
(households=2000)"``. Every figure, table and sentence of the report names scenarios and
metrics through this module, never by their snake_case ids.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sim.report.text import t, words

_POINT = re.compile(r"^(?P<id>[^\s(]+)(?P<rest>\s+\(.*\))?$")
"""A point's label as the folder reader writes it: ``id`` or ``id (key=value, ...)``."""


def scenario_label(scenario: str, lang: str) -> str:
    """The human name of a scenario, or of a point's label ``"id (key=value, ...)"``.

    Args:
        scenario: A scenario id (``"full_synergy"``) or a point's label
            (``"full_synergy (households=2000)"``).
        lang: ``"en"`` or ``"id"``.

    Returns:
        E.g. ``"Full synergy"`` (``"Sinergi penuh"``); an id the label files do not name is
        returned as it is.
    """
    names: Mapping[str, str] = words(lang).get("scenarios", {})
    text = str(scenario)
    match = _POINT.match(text)
    if match is None or match["id"] not in names:
        return text
    return names[match["id"]] + (match["rest"] or "")


def point_label(point: Mapping[str, Any], keys: Sequence[str], lang: str) -> str:
    """A scenario point's name: the scenario's human name and its sweep values.

    Args:
        point: ``{key: value}`` of the point (``scenario`` first in ``keys``).
        keys: The columns that identify a point (``scenario`` and the swept fields).
        lang: ``"en"`` or ``"id"``.

    Returns:
        E.g. ``"Pooled funding"`` or ``"Pooled funding (households=2000)"``.
    """
    name = scenario_label(str(point[keys[0]]), lang)
    sweep = [f"{k}={point[k]}" for k in keys[1:]]
    return f"{name} ({', '.join(sweep)})" if sweep else name


def metric_label(metric: str, lang: str, short: bool = False) -> str:
    """The name of a metric of ``summary.csv``: ``p1`` -> "poverty gap index (P1)".

    Args:
        metric: The metric's column name (``p0``, ``p1``, ``p2``, ``watts``, ``mpi_m0``,
            ``gini``, ``coverage_poor``, ...).
        lang: ``"en"`` or ``"id"``.
        short: The short name a figure's panel or a table's column holds (``"P1 poverty
            gap"``).

    Returns:
        The name; a metric the label files do not name keeps its column name.
    """
    key = f"short_{metric}" if short else metric
    found = words(lang).get(key)
    return str(found) if isinstance(found, str) else metric


def parameter_unit(dotted: str, lang: str, default: str = "") -> str:
    """The unit of an uncertain parameter in ``lang`` (``[parameter_units]``), else ``default``.

    Args:
        dotted: The parameter's dotted path, e.g. ``"assets.trap_strength"``.
        lang: ``"en"`` or ``"id"``.
        default: What to return when the label files do not give its unit (the schema's).

    Returns:
        The unit's text.
    """
    units: Mapping[str, str] = words(lang).get("parameter_units", {})
    return str(units.get(dotted, default))


def join_names(names: Sequence[str], lang: str) -> str:
    """Names joined as a sentence lists them: ``"A, B and C"`` (``"A, B dan C"``).

    Args:
        names: The names, in order.
        lang: ``"en"`` or ``"id"``.

    Returns:
        The list as text (empty for no names).
    """
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t('and', lang)} {names[-1]}"

"""Finding and reading scenario files: folders, names, inheritance (``extends``), overrides.

A scenario is a TOML file in ``scenarios/``. It may ``extends`` another scenario or preset (a
name looked up in ``scenarios/`` and ``scenarios/presets/``, or a path relative to the extending
file); tables merge field by field and lists are replaced, except the roster: ``institutions``
merge by ``name`` (an entry with a known name updates that institution field by field, a new
name is appended) unless the extending file (or override) sets ``institutions_replace = true``,
whose roster then replaces the inherited one. Writing one form of an amount (``budget`` per
1,000 households or ``budget_rp`` for the region, ``sim.scenario.money``) replaces the other
form inherited.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.scenario.base import ScenarioError

PACKAGE_SCENARIOS = Path(__file__).resolve().parent.parent.parent / "scenarios"
"""The project's own ``scenarios/`` folder (at the top of the repository)."""


def scenario_dirs() -> list[Path]:
    """Folders searched for scenario names, in order.

    ``$SINERGI_SCENARIOS`` (if set), ``./scenarios`` and the project's own ``scenarios/``.
    """
    dirs = []
    if os.environ.get("SINERGI_SCENARIOS"):
        dirs.append(Path(os.environ["SINERGI_SCENARIOS"]))
    dirs.append(Path.cwd() / "scenarios")
    dirs.append(PACKAGE_SCENARIOS)
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in out:
            out.append(d.resolve())
    return out


def available_scenarios() -> list[str]:
    """Names of the scenarios (not presets) that can be loaded by name."""
    names: set[str] = set()
    for d in scenario_dirs():
        names.update(p.stem for p in d.glob("*.toml"))
    return sorted(names)


def resolve_scenario_path(
    name_or_path: str | os.PathLike[str], relative_to: Path | None = None
) -> Path:
    """Find the file of a scenario given by name or path.

    Args:
        name_or_path: A scenario name (``competition``), a preset name (``indonesia_2024``)
            or a path to a TOML file.
        relative_to: Folder against which a relative path is resolved (the extending file's).

    Returns:
        The absolute path of the TOML file.

    Raises:
        ScenarioError: When no such file exists.
    """
    text = str(name_or_path)
    looks_like_path = text.endswith(".toml") or os.sep in text or "/" in text
    if looks_like_path:
        candidates = [Path(text)]
        if relative_to is not None and not Path(text).is_absolute():
            candidates.insert(0, relative_to / text)
        for c in candidates:
            if c.is_file():
                return c.resolve()
        if not text.endswith(".toml"):
            for c in candidates:
                if c.with_suffix(".toml").is_file():
                    return c.with_suffix(".toml").resolve()
        raise ScenarioError(f"{text}: no such scenario file")
    for d in ([relative_to] if relative_to else []) + scenario_dirs():
        for sub in ("", "presets"):
            c = d / sub / f"{text}.toml"
            if c.is_file():
                return c.resolve()
    known = ", ".join(available_scenarios()) or "none"
    raise ScenarioError(
        f"{text}: unknown scenario (known: {known}; or give a path to a .toml file)"
    )


MAX_NESTING = 32
"""Deepest nesting of tables and arrays a scenario file may have (a scenario needs 4)."""


def read_toml(path: Path) -> dict[str, Any]:
    """Read one scenario file (no inheritance), refusing what is not UTF-8 TOML of sane depth.

    Args:
        path: The TOML file.

    Returns:
        Its content as nested dictionaries and lists.

    Raises:
        ScenarioError: When the file cannot be read, is not UTF-8 or valid TOML, or nests
            tables or arrays more than ``MAX_NESTING`` deep.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file (scenario files are TOML)") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:  # arrays or inline tables nested thousands deep
        raise ScenarioError(f"{path}: not valid TOML (nested too deeply)") from None
    except ValueError as exc:  # tomllib lets int()'s digit limit through (> 4,300 digits)
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:  # iteratively: the checks after this one recurse
        node, depth, where = stack.pop()
        if depth > MAX_NESTING:
            raise ScenarioError(
                f"{path}: field '{where}': tables or arrays nested more than {MAX_NESTING} deep"
            )
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend(
            (v, depth + 1, f"{where}.{k}" if where else str(k))
            for k, v in items
            if isinstance(v, (dict, list))
        )
    return data


ROSTER = "institutions"
"""The list that merges by ``name``."""
REPLACE_ROSTER = "institutions_replace"
"""Top-level switch of a file or override: its ``institutions`` replace the inherited roster."""


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``over`` into ``base``: tables merge field by field, the roster by name.

    Other values (and lists) are replaced; a value in ``over`` replaces the other form of the
    same amount in ``base`` (``budget`` and ``budget_rp``). The roster (``institutions``)
    merges by ``name`` (:func:`merge_roster`) unless ``over`` sets ``institutions_replace =
    true``; that switch is consumed here and never reaches the result.

    Args:
        base: The inherited content.
        over: The extending file's content, or an override tree.

    Returns:
        The merged content (``base`` and ``over`` are left unchanged).
    """
    replace = over.get(REPLACE_ROSTER) is True
    out = _merge(base, {k: v for k, v in over.items() if k != REPLACE_ROSTER})
    out.pop(REPLACE_ROSTER, None)
    if replace:
        out[ROSTER] = over.get(ROSTER, [])
    return out


ABSOLUTE_SUFFIXES = ("_rp_per_year", "_rp")
"""Endings of the absolute form of an amount (``budget_rp`` for ``budget``; sim.scenario.money)."""


def other_forms(key: Any) -> tuple[str, ...]:
    """The names of the other forms of the same amount (by the naming convention).

    ``budget_rp`` -> ``("budget",)``; ``budget`` -> ``("budget_rp", "budget_rp_per_year")``.
    """
    if not isinstance(key, str):
        return ()
    for suffix in ABSOLUTE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return (key[: -len(suffix)],)
    return tuple(key + suffix for suffix in ABSOLUTE_SUFFIXES)


def _merge(base: Mapping[str, Any], over: Mapping[str, Any], top: bool = True) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        for other in other_forms(key):
            if other not in over:
                out.pop(other, None)
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value, top=False)
        elif top and key == ROSTER and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = merge_roster(out[key], value)
        else:
            out[key] = value
    return out


def merge_roster(base: list[Any], over: list[Any]) -> list[Any]:
    """The inherited roster updated by name: known names field by field, new names appended.

    An entry of ``over`` whose ``name`` is not a string, or whose name ``over`` repeats, is
    appended as it is (validation then names what is wrong: a missing name, a duplicate).

    Args:
        base: The inherited roster (tables).
        over: The extending file's roster.

    Returns:
        The merged roster, in the inherited order with new entries at the end.
    """
    out = list(base)
    index = {
        item["name"]: k
        for k, item in enumerate(out)
        if isinstance(item, Mapping) and isinstance(item.get("name"), str)
    }
    names = [i.get("name") for i in over if isinstance(i, Mapping)]
    for item in over:
        name = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(name, str) and name in index and names.count(name) == 1:
            out[index[name]] = _merge(out[index[name]], item, top=False)
        else:
            out.append(item)
    return out


def check_layer(data: Mapping[str, Any], source: str) -> None:
    """Refuse what one file (or override tree) may not say, naming the file and field.

    Both forms of one amount in one table, a name twice in the roster, and an
    ``institutions_replace`` that is not true or false.

    Raises:
        ScenarioError: One line naming ``source`` and the field.
    """
    flag = data.get(REPLACE_ROSTER)
    if flag is not None and not isinstance(flag, bool):
        raise ScenarioError(
            f"{source}: field '{REPLACE_ROSTER}': must be true (this file's institutions "
            f"replace the inherited roster) or false (merge by name), got {flag!r}"
        )
    roster = data.get(ROSTER)
    if isinstance(roster, list):
        names = [i.get("name") for i in roster if isinstance(i, Mapping)]
        twice = sorted({n for n in names if isinstance(n, str) and names.count(n) > 1})
        if twice:
            raise ScenarioError(
                f"{source}: field '{ROSTER}': {', '.join(repr(n) for n in twice)} twice (one "
                "entry per name; an entry with an inherited name updates that institution)"
            )
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, where = stack.pop()
        items = node.items() if isinstance(node, Mapping) else enumerate(node)
        for key, value in items:
            dotted = f"{where}.{key}" if where else str(key)
            if isinstance(value, (Mapping, list)):
                stack.append((value, dotted))
            if not isinstance(node, Mapping) or not key.endswith(ABSOLUTE_SUFFIXES):
                continue
            (other,) = other_forms(key)
            if other in node:
                raise ScenarioError(
                    f"{source}: field '{dotted}': give one form of this amount, not both "
                    f"({other} per 1,000 households represented, or {key} in rupiah for the "
                    "whole region)"
                )


def read_with_parents(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a file and everything it extends, merged (the extending file wins)."""
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(f"{path}: field 'extends': cyclic inheritance ({cycle})")
    if len(chain) > 32:
        raise ScenarioError(f"{path}: field 'extends': inheritance deeper than 32 files")
    data = read_toml(path)
    if not data:
        raise ScenarioError(
            f"{path}: the file is empty: a scenario sets at least one field, e.g. "
            'extends = "competition" (the fields: docs/parameters.md)'
        )
    check_layer(data, str(path))
    parent = data.pop("extends", None)
    if parent is None:
        return deep_merge({}, data)  # consumes institutions_replace
    if not isinstance(parent, str) or not parent:
        raise ScenarioError(
            f"{path}: field 'extends': must be a scenario name or a path, got {parent!r}"
        )
    try:
        parent_path = resolve_scenario_path(parent, relative_to=path.parent)
    except ScenarioError as exc:
        raise ScenarioError(f"{path}: field 'extends': {exc}") from None
    return deep_merge(read_with_parents(parent_path, (*chain, path)), data)


def overrides_to_tree(overrides: Mapping[str, Any], source: str = "overrides") -> dict[str, Any]:
    """Turn ``{"population.households": 5}`` into ``{"population": {"households": 5}}``.

    Args:
        overrides: Dotted field paths mapped to values.
        source: Name used in error messages (a file, a flag).

    Returns:
        A nested dictionary.

    Raises:
        ScenarioError: When a key is empty or malformed.
    """
    tree: dict[str, Any] = {}
    for dotted, value in overrides.items():
        parts = str(dotted).split(".")
        if not all(parts):
            raise ScenarioError(f"{source}: field '{dotted}': not a dotted field path")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ScenarioError(f"{source}: field '{dotted}': conflicts with another override")
        node[parts[-1]] = value
    return tree

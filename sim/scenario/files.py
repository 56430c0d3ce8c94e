"""Finding and reading scenario files: folders, names, inheritance (``extends``), overrides.

A scenario is a TOML file in ``scenarios/``. It may ``extends`` another scenario or preset (a
name looked up in ``scenarios/`` and ``scenarios/presets/``, or a path relative to the extending
file); tables merge field by field and lists are replaced.
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


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``over`` into ``base``: tables merge field by field, everything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def read_with_parents(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a file and everything it extends, merged (the extending file wins)."""
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(f"{path}: field 'extends': cyclic inheritance ({cycle})")
    if len(chain) > 32:
        raise ScenarioError(f"{path}: field 'extends': inheritance deeper than 32 files")
    data = read_toml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
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

"""Values given on the command line: ``--set KEY=VALUE`` and ``--sweep KEY=V1,V2,...``."""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from typing import Any

import numpy as np

from sim.batch.errors import BatchInputError


def parse_value(text: str) -> Any:
    """A command-line value as a TOML literal (``400000.0``, ``true``, ``[1, 2]``), else a string.

    Args:
        text: The text after ``=``.

    Returns:
        The parsed value; text that is not a TOML literal is returned unchanged.
    """
    if "\n" not in text:
        with contextlib.suppress(tomllib.TOMLDecodeError):
            return tomllib.loads(f"v = {text}")["v"]
    return text


def parse_assignment(text: str, flag: str = "--set") -> tuple[str, Any]:
    """Parse ``KEY=VALUE`` with a dotted field path.

    Args:
        text: The argument.
        flag: The flag named in error messages.

    Returns:
        ``(key, value)`` with the value parsed by :func:`parse_value`.

    Raises:
        BatchInputError: When there is no ``=`` or the key is not a dotted path.
    """
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", key):
        raise BatchInputError(
            f"{flag} {text!r}: expected KEY=VALUE with a dotted field path "
            f"(e.g. {flag} government.bpnt.benefit=400000)"
        )
    return key, parse_value(value.strip())


def _split_top_level(text: str) -> list[str]:
    """Split at commas that are not inside brackets, braces or quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def parse_sweep(text: str) -> tuple[str, list[Any]]:
    """Parse ``KEY=V1,V2,...`` (commas inside ``[...]`` or quotes do not split).

    Args:
        text: The argument of ``--sweep``.

    Returns:
        ``(key, values)``.

    Raises:
        BatchInputError: When the key, a value or the list is malformed or repeats a value.
    """
    try:
        key, _ = parse_assignment(text, "--sweep")
    except BatchInputError:
        raise BatchInputError(
            f"--sweep {text!r}: expected KEY=V1,V2,... with a dotted field path "
            "(e.g. --sweep government.bpnt.benefit=200000,400000)"
        ) from None
    value_text = text.partition("=")[2]
    pieces = _split_top_level(value_text)
    if not value_text.strip() or any(not p for p in pieces):
        raise BatchInputError(
            f"--sweep {text!r}: expected KEY=V1,V2,... with at least one value and no empty one"
        )
    values = [parse_value(p) for p in pieces]
    if len({json.dumps(v, sort_keys=True, default=str) for v in values}) != len(values):
        raise BatchInputError(f"--sweep {text!r}: a value is repeated")
    return key, values


def compact(value: Any) -> str:
    """A value as short text: a string as itself, anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def positive_int(value: Any, flag: str, allow_none: bool = True) -> int | None:
    """``value`` as a positive integer (None stays None when allowed).

    Raises:
        BatchInputError: When the value is not a positive integer (naming ``flag``).
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) < 1:
        raise BatchInputError(f"{flag}: must be a positive integer, got {value!r}")
    return int(value)

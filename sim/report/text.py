"""The report's words: TOML files per language in ``words/`` (``en.toml``, ``id.toml``).

A language's words are ``words/<lang>.toml`` merged with every ``words/<lang>.<part>.toml``
(e.g. ``en.labels.toml``), each part one concern; a key (or a table's key) given twice is an
error.

Each file maps a key to a text with ``{placeholders}``; the ``[captions]`` table holds the
figure captions by figure and ``[parameters]`` the human names of the uncertain parameters by
dotted path. Every language has the same keys and the same placeholders (a test checks), so a
translator edits one file and touches no code.
"""

from __future__ import annotations

import string
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGS = ("en", "id")
"""Languages of the report: English and Bahasa Indonesia."""


def check_lang(lang: str) -> str:
    """``lang`` itself when it is one of :data:`LANGS`, else a ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


@cache
def words(lang: str) -> dict[str, Any]:
    """Every text of ``lang``, read once from its files in ``words/`` (package data).

    Args:
        lang: ``"en"`` or ``"id"``.

    Returns:
        Key to text; the tables ``captions`` and ``parameters`` map to dicts of texts.
    """
    folder = Path(__file__).with_name("words")
    lang = check_lang(lang)
    merged: dict[str, Any] = {}
    for path in [folder / f"{lang}.toml", *sorted(folder.glob(f"{lang}.*.toml"))]:
        _merge(merged, tomllib.loads(path.read_text(encoding="utf-8")), path.name)
    return merged


def _merge(into: dict[str, Any], part: dict[str, Any], source: str) -> None:
    """Add ``part`` to ``into`` (tables merged key by key); a key given twice is an error."""
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value, source)
        elif key in into:
            raise ValueError(f"sim/report/words/{source}: key {key!r} is given twice")
        else:
            into[key] = value


def t(key: str, lang: str, **kwargs: Any) -> str:
    """The text ``key`` in ``lang`` with ``kwargs`` filled in."""
    text: str = words(lang)[key]
    return text.format(**kwargs) if kwargs else text


def caption(stem: str, lang: str, **kwargs: Any) -> str:
    """The caption of the figure ``figures/<stem>.png`` in ``lang`` with ``kwargs`` filled in."""
    text = str(words(lang)["captions"][stem])
    return text.format(**kwargs) if kwargs else text


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a text expects, e.g. ``{"scen", "value"}``."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}

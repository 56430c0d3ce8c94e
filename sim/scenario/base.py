"""The building blocks of the scenario schema: ``param()``, ``Section`` and ``ScenarioError``.

Every scenario parameter is declared with ``param()``, which records its default, unit and
source (and, for uncertain parameters, a plausible range) in the field's JSON schema; every
section of the schema derives from ``Section``, which refuses unknown fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ScenarioError(ValueError):
    """A scenario file or override is malformed; the message is one line for the user."""

    def __init__(self, message: str) -> None:
        # one line even when a name or value quoted from the file holds a line break
        text = str(message)
        for ch, esc in (("\r", "\\r"), ("\n", "\\n"), ("\x0b", "\\v"), ("\x0c", "\\f")):
            text = text.replace(ch, esc)
        for ch in ("\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"):
            text = text.replace(ch, repr(ch)[1:-1])
        super().__init__(text)


def param(
    default: Any,
    unit: str,
    source: str,
    *,
    range: tuple[float, float] | None = None,  # noqa: A002 (the schema's word for it)
    range_source: str | None = None,
    **constraints: Any,
) -> Any:
    """Declare a scenario parameter with its unit and source.

    Args:
        default: Default value.
        unit: Unit of the value ("rupiah per month", "share", "per month", ...).
        source: Where the default comes from (paper, BPS table) or "assumption: ...".
        range: Plausible range ``(low, high)`` for uncertainty and sensitivity analysis
            (``sim.sensitivity``); stored as ``json_schema_extra["range"]``.
        range_source: Why that range (appended to the documented source).
        **constraints: pydantic constraints (ge, le, gt, lt, ...).

    Returns:
        A pydantic ``Field`` carrying ``unit`` and ``source`` (and ``range``) in its JSON schema.
    """
    extra: dict[str, Any] = {"unit": unit, "source": source}
    if range is not None:
        lo, hi = float(range[0]), float(range[1])
        if not lo < hi:
            raise ValueError(f"uncertainty range must have low < high, got {range}")
        extra["range"] = [lo, hi]
        extra["source"] = f"{source}; uncertainty range {lo:g}-{hi:g}" + (
            f" ({range_source})" if range_source else ""
        )
    return Field(default, json_schema_extra=extra, **constraints)


class Section(BaseModel):
    """Base of every scenario section: unknown fields are errors, values are checked on set."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

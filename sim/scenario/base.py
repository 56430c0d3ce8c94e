"""The building blocks of the scenario schema: ``param()``, ``Section`` and the errors.

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


class FieldError(ValueError):
    """A validator's complaint about one field, which the one-line message names.

    Raised inside the schema's validators (pydantic wraps it); ``validate_scenario`` reads
    ``field`` back so that the message names the field, not the top level.

    Attributes:
        field: Dotted path of the field (``institutions.0.budget_rp``).
        detail: What is wrong and what is allowed.
    """

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


def param(
    default: Any,
    unit: str,
    source: str,
    *,
    range: tuple[float, float] | None = None,  # noqa: A002 (the schema's word for it)
    range_source: str | None = None,
    absolute: tuple[str, float | str] | None = None,
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
        absolute: For an amount per 1,000 households represented, its absolute form for the
            whole region and how often the amount occurs a year: ``(name, per_year)``, the
            name ending ``_rp_per_year`` (rupiah a year, for an amount per month) or ``_rp``
            (rupiah, for an opening balance or a cost per event); ``per_year`` is a number
            (12 a month, 1 for an opening balance, counted once) or the dotted path of a
            "months between" field. Stored as ``json_schema_extra["absolute"]``; converted at
            validation (``sim.scenario.money``).
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
    if absolute is not None:
        name, per_year = absolute
        if not name.endswith(("_rp", "_rp_per_year")):
            raise ValueError(f"absolute form {name!r} must end with _rp or _rp_per_year")
        extra["absolute"] = {"name": name, "per_year": per_year}
    return Field(default, json_schema_extra=extra, **constraints)


class Section(BaseModel):
    """Base of every scenario section: unknown fields are errors, values are checked on set."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

"""Validation of a merged scenario, with one-line messages naming the file, field and rule."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.base import FieldError, ScenarioError
from sim.scenario.schema import PARTIAL, Scenario


def _allowed(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """List the fields allowed at ``loc`` (for unknown-field messages)."""
    cls: Any = model_cls
    for part in loc[:-1]:
        field = cls.model_fields.get(part) if hasattr(cls, "model_fields") else None
        if field is None:
            return ""
        cls = field.annotation
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            return ""
    return ", ".join(cls.model_fields)


def _describe_error(err: Mapping[str, Any], cls: type[BaseModel], data: Mapping[str, Any]) -> str:
    loc = tuple(err.get("loc", ()))
    field = ".".join(str(p) for p in loc) or "(top level)"
    kind = err.get("type", "")
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):  # a validator that names its field (sim.scenario.money)
        where = ".".join([*(str(p) for p in loc), cause.field])
        return f"field '{where}': {cause.detail}"
    if kind == "extra_forbidden":
        allowed = _allowed(cls, loc)
        return f"field '{field}': unknown field (allowed here: {allowed})"
    got = err.get("input")
    got_text = repr(got) if not isinstance(got, Mapping) else "a table"
    if len(got_text) > 60:
        got_text = got_text[:57] + "..."
    msg = str(err.get("msg", "invalid")).replace("Value error, ", "")
    if kind == "model_type" or kind == "dict_type":
        msg = "must be a table of fields"
    return f"field '{field}': {msg} (got {got_text})"


def validate_scenario(data: Mapping[str, Any], source: str, partial: bool = False) -> Scenario:
    """Validate a merged raw scenario and turn errors into one line.

    Args:
        data: The merged TOML content (``extends`` already resolved).
        source: The file (or other origin) named in error messages.
        partial: The file before its region's preset or the overrides are merged (checked
            alone so that its errors name it): the bound on money, which depends on the
            households represented in the end, is left to the whole.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: With the file, the first offending field and what is allowed.
    """
    try:
        return Scenario.model_validate(data, context={PARTIAL: True} if partial else None)
    except ValidationError as exc:
        errors = exc.errors()
        first = _describe_error(errors[0], Scenario, data)
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ScenarioError(f"{source}: {first}{more}") from None


MAX_MAGNITUDE = 1e15
"""Largest magnitude of any number in a scenario (rupiah amounts are per 1,000 households).

Larger values (or infinities, which pass ``ge=0`` constraints) would overflow the run's
float32 household arrays or its ledger and silently give infinities; they are refused here.
"""


def check_finite(tree: Any, source: str, path: str = "") -> None:
    """Refuse NaN, infinities and absurd magnitudes anywhere (tables and lists alike)."""
    if isinstance(tree, Mapping):
        for k, v in tree.items():
            check_finite(v, source, f"{path}.{k}" if path else str(k))
    elif isinstance(tree, list):
        for k, v in enumerate(tree):
            check_finite(v, source, f"{path}.{k}")
    elif isinstance(tree, float) and not math.isfinite(tree):
        raise ScenarioError(f"{source}: field '{path}': must be a finite number (got {tree})")
    elif isinstance(tree, (int, float)) and not isinstance(tree, bool):
        if abs(tree) > MAX_MAGNITUDE:
            got = f"{tree:.3g}" if isinstance(tree, float) or abs(tree) < 10**30 else "> 1e30"
            raise ScenarioError(
                f"{source}: field '{path}': must be at most {MAX_MAGNITUDE:.0e} in magnitude "
                f"(got {got})"
            )

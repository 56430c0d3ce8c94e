"""The uncertain parameters: those declared with a range, for sensitivity and ``--uncertain``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sim.scenario.schema import Scenario


def uncertain_parameters(model_cls: type[BaseModel] | None = None) -> dict[str, dict[str, Any]]:
    """Parameters with an uncertainty range, by dotted path (sections walked recursively).

    Returns:
        ``{"assets.trap_strength": {"range": (0.0, 1.0), "default": 1.0, "unit": ...,
        "source": ...}, ...}`` for every field declared with ``param(..., range=...)``.
    """
    out: dict[str, dict[str, Any]] = {}

    def walk(cls: type[BaseModel], prefix: str) -> None:
        for name, info in cls.model_fields.items():
            ann = info.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, f"{prefix}{name}.")
                continue
            extra = info.json_schema_extra
            if isinstance(extra, dict) and "range" in extra:
                lo, hi = extra["range"]  # type: ignore[misc]
                out[f"{prefix}{name}"] = {
                    "range": (float(lo), float(hi)),
                    "default": info.default,
                    "unit": extra.get("unit", ""),
                    "source": extra.get("source", ""),
                }

    walk(model_cls or Scenario, "")
    return out

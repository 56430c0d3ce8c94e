"""The parameter reference: every scenario parameter with its default, unit and source.

``parameter_table_markdown()`` walks the scenario schema (``sim.scenario.Scenario``) and renders
one markdown table per section (dotted path, default, unit, source), using the defaults of the
bare schema. A second part lists the values the ``indonesia_2024`` and ``roster_2024`` presets
set (as loaded by the ``competition`` scenario) where they differ from the schema, and the
roster of institutions. The generated file is ``docs/parameters.md``::

    python -m sim.scenario > docs/parameters.md

A test (``tests/test_docs.py``) fails when the file is stale.
"""

from __future__ import annotations

import argparse
import sys
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario

PRESET_SCENARIO = "competition"
"""The scenario whose values show the presets: it extends roster_2024, which extends
indonesia_2024, and changes nothing else but its description."""

ROSTER_COLUMNS = (
    "name",
    "theme",
    "programme",
    "reach",
    "capacity",
    "budget",
    "practice_quality",
    "transparency",
    "targeting_noise",
    "overhead_share",
    "zakat_eligible",
    "mission",
)
"""Institution fields shown in the roster table, in order."""

SKIP_IN_DIFF = ("name", "description", "institutions")
"""Top-level fields left out of the list of preset values (the roster has its own table)."""


@dataclass(frozen=True)
class Row:
    """One parameter of a section table.

    Attributes:
        path: Dotted path of the field (``population.households``, ``institutions[].budget``).
        default: Default value in the bare schema (``None`` with ``required`` set).
        required: The field has no default (institution name, theme, programme).
        unit: Unit (with the allowed values of a choice).
        source: Where the default comes from.
        instead_of: For the absolute form of an amount (``budget_rp``), the per-1,000 field
            it replaces (``budget``); it has no default of its own.
    """

    path: str
    default: Any
    required: bool
    unit: str
    source: str
    instead_of: str = ""


@dataclass(frozen=True)
class Table:
    """The parameters of one section.

    Attributes:
        path: Dotted path of the section (empty for the top level).
        summary: First line of the section's docstring.
        rows: Its own (non-section) fields, in declaration order.
    """

    path: str
    summary: str
    rows: list[Row]


# --------------------------------------------------------------------------------------------
# Walking the schema
# --------------------------------------------------------------------------------------------


def _section_class(annotation: Any) -> type[BaseModel] | None:
    """The model class of a section field, or None for a plain parameter."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _list_item_class(annotation: Any) -> type[BaseModel] | None:
    """The model class of a ``list[Model]`` field (``institutions``), or None."""
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation) or (None,)
        return _section_class(item)
    return None


def _extra(info: FieldInfo, key: str) -> str:
    extra = info.json_schema_extra
    if isinstance(extra, dict):
        value = extra.get(key, "")
        return str(value) if value is not None else ""
    return ""


def _unit(info: FieldInfo) -> str:
    """The declared unit, with the allowed values of a ``Literal`` choice appended."""
    unit = _extra(info, "unit")
    if typing.get_origin(info.annotation) is typing.Literal:
        choices = " / ".join(str(a) for a in typing.get_args(info.annotation))
        unit = f"{unit} (one of: {choices})" if unit else f"one of: {choices}"
    return unit


def _summary(cls: type[BaseModel]) -> str:
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


def _field_default(info: FieldInfo) -> tuple[Any, bool]:
    """Default of a field from its declaration: (value, required)."""
    if info.default is not PydanticUndefined:
        return info.default, False
    if info.default_factory is not None:
        return info.default_factory(), False  # type: ignore[call-arg]
    return None, True


def _walk(
    cls: type[BaseModel], instance: BaseModel | None, path: str, summary: str
) -> Iterator[Table]:
    """Tables of a section and of every section below it, depth first.

    Args:
        cls: The section's model class.
        instance: The section's default instance (its values win over the class's field
            defaults: ``Calibration.rural`` differs from ``AreaDistribution()``), or None for
            list items, whose defaults are the field defaults.
        path: Dotted path of the section.
        summary: The sentence shown under the section's heading.
    """
    rows: list[Row] = []
    below: list[tuple[type[BaseModel], BaseModel | None, str, str]] = []
    for name, info in cls.model_fields.items():
        dotted = f"{path}.{name}" if path else name
        sub = _section_class(info.annotation)
        if sub is not None:
            value = getattr(instance, name) if instance is not None else None
            below.append((sub, value, dotted, _summary(sub)))
            continue
        if instance is not None:
            default, required = getattr(instance, name), False
        else:
            default, required = _field_default(info)
        rows.append(Row(dotted, default, required, _unit(info), _extra(info, "source")))
        rows += _absolute_rows(cls, name, path)
        item = _list_item_class(info.annotation)
        if item is not None:
            below.append((item, None, f"{dotted}[]", _summary(item)))
    yield Table(path, summary, rows)
    for sub, value, dotted, sub_summary in below:
        yield from _walk(sub, value, dotted, sub_summary)


def _absolute_rows(cls: type[BaseModel], name: str, path: str) -> list[Row]:
    """The row of a field's absolute form (``sim.scenario.money``), if it has one."""
    from sim.scenario.money import amounts

    rows = []
    for a in amounts(Scenario):
        item = f"{'.'.join(a.section)}[]" if a.in_list else ".".join(a.section)
        if a.field == name and item == path:
            dotted = f"{path}.{a.absolute}"
            rows.append(Row(dotted, None, False, a.absolute_unit(), a.absolute_source(), a.field))
    return rows


def schema_tables() -> list[Table]:
    """One table per section of the scenario schema, with the bare schema's defaults."""
    return [t for t in _walk(Scenario, Scenario(), "", _summary(Scenario)) if t.rows]


def _flatten(data: Any, path: str = "") -> dict[str, Any]:
    """Dotted paths of every leaf of a dumped scenario (lists and empty tables are leaves)."""
    if isinstance(data, dict) and data:
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{path}.{key}" if path else str(key)))
        return out
    return {path: data}


def preset_differences(scenario: Scenario) -> list[tuple[str, Any, Any]]:
    """Fields whose value in ``scenario`` differs from the bare schema's default.

    Returns:
        ``(dotted path, schema default, scenario value)`` in declaration order; the name,
        description and roster are left out.
    """
    base = _flatten(Scenario().model_dump(mode="python", exclude=set(SKIP_IN_DIFF)))
    new = _flatten(scenario.model_dump(mode="python", exclude=set(SKIP_IN_DIFF)))
    return [(path, base.get(path), value) for path, value in new.items() if base.get(path) != value]


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def format_value(value: Any) -> str:
    """A value as a TOML-like literal (``300_000``, ``0.96``, ``true``, ``"private"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:_}"
    if isinstance(value, float):
        return f"{value:_}"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {format_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    return str(value)


def format_reach(reach: list[int]) -> str:
    """Sub-district indices as ranges (``0-9, 12``); an empty list means all sub-districts."""
    if not reach:
        return "all"
    values = sorted(set(reach))
    parts: list[str] = []
    start = prev = values[0]
    for v in [*values[1:], None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        parts.append(f"{start}-{prev}" if prev > start else f"{start}")
        if v is not None:
            start = prev = v
    return ", ".join(parts)


def _text(value: str) -> str:
    """Plain text safe inside a markdown table cell."""
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").strip() or "-"


def _code(value: str) -> str:
    return f"`{value}`"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _schema_part() -> list[str]:
    out = [
        "## Schema defaults",
        "",
        "One table per section of `sim.scenario.Scenario`, in declaration order. Defaults are",
        "those of the bare schema (`Scenario()`); `institutions[]` are the fields of each entry",
        "of the roster list. Money is rupiah at March 2024 prices; amounts that scale with the",
        "population are per 1,000 households represented. The money a planner budgets may be",
        "written instead in rupiah for the whole region (`*_rp_per_year` for a monthly amount,",
        "`*_rp` for an opening balance or a cost per event; not both forms of one amount):",
        "validation converts it at the scenario's `population.households_represented` and",
        "records it in `converted_from_rupiah`. Any such amount whose yearly total exceeds",
        "a tenth of the region's household consumption is refused (`sim/scenario/money.py`).",
        "",
    ]
    for table in schema_tables():
        out.append(f"### {_code(table.path)}" if table.path else "### Top level")
        out.append("")
        if table.summary:
            out += [_text(table.summary), ""]
        rows = [
            (
                _code(r.path),
                f"(instead of {_code(r.instead_of)})"
                if r.instead_of
                else "(required)"
                if r.required
                else _code(format_value(r.default)),
                _text(r.unit),
                _text(r.source),
            )
            for r in table.rows
        ]
        out += _table(("parameter", "default", "unit", "source"), rows)
        out.append("")
    return out


def _preset_part() -> list[str]:
    sc = load_scenario(PRESET_SCENARIO)
    out = [
        "## Preset indonesia_2024 and roster_2024 values",
        "",
        f"As loaded by the `{PRESET_SCENARIO}` scenario (which extends `roster_2024`, which",
        "extends `indonesia_2024`). Fields whose value differs from the schema default:",
        "",
    ]
    rows = [
        (_code(path), _code(format_value(base)), _code(format_value(value)))
        for path, base, value in preset_differences(sc)
    ]
    out += _table(("parameter", "schema default", "preset value"), rows)
    out += [
        "",
        "### Roster (`roster_2024`)",
        "",
        "Reach lists sub-district indices (0-10 urban, 11-19 rural at the default 20",
        "sub-districts and 11 urban); `all` means every sub-district. Capacity is beneficiary",
        "households and budget the opening balance in rupiah, both per 1,000 households",
        "represented. Fields not shown take the `institutions[]` defaults above.",
        "",
    ]
    roster_rows = []
    for inst in sc.institutions:
        cells = []
        for col in ROSTER_COLUMNS:
            value = getattr(inst, col)
            if col == "reach":
                cells.append(format_reach(value))
            elif col in ("name", "theme", "programme"):
                cells.append(str(value))
            else:
                cells.append(format_value(value))
        roster_rows.append(tuple(cells))
    out += _table(ROSTER_COLUMNS, roster_rows)
    out.append("")
    return out


def parameter_table_markdown() -> str:
    """The parameter reference as markdown (the content of ``docs/parameters.md``).

    Returns:
        Markdown text ending with a newline: the schema's sections with default, unit and
        source of every parameter, then the preset values and the roster of institutions.
    """
    lines = [
        "# Scenario parameters",
        "",
        "Generated from `sim/scenario/` by `python -m sim.scenario > docs/parameters.md`;",
        "do not edit by hand (`tests/test_docs.py` fails when this file is stale).",
        "",
        *_schema_part(),
        *_preset_part(),
    ]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the parameter reference to standard output (it takes no arguments)."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.scenario",
        description="Write the parameter reference (docs/parameters.md) to standard output.",
    )
    parser.parse_args(argv)  # an unknown argument: one line and exit 2
    sys.stdout.write(parameter_table_markdown())
    return 0

"""Money a planner can type: rupiah for the whole region, and the bound on what is plausible.

Amounts that scale with the population are per 1,000 households represented in the schema. A
planner who knows an amount for the whole region may write its absolute form instead, declared
with the per-1,000 field (``param(..., absolute=(name, per_year))``):

- ``<field>_rp_per_year``: rupiah a year for the whole region, for an amount per month
  (``donors.giving_rp_per_year``, ``business.csr_funds_rp_per_year``, ...);
- ``<field>_rp``: rupiah for the whole region, for an opening balance or a cost per event
  (``institutions[].budget_rp``, ``cooperation.knowledge.forum_cost_rp``).

At validation (:func:`convert_absolute`, the root ``Scenario``'s first validator) each absolute
form becomes its per-1,000 field at the scenario's own ``population.households_represented``,
which a region's preset sets to the region's real number of households:
``per-1,000 = rupiah / (12 if per year else 1) / (households_represented / 1,000)``, the
inverse of what the run does with it (``sim.institutions.state``: amount x households
represented / 1,000). The resolved scenario (``--show``, the content hash) therefore holds the
per-1,000 value; ``Scenario.converted_from_rupiah`` records what was written and at which size.
Both forms of one amount in one table are an error.

:func:`check_plausible` refuses any such amount (either form) whose yearly total for the region
exceeds :data:`MAX_SHARE_OF_CONSUMPTION` of the region's yearly household consumption
(:func:`regional_consumption`), naming the field, the yearly rupiah it implies and the bound.
"""

from __future__ import annotations

import functools
import math
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from sim.scenario.base import FieldError, Section, param
from sim.scenario.population import AreaDistribution, Population

MAX_SHARE_OF_CONSUMPTION = 0.1
"""Largest yearly total of one amount, as a share of the region's yearly household consumption.

Assumption: all of Indonesia's social protection (perlinsos, Rp 497 T in the 2024 budget) is
about a tenth of household consumption as Susenas measures it (~Rp 4,600 T a year: 71 M
households x 3.7 persons x Rp 1.45 M a month x 12); ZIS collected (Rp 33 T in 2023) is under 1%.
One institution's opening balance, the region's giving or CSR, or a coordination cost above a
tenth of everything the region's households consume is a typing error, not a scenario.
"""

FALLBACK_LINES = 10.0
"""Mean consumption per capita assumed, in poverty lines, for an area whose GB2 has no mean.

The GB2's mean is finite only when ``a x q > 1``; otherwise the bound takes ten times the
area's poverty line (Indonesia's mean is ~2.5 lines, BPS March 2024), a generous bound.
"""

CONVERTED_FIELD = "converted_from_rupiah"
"""The ``Scenario`` field that records the amounts converted from their absolute form."""


class Converted(Section):
    """An amount written in rupiah for the whole region and converted to per 1,000 households."""

    written: str = param(
        ..., "field name", "the scenario file or override (e.g. budget_rp, giving_rp_per_year)"
    )
    rupiah: float = param(
        ...,
        "rupiah for the whole region (a year for a *_rp_per_year field)",
        "as written",
        ge=0,
    )
    households_represented: int = param(
        ..., "real households", "population.households_represented at validation", ge=1
    )
    value: float = param(
        ..., "the per-1,000 field's value", "rupiah / (12 if per year) / (households / 1,000)"
    )


@dataclass(frozen=True)
class Amount:
    """An amount per 1,000 households represented that has an absolute form.

    Attributes:
        section: Keys of its section from the top (``("cooperation", "alliance")``).
        in_list: The section is a list of tables (``institutions``).
        field: The per-1,000 field (``budget``).
        absolute: Its absolute form (``budget_rp``).
        per_year: How often the amount occurs a year: a number (12 for a monthly amount, 1
            for an opening balance) or the dotted path of a "months between" field.
        unit: The per-1,000 field's unit.
    """

    section: tuple[str, ...]
    in_list: bool
    field: str
    absolute: str
    per_year: float | str
    unit: str

    @property
    def per_year_form(self) -> bool:
        """Whether the absolute form is rupiah a year (the field is per month)."""
        return self.absolute.endswith("_rp_per_year")

    @property
    def divisor(self) -> float:
        """Periods of the per-1,000 field in one unit of the absolute form (12 or 1)."""
        return 12.0 if self.per_year_form else 1.0

    @property
    def wrong_name(self) -> str:
        """The absolute name with the other time basis (refused with a pointer to the right one)."""
        return f"{self.field}_rp" if self.per_year_form else f"{self.field}_rp_per_year"

    @property
    def path(self) -> str:
        """Dotted path in the schema's notation (``institutions[].budget``)."""
        return ".".join(self.section) + ("[]" if self.in_list else "") + f".{self.field}"

    def absolute_unit(self) -> str:
        """The unit of the absolute form, for the schema reference."""
        basis = "rupiah a year" if self.per_year_form else "rupiah"
        for per in ("per member", "per forum"):
            if per in self.unit:
                basis += f" {per}"
        return (
            f"{basis} for the whole region (all households represented), instead of "
            f"{self.field} ({self.unit})"
        )

    def absolute_source(self) -> str:
        """How the absolute form becomes the per-1,000 field, for the schema reference."""
        per = " / 12" if self.per_year_form else ""
        return (
            f"converted at validation: {self.field} = {self.absolute}{per} / "
            "(population.households_represented / 1,000); the resolved scenario records it "
            f"in {CONVERTED_FIELD} (sim/scenario/money.py)"
        )


def _sections(cls: type[BaseModel], keys: tuple[str, ...], in_list: bool) -> Iterator[Amount]:
    for name, info in cls.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _sections(ann, (*keys, name), False)
            continue
        if typing.get_origin(ann) is list:
            (item,) = typing.get_args(ann) or (None,)
            if isinstance(item, type) and issubclass(item, BaseModel):
                yield from _sections(item, (*keys, name), True)
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        spec = extra.get("absolute")
        if isinstance(spec, dict):
            yield Amount(
                keys, in_list, name, str(spec["name"]), spec["per_year"], str(extra["unit"])
            )


@functools.cache
def amounts(root: type[BaseModel]) -> tuple[Amount, ...]:
    """Every amount with an absolute form, in declaration order.

    Args:
        root: The schema's root class (``sim.scenario.Scenario``).
    """
    return tuple(_sections(root, (), False))


# --------------------------------------------------------------------------------------------
# Conversion (raw data, before the sections validate)
# --------------------------------------------------------------------------------------------


def _tables(data: Mapping[str, Any], a: Amount) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The raw tables of an amount's section: ``(dotted path, note path, table)``.

    List entries are named by index in the dotted path (as in every message) and by their
    ``name`` in the note path (stable when rosters merge by name).
    """
    node: Any = data
    for key in a.section:
        if not isinstance(node, Mapping):
            return
        node = node.get(key)
    base = ".".join(a.section)
    if a.in_list:
        if not isinstance(node, list):
            return
        for k, item in enumerate(node):
            if isinstance(item, dict):
                name = item.get("name")
                yield f"{base}.{k}", f"{base}.{name if isinstance(name, str) else k}", item
    elif isinstance(node, dict):
        yield base, base, node


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _households(data: Mapping[str, Any], field: str) -> float:
    """The raw ``population.households_represented`` (the schema default when absent).

    Raises:
        FieldError: Naming ``field`` (the absolute form that needs it) when it is not a
            whole number of at least one household.
    """
    pop = data.get("population", {})
    hr = pop.get("households_represented") if isinstance(pop, Mapping) else None
    if hr is None:
        hr = Population.model_fields["households_represented"].default
    if not (_number(hr) and hr >= 1 and float(hr).is_integer()):
        raise FieldError(
            field,
            "converting rupiah to per 1,000 households needs population.households_represented "
            f"to be a whole number of households >= 1 (got {hr!r})",
        )
    return float(hr)


def convert_absolute(data: Any, root: type[BaseModel]) -> Any:
    """Replace every absolute form in raw scenario data by its per-1,000 field.

    Args:
        data: The raw scenario (merged TOML content); anything else is returned as is.
        root: The schema's root class (``sim.scenario.Scenario``).

    Returns:
        ``data`` itself when it has no absolute form, else a copy whose touched tables hold
        the per-1,000 value instead and whose ``converted_from_rupiah`` records each
        conversion (records whose field no longer holds the recorded value are dropped).

    Raises:
        FieldError: Both forms of one amount, an absolute form with the wrong time basis, an
            absolute amount that is not a finite number >= 0, or no valid households
            represented to convert with.
    """
    if not isinstance(data, Mapping):
        return data
    found: list[tuple[Amount, str, str, dict[str, Any]]] = []
    for a in amounts(root):
        for path, note, table in _tables(data, a):
            if a.wrong_name in table:
                what = "an amount per month" if a.per_year_form else "not an amount a year"
                basis = "rupiah a year" if a.per_year_form else "rupiah"
                raise FieldError(
                    f"{path}.{a.wrong_name}",
                    f"{a.field} is {what} ({a.unit}): write {a.absolute} ({basis} for the "
                    f"whole region) or {a.field}",
                )
            if a.absolute in table:
                if a.field in table:
                    raise FieldError(
                        f"{path}.{a.absolute}",
                        f"give one form of this amount, not both: {a.field} ({a.unit}) or "
                        f"{a.absolute} (rupiah{' a year' if a.per_year_form else ''} for the "
                        "whole region)",
                    )
                found.append((a, path, note, table))
    notes = data.get(CONVERTED_FIELD)
    if notes is not None and not isinstance(notes, Mapping):
        raise FieldError(
            CONVERTED_FIELD,
            f"must be a table (validation fills it; leave it out), got {notes!r}",
        )
    if not found and not notes:
        return data
    out = _copy_touched(data, found)
    kept = _current_notes(out, notes)
    for a, path, note, _ in found:
        table = _find(out, path)
        rupiah = table.pop(a.absolute)
        if not _number(rupiah) or rupiah < 0:
            raise FieldError(
                f"{path}.{a.absolute}",
                f"must be a number of rupiah >= 0 (got {rupiah!r})",
            )
        hr = _households(out, f"{path}.{a.absolute}")
        value = float(rupiah) / a.divisor / (hr / 1000.0)
        table[a.field] = value
        kept[f"{note}.{a.field}"] = {
            "written": a.absolute,
            "rupiah": float(rupiah),
            "households_represented": int(hr),
            "value": value,
        }
    out[CONVERTED_FIELD] = kept
    return out


def _copy_touched(
    data: Mapping[str, Any], found: list[tuple[Amount, str, str, dict[str, Any]]]
) -> dict[str, Any]:
    """A copy of ``data`` whose tables on the way to each found amount are copies too."""
    out = dict(data)
    for a, path, _, _ in found:
        node: Any = out
        keys: list[Any] = list(a.section) + ([int(path.rsplit(".", 1)[1])] if a.in_list else [])
        for key in keys:
            child = node[key]
            if isinstance(child, list) and not isinstance(key, int):
                node[key] = child = list(child)
            elif isinstance(child, dict):
                child = dict(child)
                node[key] = child
            node = child
    return out


def _find(data: Mapping[str, Any], path: str) -> dict[str, Any]:
    node: Any = data
    for key in path.split("."):
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _current_notes(data: Mapping[str, Any], notes: Mapping[str, Any] | None) -> dict[str, Any]:
    """The records of earlier conversions whose field still holds the recorded value.

    A record is dropped when the field was set again since (an override, a zero point); a
    malformed record is kept, for the schema to refuse.
    """
    if notes is None:
        return {}
    kept: dict[str, Any] = {}
    for key, note in notes.items():
        if not isinstance(note, Mapping) or not isinstance(key, str):
            kept[key] = note
            continue
        if _value_at(data, key) == note.get("value"):
            kept[key] = note
    return kept


def _value_at(data: Mapping[str, Any], key: str) -> Any:
    """The raw value at a note's path (list entries by name), or None."""
    node: Any = data
    for part in key.split("."):
        if isinstance(node, list):
            named = [t for t in node if isinstance(t, Mapping) and t.get("name") == part]
            if len(named) == 1:
                node = named[0]
            elif part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        elif isinstance(node, Mapping):
            node = node.get(part)
        else:
            return None
    return node


# --------------------------------------------------------------------------------------------
# Plausibility (the validated scenario)
# --------------------------------------------------------------------------------------------


def gb2_mean(d: AreaDistribution) -> float:
    """Mean of a GB2 (rupiah per capita per month), or ``inf`` when it has none (a q <= 1).

    E[y] = scale x B(p + 1/a, q - 1/a) / B(p, q) (McDonald 1984).
    """
    if d.a * d.q <= 1:
        return math.inf
    try:
        log_ratio = (
            math.lgamma(d.p + 1 / d.a)
            + math.lgamma(d.q - 1 / d.a)
            - math.lgamma(d.p)
            - math.lgamma(d.q)
        )
        return d.scale * math.exp(log_ratio)
    except (OverflowError, ValueError):
        return math.inf


@dataclass(frozen=True)
class Consumption:
    """The region's household consumption a year, and how it was reckoned.

    Attributes:
        households: Households represented.
        persons_per_household: Mean persons per household (the urban and rural means,
            weighted by the urban share of persons).
        per_capita_month: Mean consumption per person a month (rupiah), person-weighted over
            the two areas.
        basis: Where the per-capita mean comes from (the GB2 means, or the fallback).
    """

    households: float
    persons_per_household: float
    per_capita_month: float
    basis: str

    @property
    def per_year(self) -> float:
        """Rupiah a year for the whole region."""
        return self.households * self.persons_per_household * self.per_capita_month * 12.0


def regional_consumption(sc: Any) -> Consumption:
    """The region's household consumption a year, from its fitted distributions.

    Households represented x mean persons per household x mean consumption per capita x 12;
    the per-capita mean of each area is its GB2 mean (``calibration``), or
    :data:`FALLBACK_LINES` poverty lines when the GB2 has no mean.
    """
    pop = sc.population
    u = pop.urban_person_share
    persons = 1.0 / (u / pop.members_mean_urban + (1.0 - u) / pop.members_mean_rural)
    means, fallback = [], False
    for dist, line in (
        (sc.calibration.urban, sc.poverty_line.urban),
        (sc.calibration.rural, sc.poverty_line.rural),
    ):
        m = gb2_mean(dist)
        if not math.isfinite(m):
            m, fallback = FALLBACK_LINES * line, True
        means.append(m)
    per_capita = u * means[0] + (1.0 - u) * means[1]
    basis = "GB2 means of calibration" + (
        f" ({FALLBACK_LINES:g} poverty lines where the GB2 has no mean)" if fallback else ""
    )
    return Consumption(float(pop.households_represented), persons, per_capita, basis)


def times_a_year(sc: Any, a: Amount) -> float:
    """How often the amount occurs a year (12, 1, or 12 / a "months between" field)."""
    if isinstance(a.per_year, str):
        node: Any = sc
        for part in a.per_year.split("."):
            node = getattr(node, part)
        return 12.0 / float(node)
    return float(a.per_year)


def rupiah(x: float) -> str:
    """Rupiah in the project's style: ``Rp 2.5 B``, ``Rp 33 T``, ``Rp 200,000``."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(x) >= size:
            return f"Rp {x / size:,.3g} {suffix}" if abs(x) < 1000 * size else f"Rp {x:.3g}"
    return f"Rp {x:,.0f}"


def check_plausible(sc: Any) -> None:
    """Refuse an amount whose yearly total exceeds the bound on the region's consumption.

    Args:
        sc: The validated scenario (``sim.scenario.Scenario``).

    Raises:
        FieldError: Naming the field as written (the absolute form when it was converted),
            the yearly rupiah it implies, the region's consumption and the bound.
    """
    cons = regional_consumption(sc)
    bound = MAX_SHARE_OF_CONSUMPTION * cons.per_year
    scale = sc.population.households_represented / 1000.0
    notes = getattr(sc, CONVERTED_FIELD)
    for a in amounts(type(sc)):
        for path, note_path, section in _model_sections(sc, a):
            value = getattr(section, a.field)
            yearly = value * scale * times_a_year(sc, a)
            if yearly <= bound:
                continue
            note = notes.get(f"{note_path}.{a.field}")
            field = f"{path}.{a.field}"
            if note is not None and note.value == value:
                field = f"{path}.{note.written}"
            what = "a year" if a.per_year != 1 else "(an opening balance, counted once)"
            raise FieldError(
                field,
                f"implausible: {rupiah(yearly)} {what} for the region's "
                f"{cons.households:,.0f} households, above {MAX_SHARE_OF_CONSUMPTION:.0%} of "
                f"their consumption: bound {rupiah(bound)} a year (consumption "
                f"{rupiah(cons.per_year)} a year = {cons.households:,.0f} households x "
                f"{cons.persons_per_household:.2f} persons x {rupiah(cons.per_capita_month)} a "
                f"month x 12, {cons.basis})",
            )


def _model_sections(sc: Any, a: Amount) -> Iterator[tuple[str, str, BaseModel]]:
    node: Any = sc
    for key in a.section:
        node = getattr(node, key)
    base = ".".join(a.section)
    if a.in_list:
        for k, item in enumerate(node):
            yield f"{base}.{k}", f"{base}.{item.name}", item
    else:
        yield base, base, node


# --------------------------------------------------------------------------------------------
# What --show prints
# --------------------------------------------------------------------------------------------


def roster_lines(sc: Any) -> list[str]:
    """The roster and the region's money in rupiah and per 1,000 (comment lines for ``--show``).

    Args:
        sc: The resolved scenario (``sim.scenario.Scenario``).

    Returns:
        One line for the households represented, the region's giving and CSR, then one per
        institution: opening balance, fundraising and capacity at the region's size.
    """
    hr = sc.population.households_represented
    scale = hr / 1000.0
    notes = getattr(sc, CONVERTED_FIELD)

    def per_1000(key: str, value: float, period: str = "") -> str:
        note = notes.get(key)
        written = f", from {note.written}" if note is not None and note.value == value else ""
        return f"({value:,.0f}{period}{written})"

    d, b = sc.donors, sc.business
    lines = [
        f"money at {hr:,} households represented (rupiah for the region; per 1,000 households "
        "in brackets):",
        f"  giving {rupiah(d.giving * 12 * scale)} a year "
        f"{per_1000('donors.giving', d.giving, ' a month')}; CSR "
        f"{rupiah(b.csr_funds * 12 * scale)} a year "
        f"{per_1000('business.csr_funds', b.csr_funds, ' a month')}",
    ]
    if not sc.institutions:
        lines.append("  roster: no institutions")
        return lines
    lines.append(f"  roster: {len(sc.institutions)} institutions")
    width = max(len(i.name) for i in sc.institutions)
    for i in sc.institutions:
        key = f"institutions.{i.name}"
        lines.append(
            f"  {i.name:<{width}}  {i.theme}/{i.programme}: opening balance "
            f"{rupiah(i.budget * scale)} {per_1000(f'{key}.budget', i.budget)}; fundraising "
            f"{rupiah(i.fundraising_effort * 12 * scale)} a year "
            f"{per_1000(f'{key}.fundraising_effort', i.fundraising_effort, ' a month')}; "
            f"capacity {i.capacity * scale:,.0f} households ({i.capacity:g})"
        )
    return lines

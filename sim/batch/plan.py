"""The plan of a batch: scenario points x replicates, resolved before anything runs.

A batch is scenarios x sweep points x replicates. :func:`plan_batch` loads and validates every
scenario with the overrides and sweep values, gives each replicate its seed and each run its id
(``sim.batch.identity``) and, with ``uncertain``, draws the uncertain parameters per replicate.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from sim.batch.errors import BatchInputError
from sim.batch.identity import (
    draw_parameters,
    replicate_seeds,
    run_id,
    short_hash,
    sinergi_version,
)
from sim.batch.values import compact, positive_int
from sim.measures.discounting import DISCOUNT_RATE_ANNUAL
from sim.regions.catalogue import NATION_BY_PROVINCE
from sim.scenario import (
    Scenario,
    ScenarioError,
    available_scenarios,
    deep_merge,
    load_scenario,
    overrides_to_tree,
    uncertain_parameters,
)
from sim.scenario.money import roster_lines
from sim.world.footprint import MemoryRefused, check_fits

DEFAULT_SEED = 20240301
"""Root seed when none is given (recorded in the manifest either way)."""
DEFAULT_REPS = 20
"""Replicates per scenario point when none is given."""
DEFAULT_REFERENCE = "competition"
"""Scenario the others are compared with when ``--reference`` is not given (if in the batch)."""
BASELINE = "no_programs"
"""Default value-for-money baseline (``--baseline``): used when it is in the batch."""
QUICK_HOUSEHOLDS, QUICK_MONTHS, QUICK_REPS = 2_000, 24, 3
"""Sizes of ``--quick`` (explicit flags win over them)."""

REGION = "region"
"""The scenario field of the region (``--region`` sweeps it; every summary row carries it)."""

_RESERVED = {"run_id", "scenario", "content_hash", "replicate", "seed", "status", "seconds"}


@dataclass(frozen=True)
class Point:
    """One scenario at one sweep point, fully resolved.

    Attributes:
        scenario: The scenario's name.
        sweep: The sweep values of this point, ``((field, value), ...)`` in sweep order.
        config: The validated scenario (after extends, overrides and the sweep values).
        content_hash: ``config.content_hash()``.
        source: The argument that named the scenario (a name or a path).
    """

    scenario: str
    sweep: tuple[tuple[str, Any], ...]
    config: Scenario
    content_hash: str
    source: str

    @property
    def label(self) -> str:
        """Human-readable name: ``scenario`` or ``scenario (field=value, ...)``."""
        if not self.sweep:
            return self.scenario
        return f"{self.scenario} ({', '.join(f'{k}={v}' for k, v in self.sweep)})"

    @property
    def region(self) -> str:
        """The canonical name of the point's region (``INDONESIA`` unless set)."""
        return self.config.region

    @cached_property
    def payload(self) -> dict[str, Any]:
        """The scenario as JSON-ready data, shipped to workers."""
        return self.config.model_dump(mode="json")


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: a point and a replicate.

    Attributes:
        run_id: Identity of the run (see :func:`sim.batch.identity.run_id`); also its file name.
        point: Index of the point in ``Plan.points``.
        replicate: Replicate number, 0-based.
        seed: The run's seed (the replicate's, the same at every point).
        draws: With ``uncertain``: the replicate's drawn parameters, ``((path, value), ...)``;
            else empty.
        payload: With ``uncertain``: the run's scenario (the point with the draws applied) as
            JSON data; else None (the point's payload is run).
        content_hash: With ``uncertain``: that scenario's content hash; else None.
    """

    run_id: str
    point: int
    replicate: int
    seed: int
    draws: tuple[tuple[str, Any], ...] = ()
    payload: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    content_hash: str | None = None


@dataclass
class Plan:
    """A resolved batch: what to run, before anything runs.

    Attributes:
        points: Scenario points in order (scenarios as named, then sweep points).
        runs: One entry per (point, replicate); two points with identical content share run
            ids (and run files).
        reps: Replicates per point.
        root_seed: Root seed of the replicate seeds.
        reference: Scenario the others are compared with (None when there is only one).
        reference_note: Why the reference differs from the requested one, or "".
        sweep_keys: Swept fields, in order.
        overrides: Overrides applied to every scenario (``--set``, sizes), dotted paths.
        arguments: The normalised arguments (for the default folder name and the manifest).
        drawn: With ``uncertain``: the parameters drawn per replicate, dotted path mapped to
            its range ``(low, high)``; empty otherwise.
        discount_rate: Social discount rate of value for money, per year (a fraction;
            ``--discount-rate``, default :data:`sim.measures.discounting.DISCOUNT_RATE_ANNUAL`).
            Like the reference, it changes the summary and report, not the runs.
        baseline: The scenario against which value for money is computed (``--baseline``,
            default :data:`BASELINE`); without it in the batch, no value for money. Like the
            reference, it changes the summary and report, not the runs.
    """

    points: list[Point]
    runs: list[RunSpec]
    reps: int
    root_seed: int
    reference: str | None
    reference_note: str
    sweep_keys: list[str]
    overrides: dict[str, Any]
    arguments: dict[str, Any] = field(default_factory=dict)
    drawn: dict[str, tuple[float, float]] = field(default_factory=dict)
    discount_rate: float = DISCOUNT_RATE_ANNUAL
    baseline: str = BASELINE

    @property
    def uncertain(self) -> bool:
        """Whether uncertain parameters are drawn per replicate."""
        return bool(self.arguments.get("uncertain"))

    @property
    def keys(self) -> list[str]:
        """Columns that identify a point in tidy tables: ``scenario`` and the swept fields."""
        return ["scenario", *self.sweep_keys]

    @property
    def scenario_names(self) -> list[str]:
        """Scenario names in batch order, without repeats."""
        return list(dict.fromkeys(p.scenario for p in self.points))

    @property
    def unique_run_ids(self) -> list[str]:
        """Run ids in batch order, without repeats."""
        return list(dict.fromkeys(r.run_id for r in self.runs))

    def default_out(self, base: str | os.PathLike[str] = "results") -> Path:
        """The default results folder, derived from the arguments that change the runs.

        The replicate count is left out so that asking for more replicates extends the same
        folder; the reference, workers and scheduler are left out because they do not change
        any run.
        """
        a = self.arguments
        parts = ["+".join(a["scenarios"]) if a["scenarios"] else "all"]
        if a.get("quick"):
            parts.append("quick")
        if a.get("uncertain"):
            parts.append("uncertain")
        if a.get("households"):
            parts.append(f"hh{a['households']}")
        if a.get("months"):
            parts.append(f"m{a['months']}")
        if self.root_seed != DEFAULT_SEED:
            parts.append(f"seed{self.root_seed}")
        for flag in ("set", "sweep"):
            if a.get(flag):
                text = "_".join(
                    f"{k}={','.join(map(compact, v)) if flag == 'sweep' else compact(v)}"
                    for k, v in a[flag].items()
                )
                if len(text) > 60:
                    text = short_hash(text, 8)
                parts.append(f"{flag}-{text}")
        name = re.sub(r"[^A-Za-z0-9_.=+,\-]", "-", "_".join(parts)).lstrip(".")
        if len(name) > 100:
            name = f"{name[:80]}-{short_hash(name, 8)}"
        return Path(base) / name


def plan_batch(
    scenarios: Sequence[str | os.PathLike[str]] | None = None,
    *,
    reps: int | None = None,
    households: int | None = None,
    months: int | None = None,
    seed: int | None = None,
    reference: str | None = None,
    set: Mapping[str, Any] | None = None,  # noqa: A002 - the command line's --set
    sweep: Mapping[str, Sequence[Any]] | None = None,
    quick: bool = False,
    uncertain: bool = False,
    discount_rate: float | None = None,
    attribute: str | None = None,
    attribute_reps: int | None = None,
    regions: Sequence[str] | None = None,
    baseline: str | None = None,
) -> Plan:
    """Resolve a batch: scenarios, overrides, sweep points, replicate seeds and run ids.

    Arguments are those of :func:`sim.batch.run_batch`. Nothing is run or written. With
    ``uncertain``, every uncertain parameter (``sim.scenario.uncertain_parameters``) not fixed
    by ``--set``, a size flag or ``--sweep`` is drawn per replicate
    (:func:`sim.batch.identity.draw_parameters`), the same draws at every point; each run's id
    then hashes the content of its drawn scenario. ``regions`` (``--region``, repeatable) is a
    sweep over the field ``region``, the first swept field; region names, in ``regions``, a
    ``region`` sweep or ``--set region=...``, are replaced by their canonical names
    (:func:`sim.regions.catalogue.resolve_region`).

    Returns:
        The :class:`Plan`.

    Raises:
        BatchInputError: Bad sizes, seeds, overrides, sweeps, reference, discount rate,
            attribution or baseline (``baseline`` not a scenario of the batch).
        ScenarioError: A scenario file is missing or invalid.
    """
    names = [str(s) for s in scenarios] if scenarios else available_scenarios()
    if not names:
        raise BatchInputError("no scenarios given and none found in scenarios/")
    reps_n = positive_int(reps, "--reps") or (QUICK_REPS if quick else DEFAULT_REPS)
    households = positive_int(households, "--households")
    months = positive_int(months, "--months")
    root_seed = _root_seed(seed)
    rate = _discount_rate(discount_rate)
    set_values = dict(set or {})
    if REGION in set_values:
        set_values[REGION] = _canonical_regions([set_values[REGION]], "--set region")[0]
    sweep = _with_regions(sweep, regions, set_values)
    overrides, flags, explicit = _overrides(quick, households, months, set_values)
    sweep_items = _sweep_items(sweep, explicit, set_values, flags)
    if regions:
        flags[REGION] = "--region"
    sweep_keys = [k for k, _ in sweep_items]

    version = sinergi_version()
    seeds = replicate_seeds(root_seed, reps_n)
    points = _points(names, overrides, sweep_items, flags)
    _check_memory(points, flags)
    ref, note = _reference(reference, list(dict.fromkeys(p.scenario for p in points)))

    drawn: dict[str, tuple[float, float]] = {}
    if uncertain:
        fixed = {*overrides, *sweep_keys}
        drawn = {k: info["range"] for k, info in uncertain_parameters().items() if k not in fixed}
        runs = _uncertain_runs(points, seeds, drawn, root_seed, version)
    else:
        runs = [
            RunSpec(run_id(p.content_hash, r, root_seed, version), i, r, seeds[r])
            for i, p in enumerate(points)
            for r in range(reps_n)
        ]
    arguments = {
        "scenarios": [Path(n).stem if n.endswith(".toml") else Path(n).name for n in scenarios]
        if scenarios
        else [],
        "reps": reps_n,
        "households": households,
        "months": months,
        "seed": root_seed,
        "reference": reference,
        "set": set_values,
        "sweep": {k: v for k, v in sweep_items},
        "quick": bool(quick),
    }
    if uncertain:  # absent otherwise: batches without it keep their manifest and folder name
        arguments["uncertain"] = True
    if discount_rate is not None:  # likewise
        arguments["discount_rate"] = rate
    if attribute is not None:  # likewise: "What in <scenario> pays" (sim.analysis.attribution)
        unswept = {p.scenario for p in points if not p.sweep}
        if attribute not in unswept or ref is None or ref == attribute:
            raise BatchInputError(
                f"--attribute {attribute}: must name a scenario of the batch (not swept) other "
                f"than the reference ({ref}); scenarios: {', '.join(sorted(unswept))}"
            )
        arguments["attribute"] = attribute
        arguments["attribute_reps"] = positive_int(attribute_reps, "--attribute-reps") or 4
    if baseline is not None:  # likewise: the value-for-money baseline (default no_programs)
        arguments["baseline"] = _baseline(baseline, list(dict.fromkeys(p.scenario for p in points)))
    return Plan(
        points,
        runs,
        reps_n,
        root_seed,
        ref,
        note,
        sweep_keys,
        overrides,
        arguments,
        drawn,
        rate,
        arguments.get("baseline", BASELINE),
    )


def _check_memory(points: Sequence[Point], flags: Mapping[str, str]) -> None:
    """Refuse, before any run, a point whose population this machine cannot hold."""
    for p in points:
        if p.region == NATION_BY_PROVINCE:
            continue  # run province by province (sim.regions.national)
        flag = flags.get("population.households")
        field = {None: f"{p.source}: population.households", "--set": "--set population.households"}
        field = field.get(flag, flag)
        try:
            check_fits(p.config.population.households, field)
        except MemoryRefused as exc:
            raise BatchInputError(str(exc)) from None


def _baseline(baseline: Any, scenario_names: Sequence[str]) -> str:
    """The value-for-money baseline asked for: a scenario of the batch.

    Raises:
        BatchInputError: When it is not one of the batch's scenarios.
    """
    if not isinstance(baseline, str) or baseline not in scenario_names:
        raise BatchInputError(
            f"--baseline {baseline}: not a scenario of this batch (scenarios: "
            f"{', '.join(scenario_names)}); name the baseline among the scenarios to run"
        )
    return baseline


def _canonical_regions(values: Sequence[Any], flag: str) -> list[str]:
    """The canonical names of regions as given (a repeated region once).

    Raises:
        BatchInputError: For an unknown region, naming the closest ones.
    """
    from sim.regions.catalogue import UnknownRegionError, resolve_region

    names = []
    for value in values:
        try:
            names.append(resolve_region(str(value)).name)
        except UnknownRegionError as exc:
            raise BatchInputError(f"{flag}: {exc}") from None
    return list(dict.fromkeys(names))


def _with_regions(
    sweep: Mapping[str, Sequence[Any]] | None,
    regions: Sequence[str] | None,
    set_values: Mapping[str, Any],
) -> dict[str, Sequence[Any]]:
    """The sweep with ``--region`` as a sweep over ``region`` (first), names canonical.

    Raises:
        BatchInputError: For an unknown region, or ``--region`` together with
            ``--sweep region=...`` or ``--set region=...``.
    """
    out = dict(sweep or {})
    if REGION in out:
        values = out[REGION]
        values = [values] if isinstance(values, (str, bytes)) else list(values)
        out[REGION] = _canonical_regions(values, "--sweep region")
    if regions is None or len(regions) == 0:
        return out
    if isinstance(regions, (str, bytes)):
        regions = [regions]
    for other, flag in ((out, "--sweep region=..."), (set_values, "--set region=...")):
        if REGION in other:
            raise BatchInputError(
                f"--region cannot be combined with {flag}: give every region with --region "
                "(repeatable)"
            )
    return {REGION: _canonical_regions(regions, "--region"), **out}


def _discount_rate(rate: Any) -> float:
    """The annual discount rate: the default when None, else a finite number in [0, 1)."""
    if rate is None:
        return DISCOUNT_RATE_ANNUAL
    ok = isinstance(rate, (int, float, np.integer, np.floating)) and not isinstance(rate, bool)
    if not ok or not 0 <= float(rate) < 1:
        raise BatchInputError(
            f"--discount-rate: must be a fraction per year in [0, 1) (0.06 is 6%), got {rate!r}"
        )
    return float(rate)


def _root_seed(seed: Any) -> int:
    """The root seed: :data:`DEFAULT_SEED` when None, else a non-negative integer."""
    if seed is None:
        seed = DEFAULT_SEED
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or int(seed) < 0:
        raise BatchInputError(f"--seed: must be a non-negative integer, got {seed!r}")
    return int(seed)


def _overrides(
    quick: bool, households: int | None, months: int | None, set_values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Overrides of every scenario: ``--quick``, then size flags, then ``--set``.

    ``--set`` may not contradict a size flag.

    Returns:
        ``(overrides, flags, explicit)``: dotted path mapped to value; dotted path mapped to
        the flag that set it; the values of the explicit size flags.
    """
    overrides: dict[str, Any] = {}
    flags: dict[str, str] = {}
    if quick:
        overrides.update({"population.households": QUICK_HOUSEHOLDS, "months": QUICK_MONTHS})
    explicit: dict[str, Any] = {}
    if households is not None:
        explicit["population.households"] = households
        flags["population.households"] = "--households"
    if months is not None:
        explicit["months"] = months
        flags["months"] = "--months"
    overrides.update(explicit)
    for key, value in set_values.items():
        if key in {"name", "description"}:
            raise BatchInputError(f"--set {key}: a scenario's {key} cannot be overridden")
        if key in explicit and explicit[key] != value:
            raise BatchInputError(
                f"--set {key}={compact(value)} contradicts {flags[key]} {explicit[key]}"
            )
        overrides[key] = value
        flags.setdefault(key, "--set")
    return overrides, flags, explicit


def _sweep_items(
    sweep: Mapping[str, Sequence[Any]] | None,
    explicit: Mapping[str, Any],
    set_values: Mapping[str, Any],
    flags: dict[str, str],
) -> list[tuple[str, list[Any]]]:
    """The swept fields and their values, checked; records ``--sweep`` in ``flags``."""
    sweep_items: list[tuple[str, list[Any]]] = []
    for key, values in dict(sweep or {}).items():
        values = list(values) if not isinstance(values, (str, bytes)) else [values]
        if not values:
            raise BatchInputError(f"--sweep {key}: needs at least one value")
        if key in {"name", "description"} or key in _RESERVED:
            raise BatchInputError(f"--sweep {key}: this field cannot be swept")
        if key in explicit or key in set_values:
            raise BatchInputError(f"--sweep {key}: the field is also fixed by {flags[key]}")
        flags[key] = "--sweep"
        sweep_items.append((key, values))
    return sweep_items


def _points(
    names: Sequence[str],
    overrides: Mapping[str, Any],
    sweep_items: Sequence[tuple[str, list[Any]]],
    flags: Mapping[str, str],
) -> list[Point]:
    """Every scenario at every sweep point, loaded and validated (a repeated name once)."""
    sweep_keys = [k for k, _ in sweep_items]
    points: list[Point] = []
    seen: dict[str, str] = {}
    for name in names:
        base = load_scenario(name)  # errors in the file itself, before any override
        if base.name in seen:
            if seen[base.name] == base.content_hash():
                continue  # the same scenario named twice
            raise BatchInputError(
                f"two different scenarios are named {base.name!r} ({seen[base.name]} and {name})"
            )
        seen[base.name] = base.content_hash()
        for combo in itertools.product(*(values for _, values in sweep_items)):
            point_over = {**overrides, **dict(zip(sweep_keys, combo, strict=True))}
            try:
                sc = load_scenario(name, overrides=point_over) if point_over else base
            except ScenarioError as exc:
                raise _override_error(name, point_over, flags, exc) from None
            points.append(
                Point(
                    sc.name, tuple(zip(sweep_keys, combo, strict=True)), sc, sc.content_hash(), name
                )
            )
    return points


def _override_error(
    name: str, overrides: Mapping[str, Any], flags: Mapping[str, str], exc: ScenarioError
) -> BatchInputError:
    """Name the flag behind an override that a scenario rejects."""
    for key, value in overrides.items():
        try:
            load_scenario(name, overrides={key: value})
        except ScenarioError as single:
            detail = str(single).split(": ", 1)[-1]
            flag = flags.get(key, "--set")
            given = f"{key}={compact(value)}" if flag in ("--set", "--sweep") else str(value)
            return BatchInputError(f"{flag} {given}: {detail} (scenario {name})")
    return BatchInputError(str(exc))


def _reference(reference: str | None, scenario_names: Sequence[str]) -> tuple[str | None, str]:
    """The scenario the others are compared with, and a note when it is not the one asked for.

    Raises:
        BatchInputError: When ``reference`` is given and not in the batch.
    """
    note = ""
    if reference is not None:
        if reference not in scenario_names:
            known = ", ".join(scenario_names)
            raise BatchInputError(
                f"--reference {reference}: not in this batch (scenarios: {known})"
            )
        ref: str | None = reference
    elif DEFAULT_REFERENCE in scenario_names:
        ref = DEFAULT_REFERENCE
    else:
        ref = scenario_names[0]
        note = (
            f"reference {DEFAULT_REFERENCE} is not in this batch; comparing with {ref} "
            "(the first scenario named)"
        )
    if len(scenario_names) == 1:
        note = f"{note}; " if note else ""
        note += f"only one scenario ({ref}): no comparisons"
    return ref, note


def _uncertain_runs(
    points: Sequence[Point],
    seeds: Sequence[int],
    drawn: Mapping[str, tuple[float, float]],
    root_seed: int,
    version: str,
) -> list[RunSpec]:
    """The runs of an ``uncertain`` batch: each point with each replicate's drawn parameters.

    Raises:
        BatchInputError: When a point with a replicate's draws is not a valid scenario.
    """
    draws = [draw_parameters(seed, drawn) for seed in seeds]
    runs = []
    for i, p in enumerate(points):
        for r in range(len(seeds)):
            data = deep_merge(p.payload, overrides_to_tree(dict(draws[r])))
            try:
                sc = Scenario.model_validate(data)
            except ValueError as exc:
                raise BatchInputError(
                    f"--uncertain: scenario {p.label}, replicate {r}: the drawn parameters "
                    f"are invalid ({' '.join(str(exc).split())})"
                ) from None
            h = sc.content_hash()
            payload = sc.model_dump(mode="json")
            runs.append(
                RunSpec(run_id(h, r, root_seed, version), i, r, seeds[r], draws[r], payload, h)
            )
    return runs


def show(plan: Plan) -> str:
    """Each resolved scenario point as TOML, preceded by comment lines naming it.

    The comments name the point, then give the region's money and the merged roster in
    rupiah for the region and per 1,000 households (:func:`sim.scenario.money.roster_lines`).

    Args:
        plan: The plan.

    Returns:
        Text to print.
    """
    import tomli_w

    chunks = []
    for p in plan.points:
        region = "" if REGION in dict(p.sweep) else f"region {p.region}, "
        head = (
            f"# scenario {p.label}: {region}content hash {p.content_hash}, {plan.reps} "
            f"replicates, from {p.source}"
        )
        head += "".join(f"\n# {line}" for line in roster_lines(p.config))
        try:  # a field left unset (None) is what the schema's default means: not written
            body = tomli_w.dumps(p.config.model_dump(mode="json", exclude_none=True))
        except (TypeError, ValueError):  # a value TOML cannot hold: fall back to JSON
            body = json.dumps(p.payload, indent=2)
        chunks.append(f"{head}\n{body}")
    return "\n".join(chunks)

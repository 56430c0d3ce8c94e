"""Batches of runs: plan, execute (in process, local processes or Dask), store, resume.

A batch is scenarios x sweep points x replicates. This module is the top of the stack under the
command line (``run_scenarios.py``): it resolves the scenarios, runs the missing runs, stores
each as it finishes, then hands the stored results to ``sim.stats`` (summary) and
``sim.report`` (report and figure). Neither of those imports this module.

Guarantees:

* **Common random numbers.** Replicate r gets the seed of the r-th child of
  ``numpy.random.SeedSequence(root_seed).spawn(...)``, the same in every scenario and sweep
  point, so differences between scenarios are paired.
* **Identity.** A run's id hashes the canonical scenario content, the replicate, the root seed
  and the Sinergi version. Same id, same numbers: whichever executor ran it.
* **Whole files.** Each run is one Parquet file, written to a temporary name, flushed to disk
  and renamed, so a run file is whole or absent; the driver writes it (workers need no shared
  filesystem).
* **Resume.** Rerunning a command into the same folder runs only the runs whose files are
  missing. A command with another root seed or Sinergi version is refused.
* **Flat memory.** Runs are submitted through a bounded window and written as they arrive; the
  summary reads them back from disk one at a time.

The results folder and every column are documented in ``docs/outputs.md``.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import math
import multiprocessing
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim import accel, report, stats
from sim.measures import value_for_money_frames
from sim.model import PovertyModel
from sim.scenario import (
    Scenario,
    ScenarioError,
    available_scenarios,
    deep_merge,
    load_scenario,
    overrides_to_tree,
    uncertain_parameters,
)

RESULTS_FORMAT = 1
"""Version of the results-folder format (run files, index, manifest); bump when it changes."""

DEFAULT_SEED = 20240301
"""Root seed when none is given (recorded in the manifest either way)."""
DEFAULT_REPS = 20
"""Replicates per scenario point when none is given."""
DEFAULT_REFERENCE = "competition"
"""Scenario the others are compared with when ``--reference`` is not given (if in the batch)."""
BASELINE = "no_programs"
"""Scenario against which value for money is computed, when it is in the batch."""
QUICK_HOUSEHOLDS, QUICK_MONTHS, QUICK_REPS = 2_000, 24, 3
"""Sizes of ``--quick`` (explicit flags win over them)."""

META_KEY = b"sinergi"
"""Parquet schema-metadata key holding a run's provenance (JSON)."""
WINDOW_PER_WORKER = 2
"""Runs in flight per worker: keeps workers busy without holding the whole batch in memory."""
INDEX_EVERY_SECONDS = 15.0
"""How often ``runs.parquet`` is refreshed during a long batch."""
PROJECT_DIR = Path(__file__).resolve().parent.parent

_RESERVED = {"run_id", "scenario", "content_hash", "replicate", "seed", "status", "seconds"}


class BatchInputError(ValueError):
    """Bad input to a batch (a flag, an override, a results folder); exit code 2."""


class BatchError(RuntimeError):
    """A batch could not complete (a run failed, a file could not be written); exit code 1."""


# --------------------------------------------------------------------------------------------
# Parsing --set and --sweep
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------------


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

    @cached_property
    def payload(self) -> dict[str, Any]:
        """The scenario as JSON-ready data, shipped to workers."""
        return self.config.model_dump(mode="json")


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: a point and a replicate.

    Attributes:
        run_id: Identity of the run (see :func:`run_id`); also its file name.
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
                    f"{k}={','.join(map(_compact, v)) if flag == 'sweep' else _compact(v)}"
                    for k, v in a[flag].items()
                )
                if len(text) > 60:
                    text = _short_hash(text, 8)
                parts.append(f"{flag}-{text}")
        name = re.sub(r"[^A-Za-z0-9_.=+,\-]", "-", "_".join(parts)).lstrip(".")
        if len(name) > 100:
            name = f"{name[:80]}-{_short_hash(name, 8)}"
        return Path(base) / name


def _compact(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _short_hash(text: str, n: int = 16) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def replicate_seeds(root_seed: int, reps: int) -> list[int]:
    """Seeds of replicates 0..reps-1, spawned from ``SeedSequence(root_seed)``.

    Child r of the spawn does not depend on how many children are spawned, so adding
    replicates later keeps the seeds of the existing ones.

    Args:
        root_seed: The batch's root seed (entropy).
        reps: Number of replicates.

    Returns:
        One non-negative 63-bit integer per replicate.
    """
    children = np.random.SeedSequence(root_seed).spawn(reps)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def run_id(content_hash: str, replicate: int, root_seed: int, version: str) -> str:
    """Identity of a run: hash of scenario content, replicate, root seed and Sinergi version.

    Returns:
        16 hexadecimal characters.
    """
    blob = json.dumps(
        {"content": content_hash, "replicate": replicate, "root_seed": root_seed, "v": version},
        sort_keys=True,
    )
    return _short_hash(blob)


UNCERTAIN_STREAM = 0x756E63
"""Second seed word of the parameter draws (``default_rng([replicate_seed, 0x756E63])``)."""


def _is_integer_field(path: str) -> bool:
    """Whether the scenario field at a dotted path is declared as an integer."""
    cls: Any = Scenario
    parts = path.split(".")
    for part in parts[:-1]:
        cls = cls.model_fields[part].annotation
    ann = cls.model_fields[parts[-1]].annotation
    return ann is int


def draw_parameters(
    seed: int, ranges: Mapping[str, tuple[float, float]]
) -> tuple[tuple[str, Any], ...]:
    """One replicate's draws: each parameter uniform within its range.

    The generator is ``numpy.random.default_rng([seed, UNCERTAIN_STREAM])`` and parameters are
    drawn in sorted path order, so the draws depend only on the replicate's seed and on the
    set of drawn parameters (the same at every scenario point). Integer fields get integers.

    Args:
        seed: The replicate's seed.
        ranges: Dotted path mapped to ``(low, high)``.

    Returns:
        ``((path, value), ...)`` in sorted path order.
    """
    rng = np.random.default_rng([int(seed), UNCERTAIN_STREAM])
    out = []
    for path in sorted(ranges):
        lo, hi = ranges[path]
        value: Any = float(rng.uniform(lo, hi))
        if _is_integer_field(path):
            value = int(min(max(round(value), math.ceil(lo)), math.floor(hi)))
        out.append((path, value))
    return tuple(out)


def _sinergi_version() -> str:
    import sim  # at call time: sim/__init__ imports this module

    return str(sim.__version__)


def _positive_int(value: Any, flag: str, allow_none: bool = True) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) < 1:
        raise BatchInputError(f"{flag}: must be a positive integer, got {value!r}")
    return int(value)


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
            given = f"{key}={_compact(value)}" if flag in ("--set", "--sweep") else str(value)
            return BatchInputError(f"{flag} {given}: {detail} (scenario {name})")
    return BatchInputError(str(exc))


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
) -> Plan:
    """Resolve a batch: scenarios, overrides, sweep points, replicate seeds and run ids.

    Arguments are those of :func:`run_batch`. Nothing is run or written. With ``uncertain``,
    every uncertain parameter (``sim.scenario.uncertain_parameters``) not fixed by ``--set``,
    a size flag or ``--sweep`` is drawn per replicate (:func:`draw_parameters`), the same
    draws at every point; each run's id then hashes the content of its drawn scenario.

    Returns:
        The :class:`Plan`.

    Raises:
        BatchInputError: Bad sizes, seeds, overrides, sweeps or reference.
        ScenarioError: A scenario file is missing or invalid.
    """
    names = [str(s) for s in scenarios] if scenarios else available_scenarios()
    if not names:
        raise BatchInputError("no scenarios given and none found in scenarios/")
    reps_n = _positive_int(reps, "--reps") or (QUICK_REPS if quick else DEFAULT_REPS)
    households = _positive_int(households, "--households")
    months = _positive_int(months, "--months")
    if seed is None:
        seed = DEFAULT_SEED
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or int(seed) < 0:
        raise BatchInputError(f"--seed: must be a non-negative integer, got {seed!r}")
    root_seed = int(seed)

    # Sizes: --quick, then explicit flags, then --set (which may not contradict a flag).
    overrides: dict[str, Any] = {}
    flags: dict[str, str] = {}
    if quick:
        overrides.update({"population.households": QUICK_HOUSEHOLDS, "months": QUICK_MONTHS})
    explicit = {}
    if households is not None:
        explicit["population.households"] = households
        flags["population.households"] = "--households"
    if months is not None:
        explicit["months"] = months
        flags["months"] = "--months"
    overrides.update(explicit)
    for key, value in dict(set or {}).items():
        if key in {"name", "description"}:
            raise BatchInputError(f"--set {key}: a scenario's {key} cannot be overridden")
        if key in explicit and explicit[key] != value:
            raise BatchInputError(
                f"--set {key}={_compact(value)} contradicts {flags[key]} {explicit[key]}"
            )
        overrides[key] = value
        flags.setdefault(key, "--set")
    sweep_items: list[tuple[str, list[Any]]] = []
    for key, values in dict(sweep or {}).items():
        values = list(values) if not isinstance(values, (str, bytes)) else [values]
        if not values:
            raise BatchInputError(f"--sweep {key}: needs at least one value")
        if key in {"name", "description"} or key in _RESERVED:
            raise BatchInputError(f"--sweep {key}: this field cannot be swept")
        if key in explicit or (set and key in set):
            raise BatchInputError(f"--sweep {key}: the field is also fixed by {flags[key]}")
        flags[key] = "--sweep"
        sweep_items.append((key, values))
    sweep_keys = [k for k, _ in sweep_items]

    version = _sinergi_version()
    seeds = replicate_seeds(root_seed, reps_n)
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

    scenario_names = list(dict.fromkeys(p.scenario for p in points))
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

    drawn: dict[str, tuple[float, float]] = {}
    if uncertain:
        fixed = {*overrides, *sweep_keys}
        drawn = {k: info["range"] for k, info in uncertain_parameters().items() if k not in fixed}
        draws = [draw_parameters(seeds[r], drawn) for r in range(reps_n)]
        runs = []
        for i, p in enumerate(points):
            for r in range(reps_n):
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
        "set": dict(set or {}),
        "sweep": {k: v for k, v in sweep_items},
        "quick": bool(quick),
    }
    if uncertain:  # absent otherwise: batches without it keep their manifest and folder name
        arguments["uncertain"] = True
    return Plan(points, runs, reps_n, root_seed, ref, note, sweep_keys, overrides, arguments, drawn)


def show(plan: Plan) -> str:
    """Each resolved scenario point as TOML, preceded by a comment line naming it.

    Args:
        plan: The plan.

    Returns:
        Text to print.
    """
    import tomli_w

    chunks = []
    for p in plan.points:
        head = (
            f"# scenario {p.label}: content hash {p.content_hash}, {plan.reps} replicates, "
            f"from {p.source}"
        )
        try:
            body = tomli_w.dumps(p.payload)
        except (TypeError, ValueError):  # a value TOML cannot hold (None): fall back to JSON
            body = json.dumps(p.payload, indent=2)
        chunks.append(f"{head}\n{body}")
    return "\n".join(chunks)


# --------------------------------------------------------------------------------------------
# One run (the worker)
# --------------------------------------------------------------------------------------------


def run_file_bytes(timeseries: pd.DataFrame, provenance: Mapping[str, Any]) -> bytes:
    """Encode a run's monthly time series as Parquet with its provenance in the metadata.

    Args:
        timeseries: ``PovertyModel.timeseries()``.
        provenance: JSON-ready provenance (format, run id, scenario, content hash, replicate,
            seeds, version, sweep values).

    Returns:
        The Parquet file's bytes (deterministic for the same data and library versions).
    """
    table = pa.Table.from_pandas(timeseries, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[META_KEY] = json.dumps(dict(provenance), sort_keys=True, default=str).encode()
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def execute_run(task: Mapping[str, Any]) -> tuple[str, bytes, float]:
    """Run one simulation and return its file: the function every executor calls.

    It is a top-level function of plain data in and bytes out, so it works in a spawned
    process and on a Dask worker alike; the seed comes in the task (never from the worker).

    Args:
        task: ``run_id``, ``scenario`` (JSON data), ``content_hash``, ``seed``,
            ``sinergi_version`` and ``provenance``.

    Returns:
        ``(run_id, parquet_bytes, seconds)``.

    Raises:
        RuntimeError: When the worker's Sinergi version or the scenario's content differs from
            the driver's (results would not be what the run id promises).
    """
    version = _sinergi_version()
    if version != task["sinergi_version"]:
        raise RuntimeError(
            f"worker runs Sinergi {version}, the batch needs {task['sinergi_version']}"
        )
    sc = Scenario.model_validate(task["scenario"])
    if sc.content_hash() != task["content_hash"]:
        raise RuntimeError("the scenario changed on its way to the worker (content hash differs)")
    start = time.perf_counter()
    check = {"check": True} if task.get("check") else {}  # invariants: never change numbers
    with accel.one_thread():  # runs side by side: one core each (the numbers never depend on it)
        ts = PovertyModel(sc, rng=int(task["seed"]), **check).run().timeseries()
    seconds = time.perf_counter() - start
    return task["run_id"], run_file_bytes(ts, task["provenance"]), seconds


def _ignore_sigint() -> None:  # pragma: no cover - runs in worker processes
    """Let the driver alone handle Ctrl-C (workers are then stopped by the driver)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# --------------------------------------------------------------------------------------------
# Executors: each yields (run_id, bytes, seconds) as runs finish
# --------------------------------------------------------------------------------------------


def _describe(task: Mapping[str, Any]) -> str:
    prov = task["provenance"]
    return f"run {task['run_id']} ({prov['scenario']}, replicate {prov['replicate']})"


def _in_process(tasks: Iterable[dict[str, Any]]) -> Iterator[tuple[str, bytes, float]]:
    for task in tasks:
        try:
            result = execute_run(task)
        except Exception as exc:
            raise BatchError(f"{_describe(task)} failed: {type(exc).__name__}: {exc}") from exc
        yield result


def _processes(tasks: Iterable[dict[str, Any]], workers: int) -> Iterator[tuple[str, bytes, float]]:
    ctx = multiprocessing.get_context("spawn")  # same behaviour on every platform; fork-safe
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint)
    pending: dict[cf.Future[tuple[str, bytes, float]], dict[str, Any]] = {}
    it = iter(tasks)
    finished = False
    try:
        for task in itertools.islice(it, workers * WINDOW_PER_WORKER):
            pending[pool.submit(execute_run, task)] = task
        while pending:
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                task = pending.pop(fut)
                try:
                    result = fut.result()
                except Exception as exc:
                    raise BatchError(
                        f"{_describe(task)} failed: {type(exc).__name__}: {exc}"
                    ) from exc
                nxt = next(it, None)
                if nxt is not None:
                    pending[pool.submit(execute_run, nxt)] = nxt
                yield result
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # interrupted or failed: stop the workers now rather than finish their runs
            procs = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in procs:
                with contextlib.suppress(Exception):
                    proc.terminate()


def _dask(tasks: Iterable[dict[str, Any]], scheduler: str) -> Iterator[tuple[str, bytes, float]]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise BatchError(
            "--scheduler needs Dask: install the dask extra (pip install -e '.[dask]')"
        ) from None
    try:
        client = Client(scheduler, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
    try:
        threads = sum(client.nthreads().values()) or 1
        it = iter(tasks)
        submitted: dict[str, dict[str, Any]] = {}

        def submit(task: dict[str, Any]) -> Any:
            # pure=False: Dask must not reuse a cached result for a seemingly equal call.
            # retries: a task on a worker that died is run again elsewhere (same seed, same
            # bytes); a run that raises is retried too, then reported.
            fut = client.submit(execute_run, task, pure=False, retries=2)
            submitted[fut.key] = task
            return fut

        queue = as_completed(
            [submit(task) for task in itertools.islice(it, threads * WINDOW_PER_WORKER)],
            loop=client.loop,
        )
        for fut in queue:
            task = submitted.pop(fut.key)
            try:
                result = fut.result()
            except Exception as exc:
                raise BatchError(f"{_describe(task)} failed: {type(exc).__name__}: {exc}") from exc
            finally:
                fut.release()
            nxt = next(it, None)
            if nxt is not None:
                queue.add(submit(nxt))
            yield result
    finally:
        with contextlib.suppress(Exception):
            client.close()


# --------------------------------------------------------------------------------------------
# The results folder
# --------------------------------------------------------------------------------------------


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is whole or absent."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise BatchError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write_text(path: Path, text: str) -> None:
    _write_atomic(path, text.encode("utf-8"))


def _remove_temporaries(folder: Path) -> int:
    """Remove temporary files left by a killed process (the folder lock says none is alive)."""
    n = 0
    for sub in (folder, folder / "runs", folder / "figures", folder / "scenarios"):
        if sub.is_dir():
            for tmp in sub.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    tmp.unlink()
                    n += 1
    return n


def read_provenance(path: Path) -> dict[str, Any] | None:
    """The provenance stored in a run file's Parquet metadata (None if unreadable)."""
    try:
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta[META_KEY])
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the results folder (released when the process dies)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    try:
        handle = open(folder / ".lock", "a+")  # noqa: SIM115 - held for the whole batch
    except OSError as exc:
        raise BatchError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BatchError(
                f"another batch is writing into {folder}; wait for it or use another --out"
            ) from None
        yield
    finally:
        handle.close()


def _versions() -> dict[str, str]:
    import mesa
    import scipy

    return {
        "sinergi": _sinergi_version(),
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "numba": accel.numba.__version__ if accel.AVAILABLE else "not installed",
    }


def _platform() -> dict[str, Any]:
    return {
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "python_implementation": platform.python_implementation(),
        "cpu_count": os.cpu_count(),
        # recorded figures of the compiled path and of the numpy reference differ in the last
        # bits (about 1e-15 relative; sim.recording); the simulated households do not
        "compiled_kernels": bool(accel.enabled),
    }


def _git() -> dict[str, Any]:
    """Commit of the project checkout, if it is one (failures are tolerated)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # never touch the repository's index
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
        )
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
        )
        dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
        return {"commit": commit.stdout.strip(), "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _check_folder(out: Path, plan: Plan, version: str) -> dict[str, Any] | None:
    """Refuse a results folder that holds another kind of batch; return its manifest."""
    if out.exists() and not out.is_dir():
        raise BatchInputError(f"--out {out}: exists and is not a folder")
    if not out.is_dir():
        return None
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        others = [p.name for p in out.iterdir() if p.name != ".lock"]
        if others:
            raise BatchInputError(
                f"--out {out}: the folder is not empty and holds no Sinergi manifest.json; "
                "give a new or empty folder"
            )
        return None
    try:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
        fmt, old_seed = old["format"], old["root_seed"]
        old_version = old["versions"]["sinergi"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BatchInputError(
            f"--out {out}: manifest.json is unreadable ({type(exc).__name__}); use another --out"
        ) from None
    if fmt != RESULTS_FORMAT:
        raise BatchInputError(
            f"--out {out}: holds results format {fmt}, this Sinergi writes {RESULTS_FORMAT}; "
            "use another --out"
        )
    if old_seed != plan.root_seed:
        raise BatchInputError(
            f"--out {out}: holds a batch with root seed {old_seed}, this command uses "
            f"{plan.root_seed}; use --seed {old_seed} or another --out"
        )
    if old_version != version:
        raise BatchInputError(
            f"--out {out}: was written by Sinergi {old_version}, this is {version}; "
            "use another --out"
        )
    if bool(old.get("parameter_uncertainty")) != plan.uncertain:
        held = "with" if old.get("parameter_uncertainty") else "without"
        raise BatchInputError(
            f"--out {out}: holds a batch {held} --uncertain; match it or use another --out"
        )
    return old


def _index_frame(
    plan: Plan,
    status: Mapping[str, str],
    seconds: Mapping[str, float],
    errors: Mapping[str, str],
) -> pd.DataFrame:
    """The runs index: one row per (point, replicate) of this batch."""
    rows = []
    for spec in plan.runs:
        p = plan.points[spec.point]
        row: dict[str, Any] = {
            "run_id": spec.run_id,
            "scenario": p.scenario,
            "content_hash": p.content_hash,
        }
        row.update({k: v for k, v in p.sweep})
        row.update({f"draw.{k}": v for k, v in spec.draws})
        row.update(
            replicate=spec.replicate,
            seed=spec.seed,
            status=status.get(spec.run_id, "pending"),
            seconds=seconds.get(spec.run_id, np.nan),
            error=errors.get(spec.run_id, ""),
            file=f"runs/{spec.run_id}.parquet",
        )
        rows.append(row)
    frame = pd.DataFrame(rows)
    for key in plan.sweep_keys:  # a column of mixed types cannot be stored: keep it as text
        if frame[key].dtype == object and frame[key].map(type).nunique() > 1:
            frame[key] = frame[key].map(_compact)
    frame["replicate"] = frame["replicate"].astype("int64")
    frame["seed"] = frame["seed"].astype("int64")
    return frame


def _write_index(out: Path, frame: pd.DataFrame, plan: Plan) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[META_KEY] = json.dumps(
        {"format": RESULTS_FORMAT, "sweep_keys": plan.sweep_keys, "reference": plan.reference}
    ).encode()
    sink = pa.BufferOutputStream()
    pq.write_table(table.replace_schema_metadata(meta), sink)
    _write_atomic(out / "runs.parquet", sink.getvalue().to_pybytes())


def _manifest(
    plan: Plan,
    command: Sequence[str],
    out: Path,
    old: Mapping[str, Any] | None,
    started: str,
    workers: int,
    scheduler: str | None,
) -> dict[str, Any]:
    history = list(old.get("history", [])) if old else []
    return {
        "format": RESULTS_FORMAT,
        "command": shlex.join(command),
        "argv": list(command),
        "cwd": str(Path.cwd()),
        "results_folder": str(out),
        "root_seed": plan.root_seed,
        "replicate_seeds": "numpy.random.SeedSequence(root_seed).spawn(reps); "
        "seed = first uint64 of the child's generate_state, shifted right by one bit",
        "reps": plan.reps,
        "reference": plan.reference,
        "reference_requested": plan.arguments.get("reference") or DEFAULT_REFERENCE,
        "reference_note": plan.reference_note,
        "baseline_for_value_for_money": BASELINE if BASELINE in plan.scenario_names else None,
        "arguments": plan.arguments,
        "overrides": plan.overrides,
        "sweep_keys": plan.sweep_keys,
        "scenarios": [
            {
                "scenario": p.scenario,
                "sweep": dict(p.sweep),
                "content_hash": p.content_hash,
                "households": p.config.population.households,
                "months": p.config.months,
                "source": p.source,
                "file": f"scenarios/{p.content_hash}.json",
            }
            for p in plan.points
        ],
        "runs": {"total": len(plan.unique_run_ids), "reused": None, "computed": None},
        "executor": {"kind": None, "workers": workers, "scheduler": scheduler},
        "versions": _versions(),
        "platform": _platform(),
        "git": _git(),
        "started": started,
        "finished": None,
        "status": "running",
        "history": history,
        **(
            {
                "parameter_uncertainty": True,
                "drawn_parameters": [
                    {"parameter": k, "range": list(v), "column": f"draw.{k}"}
                    for k, v in plan.drawn.items()
                ],
                "parameter_draws": "uniform within each range, per replicate, from "
                "numpy.random.default_rng([replicate seed, 0x756E63]) in sorted parameter "
                "order; the same draws at every scenario point",
            }
            if plan.uncertain
            else {}
        ),
    }


# --------------------------------------------------------------------------------------------
# Summary of a finished batch
# --------------------------------------------------------------------------------------------


def _numeric_columns(ts: pd.DataFrame) -> list[str]:
    return [c for c in ts.columns if c != "month" and pd.api.types.is_numeric_dtype(ts[c].dtype)]


def summarise_folder(out: Path, plan: Plan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summary statistics and headcount bands of a batch, reading runs back one at a time.

    Args:
        out: The results folder.
        plan: The batch's plan (its runs must all be stored).

    Returns:
        ``(summary, headcount)``: the summary table (``docs/outputs.md``) and a tidy frame of
        the headcount's mean and 95% band per point and month.
    """
    keys = plan.keys
    metrics: dict[str, None] = {}
    per_run: list[dict[str, Any]] = []
    vfm_rows: list[dict[str, Any]] = []
    p0: dict[int, list[np.ndarray]] = {}
    months_of: dict[int, np.ndarray] = {}
    baseline_point = {p.sweep: i for i, p in enumerate(plan.points) if p.scenario == BASELINE}
    by_point_rep = {(s.point, s.replicate): s.run_id for s in plan.runs}
    for spec in plan.runs:
        p = plan.points[spec.point]
        ts = pd.read_parquet(out / "runs" / f"{spec.run_id}.parquet")
        cols = _numeric_columns(ts)
        metrics.update(dict.fromkeys(cols))
        ident = {"scenario": p.scenario, **dict(p.sweep), "replicate": spec.replicate}
        values = ts[cols].astype(np.float64)
        per_run.append({**ident, "statistic": "final", **values.iloc[-1].to_dict()})
        later = values[ts["month"].to_numpy() >= 1] if len(ts) > 1 else values
        per_run.append({**ident, "statistic": "run_mean", **later.mean().to_dict()})
        if "p0" in ts:
            p0.setdefault(spec.point, []).append(ts["p0"].to_numpy(np.float64))
            months_of[spec.point] = ts["month"].to_numpy()
        base = baseline_point.get(p.sweep)
        if base is not None and p.scenario != BASELINE:
            base_id = by_point_rep[(base, spec.replicate)]
            base_ts = pd.read_parquet(out / "runs" / f"{base_id}.parquet")
            vfm = value_for_money_frames(ts, base_ts)
            vfm_rows.append({**ident, "statistic": "value_for_money", **vfm})
    frame = pd.DataFrame(per_run)
    summary = stats.summarise(frame, keys, plan.reference, list(metrics))
    if vfm_rows:
        vfm_frame = pd.DataFrame(vfm_rows)
        vfm_metrics = [c for c in vfm_frame.columns if c not in [*keys, "replicate", "statistic"]]
        vfm_summary = stats.summarise_samples(vfm_frame, keys, vfm_metrics)
        vfm_summary["reference"] = BASELINE
        summary = pd.concat([summary, vfm_summary], ignore_index=True)
    summary["n"] = summary["n"].astype("int64")
    summary["diff_n"] = summary["diff_n"].astype("int64")

    bands = []
    for i, series in p0.items():
        lengths = {len(s) for s in series}
        if len(lengths) != 1:
            continue
        mean, low, high = stats.band(np.vstack(series))
        point = plan.points[i]
        bands.append(
            pd.DataFrame(
                {
                    "label": point.label,
                    "scenario": point.scenario,
                    "month": months_of[i],
                    "mean": mean,
                    "low": low,
                    "high": high,
                    "n": len(series),
                }
            )
        )
    headcount = pd.concat(bands, ignore_index=True) if bands else pd.DataFrame()
    return summary, headcount


# --------------------------------------------------------------------------------------------
# Running a batch
# --------------------------------------------------------------------------------------------


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def execute_batch(
    plan: Plan,
    *,
    out: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    command: Sequence[str] | None = None,
    echo: Callable[[str], None] | None = None,
    check: bool = False,
    lang: str = "en",
) -> Path:
    """Run a planned batch into a results folder, resuming whatever is already there.

    Args:
        plan: From :func:`plan_batch`.
        out: Results folder (default ``plan.default_out()``).
        workers: Local processes (default: all cores; 1 runs in this process).
        scheduler: Address of a running Dask scheduler; when given, runs go there instead.
        progress: Show a progress bar (stderr) and messages (``echo``).
        command: The command line recorded in the manifest.
        echo: Where messages go (default ``print`` when ``progress``, else nowhere).
        check: Check the invariants of ``sim.invariants`` every month of every run; a
            violation fails the run (exit code 1 on the command line).
        lang: Language of the report: ``"en"`` (English) or ``"id"`` (Bahasa Indonesia).

    Returns:
        The results folder.

    Raises:
        BatchInputError: The folder holds a conflicting batch, or bad arguments.
        BatchError: A run failed or a file could not be written (finished runs are kept).
    """
    say = echo or (print if progress else (lambda _msg: None))
    workers_n = _positive_int(workers, "--workers") or default_workers()
    folder = Path(out) if out is not None else plan.default_out()
    version = _sinergi_version()
    old = _check_folder(folder, plan, version)
    try:
        (folder / "runs").mkdir(parents=True, exist_ok=True)
        (folder / "scenarios").mkdir(exist_ok=True)
    except OSError as exc:
        raise BatchError(f"--out {folder}: cannot create the folder ({exc.strerror})") from None
    say(f"results folder: {folder}")
    command = list(command) if command is not None else ["sim.run_batch"]

    with _folder_lock(folder):
        _remove_temporaries(folder)
        started = _now()
        manifest = _manifest(plan, command, folder, old, started, workers_n, scheduler)
        for p in plan.points:
            path = folder / "scenarios" / f"{p.content_hash}.json"
            if not path.exists():
                _write_text(path, json.dumps(p.payload, indent=2) + "\n")

        ids = plan.unique_run_ids
        first_spec = {}
        for spec in plan.runs:
            first_spec.setdefault(spec.run_id, spec)
        status: dict[str, str] = {}
        seconds: dict[str, float] = {}
        errors: dict[str, str] = {}
        old_seconds: dict[str, float] = {}
        with contextlib.suppress(Exception):
            prev = pd.read_parquet(folder / "runs.parquet", columns=["run_id", "seconds"])
            old_seconds = dict(zip(prev["run_id"], prev["seconds"], strict=True))
        for rid in ids:
            prov = read_provenance(folder / "runs" / f"{rid}.parquet")
            if prov and prov.get("run_id") == rid and prov.get("format") == RESULTS_FORMAT:
                status[rid] = "done"
                if rid in old_seconds:
                    seconds[rid] = old_seconds[rid]
        reused = len(status)
        missing = [rid for rid in ids if rid not in status]
        n_proc = min(workers_n, len(missing))
        kind = "dask" if scheduler else ("processes" if n_proc > 1 else "in-process")
        manifest["executor"] = {"kind": kind, "workers": max(n_proc, 1), "scheduler": scheduler}
        manifest["runs"].update(reused=reused, computed=0)
        _write_text(folder / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")
        _write_index(folder, _index_frame(plan, status, seconds, errors), plan)

        points = plan.points
        n_pts = len({p.scenario for p in points})
        size = sorted({(p.config.population.households, p.config.months) for p in points})
        size_text = "; ".join(f"{h:,} households x {m} months" for h, m in size)
        say(
            f"batch: {n_pts} scenario{'s' if n_pts != 1 else ''}"
            + (f" x {len(points) // n_pts} sweep points" if plan.sweep_keys else "")
            + f" x {plan.reps} replicates = {len(ids)} runs ({size_text}); "
            f"root seed {plan.root_seed}"
        )
        if plan.reference_note:
            say(plan.reference_note)
        if missing:
            where = {
                "dask": f"Dask at {scheduler}",
                "processes": f"{n_proc} local processes",
                "in-process": "this process",
            }[kind]
            say(f"reused {reused} of {len(ids)} runs; computing {len(missing)} on {where}")
        else:
            say(f"reused {reused} of {len(ids)} runs")

        def tasks() -> Iterator[dict[str, Any]]:
            for rid in missing:
                spec = first_spec[rid]
                p = points[spec.point]
                content_hash = spec.content_hash or p.content_hash
                drawn = {"draws": dict(spec.draws)} if spec.payload is not None else {}
                yield {
                    "run_id": rid,
                    "scenario": spec.payload if spec.payload is not None else p.payload,
                    "content_hash": content_hash,
                    "seed": spec.seed,
                    "sinergi_version": version,
                    "check": check,
                    "provenance": {
                        "format": RESULTS_FORMAT,
                        "run_id": rid,
                        "scenario": p.scenario,
                        "sweep": dict(p.sweep),
                        "content_hash": content_hash,
                        "replicate": spec.replicate,
                        "seed": spec.seed,
                        "root_seed": plan.root_seed,
                        "sinergi_version": version,
                        **drawn,
                    },
                }

        if kind == "dask":
            results = _dask(tasks(), str(scheduler))
        elif kind == "processes":
            results = _processes(tasks(), n_proc)
        else:
            results = _in_process(tasks())

        from tqdm import tqdm

        bar = tqdm(
            total=len(ids),
            initial=reused,
            unit="run",
            desc="runs",
            file=sys.stderr,
            disable=not progress or not missing,
            dynamic_ncols=True,
        )
        final_status = "failed"
        last_index = time.monotonic()
        try:
            for rid, data, secs in results:
                _write_atomic(folder / "runs" / f"{rid}.parquet", data)
                status[rid] = "done"
                seconds[rid] = secs
                bar.update(1)
                if time.monotonic() - last_index > INDEX_EVERY_SECONDS:
                    _write_index(folder, _index_frame(plan, status, seconds, errors), plan)
                    last_index = time.monotonic()
            final_status = "complete"
        except KeyboardInterrupt:
            final_status = "interrupted"
            raise
        except BatchError as exc:
            failed = re.match(r"run ([0-9a-f]{16}) ", str(exc))
            if failed:
                status[failed.group(1)] = "failed"
                errors[failed.group(1)] = str(exc)
            raise BatchError(
                f"{exc}; {len(status) - (1 if failed else 0)} of {len(ids)} runs are stored in "
                f"{folder}: rerun the same command to resume"
            ) from exc
        finally:
            bar.close()
            computed = sum(1 for rid in missing if status.get(rid) == "done")
            manifest["runs"].update(computed=computed)
            with contextlib.suppress(BatchError):
                _write_index(folder, _index_frame(plan, status, seconds, errors), plan)
            if final_status != "complete":
                manifest.update(finished=_now(), status=final_status)
                manifest["history"].append(_history_entry(manifest))
                with contextlib.suppress(BatchError):
                    _write_text(
                        folder / "manifest.json",
                        json.dumps(manifest, indent=2, default=str) + "\n",
                    )

        say(f"summarising {len(ids)} runs")
        summary, headcount = summarise_folder(folder, plan)
        _write_text(folder / "summary.csv", summary.to_csv(index=False, lineterminator="\n"))
        manifest.update(finished=_now(), status="complete")
        manifest["history"].append(_history_entry(manifest))
        _write_text(folder / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")
        try:
            report.write_report(folder, manifest, summary, headcount, plan.keys, lang=lang)
        except OSError as exc:
            raise BatchError(f"cannot write the report in {folder}: {exc}") from None
    return folder


def _history_entry(manifest: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "command": manifest["command"],
        "started": manifest["started"],
        "finished": manifest["finished"],
        "status": manifest["status"],
        "runs": dict(manifest["runs"]),
    }


def run_batch(
    scenarios: Sequence[str | os.PathLike[str]] | None = None,
    *,
    reps: int | None = None,
    households: int | None = None,
    months: int | None = None,
    seed: int | None = None,
    reference: str | None = None,
    set: Mapping[str, Any] | None = None,  # noqa: A002 - the command line's --set
    sweep: Mapping[str, Sequence[Any]] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | os.PathLike[str] | None = None,
    quick: bool = False,
    progress: bool = True,
    check: bool = False,
    lang: str = "en",
    uncertain: bool = False,
) -> Path:
    """Run scenarios x sweep points x replicates and write the results folder.

    The Python face of ``run_scenarios.py``, with the same options and the same results.

    Args:
        scenarios: Names in ``scenarios/`` or paths to TOML files (default: all available).
        reps: Replicates per scenario point (default 20; 3 with ``quick``).
        households: Simulated households in every scenario (default: each scenario's own).
        months: Horizon in months of every scenario (default: each scenario's own).
        seed: Root seed (default :data:`DEFAULT_SEED`).
        reference: Scenario the others are compared with (default ``competition``, or the
            first scenario when ``competition`` is not in the batch).
        set: Dotted field paths mapped to values, applied to every scenario.
        sweep: Dotted field paths mapped to lists of values; every combination is run.
        workers: Local processes (default: all cores; 1 runs in this process).
        scheduler: Address of a running Dask scheduler (``tcp://host:8786``).
        out: Results folder (default ``results/<name derived from the arguments>``).
        quick: Small sizes for a smoke run (2,000 households, 24 months, 3 replicates; the
            explicit arguments win).
        progress: Show a progress bar and messages.
        check: Check the model's invariants every month (``sim.invariants``).
        lang: Language of the report: ``"en"`` (English) or ``"id"`` (Bahasa Indonesia).
        uncertain: Draw every uncertain parameter not fixed by ``set``, a size or ``sweep``
            uniformly within its range per replicate (the same draws at every point), so that
            CIs include parameter uncertainty.

    Returns:
        The results folder (read it with :func:`load_results`).

    Raises:
        BatchInputError: Bad arguments or a conflicting results folder.
        ScenarioError: A scenario file is missing or invalid.
        BatchError: A run failed or a file could not be written.
    """
    if lang not in report.LANGS:
        raise BatchInputError(f"lang: must be one of {', '.join(report.LANGS)}, got {lang!r}")
    plan = plan_batch(
        scenarios,
        reps=reps,
        households=households,
        months=months,
        seed=seed,
        reference=reference,
        set=set,
        sweep=sweep,
        quick=quick,
        uncertain=uncertain,
    )
    call = {
        k: v
        for k, v in {
            "scenarios": [str(s) for s in scenarios] if scenarios else None,
            "reps": reps,
            "households": households,
            "months": months,
            "seed": seed,
            "reference": reference,
            "set": dict(set) if set else None,
            "sweep": {k: list(v) for k, v in sweep.items()} if sweep else None,
            "workers": workers,
            "scheduler": scheduler,
            "out": str(out) if out is not None else None,
            "quick": quick or None,
            "check": check or None,
            "lang": lang if lang != "en" else None,
            "uncertain": uncertain or None,
        }.items()
        if v is not None
    }
    command = ["sim.run_batch", *(f"{k}={v!r}" for k, v in call.items())]
    return execute_batch(
        plan,
        out=out,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        command=command,
        check=check,
        lang=lang,
    )


# --------------------------------------------------------------------------------------------
# Reading a results folder
# --------------------------------------------------------------------------------------------


@dataclass
class Results:
    """A results folder, read back.

    Attributes:
        folder: The folder.
        manifest: ``manifest.json``.
        runs: ``runs.parquet``: one row per (scenario point, replicate) of the batch.
        summary: ``summary.csv`` (empty when the batch did not finish).
    """

    folder: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    summary: pd.DataFrame

    @property
    def keys(self) -> list[str]:
        """Columns identifying a scenario point: ``scenario`` and the swept fields."""
        return ["scenario", *self.manifest.get("sweep_keys", [])]

    def read_run(self, run_id: str) -> pd.DataFrame:
        """One run's monthly time series."""
        return pd.read_parquet(self.folder / "runs" / f"{run_id}.parquet")

    def load_timeseries(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Tidy time series of the finished runs, optionally only some metric columns.

        Args:
            columns: Metric columns to read (``month`` is always read); default all.

        Returns:
            One row per run x month: ``run_id``, the ``keys`` columns, ``replicate``,
            ``month`` and the metrics.
        """
        frames = []
        cols = None if columns is None else ["month", *[c for c in columns if c != "month"]]
        done = self.runs[self.runs["status"] == "done"]
        for row in done.to_dict("records"):
            ts = pd.read_parquet(self.folder / row["file"], columns=cols)
            ident = {"run_id": row["run_id"], **{k: row[k] for k in self.keys}}
            ident["replicate"] = row["replicate"]
            frames.append(ts.assign(**ident)[[*ident, *ts.columns]])
        if not frames:
            return pd.DataFrame(columns=["run_id", *self.keys, "replicate", "month"])
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """Tidy time series of every finished run (see :meth:`load_timeseries`)."""
        return self.load_timeseries()


def load_results(folder: str | os.PathLike[str]) -> Results:
    """Read a results folder written by :func:`run_batch` or ``run_scenarios.py``.

    Args:
        folder: The results folder.

    Returns:
        The :class:`Results`; ``.timeseries`` is read on first use.

    Raises:
        FileNotFoundError: When the folder holds no manifest or runs index.
    """
    path = Path(folder)
    for name in ("manifest.json", "runs.parquet"):
        if not (path / name).is_file():
            raise FileNotFoundError(f"{path}: no {name} (not a Sinergi results folder)")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    runs = pd.read_parquet(path / "runs.parquet")
    summary_path = path / "summary.csv"
    summary = (
        pd.read_csv(summary_path, dtype={"scenario": str, "reference": str}, keep_default_na=True)
        if summary_path.is_file()
        else pd.DataFrame()
    )
    if not summary.empty:
        summary["reference"] = summary["reference"].fillna("")
    return Results(path, manifest, runs, summary)

"""Running a batch into a results folder: resume, run the missing runs, store, summarise, report.

This is the top of the stack under the command line (``run_scenarios.py``): it runs the
missing runs of a :class:`~sim.batch.plan.Plan` on an executor, stores each as it finishes,
then hands the stored results to ``sim.stats`` (summary) and ``sim.report`` (report and
figures). Neither of those imports this package.

* **Resume.** Rerunning a command into the same folder runs only the runs whose files are
  missing. A command with another root seed or Sinergi version is refused.
* **Flat memory.** Runs are submitted through a bounded window and written as they arrive; the
  summary reads them back from disk one at a time.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim import report
from sim.batch.errors import BatchError, BatchInputError
from sim.batch.executors import Result, default_workers, in_processes, in_this_process, on_dask
from sim.batch.identity import sinergi_version
from sim.batch.national import NATIONAL_PARTS, check_national, national_results, national_run_ids
from sim.batch.plan import Plan, plan_batch
from sim.batch.provenance import build_manifest, history_entry, now, write_manifest
from sim.batch.store import (
    RESULTS_FORMAT,
    check_folder,
    folder_lock,
    index_frame,
    read_provenance,
    remove_temporaries,
    write_atomic,
    write_index,
    write_text,
)
from sim.batch.summary import summarise_folder
from sim.batch.values import positive_int
from sim.kernels import prepare

INDEX_EVERY_SECONDS = 15.0
"""How often ``runs.parquet`` is refreshed during a long batch."""


@dataclass
class _RunStates:
    """Where the runs of a batch stand, by run id: stored or failed, seconds, error messages."""

    status: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def write_index(self, folder: Path, plan: Plan) -> None:
        """Write ``runs.parquet`` as the runs stand now."""
        write_index(folder, index_frame(plan, self.status, self.seconds, self.errors), plan)


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
        plan: From :func:`~sim.batch.plan.plan_batch`.
        out: Results folder (default ``plan.default_out()``).
        workers: Local processes (default: all cores; 1 runs in this process).
        scheduler: Address of a running Dask scheduler; when given, runs go there instead.
        progress: Show a progress bar (stderr) and messages (``echo``).
        command: The command line recorded in the manifest.
        echo: Where messages go (default ``print`` when ``progress``, else nowhere).
        check: Check the invariants of ``sim.invariants`` every month of every run; a
            violation fails the run (exit code 1 on the command line).
        lang: The report language written (and printed) first: ``"en"`` or ``"id"``. Every
            language is written side by side (``report.md``, ``report.id.md``).

    Returns:
        The results folder.

    Raises:
        BatchInputError: The folder holds a conflicting batch, or bad arguments.
        BatchError: A run failed or a file could not be written (finished runs are kept).
    """
    say = echo or (print if progress else (lambda _msg: None))
    workers_n = positive_int(workers, "--workers") or default_workers()
    folder = Path(out) if out is not None else plan.default_out()
    version = sinergi_version()
    old = check_folder(folder, plan, version)
    check_national(plan)
    try:
        (folder / "runs").mkdir(parents=True, exist_ok=True)
        (folder / "scenarios").mkdir(exist_ok=True)
    except OSError as exc:
        raise BatchError(f"--out {folder}: cannot create the folder ({exc.strerror})") from None
    say(f"results folder: {folder}")
    command = list(command) if command is not None else ["sim.run_batch"]

    with folder_lock(folder):
        remove_temporaries(folder)
        manifest = build_manifest(plan, command, folder, old, now(), workers_n, scheduler)
        _write_scenarios(folder, plan)
        runs = _stored_runs(folder, plan)
        reused = len(runs.status)
        missing = [rid for rid in plan.unique_run_ids if rid not in runs.status]
        national = national_run_ids(plan, missing)  # the nation by province: 38 models each
        n_proc = min(workers_n, len(missing) + (NATIONAL_PARTS - 1) * len(national))
        kind = "dask" if scheduler else ("processes" if n_proc > 1 else "in-process")
        manifest["executor"] = {"kind": kind, "workers": max(n_proc, 1), "scheduler": scheduler}
        manifest["runs"].update(reused=reused, computed=0)
        write_manifest(folder, manifest)
        runs.write_index(folder, plan)
        _announce(say, plan, reused, len(missing), kind, n_proc, scheduler)

        tasks = _tasks(plan, [rid for rid in missing if rid not in national], version, check)
        if kind == "dask":
            results = on_dask(tasks, str(scheduler))
        elif kind == "processes":
            results = in_processes(tasks, n_proc)
        else:
            if missing:
                prepare()  # this process runs the models: load the kernels before the first
            results = in_this_process(tasks)
        if national:  # first, each over the whole executor
            results = itertools.chain(
                national_results(
                    _tasks(plan, [rid for rid in missing if rid in national], version, check),
                    folder,
                    workers=n_proc if kind == "processes" else 1,
                    scheduler=scheduler,
                ),
                results,
            )
        _store(folder, plan, manifest, runs, missing, results, progress)
        _attribution(folder, plan, workers_n, say)
        _finish(folder, plan, manifest, say, lang)
    return folder


def _write_scenarios(folder: Path, plan: Plan) -> None:
    """Write each point's resolved scenario as ``scenarios/<content hash>.json`` (once)."""
    for p in plan.points:
        path = folder / "scenarios" / f"{p.content_hash}.json"
        if not path.exists():
            write_text(path, json.dumps(p.payload, indent=2) + "\n")


def _stored_runs(folder: Path, plan: Plan) -> _RunStates:
    """The runs of this batch already stored whole in the folder (and their recorded seconds)."""
    runs = _RunStates()
    old_seconds: dict[str, float] = {}
    with contextlib.suppress(Exception):
        prev = pd.read_parquet(folder / "runs.parquet", columns=["run_id", "seconds"])
        old_seconds = dict(zip(prev["run_id"], prev["seconds"], strict=True))
    for rid in plan.unique_run_ids:
        prov = read_provenance(folder / "runs" / f"{rid}.parquet")
        if prov and prov.get("run_id") == rid and prov.get("format") == RESULTS_FORMAT:
            runs.status[rid] = "done"
            if rid in old_seconds:
                runs.seconds[rid] = old_seconds[rid]
    return runs


def _announce(
    say: Callable[[str], None],
    plan: Plan,
    reused: int,
    n_missing: int,
    kind: str,
    n_proc: int,
    scheduler: str | None,
) -> None:
    """Say what the batch is, what is reused and where the missing runs are computed."""
    points = plan.points
    n_ids = len(plan.unique_run_ids)
    n_pts = len({p.scenario for p in points})
    size = sorted({(p.config.population.households, p.config.months) for p in points})
    size_text = "; ".join(f"{h:,} households x {m} months" for h, m in size)
    say(
        f"batch: {n_pts} scenario{'s' if n_pts != 1 else ''}"
        + (f" x {len(points) // n_pts} sweep points" if plan.sweep_keys else "")
        + f" x {plan.reps} replicates = {n_ids} runs ({size_text}); "
        f"root seed {plan.root_seed}"
    )
    if plan.reference_note:
        say(plan.reference_note)
    if n_missing:
        where = {
            "dask": f"Dask at {scheduler}",
            "processes": f"{n_proc} local processes",
            "in-process": "this process",
        }[kind]
        say(f"reused {reused} of {n_ids} runs; computing {n_missing} on {where}")
    else:
        say(f"reused {reused} of {n_ids} runs")


def _tasks(
    plan: Plan, missing: Iterable[str], version: str, check: bool
) -> Iterator[dict[str, Any]]:
    """The task of each missing run, as plain data (see :func:`sim.batch.run.execute_run`)."""
    first_spec = {}
    for spec in plan.runs:
        first_spec.setdefault(spec.run_id, spec)
    for rid in missing:
        spec = first_spec[rid]
        p = plan.points[spec.point]
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
                "region": p.region,
                "sweep": dict(p.sweep),
                "content_hash": content_hash,
                "replicate": spec.replicate,
                "seed": spec.seed,
                "root_seed": plan.root_seed,
                "sinergi_version": version,
                **drawn,
            },
        }


def _store(
    folder: Path,
    plan: Plan,
    manifest: dict[str, Any],
    runs: _RunStates,
    missing: Sequence[str],
    results: Iterable[Result],
    progress: bool,
) -> None:
    """Write each run's file as it arrives; on failure or Ctrl-C, record how the batch stopped.

    Raises:
        BatchError: A run failed or its file could not be written; says how many runs are
            stored and that the same command resumes.
    """
    from tqdm import tqdm

    n_ids = len(plan.unique_run_ids)
    bar = tqdm(
        total=n_ids,
        initial=n_ids - len(missing),
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
            write_atomic(folder / "runs" / f"{rid}.parquet", data)
            runs.status[rid] = "done"
            runs.seconds[rid] = secs
            bar.update(1)
            if time.monotonic() - last_index > INDEX_EVERY_SECONDS:
                runs.write_index(folder, plan)
                last_index = time.monotonic()
        final_status = "complete"
    except KeyboardInterrupt:
        final_status = "interrupted"
        raise
    except BatchError as exc:
        failed = re.match(r"run ([0-9a-f]{16}) ", str(exc))
        if failed:
            runs.status[failed.group(1)] = "failed"
            runs.errors[failed.group(1)] = str(exc)
        raise BatchError(
            f"{exc}; {len(runs.status) - (1 if failed else 0)} of {n_ids} runs are stored in "
            f"{folder}: rerun the same command to resume"
        ) from exc
    finally:
        bar.close()
        _record_stop(folder, plan, manifest, runs, missing, final_status)


def _record_stop(
    folder: Path,
    plan: Plan,
    manifest: dict[str, Any],
    runs: _RunStates,
    missing: Sequence[str],
    final_status: str,
) -> None:
    """Write the index and, unless every run finished, the manifest of a stopped batch.

    A file that cannot be written here is let go: the error that stopped the batch is the one
    to report.
    """
    computed = sum(1 for rid in missing if runs.status.get(rid) == "done")
    manifest["runs"].update(computed=computed)
    with contextlib.suppress(BatchError):
        runs.write_index(folder, plan)
    if final_status != "complete":
        manifest.update(finished=now(), status=final_status)
        manifest["history"].append(history_entry(manifest))
        with contextlib.suppress(BatchError):
            write_manifest(folder, manifest)


def _attribution(folder: Path, plan: Plan, workers: int, say: Callable[[str], None]) -> None:
    """With ``--attribute``: what in the scenario pays against the reference (once per folder).

    Exact Shapley shares over the scenario's mechanisms, grouped as
    :data:`sim.analysis.attribution.BRIEF_COMPONENTS`, at the batch's points (sizes and
    ``--set`` values; parameters at their values, not drawn), ``attribute_reps`` paired
    replicates from the batch's root seed. Written to ``attribution.csv`` and
    ``attribution.json``; kept when a rerun asks for the same.
    """
    name = plan.arguments.get("attribute")
    if not name:
        return
    from sim.analysis import attribution

    target = next(p for p in plan.points if p.scenario == name and not p.sweep)
    ref = next(p for p in plan.points if p.scenario == plan.reference and not p.sweep)
    reps = int(plan.arguments["attribute_reps"])
    key = [target.content_hash, ref.content_hash, reps, plan.root_seed]
    old = attribution.read_attribution(folder)
    if old is not None and old.attrs.get("key") == key:
        return
    groups = attribution.brief_components(target.config)
    say(f"attribution: {name} vs {plan.reference}, {2 ** len(groups) + 1} sets x {reps} reps")
    table = attribution.attribute(
        target.config,
        ref.config,
        components=groups,
        reps=reps,
        seed=plan.root_seed,
        workers=workers,
    )
    table.attrs.update(scenario=name, reference=plan.reference, key=key)
    try:
        attribution.write_attribution(table, folder)
    except OSError as exc:
        raise BatchError(f"cannot write the attribution in {folder}: {exc}") from None


def _finish(
    folder: Path,
    plan: Plan,
    manifest: dict[str, Any],
    say: Callable[[str], None],
    lang: str,
) -> None:
    """Summarise the stored runs, mark the batch complete and write the reports.

    ``summary.csv``, then the reports of every language side by side (``report.md``,
    ``report.id.md``, their HTML and figures) and the spreadsheets (``summary.xlsx``,
    ``summary.id.xlsx``); ``lang`` is written first.
    """
    say(f"summarising {len(plan.unique_run_ids)} runs")
    summary, headcount = summarise_folder(folder, plan)
    write_text(folder / "summary.csv", summary.to_csv(index=False, lineterminator="\n"))
    manifest.update(finished=now(), status="complete")
    manifest["history"].append(history_entry(manifest))
    write_manifest(folder, manifest)
    langs = [lang, *(x for x in report.LANGS if x != lang)]
    try:
        report.write_report(folder, manifest, summary, headcount, plan.keys, lang=langs)
    except OSError as exc:
        raise BatchError(f"cannot write the report in {folder}: {exc}") from None


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
    discount_rate: float | None = None,
    attribute: str | None = None,
    attribute_reps: int | None = None,
    regions: Sequence[str] | None = None,
    baseline: str | None = None,
) -> Path:
    """Run scenarios x sweep points x replicates and write the results folder.

    The Python face of ``run_scenarios.py``, with the same options and the same results.

    Args:
        scenarios: Names in ``scenarios/`` or paths to TOML files (default: all available).
        reps: Replicates per scenario point (default 20; 3 with ``quick``).
        households: Simulated households in every scenario (default: each scenario's own).
        months: Horizon in months of every scenario (default: each scenario's own).
        seed: Root seed (default :data:`sim.batch.plan.DEFAULT_SEED`).
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
        lang: The report language written first: ``"en"`` or ``"id"``. Every language is
            written side by side (``report.md`` English, ``report.id.md`` Bahasa Indonesia).
        uncertain: Draw every uncertain parameter not fixed by ``set``, a size or ``sweep``
            uniformly within its range per replicate (the same draws at every point), so that
            CIs include parameter uncertainty.
        discount_rate: Social discount rate of value for money, per year (a fraction; default
            :data:`sim.measures.discounting.DISCOUNT_RATE_ANNUAL`, 6%). Changes the summary and
            the report, not the runs.
        attribute: A scenario of the batch whose difference from the reference is split among
            its mechanisms of cooperation (``attribution.csv``; the report's "What in <scenario>
            pays"); None: no attribution.
        attribute_reps: Paired replicates of the attribution (default 4).
        regions: Regions to run every scenario in (``--region``): a sweep over the field
            ``region``, names or BPS codes (``"NUSA TENGGARA TIMUR"``, ``"ntt"``, ``"5300"``,
            ``"Kota Kupang"``), stored under their canonical names.
        baseline: The scenario of the batch against which value for money is computed
            (``--baseline``; default ``no_programs`` when it is in the batch). Changes the
            summary and the report, not the runs.

    Returns:
        The results folder (read it with :func:`sim.batch.results.load_results`).

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
        discount_rate=discount_rate,
        attribute=attribute,
        attribute_reps=attribute_reps,
        regions=regions,
        baseline=baseline,
    )
    call = {
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
        "discount_rate": discount_rate,
        "regions": list(regions) if regions else None,
        "baseline": baseline,
    }
    command = ["sim.run_batch", *(f"{k}={v!r}" for k, v in call.items() if v is not None)]
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

"""Runs of the nation by province in a batch: each run's provinces on the batch's executor.

A point whose region is ``INDONESIA (by province)`` is not one model but 38
(``sim.regions.national``). Its runs are computed by the driver one after the other, each
spreading its provinces over the batch's executor (``--workers`` local processes or the
``--scheduler`` Dask cluster), before the batch's other runs. Each stores, like any run, the
monthly series in ``runs/<run id>.parquet`` (here the nation's), and beside it every
province's own series in ``provinces/<run id>.parquet`` (columns ``province``, ``code``, then
the run's).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sim.batch.errors import BatchError, BatchInputError
from sim.batch.executors import Result
from sim.batch.plan import Plan
from sim.batch.store import run_file_bytes, write_atomic
from sim.regions.catalogue import NATION_BY_PROVINCE, catalogue
from sim.regions.national import NationalInputError, plan_provinces, run_national
from sim.regions.workers import ProvinceFailed, process_pool, stop_pool
from sim.scenario import Scenario, ScenarioError

PROVINCES_DIR = "provinces"
"""Folder of the provinces' series of national runs, in the results folder."""
NATIONAL_PARTS = sum(r.level == "province" for r in catalogue())
"""Models in one national run (the provinces): how many workers it can keep busy."""


def national_run_ids(plan: Plan, run_ids: Iterable[str]) -> set[str]:
    """The runs among ``run_ids`` whose region is the nation by province."""
    national = {
        s.run_id for s in plan.runs if plan.points[s.point].config.region == NATION_BY_PROVINCE
    }
    return national & set(run_ids)


def check_national(plan: Plan) -> None:
    """Refuse, before anything runs, a national point whose provinces cannot be set up.

    Raises:
        BatchInputError: A province has no preset, or the size cannot give every province its
            minimum (one line naming the scenario).
    """
    for p in plan.points:
        if p.config.region != NATION_BY_PROVINCE:
            continue
        try:
            plan_provinces(p.config, 0)
        except (ScenarioError, NationalInputError) as exc:
            raise BatchInputError(f"{p.label}: {exc}") from None


def national_results(
    tasks: Iterable[dict[str, Any]], folder: Path, *, workers: int, scheduler: str | None
) -> Iterator[Result]:
    """Run national tasks one after the other, each over the executor; yield them as results.

    Args:
        tasks: Tasks of national runs (``sim.batch.execute._tasks``).
        folder: The results folder (the provinces' series are written there).
        workers: Local processes for the provinces (1: this process).
        scheduler: Address of a running Dask scheduler (then ``workers`` is not used).

    Yields:
        ``(run_id, parquet_bytes, seconds)`` of each national run.

    Raises:
        BatchError: A province failed or Dask cannot be reached; names the run.
    """
    client = pool = None
    finished = False
    try:
        for task in tasks:
            if scheduler and client is None:
                client = _client(scheduler)
            elif not scheduler and workers > 1 and pool is None:
                pool = process_pool(workers)  # started once for all the national runs
            yield _run(task, folder, client, pool)
        finished = True
    finally:
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
        if pool is not None:
            if finished:
                pool.shutdown(wait=True)
            else:
                stop_pool(pool)


def _run(task: dict[str, Any], folder: Path, client: Any, pool: Any) -> Result:
    prov = task["provenance"]
    what = f"run {task['run_id']} ({prov['scenario']}, replicate {prov['replicate']})"
    sc = Scenario.model_validate(task["scenario"])
    if sc.content_hash() != task["content_hash"]:
        raise BatchError(f"{what} failed: the scenario's content hash differs")
    try:
        run = run_national(
            sc, int(task["seed"]), client=client, pool=pool, check=bool(task["check"])
        )
    except (ProvinceFailed, ScenarioError, NationalInputError) as exc:
        raise BatchError(f"{what} failed: {exc}") from exc
    provenance = {
        **prov,
        "national": {"kept": list(run.kept), "not_combined": list(run.not_combined)},
    }
    (folder / PROVINCES_DIR).mkdir(exist_ok=True)
    write_atomic(
        folder / PROVINCES_DIR / f"{task['run_id']}.parquet",
        run_file_bytes(run.provinces, provenance),
    )
    return task["run_id"], run_file_bytes(run.timeseries, provenance), run.seconds


def _client(scheduler: str) -> Any:
    try:
        from dask.distributed import Client
    except ImportError:
        raise BatchError(
            "--scheduler needs Dask: install the dask extra (pip install -e '.[dask]')"
        ) from None
    try:
        return Client(scheduler, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchError(f"--scheduler {scheduler}: cannot connect ({exc})") from None

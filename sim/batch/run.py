"""One run of a batch: the function every executor calls, in any process or on any machine."""

from __future__ import annotations

import signal
import time
from collections.abc import Mapping
from typing import Any

from sim.batch.identity import sinergi_version
from sim.batch.store import run_file_bytes
from sim.kernels import one_thread, prepare
from sim.model import PovertyModel
from sim.scenario import Scenario


def execute_run(task: Mapping[str, Any]) -> tuple[str, bytes, float]:
    """Run one simulation and return its file: the function every executor calls.

    It is a top-level function of plain data in and bytes out, so it works in a spawned
    process and on a Dask worker alike; the seed comes in the task (never from the worker).
    The process is prepared (``sim.kernels.prepare``) before the first run it does.

    Args:
        task: ``run_id``, ``scenario`` (JSON data), ``content_hash``, ``seed``,
            ``sinergi_version`` and ``provenance``.

    Returns:
        ``(run_id, parquet_bytes, seconds)``: seconds of simulation (wall clock).

    Raises:
        RuntimeError: When the worker's Sinergi version or the scenario's content differs from
            the driver's (results would not be what the run id promises).
    """
    version = sinergi_version()
    if version != task["sinergi_version"]:
        raise RuntimeError(
            f"worker runs Sinergi {version}, the batch needs {task['sinergi_version']}"
        )
    sc = Scenario.model_validate(task["scenario"])
    if sc.content_hash() != task["content_hash"]:
        raise RuntimeError("the scenario changed on its way to the worker (content hash differs)")
    prepare()  # once per process (a Dask worker has no start hook of ours)
    start = time.perf_counter()
    check = {"check": True} if task.get("check") else {}  # invariants: never change numbers
    with one_thread():  # runs side by side: one core each (the numbers never depend on it)
        ts = PovertyModel(sc, rng=int(task["seed"]), **check).run().timeseries()
    seconds = time.perf_counter() - start
    return task["run_id"], run_file_bytes(ts, task["provenance"]), seconds


def start_worker() -> None:  # pragma: no cover - runs in worker processes
    """Start a worker process: leave Ctrl-C to the driver and prepare the kernels.

    The driver alone handles Ctrl-C (it then stops the workers); ``sim.kernels.prepare`` loads
    the compiled kernels before the first run, so no run compiles in its first month.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prepare()

"""Executors: run tasks in this process, in local processes or on Dask, yielding as they finish.

Each executor takes an iterable of tasks (see :func:`sim.batch.run.execute_run`) and yields
``(run_id, parquet_bytes, seconds)`` as runs finish. Tasks are submitted through a bounded
window and the driver writes each result as it arrives, so memory stays flat however long the
batch. A failed run raises :class:`~sim.batch.errors.BatchError` naming the run.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sim.batch.errors import BatchError
from sim.batch.run import execute_run, start_worker

WINDOW_PER_WORKER = 2
"""Runs in flight per worker: keeps workers busy without holding the whole batch in memory."""

Result = tuple[str, bytes, float]
"""What an executor yields per finished run: run id, Parquet bytes, seconds."""


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _describe(task: Mapping[str, Any]) -> str:
    prov = task["provenance"]
    return f"run {task['run_id']} ({prov['scenario']}, replicate {prov['replicate']})"


def _failed(task: Mapping[str, Any], exc: BaseException) -> BatchError:
    return BatchError(f"{_describe(task)} failed: {type(exc).__name__}: {exc}")


def in_this_process(tasks: Iterable[dict[str, Any]]) -> Iterator[Result]:
    """Run the tasks one after the other in this process."""
    for task in tasks:
        try:
            result = execute_run(task)
        except Exception as exc:
            raise _failed(task, exc) from exc
        yield result


def in_processes(tasks: Iterable[dict[str, Any]], workers: int) -> Iterator[Result]:
    """Run the tasks in ``workers`` spawned local processes.

    When the batch fails or is interrupted, the workers are stopped at once rather than left
    to finish their runs.
    """
    ctx = multiprocessing.get_context("spawn")  # same behaviour on every platform; fork-safe
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=start_worker)
    pending: dict[cf.Future[Result], dict[str, Any]] = {}
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
                    raise _failed(task, exc) from exc
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


def on_dask(tasks: Iterable[dict[str, Any]], scheduler: str) -> Iterator[Result]:
    """Run the tasks on the workers of a running Dask scheduler (address ``tcp://host:8786``).

    A task on a worker that died is run again elsewhere (same seed, same bytes).

    Raises:
        BatchError: Dask is not installed, the scheduler cannot be reached, or a run failed.
    """
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
                raise _failed(task, exc) from exc
            finally:
                fut.release()
            nxt = next(it, None)
            if nxt is not None:
                queue.add(submit(nxt))
            yield result
    finally:
        with contextlib.suppress(Exception):
            client.close()

"""Where the provinces of a national run are computed: here, on local processes or on Dask.

:func:`in_order` runs a function over tasks and yields the results **in the order of the
tasks**, computing up to a window of them at a time, so that the caller can add each result
to its totals as it comes, in one fixed order (the same bits whatever the executor), holding
at most the window's results. Tasks should come largest first: the window then keeps every
worker busy until the small ones at the end.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from sim.kernels import prepare

WINDOW_PER_WORKER = 2
"""Tasks in flight (or done, waiting for their turn) per worker."""


class ProvinceFailed(RuntimeError):
    """A task failed; the message names it (``describe(task)``) and the error."""


def start_worker() -> None:  # pragma: no cover - runs in worker processes
    """Start a local worker: Ctrl-C is the driver's; the kernels load before the first run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prepare()


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """``workers`` spawned local processes, each ready to run provinces (kernels loaded)."""
    ctx = multiprocessing.get_context("spawn")  # the same on every platform; fork-safe
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=start_worker)


def stop_pool(pool: cf.ProcessPoolExecutor) -> None:
    """Stop a pool's processes now (after a failure or Ctrl-C) rather than let them finish."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.terminate()


def in_order(
    fn: Callable[[Mapping[str, Any]], Any],
    tasks: Iterable[Mapping[str, Any]],
    *,
    workers: int = 1,
    client: Any = None,
    pool: cf.Executor | None = None,
    describe: Callable[[Mapping[str, Any]], str] = str,
) -> Iterator[Any]:
    """``fn(task)`` for each task, yielded in the order of ``tasks``.

    Args:
        fn: A top-level function (it is pickled to the workers).
        tasks: Plain-data tasks.
        workers: Local processes (1: in this process, one task after the other), started for
            these tasks and stopped after them. Ignored with ``client`` or ``pool``.
        client: A ``dask.distributed.Client``: the tasks run on its workers (a task whose
            worker died is run again elsewhere; same task, same result).
        pool: An executor that stays open for other calls (:func:`process_pool`: its start-up
            is paid once for several runs); its ``_max_workers`` sizes the window.
        describe: Names a task in the error of a failed one.

    Yields:
        The results, in the order of ``tasks``.

    Raises:
        ProvinceFailed: When a task raised (the other tasks are cancelled).
    """
    if client is not None:
        yield from _on_dask(fn, tasks, client, describe)
    elif pool is not None:
        size = int(getattr(pool, "_max_workers", 1))
        yield from _on_pool(fn, tasks, pool, size, describe)
    elif workers <= 1:
        for task in tasks:
            try:
                result = fn(task)
            except Exception as exc:
                raise ProvinceFailed(f"{describe(task)}: {type(exc).__name__}: {exc}") from exc
            yield result
    else:
        own = process_pool(workers)
        finished = False
        try:
            yield from _on_pool(fn, tasks, own, workers, describe)
            finished = True
        finally:
            if finished:
                own.shutdown(wait=True)
            else:  # failed or interrupted: stop the workers now rather than finish their runs
                stop_pool(own)


def _on_pool(
    fn: Callable[[Mapping[str, Any]], Any],
    tasks: Iterable[Mapping[str, Any]],
    pool: cf.Executor,
    workers: int,
    describe: Callable[[Mapping[str, Any]], str],
) -> Iterator[Any]:
    window: collections.deque[tuple[cf.Future[Any], Mapping[str, Any]]] = collections.deque()

    def take() -> Any:
        fut, task = window.popleft()
        try:
            return fut.result()
        except Exception as exc:
            raise ProvinceFailed(f"{describe(task)}: {type(exc).__name__}: {exc}") from exc

    try:
        for task in tasks:
            window.append((pool.submit(fn, task), task))
            if len(window) >= workers * WINDOW_PER_WORKER:
                yield take()
        while window:
            yield take()
    finally:
        for fut, _ in window:
            fut.cancel()


def _on_dask(
    fn: Callable[[Mapping[str, Any]], Any],
    tasks: Iterable[Mapping[str, Any]],
    client: Any,
    describe: Callable[[Mapping[str, Any]], str],
) -> Iterator[Any]:
    threads = sum(client.nthreads().values()) or 1
    window: collections.deque[tuple[Any, Mapping[str, Any]]] = collections.deque()

    def take() -> Any:
        fut, task = window.popleft()
        try:
            return fut.result()
        except Exception as exc:
            raise ProvinceFailed(f"{describe(task)}: {type(exc).__name__}: {exc}") from exc
        finally:
            fut.release()

    try:
        for task in tasks:
            # pure=False: never a cached result; retries: a worker that died is replaced
            window.append((client.submit(fn, task, pure=False, retries=2), task))
            if len(window) >= threads * WINDOW_PER_WORKER:
                yield take()
        while window:
            yield take()
    finally:
        for fut, _ in window:
            with contextlib.suppress(Exception):
                fut.cancel()

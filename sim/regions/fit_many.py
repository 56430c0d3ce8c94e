"""Fitting many regions: in this process or a pool of local processes, the same results.

:func:`fit_and_write` fits one region (``sim.regions.fit``), writes its preset, checks month 0
and rewrites the preset with the check; :func:`fit_regions` runs it over a list of regions,
provinces first (a kabupaten/kota starts from its province's preset), in ``workers``
processes, and puts each region's row into ``scenarios/regions/fits.csv`` as it finishes. A
region's fit depends only on its own inputs and, for a district, its province's preset, so the
presets are the same whatever the number of workers.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import signal
import time
from collections.abc import Callable

from sim.kernels import one_thread, prepare
from sim.regions.catalogue import Region, resolve_region
from sim.regions.fit import (
    FIT_HOUSEHOLDS,
    FIT_ITERATIONS,
    FIT_SEEDS,
    fit_region,
    month0_check,
    write_preset,
)
from sim.regions.fits_table import check_columns, fit_row, update_columns, update_fits
from sim.regions.targets import region_targets


def fit_and_write(
    name: str,
    households: int = FIT_HOUSEHOLDS,
    seeds: int = FIT_SEEDS,
    iterations: int = FIT_ITERATIONS,
) -> dict[str, object]:
    """Fit one region, write its preset, check month 0; returns its fits-table row."""
    start = time.perf_counter()
    region = resolve_region(name)
    fit = fit_region(region, households=households, seeds=seeds, iterations=iterations)
    write_preset(fit)
    fit.check = month0_check(region)
    write_preset(fit)  # again, with the check in its header (the tables are the same)
    return fit_row(fit, time.perf_counter() - start)


def _start_worker() -> None:  # pragma: no cover - runs in worker processes
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C
    prepare()


def _one_thread_fit(name: str, households: int, seeds: int, iterations: int) -> dict:
    with one_thread():  # one model per core: two workers share the machine's two cores
        return fit_and_write(name, households, seeds, iterations)


def describe(row: dict[str, object]) -> str:
    """One line of progress: the region, its residuals, its weight factors and its time."""
    factors = " ".join(
        f"{a} {float(row[f'poor_factor_{a}']):.3f}"  # type: ignore[arg-type]
        for a in ("urban", "rural")
        if row.get(f"poor_factor_{a}") == row.get(f"poor_factor_{a}")  # not NaN
    )
    return (
        f"{row['name']}: P0 {float(row['m0_p0']):.2f} (BPS {float(row['bps_p0']):.2f}, "  # type: ignore[arg-type]
        f"before post-stratification {float(row['raw_p0']):.2f}), P1 {float(row['m0_p1']):.2f} "  # type: ignore[arg-type]
        f"(BPS {float(row['bps_p1']):.2f}); poor-weight factor {factors}; "  # type: ignore[arg-type]
        f"{float(row['seconds']):.1f} s"  # type: ignore[arg-type]
    )


def fit_regions(
    regions: list[Region],
    workers: int = 1,
    households: int = FIT_HOUSEHOLDS,
    seeds: int = FIT_SEEDS,
    iterations: int = FIT_ITERATIONS,
    report: Callable[[str], None] = print,
) -> list[str]:
    """Fit, write and check each region; provinces first, then kabupaten/kota.

    Args:
        regions: The regions (nations are skipped: ``python -m sim.calibrate`` fits those).
        workers: Local processes (1: this process).
        households: Households per run of the potential's fit.
        seeds: Runs pooled per iteration.
        iterations: Iterations of the potential's fit.
        report: Where progress lines go.

    Returns:
        The names of the regions that failed (each reported in one line).
    """
    phases = [
        [r.name for r in regions if r.level == "province"],
        [r.name for r in regions if r.level == "district"],
    ]
    failed: list[str] = []
    pool = None
    if workers > 1:
        ctx = multiprocessing.get_context("spawn")
        pool = cf.ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start_worker)
    try:
        for names in phases:
            if pool is None:
                results = (
                    (n, _try(fit_and_write, n, households, seeds, iterations)) for n in names
                )
            else:
                futures = {
                    pool.submit(_one_thread_fit, n, households, seeds, iterations): n for n in names
                }
                results = ((futures[f], _result(f)) for f in cf.as_completed(futures))
            for name, row in results:
                if isinstance(row, BaseException):
                    failed.append(name)
                    report(f"{name}: failed: {type(row).__name__}: {row}")
                    continue
                update_fits([row])
                report(describe(row))
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    return failed


def check_and_row(name: str) -> dict[str, object]:
    """Month 0 (and a province's September) of a written preset: its fits-table columns."""
    region = resolve_region(name)
    with one_thread():
        check = month0_check(region)
    return {"name": region.name, **check_columns(region_targets(region), check)}


def recheck_regions(
    regions: list[Region], workers: int = 1, report: Callable[[str], None] = print
) -> list[str]:
    """Check month 0 of written presets again and update their fits-table columns.

    After ``--growth-only`` a province's six months to September change (month 0 does not).

    Returns:
        The names that failed.
    """
    names = [r.name for r in regions]
    if workers > 1:
        ctx = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start_worker) as pool:
            results = list(zip(names, pool.map(_checked, names), strict=True))
    else:
        results = [(n, _checked(n)) for n in names]
    failed = [n for n, row in results if isinstance(row, BaseException)]
    for n in failed:
        report(f"{n}: failed: {results[names.index(n)][1]}")
    update_columns({n: row for n, row in results if not isinstance(row, BaseException)})
    for n, row in results:
        if not isinstance(row, BaseException):
            report(
                f"{n}: P0 {float(row['m0_p0']):.2f}, P1 {float(row['m0_p1']):.2f}, "  # type: ignore[arg-type]
                f"September P0 {float(row['sep_p0']):.2f} (BPS {float(row['bps_sep_p0']):.2f})"  # type: ignore[arg-type]
            )
    return failed


def _checked(name: str) -> dict | BaseException:
    return _try(check_and_row, name)


def _try(fn: Callable[..., dict], *args: object) -> dict | BaseException:
    try:
        return fn(*args)
    except Exception as exc:  # one region's failure is reported, the others go on
        return exc


def _result(future: cf.Future) -> dict | BaseException:
    try:
        return future.result()
    except Exception as exc:
        return exc

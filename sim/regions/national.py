"""The nation as its 38 provinces: one run whose national figures are exact.

``region = "INDONESIA (by province)"`` (:data:`~sim.regions.catalogue.NATION_BY_PROVINCE`)
runs each province with its own preset (its fitted distributions, lines, growth and real
number of households) and combines them month by month into national figures that are those
of the pooled households (``sim.regions.combine``): FGT and Watts by person-weighted sums, the
Gini of the merged distribution within a proven bound below 1e-4 (``sim.measures.binned``).

* **Size.** A total of simulated households is split over the provinces in proportion to
  their real households (``population.households_represented`` of each preset) by largest
  remainders, with at least ``min_households`` each (:func:`allocate`); or a scale, 1:k, gives
  each province its real households over k (rounded, at least ``min_households``).
* **Each province's scenario** is the national scenario with ``region=<province>``: the
  province's preset over it, as ``load_scenario(name, overrides={"region": province})`` merges
  it, and its share of households. A field the preset sets keeps the national scenario's value
  where that differs from the national preset's (``indonesia_2024``): it was set on purpose (a
  ``--set``, a sweep point, a drawn parameter or the scenario's own file) and applies in every
  province; :attr:`NationalRun.kept` lists such fields. ``population.households_represented``
  is always the province's. Money per 1,000 households stays per 1,000, so it scales with each
  province.
* **Seeds.** Province ``code`` runs with ``SeedSequence([seed, code])``'s first 63 bits
  (:func:`province_seed`), so its numbers do not depend on the executor, the order or which
  other provinces run.
* **Executors** (``sim.regions.workers``): this process, local processes or a Dask client;
  provinces are submitted largest first and added to the totals in that order as they come,
  so the national figures have the same bits on any executor and the driver holds a window of
  results, never all 38.

``PovertyModel`` itself refuses this region (it is not one population); :func:`run_national`
runs it, and so does ``run_scenarios.py --set region="INDONESIA (by province)"``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from sim.regions.catalogue import NATION_BY_PROVINCE, Region, catalogue, resolve_region
from sim.regions.combine import NationalTotals
from sim.regions.province_run import ProvinceResult, run_province
from sim.regions.workers import in_order
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.loading import region_preset
from sim.scenario.validation import validate_scenario

MIN_HOUSEHOLDS = 50
"""Fewest simulated households a province gets (the smallest provinces at small totals)."""
NATIONAL_PRESET = "indonesia_2024"
"""The preset whose values the province presets replace (see the module docstring)."""


class NationalInputError(ValueError):
    """Bad arguments of a national run (one line naming the argument and what is allowed)."""


@dataclass(frozen=True)
class ProvincePart:
    """One province of a national run.

    Attributes:
        region: The province.
        represented: Its real households (its preset's ``population.households_represented``).
        households: Simulated households.
        seed: Its seed (:func:`province_seed`).
        scenario: Its scenario.
    """

    region: Region
    represented: int
    households: int
    seed: int
    scenario: Scenario


@dataclass
class NationalRun:
    """A national run by province.

    Attributes:
        timeseries: The nation's monthly figures, the columns of ``PovertyModel.timeseries()``
            (``not_combined`` ones NaN).
        provinces: Every province's own series, long: ``province``, ``code``, then its columns.
        allocation: Per province: ``province``, ``code``, ``households_represented``,
            ``households`` (simulated), ``seed``, ``seconds`` (its run),
            ``figures_seconds`` (of which the bins and extras the nation needs), ``peak_rss`` and
            ``rss_before`` (peak memory of the process that ran it, after and before it,
            bytes), ``pid`` (that process), ``result_bytes`` (what it sent back).
        gini_bounds: Per month, the bound on the error of ``gini``, ``gini_urban``,
            ``gini_rural`` (the pooled Gini lies in ``[value, value + bound]``).
        not_combined: Columns without a national value.
        kept: Fields the provinces' presets set that keep the national scenario's value.
        seconds: Wall time of the whole run (seconds).
    """

    timeseries: pd.DataFrame
    provinces: pd.DataFrame
    allocation: pd.DataFrame
    gini_bounds: pd.DataFrame
    not_combined: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    seconds: float = 0.0


def province_seed(seed: int, code: str | int) -> int:
    """The seed of province ``code`` in a run of seed ``seed`` (non-negative, 63 bits)."""
    state = np.random.SeedSequence([int(seed), int(code)]).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def allocate(total: int, represented: Sequence[int], minimum: int = MIN_HOUSEHOLDS) -> list[int]:
    """Split ``total`` households in proportion to ``represented``, at least ``minimum`` each.

    Largest remainders (Hamilton's method) in exact integer arithmetic; ties go to the earlier
    entry. Entries whose share falls below ``minimum`` get ``minimum`` and the rest is split
    again among the others.

    Raises:
        NationalInputError: When ``total`` is below ``minimum`` per entry.
    """
    n = len(represented)
    if n == 0:
        raise NationalInputError("no provinces to allocate households to")
    if total < minimum * n:
        raise NationalInputError(
            f"population.households: {total:,} households cannot give {n} provinces at least "
            f"{minimum} each; use at least {minimum * n:,}"
        )
    floor_at = set()
    while True:
        rest = [i for i in range(n) if i not in floor_at]
        left = total - minimum * len(floor_at)
        weight = sum(represented[i] for i in rest)
        low = {i for i in rest if left * represented[i] < minimum * weight}
        if not low:
            break
        floor_at |= low
    out = [minimum] * n
    quota = {i: divmod(left * represented[i], weight) for i in rest}
    for i in rest:
        out[i] = quota[i][0]
    extra = left - sum(out[i] for i in rest)
    for i in sorted(rest, key=lambda i: (-quota[i][1], i))[:extra]:
        out[i] += 1
    return out


def scaled(represented: Sequence[int], scale: int, minimum: int = MIN_HOUSEHOLDS) -> list[int]:
    """Each entry's ``represented / scale`` (rounded half up), at least ``minimum``."""
    return [max(minimum, (r * 2 + scale) // (2 * scale)) for r in represented]


@cache
def _national_preset() -> dict[str, Any]:
    return load_scenario(NATIONAL_PRESET).model_dump(mode="json")


def _merge(
    data: dict[str, Any], preset: Mapping[str, Any], base: Mapping[str, Any], path: str, kept: list
) -> None:
    """Put ``preset``'s leaves into ``data`` unless ``data`` moved away from ``base`` there."""
    for key, value in preset.items():
        where = f"{path}{key}"
        if isinstance(value, Mapping) and isinstance(data.get(key), Mapping):
            _merge(data[key], value, base.get(key) or {}, f"{where}.", kept)
        elif key in data and key in base and _same(data[key], base[key]):
            data[key] = value
        elif key in data and key in base:
            kept.append(where)
        else:
            data[key] = value


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def province_scenario(
    scenario: Scenario, province: str, households: int
) -> tuple[Scenario, int, tuple[str, ...]]:
    """The scenario of one province of a national run.

    Args:
        scenario: The national scenario (any region; its fields apply to every province).
        province: A province's name or code.
        households: Its simulated households.

    Returns:
        ``(scenario, households represented, kept fields)``.

    Raises:
        ScenarioError: No preset for the province, or the result is invalid.
    """
    source = f"{scenario.name} in region {province}"
    name, preset = region_preset(province, source)
    data = scenario.model_dump(mode="json")
    kept: list[str] = []
    _merge(data, preset, _national_preset(), "", kept)
    kept = [k for k in kept if k != "population.households_represented"]
    represented = (preset.get("population") or {}).get("households_represented")
    if not isinstance(represented, int) or represented < 1:
        raise ScenarioError(
            f"{source}: the preset of {name} sets no population.households_represented"
        )
    data["region"] = name
    data["population"]["households_represented"] = represented
    data["population"]["households"] = int(households)
    return validate_scenario(data, source), represented, tuple(kept)


def _provinces(names: Sequence[str] | None) -> list[Region]:
    if names is None:
        return [r for r in catalogue() if r.level == "province"]
    out: list[Region] = []
    for text in names:
        try:
            region = resolve_region(str(text))
        except KeyError as exc:
            raise NationalInputError(f"provinces: {exc}") from None
        if region.level != "province":
            raise NationalInputError(f"provinces: {region.name} is not a province")
        if region in out:
            raise NationalInputError(f"provinces: {region.name} is named twice")
        out.append(region)
    if not out:
        raise NationalInputError("provinces: name at least one province")
    return out


def plan_provinces(
    scenario: Scenario,
    seed: int,
    *,
    households: int | None = None,
    scale: int | None = None,
    provinces: Sequence[str] | None = None,
    min_households: int = MIN_HOUSEHOLDS,
) -> tuple[list[ProvincePart], tuple[str, ...]]:
    """The provinces of a national run, largest first (ties by BPS code).

    Args:
        scenario: The national scenario (``region`` must be ``INDONESIA (by province)``).
        seed: The run's seed.
        households: Total simulated households (default ``population.households``).
        scale: Instead of a total, 1:``scale`` of each province's real households.
        provinces: Names or codes of the provinces to run (default all 38).
        min_households: Fewest households of a province.

    Returns:
        ``(parts, kept)``: the provinces and the fields kept from the national scenario.

    Raises:
        NationalInputError: Bad arguments.
        ScenarioError: A province has no preset, or its scenario is invalid.
    """
    if scenario.region != NATION_BY_PROVINCE:
        raise NationalInputError(
            f"region: a national run by province needs region = {NATION_BY_PROVINCE!r}, "
            f"got {scenario.region!r}"
        )
    if not isinstance(seed, (int, np.integer)) or int(seed) < 0:
        raise NationalInputError(f"seed: must be a non-negative integer, got {seed!r}")
    if not isinstance(min_households, int) or min_households < 10:
        raise NationalInputError(
            f"min_households: must be an integer >= 10, got {min_households!r}"
        )
    if scale is not None and (not isinstance(scale, (int, np.integer)) or scale < 1):
        raise NationalInputError(f"scale: must be a whole number >= 1 (1:scale), got {scale!r}")
    total = scenario.population.households if households is None else households
    if not isinstance(total, (int, np.integer)) or total < 1:
        raise NationalInputError(f"households: must be a positive integer, got {total!r}")
    regions = _provinces(provinces)
    represented = [_represented(r, scenario) for r in regions]
    sizes = (
        scaled(represented, int(scale), min_households)
        if scale is not None
        else allocate(int(total), represented, min_households)
    )
    parts, kept = [], set()
    for region, size in zip(regions, sizes, strict=True):
        sc, rep, k = province_scenario(scenario, region.name, size)
        kept.update(k)
        parts.append(ProvincePart(region, rep, size, province_seed(seed, region.code), sc))
    parts.sort(key=lambda p: (-p.households, p.region.code))
    return parts, tuple(sorted(kept))


def _represented(region: Region, scenario: Scenario) -> int:
    _, preset = region_preset(region.name, f"{scenario.name} in region {region.name}")
    value = (preset.get("population") or {}).get("households_represented")
    if not isinstance(value, int) or value < 1:
        raise ScenarioError(
            f"{region.preset}: field 'population.households_represented': the province's real "
            "households are needed for a national run"
        )
    return value


def _task(part: ProvincePart, check: bool, one_thread: bool) -> dict[str, Any]:
    import sim  # at call time: sim/__init__ imports this package's callers

    return {
        "province": part.region.name,
        "code": part.region.code,
        "scenario": part.scenario.model_dump(mode="json"),
        "content_hash": part.scenario.content_hash(),
        "seed": part.seed,
        "check": check,
        "one_thread": one_thread,
        "sinergi_version": sim.__version__,
    }


def run_national(
    scenario: Scenario,
    seed: int,
    *,
    households: int | None = None,
    scale: int | None = None,
    provinces: Sequence[str] | None = None,
    workers: int = 1,
    client: Any = None,
    pool: Any = None,
    check: bool = False,
    min_households: int = MIN_HOUSEHOLDS,
    progress: Callable[[ProvinceResult], None] | None = None,
) -> NationalRun:
    """Run the nation as its provinces and combine their figures month by month.

    Args:
        scenario: A scenario with ``region = "INDONESIA (by province)"``.
        seed: The run's seed (each province's derives from it and the province's code).
        households: Total simulated households (default ``population.households``).
        scale: Instead, 1:``scale`` of each province's real households.
        provinces: Names or codes of the provinces to run (default all 38; the "national"
            figures are then those of these provinces together).
        workers: Local processes (1: this process, provinces one after the other).
        client: A ``dask.distributed.Client``: provinces run on its workers (``workers``
            is then ignored).
        pool: Instead, an open executor of local processes
            (``sim.regions.workers.process_pool``), for several runs in a row.
        check: Check the model's invariants every month (``sim.invariants``).
        min_households: Fewest simulated households of a province.
        progress: Called with each province's result as it is added.

    Returns:
        The :class:`NationalRun`.

    Raises:
        NationalInputError: Bad arguments.
        ScenarioError: A province has no preset or an invalid scenario.
        sim.regions.workers.ProvinceFailed: A province's run failed.
    """
    start = time.perf_counter()
    if not isinstance(workers, (int, np.integer)) or workers < 1:
        raise NationalInputError(f"workers: must be a positive integer, got {workers!r}")
    parts, kept = plan_provinces(
        scenario,
        seed,
        households=households,
        scale=scale,
        provinces=provinces,
        min_households=min_households,
    )
    side_by_side = client is not None or pool is not None or workers > 1
    tasks = (_task(p, check, side_by_side) for p in parts)
    totals = NationalTotals()
    series, rows = [], []
    by_name = {p.region.name: p for p in parts}
    for result in in_order(
        run_province, tasks, workers=int(workers), client=client, pool=pool, describe=_describe
    ):
        totals.add(result)
        part = by_name[result.province]
        nbytes = result.nbytes
        ts = result.timeseries
        ts.insert(0, "code", result.code)
        ts.insert(0, "province", result.province)
        series.append(ts)
        rows.append(
            {
                "province": result.province,
                "code": result.code,
                "households_represented": part.represented,
                "households": result.households,
                "seed": part.seed,
                "seconds": result.seconds,
                "figures_seconds": result.figures_seconds,
                "peak_rss": result.peak_rss,
                "rss_before": result.rss_before,
                "pid": result.pid,
                "result_bytes": nbytes,
            }
        )
        result.bins.clear()  # the totals hold the merged bins; free this province's
        if progress is not None:
            progress(result)
    national, bounds, missing = totals.frames()
    return NationalRun(
        timeseries=national,
        provinces=pd.concat(series, ignore_index=True),
        allocation=pd.DataFrame(rows),
        gini_bounds=bounds,
        not_combined=missing,
        kept=kept,
        seconds=time.perf_counter() - start,
    )


def _describe(task: Mapping[str, Any]) -> str:
    return f"province {task['province']}"

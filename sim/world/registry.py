"""The social registry (DTKS): a proxy-means score per household, re-surveyed on a rolling basis.

The registry's score is log per-capita consumption (as a survey measures it when
``measurement.as_surveyed``: ``sim.world.measurement``) plus the proxy-means test's normal
error (``registry.noise_sd``).
Local governments verify it continuously rather than rebuild it at once: each month a random
1 / ``registry.update_months`` of records is refreshed, so a record is on average
``update_months`` old. Only the chosen records are computed and drawn; the two passes over them
are registered kernels (``sim.kernels``), with numpy's ``log`` between them.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import kernel
from sim.rng.streams import Streams
from sim.scenario import Scenario
from sim.world.households import Households
from sim.world.measurement import measurement_factor


def _registry_pc_reference(
    chosen: np.ndarray,
    consumption: np.ndarray,
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    out: np.ndarray,
) -> None:
    members = (
        n_young[chosen].astype(np.int16) + n_school[chosen] + n_adult[chosen] + n_elderly[chosen]
    ).astype(np.int16)
    out[:] = np.maximum(consumption[chosen] / members, np.float32(1))


def _chosen_example(rng: np.random.Generator, n: int) -> np.ndarray:
    """Indices of the re-surveyed records: ascending, distinct (intp), about half."""
    return np.flatnonzero(rng.random(n) < 0.5)


def _registry_pc_example(rng: np.random.Generator, n: int) -> tuple:
    chosen = _chosen_example(rng, n)
    consumption = rng.lognormal(14.0, 0.7, n).astype(np.float32)
    consumption[rng.random(n) < 0.05] = 0.0  # below one rupiah per capita: floored at 1
    counts = [rng.integers(0, 5, n).astype(np.int8) for _ in range(4)]
    counts[2][counts[2] == 0] = 1  # an adult at least
    return chosen, consumption, *counts, np.zeros(chosen.size, dtype=np.float32)


@kernel(reference=_registry_pc_reference, example=_registry_pc_example)
def registry_pc(
    chosen: np.ndarray,
    consumption: np.ndarray,
    n_young: np.ndarray,
    n_school: np.ndarray,
    n_adult: np.ndarray,
    n_elderly: np.ndarray,
    out: np.ndarray,
) -> None:
    """``max(consumption_pc, 1)`` of the households ``chosen`` (float32 rupiah per capita).

    Args:
        chosen: Households re-surveyed (intp).
        consumption: Household consumption (float32 rupiah per month), all households.
        n_young: Children aged 0-6 (int8), all households.
        n_school: Children aged 7-15 (int8).
        n_adult: Adults aged 16-64 (int8).
        n_elderly: Persons aged 65+ (int8).
        out: float32 per-capita consumption of the chosen (written).
    """
    one = np.float32(1.0)
    for j in range(chosen.shape[0]):
        i = chosen[j]
        members = np.int64(n_young[i]) + n_school[i] + n_adult[i] + n_elderly[i]
        pc = consumption[i] / np.float32(members)
        out[j] = pc if (pc >= one or pc != pc) else one  # np.maximum: NaN propagates


def _registry_store_reference(
    chosen: np.ndarray,
    log_pc: np.ndarray,
    noise_sd: np.float32,
    noise: np.ndarray,
    registry_score: np.ndarray,
) -> None:
    registry_score[chosen] = log_pc + noise_sd * noise


def _registry_store_example(rng: np.random.Generator, n: int) -> tuple:
    chosen = _chosen_example(rng, n)
    log_pc = rng.normal(13.5, 0.7, chosen.size).astype(np.float32)
    noise = rng.normal(0.0, 1.0, chosen.size).astype(np.float32)
    score = rng.normal(13.5, 0.8, n).astype(np.float32)
    return chosen, log_pc, np.float32(rng.uniform(0.1, 0.5)), noise, score


@kernel(reference=_registry_store_reference, example=_registry_store_example)
def registry_store(
    chosen: np.ndarray,
    log_pc: np.ndarray,
    noise_sd: np.float32,
    noise: np.ndarray,
    registry_score: np.ndarray,
) -> None:
    """Store ``log_pc + noise_sd * noise`` (float32) as the scores of the households ``chosen``.

    Args:
        chosen: Households re-surveyed (intp).
        log_pc: Their log per-capita consumption (float32 log rupiah).
        noise_sd: Sd of the registry's error (log points).
        noise: Their standard normal draws (float32).
        registry_score: Scores of all households (float32, written at ``chosen``).
    """
    for j in range(chosen.shape[0]):
        registry_score[chosen[j]] = log_pc[j] + noise_sd * noise[j]


def refresh_registry(
    sc: Scenario,
    hh: Households,
    streams: Streams,
    month: int,
    share: float = 1.0,
    survey_streams: Streams | None = None,
) -> None:
    """Re-survey a random ``share`` of households into the registry.

    Args:
        sc: The scenario (``government.registry.noise_sd``).
        hh: The households; ``registry_score`` is written.
        streams: The run's random streams (``registry.refresh``, ``registry.noise``).
        month: Month of the run.
        share: Share of records refreshed (1: all, as at set-up).
        survey_streams: Streams of the survey error (``streams`` when omitted; set-up passes
            its own, since it happens before the burn-in, not in month 0 of the run).
    """
    g = sc.government.registry
    if share >= 1.0:
        chosen = np.arange(hh.n)
        noise = streams.normal("registry.noise", month, hh.n)
    else:
        u = streams.uniform("registry.refresh", month, hh.n)
        chosen = np.flatnonzero(u < share)
        noise = streams.normal_of("registry.noise", month, chosen)
    pc = np.empty(chosen.size, dtype=np.float32)
    registry_pc(chosen, hh.consumption, hh.n_young, hh.n_school, hh.n_adult, hh.n_elderly, pc)
    if sc.measurement.as_surveyed:  # a survey records measured consumption; the PMT's error on top
        survey = streams if survey_streams is None else survey_streams
        pc *= measurement_factor(sc, survey, month, hh.n, None if share >= 1.0 else chosen)
    # numpy's log between the two passes: the compiled log would round differently
    registry_store(chosen, np.log(pc), np.float32(g.noise_sd), noise, hh.registry_score)

"""Draws produced ahead on a second thread (sim.prefetch) are the draws of sim.randomness."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import sim
from sim.prefetch import PrefetchStreams, default_enabled
from sim.randomness import Streams


def test_same_numbers_in_any_order():
    n = 1_000
    ref, pre = Streams(7), PrefetchStreams(7, n, budget=2)
    plans = [
        ["a", "b", "c", "d"],  # month 1: learnt
        ["a", "b", "c", "d"],  # month 2: as foreseen
        ["d", "c", "b", "a", "e"],  # month 3: reversed (slots full, consumer draws on the spot)
        ["b"],  # month 4: most foreseen draws are dropped
        ["a", "b", "b", "c"],  # month 5: a decision asked twice
    ]
    for month, plan in enumerate(plans, start=1):
        pre.begin_month(month)
        time.sleep(0.05)  # let the worker run ahead (tiny arrays: it would lose every race)
        for name in plan:
            np.testing.assert_array_equal(pre.normal(name, month, n), ref.normal(name, month, n))
            np.testing.assert_array_equal(
                pre.uniform("u." + name, month, n), ref.uniform("u." + name, month, n)
            )
            trials = np.arange(n, dtype=np.int16) % 5
            np.testing.assert_array_equal(
                pre.binomial("b." + name, month, trials, 0.3),
                ref.binomial("b." + name, month, trials, 0.3),
            )
        # other lengths are never prefetched, and still the same
        np.testing.assert_array_equal(pre.normal("x", month, 3), ref.normal("x", month, 3))
    assert pre.stats["prefetched"] > 0
    assert pre.stats["on_the_spot"] > 0
    assert pre.stats["dropped"] > 0


def test_quarterly_decisions_are_foreseen():
    n = 500
    pre = PrefetchStreams(3, n)
    for month in range(1, 14):
        pre.begin_month(month)
        time.sleep(0.02)
        if month % 3 == 1:
            pre.normal("survey", month, n)
        pre.normal("shock", month, n)
    # from month 7 the survey's 3-month cycle is known: months 7, 10 and 13 are prefetched
    assert pre.stats["prefetched"] >= 11 + 3


def test_model_identical_with_and_without_prefetch(monkeypatch):
    sc = sim.load_scenario("full_synergy", overrides={"population.households": 3_000, "months": 14})
    monkeypatch.setenv("SINERGI_PREFETCH", "1")
    a = sim.PovertyModel(sc, rng=5)
    assert isinstance(a.streams, PrefetchStreams)
    a.run()
    monkeypatch.setenv("SINERGI_PREFETCH", "0")
    b = sim.PovertyModel(sc, rng=5).run()
    assert type(b.streams) is Streams
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())
    pd.testing.assert_frame_equal(a.ledger(), b.ledger())
    assert a.streams.stats["prefetched"] > 0


def test_default_switch(monkeypatch):
    monkeypatch.delenv("SINERGI_PREFETCH", raising=False)
    assert not default_enabled(10_000)  # small runs: the thread would cost more than it saves
    monkeypatch.setenv("SINERGI_PREFETCH", "0")
    assert not default_enabled(10_000_000)


def test_a_model_with_threads_can_be_copied(monkeypatch):
    import copy
    import pickle

    monkeypatch.setenv("SINERGI_PREFETCH", "1")
    sc = sim.load_scenario("competition", overrides={"population.households": 2_000, "months": 4})
    a = sim.PovertyModel(sc, rng=1)
    a.step()
    b = copy.deepcopy(a)
    assert type(b.streams) is Streams
    a.run()
    b.run()
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())
    c = pickle.loads(pickle.dumps(PrefetchStreams(4, 10)))
    assert type(c) is Streams and c.root_seed == 4


def test_consumer_helps_while_the_worker_is_busy():
    import threading

    n = 1_000
    ref, pre = Streams(9), PrefetchStreams(9, n)
    produce = pre._produce

    def slow(kind, decision, month):
        if threading.current_thread().name == "sinergi-prefetch" and decision == "a":
            time.sleep(0.3)  # the worker is busy with "a" when the consumer asks for it
        return produce(kind, decision, month)

    pre._produce = slow
    for month in (1, 2):
        pre.begin_month(month)
        time.sleep(0.05)
        for name in ("a", "b", "c", "d"):
            np.testing.assert_array_equal(pre.normal(name, month, n), ref.normal(name, month, n))
    assert pre.stats["helped"] >= 2  # "b", "c" or "d" produced by the consumer in month 2


def _wait_for(predicate, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_close_ends_the_worker_and_streams_stay_usable():
    n = 500
    ref, pre = Streams(2), PrefetchStreams(2, n)
    for month in (1, 2):
        pre.begin_month(month)
        pre.normal("a", month, n)
    thread = pre._thread
    assert thread.is_alive()
    pre.close()
    assert _wait_for(lambda: not thread.is_alive())
    pre.begin_month(3)  # a later month starts a new worker; the numbers are unchanged
    np.testing.assert_array_equal(pre.normal("a", 3, n), ref.normal("a", 3, n))
    pre.close()


def test_an_abandoned_prefetcher_is_freed_with_its_thread():
    import gc
    import weakref

    n = 500
    pre = PrefetchStreams(3, n, budget=1)
    for month in (1, 2):
        pre.begin_month(month)
        pre.normal("a", month, n)
        pre.normal("b", month, n)
    pre.begin_month(3)  # "a" and "b" foreseen, never taken: the worker waits for memory
    gone, thread = weakref.ref(pre), pre._thread
    del pre
    gc.collect()
    assert _wait_for(lambda: gone() is None)
    assert _wait_for(lambda: not thread.is_alive())


def test_a_run_closes_its_prefetcher(monkeypatch):
    monkeypatch.setenv("SINERGI_PREFETCH", "1")
    sc = sim.load_scenario("competition", overrides={"population.households": 2_000, "months": 3})
    model = sim.PovertyModel(sc, rng=1)
    model.step()
    model.step()
    thread = model.streams._thread
    assert thread is not None and thread.is_alive()
    model.run()
    assert _wait_for(lambda: not thread.is_alive())
    assert model.streams.month is None

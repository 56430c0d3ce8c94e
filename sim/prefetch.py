"""Random draws produced ahead, on a second thread, while the month is simulated.

Every household-length draw of a month depends only on (seed, decision, month, number of
households), never on the state (``sim.randomness``), so it can be produced before it is
needed. :class:`PrefetchStreams` learns which decisions ask for household-length draws, in
which order within a month and how often (monthly, or every k months as the quarterly
enrolment rounds do), and when a month begins has a worker thread produce the decisions it
expects for the new month, in that order. numpy's generators release the GIL while they
fill an array, so on a machine with a free core the month's ~18 draws per household (about a
fifth of a month's work at a million households) cost the simulation almost nothing.

The numbers are the same, bit for bit: a prefetched array is exactly what
``Streams.generator(decision, month)`` would have drawn (``tests/test_prefetch.py``). A
decision that was not foreseen (the school year starting, an institution enrolling for the
first time) is drawn on the spot, and a foreseen one that is not asked for is dropped at the
month's end. The model starts the next month's production as soon as the current month's
last household draw is taken, so the worker fills the time of the monthly recording. Arrays
waiting unconsumed hold at most ``budget`` x 4 bytes per household (float32 draws count 1,
float64 ones 2), which bounds the extra memory: 32 bytes per household by default.
"""

from __future__ import annotations

import functools
import os
import queue
import threading
import weakref
from concurrent.futures import Future

import numpy as np

from sim.randomness import Streams, binomial_from_uniform

#: Smallest population for which prefetching is switched on by default (households): below
#: it a month's draws take well under a millisecond and the thread would cost more.
MIN_HOUSEHOLDS = 100_000

_UNITS = {"normal32": 1, "uniform32": 1, "uniform64": 2}  # 4 bytes per household each


def default_enabled(n: int) -> bool:
    """Whether a run of ``n`` households prefetches (``SINERGI_PREFETCH=0``/``1`` overrides)."""
    env = os.environ.get("SINERGI_PREFETCH")
    if env is not None:
        return env != "0"
    return n >= MIN_HOUSEHOLDS and (os.cpu_count() or 1) >= 2


def _serve(ref: weakref.ReferenceType, jobs: queue.SimpleQueue) -> None:
    """The worker thread: produce the queued draws until told to stop or the streams are gone.

    It holds the streams only by a weak reference between draws, so an abandoned model (and
    the arrays it has waiting) is freed and its thread ends.
    """
    while True:
        job = jobs.get()
        if job is None:  # close() or the streams were collected
            return
        generation, key, fut = job
        if fut.done() or fut.running():  # cancelled, or the consumer produced it (_help)
            continue
        streams = ref()
        if streams is None:
            return
        slots = streams._slots
        del streams
        # its memory first, then the future: a future never runs while it waits for memory,
        # so the consumer can always cancel it and draw on the spot (no deadlock)
        units, got = _UNITS[key[0]], 0
        while got < units:
            if slots.acquire(timeout=0.05):
                got += 1
                continue
            streams = ref()
            stale = streams is None or generation != streams._generation or fut.cancelled()
            del streams
            if stale:
                break
        try:
            running = fut.set_running_or_notify_cancel()  # False: the consumer drew it
        except RuntimeError:  # the consumer took it meanwhile (_help)
            running = False
        if not running:
            if got:
                slots.release(got)
            continue
        streams = ref()
        if streams is None or got < units or generation != streams._generation:
            if got:
                slots.release(got)
            fut.set_result(None)  # its month is over
            continue
        try:
            fut.set_result(streams._produce(*key))
        except BaseException as exc:  # pragma: no cover - surfaced to the consumer
            slots.release(got)
            fut.set_exception(exc)
        del streams


class PrefetchStreams(Streams):
    """Named random streams whose household-length draws are produced ahead (same numbers).

    Args:
        root_seed: The run's seed.
        n: Number of households (draws of any other length are never prefetched).
        budget: Memory the arrays waiting to be used may hold, in units of 4 bytes per
            household (a float32 array is 1, a float64 array 2).
    """

    def __init__(self, root_seed: int, n: int, budget: int = 8) -> None:
        super().__init__(root_seed)
        self.n = int(n)
        self.month: int | None = None
        self._order: list[tuple[str, str]] = []  # (kind, decision) in the order of a month
        self._seen: dict[tuple[str, str], tuple[int | None, int]] = {}  # (previous, last) month
        self._previous_key: tuple[str, str] | None = None  # last request of this month
        self._futures: dict[tuple[str, str, int], Future] = {}
        self._slots = threading.Semaphore(budget)
        self._generation = 0
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.stats = {"prefetched": 0, "on_the_spot": 0, "dropped": 0, "helped": 0}

    def __reduce__(self) -> tuple:
        """Copies and pickles are plain :class:`Streams` of the same seed (the same numbers)."""
        return (Streams, (self.root_seed,))

    # -- the worker --------------------------------------------------------------------------
    def _produce(self, kind: str, decision: str, month: int) -> np.ndarray:
        g = self.generator(decision, month)
        if kind == "normal32":
            return g.standard_normal(self.n, dtype=np.float32)
        if kind == "uniform32":
            return g.random(self.n, dtype=np.float32)
        return g.random(self.n)

    def _release(self, units: int) -> None:
        if units:
            self._slots.release(units)

    # -- the month ---------------------------------------------------------------------------
    def _drop_pending(self) -> None:
        """Forget the foreseen draws not taken (their memory returns when they are done)."""
        self._generation += 1
        for (kind, _, _), fut in self._futures.items():
            if not fut.cancel():
                fut.add_done_callback(functools.partial(self._release_unused, _UNITS[kind]))
            self.stats["dropped"] += 1
        self._futures = {}

    def close(self) -> None:
        """Stop the worker thread and drop the draws produced ahead (a run has ended).

        The streams stay usable: a later month starts a new worker.
        """
        self._drop_pending()
        self.month = None
        if self._thread is not None:
            self._queue.put(None)
            self._queue = queue.SimpleQueue()
            self._thread = None

    def begin_month(self, month: int) -> None:
        """Drop what last month did not use and start producing this month's draws."""
        self._drop_pending()
        self.month = m = int(month)
        self._previous_key = None
        plan = [key for key in self._order if self._expected(key, m)]
        if not plan:
            return
        if self._thread is None:
            # a daemon thread holding the streams weakly: it never keeps the interpreter from
            # exiting nor an abandoned model alive, and it ends when the streams are collected
            self._thread = threading.Thread(
                target=_serve,
                args=(weakref.ref(self), self._queue),
                name="sinergi-prefetch",
                daemon=True,
            )
            self._thread.start()
            weakref.finalize(self, self._queue.put, None)
        for kind, decision in plan:
            fut: Future = Future()
            self._futures[(kind, decision, m)] = fut
            self._queue.put((self._generation, (kind, decision, m), fut))

    def _expected(self, key: tuple[str, str], month: int) -> bool:
        """Whether ``key`` is expected in ``month``: on its cycle (monthly until seen twice)."""
        previous, last = self._seen[key]
        if previous is None:  # seen once: guess monthly
            return last == month - 1
        return month - last == last - previous

    def _learn(self, key: tuple[str, str], month: int) -> None:
        """Record a request of this month: its cycle and its place in the month's order."""
        seen = self._seen.get(key)
        if seen is None:
            at = 0 if self._previous_key is None else self._order.index(self._previous_key) + 1
            self._order.insert(at, key)
            self._seen[key] = (None, month)
        elif seen[1] != month:
            self._seen[key] = (seen[1], month)
        self._previous_key = key

    def _release_unused(self, units: int, fut: Future) -> None:
        if not fut.cancelled() and fut.exception() is None and fut.result() is not None:
            self._release(units)

    def _take(self, kind: str, decision: str, month: int) -> np.ndarray:
        if month == self.month:
            self._learn((kind, decision), month)
        fut = self._futures.pop((kind, decision, month), None)
        if fut is not None and not fut.cancel():
            # the worker is producing it: rather than wait, produce the next ones it would
            while not fut.done() and self._help():
                pass
            arr = fut.result()
            if arr is not None:
                self._release(_UNITS[kind])
                self.stats["prefetched"] += 1
                return arr
        self.stats["on_the_spot"] += 1
        return self._produce(kind, decision, month)

    def _help(self) -> bool:
        """Produce, on this thread, the first foreseen draw nobody has started; False if none.

        While the worker produces the draw the month needs now, the consumer produces the
        following ones instead of waiting: a burst of draws (the enrolment rounds' surveys)
        is then shared by both cores. The draw is the same whichever thread produces it.
        """
        for (kind, decision, month), fut in self._futures.items():
            if fut.done() or fut.running():
                continue
            units = _UNITS[kind]
            got = 0
            while got < units and self._slots.acquire(blocking=False):
                got += 1
            if got < units:  # no memory left in the budget: wait instead
                self._release(got)
                return False
            try:
                running = fut.set_running_or_notify_cancel()
            except RuntimeError:  # the worker took it meanwhile
                running = False
            if not running:
                self._release(got)
                continue
            fut.set_result(self._produce(kind, decision, month))
            self.stats["helped"] += 1
            return True
        return False

    # -- Streams -----------------------------------------------------------------------------
    def uniform(self, decision: str, month: int, n: int) -> np.ndarray:
        """As :meth:`Streams.uniform` (produced ahead when ``n`` is the household count)."""
        if n != self.n:
            return super().uniform(decision, month, n)
        return self._take("uniform32", decision, month)

    def normal(self, decision: str, month: int, n: int) -> np.ndarray:
        """As :meth:`Streams.normal` (produced ahead when ``n`` is the household count)."""
        if n != self.n:
            return super().normal(decision, month, n)
        return self._take("normal32", decision, month)

    def uniform64(self, decision: str, month: int, n: int) -> np.ndarray:
        """As :meth:`Streams.uniform64` (produced ahead when ``n`` is the household count)."""
        if n != self.n:
            return super().uniform64(decision, month, n)
        return self._take("uniform64", decision, month)

    def binomial(
        self, decision: str, month: int, trials: np.ndarray, p: np.ndarray | float
    ) -> np.ndarray:
        """As :meth:`Streams.binomial` (uniforms produced ahead for household-length draws)."""
        if trials.shape[0] != self.n:
            return super().binomial(decision, month, trials, p)
        return binomial_from_uniform(trials, p, self._take("uniform64", decision, month))

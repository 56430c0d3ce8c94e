"""Every registered kernel against its numpy reference, on its own example arguments.

``sim.kernels.REGISTRY`` holds each compiled loop with its numpy reference and an
``example(rng, n)`` of the arguments a run passes. For every kernel and a few sizes, both forms
run on deep copies of the same arguments; every returned value and every array argument (the
kernels write their results in place) must be equal in its bytes (the sign of a zero and the
NaN payload too), or within the kernel's ``rtol`` where it sums in another order than numpy.
Parallel kernels are also run in their parallel form (``PARALLEL_MIN`` at 0).
"""

from __future__ import annotations

import copy
import importlib
import zlib

import numpy as np
import pytest

import sim.kernels
import sim.kernels.compile
from sim.kernels import MODULES, REGISTRY
from sim.measures.record import MonthlyRecord

for _module in MODULES:  # the modules that register kernels
    importlib.import_module(_module)

SIZES = (1, 7, 1_000)

pytestmark = pytest.mark.skipif(not sim.kernels.AVAILABLE, reason="numba not installed")


def _same(a, b, rtol: float, what: str) -> None:
    if a is None or b is None:
        assert a is None and b is None, what
        return
    if isinstance(a, dict):  # a composite's record row
        assert isinstance(b, dict) and list(a) == list(b), what
        for key in a:
            _same(a[key], b[key], rtol, f"{what}[{key!r}]")
        return
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b), what
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, rtol, f"{what}[{k}]")
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype, (what, a.dtype, b.dtype)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    if rtol > 0 and a.dtype.kind == "f":
        np.testing.assert_allclose(a, b, rtol=rtol, err_msg=what)
    else:
        x, y = np.ascontiguousarray(a), np.ascontiguousarray(b)
        np.testing.assert_array_equal(x.view(np.uint8), y.view(np.uint8), err_msg=what)


def test_registry_is_not_empty_and_every_kernel_has_an_example():
    assert REGISTRY
    for name, k in REGISTRY.items():
        assert callable(k.example), name
        assert callable(k.reference), name
        assert k.rtol >= 0, name
        assert isinstance(k.example(np.random.default_rng(0), 3), tuple), name


def test_every_module_in_modules_registers_a_kernel():
    registered = {k.loop.__module__ for k in REGISTRY.values()}
    assert set(MODULES) <= registered


CASES = [
    pytest.param(name, n, parallel, id=f"{name}-{n}{'-parallel' if parallel else ''}")
    for name, k in REGISTRY.items()
    for n in SIZES
    for parallel in ((False, True) if k.parallel else (False,))
]


@pytest.mark.parametrize(("name", "n", "parallel"), CASES)
def test_kernel_matches_its_reference(name, n, parallel, monkeypatch):
    k = REGISTRY[name]
    if parallel:
        monkeypatch.setattr(sim.kernels.compile, "PARALLEL_MIN", 0)
    rng = np.random.default_rng([zlib.crc32(name.encode()), n])
    for _ in range(3):  # examples draw their cases: a few draws of each size
        args = k.example(rng, n)
        a, b = copy.deepcopy(args), copy.deepcopy(args)
        with np.errstate(all="ignore"):
            got = k.compiled(*a)
            want = k.reference(*b)
        _same(got, want, k.rtol, f"{name}: returned")
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if isinstance(x, np.ndarray):
                _same(x, y, k.rtol, f"{name}: argument {i}")
            elif isinstance(x, MonthlyRecord):  # what a composite's record keeps
                _same(x.was_poor, y.was_poor, 0.0, f"{name}: was_poor")
                _same(x.households.months_out, y.households.months_out, 0.0, f"{name}: out")
                _same(x.sub_p0[-1], y.sub_p0[-1], k.rtol, f"{name}: sub_p0")


def test_kernels_run_as_the_switch_says(monkeypatch):
    """A kernel called as a function runs the reference when kernels are off."""
    k = next(iter(REGISTRY.values()))
    calls = []
    monkeypatch.setattr(k, "reference", lambda *a: calls.append("reference"))
    with sim.kernels.disabled():
        k(*k.example(np.random.default_rng(0), 3))
    assert calls == ["reference"]
    with sim.kernels.forced(True):
        k(*k.example(np.random.default_rng(0), 3))
    assert calls == ["reference"]


FIRST_RUN = """
import sim
from sim.kernels.registry import loaded
from sim.scenario import PACKAGE_SCENARIOS

sim.prepare()
before = loaded()
for path in sorted(PACKAGE_SCENARIOS.glob("*.toml")):  # an enrolment round, every form
    sc = sim.load_scenario(path, overrides={"population.households": 300, "months": 4})
    sim.PovertyModel(sc, rng=1).run()
after = loaded()
print(sorted(k for k in after if after[k] != before.get(k)))
"""


def test_prepare_loads_every_kernel_a_run_calls():
    """After ``sim.prepare()`` no run compiles: the first run in a process is not slowed.

    ``prepare`` (called by the first model built, the command line, batch workers and the
    benchmark) loads each kernel for the argument types of its ``example``; if an example's
    types differed from a run's, the run would compile mid-month, and this lists the kernel.
    """
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", FIRST_RUN], capture_output=True, text=True, check=True, timeout=600
    )
    assert out.stdout.strip() == "[]", out.stdout

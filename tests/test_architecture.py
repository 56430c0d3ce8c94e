"""The folder listing is the architecture: layers, no import cycles, small files, a quiet import.

``docs/architecture.md`` draws the layers. Data flows one way: scenario -> model (households <->
institutions through programmes) -> measures -> results store -> statistics -> report. A module
may import modules of its own layer or lower ones, never higher ones, and no two modules import
each other (function-local and type-checking imports count).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "sim"

#: Layer of each module, by longest matching prefix (lowest first).
LAYERS: dict[str, int] = {
    "sim.kernels": 1,
    "sim.rng": 2,
    "sim.scenario": 3,
    "sim.data": 3,
    "sim.regions.catalogue": 3,  # names and codes of regions: what a scenario's region means
    "sim.regions.table": 3,
    "sim.world": 4,
    "sim.dynamics": 5,
    "sim.world.synthesis": 6,
    "sim.world.burn_in": 6,  # the starting population is a steady state of the dynamics
    "sim.ledger": 6,
    "sim.programs": 6,
    "sim.institutions": 7,
    "sim.measures": 8,
    "sim.invariants": 8,
    "sim.model": 9,
    "sim.analysis": 10,
    "sim.regions": 10,  # fitting regions, their growth, the nation by province
    "sim.calibrate": 11,
    "sim.sensitivity": 11,
    "sim.stats": 12,
    "sim.report": 13,
    "sim.batch": 14,
    "sim.app": 15,
    "sim.explorer": 15,  # the explorer's settings, run, words, controls, plots and page
}
PACKAGE_LAYER = 16  # ``sim/__init__.py``: the public names, above everything it re-exports
MAX_LINES = 700  # STYLE.md asks for about 600; data tables (mostly literals) are exempt


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for f in sorted(ROOT.rglob("*.py")):
        parts = f.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        out[name] = f
    return out


def layer(name: str) -> int:
    if name == "sim":
        return PACKAGE_LAYER
    best = max((p for p in LAYERS if name == p or name.startswith(p + ".")), key=len)
    return LAYERS[best]


def imports(name: str, path: Path) -> set[str]:
    """The sim modules ``name`` imports anywhere in its file (functions included)."""
    known = modules()
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (path.name == "__init__.py")]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
        for t in targets:
            if t in known and t != name and t != "sim" and not name.startswith(t + "."):
                out.add(t)
    return out


def test_every_module_has_a_layer_and_imports_only_downwards():
    bad = []
    for name, path in modules().items():
        if name != "sim":
            assert any(name == p or name.startswith(p + ".") for p in LAYERS), f"{name}: no layer"
        for dep in imports(name, path):
            if layer(dep) > layer(name):
                bad.append(f"{name} (layer {layer(name)}) imports {dep} (layer {layer(dep)})")
    assert not bad, "\n".join(bad)


def test_no_import_cycles():
    graph = {name: imports(name, path) for name, path in modules().items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(u: str, stack: list[str]) -> None:
        state[u] = 1
        stack.append(u)
        for v in sorted(graph[u]):
            if state.get(v) == 1:
                cycles.append([*stack[stack.index(v) :], v])
            elif not state.get(v):
                visit(v, stack)
        stack.pop()
        state[u] = 2

    for name in sorted(graph):
        if not state.get(name):
            visit(name, [])
    assert not cycles, " ; ".join(" -> ".join(c) for c in cycles[:3])


def test_files_are_small():
    bad = []
    for name, path in modules().items():
        src = path.read_text()
        lines = src.count("\n") + 1
        tree = ast.parse(src)
        data = sum(
            n.end_lineno - n.lineno + 1
            for n in tree.body
            if isinstance(n, ast.Assign | ast.AnnAssign)
            and isinstance(n.value, ast.Dict | ast.List | ast.Tuple | ast.Constant)
        )
        if lines > MAX_LINES and data < lines / 2:
            bad.append(f"{name}: {lines} lines")
    assert not bad, bad


def test_no_branch_on_the_kernel_switch_outside_the_kernels():
    bad = [
        name
        for name, path in modules().items()
        if not name.startswith("sim.kernels")
        and ("accel.enabled" in path.read_text() or "kernels.enabled()" in path.read_text())
    ]
    assert not bad, bad


IMPORT_ALONE = """
import os, sys
# the third-party libraries once, in the parent; each sim module in a fresh child of it, which
# has no sim module loaded: a module that only imports because another one ran first fails here
import mesa, numba, numpy, pandas, pyarrow, pydantic, scipy.optimize, scipy.special, scipy.stats
failed = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            __import__(name)
        except BaseException as exc:  # noqa: BLE001
            print(f"{name}: {type(exc).__name__}: {exc}", flush=True)
            os._exit(1)
        os._exit(0)
    os.waitpid(pid, 0)
"""


def test_each_module_imports_alone_in_a_fresh_interpreter():
    """Every module imports on its own, whatever was imported before (no hidden order)."""
    names = [n for n in modules() if not n.endswith("__main__") and n != "sim.app"]
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALONE, *names], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_import_sim_is_quiet():
    """``import sim`` defines things: no kernel loaded, no model run, no process setting made.

    It loads the model's own dependencies (numpy, numba, mesa) but not what only some paths
    need (the batch runner, the report, the trials, scipy.stats, matplotlib).
    """
    code = """
import os, sys, sim
from sim.kernels.registry import loaded
loaded = sum(loaded().values())
heavy = [m for m in ("sim.batch", "sim.report", "sim.analysis.trial", "scipy.stats", "matplotlib")
         if m in sys.modules]
tuned = sim.kernels.process.tune_allocator.cache_info().currsize
print(loaded, os.environ.get("GOMP_SPINCOUNT"), tuned, heavy)
"""
    env = {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"}  # set by prepare()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip().split(maxsplit=3) == ["0", "None", "0", "[]"], out.stdout


@pytest.mark.parametrize("name", ["PovertyModel", "load_scenario", "run_batch", "run_trial"])
def test_public_names_load_on_first_use(name):
    import sim

    assert callable(getattr(sim, name))
    assert name in dir(sim)


def test_the_core_runs_without_the_explorer_or_the_extras():
    """Mesa's visualisation (the ``app`` extra) and the other extras are not needed to run."""
    code = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {"solara", "altair", "playwright", "ipywidgets", "SALib",
                                  "ema_workbench", "dask", "nbclient"}:
            raise ImportError(name)
sys.meta_path.insert(0, Block())
import sim, sim.batch, sim.report, sim.stats
sc = sim.load_scenario("full_synergy", overrides={"population.households": 300, "months": 2})
sim.PovertyModel(sc, rng=1).run()
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)

"""The manifest of a results folder: the command, seeds, scenarios, versions, platform, commit.

``manifest.json`` says how the folder's results were made, so that they can be made again; its
fields are documented in ``docs/outputs.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.batch.identity import sinergi_version
from sim.batch.plan import BASELINE, DEFAULT_REFERENCE, Plan
from sim.batch.store import RESULTS_FORMAT, write_text
from sim.kernels import enabled
from sim.kernels.switch import numba_version

PROJECT_DIR = Path(__file__).resolve().parents[2]
"""The project checkout (its git commit is recorded when it is one)."""


def now() -> str:
    """The time now, UTC, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def versions() -> dict[str, str]:
    """Versions of Sinergi, Python and the libraries that compute or store the results."""
    import mesa
    import scipy

    return {
        "sinergi": sinergi_version(),
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "numba": numba_version(),
    }


def platform_info() -> dict[str, Any]:
    """The machine, operating system and whether the compiled kernels ran."""
    return {
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "python_implementation": platform.python_implementation(),
        "cpu_count": os.cpu_count(),
        # recorded figures of the compiled path and of the numpy reference differ in the last
        # bits (about 1e-15 relative; sim.measures.passes); the simulated households do not
        "compiled_kernels": enabled(),
    }


def git() -> dict[str, Any]:
    """Commit of the project checkout, if it is one (failures are tolerated)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # never touch the repository's index
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
        )
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
        )
        dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
        return {"commit": commit.stdout.strip(), "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def build_manifest(
    plan: Plan,
    command: Sequence[str],
    out: Path,
    old: Mapping[str, Any] | None,
    started: str,
    workers: int,
    scheduler: str | None,
) -> dict[str, Any]:
    """The manifest of a batch as it starts (``status`` "running"; the runs not yet counted).

    Args:
        plan: The batch.
        command: The command line (or the ``sim.run_batch`` call) that started it.
        out: The results folder.
        old: The folder's previous manifest, whose history is kept, or None.
        started: When the batch started (:func:`now`).
        workers: Local processes asked for.
        scheduler: Address of the Dask scheduler, or None.

    Returns:
        JSON-ready data (``docs/outputs.md``).
    """
    history = list(old.get("history", [])) if old else []
    return {
        "format": RESULTS_FORMAT,
        "command": shlex.join(command),
        "argv": list(command),
        "cwd": str(Path.cwd()),
        "results_folder": str(out),
        "root_seed": plan.root_seed,
        "replicate_seeds": "numpy.random.SeedSequence(root_seed).spawn(reps); "
        "seed = first uint64 of the child's generate_state, shifted right by one bit",
        "reps": plan.reps,
        "reference": plan.reference,
        "reference_requested": plan.arguments.get("reference") or DEFAULT_REFERENCE,
        "reference_note": plan.reference_note,
        "baseline_for_value_for_money": plan.baseline
        if plan.baseline in plan.scenario_names
        else None,
        "baseline_requested": plan.arguments.get("baseline") or BASELINE,
        "discount_rate_annual": plan.discount_rate,
        "arguments": plan.arguments,
        "overrides": plan.overrides,
        "sweep_keys": plan.sweep_keys,
        "scenarios": [
            {
                "scenario": p.scenario,
                "sweep": dict(p.sweep),
                "content_hash": p.content_hash,
                "households": p.config.population.households,
                "months": p.config.months,
                "source": p.source,
                "file": f"scenarios/{p.content_hash}.json",
            }
            for p in plan.points
        ],
        "runs": {"total": len(plan.unique_run_ids), "reused": None, "computed": None},
        "executor": {"kind": None, "workers": workers, "scheduler": scheduler},
        "versions": versions(),
        "platform": platform_info(),
        "git": git(),
        "started": started,
        "finished": None,
        "status": "running",
        "history": history,
        **(_uncertainty(plan) if plan.uncertain else {}),
    }


def _uncertainty(plan: Plan) -> dict[str, Any]:
    """The manifest's account of the parameters drawn per replicate (``uncertain``)."""
    return {
        "parameter_uncertainty": True,
        "drawn_parameters": [
            {"parameter": k, "range": list(v), "column": f"draw.{k}"} for k, v in plan.drawn.items()
        ],
        "parameter_draws": "uniform within each range, per replicate, from "
        "numpy.random.default_rng([replicate seed, 0x756E63]) in sorted parameter "
        "order; the same draws at every scenario point",
    }


def history_entry(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """One line of the manifest's ``history``: a command, when it ran, how it ended."""
    return {
        "command": manifest["command"],
        "started": manifest["started"],
        "finished": manifest["finished"],
        "status": manifest["status"],
        "runs": dict(manifest["runs"]),
    }


def write_manifest(out: Path, manifest: Mapping[str, Any]) -> None:
    """Write ``manifest.json`` (whole or absent)."""
    write_text(out / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")

"""The results folder on disk: run files, whole-file writes, the folder lock, the runs index.

* **Whole files.** Each run is one Parquet file, written to a temporary name, flushed to disk
  and renamed, so a run file is whole or absent; the driver writes it (workers need no shared
  filesystem).
* **One writer.** A batch holds an exclusive lock on ``.lock`` in the folder while it writes
  (released when the process dies), so two batches never mix their files.
* **Resume.** A folder holding another results format, root seed, Sinergi version or
  ``--uncertain`` setting is refused.

The folder and every column are documented in ``docs/outputs.md``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import filelock
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.batch.errors import BatchError, BatchInputError
from sim.batch.plan import Plan
from sim.batch.values import compact

RESULTS_FORMAT = 1
"""Version of the results-folder format (run files, index, manifest); bump when it changes."""
META_KEY = b"sinergi"
"""Parquet schema-metadata key holding a run's provenance (JSON)."""


def run_file_bytes(timeseries: pd.DataFrame, provenance: Mapping[str, Any]) -> bytes:
    """Encode a run's monthly time series as Parquet with its provenance in the metadata.

    Args:
        timeseries: ``PovertyModel.timeseries()``.
        provenance: JSON-ready provenance (format, run id, scenario, content hash, replicate,
            seeds, version, sweep values).

    Returns:
        The Parquet file's bytes (deterministic for the same data and library versions).
    """
    table = pa.Table.from_pandas(timeseries, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[META_KEY] = json.dumps(dict(provenance), sort_keys=True, default=str).encode()
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def read_provenance(path: Path) -> dict[str, Any] | None:
    """The provenance stored in a run file's Parquet metadata (None if unreadable)."""
    try:
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta[META_KEY])
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is whole or absent.

    Raises:
        BatchError: When the file cannot be written (the temporary file is removed).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise BatchError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that the file is whole or absent."""
    write_atomic(path, text.encode("utf-8"))


def remove_temporaries(folder: Path) -> int:
    """Remove temporary files left by a killed process (the folder lock says none is alive).

    Returns:
        The number of files removed.
    """
    n = 0
    figures = folder / "figures"
    for sub in (folder, folder / "runs", figures, figures / "id", folder / "scenarios"):
        if sub.is_dir():
            for tmp in sub.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    tmp.unlink()
                    n += 1
    return n


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the results folder (released when the process dies).

    The lock is ``folder/.lock`` (``filelock``: ``flock`` on POSIX, ``msvcrt`` on Windows); a
    second batch does not wait for it.

    Raises:
        BatchError: When another batch holds the lock, or the lock file cannot be written.
    """
    lock = filelock.FileLock(folder / ".lock", timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise BatchError(
            f"another batch is writing into {folder}; wait for it or use another --out"
        ) from None
    except OSError as exc:
        raise BatchError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


def check_folder(out: Path, plan: Plan, version: str) -> dict[str, Any] | None:
    """Refuse a results folder that holds another kind of batch; return its manifest.

    Args:
        out: The results folder (it may not exist yet).
        plan: The batch about to run into it.
        version: This Sinergi's version.

    Returns:
        The folder's ``manifest.json``, or None for a new or empty folder.

    Raises:
        BatchInputError: When the folder holds something else, another results format, root
            seed, Sinergi version or ``--uncertain`` setting.
    """
    if out.exists() and not out.is_dir():
        raise BatchInputError(f"--out {out}: exists and is not a folder")
    if not out.is_dir():
        return None
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        others = [p.name for p in out.iterdir() if p.name != ".lock"]
        if others:
            raise BatchInputError(
                f"--out {out}: the folder is not empty and holds no Sinergi manifest.json; "
                "give a new or empty folder"
            )
        return None
    try:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
        fmt, old_seed = old["format"], old["root_seed"]
        old_version = old["versions"]["sinergi"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BatchInputError(
            f"--out {out}: manifest.json is unreadable ({type(exc).__name__}); use another --out"
        ) from None
    if fmt != RESULTS_FORMAT:
        raise BatchInputError(
            f"--out {out}: holds results format {fmt}, this Sinergi writes {RESULTS_FORMAT}; "
            "use another --out"
        )
    if old_seed != plan.root_seed:
        raise BatchInputError(
            f"--out {out}: holds a batch with root seed {old_seed}, this command uses "
            f"{plan.root_seed}; use --seed {old_seed} or another --out"
        )
    if old_version != version:
        raise BatchInputError(
            f"--out {out}: was written by Sinergi {old_version}, this is {version}; "
            "use another --out"
        )
    if bool(old.get("parameter_uncertainty")) != plan.uncertain:
        held = "with" if old.get("parameter_uncertainty") else "without"
        raise BatchInputError(
            f"--out {out}: holds a batch {held} --uncertain; match it or use another --out"
        )
    return old


def index_frame(
    plan: Plan,
    status: Mapping[str, str],
    seconds: Mapping[str, float],
    errors: Mapping[str, str],
) -> pd.DataFrame:
    """The runs index: one row per (point, replicate) of this batch.

    Args:
        plan: The batch.
        status: Run id mapped to ``done`` or ``failed`` (others are ``pending``).
        seconds: Run id mapped to its run time, seconds.
        errors: Run id mapped to the message of its failure.

    Returns:
        The frame written as ``runs.parquet`` (columns in ``docs/outputs.md``).
    """
    rows = []
    for spec in plan.runs:
        p = plan.points[spec.point]
        row: dict[str, Any] = {
            "run_id": spec.run_id,
            "scenario": p.scenario,
            "content_hash": p.content_hash,
            "region": p.region,  # swept or not: every run carries its region
        }
        row.update({k: v for k, v in p.sweep})
        row.update({f"draw.{k}": v for k, v in spec.draws})
        row.update(
            replicate=spec.replicate,
            seed=spec.seed,
            status=status.get(spec.run_id, "pending"),
            seconds=seconds.get(spec.run_id, np.nan),
            error=errors.get(spec.run_id, ""),
            file=f"runs/{spec.run_id}.parquet",
        )
        rows.append(row)
    frame = pd.DataFrame(rows)
    for key in plan.sweep_keys:  # a column of mixed types cannot be stored: keep it as text
        if frame[key].dtype == object and frame[key].map(type).nunique() > 1:
            frame[key] = frame[key].map(compact)
    frame["replicate"] = frame["replicate"].astype("int64")
    frame["seed"] = frame["seed"].astype("int64")
    return frame


def write_index(out: Path, frame: pd.DataFrame, plan: Plan) -> None:
    """Write the runs index ``runs.parquet`` (whole or absent); its metadata holds the keys."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[META_KEY] = json.dumps(
        {"format": RESULTS_FORMAT, "sweep_keys": plan.sweep_keys, "reference": plan.reference}
    ).encode()
    sink = pa.BufferOutputStream()
    pq.write_table(table.replace_schema_metadata(meta), sink)
    write_atomic(out / "runs.parquet", sink.getvalue().to_pybytes())

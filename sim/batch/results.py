"""Reading a results folder back: the manifest, the runs index, the summary, the time series."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass
class Results:
    """A results folder, read back.

    Attributes:
        folder: The folder.
        manifest: ``manifest.json``.
        runs: ``runs.parquet``: one row per (scenario point, replicate) of the batch.
        summary: ``summary.csv`` (empty when the batch did not finish).
    """

    folder: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    summary: pd.DataFrame

    @property
    def keys(self) -> list[str]:
        """Columns identifying a scenario point: ``scenario`` and the swept fields."""
        return ["scenario", *self.manifest.get("sweep_keys", [])]

    def read_run(self, run_id: str) -> pd.DataFrame:
        """One run's monthly time series."""
        return pd.read_parquet(self.folder / "runs" / f"{run_id}.parquet")

    def load_timeseries(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Tidy time series of the finished runs, optionally only some metric columns.

        Args:
            columns: Metric columns to read (``month`` is always read); default all.

        Returns:
            One row per run x month: ``run_id``, the ``keys`` columns, ``replicate``,
            ``month`` and the metrics.
        """
        frames = []
        cols = None if columns is None else ["month", *[c for c in columns if c != "month"]]
        done = self.runs[self.runs["status"] == "done"]
        for row in done.to_dict("records"):
            ts = pd.read_parquet(self.folder / row["file"], columns=cols)
            ident = {"run_id": row["run_id"], **{k: row[k] for k in self.keys}}
            ident["replicate"] = row["replicate"]
            frames.append(ts.assign(**ident)[[*ident, *ts.columns]])
        if not frames:
            return pd.DataFrame(columns=["run_id", *self.keys, "replicate", "month"])
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """Tidy time series of every finished run (see :meth:`load_timeseries`)."""
        return self.load_timeseries()


def load_results(folder: str | os.PathLike[str]) -> Results:
    """Read a results folder written by ``sim.run_batch`` or ``run_scenarios.py``.

    Args:
        folder: The results folder.

    Returns:
        The :class:`Results`; ``.timeseries`` is read on first use.

    Raises:
        FileNotFoundError: When the folder holds no manifest or runs index.
    """
    path = Path(folder)
    for name in ("manifest.json", "runs.parquet"):
        if not (path / name).is_file():
            raise FileNotFoundError(f"{path}: no {name} (not a Sinergi results folder)")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    runs = pd.read_parquet(path / "runs.parquet")
    summary_path = path / "summary.csv"
    summary = (
        pd.read_csv(summary_path, dtype={"scenario": str, "reference": str}, keep_default_na=True)
        if summary_path.is_file()
        else pd.DataFrame()
    )
    if not summary.empty:
        summary["reference"] = summary["reference"].fillna("")
    return Results(path, manifest, runs, summary)

"""The folder reader: what the report is drawn from, read from a batch's results folder.

A results folder holds ``manifest.json``, ``summary.csv``, ``runs.parquet``, ``runs/*.parquet``
and ``scenarios/<content hash>.json`` (every file: ``docs/outputs.md``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.measures.discounting import DISCOUNT_RATE_ANNUAL

TIMESERIES_COLUMNS = ("p0", "p1", "p2", "gini", "coalition_members", "mean_trust")
"""Monthly columns of the per-run files that the figures draw."""


@dataclass
class ReportData:
    """What the report is drawn from, read from a results folder."""

    folder: Path
    manifest: dict[str, Any]
    summary: pd.DataFrame
    keys: list[str]
    timeseries: pd.DataFrame
    scenarios: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        """The scenario the others are compared with."""
        return str(self.manifest.get("reference") or "")

    @property
    def baseline(self) -> str:
        """The value-for-money baseline."""
        return str(self.manifest.get("baseline_for_value_for_money") or "no_programs")

    @property
    def discount_rate(self) -> float:
        """The batch's discount rate of value for money, a fraction per year.

        Folders written before it was recorded get the default
        (:data:`sim.measures.discounting.DISCOUNT_RATE_ANNUAL`).
        """
        rate = self.manifest.get("discount_rate_annual")
        return DISCOUNT_RATE_ANNUAL if rate is None else float(rate)

    @property
    def months(self) -> int:
        """The longest horizon of the batch, in months."""
        return max((int(s["months"]) for s in self.manifest.get("scenarios", [])), default=0)

    def points(self) -> list[dict[str, Any]]:
        """Scenario points in batch order, as ``{key: value}``."""
        if self.summary.empty:
            return []
        return self.summary[self.keys].drop_duplicates().to_dict("records")

    def label(self, point: Mapping[str, Any]) -> str:
        """A point's label: the scenario id and its sweep values."""
        sweep = [f"{k}={point[k]}" for k in self.keys[1:]]
        name = str(point[self.keys[0]])
        return f"{name} ({', '.join(sweep)})" if sweep else name

    def row(self, point: Mapping[str, Any], statistic: str, metric: str) -> pd.Series | None:
        """The summary row of a point, statistic and metric, or ``None``."""
        s = self.summary
        if s.empty:
            return None
        mask = (s["statistic"] == statistic) & (s["metric"] == metric)
        for k in self.keys:
            mask &= s[k].astype(str) == str(point[k])
        rows = s[mask]
        return None if rows.empty else rows.iloc[0]

    def resolved(self, point: Mapping[str, Any]) -> dict[str, Any]:
        """A point's resolved scenario (``scenarios/<hash>.json``; empty when not stored)."""
        for s in self.manifest.get("scenarios", []):
            if s["scenario"] == point["scenario"] and all(
                str(s["sweep"].get(k)) == str(point[k]) for k in self.keys[1:]
            ):
                return self.scenarios.get(s["content_hash"], {})
        return {}

    def months_of(self, point: Mapping[str, Any]) -> int:
        """The horizon of a point, in months."""
        for s in self.manifest.get("scenarios", []):
            if s["scenario"] == point["scenario"] and all(
                str(s["sweep"].get(k)) == str(point[k]) for k in self.keys[1:]
            ):
                return int(s["months"])
        return self.months


def _read_timeseries(folder: Path, keys: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    index_path = folder / "runs.parquet"
    if not index_path.is_file():
        return pd.DataFrame()
    index = pd.read_parquet(index_path)
    frames = []
    for row in index[index["status"] == "done"].to_dict("records"):
        ts = pd.read_parquet(folder / row["file"])
        cols = ["month", *[c for c in columns if c in ts.columns]]
        ident = {k: row[k] for k in keys} | {"replicate": row["replicate"]}
        frames.append(ts[cols].assign(**ident))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def read_folder(
    folder: str | os.PathLike[str],
    manifest: Mapping[str, Any] | None = None,
    summary: pd.DataFrame | None = None,
    keys: Sequence[str] | None = None,
) -> ReportData:
    """Read what the report needs from a results folder.

    Args:
        folder: The results folder.
        manifest: The manifest when already in memory (else read from ``manifest.json``).
        summary: The summary when already in memory (else read from ``summary.csv``).
        keys: Columns identifying a point (default ``scenario`` and the manifest's sweep keys).

    Returns:
        The :class:`ReportData`.
    """
    folder = Path(folder)
    if manifest is None:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest = dict(manifest)
    keys = list(keys) if keys is not None else ["scenario", *manifest.get("sweep_keys", [])]
    if summary is None:
        path = folder / "summary.csv"
        summary = (
            pd.read_csv(path, dtype={"scenario": str, "reference": str})
            if path.is_file()
            else pd.DataFrame()
        )
    summary = summary.copy()
    if not summary.empty:
        summary["reference"] = summary["reference"].fillna("")
    ts = _read_timeseries(folder, keys, TIMESERIES_COLUMNS)
    scenarios = {}
    for s in manifest.get("scenarios", []):
        path = folder / "scenarios" / f"{s['content_hash']}.json"
        if path.is_file():
            scenarios[s["content_hash"]] = json.loads(path.read_text(encoding="utf-8"))
    return ReportData(folder, manifest, summary, keys, ts, scenarios)

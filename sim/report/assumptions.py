"""The assumptions that matter most: the Morris ranking the report can find, and their values.

``python -m sim.sensitivity morris --out DIR`` writes ``DIR/morris.csv``: one row per outcome
and parameter with ``mu_star``, the mean absolute elementary effect of moving the parameter
within its uncertainty range (columns ``outcome, parameter, mu_star, mu_star_conf, mu, sigma,
mu_star_relative, rank``). The report reads, in this order:

1. the batch's own results: ``<folder>/sensitivity/morris.csv``,
   ``<folder>/sensitivity/morris/morris.csv`` or ``<folder>/morris.csv``;
2. the project's published results, ``docs/sensitivity/morris.csv`` (the commands that wrote
   them: ``docs/VALIDATION.md``).

A file ``morris_command.txt`` beside ``morris.csv`` names the command that wrote it. The
outcome is the one the report's headline is about: P1 closed per rupiah when the batch has
its value-for-money baseline, else P1 at the last month. With no ranking found, the report
says that no sensitivity analysis was run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.contents import vfm_points
from sim.report.folder import ReportData
from sim.report.labels import parameter_unit, scenario_label
from sim.report.numbers import fmt_number
from sim.report.text import t, words
from sim.scenario import uncertain_parameters

ROOT = Path(__file__).resolve().parents[2]
"""The project's root (where ``docs/`` is, in a source checkout)."""

PUBLISHED = ROOT / "docs" / "sensitivity"
"""The project's published sensitivity results (absent from an installed wheel)."""

BATCH_PLACES = ("sensitivity", "sensitivity/morris", ".")
"""Where a batch folder may hold its own Morris results, relative to the folder."""

MORRIS_FILE = "morris.csv"
COMMAND_FILE = "morris_command.txt"

TOP = 6
"""How many parameters the section lists."""


@dataclass(frozen=True)
class MorrisRanking:
    """A Morris screening found for the report.

    Attributes:
        path: The ``morris.csv`` read.
        shown: That path as the report shows it (relative to the batch folder or the project).
        published: True for the project's published results, False for the batch's own.
        command: The command that wrote it, when recorded (``morris_command.txt``).
        table: Its rows: ``outcome``, ``parameter``, ``mu_star`` (and the other columns).
    """

    path: Path
    shown: str
    published: bool
    command: str | None
    table: pd.DataFrame

    def outcome(self, wanted: str) -> str:
        """``wanted`` if the file ranks that outcome, else the file's first outcome."""
        outcomes = self.table["outcome"].astype(str)
        return wanted if wanted in set(outcomes) else str(outcomes.iloc[0])

    def ranked(self, outcome: str, top: int = TOP) -> list[tuple[str, float]]:
        """The ``top`` parameters of ``outcome`` by ``mu_star``, with mu* relative to the first.

        Parameters without effect (mu* zero or missing) are left out; an outcome the file
        does not rank falls back to its first (:meth:`outcome`).
        """
        table = self.table
        rows = table[table["outcome"].astype(str) == self.outcome(outcome)]
        mu = pd.to_numeric(rows["mu_star"], errors="coerce")
        rows = rows.assign(mu_star=mu)[mu > 0].sort_values(
            "mu_star", ascending=False, kind="stable"
        )
        if rows.empty:
            return []
        scale = float(rows["mu_star"].iloc[0])
        return [
            (str(p), float(m) / scale)
            for p, m in zip(rows["parameter"], rows["mu_star"], strict=True)
        ][:top]


def _read(path: Path, shown: str, published: bool) -> MorrisRanking | None:
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError):
        return None
    if table.empty or not {"outcome", "parameter", "mu_star"} <= set(table.columns):
        return None
    sidecar = path.with_name(COMMAND_FILE)
    command = sidecar.read_text(encoding="utf-8").strip() if sidecar.is_file() else None
    return MorrisRanking(path, shown, published, command or None, table)


def find_morris(folder: str | Path, published: str | Path | None = None) -> MorrisRanking | None:
    """The Morris ranking for a batch: its own results if any, else the project's published.

    Args:
        folder: The batch's results folder.
        published: The folder of published results (default :data:`PUBLISHED`).

    Returns:
        The ranking, or ``None`` when neither place holds a readable ``morris.csv``.
    """
    folder = Path(folder)
    for place in BATCH_PLACES:
        path = folder / place / MORRIS_FILE
        if path.is_file() and (found := _read(path, (Path(place) / MORRIS_FILE).as_posix(), False)):
            return found
    pub = Path(PUBLISHED if published is None else published)
    path = pub / MORRIS_FILE
    if path.is_file():
        try:
            shown = path.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            shown = path.as_posix()
        return _read(path, shown, True)
    return None


def report_outcome(data: ReportData) -> str:
    """The Morris outcome the report is about (one of ``sim.analysis.sensitivity.OUTCOMES``)."""
    return "p1_closed_per_bn" if vfm_points(data) else "p1_final"


def _values(data: ReportData, dotted: str, lang: str = "en") -> dict[str, Any]:
    """The value of ``dotted`` in each scenario point of the batch, by the point's name."""
    values: dict[str, Any] = {}
    for s in data.manifest.get("scenarios", []):
        doc: Any = data.scenarios.get(s["content_hash"])
        for part in dotted.split("."):
            doc = doc.get(part) if isinstance(doc, dict) else None
        if doc is not None:
            label = scenario_label(s["scenario"], lang) + (
                f" ({', '.join(f'{k}={v}' for k, v in s['sweep'].items())})" if s["sweep"] else ""
            )
            values[label] = doc
    return values


def _show(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return t("value_yes" if value else "value_no", lang)
    if not isinstance(value, (int, float)):
        return str(value)
    return fmt_number(value, 0 if abs(value) >= 100 else 2, lang)


def _values_text(values: dict[str, Any], lang: str) -> str:
    if not values:
        return t("not_in_scenarios", lang)
    if len({json.dumps(v) for v in values.values()}) == 1:
        return t("same_all", lang, value=_show(next(iter(values.values())), lang))
    return "; ".join(f"{k}: {_show(v, lang)}" for k, v in values.items())


def _units() -> dict[str, str]:
    return {k: str(v.get("unit") or "") for k, v in uncertain_parameters().items()}


def assumption_lines(
    data: ReportData, ranking: MorrisRanking, lang: str, top: int = TOP
) -> list[str]:
    """One line per top-ranked parameter: its name, path, unit, relative mu* and batch values.

    Args:
        data: The folder's data (the values used come from ``scenarios/<hash>.json``).
        ranking: The Morris ranking found.
        lang: ``"en"`` or ``"id"``.
        top: How many parameters.

    Returns:
        E.g. "poverty-trap strength (`assets.trap_strength`, share of the fixed cost that
        applies (0 = no trap)): relative mu* 0.94; in this batch: 1.00 in every scenario".
    """
    names = words(lang).get("parameters", {})
    units = _units()
    lines = []
    for dotted, relative in ranking.ranked(report_outcome(data), top):
        unit = parameter_unit(dotted, lang, units.get(dotted, ""))
        detail = f"`{dotted}`" + (f", {t('unit', lang, unit=unit)}" if unit else "")
        lines.append(
            t(
                "assumption",
                lang,
                name=names.get(dotted, dotted),
                detail=detail,
                relative=fmt_number(relative, 2, lang),
                values=_values_text(_values(data, dotted, lang), lang),
            )
        )
    return lines


def assumptions_intro(data: ReportData, ranking: MorrisRanking, lang: str) -> str:
    """The paragraph naming the outcome, the results read and the command that wrote them."""
    outcome = ranking.outcome(report_outcome(data))
    outcomes: dict[str, str] = words(lang).get("outcomes", {})
    command = (
        t("produced_by", lang, command=ranking.command)
        if ranking.command
        else t("command_unknown", lang)
    )
    source = t(
        "source_published" if ranking.published else "source_batch",
        lang,
        path=ranking.shown,
        command=command,
    )
    return t("assumptions_intro", lang, outcome=outcomes.get(outcome, outcome), source=source)

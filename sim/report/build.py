"""The report of a results folder: figures, ``report.md`` and a self-contained ``report.html``."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.document import Document
from sim.report.figures import write_figures
from sim.report.folder import ReportData, read_folder
from sim.report.regions import add_region_table, region_intro
from sim.report.regions import title as region_title
from sim.report.sections import (
    add_assumptions,
    add_attribution,
    add_baseline_path,
    add_batch,
    add_citation,
    add_difference_table,
    add_figures,
    add_final_table,
    add_findings,
    add_headline,
    add_money_table,
    add_value_for_money_table,
)
from sim.report.sentences import ci_covers
from sim.report.text import check_lang


def build_report(
    data: ReportData, lang: str = "en", headcount: pd.DataFrame | None = None
) -> tuple[str, str]:
    """Draw the figures and compose the report.

    Args:
        data: The folder's data.
        lang: ``"en"`` or ``"id"``.
        headcount: Precomputed headcount bands (else computed from the runs).

    Returns:
        ``(markdown, html)``.
    """
    lang = check_lang(lang)
    drawn = write_figures(data, lang, headcount)
    covers = ci_covers(data.manifest, lang)
    doc = Document()
    title = region_title(data, lang)
    doc.h(1, title)
    intro = region_intro(data, lang)
    if intro:
        doc.p(intro)
    add_findings(doc, data, lang, covers)
    add_headline(doc, data, lang)
    add_batch(doc, data, lang)
    add_region_table(doc, data, lang, covers)
    add_baseline_path(doc, data, lang)
    add_final_table(doc, data, lang, covers)
    add_difference_table(doc, data, lang, covers)
    add_value_for_money_table(doc, data, lang, covers)
    add_attribution(doc, data, lang)
    add_money_table(doc, data, lang)
    add_figures(doc, drawn, lang, data.baseline)
    add_assumptions(doc, data, lang)
    add_citation(doc, data, lang)
    return doc.markdown(), doc.html(data.folder, title, lang)


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(
    folder: str | os.PathLike[str],
    manifest: Mapping[str, Any] | None = None,
    summary: pd.DataFrame | None = None,
    headcount: pd.DataFrame | None = None,
    keys: Sequence[str] | None = None,
    lang: str = "en",
) -> Path:
    """Write ``report.md``, ``report.html`` and ``figures/*.png|svg`` into a results folder.

    Args:
        folder: The results folder.
        manifest: The batch's manifest (default: read ``manifest.json``).
        summary: The batch summary (default: read ``summary.csv``).
        headcount: Headcount bands per point (``label``, ``month``, ``mean``, ``low``,
            ``high``); default computed from the runs.
        keys: Columns identifying a point (``scenario`` and the swept fields).
        lang: ``"en"`` (default) or ``"id"`` (Bahasa Indonesia).

    Returns:
        The path of ``report.md``.
    """
    lang = check_lang(lang)
    data = read_folder(folder, manifest, summary, keys)
    markdown, page = build_report(data, lang, headcount)
    path = data.folder / "report.md"
    _write_text(path, markdown)
    _write_text(data.folder / "report.html", page)
    return path

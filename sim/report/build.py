"""The report of a results folder, in every language side by side, and its spreadsheet.

English is ``report.md``, ``report.html`` and ``figures/*.png|svg``; Bahasa Indonesia is
``report.id.md``, ``report.id.html`` and ``figures/id/*.png|svg`` (:data:`REPORT_STEMS`,
:data:`FIGURE_DIRS`), each report linking its own figures, so that writing one language never
overwrites another. ``summary.xlsx`` (English) and ``summary.id.xlsx`` hold the headline
metrics as wide tables (``sim.report.spreadsheet``).
"""

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
    add_headline,
    add_money_table,
    add_value_for_money_table,
)
from sim.report.sentences import ci_covers
from sim.report.spreadsheet import write_spreadsheet
from sim.report.summary_page import add_summary
from sim.report.text import LANGS, check_lang

REPORT_STEMS = {"en": "report", "id": "report.id"}
"""File name of each language's report, before ``.md`` and ``.html``."""

FIGURE_DIRS = {"en": "figures", "id": "figures/id"}
"""Folder of each language's figures, relative to the results folder."""


def report_path(folder: str | os.PathLike[str], lang: str = "en", suffix: str = ".md") -> Path:
    """The path of a language's report: ``report.md``, ``report.id.md`` (or ``.html``)."""
    return Path(folder) / f"{REPORT_STEMS[check_lang(lang)]}{suffix}"


def build_report(
    data: ReportData, lang: str = "en", headcount: pd.DataFrame | None = None
) -> tuple[str, str]:
    """Draw a language's figures (into its :data:`FIGURE_DIRS` folder) and compose its report.

    Args:
        data: The folder's data.
        lang: ``"en"`` or ``"id"``.
        headcount: Precomputed headcount bands (else computed from the runs).

    Returns:
        ``(markdown, html)``.
    """
    lang = check_lang(lang)
    figures = FIGURE_DIRS[lang]
    drawn = write_figures(data, lang, headcount, data.folder / figures)
    covers = ci_covers(data.manifest, lang)
    doc = Document()
    title = region_title(data, lang)
    doc.h(1, title)
    intro = region_intro(data, lang)
    if intro:
        doc.p(intro)
    add_summary(doc, data, lang)
    add_headline(doc, data, lang)
    add_batch(doc, data, lang)
    add_region_table(doc, data, lang, covers)
    add_baseline_path(doc, data, lang)
    add_final_table(doc, data, lang, covers)
    add_difference_table(doc, data, lang, covers)
    add_value_for_money_table(doc, data, lang, covers)
    add_attribution(doc, data, lang)
    add_money_table(doc, data, lang)
    add_figures(doc, drawn, lang, data.baseline, figures)
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
    lang: str | Sequence[str] = LANGS,
) -> Path:
    """Write the reports, their figures and the spreadsheets into a results folder.

    Args:
        folder: The results folder.
        manifest: The batch's manifest (default: read ``manifest.json``).
        summary: The batch summary (default: read ``summary.csv``).
        headcount: Headcount bands per point (``label``, ``month``, ``mean``, ``low``,
            ``high``); default computed from the runs.
        keys: Columns identifying a point (``scenario`` and the swept fields).
        lang: The languages to write (default every one of :data:`~sim.report.text.LANGS`,
            side by side), or one of them (``"en"``: ``report.md``; ``"id"``:
            ``report.id.md``), leaving the others' files as they are.

    Returns:
        The path of the first language's Markdown report (``report.md`` by default).
    """
    langs = [check_lang(lang)] if isinstance(lang, str) else [check_lang(x) for x in lang]
    if not langs:
        raise ValueError(f"lang: at least one of {LANGS}")
    data = read_folder(folder, manifest, summary, keys)
    for one in langs:
        markdown, page = build_report(data, one, headcount)
        _write_text(report_path(data.folder, one), markdown)
        _write_text(report_path(data.folder, one, ".html"), page)
        write_spreadsheet(data, one)
    return report_path(data.folder, langs[0])

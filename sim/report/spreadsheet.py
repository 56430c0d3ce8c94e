"""The batch's spreadsheet: ``summary.xlsx`` (English) and ``summary.id.xlsx``, a sheet a metric.

``summary.csv`` holds every number of a batch in long form (a row per point, metric and
statistic, fractions to full precision). The spreadsheet holds the metrics a planner pastes,
wide: one sheet per metric of :data:`SHEETS`, a row per scenario point, the mean over
replicates with its 95% CI, and for the poverty indices the paired difference from the
reference with its Holm-adjusted p-value. Indices are in percent (P0) or index points (x 100:
P1, P2, Watts, MPI M0, Gini), as BPS publishes them. Each sheet opens with its title and a
line giving the unit, the population, the period and what the CI covers; an ``About`` sheet
describes the batch. Values keep full precision; each row's number format shows the digits
its CI supports (``sim.report.rounding``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from sim.report.folder import ReportData
from sim.report.labels import scenario_label
from sim.report.numbers import finite
from sim.report.regions import REGION, point_region
from sim.report.rounding import decimals_for
from sim.report.sentences import ci_covers
from sim.report.summary_page import name, period_text, population_text
from sim.report.text import check_lang, t

FILE_NAMES = {"en": "summary.xlsx", "id": "summary.id.xlsx"}
"""The spreadsheet of each language."""

HEADER_ROW = 4
"""Row of the table's column names (rows 1-2: the title and the units line)."""


@dataclass(frozen=True)
class Sheet:
    """A metric's sheet.

    Attributes:
        metric: The ``metric`` of ``summary.csv``.
        statistic: Its ``statistic`` (``final`` or ``value_for_money``).
        scale: Factor from the stored value to the unit shown (100: percent or points).
        unit: Words key of the unit.
        compare: Whether the sheet shows the paired difference from the reference.
    """

    metric: str
    statistic: str
    scale: float
    unit: str
    compare: bool


SHEETS = (
    Sheet("p0", "final", 100.0, "xlsx_unit_percent", True),
    Sheet("p1", "final", 100.0, "xlsx_unit_points", True),
    Sheet("p2", "final", 100.0, "xlsx_unit_points", True),
    Sheet("watts", "final", 100.0, "xlsx_unit_points", True),
    Sheet("mpi_m0", "final", 100.0, "xlsx_unit_points", True),
    Sheet("gini", "final", 100.0, "xlsx_unit_points", True),
    Sheet(
        "gap_person_months_avoided_per_billion_rupiah",
        "value_for_money",
        1.0,
        "xlsx_unit_gap_pm_per_bn",
        False,
    ),
    Sheet(
        "person_months_out_discounted_per_billion_rupiah",
        "value_for_money",
        1.0,
        "xlsx_unit_pm_per_bn",
        False,
    ),
    Sheet(
        "persons_out_per_billion_rupiah", "value_for_money", 1.0, "xlsx_unit_persons_per_bn", False
    ),
    Sheet("spent", "value_for_money", 1e-9, "xlsx_unit_rupiah", False),
)
"""The sheets, in order: the final month's poverty indices, then value for money against the
baseline (whole run, then final month) and the programme money spent beyond the baseline's."""


def spreadsheet_path(folder: str | os.PathLike[str], lang: str = "en") -> Path:
    """``summary.xlsx`` (English) or ``summary.id.xlsx`` in a results folder."""
    return Path(folder) / FILE_NAMES[check_lang(lang)]


def number_format(decimals: int) -> str:
    """An Excel number format with thousands separators and ``decimals`` digits."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _value(row: Any, column: str, scale: float) -> float | None:
    return float(row[column]) * scale if finite(row[column]) else None


def _decimals(row: Any, mean: str, low: str, high: str, scale: float) -> int:
    half = (
        (float(row[high]) - float(row[low])) * scale / 2
        if finite(row[low]) and finite(row[high])
        else None
    )
    return decimals_for(half, float(row[mean]) * scale if finite(row[mean]) else None)


def _fit_columns(ws: Any, widths: list[int]) -> None:
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, width + 2))


def _metric_sheet(wb: Workbook, data: ReportData, sheet: Sheet, lang: str) -> bool:
    """Add a metric's sheet; False (nothing added) when no point has the metric."""
    points = [(p, data.row(p, sheet.statistic, sheet.metric)) for p in data.points()]
    points = [(p, r) for p, r in points if r is not None]
    if not points:
        return False
    ws = wb.create_sheet(t(f"xlsx_sheet_{sheet.metric}", lang))
    title = t(f"xlsx_name_{sheet.metric}", lang, base=scenario_label(data.baseline, lang))
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    ci = t("ci_short", lang)
    ws["A2"] = t(
        "xlsx_header",
        lang,
        ci=ci,
        unit=t(sheet.unit, lang),
        population=population_text(data, lang),
        period=period_text(data, lang),
        covers=t("xlsx_ci_meaning", lang, covers=ci_covers(data.manifest, lang)),
    )
    ws["A2"].alignment = Alignment(wrap_text=False)
    sweep = [k for k in data.keys[1:] if k != REGION]
    ref = scenario_label(data.reference, lang) if data.reference else ""
    header = [t("xlsx_scenario", lang), t("xlsx_scenario_id", lang), t("xlsx_region", lang)]
    header += sweep + [t(k, lang, ci=ci) for k in ("xlsx_n", "xlsx_mean", "xlsx_low", "xlsx_high")]
    compare = sheet.compare and any(str(r["reference"]) for _, r in points)
    if compare:
        header += [t("xlsx_diff", lang, ref=ref), t("xlsx_diff_low", lang, ci=ci)]
        header += [t("xlsx_diff_high", lang, ci=ci), t("xlsx_p_holm", lang)]
    ws.append([])
    ws.append(header)
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(h) if len(h) < 24 else 14 for h in header]
    for p, r in points:
        s = sheet.scale
        first = [name(data, p, lang), str(p[data.keys[0]]), point_region(data, p)]
        first += [p[k] for k in sweep]
        values = [_value(r, c, s) for c in ("mean", "ci_low", "ci_high")]
        row = [*first, int(r["n"]), *values]
        if compare:
            diff = [_value(r, c, s) for c in ("diff_mean", "diff_ci_low", "diff_ci_high")]
            p_holm = float(r["p_holm"]) if finite(r["p_holm"]) else None
            row += [*diff, p_holm] if str(r["reference"]) else [None] * 4
        ws.append(row)
        cells = ws[ws.max_row]
        fmt = number_format(_decimals(r, "mean", "ci_low", "ci_high", s))
        at = len(first) + 1
        for cell in cells[at : at + 3]:
            cell.number_format = fmt
        if compare and str(r["reference"]):
            fmt = number_format(_decimals(r, "diff_mean", "diff_ci_low", "diff_ci_high", s))
            for cell in cells[at + 3 : at + 6]:
                cell.number_format = fmt
            cells[at + 6].number_format = "0.000"
        widths = [
            max(w, len(str(v)) if isinstance(v, str) else 12)
            for w, v in zip(widths, row, strict=True)
        ]
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=2)
    _fit_columns(ws, widths)
    return True


def _about_sheet(wb: Workbook, data: ReportData, lang: str, sheets: list[tuple[str, str]]) -> None:
    ws = wb.active
    ws.title = t("xlsx_about", lang)
    ws["A1"] = t("xlsx_about_title", lang, name=data.folder.name)
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = t("xlsx_about_lines", lang)
    manifest = data.manifest
    rows = [
        (t("xlsx_population", lang), population_text(data, lang)),
        (t("xlsx_period", lang), period_text(data, lang)),
        (
            t("xlsx_ci", lang, ci=t("ci_short", lang)),
            t("xlsx_ci_meaning", lang, covers=ci_covers(manifest, lang)),
        ),
        (t("xlsx_reference", lang), scenario_label(data.reference, lang) or "-"),
        (t("xlsx_baseline", lang), scenario_label(data.baseline, lang)),
        (t("xlsx_reps", lang), manifest.get("reps", "")),
        (t("xlsx_command", lang), manifest.get("command", "")),
    ]
    ws.append([])
    for label, value in rows:
        ws.append([label, value])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    ws.append([])
    ws.append([t("xlsx_sheet", lang), t("xlsx_metric", lang)])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for sheet_name, title in sheets:
        ws.append([sheet_name, title])
    _fit_columns(ws, [28, 100])


def write_spreadsheet(data: ReportData, lang: str = "en") -> Path:
    """Write a language's spreadsheet (``summary.xlsx`` or ``summary.id.xlsx``) into the folder.

    Args:
        data: The folder's data.
        lang: ``"en"`` or ``"id"``.

    Returns:
        The path written (replaced atomically).
    """
    lang = check_lang(lang)
    wb = Workbook()
    made = []
    for sheet in SHEETS:
        if _metric_sheet(wb, data, sheet, lang):
            base = scenario_label(data.baseline, lang)
            made.append(
                (
                    t(f"xlsx_sheet_{sheet.metric}", lang),
                    t(f"xlsx_name_{sheet.metric}", lang, base=base),
                )
            )
    _about_sheet(wb, data, lang, made)
    path = spreadsheet_path(data.folder, lang)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return path

"""summary.xlsx: a wide, labelled sheet per metric, numbers as the summary has them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sim.report.spreadsheet import HEADER_ROW, SHEETS, number_format, write_spreadsheet
from tests.test_findings import NOT, _data, _row


def _with_value_for_money(folder: Path):
    data = _data(
        folder,
        {
            "a": {"p0": (-0.004, 0.001, 0.001), "p1": NOT, "p2": NOT},
            "b": {"p0": NOT, "p1": NOT, "p2": NOT},
        },
    )
    rows = [
        _row("a", "spent", "value_for_money", 9.2e11),
        _row("a", "gap_person_months_avoided_per_billion_rupiah", "value_for_money", 291.4),
        _row("b", "spent", "value_for_money", 8.8e11),
        _row("b", "gap_person_months_avoided_per_billion_rupiah", "value_for_money", 181.0),
    ]
    data.summary = pd.concat([data.summary, pd.DataFrame(rows)], ignore_index=True)
    return data


def _table(ws) -> list[dict]:
    header = [c.value for c in ws[HEADER_ROW]]
    return [
        dict(zip(header, (c for c in row), strict=True))
        for row in ws.iter_rows(min_row=HEADER_ROW + 1)
    ]


def test_one_labelled_sheet_per_metric_with_the_summary_numbers(tmp_path: Path) -> None:
    data = _with_value_for_money(tmp_path)
    path = write_spreadsheet(data)
    assert path == tmp_path / "summary.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["About", "P0", "P1", "P2", "Value for money", "Money spent"]
    ws = wb["P0"]
    assert ws["A1"].value == "Poverty headcount (P0) at the final month"
    header = ws["A2"].value
    for text in (
        "Unit: percent of persons",
        "10,000 simulated households standing for 1,371,200 real households of NUSA TENGGARA TIMUR",
        "10 years (120 months), March 2024 to March 2034",
        "95% CI: Student t interval over replicates; it covers simulation noise only",
    ):
        assert text in header
    rows = _table(ws)
    assert [r["scenario id"].value for r in rows] == ["ref", "a", "b"]
    a = rows[1]
    summary = data.summary.set_index(["scenario", "metric", "statistic"])
    src = summary.loc[("a", "p0", "final")]
    assert a["mean"].value == pytest.approx(100 * src["mean"])
    assert a["95% CI: low"].value == pytest.approx(100 * src["ci_low"])
    assert a["difference from ref"].value == pytest.approx(100 * src["diff_mean"])
    assert a["difference, 95% CI: high"].value == pytest.approx(100 * src["diff_ci_high"])
    assert a["Holm-adjusted p"].value == pytest.approx(src["p_holm"])
    assert a["scenario"].value == "a" and a["region"].value == "NUSA TENGGARA TIMUR"
    assert a["replicates"].value == 20
    # CI half-width 0.2 points: one decimal; the difference's 0.1 points: two (a leading 1)
    assert a["mean"].number_format == number_format(1) == "#,##0.0"
    assert a["difference from ref"].number_format == "#,##0.00"
    assert rows[0]["difference from ref"].value is None  # the reference itself
    assert ws.freeze_panes == f"B{HEADER_ROW + 1}"


def test_money_is_in_billions_and_value_for_money_has_no_difference_columns(
    tmp_path: Path,
) -> None:
    wb = openpyxl.load_workbook(write_spreadsheet(_with_value_for_money(tmp_path)))
    rows = _table(wb["Money spent"])
    assert [r["scenario id"].value for r in rows] == ["a", "b"]
    assert rows[0]["mean"].value == pytest.approx(920.0)
    assert "Rp billion over the run" in wb["Money spent"]["A2"].value
    vfm = wb["Value for money"]
    assert "against No programmes" in vfm["A1"].value
    assert not any("difference" in str(c.value) for c in vfm[HEADER_ROW])


def test_about_sheet_and_indonesian_workbook(tmp_path: Path) -> None:
    data = _with_value_for_money(tmp_path)
    about = openpyxl.load_workbook(write_spreadsheet(data))["About"]
    cells = {r[0]: r[1] for r in about.iter_rows(values_only=True) if r[0]}
    assert cells["Replicates per scenario"] == 20
    assert cells["Reference (differences)"] == "ref"
    assert cells["P0"] == "Poverty headcount (P0) at the final month"
    idn = openpyxl.load_workbook(write_spreadsheet(data, "id"))
    assert (tmp_path / "summary.id.xlsx").is_file() and (tmp_path / "summary.xlsx").is_file()
    assert idn.sheetnames[0] == "Keterangan"
    ws = idn["P0"]
    assert ws["A1"].value == "Persentase penduduk miskin (P0) pada bulan terakhir"
    assert "10.000 rumah tangga simulasi yang mewakili 1.371.200 rumah tangga" in ws["A2"].value
    assert "Satuan: persen penduduk" in ws["A2"].value


def test_sheet_names_fit_excel() -> None:
    from sim.report.text import LANGS, t

    for lang in LANGS:
        names = [t(f"xlsx_sheet_{s.metric}", lang) for s in SHEETS]
        assert len(set(names)) == len(names), lang
        for n in names:
            assert len(n) <= 31 and not set(n) & set("[]:*?/\\"), (lang, n)


def test_number_format_digits() -> None:
    assert number_format(0) == "#,##0"
    assert number_format(3) == "#,##0.000"

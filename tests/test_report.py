"""The planners' report: figures, report.md, report.html, Bahasa Indonesia, sentences."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import scipy.stats as sps

import sim
from sim import report
from sim.data import bps
from sim.report import assumptions, baseline_path, labels, text
from sim.report import text as text_words
from sim.report.folder import ReportData
from sim.stats import SUMMARY_COLUMNS

SCENARIOS = ["no_programs", "competition", "full_synergy"]


def _name(scenario: str, lang: str = "en") -> str:
    """A scenario's human name as the report writes it (``sim.report.labels``)."""
    return labels.scenario_label(scenario, lang)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny finished batch: three scenarios, two replicates, 1,000 households, 6 months."""
    out = tmp_path_factory.mktemp("report") / "batch"
    sim.run_batch(SCENARIOS, reps=2, households=1000, months=6, out=out, workers=1, progress=False)
    return out


def _figure_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted((folder / "figures").rglob("*"))
        if p.is_file()
    }


def test_batch_writes_png_and_svg_figures(folder: Path) -> None:
    for sub in ("figures", "figures/id"):  # each language its own figures
        pngs = sorted(p.stem for p in (folder / sub).glob("*.png"))
        svgs = sorted(p.stem for p in (folder / sub).glob("*.svg"))
        assert len(pngs) >= 5
        assert pngs == svgs
        assert {"headcount", "differences", "value_for_money", "money", "reach"} <= set(pngs)
        assert "baseline_path" in pngs  # no_programs, the batch's baseline, is in the batch
    assert (folder / "figures" / "headcount.png").read_bytes() != (
        folder / "figures" / "id" / "headcount.png"
    ).read_bytes()


def test_figures_are_byte_identical_when_regenerated(folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    report.write_report(copy)
    first = _figure_bytes(copy)
    report.write_report(copy)
    assert _figure_bytes(copy) == first
    svg = (copy / "figures" / "headcount.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in (copy / "figures" / "headcount.png").read_bytes()


def test_report_md_has_ci_citation_and_a_sentence(folder: Path) -> None:
    text = (folder / "report.md").read_text(encoding="utf-8")
    assert "95% CI" in text
    assert "cite" in text.lower()
    assert "simulation noise only, with every parameter fixed at its value" in text
    first = re.findall(r"^## .*$", text, flags=re.M)[0]
    assert first == "## Summary"  # the one-page summary opens the report
    summary = text.split("## Summary\n", 1)[1].split("\n## ", 1)[0]
    assert "1,000 simulated households standing for" in summary
    assert "6 months" in summary and "Rp " in summary
    assert 1 <= len(re.findall(r"^\d+\. ", summary, flags=re.M)) <= 5
    assert not re.search(r"0\.00 points \(95% CI 0\.00 to 0\.00", text)
    assert "## Headline: value for money" in text
    assert "Assumptions that matter most" in text
    assert "assets.trap_strength" in text  # first for value for money in docs/sensitivity
    assert "figures/differences.png" in text


def test_report_html_is_self_contained(folder: Path) -> None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "data:image/png;base64," in page or "<svg" in page
    assert 'src="http' not in page and "src='http" not in page
    assert not re.search(r'<img[^>]+src="(?!data:)', page)
    assert '<link rel="stylesheet"' not in page
    assert "95% CI" in page


def test_lang_id_writes_bahasa_indonesia_beside_english(folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    english = (copy / "report.md").read_bytes()
    en_figures = {k: v for k, v in _figure_bytes(copy).items() if "/id/" not in k}
    (copy / "report.id.md").unlink()
    assert report.write_report(copy, lang="id") == copy / "report.id.md"
    text = (copy / "report.id.md").read_text(encoding="utf-8")
    assert text.startswith(
        "# " + text_words.t("title_region", "id", name="copy", region="INDONESIA")
    )
    assert "## " + text_words.t("sum_h", "id") in text
    assert "](figures/id/headcount.png)" in text and "](figures/headcount.png)" not in text
    assert "Compared with" not in text and "## Summary" not in text
    assert "miliar" in text
    assert 'lang="id"' in (copy / "report.id.html").read_text(encoding="utf-8")
    # English is left as it was: the report and its figures
    assert (copy / "report.md").read_bytes() == english
    assert {k: v for k, v in _figure_bytes(copy).items() if "/id/" not in k} == en_figures


def test_batch_writes_both_languages_and_both_spreadsheets(folder: Path) -> None:
    for name in ("report.md", "report.html", "report.id.md", "report.id.html"):
        assert (folder / name).is_file(), name
    for name in ("summary.xlsx", "summary.id.xlsx"):
        wb = openpyxl.load_workbook(folder / name)
        assert len(wb.sheetnames) >= 7, name  # About, P0, P1, P2, Watts, MPI M0, Gini, ...
    header = (folder / "summary.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == ["scenario", "region", *SUMMARY_COLUMNS]  # unchanged


def test_run_batch_lang_id(tmp_path: Path) -> None:
    out = sim.run_batch(
        ["competition"],
        reps=1,
        households=300,
        months=2,
        out=tmp_path / "b",
        workers=1,
        progress=False,
        lang="id",
    )
    title = text_words.t("title_region", "id", name="b", region="INDONESIA")
    assert (out / "report.id.md").read_text(encoding="utf-8").startswith(f"# {title}")
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Sinergi batch report")
    assert not (out / "figures" / "baseline_path.png").exists()  # no_programs not in the batch
    assert not (out / "figures" / "id" / "baseline_path.png").exists()
    with pytest.raises(ValueError, match="lang"):
        sim.run_batch(["competition"], reps=1, out=tmp_path / "c", progress=False, lang="fr")


def test_sentence_says_no_detectable_difference_when_ci_spans_zero() -> None:
    text = report.difference_sentence(
        "pooled_funding", "competition", "p1", -0.0005, -0.002, 0.001, 20, 120
    )
    assert text.startswith(f"Compared with {_name('competition')}, {_name('pooled_funding')}")
    assert "no detectable difference" in text
    assert "after 10 years" in text
    assert "95% CI" in text and "20 paired replications" in text


def test_sentence_reports_a_lowering_with_positive_bounds() -> None:
    text = report.difference_sentence(
        "full_synergy", "competition", "p1", -0.0009, -0.0010, -0.0008, 20, 120
    )
    assert text.startswith(f"Compared with {_name('competition')}, {_name('full_synergy')} lowers")
    assert text.endswith("0.09 points (95% CI 0.08 to 0.10; 20 paired replications).")
    idn = report.difference_sentence(
        "full_synergy", "competition", "p1", -0.0009, -0.0010, -0.0008, 20, 120, lang="id"
    )
    assert f"{_name('full_synergy', 'id')} menurunkan" in idn
    assert "0,09 poin" in idn and text_words.t("ci", "id") in idn


def test_ci_label_follows_parameter_uncertainty() -> None:
    assert report.ci_covers({}).startswith("simulation noise only, with every parameter fixed")
    assert "parameter uncertainty" in report.ci_covers({"parameter_uncertainty": True})


def test_rupiah_and_numbers_follow_the_language() -> None:
    assert report.fmt_rupiah(1.2e9) == "Rp 1.2 bn"
    assert report.fmt_rupiah(1.2e9, "id") == "Rp 1,2 miliar"
    assert report.fmt_rupiah(3.45e12, "id") == "Rp 3,5 triliun"
    assert report.fmt_number(1234567.891, 2, "id") == "1.234.567,89"
    assert report.fmt_number(1234567.891, 2) == "1,234,567.89"
    assert report.fmt_number(float("nan")) == "n/a"


def test_scenario_colours_are_consistent_and_colour_blind_safe() -> None:
    a = report.scenario_colours(["full_synergy", "competition", "no_programs"])
    b = report.scenario_colours(["no_programs", "competition", "full_synergy"])
    assert a == b
    assert set(a.values()) <= set(report.OKABE_ITO)


# --------------------------------------------------------------------------------------------
# Words as data
# --------------------------------------------------------------------------------------------


def _flat(table: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out |= _flat(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = value
    return out


def test_every_language_has_the_same_keys_and_placeholders() -> None:
    en = _flat(text.words("en"))
    for lang in text.LANGS:
        words = _flat(text.words(lang))
        assert set(words) == set(en), lang
        for key, value in words.items():
            assert isinstance(value, str) and value, (lang, key)
            assert text.placeholders(value) == text.placeholders(en[key]), (lang, key)


def test_every_uncertain_parameter_and_outcome_has_a_name() -> None:
    from sim.analysis import sensitivity
    from sim.scenario import uncertain_parameters

    for lang in text.LANGS:
        words = text.words(lang)
        assert set(uncertain_parameters()) | set(sensitivity.INSTITUTION_FACTORS) <= set(
            words["parameters"]
        ), lang
        assert set(sensitivity.OUTCOMES) <= set(words["outcomes"]), lang


def test_captions_cover_every_figure() -> None:
    for lang in text.LANGS:
        assert [text.caption(stem, lang) for stem, _ in report.FIGURES]


def test_python_m_sim_report_rewrites_a_folder(folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    for name in ("report.md", "report.id.md", "summary.xlsx", "summary.id.xlsx"):
        (copy / name).unlink()
    r = subprocess.run(
        [sys.executable, "-m", "sim.report", str(copy), "--lang", "id"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"report: {copy / 'report.id.md'}" in r.stdout
    title = text_words.t("title_region", "id", name="copy", region="INDONESIA")
    assert (copy / "report.id.md").read_text(encoding="utf-8").startswith(f"# {title}")
    assert (copy / "summary.id.xlsx").is_file()
    assert not (copy / "report.md").exists() and not (copy / "summary.xlsx").exists()
    r = subprocess.run(
        [sys.executable, "-m", "sim.report", str(copy)], capture_output=True, text=True, check=True
    )
    for name in ("report.md", "report.id.md", "summary.xlsx", "summary.id.xlsx"):
        assert f"{copy / name}" in r.stdout and (copy / name).is_file(), name


# --------------------------------------------------------------------------------------------
# Assumptions that matter most: the Morris ranking found
# --------------------------------------------------------------------------------------------


def _section(markdown: str) -> str:
    match = re.search(
        r"## (?:Assumptions that matter most|Asumsi yang paling berpengaruh)\n(.*?)\n## ",
        markdown,
        flags=re.S,
    )
    assert match, "no assumptions section"
    return match.group(1)


def _morris(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["outcome", "parameter", "mu_star"]).assign(
        mu_star_conf=0.0, mu=0.0, sigma=0.0
    )


def test_ranking_is_read_from_the_batch_folder_in_mu_star_order(
    folder: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "sensitivity").mkdir()
    # The batch has no_programs, so the report is about P1 closed per rupiah; the file's rows
    # are deliberately not in mu_star order, and p1_final ranks the parameters differently.
    _morris(
        [
            ("p1_final", "assets.trap_strength", 9.0),
            ("p1_closed_per_bn", "programmes.complementarity", 0.5),
            ("p1_closed_per_bn", "assets.trap_strength", 2.0),
            ("p1_closed_per_bn", "cooperation.trust.speed", 0.0),
            ("p1_closed_per_bn", "institutions.quality_spread", 1.0),
            ("p1_closed_per_bn", "donors.elasticity", 4.0),
        ]
    ).to_csv(copy / "sensitivity" / "morris.csv", index=False)
    (copy / "sensitivity" / "morris_command.txt").write_text(
        "python -m sim.sensitivity morris --trajectories 2 --out x\n"
    )
    found = assumptions.find_morris(copy)
    assert found is not None and not found.published
    assert found.shown == "sensitivity/morris.csv"
    assert [p for p, _ in found.ranked("p1_closed_per_bn")] == [
        "donors.elasticity",
        "assets.trap_strength",
        "institutions.quality_spread",
        "programmes.complementarity",
    ]
    assert found.ranked("p1_closed_per_bn")[1][1] == pytest.approx(0.5)

    report.write_report(copy)
    section = _section((copy / "report.md").read_text(encoding="utf-8"))
    items = re.findall(r"^\d+\. .*\(`([a-z_.]+)`", section, flags=re.M)
    assert items == [
        "donors.elasticity",
        "assets.trap_strength",
        "institutions.quality_spread",
        "programmes.complementarity",
    ]
    assert "1. donor elasticity (`donors.elasticity`, elasticity of total giving" in section
    assert "relative mu* 0.50" in section and "0.30 in every scenario" in section
    assert "this batch's sensitivity results (`sensitivity/morris.csv`" in section
    assert "`python -m sim.sensitivity morris --trajectories 2 --out x`" in section
    assert "poverty gap (P1) closed per rupiah" in section
    assert "cooperation.trust.speed" not in section  # no effect: not listed


def test_published_ranking_is_the_fallback() -> None:
    root = Path(__file__).resolve().parents[1]
    published = pd.read_csv(root / "docs" / "sensitivity" / "morris.csv")
    found = assumptions.find_morris(root / "no" / "such" / "folder")
    assert found is not None and found.published
    assert found.shown == "docs/sensitivity/morris.csv"
    assert found.command and "sim.sensitivity morris" in found.command
    assert found.command in (root / "docs" / "VALIDATION.md").read_text(encoding="utf-8")
    for outcome in ("p1_final", "p1_closed_per_bn"):
        rows = published[published["outcome"] == outcome].sort_values("mu_star", ascending=False)
        top = [p for p, _ in found.ranked(outcome, top=3)]
        assert top == list(rows["parameter"].head(3)), outcome
    assert [p for p, _ in found.ranked("p1_final", top=2)] == [
        "assets.trap_strength",
        "measurement.survey_error_sd",
    ]


def test_no_sensitivity_results_says_none_was_run(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assumptions, "PUBLISHED", tmp_path / "nothing")
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    assert assumptions.find_morris(copy) is None
    report.write_report(copy)
    section = _section((copy / "report.md").read_text(encoding="utf-8"))
    assert section.strip().startswith("No sensitivity analysis was run")
    assert "donors.elasticity" not in section
    report.write_report(copy, lang="id")
    opening = text_words.t("no_sensitivity", "id")[:40]
    section = _section((copy / "report.id.md").read_text(encoding="utf-8"))
    assert section.strip().startswith(opening)
    page = (copy / "report.id.html").read_text(encoding="utf-8")
    assert opening in page


# --------------------------------------------------------------------------------------------
# The baseline beside BPS's record
# --------------------------------------------------------------------------------------------


def _bps_rounds() -> dict[tuple[int, str], float]:
    """BPS national P0 (total) by (year, round), read from the CSV without sim.data.bps."""
    df = pd.read_csv(bps.PATH)
    df = df[(df["area"] == "total") & df["p0"].notna()]
    rounds = zip(df["year"], df["round"], df["p0"], strict=True)
    return {(int(y), str(r)): float(v) for y, r, v in rounds}


def _bps_change(first: int, last: int) -> tuple[float, int]:
    """Mean change of P0 a year between consecutive rounds of one season within the years."""
    p0 = _bps_rounds()
    changes = []
    for r in ("march", "september"):
        years = [y for y in range(first, last + 1) if (y, r) in p0]
        changes += [(p0[(b, r)] - p0[(a, r)]) / (b - a) for a, b in itertools.pairwise(years)]
    return sum(changes) / len(changes), len(changes)


def _synthetic(
    folder: Path, scenarios: tuple[str, ...] = ("no_programs", "competition"), months: int = 36
) -> ReportData:
    """A report's data without a simulation: three replicates of a made-up P0 path (fractions)."""
    rng = np.random.default_rng(7)
    rows = [
        {"scenario": s, "replicate": r, "month": m, "p0": 0.09 - 3e-4 * m + rng.normal(0, 2e-3)}
        for s in scenarios
        for r in range(3)
        for m in range(months + 1)
    ]
    manifest = {
        "reps": 3,
        "scenarios": [
            {"scenario": s, "sweep": {}, "content_hash": s, "households": 100, "months": months}
            for s in scenarios
        ],
    }
    summary = pd.DataFrame({"scenario": list(scenarios), "reference": ""})
    return ReportData(folder, manifest, summary, ["scenario"], pd.DataFrame(rows), {})


def test_recorded_points_are_bps_rounds_from_2015_with_september_2023_missing() -> None:
    rec = baseline_path.recorded_points()
    expected = {k: v for k, v in _bps_rounds().items() if k[0] >= 2015}
    plotted = dict(zip(zip(rec["year"], rec["round"], strict=True), rec["p0"], strict=True))
    assert plotted == expected
    assert (2023, "september") not in plotted
    assert baseline_path.missing_rounds(2015, 2025) == [(2023, "september")]
    march = rec[rec["round"] == "march"]
    assert np.allclose(march["date"], march["year"] + 2 / 12)
    assert np.allclose(
        baseline_path.month_dates([0, 12, 18]), [2024 + 2 / 12, 2025 + 2 / 12, 2025 + 8 / 12]
    )


def test_simulated_path_is_the_baseline_mean_and_band_by_date(tmp_path: Path) -> None:
    data = _synthetic(tmp_path)
    (path,) = baseline_path.simulated_paths(data)
    assert path.scenario == "no_programs"
    wide = data.timeseries[data.timeseries["scenario"] == "no_programs"].pivot(
        index="replicate", columns="month", values="p0"
    )
    assert np.allclose(path.mean, 100 * wide.mean().to_numpy())
    half = sps.t.ppf(0.975, 2) * wide.std(ddof=1).to_numpy() / np.sqrt(3)
    assert np.allclose(path.high - path.mean, 100 * half)
    assert np.allclose(path.dates, 2024 + 2 / 12 + wide.columns.to_numpy() / 12)


def test_baseline_figure_is_written_with_the_baseline_and_skipped_without(tmp_path: Path) -> None:
    png = tmp_path / "figures" / "baseline_path.png"
    assert baseline_path.baseline_path_figure(_synthetic(tmp_path), png) == png
    assert png.is_file() and png.with_suffix(".svg").is_file()
    other = tmp_path / "other" / "baseline_path.png"
    without = _synthetic(tmp_path, scenarios=("competition",))
    assert baseline_path.baseline_path_figure(without, other, "id") is None
    assert not other.exists()


def test_baseline_paragraph_numbers_are_the_data(tmp_path: Path) -> None:
    data = _synthetic(tmp_path)
    text = baseline_path.baseline_paragraph(data, "en")
    early, n_early = _bps_change(2015, 2019)
    late, n_late = _bps_change(2022, 2025)
    assert (n_early, n_late) == (8, 4)  # September 2022 -> 2024 spans two years
    assert f"{early:.2f} points a year in 2015-2019 (8 pairs" in text
    assert f"{late:.2f} points a year in 2022-2025 (4 pairs" in text
    assert "no round published for September 2023" in text
    # The simulated change: per replicate (P0 at month 36 - P0 at month 0) / 3, then a t CI.
    wide = data.timeseries[data.timeseries["scenario"] == "no_programs"].pivot(
        index="replicate", columns="month", values="p0"
    )
    per_year = 100 * (wide[36] - wide[0]) / 3
    mean, half = per_year.mean(), sps.t.ppf(0.975, 2) * per_year.std(ddof=1) / np.sqrt(3)
    assert f"{mean:.2f} [{mean - half:.2f}, {mean + half:.2f}] points a year" in text
    assert "first 3 years" in text and "3 replications" in text
    assert f"from {100 * wide[0].mean():.2f}% in March 2024" in text
    assert f"to {100 * wide[36].mean():.2f}% in March 2027" in text
    idn = baseline_path.baseline_paragraph(data, "id")
    assert f"{early:.2f}".replace(".", ",") + " poin per tahun pada 2015-2019" in idn
    assert "September 2023 tidak dirilis" in idn and "Maret 2027" in idn
    assert f"[{mean - half:.2f}; {mean + half:.2f}]".replace(".", ",") in idn


def test_baseline_paragraph_says_when_there_is_no_simulated_year(tmp_path: Path) -> None:
    short = baseline_path.baseline_paragraph(_synthetic(tmp_path, months=6), "en")
    assert "shorter than a year" in short
    absent = baseline_path.baseline_paragraph(_synthetic(tmp_path, ("competition",)), "en")
    assert f"{_name('no_programs')} is not in this batch" in absent
    assert "points a year in 2015-2019" in absent


def test_report_has_the_baseline_section_and_figure(folder: Path) -> None:
    text = (folder / "report.md").read_text(encoding="utf-8")
    assert "## The baseline beside BPS's record" in text
    assert "figures/baseline_path.png" in text

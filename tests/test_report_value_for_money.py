"""The report's value for money: the whole run leads and ranks, the final month stands beside."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sim.report.contents import END_POINT_VFM, HEADLINE_VFM, ranking
from sim.report.document import Document
from sim.report.figure_style import number_axis
from sim.report.folder import ReportData
from sim.report.numbers import fmt_percent
from sim.report.sections import add_headline, add_value_for_money_table


def _row(scenario: str, statistic: str, metric: str, mean: float) -> dict:
    return {
        "scenario": scenario,
        "metric": metric,
        "statistic": statistic,
        "n": 3,
        "mean": mean,
        "sd": 0.1,
        "ci_low": 0.9 * mean,
        "ci_high": 1.1 * mean,
        "reference": "no_programs" if statistic == "value_for_money" else "",
    }


def _data(rate: float | None = 0.035) -> ReportData:
    """Two scenarios: ``steady`` wins over the whole run, ``late`` at the final month."""
    vfm = {
        "steady": {HEADLINE_VFM: 300.0, END_POINT_VFM: 1e-6, "spent": 5e11},
        "late": {HEADLINE_VFM: 150.0, END_POINT_VFM: 3e-6, "spent": 5e11},
    }
    rows = [_row(s, "final", "p0", 0.05) for s in ("no_programs", *vfm)]
    for s, metrics in vfm.items():
        rows += [_row(s, "value_for_money", m, v) for m, v in metrics.items()]
    manifest = {
        "scenarios": [{"scenario": s, "sweep": {}, "months": 120} for s in ("no_programs", *vfm)],
        "baseline_for_value_for_money": "no_programs",
    }
    if rate is not None:
        manifest["discount_rate_annual"] = rate
    return ReportData(Path("."), manifest, pd.DataFrame(rows), ["scenario"], pd.DataFrame())


def test_ranking_is_by_the_whole_run_unless_asked_for_the_end_point() -> None:
    data = _data()
    assert [label for label, *_ in ranking(data)] == ["steady", "late"]
    assert [label for label, *_ in ranking(data, END_POINT_VFM)] == ["late", "steady"]


def test_headline_leads_with_the_whole_run_and_gives_the_end_point_order() -> None:
    for lang, words in (("en", "poverty-gap person-months"), ("id", "orang-bulan")):
        doc = Document()
        add_headline(doc, _data(), lang)
        text = doc.markdown()
        assert words in text
        assert ("3.5%" if lang == "en" else "3,5%") in text  # the batch's rate, not the default
        assert "**steady" in text  # the top of the ranking, in bold
        first_row = next(line for line in text.splitlines() if line.startswith("| 1 |"))
        assert "steady" in first_row
        assert "late, steady" in text  # the final month's order, which differs


def test_value_for_money_table_states_the_default_rate_for_old_folders() -> None:
    doc = Document()
    add_value_for_money_table(doc, _data(rate=None), "en", "simulation noise")
    assert "discounted at 6% a year" in doc.markdown()


def test_tick_labels_write_half_steps_and_percentages() -> None:
    fig = Figure()
    ax = fig.subplots()
    ax.set_xlim(0, 15)
    ax.set_xticks([0, 2.5, 5, 7.5, 10])
    number_axis(ax.xaxis, "en")
    fig.canvas.draw()
    assert [tl.get_text() for tl in ax.get_xticklabels()] == ["0.0", "2.5", "5.0", "7.5", "10.0"]
    assert fmt_percent(0.06) == "6" and fmt_percent(0.035, "id") == "3,5"

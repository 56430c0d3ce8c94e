"""Figures fit to paste, in both languages: texts inside the figure, ticks that say their value,
legends off the data, lines that can be told apart, and titles that are true of the data."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import sim
from sim.report import figure_style, labels, text
from sim.report.claims import leaders
from sim.report.figures import FIGURES, draw_coalition, draw_headcount, draw_reach
from sim.report.folder import ReportData, read_folder
from sim.report.numbers import fmt_number

SCENARIOS = ["no_programs", "competition", "pooled_funding", "full_synergy"]
NUMBER = re.compile(r"^[−-]?\d[\d.,]*$")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> ReportData:
    """A small batch: four scenarios (two of them coalitions of nine), two replicates."""
    out = tmp_path_factory.mktemp("figures") / "batch"
    sim.run_batch(SCENARIOS, reps=2, households=600, months=13, out=out, workers=1, progress=False)
    return read_folder(out)


@pytest.fixture(scope="module")
def drawn(data: ReportData) -> dict[tuple[str, str], Any]:
    """Every figure the batch supports, drawn in both languages (and laid out)."""
    out = {}
    for lang, (stem, draw) in itertools.product(text.LANGS, FIGURES):
        fig = draw(data, lang)
        if fig is not None:
            fig.canvas.draw()
            out[(lang, stem)] = fig
    return out


def parse(label: str, lang: str) -> float | None:
    """A tick label's number as the language writes it, or None for a name."""
    label = label.strip().replace("−", "-")
    if not NUMBER.match(label):
        return None
    if lang == "id":
        label = label.replace(".", "").replace(",", ".")
    else:
        label = label.replace(",", "")
    return float(label)


def tick_mismatches(fig: Any, lang: str) -> list[tuple[str, float]]:
    """Numeric tick labels (shown, inside the axis' view) that do not say their tick's value."""
    bad = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                loc = float(tick.get_loc())
                label = tick.label1
                if not (label.get_visible() and low - 1e-9 <= loc <= high + 1e-9):
                    continue
                value = parse(label.get_text(), lang)
                if value is not None and abs(value - loc) > 1e-9 * max(1.0, abs(loc)):
                    bad.append((label.get_text(), loc))
    return bad


def shown_texts(fig: Any) -> list[Any]:
    """Every text drawn: the figure's, the legends', and each visible axes' titles, labels,
    notes and the labels of ticks inside its view."""
    out = list(fig.texts)
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]:
        out += legend.get_texts()
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        out += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        out += ax.texts
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            out += [
                tick.label1
                for tick in axis.get_major_ticks()
                if low - 1e-9 <= tick.get_loc() <= high + 1e-9
            ]
    return [a for a in out if a.get_visible() and a.get_text().strip()]


def texts_outside(fig: Any) -> list[str]:
    """Texts (titles, labels, notes, legends, ticks) whose rendered extent leaves the figure."""
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    out = []
    for artist in shown_texts(fig):
        ext = artist.get_window_extent(renderer)
        if ext.x0 < box.x0 - 1 or ext.x1 > box.x1 + 1 or ext.y0 < box.y0 - 1 or ext.y1 > box.y1 + 1:
            out.append(artist.get_text())
    return out


def test_every_figure_is_drawn_in_both_languages(drawn: dict) -> None:
    stems = {stem for _, stem in drawn}
    assert {"headcount", "differences", "value_for_money", "money", "reach"} <= stems
    assert {"coalition", "start_end", "baseline_path"} <= stems
    assert {stem for lang, stem in drawn if lang == "id"} == stems


def test_every_title_label_and_note_fits_inside_the_figure(drawn: dict) -> None:
    for (lang, stem), fig in drawn.items():
        assert texts_outside(fig) == [], (lang, stem)


def test_panel_titles_do_not_run_into_each_other(drawn: dict) -> None:
    for (lang, stem), fig in drawn.items():
        renderer = fig.canvas.get_renderer()
        titles = [ax.title for ax in fig.axes if ax.get_visible() and ax.title.get_text()]
        boxes = [t.get_window_extent(renderer) for t in titles]
        for a, b in itertools.combinations(range(len(boxes)), 2):
            assert not boxes[a].overlaps(boxes[b]), (lang, stem, titles[a].get_text())


def test_tick_labels_say_their_ticks_value(drawn: dict) -> None:
    for (lang, stem), fig in drawn.items():
        assert tick_mismatches(fig, lang) == [], (lang, stem)


def test_the_tick_check_catches_a_label_that_rounds_its_tick() -> None:
    from matplotlib.ticker import FixedLocator, FormatStrFormatter

    fig = figure_style.new_figure(4, 3)
    ax = fig.add_subplot()
    ax.set_xlim(-0.3, 0.3)
    ax.xaxis.set_major_locator(FixedLocator([-0.25, 0.0, 0.25]))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%.1f"))  # "0.2" at 0.25: the old fault
    fig.canvas.draw()
    assert (f"{0.25:.1f}", 0.25) in tick_mismatches(fig, "en")
    figure_style.number_axis(ax.xaxis, "id")
    figure_style.number_axis(ax.yaxis, "id")
    fig.canvas.draw()
    assert tick_mismatches(fig, "id") == []
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-0,25", "0,00", "0,25"]


def test_the_fit_check_catches_a_cut_title() -> None:
    fig = figure_style.new_figure(4, 3)
    fig.add_subplot().set_title("a title far too long for a figure four inches wide " * 3)
    fig.canvas.draw()
    assert texts_outside(fig)
    figure_style.finish(fig)
    fig.canvas.draw()
    assert texts_outside(fig) == []


def test_legends_lie_outside_every_axes(drawn: dict) -> None:
    for (lang, stem), fig in drawn.items():
        renderer = fig.canvas.get_renderer()
        legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
        for legend in legends:
            box = legend.get_window_extent(renderer)
            for ax in fig.axes:
                if ax.get_visible():
                    assert not box.overlaps(ax.get_window_extent(renderer)), (lang, stem)


def test_headcount_gives_each_scenario_its_own_panel(data: ReportData) -> None:
    for lang in text.LANGS:
        fig = draw_headcount(data, lang)
        titles = [ax.title.get_text() for ax in fig.axes if ax.get_visible()]
        assert titles == [labels.scenario_label(s, lang) for s in SCENARIOS]


def test_lines_of_different_scenarios_look_different(drawn: dict) -> None:
    for (lang, stem), fig in drawn.items():
        if stem not in ("coalition", "start_end"):
            continue
        for ax in fig.axes:
            looks = {
                (line.get_color(), str(line.get_linestyle()), line.get_marker())
                for line in ax.get_lines()
            }
            assert len(looks) == len(ax.get_lines()) >= 2, (lang, stem)


def test_figures_name_scenarios_by_their_human_names(drawn: dict) -> None:
    for (lang, stem), fig in drawn.items():
        shown = " ".join(a.get_text() for a in shown_texts(fig))
        assert not any(s in shown for s in SCENARIOS), (lang, stem)


def _final_members(data: ReportData, lang: str) -> dict[str, float]:
    ts = data.timeseries
    last = ts[ts["month"] == ts["month"].max()]
    means = last.groupby("scenario")["coalition_members"].mean()
    return {labels.scenario_label(s, lang): float(v) for s, v in means.items()}


def test_coalition_title_names_every_scenario_that_ties_for_the_largest(data: ReportData) -> None:
    for lang in text.LANGS:
        finals = _final_members(data, lang)
        top = [k for k, v in finals.items() if v == max(finals.values())]
        assert len(top) == 2  # pooled funding and full synergy both keep their nine members
        title = draw_coalition(data, lang)._suptitle.get_text().replace("\n", " ")
        for name in finals:
            assert (name in title) == (name in top), (lang, name, title)
        assert text.t("t_coalition_tie", lang, scen="", value="").split()[0] in title


def test_reach_title_names_the_largest_coverage_and_the_axis_its_denominators(
    data: ReportData,
) -> None:
    for lang in text.LANGS:
        coverage = {}
        for p in data.points():
            r = data.row(p, "run_mean", "coverage_poor")
            coverage[labels.point_label(p, data.keys, lang)] = 100 * float(r["mean"])
        top = leaders(coverage, 1)
        fig = draw_reach(data, lang)
        title = fig._suptitle.get_text().replace("\n", " ")
        for name in coverage:
            assert (name in title) == (name in top), (lang, name, title)
        assert fmt_number(coverage[top[0]], 1, lang) in title
        ticks = " ".join(
            " ".join(t.get_text().split()) for ax in fig.axes for t in ax.get_xticklabels()
        )
        for key in ("den_coverage_poor", "den_exclusion_error", "den_inclusion_error"):
            assert text.t(key, lang) in ticks, (lang, key)


def test_leaders_name_every_tie_at_the_precision_shown() -> None:
    assert leaders({"a": 9.0, "b": 9.0, "c": 0.0}, 0) == ["a", "b"]
    assert leaders({"a": 21.66, "b": 21.61}, 1) == ["a"]
    assert leaders({"a": 21.66, "b": 21.61}, 0) == ["a", "b"]
    assert leaders({"a": 1.0, "b": 0.5}, 1, largest=False) == ["b"]
    assert leaders({"a": float("nan")}, 1) == []


def test_figures_are_written_as_png_and_svg(data: ReportData, tmp_path: Path) -> None:
    from sim.report.figures import write_figures

    made = write_figures(data, "id", directory=tmp_path / "id")
    assert set(made) == {stem for stem, _ in FIGURES if (tmp_path / "id" / f"{stem}.png").exists()}
    for stem in made:
        assert (tmp_path / "id" / f"{stem}.svg").is_file()
    assert np.all([p.stat().st_size > 1000 for p in made.values()])


def test_headcount_title_names_every_scenario_tied_for_the_lowest(data: ReportData) -> None:
    bands = figure_style.mean_bands(data.timeseries, data.keys, "p0")
    last = bands[bands["month"] == bands["month"].max()]
    for lang in text.LANGS:
        finals = {
            labels.scenario_label(s, lang): 100 * float(m)
            for s, m in zip(last["scenario"], last["mean"], strict=True)
        }
        top = leaders(finals, 2, largest=False)
        title = draw_headcount(data, lang)._suptitle.get_text().replace("\n", " ")
        for name in finals:
            assert (name in title.split(";")[0]) == (name in top), (lang, name, title)
        assert fmt_number(finals[top[0]], 2, lang) + "%" in title


def _regions_data(tmp_path: Path, values: dict[str, float]) -> ReportData:
    """A folder's data with one strategy's headline value for money in each region."""
    import pandas as pd

    from sim.report.contents import HEADLINE_VFM

    rows = [
        {
            "scenario": "competition",
            "region": region,
            "statistic": "value_for_money",
            "metric": HEADLINE_VFM,
            "mean": v,
            "ci_low": v - 1.0,
            "ci_high": v + 1.0,
            "reference": "",
        }
        for region, v in values.items()
    ]
    return ReportData(tmp_path, {}, pd.DataFrame(rows), ["scenario", "region"], pd.DataFrame())


def test_regions_title_names_every_region_tied_for_the_best(tmp_path: Path) -> None:
    from sim.report.regions import draw_regions

    for lang in text.LANGS:
        tie = draw_regions(_regions_data(tmp_path, {"ACEH": 0.2, "BALI": 0.4}), lang)
        title = " ".join(tie._suptitle.get_text().split())
        assert "ACEH" in title and "BALI" in title, title
        one = draw_regions(_regions_data(tmp_path, {"ACEH": 10.0, "BALI": 20.0}), lang)
        title = " ".join(one._suptitle.get_text().split())
        assert "BALI" in title and "ACEH" not in title.split("(")[0], title
        for fig in (tie, one):
            fig.canvas.draw()
            assert texts_outside(fig) == [] and tick_mismatches(fig, lang) == []

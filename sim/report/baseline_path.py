"""The baseline path beside BPS's record: the figure ``baseline_path`` and its paragraph.

Month 0 of a run is March 2024: the starting population is fitted to BPS's March 2024 round
and ``seasons.start_calendar_month`` is 3. Month m of a run therefore falls at the decimal year
``2024 + (start_calendar_month - 1) / 12 + m / 12``, the calendar of ``sim.data.bps`` dates.
The figure puts BPS's recorded national headcount (every Susenas round from 2015; March
filled, September open) beside the batch's baseline scenario (``data.baseline``, normally
``no_programs``): its simulated P0 from month 0, mean and 95% band over replicates
(``stats.band``, as in the headcount figure). The recorded rounds are points with no line
between them, so a round BPS did not publish (September 2023) is a gap, not an interpolation.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import stats
from sim.analysis import hindcast
from sim.data import bps
from sim.report.figure_style import (
    below,
    finish,
    mean_bands,
    new_figure,
    number_axis,
    save_figure,
    scenario_styles,
    style_axes,
)
from sim.report.folder import ReportData
from sim.report.labels import scenario_label
from sim.report.numbers import ci_text, fmt_number
from sim.report.sentences import ci_covers, horizon
from sim.report.text import t

START_YEAR = 2024
"""Calendar year of month 0: the starting population is fitted to BPS March 2024."""

FIRST_YEAR = 2015
"""First year of the record drawn: the hindcast period of the baseline starts in 2015."""

PROJECTION_YEARS = 5
"""Most whole years of the run over which the simulated change per year is stated: about as
long as each recorded period, and the years a planner's medium-term plan (RPJMD) covers."""

RECORD_COLOUR = "#333333"
"""BPS's rounds in dark grey, apart from the Okabe-Ito scenario colours."""


@dataclass(frozen=True)
class SimulatedPath:
    """The simulated P0 of one baseline point, month by month.

    Attributes:
        label: The point's label (scenario id and sweep values).
        scenario: The scenario id.
        dates: Decimal calendar year of each month (March 2024 is 2024.1667).
        mean: Mean P0 over replicates (percent of persons).
        low: Lower end of the 95% band (percent; NaN with fewer than two replicates).
        high: Upper end of the 95% band (percent).
    """

    label: str
    scenario: str
    dates: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


def month_dates(months: Any, start_calendar_month: int = 3) -> np.ndarray:
    """Decimal calendar years of months of a run (month 0 is ``start_calendar_month`` 2024).

    Args:
        months: Months of the run (0 = start).
        start_calendar_month: Calendar month (1-12) of month 0 (``seasons``).

    Returns:
        Decimal years, e.g. 2024.1667 for month 0 in March, 2025.1667 for month 12.
    """
    return START_YEAR + (start_calendar_month - 1) / 12 + np.asarray(months, dtype=float) / 12


def recorded_points(first_year: int = FIRST_YEAR) -> pd.DataFrame:
    """BPS's recorded national P0 (total), every round from ``first_year`` on.

    Returns:
        Columns ``year``, ``round`` (``march`` or ``september``), ``date`` (decimal year) and
        ``p0`` (percent of persons), in time order; rounds BPS did not publish are absent.
    """
    df = bps.national_series("total")
    return df.loc[df["year"] >= first_year, ["year", "round", "date", "p0"]].reset_index(drop=True)


def missing_rounds(first_year: int, last_year: int) -> list[tuple[int, str]]:
    """Rounds between March ``first_year`` and the last recorded round with no published P0.

    Returns:
        ``(year, round)`` pairs in time order, e.g. ``[(2023, "september")]``.
    """
    rec = recorded_points(first_year)
    last = rec.loc[rec["year"] <= last_year, "date"].max()
    have = set(zip(rec["year"], rec["round"], strict=True))
    out = []
    for year in range(first_year, last_year + 1):
        for round_, month in bps.ROUND_MONTH.items():
            if year + (month - 1) / 12 <= last and (year, round_) not in have:
                out.append((year, round_))
    return out


def recorded_change_per_year(first_year: int) -> tuple[float, int]:
    """Mean recorded P0 change per year over the hindcast's same-season pairs of a window.

    The pairs are the hindcast's moments (``sim.analysis.hindcast.bps_moments``), so that the
    report quotes what the growth is fitted to: consecutive rounds of one season (March to
    March, September to September) within the window, each change divided by the years it
    spans (September 2022 to September 2024 spans two: there was no September 2023 round).

    Args:
        first_year: The window's first year (one of ``hindcast.WINDOWS``).

    Returns:
        The mean change (percentage points a year, negative when P0 fell) and the number of
        pairs.
    """
    moments = hindcast.bps_moments()
    window = moments[moments["window"] == first_year]
    return float(window["change"].mean()), len(window)


def _start_month(data: ReportData, point: Mapping[str, Any]) -> int:
    """``seasons.start_calendar_month`` of a point's resolved scenario (3 when not stored)."""
    for s in data.manifest.get("scenarios", []):
        if s["scenario"] == point["scenario"] and all(
            str(s["sweep"].get(k)) == str(point[k]) for k in data.keys[1:]
        ):
            scenario = data.scenarios.get(s["content_hash"], {})
            return int(scenario.get("seasons", {}).get("start_calendar_month", 3))
    return 3


def baseline_points(data: ReportData) -> list[dict[str, Any]]:
    """The batch's points of the baseline scenario (one per sweep value; none if absent)."""
    return [p for p in data.points() if str(p["scenario"]) == data.baseline]


def simulated_paths(data: ReportData) -> list[SimulatedPath]:
    """The baseline's simulated P0 per point: mean and 95% band over replicates, by date."""
    paths = []
    for p in baseline_points(data):
        mask = np.ones(len(data.timeseries), dtype=bool)
        for k in data.keys:
            mask &= data.timeseries[k].astype(str).to_numpy() == str(p[k])
        bands = mean_bands(data.timeseries[mask], data.keys, "p0")
        if bands.empty:
            continue
        paths.append(
            SimulatedPath(
                label=data.label(p),
                scenario=str(p["scenario"]),
                dates=month_dates(bands["month"], _start_month(data, p)),
                mean=100 * bands["mean"].to_numpy(dtype=float),
                low=100 * bands["low"].to_numpy(dtype=float),
                high=100 * bands["high"].to_numpy(dtype=float),
            )
        )
    return paths


def simulated_change_per_year(
    data: ReportData, point: Mapping[str, Any], years: int = PROJECTION_YEARS
) -> dict[str, Any] | None:
    """The simulated P0 change per year over the run's first whole years, with its 95% CI.

    Per replicate: (P0 at month 12k - P0 at month 0) / k, the mean of the k same-season
    (month 0 to 12, 12 to 24, ...) changes, with k the run's whole years up to ``years``.

    Returns:
        ``mean``, ``low``, ``high`` (fractions per year; bounds NaN with one replicate),
        ``years`` (k), ``n`` (replicates), ``start`` and ``end`` (mean P0 at months 0 and
        12k, fractions) and ``end_month`` (12k); ``None`` when the run is shorter than a year.
    """
    ts = data.timeseries
    if ts.empty or "p0" not in ts:
        return None
    mask = np.ones(len(ts), dtype=bool)
    for k in data.keys:
        mask &= ts[k].astype(str).to_numpy() == str(point[k])
    wide = ts[mask].pivot_table(index="replicate", columns="month", values="p0", dropna=False)
    k = min(int(wide.columns.max()) // 12, years) if len(wide.columns) else 0
    if k < 1 or 0 not in wide.columns:
        return None
    per_year = ((wide[12 * k] - wide[0]) / k).to_numpy(dtype=float)[:, None]
    mean, low, high = (float(v[0]) for v in stats.band(per_year))
    return {
        "mean": mean,
        "low": low,
        "high": high,
        "years": k,
        "n": int(np.isfinite(per_year).sum()),
        "start": float(wide[0].mean()),
        "end": float(wide[12 * k].mean()),
        "end_month": 12 * k,
    }


def calendar_label(date: float, lang: str) -> str:
    """``"March 2027"`` (``"Maret 2027"``) for a decimal year such as 2027.1667."""
    year = int(np.floor(date + 1e-9))
    month = int(round((date - year) * 12)) + 1
    return f"{t('month_names', lang).split(',')[month - 1]} {year}"


def _round_label(year: int, round_: str, lang: str) -> str:
    return calendar_label(year + (bps.ROUND_MONTH[round_] - 1) / 12, lang)


def baseline_paragraph(data: ReportData, lang: str) -> str:
    """The recorded P0 change per year in each hindcast window and the simulated one.

    Args:
        data: The folder's data.
        lang: ``"en"`` or ``"id"``.

    Returns:
        The paragraph: the recorded changes (percentage points per year, with the number of
        round pairs and the rounds missing), then one sentence per baseline point with the
        simulated change per year [95% CI] over the run's first years, or that the baseline is
        not in the batch.
    """
    parts = []
    for first, last in hindcast.WINDOWS:
        change, pairs = recorded_change_per_year(first)
        gaps = missing_rounds(first, last)
        gap = (
            t("missing_rounds", lang, rounds=", ".join(_round_label(y, r, lang) for y, r in gaps))
            if gaps
            else ""
        )
        parts.append(
            t(
                "recorded_period",
                lang,
                first=first,
                last=last,
                change=fmt_number(change, 2, lang),
                pairs=pairs,
                gap=gap,
            )
        )
    text = t("recorded_change", lang, periods="; ".join(parts))
    points = baseline_points(data)
    if not points:
        return text + " " + t("baseline_absent", lang, base=scenario_label(data.baseline, lang))
    for p in points:
        change_ = simulated_change_per_year(data, p)
        if change_ is None:
            text += " " + t("baseline_short", lang, scen=scenario_label(data.label(p), lang))
            continue
        dates = month_dates([0, change_["end_month"]], _start_month(data, p))
        text += " " + t(
            "baseline_change",
            lang,
            scen=scenario_label(data.label(p), lang),
            when=horizon(change_["end_month"], lang),
            ci=t("ci_short", lang),
            change=ci_text(change_["mean"], change_["low"], change_["high"], 100, 2, lang),
            n=change_["n"],
            start=fmt_number(100 * change_["start"], 2, lang),
            start_date=calendar_label(float(dates[0]), lang),
            end=fmt_number(100 * change_["end"], 2, lang),
            end_date=calendar_label(float(dates[1]), lang),
        )
    return text


def draw_baseline_path(data: ReportData, lang: str = "en") -> Any | None:
    """Figure 8: BPS's recorded P0 from 2015 and the baseline's simulated P0 from March 2024.

    Args:
        data: The folder's data.
        lang: ``"en"`` or ``"id"``.

    Returns:
        The figure, or ``None`` when the baseline scenario is not in the batch.
    """
    paths = simulated_paths(data)
    if not paths:
        return None
    record = recorded_points()
    styles = scenario_styles([str(p["scenario"]) for p in data.points()])
    fig = new_figure(8, 6.0)
    ax = fig.add_subplot()
    for round_, face in (("march", RECORD_COLOUR), ("september", "white")):
        r = record[record["round"] == round_]
        ax.plot(
            r["date"],
            r["p0"],
            ls="none",
            marker="o",
            ms=6,
            mec=RECORD_COLOUR,
            mfc=face,
            mew=1.3,
            label=t(f"bps_{round_}", lang),
            zorder=3,
        )
    # Sweep points of the baseline share its colour; line styles tell them apart.
    for sim_path, style in zip(paths, itertools.cycle(("-", "--", ":", "-.")), strict=False):
        colour = styles[sim_path.scenario]["color"]
        label = t("model_line", lang, scen=scenario_label(sim_path.label, lang))
        ax.plot(sim_path.dates, sim_path.mean, color=colour, ls=style, lw=1.8, label=label)
        if np.isfinite(sim_path.low).any():
            ax.fill_between(
                sim_path.dates, sim_path.low, sim_path.high, color=colour, alpha=0.18, lw=0
            )
    start = float(min(p.dates[0] for p in paths))
    end = float(max(p.dates[-1] for p in paths))
    ax.axvline(start, color="#777777", lw=0.8, ls=":")
    ax.text(
        start,
        0.98,
        t("f_model_start", lang, start=calendar_label(start, lang)) + " ",
        transform=ax.get_xaxis_transform(),
        ha="right",
        va="top",
        fontsize=7,
        color="#555555",
    )
    ax.set_xlim(FIRST_YEAR - 0.3, end + 0.3)
    ax.set_xticks(range(FIRST_YEAR, int(np.floor(end)) + 1))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_ylim(bottom=max(0.0, ax.get_ylim()[0]))  # a band of few replicates can pass 0%
    ax.set_ylabel(t("f_headcount_y", lang))
    number_axis(ax.yaxis, lang)
    ax.set_title(_title(record, paths[0], lang), fontsize=10)
    style_axes(ax)
    # Below the axes, so that neither legend nor notes can cover a recorded round or the band.
    handles, labels = ax.get_legend_handles_labels()
    bottom = below(fig, _notes(data, start, lang), handles, labels, ncol=3)
    return finish(fig, rect=(0, bottom, 1, 1))


def baseline_path_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Draw :func:`draw_baseline_path` and write it as ``path`` (PNG) and SVG beside it.

    Returns:
        ``path``, or ``None`` when the baseline scenario is not in the batch.
    """
    fig = draw_baseline_path(data, lang)
    if fig is None:
        return None
    save_figure(fig, path)
    return path


def _title(record: pd.DataFrame, first: SimulatedPath, lang: str) -> str:
    """The recorded first and last March values and the projected value at the run's end."""
    first_round = record.iloc[0]
    last_march = record[record["round"] == "march"].iloc[-1]
    return t(
        "t_baseline_path",
        lang,
        first=fmt_number(first_round["p0"], 2, lang),
        first_date=_round_label(int(first_round["year"]), first_round["round"], lang),
        last=fmt_number(last_march["p0"], 2, lang),
        last_date=_round_label(int(last_march["year"]), "march", lang),
        scen=scenario_label(first.label, lang),
        end=fmt_number(first.mean[-1], 2, lang),
        end_date=calendar_label(float(first.dates[-1]), lang),
    )


def _notes(data: ReportData, start: float, lang: str) -> str:
    """What is recorded, what is modelled, and the rounds BPS did not publish."""
    note = t("f_baseline_note", lang)
    gaps = missing_rounds(FIRST_YEAR, int(recorded_points()["year"].max()))
    if gaps:
        note += t("f_baseline_gap", lang, gap=", ".join(_round_label(y, r, lang) for y, r in gaps))
    model = t("f_baseline_model", lang, start=calendar_label(start, lang))
    covers = f"{t('ci_short', lang)}: {ci_covers(data.manifest, lang)}"
    return "\n".join((note, model, covers))

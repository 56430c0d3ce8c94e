"""The explorer's page: the sidebar of controls and the run's headline and plots beside it.

Each browser session gets its own :class:`~sim.explorer.run.Run`. A control changes the
session's settings at once (its label shows the new value); a moment after the last change the
model is rebuilt and run up to the month shown (a scenario or region starts again at month 0).
The play loop and the settings run in threads (``solara.lab.use_task``); the page redraws
from the run's copy of the monthly record.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable

import pandas as pd
import solara
import solara.lab
from solara.alias import rv

from sim.explorer.controls import LabelledSelect, LabelledSlider, slider_text
from sim.explorer.plots import PANELS, panel_svg
from sim.explorer.run import Run
from sim.explorer.settings import (
    HOUSEHOLDS,
    INFORMATION,
    MONTHS,
    PRESETS,
    SLIDERS,
    SWITCHES,
    Settings,
    districts,
    explorer_scenario,
    province_of,
    provinces,
    region_name,
    shown,
)
from sim.explorer.words import LANGUAGES, t
from sim.regions.catalogue import NATION
from sim.report.labels import scenario_label
from sim.report.numbers import fmt_number, fmt_rupiah
from sim.scenario import ScenarioError

SETTLE_S = 0.35
"""Seconds without a new change before new settings are applied (a drag sends many)."""
PLAY_BATCH_S = 0.3
"""While playing, months are run for this long between redraws (a month takes milliseconds,
a redraw of the five plots a few tenths of a second)."""
SIDEBAR_PX = 400
"""Width of the sidebar in CSS pixels."""

CSS = f"""
.explorer-sidebar {{ width: {SIDEBAR_PX}px; min-width: {SIDEBAR_PX}px; max-width: {SIDEBAR_PX}px;
  flex: none; }}
.explorer-main {{ flex: 1 1 0; min-width: 0; }}
.explorer-plots {{ display: grid; gap: 12px;
  grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); }}
.explorer-plots svg {{ width: 100%; height: auto; }}
.explorer-control {{ width: 100%; margin-bottom: 6px; }}
"""


def _responsive(svg: str) -> str:
    """The SVG without its fixed size (it scales to its grid cell, keeping its viewBox)."""
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)


@solara.component
def Panel(frame: pd.DataFrame, key: str, months: int, lang: str) -> None:
    """One plot, redrawn when the record, the horizon or the language changes."""
    svg = solara.use_memo(
        lambda: _responsive(panel_svg(frame, key, months, lang)), [id(frame), months, lang]
    )
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=[f"panel-{key}"])


@solara.component
def Dashboard(frame: pd.DataFrame, settings: Settings, represented: int, lang: str) -> None:
    """The headline and the plots (a message instead of the plots at month 0)."""
    row = frame.iloc[-1]
    month = int(row["month"])
    region = region_name(settings.region)
    solara.HTML(
        tag="h3",
        classes=["explorer-headline-title"],
        unsafe_innerHTML=html.escape(
            t(
                "headline",
                lang,
                scenario=scenario_label(settings.preset, lang),
                region=region,
                month=month,
                months=settings.months,
            )
        ),
    )
    figures = t(
        "figures",
        lang,
        p0=fmt_number(100 * row["p0"], 1, lang),
        p1=fmt_number(100 * row["p1"], 2, lang),
        reach=fmt_number(100 * row["coverage_poor"], 0, lang),
        members=int(row["coalition_members"]),
    )
    base = t(
        "base",
        lang,
        n=fmt_number(settings.households, 0, lang),
        m=fmt_number(represented, 0, lang),
    )
    with solara.Column(classes=["explorer-headline"], gap="2px"):
        solara.Text(figures)
        if month > 0:
            money = t(
                "money",
                lang,
                raised=fmt_rupiah(row["funds_raised"], lang),
                paid=fmt_rupiah(row["spent_transfers"], lang),
            )
            solara.Text(money, classes=["explorer-money"])
        solara.Text(base, style={"color": "#555"})
    if month == 0:
        solara.Info(t("empty", lang), classes=["explorer-empty"])
        return
    with solara.Div(classes=["explorer-plots"]):
        for key in PANELS:
            Panel(frame, key, settings.months, lang)


@solara.component
def RunCard(
    run: Run, frame: solara.Reactive[pd.DataFrame], playing: solara.Reactive[bool], lang: str
) -> None:
    """The buttons: one month, play or pause, back to month 0; the month reached."""
    month = int(frame.value["month"].iloc[-1])
    months = run.settings.months
    with solara.Card(t("run", lang)):
        with solara.Row(style={"flex-wrap": "wrap"}, gap="8px"):
            solara.Button(
                t("step", lang),
                color="primary",
                on_click=lambda: run_step(),
                disabled=playing.value or month >= months,
                classes=["explorer-control", "button-step"],
                style={"width": "auto"},
            )
            solara.Button(
                t("pause", lang) if playing.value else t("play", lang),
                color="primary",
                on_click=lambda: playing.set(not playing.value),
                disabled=month >= months and not playing.value,
                classes=["explorer-control", "button-play"],
                style={"width": "auto"},
            )
            solara.Button(
                t("restart", lang),
                outlined=True,
                on_click=lambda: run_restart(),
                classes=["explorer-control", "button-restart"],
                style={"width": "auto"},
            )
        solara.Text(t("month_of", lang, month=month, months=months), classes=["month-reached"])
        if month >= months:
            solara.Text(t("ended", lang))

    def run_step() -> None:
        frame.set(run.step())

    def run_restart() -> None:
        playing.set(False)
        frame.set(run.restart())


@solara.component
def WhereCard(
    s: Settings, move: Callable[[str, object], None], represented: int, lang: str
) -> None:
    """Region, kabupaten/kota, scenario, households, horizon and seed."""
    province = province_of(s.region)

    with solara.Card(t("where", lang)):
        LabelledSelect(
            "region",
            t("region", lang),
            {name: name for name in provinces()},
            province,
            lambda v: move("region", v),
        )
        if province != NATION:
            whole = t("whole_province", lang)
            options = {province: whole} | {d: region_name(d) for d in districts(province)}
            LabelledSelect(
                "district", t("district", lang), options, s.region, lambda v: move("region", v)
            )
        LabelledSelect(
            "preset",
            t("preset", lang),
            {p: scenario_label(p, lang) for p in PRESETS},
            s.preset,
            lambda v: move("preset", v),
        )
        solara.Text(t("preset_note", lang), style={"font-size": "0.8rem", "color": "#555"})
        households = t("households", lang, n=fmt_number(s.households, 0, lang))
        real = fmt_number(represented, 0, lang)
        of = t("represented", lang, m=real, region=region_name(s.region))
        LabelledSlider(
            "households",
            f"{households} ({of})",
            s.households,
            HOUSEHOLDS,
            lambda v: move("households", int(v)),
        )
        LabelledSlider(
            "months",
            t("months", lang, n=s.months),
            s.months,
            MONTHS,
            lambda v: move("months", int(v)),
        )
        with solara.Column(gap="0px", classes=["explorer-control", "input-seed"]):
            solara.InputInt(t("seed", lang), value=s.seed, on_value=lambda v: move("seed", v or 0))


@solara.component
def CooperationCard(
    s: Settings, move: Callable[[str, object], None], represented: int, lang: str
) -> None:
    """The forms of cooperation, the lists shared, and the money and trust sliders."""
    scenario = explorer_scenario(s)

    with solara.Card(t("cooperation", lang)):
        solara.Text(t("cooperation_note", lang), style={"font-size": "0.8rem", "color": "#555"})
        for key in SWITCHES:
            rv.Checkbox(
                label=t(key, lang),
                v_model=shown(scenario, key),
                on_v_model=lambda v, key=key: move(key, bool(v)),
                hide_details=True,
                density="compact",
                class_=f"explorer-control switch-{key}",
            )
        LabelledSelect(
            "information",
            t("information", lang),
            {i: t(f"information_{i}", lang) for i in INFORMATION},
            shown(scenario, "information"),
            lambda v: move("information", v),
        )
    with solara.Card(t("money_and_trust", lang)):
        for key, (_, low, high, step) in SLIDERS.items():
            value = shown(scenario, key)
            LabelledSlider(
                key,
                slider_text(key, value, lang, represented, region_name(s.region)),
                value,
                (low, high, step),
                lambda v, key=key: move(key, v),
            )


@solara.component
def Page() -> None:
    """The explorer: settings in the sidebar, the run beside it."""
    run = solara.use_memo(lambda: Run(Settings()), [])
    lang = solara.use_reactive("en")
    settings = solara.use_reactive(run.settings)
    frame = solara.use_reactive(run.frame)
    playing = solara.use_reactive(False)
    refused = solara.use_reactive("")

    def move(key: str, value: object) -> None:
        """Take a control's new value, unless the scenario's schema refuses it (say why)."""
        try:
            wanted = settings.value.with_control(key, value)
            explorer_scenario(wanted)
        except (ScenarioError, ValueError) as error:
            refused.set(str(error))
            return
        refused.set("")
        settings.set(wanted)

    def apply() -> None:
        wanted = settings.value
        if wanted == run.settings:
            return
        time.sleep(SETTLE_S)  # a newer change cancels this task (use_task) before it builds
        if settings.value != wanted:
            return
        same_place = (wanted.preset, wanted.region) == (run.settings.preset, run.settings.region)
        frame.set(run.apply(wanted, keep_month=same_place))

    applying = solara.lab.use_task(apply, dependencies=[settings.value], prefer_threaded=True)

    def play() -> None:
        while playing.value and run.running:
            start = time.monotonic()
            latest = run.step()
            while playing.value and run.running and time.monotonic() - start < PLAY_BATCH_S:
                latest = run.step()
            frame.set(latest)
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    represented = int(explorer_scenario(settings.value).population.households_represented)
    solara.Title(t("title", lang.value))
    solara.Style(CSS)
    row_style = {"align-items": "flex-start", "flex-wrap": "nowrap", "padding": "12px"}
    with solara.Row(style=row_style, gap="16px"):
        with solara.Column(classes=["explorer-sidebar"], gap="12px"):
            with solara.Row(gap="6px", classes=["explorer-languages"]):
                for code, name in LANGUAGES.items():
                    solara.Button(
                        name,
                        on_click=lambda code=code: lang.set(code),
                        color="primary",
                        outlined=lang.value != code,
                        classes=["explorer-control", f"language-{code}"],
                        style={"width": "auto"},
                    )
            RunCard(run, frame, playing, lang.value)
            if refused.value:
                solara.Error(refused.value, classes=["explorer-refused"])
            WhereCard(settings.value, move, represented, lang.value)
            CooperationCard(settings.value, move, represented, lang.value)
        with solara.Column(classes=["explorer-main"]):
            solara.HTML(tag="h2", unsafe_innerHTML=html.escape(t("title", lang.value)))
            if applying.pending or settings.value != run.settings:
                solara.Text(t("applying", lang.value), classes=["explorer-applying"])
            Dashboard(frame.value, run.settings, _represented(run), lang.value)


def _represented(run: Run) -> int:
    return int(run.model.config.population.households_represented)

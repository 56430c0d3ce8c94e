"""The explorer (sim/app.py, sim/explorer/): its settings and model, and the page in a browser.

The browser tests start ``solara run sim/app.py`` on a free local port and drive it in Debian's
Chromium with Playwright: at 1280 and 1920 px, in English and Indonesian, every control lies
inside the sidebar with its label whole; a slider dragged with the mouse changes the run; a
scenario applies at once; the plots' axis says the month. Screenshots of both languages at both
widths are written to ``results/screenshots/explorer_<lang>_<width>.png`` (ignored by git;
there for CI to keep as artifacts). The browser tests skip only when Chromium is missing
outside CI; in CI (``CI`` set) they must run (``.ci/run`` installs Chromium and npm for the
page's assets).
"""

from __future__ import annotations

import os
import re
import socket
import string
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "results" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--headless=new",
]
TIMEOUT_MS = 120_000  # generous: CI machines may be shared
WIDTHS = (1280, 1920)


# --- the settings and the model, without a browser ------------------------------------------


def test_settings_build_the_scenario_and_show_the_presets_values():
    from sim.explorer.settings import Settings, explorer_scenario, shown

    s = Settings(preset="competition", households=1_000, months=3, seed=7)
    sc = explorer_scenario(s)
    assert sc.population.households == 1_000 and sc.months == 3
    assert shown(sc, "pooled_funding") is False
    moved = s.with_control("pooled_funding", True).with_control("trust_threshold", 0.55)
    moved = moved.with_control("coordination_cost", 60_000.0)
    sc = explorer_scenario(moved)
    assert sc.cooperation.funding == "pooled"
    assert sc.cooperation.trust.threshold == 0.55
    assert sc.cooperation.alliance.coordination_cost == 60_000.0
    assert shown(sc, "trust_threshold") == 0.55 and shown(sc, "pooled_funding") is True
    # a scenario shows its own settings; choosing it clears what was moved before
    synergy = moved.with_control("preset", "full_synergy")
    assert synergy.overrides == ()
    full = explorer_scenario(synergy)
    assert shown(full, "pooled_funding") is True and shown(full, "partnership") is True
    # a switch of the preset turned off sets the off value of every field it covers
    off = explorer_scenario(synergy.with_control("partnership", False))
    assert not off.cooperation.partnership.government and not off.cooperation.partnership.business


def test_a_region_loads_its_preset():
    from sim.explorer.settings import (
        Settings,
        districts,
        explorer_scenario,
        province_of,
        provinces,
    )

    assert provinces()[0] == "INDONESIA" and len(provinces()) == 39
    ntt = districts("NUSA TENGGARA TIMUR")
    assert "Kota Kupang, NUSA TENGGARA TIMUR" in ntt and len(ntt) == 22
    assert province_of("Kota Kupang, NUSA TENGGARA TIMUR") == "NUSA TENGGARA TIMUR"
    nation = explorer_scenario(Settings(households=1_000))
    kupang = explorer_scenario(Settings(region=ntt[ntt.index("Kota Kupang, NUSA TENGGARA TIMUR")]))
    assert kupang.region == "Kota Kupang, NUSA TENGGARA TIMUR"
    assert kupang.population.households == 5_000  # the explorer's size, not the preset's
    assert kupang.population.households_represented != nation.population.households_represented


def test_unknown_setting_is_refused():
    from sim.explorer.settings import Settings

    with pytest.raises(TypeError, match="unknown explorer setting"):
        Settings().with_control("coordination", 1.0)
    with pytest.raises(ValueError, match="seed: -1 is refused"):
        Settings().with_control("seed", -1)


def test_a_run_stops_at_the_horizon_and_new_settings_keep_its_month():
    from sim.explorer.run import Run
    from sim.explorer.settings import Settings

    run = Run(Settings(households=1_000, months=4, seed=7))
    for _ in range(3):
        run.step()
    assert run.month == 3 and len(run.frame) == 4
    before = run.frame["funds_raised"].iloc[-1]
    frame = run.apply(run.settings.with_control("giving", 0.0), keep_month=True)
    assert run.month == 3 and len(frame) == 4
    assert frame["funds_raised"].iloc[-1] < before  # no private giving: less raised
    run.step()
    run.step()  # past the horizon: nothing happens
    assert run.month == 4 and not run.running
    frame = run.apply(run.settings.with_control("preset", "pooled_funding"), keep_month=False)
    assert run.month == 0 and len(frame) == 1
    assert run.restart()["month"].tolist() == [0]


def test_both_languages_have_the_same_words():
    from sim.explorer.words import WORDS

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    assert WORDS["en"].keys() == WORDS["id"].keys()
    for key, text in WORDS["en"].items():
        assert fields(text) == fields(WORDS["id"][key]), key
        assert WORDS["id"][key] != text or key in ("district",), key


def test_slider_labels_show_value_and_unit():
    from sim.explorer.controls import slider_text

    assert slider_text("giving", 12_500_000.0, "en", 300_000, "INDONESIA") == (
        "Private giving: Rp 12.5 m per 1,000 households a month (Rp 45.0 bn a year in INDONESIA)"
    )
    assert slider_text("coordination_cost", 30_000.0, "id", 1, "X").startswith(
        "Biaya koordinasi aliansi: Rp 30.000 per anggota"
    )
    assert slider_text("trust_threshold", 0.35, "id", 1, "X").startswith("Ambang kepercayaan: 0,35")
    assert "+20 %" in slider_text("awareness_effect", 0.2, "en", 1, "X")


def test_panels_say_month_on_the_axis_and_ticks_agree():
    from sim.explorer.plots import PANELS, panel_svg
    from sim.explorer.run import Run
    from sim.explorer.settings import Settings

    run = Run(Settings(households=1_000, months=12, seed=3))
    for _ in range(3):
        run.step()
    for lang, month in (("en", "Month"), ("id", "Bulan")):
        for key in PANELS:
            svg = panel_svg(run.frame, key, 12, lang)
            assert f">{month}</text>" in svg, (lang, key)
            ticks = re.findall(r">(-?[\d.,]+)</text>", svg)
            decimals = {len(re.split("[.,]", x)[1]) if re.search("[.,]", x) else 0 for x in ticks}
            # x ticks are whole months; y ticks share one number of decimals
            assert len(decimals - {0}) <= 1, (lang, key, ticks)
            if lang == "id":
                assert not any(
                    "." in x and "," not in x and len(x.split(".")[1]) != 3 for x in ticks
                ), ticks


# --- the page in a browser ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"solara exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {seconds} s")


@pytest.fixture(scope="module")
def explorer_url(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI (.ci/run installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI runs this test")
    assets = subprocess.run(
        [str(ROOT / "tools" / "solara-assets"), sys.prefix],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if assets.returncode != 0:
        message = f"the explorer's page assets are missing: {assets.stderr.strip()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    log = tmp_path_factory.mktemp("solara") / "server.log"
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="False")
    solara = Path(sys.executable).with_name("solara")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(solara), "run", "sim/app.py", "--port", str(port), "--host", "127.0.0.1"]
            + ["--production", "--no-open"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait_http(url, proc, 300)
        except (RuntimeError, TimeoutError) as e:
            pytest.fail(f"{e}; server log:\n{log.read_text(errors='replace')[-3000:]}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(explorer_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open(browser, url: str, width: int, height: int = 1000):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url, timeout=TIMEOUT_MS)
    page.locator(".button-step").wait_for()
    return page, errors


def _month_reached(page, month: int, lang: str = "en") -> None:
    word = {"en": "Month", "id": "Bulan"}[lang]
    page.locator(".month-reached").filter(has_text=re.compile(rf"^{word} {month} ")).wait_for()


def _step(page, months: int, lang: str = "en") -> None:
    for k in range(1, months + 1):
        page.locator(".button-step").click()
        _month_reached(page, k, lang)


def _play_until(page, month: int) -> None:
    """Press Play, wait for ``month`` or later, press Pause."""
    page.locator(".button-play").click()
    page.wait_for_function(
        "m => +document.querySelector('.month-reached').innerText.split(' ')[1] >= m", arg=month
    )
    page.locator(".button-play").click()
    page.locator(".button-play:not([disabled])").filter(
        has_text=re.compile("^(Play|Putar)$", re.I)
    ).wait_for()


CONTROLS = (
    ".explorer-sidebar button, .explorer-sidebar [role=slider], "
    ".explorer-sidebar [role=combobox], .explorer-sidebar .v-checkbox, "
    ".explorer-sidebar .v-slider-track, .explorer-sidebar input[type=text], "
    ".explorer-sidebar div.explorer-control > span, .explorer-sidebar label"
)
"""Every control of the sidebar, its labels and its sliders' handles and tracks."""

OUTSIDE_SIDEBAR = """([sel, sidebar]) => {
  const box = document.querySelector(sidebar).getBoundingClientRect();
  const bad = [];
  let n = 0;
  for (const e of document.querySelectorAll(sel)) {
    const r = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    if ((r.width === 0 && r.height === 0) || style.visibility === "hidden"
        || style.opacity === "0") continue;  // not seen (the resting copy of a floating label)
    n += 1;
    const inside = r.left >= box.left - 0.5 && r.right <= box.right + 0.5
      && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
    const cut = e.scrollWidth > e.clientWidth + 1 && style.overflow !== "visible";
    if (!inside || cut) bad.push(`${e.className || e.tagName} "${e.textContent.slice(0, 40)}"`
      + ` [${Math.round(r.left)}, ${Math.round(r.right)}] in [${box.left}, ${box.right}]`);
  }
  return {n, bad};
}"""


def test_every_control_lies_inside_the_sidebar_in_both_languages(browser, explorer_url):
    """At 1280 and 1920 px, English and Indonesian: controls inside, labels whole, screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, errors = _open(browser, explorer_url, WIDTHS[0], 2200)
    try:
        page.locator(".explorer-empty").wait_for()  # month 0: a message, not empty plots
        assert page.locator(".explorer-plots").count() == 0
        _step(page, 1)
        page.locator(".panel-plot_p0 svg").wait_for()
        _play_until(page, 24)  # a stretch of months for the screenshots
        for lang in ("en", "id"):
            if lang == "id":
                page.locator(".language-id").click()
                page.get_by_text("Jalankan 1 bulan").wait_for()
            month_word = {"en": "Month", "id": "Bulan"}[lang]
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 2200})
                page.wait_for_timeout(300)
                found = page.evaluate(OUTSIDE_SIDEBAR, [CONTROLS, ".explorer-sidebar"])
                assert found["n"] >= 40, found
                assert not found["bad"], (lang, width, found["bad"])
                # each slider's label shows its value: a digit after the colon
                labels = page.locator(
                    ".explorer-sidebar [class*=' slider-'] > span"
                ).all_inner_texts()
                assert len(labels) == 9 and all(re.search(r":.*\d", x) for x in labels), labels
                # the plots' month axis, in the page's language, on every panel
                axes = page.locator(".explorer-plots svg text").filter(
                    has_text=re.compile(rf"^{month_word}$")
                )
                assert axes.count() == 5, (lang, axes.count())
                page.screenshot(path=SCREENSHOTS / f"explorer_{lang}_{width}.png")
        assert not errors, errors
    finally:
        page.close()


def test_dragging_a_slider_changes_the_run(browser, explorer_url):
    page, errors = _open(browser, explorer_url, WIDTHS[0])
    try:
        _step(page, 2)
        money = page.locator(".explorer-money")
        before = money.inner_text()
        label = page.locator(".slider-giving > span")
        assert "Rp 12.5 m per 1,000 households a month" in label.inner_text()
        page.locator(".slider-giving").scroll_into_view_if_needed()
        thumb = page.locator(".slider-giving [role=slider]").bounding_box()
        track = page.locator(".slider-giving .v-slider-track").bounding_box()
        y = thumb["y"] + thumb["height"] / 2
        page.mouse.move(thumb["x"] + thumb["width"] / 2, y)
        page.mouse.down()
        page.mouse.move(track["x"] + 1, y, steps=10)
        page.mouse.up()
        page.locator(".slider-giving > span").filter(
            has_text=re.compile(r"^Private giving: Rp 0 per 1,000 households")
        ).wait_for()  # the label follows the handle
        page.wait_for_function(
            "old => document.querySelector('.explorer-money').innerText !== old", arg=before
        )
        _month_reached(page, 2)  # recomputed up to the month reached, not restarted
        assert money.inner_text() != before
        _play_until(page, 4)
        paused = page.locator(".month-reached").inner_text()
        page.wait_for_timeout(800)
        assert page.locator(".month-reached").inner_text() == paused  # paused: no more months
        assert not errors, errors
    finally:
        page.close()


def test_a_scenario_and_a_region_apply_at_once(browser, explorer_url):
    page, errors = _open(browser, explorer_url, WIDTHS[0])
    try:
        _step(page, 1)
        pooled = page.locator(".switch-pooled_funding input")
        assert not pooled.is_checked()
        page.locator(".select-preset .v-field").click()
        page.get_by_role("option", name="Full synergy").click()
        page.locator(".explorer-headline-title", has_text="Full synergy").wait_for()
        _month_reached(page, 0)
        assert pooled.is_checked()  # the controls show the scenario's own settings
        page.locator(".select-region .v-field").click()
        page.get_by_role("option", name="NUSA TENGGARA TIMUR").click()
        page.locator(".explorer-headline-title", has_text="NUSA TENGGARA TIMUR").wait_for()
        page.locator(".select-district .v-field").click()
        page.get_by_role("option", name="Kota Kupang").click()
        page.locator(".explorer-headline-title", has_text="Kota Kupang").wait_for()
        assert "Full synergy" in page.locator(".explorer-headline-title").inner_text()
        assert not errors, errors
    finally:
        page.close()

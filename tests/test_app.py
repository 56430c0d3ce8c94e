"""The explorer (sim/app.py): the model it builds, and the app driven in a headless browser.

The browser test starts ``solara run sim/app.py`` on a free local port, opens it in Debian's
Chromium with Playwright, steps the model and checks that the step counter and the plots
changed. It skips only when Chromium is missing outside CI; in CI (``CI`` set) it must run
(``.ci/run`` installs Chromium and the page's assets).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
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
TIMEOUT_MS = 60_000


def test_explorer_model_applies_the_sidebar():
    from sim.app import DEFAULTS, ExplorerModel

    m = ExplorerModel(
        preset="competition",
        households=1_000,
        months=3,
        pooled_funding=True,
        trust_threshold=0.55,
        coordination_cost=60_000.0,
        rng="7",
    )
    assert m.config.cooperation.funding == "pooled"
    assert m.config.cooperation.trust.threshold == 0.55
    assert m.config.cooperation.alliance.coordination_cost == 60_000.0
    assert m.config.donors.elasticity == DEFAULTS["donor_elasticity"]
    assert m.seed == 7
    while m.running:
        m.step()
    assert m.month == 3
    collected = m.datacollector.get_model_vars_dataframe()
    assert len(collected) == 4  # month 0 and three steps
    ts = m.timeseries()
    assert collected["p1"].tolist() == pytest.approx(ts["p1"].tolist())
    assert collected["coalition_members"].iloc[-1] == ts["coalition_members"].iloc[-1]


def test_unknown_setting_is_refused():
    from sim.app import explorer_scenario

    with pytest.raises(TypeError, match="unknown explorer setting"):
        explorer_scenario("competition", coordination=1.0)


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
            _wait_http(url, proc, 60)
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


def _step_counter(page) -> float:
    text = page.get_by_text(re.compile(r"^Time: ")).first.inner_text()
    return float(text.split(":")[1])


def test_explorer_steps_and_redraws_in_a_browser(explorer_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(explorer_url, timeout=TIMEOUT_MS)
            step = page.get_by_role("button", name="Step")
            step.wait_for()
            plots = page.locator(".solara-autorouter-content img")
            page.wait_for_function(
                "n => document.querySelectorAll('.solara-autorouter-content img').length >= n",
                arg=4,
            )
            page.get_by_text("month 0 of 120").wait_for()  # the headline (Markdown)
            assert _step_counter(page) == 0
            before_src = plots.evaluate_all("els => els.map(e => e.src)")
            before_png = page.locator(".solara-autorouter-content").screenshot()

            for k in range(1, 4):
                step.click()
                page.wait_for_function(
                    "k => [...document.querySelectorAll('*')].some("
                    "e => e.childElementCount === 0 && e.textContent.trim() === `Time: ${k}.0`)",
                    arg=k,
                )
            page.get_by_text("month 3 of 120").wait_for()
            page.wait_for_timeout(500)  # let the last redraw land
            assert _step_counter(page) == 3
            after_src = plots.evaluate_all("els => els.map(e => e.src)")
            after_png = page.locator(".solara-autorouter-content").screenshot()
            assert len(after_src) >= 4
            assert not set(before_src) & set(after_src), "the plots were not redrawn"
            assert after_png != before_png
            assert not errors, errors
        finally:
            browser.close()

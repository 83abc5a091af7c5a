"""The live app in a real browser: Playwright drives Debian's Chromium against `solara run diffusionsim.viz.app`.

What a presenter does, in order: open the page, step, play and pause, change a lever and reset, try a lever
combination the scenario rules refuse. The screenshot of the final page is saved under the test's tmp_path.
CI installs Chromium with apt (.ci/run); without it the test is skipped, not failed.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 90  # s; a cold start imports Mesa, Solara and the model
UI_TIMEOUT = 20_000  # ms

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (CI installs it: apt install chromium)"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency; `uv sync` installs it")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, log: Path) -> None:
    """Poll until the server answers 200; fail with its log if it dies or never answers."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the app exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the app did not answer on {url} within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    """`solara run` on the app module, on a free loopback port, in production mode (no reloader)."""
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    cmd = [sys.executable, "-m", "solara", "run", "diffusionsim.viz.app"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-open", "--production"]
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONUNBUFFERED": "1"}
    env.pop("DIFFUSIONSIM_SCENARIO", None)
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_http(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    pw = sync_api.sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        pw.stop()


def step_count(page) -> float:
    """Mesa's step counter in the sidebar ("Time: 3.0")."""
    text = page.get_by_text(re.compile(r"^Time: ")).first.inner_text()
    return float(text.split(":")[1])


def wait_for_steps(page, expected: float) -> None:
    page.get_by_text(re.compile(rf"^Time: {expected:.1f}$")).first.wait_for(timeout=UI_TIMEOUT)


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar select labelled `label` (a Vuetify v-select)."""
    page.locator(".v-select", has_text=label).first.locator(".v-select__slot").click()
    menu = page.locator(".menuable__content__active")
    menu.locator(".v-list-item", has_text=option).first.click()
    page.locator(".v-select", has_text=label).first.get_by_text(option).wait_for(timeout=UI_TIMEOUT)


def chart(page, index: int):
    """The ECharts figures in page order: network, adoption, pilots, money, citizens, staff."""
    return page.locator(".solara-echarts").nth(index)


def test_presenter_story(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.goto(app_url)

    # The page renders: title, step counter, the month panel and all six figures, and no error anywhere.
    page.get_by_text("care innovations spreading through Dutch care").first.wait_for(timeout=60_000)
    wait_for_steps(page, 0)
    page.locator(".run-month", has_text="Month 0 of 120").wait_for(timeout=UI_TIMEOUT)
    page.wait_for_function("document.querySelectorAll('.solara-echarts canvas').length >= 6", timeout=UI_TIMEOUT)
    page.get_by_text("What am I looking at?").wait_for(timeout=UI_TIMEOUT)
    assert page.get_by_text("Traceback").count() == 0
    assert page.locator(".lever-message").count() == 0

    # Step: the counter and a chart change. Timing each step from click to updated counter (browser included).
    page.wait_for_timeout(500)  # let ECharts finish its first paint
    pilots_before = chart(page, 2).screenshot()
    latencies = []
    for n in range(1, 6):
        start = time.perf_counter()
        page.get_by_role("button", name="Step").click()
        wait_for_steps(page, n)
        latencies.append(time.perf_counter() - start)
    page.locator(".run-month", has_text="Month 5 of 120").wait_for(timeout=UI_TIMEOUT)
    page.wait_for_timeout(300)
    assert chart(page, 2).screenshot() != pilots_before, "the pilots chart did not change after five steps"
    print(f"\nmedian click-to-update time of one step in the browser: {statistics.median(latencies) * 1000:.0f} ms")
    assert statistics.median(latencies) < 2.0

    # Play, then pause: the counter keeps moving while playing.
    page.get_by_role("button", name="▶").click()
    page.wait_for_function(
        "[...document.querySelectorAll('*')].some(e => /^Time: (\\d+)/.test(e.textContent) && "
        "parseFloat(e.textContent.slice(6)) >= 12 && e.children.length === 0)",
        timeout=UI_TIMEOUT,
    )
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="Step").wait_for(timeout=UI_TIMEOUT)
    assert step_count(page) >= 12
    page.wait_for_timeout(300)
    page.screenshot(path=str(tmp_path / "app_running.png"))  # mid-run: stages and curves visible

    # A lever: bundled payment, then Reset. The model is rebuilt with the new value and starts again at month 0.
    choose(page, "Payment model", "bundled payment (zorgbundels)")
    page.get_by_role("button", name="Reset").click()
    wait_for_steps(page, 0)
    page.locator(".run-month", has_text="Month 0 of 120").wait_for(timeout=UI_TIMEOUT)
    page.locator(".run-policy", has_text="bundled payment (zorgbundels)").wait_for(timeout=UI_TIMEOUT)

    # A refused combination: loss compensation without a transition fund gives a visible message, not a crash.
    choose(page, "Loss compensation", "50% of lost revenue")
    page.get_by_role("button", name="Reset").click()
    message = page.locator(".lever-message")
    message.wait_for(timeout=UI_TIMEOUT)
    assert "transition fund" in message.inner_text()
    page.get_by_role("button", name="Step").click()  # the app still runs
    wait_for_steps(page, 1)

    shot = tmp_path / "app.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000
    assert not errors, errors
    page.close()

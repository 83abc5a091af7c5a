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

from tests.browser import chromium_browser, needs_chromium

START_TIMEOUT = 90  # s; a cold start imports Mesa, Solara and the model
UI_TIMEOUT = 20_000  # ms

pytestmark = needs_chromium
pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency; `uv sync` installs it")


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
    env["SOLARA_THEME_SHOW_BANNER"] = "False"  # as `diffusionsim viz` starts it
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
    yield from chromium_browser()


def step_count(page) -> int:
    """The month in the header ("2027-03: month 3 of 120")."""
    return int(re.search(r"month (\d+) of", page.locator(".run-month").first.inner_text()).group(1))


def wait_for_steps(page, expected: int) -> None:
    page.locator(".run-month", has_text=f"month {expected} of").first.wait_for(timeout=UI_TIMEOUT)


def open_app(browser, url: str, width: int = 1500, height: int = 1100):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.locator(".run-month").first.wait_for(timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.solara-echarts canvas').length >= 5", timeout=UI_TIMEOUT)
    return page


def drawn_option(page, index: int) -> dict:
    """The option a chart has actually drawn (ECharts' merged view), read in the browser."""
    return chart(page, index).evaluate(
        "e => { const o = e.__chart.getOption(); return {title: o.title[0].text, legend: o.legend[0], "
        "series: o.series.map(s => ({id: s.id, name: s.name, n: (s.data || []).length}))}; }"
    )


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] + 1 < b["x"] + b["width"]
        and b["x"] + 1 < a["x"] + a["width"]
        and (a["y"] + 1 < b["y"] + b["height"] and b["y"] + 1 < a["y"] + a["height"])
    )


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
    page.locator("h1", has_text="care innovations spreading through Dutch care").wait_for(timeout=60_000)
    wait_for_steps(page, 0)
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
    page.wait_for_timeout(300)
    assert chart(page, 2).screenshot() != pilots_before, "the pilots chart did not change after five steps"
    print(f"\nmedian click-to-update time of one step in the browser: {statistics.median(latencies) * 1000:.0f} ms")
    assert statistics.median(latencies) < 2.0

    # Play, then pause: the counter keeps moving while playing.
    page.get_by_role("button", name="▶").click()
    page.wait_for_function(
        "parseInt(/month (\\d+) of/.exec(document.querySelector('.run-month').textContent)[1]) >= 12",
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
    page.locator(".run-policy", has_text="bundled payment (zorgbundels)").wait_for(timeout=UI_TIMEOUT)

    # A refused combination: loss compensation without a transition fund gives a visible message, not a crash.
    choose(page, "Loss compensation", "50% of lost revenue")
    page.get_by_role("button", name="Reset").click()
    message = page.locator(".lever-message")
    message.wait_for(timeout=UI_TIMEOUT)
    assert "transition fund" in message.inner_text()
    # the selectors show the values the run actually uses, not the refused ones
    page.locator(".v-select", has_text="Loss compensation").first.get_by_text("none", exact=True).wait_for(
        timeout=UI_TIMEOUT
    )
    page.get_by_role("button", name="Step").click()  # the app still runs
    wait_for_steps(page, 1)

    shot = tmp_path / "app.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000
    assert not errors, errors
    page.close()


LEFTOVERS = ["Page 0", "Time:", "Use Threads", "Render Interval", "This website runs on", "Play Interval"]


def test_no_leftovers_one_month_and_the_levers_never_cover_the_charts(app_url, browser):
    """Issue 14's inconsistencies in the developer view: Mesa's controls and Solara's banner are gone, the month is
    the same in the header and the network, and a long lever value does not push the levers over the charts."""
    page = open_app(browser, app_url)
    body = page.locator("body").inner_text()
    for text in LEFTOVERS:
        assert text.lower() not in body.lower(), f"{text!r} is still on the page"
    for n in range(1, 4):
        page.get_by_role("button", name="Step").click()
        wait_for_steps(page, n)
    page.wait_for_function(
        "document.querySelector('.solara-echarts').__chart.getOption().title[0].text.includes('month 3 of')",
        timeout=UI_TIMEOUT,
    )
    header = page.locator(".run-month").first.inner_text()
    assert header in drawn_option(page, 0)["title"], "the network's title and the header name different months"

    choose(page, "Regional cooperation", "high: programme organisation (programmaorganisatie)")
    page.wait_for_timeout(300)
    levers = page.locator(".dsim-levers").bounding_box()
    for i in range(6):
        assert not overlaps(levers, chart(page, i).bounding_box()), f"the levers cover chart {i}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    blocks = [el.bounding_box() for el in page.locator(".dsim-tile, .dsim-levers, .solara-echarts, .run-policy").all()]
    for i, a in enumerate(blocks):
        for b in blocks[i + 1 :]:
            assert not overlaps(a, b), f"{a} overlaps {b}"
    page.close()


# Every visible element with text of its own, with its font size and box (the presentation-mode checks).
TEXT_BOXES = """() => [...document.querySelectorAll('body *')].filter(e => {
  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const r = e.getBoundingClientRect(), st = getComputedStyle(e);
  return own && r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'
    && !e.closest('.v-menu__content, .menuable__content__active, style, script');
}).map(e => ({text: e.textContent.trim().slice(0, 40), size: parseFloat(getComputedStyle(e).fontSize)}))"""

# The blocks of the story that must not overlap (none contains another).
BLOCKS = ", ".join(
    [".dsim-header > *", ".dsim-tile", ".dsim-story > div:not(.dsim-network)", ".dsim-network .v-select"]
    + [".dsim-network .solara-echarts"]
)


def test_presentation_mode_fits_one_screen_with_big_text_and_tells_the_difference(app_url, browser):
    page = open_app(browser, app_url, 1920, 1080)
    page.locator(".present-switch").click()
    page.locator(".dsim-present").wait_for(timeout=UI_TIMEOUT)
    page.wait_for_function("document.querySelectorAll('.dsim-present .solara-echarts canvas').length >= 5")
    page.wait_for_timeout(500)

    # developer controls hidden, no leftovers, one screen: no scrolling either way
    body = page.locator("body").inner_text()
    for text in [*LEFTOVERS, "Random seed", "Play speed", "Scenario (bundled"]:
        assert text.lower() not in body.lower(), f"{text!r} shows in presentation mode"
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert sizes[0] <= 1920 and sizes[1] <= 1080, f"the page scrolls: {sizes}"

    # no text under 18 px, in the page and in the charts' own text
    small = [t for t in page.evaluate(TEXT_BOXES) if t["size"] < 18]
    assert not small, f"text under 18 px: {small[:5]}"
    for i in range(5):
        sizes = chart(page, i).evaluate(
            "e => { const o = e.__chart.getOption(); return [o.title[0].textStyle.fontSize, "
            "o.legend[0].textStyle.fontSize, ...(o.xAxis || []).filter(a => a.show !== false)"
            ".map(a => a.axisLabel.fontSize)]; }"
        )
        assert min(sizes) >= 18, f"chart {i} draws text under 18 px: {sizes}"

    # no overlap between the blocks of the story (header items, tiles, network, charts)
    boxes = [b for b in (el.bounding_box() for el in page.locator(BLOCKS).all()) if b and b["width"] > 0]
    assert len(boxes) >= 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlaps(a, b), f"{a} overlaps {b}"
    for box in boxes:
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1920 + 1 and box["y"] + box["height"] <= 1080 + 1
    assert page.locator(".dsim-tile").count() == 5

    # a played stretch, a lever change and Reset: the previous run stays as a ghost, the tiles show the change
    for n in range(1, 7):
        page.get_by_role("button", name="Step").click()
        wait_for_steps(page, n)
    page.get_by_role("button", name="Levers").click()
    choose(page, "Payment model", "bundled payment (zorgbundels)")
    page.get_by_role("button", name="Reset").click()
    wait_for_steps(page, 0)
    page.get_by_role("button", name="Step").click()
    wait_for_steps(page, 1)
    page.wait_for_function(
        "[...document.querySelectorAll('.solara-echarts')].slice(1).every(e => e.__chart && "
        "e.__chart.getOption().series.some(s => String(s.id).startsWith('ghost:')))",
        timeout=UI_TIMEOUT,
    )
    page.locator(".dsim-tile .change").first.wait_for(timeout=UI_TIMEOUT)
    assert page.locator(".dsim-tile .change").count() == 5
    assert "vs previous run" in page.locator(".dsim-tile .change").first.inner_text()
    header = page.locator(".run-month").first.inner_text()
    page.wait_for_function(
        f"document.querySelector('.solara-echarts').__chart.getOption().title[0].text.includes({header!r})",
        timeout=UI_TIMEOUT,
    )
    page.close()

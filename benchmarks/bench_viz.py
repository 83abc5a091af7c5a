"""Responsiveness of the live app: the median time of one step plus redraw (the issue's bar: <= 200 ms on the demo).

Two measures, both server side, over `--steps` months of the scenario (default: the demo, 50 months):

* ``figures``: ``model.step()``, then every figure's ECharts option built and serialised to JSON (what goes to the
  browser);
* ``page``: ``model.step()``, then Mesa's ``force_update()`` re-rendering the whole Solara page in-process (the
  sidebar, the run panel, the network and the five charts, with their widget updates) - what the Step button does.

* ``browser``: the app served by ``solara run`` and driven by Debian's Chromium through Playwright: (a) Step clicked
  ``--steps`` times, each timed from the click until the month shown has changed and the browser has painted the
  next two frames; (b) a played run at the fastest speed, timed between successive months as the page shows them.
  Chrome's own counters (script, layout, style recalculation) say how much of a step the browser spends drawing.

The budget is the issue's: step plus redraw <= 100 ms at the demo scale, median and 95th percentile. Usage:

    uv run python benchmarks/bench_viz.py [--steps 50] [--scenario demo.toml] [--no-browser]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import solara
from mesa.visualization.utils import force_update

from diffusionsim.model import DEFAULT_SCENARIO
from diffusionsim.viz import app, live
from diffusionsim.viz.figures import all_options
from diffusionsim.viz.live import LiveModel

BUDGET_MS = 100.0
CHROMIUM = Path("/usr/bin/chromium")


def time_figures(scenario: str, steps: int) -> list[float]:
    """Step plus building and serialising every figure, per month, in seconds."""
    model = LiveModel(scenario_file=scenario)
    json.dumps(all_options(model))  # the fixed parts (layout, ties) are built once per model, as in the app
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.step()
        json.dumps(all_options(model))
        times.append(time.perf_counter() - start)
    return times


def time_page(scenario: str, steps: int) -> list[float]:
    """Step plus a full in-process re-render of the Solara page, per month, in seconds."""
    made: list[LiveModel] = []

    def recording(**kwargs) -> LiveModel:
        made.append(LiveModel(**{**kwargs, "scenario_file": scenario}))
        return made[-1]

    app.LiveModel = recording  # the page builds its model through this name; the benchmark keeps a handle on it
    try:
        _, rc = solara.render(app.Page(), handle_error=False)
    finally:
        app.LiveModel = LiveModel
    model = made[-1]
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.step()
        force_update()
        times.append(time.perf_counter() - start)
    rc.close()
    return times


def _serve(scenario: str):
    """`solara run` on the app, on a free loopback port, as `diffusionsim viz` starts it; returns (process, url)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SOLARA_THEME_SHOW_BANNER": "False"}
    env["DIFFUSIONSIM_SCENARIO"] = str(live.scenario_path(scenario).resolve())
    env["DIFFUSIONSIM_TIMING_LOG"] = "/tmp/dsim_timing.log"
    env["DIFFUSIONSIM_PLAY_INTERVAL"] = "0"  # play as fast as the browser draws: the interval is step + redraw
    cmd = [sys.executable, "-m", "solara", "run", "diffusionsim.viz.app", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--no-open", "--production"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the app did not start within 90 s")


# Records, in the page, when the month shown changes and when the browser has painted two frames after that.
WATCH_MONTH = """() => {
  window.__months = [];
  const seen = () => document.querySelector('.run-month')?.textContent || '';
  let last = seen();
  new MutationObserver(() => {
    const now = seen();
    if (now === last) return;
    last = now;
    const t = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => window.__months.push([now, t, performance.now()])));
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def time_browser(scenario: str, steps: int) -> dict[str, list[float]]:
    """Step clicks and a played run in Chromium; seconds per step (see the module docstring)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a dev dependency, only for this measure

    proc, url = _serve(scenario)
    out: dict[str, list[float]] = {"click": [], "played": [], "browser busy": []}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(url)
            page.locator(".run-month").first.wait_for(timeout=90_000)
            page.wait_for_function("document.querySelectorAll('.solara-echarts canvas').length >= 6", timeout=30_000)
            page.wait_for_timeout(1000)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")

            def busy() -> float:
                metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                return sum(metrics.get(k, 0.0) for k in ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration"))

            page.evaluate(WATCH_MONTH)
            step = page.get_by_role("button", name="Step")
            for n in range(steps):
                before = busy()
                start = step.evaluate("b => { const t = performance.now(); b.click(); return t; }")
                page.wait_for_function(f"window.__months.length > {n}", timeout=30_000)
                out["click"].append((page.evaluate(f"window.__months[{n}][2]") - start) / 1000)
                out["browser busy"].append(busy() - before)
            done = page.evaluate("window.__months.length")
            page.get_by_role("button", name="▶").first.click()
            page.wait_for_function(f"window.__months.length >= {done + steps + 1}", timeout=120_000)
            page.get_by_role("button", name="❚❚").first.click()
            marks = page.evaluate("window.__months")[done : done + steps + 1]
            out["played"] = [(b[2] - a[2]) / 1000 for a, b in zip(marks, marks[1:], strict=False)]
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return out


def report(name: str, scenario: str, times: list[float]) -> None:
    median_ms = statistics.median(times) * 1000
    p95_ms = statistics.quantiles(times, n=20)[-1] * 1000 if len(times) > 1 else median_ms
    verdict = "ok" if median_ms <= BUDGET_MS and p95_ms <= BUDGET_MS else "OVER BUDGET"
    print(
        f"{name:14s} step + redraw on {scenario}: median {median_ms:6.1f} ms, p95 {p95_ms:6.1f} ms "
        f"over {len(times)} steps (budget {BUDGET_MS:.0f} ms: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--scenario", default=DEFAULT_SCENARIO.name, help="a bundled file name or a path")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurement")
    args = parser.parse_args()
    scenario = str(Path(args.scenario)) if Path(args.scenario).is_file() else args.scenario
    for name, measure in [("figures", time_figures), ("page", time_page)]:
        report(name, scenario, measure(scenario, args.steps))
    if args.no_browser or not CHROMIUM.exists():
        print("browser: skipped (needs /usr/bin/chromium and playwright)")
        return
    for name, times in time_browser(scenario, args.steps).items():
        if name == "browser busy":
            busy_ms = statistics.median(times) * 1000
            print(f"{'':14s} of which Chromium busy (script + layout + style), median: {busy_ms:6.1f} ms")
        else:
            report(f"browser {name}", scenario, times)


if __name__ == "__main__":
    main()

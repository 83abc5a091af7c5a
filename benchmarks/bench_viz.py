"""Responsiveness of the live app: step plus redraw, median and 95th percentile (issue 14: <= 100 ms on the demo).

Three measures over `--steps` months of the scenario (default: the demo, 50 months):

* ``figures`` (in-process): ``model.step()``, then every figure's ECharts option built and serialised to JSON;
* ``page`` (in-process): the page's own Step button clicked in a Solara render without a browser: the step, each
  chart sent its changes, the month, tiles and policy re-rendered;
* ``browser``: the app served by ``solara run`` and driven by Debian's Chromium through Playwright, at 1920x1080:
  (a) Step clicked ``--steps`` times, each timed from the click until the month shown has changed and the browser
  has painted the next two frames; (b) a played run as fast as the browser draws, timed between successive months
  as the page shows them. It also prints where a step's time goes: the server's own split (``model.step()``,
  building and diffing the figures, sending them), each chart's ECharts setOption in the browser, and Chrome's
  counters (script, layout, style).

Usage:

    uv run python benchmarks/bench_viz.py [--steps 50] [--scenario demo.toml] [--present] [--no-browser]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import ipyvuetify
import solara

from diffusionsim.model import DEFAULT_SCENARIO
from diffusionsim.viz import app, live
from diffusionsim.viz.figures import all_options
from diffusionsim.viz.live import LiveModel

BUDGET_MS = 100.0
CHROMIUM = Path("/usr/bin/chromium")
TIMING_LOG = Path(tempfile.gettempdir()) / "diffusionsim_viz_timing.log"


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
    """The page's own Step button, in-process: step, the changes sent to every chart, the text re-rendered."""
    made: list[LiveModel] = []

    def recording(**kwargs) -> LiveModel:
        made.append(LiveModel(**{**kwargs, "scenario_file": scenario}))
        return made[-1]

    app.LiveModel = recording  # the page builds its model through this name; the benchmark keeps a handle on it
    try:
        _, rc = solara.render(app.Page(), handle_error=False)
    finally:
        app.LiveModel = LiveModel
    step = rc.find(ipyvuetify.Btn, children=["Step"]).widget
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step.click()  # the model steps, each chart is sent its changes, the text parts re-render
        times.append(time.perf_counter() - start)
    rc.close()
    return times


def _serve(scenario: str, present: bool = False):
    """`solara run` on the app, on a free loopback port, as `diffusionsim viz` starts it; returns (process, url)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SOLARA_THEME_SHOW_BANNER": "False"}
    env["DIFFUSIONSIM_SCENARIO"] = str(live.scenario_path(scenario).resolve())
    env["DIFFUSIONSIM_TIMING_LOG"] = str(TIMING_LOG)  # the server's own split of each step, read back below
    env["DIFFUSIONSIM_PLAY_INTERVAL"] = "0"  # play as fast as the browser draws: the interval is step + redraw
    env["DIFFUSIONSIM_PRESENT"] = (
        "1" if present else ""
    )  # play as fast as the browser draws: the interval is step + redraw
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


def time_browser(scenario: str, steps: int, present: bool = False) -> dict[str, list[float]]:
    """Step clicks and a played run in Chromium; seconds per step (see the module docstring)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a dev dependency, only for this measure

    TIMING_LOG.unlink(missing_ok=True)
    proc, url = _serve(scenario, present)
    out: dict[str, list[float]] = {"click": [], "played": [], "browser busy": []}
    draws: dict[str, list[float]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(url)
            page.locator(".run-month").first.wait_for(timeout=90_000)
            page.wait_for_function("document.querySelectorAll('.solara-echarts canvas').length >= 5", timeout=30_000)
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
            for name, ms in page.evaluate("window.__drawMs || []"):
                draws.setdefault(name, []).append(ms / 1000)
            out["played"] = [(b[2] - a[2]) / 1000 for a, b in zip(marks, marks[1:], strict=False)]
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    server: dict[str, list[float]] = {"server: model.step": [], "server: build + diff": [], "server: send": []}
    for line in TIMING_LOG.read_text().splitlines() if TIMING_LOG.exists() else []:
        parts = ast.literal_eval(line)
        server["server: model.step"] += [t for name, t, _ in parts if name == "model.step"]
        server["server: build + diff"].append(sum(t for name, t, _ in parts if name != "model.step"))
        server["server: send"].append(sum(t for _, _, t in parts))
    TIMING_LOG.unlink(missing_ok=True)
    return out | server | {f"draw {name}": times for name, times in sorted(draws.items())}


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
    parser.add_argument("--present", action="store_true", help="measure the browser in presentation mode")
    args = parser.parse_args()
    scenario = str(Path(args.scenario)) if Path(args.scenario).is_file() else args.scenario
    for name, measure in [("figures", time_figures), ("page", time_page)]:
        report(name, scenario, measure(scenario, args.steps))
    if args.no_browser or not CHROMIUM.exists():
        print("browser: skipped (needs /usr/bin/chromium and playwright)")
        return
    for name, times in time_browser(scenario, args.steps, args.present).items():
        if name == "browser busy":
            busy_ms = statistics.median(times) * 1000
            print(f"{'':14s} Chromium's own counters (script + layout + style) per step, median: {busy_ms:6.1f} ms")
        elif name.startswith("server: "):
            ms = statistics.median(times) * 1000 if times else float("nan")
            print(f"{'':14s} {name:28s} in the running server, median {ms:5.1f} ms per step")
        elif name.startswith("draw "):
            ms = statistics.median(times) * 1000
            print(f"{'':14s} ECharts setOption of {name[5:]:9s} in the browser, median {ms:5.1f} ms per update")
        else:
            report(f"browser {name}", scenario, times)


if __name__ == "__main__":
    main()

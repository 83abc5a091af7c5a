"""Responsiveness of the live app: the median time of one step plus redraw (the issue's bar: <= 200 ms on the demo).

Two measures, both server side, over `--steps` months of the scenario (default: the demo, 50 months):

* ``figures``: ``model.step()``, then every figure's ECharts option built and serialised to JSON (what goes to the
  browser);
* ``page``: ``model.step()``, then Mesa's ``force_update()`` re-rendering the whole Solara page in-process (the
  sidebar, the run panel, the network and the five charts, with their widget updates) - what the Step button does.

The browser's own drawing is measured end to end by tests/test_app_browser.py (click on Step until the counter
changes), which prints its median. Usage:

    uv run python benchmarks/bench_viz.py [--steps 50] [--scenario scenarios/demo.toml]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import solara
from mesa.visualization.utils import force_update

from diffusionsim.model import DEFAULT_SCENARIO
from diffusionsim.viz import app
from diffusionsim.viz.figures import all_options
from diffusionsim.viz.live import LiveModel

BUDGET_MS = 200.0


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--scenario", default=DEFAULT_SCENARIO.name, help="a bundled file name or a path")
    args = parser.parse_args()
    scenario = str(Path(args.scenario)) if Path(args.scenario).is_file() else args.scenario
    for name, measure in [("figures", time_figures), ("page", time_page)]:
        times = measure(scenario, args.steps)
        median_ms = statistics.median(times) * 1000
        p90_ms = statistics.quantiles(times, n=10)[-1] * 1000
        verdict = "ok" if median_ms <= BUDGET_MS else "OVER BUDGET"
        print(
            f"{name:8s} step + redraw on {scenario}: median {median_ms:6.1f} ms, p90 {p90_ms:6.1f} ms "
            f"over {args.steps} steps (budget {BUDGET_MS:.0f} ms: {verdict})"
        )


if __name__ == "__main__":
    main()

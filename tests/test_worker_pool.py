"""The worker pool behind `compare` and `sweep`: workers start from a forkserver that has the model imported and
frozen, collect every finished model, and the sweep's parent process stays light.

These properties carry the sweep's speed and memory (benchmarks/bench_sweep.py measures them). They fail silently if
broken, hence the tests: the forkserver ignores a preload module it cannot import, and a heavy import added to the
sweep's modules loads into the parent without an error.
"""

from __future__ import annotations

import gc
import multiprocessing
import subprocess
import sys

import pytest

from diffusionsim.experiments import worker
from diffusionsim.scenario import load_scenario
from tests.conftest import SCENARIOS

pytestmark = pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="the pool falls back to spawn here"
)


def worker_state() -> dict:
    """What a pool worker has, read inside the worker."""
    return {
        "model_loaded": "diffusionsim.model" in sys.modules,
        "frozen": gc.get_freeze_count(),
        "collects": worker.COLLECT_AFTER_RUN,
    }


def garbage_after_run(months: int) -> int:
    """Objects the collector still tracks after a run in this process (the run's garbage, if not collected)."""
    scenario = load_scenario(SCENARIOS / "demo.toml", [f"simulation.months={months}", "scale.citizens=400"])
    worker.simulate(scenario, seed=1)
    return gc.get_count()[0] + len(gc.get_objects(generation=1)) + len(gc.get_objects(generation=2))


def test_pool_workers_start_with_the_model_imported_and_frozen():
    with worker.process_pool(1) as pool:
        state = pool.submit(worker_state).result()
    assert state["model_loaded"], "the forkserver preload did not import the model"
    assert state["frozen"] > 10_000, "the preloaded objects should be frozen out of the collector's reach"
    assert state["collects"], "workers should collect each finished model"
    assert not worker.COLLECT_AFTER_RUN, "the parent process itself is left as it was"


def test_a_pool_worker_keeps_no_garbage_of_its_runs():
    with worker.process_pool(1) as pool:
        first = pool.submit(garbage_after_run, 6).result()
        later = [pool.submit(garbage_after_run, 6).result() for _ in range(3)]
    # Without the collection each run would leave its model (thousands of objects) to pile up.
    assert max(later) - first < 1_000, (first, later)


def test_the_sweep_parent_does_not_load_the_model_the_samplers_or_pandas():
    # pandas alone is some 40 MB of the parent's 115 (measured): a third of what the sweep's memory target allows.
    code = (
        "import sys, diffusionsim.experiments.sweep\n"
        "print(sorted(m for m in ('mesa', 'SALib', 'matplotlib', 'scipy.stats', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_serial_runs_freeze_the_heap_only_while_they_run():
    with worker.runs_in_this_process():
        assert gc.get_freeze_count() > 10_000 and worker.COLLECT_AFTER_RUN
        first = garbage_after_run(6)
        again = garbage_after_run(6)
    assert again - first < 1_000, (first, again)
    assert gc.get_freeze_count() == 0 and not worker.COLLECT_AFTER_RUN

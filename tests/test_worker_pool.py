"""The worker pool behind `compare` and `sweep`: workers start from a forkserver that has the model imported and
frozen, collect every finished model, and the sweep's parent process stays light.

These properties carry the sweep's speed and memory (benchmarks/bench_sweep.py measures them). They fail silently if
broken, hence the tests: the forkserver ignores a preload module it cannot import, and a heavy import added to the
sweep's modules loads into the parent without an error.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from diffusionsim.experiments import worker
from diffusionsim.scenario import load_scenario
from tests.conftest import SCENARIOS

pytestmark = pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="the pool falls back to spawn here"
)


def worker_state() -> dict:
    """What a pool worker has, read inside the worker."""
    import pyarrow  # noqa: PLC0415 - preloaded in workers, as the test checks

    return {
        "model_loaded": "diffusionsim.model" in sys.modules,
        "parquet_loaded": "pyarrow.parquet" in sys.modules,
        "arrow_allocator": pyarrow.default_memory_pool().backend_name,
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
    assert state["parquet_loaded"] and state["arrow_allocator"] == "system", state
    assert state["frozen"] > 10_000, "the preloaded objects should be frozen out of the collector's reach"
    assert state["collects"], "workers should collect each finished model"
    assert not worker.COLLECT_AFTER_RUN, "the parent process itself is left as it was"


def test_a_pool_worker_keeps_no_garbage_of_its_runs():
    with worker.process_pool(1) as pool:
        first = pool.submit(garbage_after_run, 6).result()
        later = [pool.submit(garbage_after_run, 6).result() for _ in range(3)]
    # Without the collection each run would leave its model (thousands of objects) to pile up.
    assert max(later) - first < 1_000, (first, later)


def test_a_sweeps_parent_process_loads_no_model_samplers_pandas_or_arrow(tmp_path):
    # Checked after a whole sweep, not just an import: pyarrow imports pandas the first time it builds an array. The
    # two are some 50 MB of the parent's memory, measured; the workers encode the Parquet parts instead.
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        f'base = "{SCENARIOS / "demo.toml"}"\noverrides = ["simulation.months=6", "scale.citizens=400"]\n'
        'replications = 2\ntimeseries = true\n[[parameters]]\npath = "diffusion.p"\nvalues = [0.01, 0.02]\n'
    )
    code = (
        "import sys\n"
        "from diffusionsim.experiments.sweep import run_sweep\n"
        "if __name__ == '__main__':\n"
        f"    summary = run_sweep({str(sweep)!r}, {str(tmp_path / 'out')!r}, workers=2)\n"
        "    heavy = ('mesa', 'SALib', 'matplotlib', 'scipy.stats', 'pandas', 'pyarrow')\n"
        "    print(summary.done, sorted(m for m in heavy if m in sys.modules))"
    )
    script = tmp_path / "parent.py"
    script.write_text(code)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "4 []"
    assert len(list((tmp_path / "out" / "timeseries").glob("part-*.parquet"))) == 4


def test_serial_runs_freeze_the_heap_only_while_they_run():
    with worker.runs_in_this_process():
        assert gc.get_freeze_count() > 10_000 and worker.COLLECT_AFTER_RUN
        first = garbage_after_run(6)
        again = garbage_after_run(6)
    assert again - first < 1_000, (first, again)
    assert gc.get_freeze_count() == 0 and not worker.COLLECT_AFTER_RUN


def test_a_killed_sweep_leaves_no_processes_behind(tmp_path):
    # SIGKILL gives the sweep no chance to stop its pool: the workers must notice by themselves (worker.exit_with),
    # or they, the forkserver and the resource tracker wait forever, holding their memory.
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        f'base = "{SCENARIOS / "demo.toml"}"\noverrides = ["simulation.months=60", "scale.citizens=400"]\n'
        'replications = 60\n[[parameters]]\npath = "diffusion.p"\nvalues = [0.01]\n'
    )
    cmd = [sys.executable, "-m", "diffusionsim.cli", "sweep", str(sweep), "--out", str(tmp_path / "out")]
    proc = subprocess.Popen([*cmd, "--workers", "2", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((tmp_path / "out" / "runs").glob("part-*.parquet"))) < 2:
        time.sleep(0.1)
    family = psutil.Process(proc.pid).children(recursive=True)
    assert len(family) >= 4, family  # forkserver, resource tracker, 2 workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(family, timeout=20)
    for leftover in alive:
        leftover.kill()
    assert not alive, [p.cmdline() for p in alive]

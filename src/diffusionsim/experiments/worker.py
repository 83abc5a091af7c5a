"""What a worker process runs: one simulation in, its monthly series and outcome row out; and the pool that runs it.

This module is kept light on purpose. Pool workers start from a forkserver that imports `PRELOAD` once and forks
each worker from there, so what the preload imports is what every worker holds in memory and what delays the first
run: the model and this module, no plotting, SALib or samplers. The model comes in through `PRELOAD` (elsewhere, on
the first `simulate`), not through an import at the top here, so the sweep's parent process, which only hands out runs
and writes files, loads neither Mesa nor pandas nor pyarrow.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import select
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import forkserver
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario import Scenario

Series = dict[str, np.ndarray]  # a run's monthly series: indicator -> one value per month, months 0..end

PRELOAD = ["diffusionsim.experiments.preload"]  # imported by the forkserver alone
COLLECT_AFTER_RUN = False  # preload.py sets it in pool workers, where a collection is cheap


def simulate(scenario: Scenario, seed: int, series: bool = True) -> tuple[Series | None, dict[str, float]]:
    """One run to its end: its monthly series (column -> one value per month; None unless `series`) and its outcome
    row. Without the series the model records only the adoption curves the outcome row needs, which saves a sixth
    of a run's time; the outcome row is the same either way."""
    from ..model import DiffusionModel  # noqa: PLC0415 - preloaded in workers; see the module docstring
    from .outcomes import run_outcomes  # noqa: PLC0415 - likewise

    collect = "all" if series else "adoption"
    model = DiffusionModel(scenario, rng=seed, check_stages=False, collect=collect).run()
    outcomes = run_outcomes(model)
    monthly = {name: np.asarray(values) for name, values in model.datacollector.model_vars.items()} if series else None
    del model
    if COLLECT_AFTER_RUN:
        # A finished model is a web of reference cycles (model <-> agents), freed only by a full collection, which
        # Python runs rarely: without this, a worker holds several runs' garbage (about 40 MB on the demo scale).
        # In a pool worker the preloaded modules are frozen, so the collection visits only this run's objects (4 ms
        # on the demo scale, against 100 ms in an ordinary process).
        gc.collect()
    return monthly, outcomes


@contextmanager
def runs_in_this_process() -> Iterator[None]:
    """Run many models in this process the way a pool worker does (the serial executors use it).

    The objects that exist now (imported modules, the caller's data) are frozen out of the collector's reach, and
    each finished model is collected. Otherwise every automatic full collection walks the whole heap again (about 100
    ms each here) and runs are some 10-15% slower than in a pool worker. Both are undone at the end: everything
    frozen goes back to the collector (objects the caller froze itself included, as `gc.unfreeze` does).
    """
    global COLLECT_AFTER_RUN  # the switch simulate() reads
    gc.freeze()
    COLLECT_AFTER_RUN = True
    try:
        yield
    finally:
        COLLECT_AFTER_RUN = False
        gc.unfreeze()


# ---------------------------------------------------------------------------------------------- comparisons


def run_replication(task: tuple[int, Scenario, int, int]) -> tuple[int, int, pd.DataFrame, dict[str, float]]:
    """A comparison's run: (scenario index, scenario, replication, seed) -> index, replication, series, outcomes."""
    import pandas as pd  # noqa: PLC0415 - loaded with Mesa in workers; the sweep's parent, which imports this, needs none

    index, scenario, replication, seed = task
    try:
        series, outcomes = simulate(scenario, seed)
    except Exception:  # noqa: BLE001 - a failed run is reported with its traceback; the comparison goes on
        return index, replication, None, {"error": traceback.format_exc()}
    return index, replication, pd.DataFrame(series), outcomes


# ---------------------------------------------------------------------------------------------- sweeps


def head_of(task: dict[str, Any]) -> dict[str, Any]:
    return {k: task[k] for k in ("run", "point", "replication", "seed")}


def execute(task: dict[str, Any]) -> dict[str, Any]:
    """A sweep's run: its outcome row and, if the sweep asks for it, its monthly series."""
    series, outcomes = simulate(task["scenario"], task["seed"], series=task["timeseries"])
    return {"head": head_of(task), "outcomes": outcomes, "timeseries": series}


def guarded(runner: Callable[[dict[str, Any]], dict[str, Any]], task: dict[str, Any]) -> dict[str, Any]:
    """Call the runner; never raise: a failure comes back as a record with its traceback, and the sweep goes on."""
    try:
        return runner(task)
    except Exception:  # noqa: BLE001 - every failure is recorded
        return {"head": head_of(task), "error": traceback.format_exc()}


def run_to_parts(runner: Callable[[dict[str, Any]], dict[str, Any]], task: dict[str, Any]) -> dict[str, Any]:
    """A sweep's job, in the worker: run the task and encode what is to be stored as Parquet files, so the parent only
    writes bytes: {"head": ..., "runs" or "failures": bytes, "timeseries": bytes when the series is kept}."""
    result = guarded(runner, task)
    head = result["head"]
    if "error" in result:
        return {"head": head, "failures": parquet_bytes(head | task["params"] | {"error": result["error"]})}
    parts = {"head": head}
    if result.get("timeseries") is not None:
        parts["timeseries"] = parquet_bytes(result["timeseries"] | head)
    parts["runs"] = parquet_bytes(head | task["params"] | result["outcomes"])
    return parts


def parquet_bytes(columns: dict[str, Any]) -> bytes:
    """A Parquet file, in memory, of columns (arrays, one value per month) and single values (repeated to the
    columns' length). Seeds are 64-bit unsigned (SeedSequence), so their type is given: inference fails on half.

    Done in the workers, not in the sweep's parent: creating any Arrow array makes pyarrow import pandas, and the
    two take some 50 MB that the parent, which only hands out runs and writes files, need not hold.
    """
    import pyarrow as pa  # noqa: PLC0415 - preloaded in workers; kept out of the parent (see above)
    import pyarrow.parquet as pq  # noqa: PLC0415

    rows = max((len(v) for v in columns.values() if isinstance(v, np.ndarray)), default=1)
    table = pa.table(
        {
            k: pa.array(v if isinstance(v, np.ndarray) else [v] * rows, pa.uint64() if k == "seed" else None)
            for k, v in columns.items()
        }
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


# ---------------------------------------------------------------------------------------------- the pool


def start_server() -> multiprocessing.context.BaseContext:
    """The context for worker pools; on POSIX, starts the forkserver now so its imports overlap the caller's work.

    forkserver avoids both fork's deadlock risk in a multi-threaded parent (a progress bar, Dask, a notebook kernel)
    and spawn's import of the model in every worker; spawn is the fallback where forkserver does not exist.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()
    return context


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes forked from the forkserver (started here unless `start_server` ran already).

    Each worker exits when this process is gone (`exit_with`), so a sweep killed with SIGKILL leaves no processes.
    """
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=start_server(), initializer=exit_with, initargs=(os.getpid(),)
    )


def exit_with(owner: int) -> None:
    """Pool worker initializer: end this worker as soon as the process `owner` ends.

    A pool worker waits for its next task forever and never learns that the pool's owner died: a sweep killed with
    SIGKILL would leave its workers and, through them, the forkserver and the resource tracker running. A daemon thread
    waits on the owner (a pidfd on Linux, a poll each second elsewhere) and ends the worker; the server and the
    tracker then exit by themselves, as nothing holds their pipes any more.
    """

    def watch() -> None:
        try:
            select.select([os.pidfd_open(owner)], [], [])  # readable once the owner has ended
        except ProcessLookupError:
            pass  # already gone
        except (AttributeError, OSError):  # no pidfd here (not Linux, or a kernel before 5.3): poll instead
            while _alive(owner):
                time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-owner", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    return True

"""Compare scenarios: every scenario runs the same replications on the same seeds (common random numbers).

Runs go to a process pool (all cores by default); each run returns its time series and its outcome row, never the
model object, so memory stays proportional to the tables. Results do not depend on the number of workers: seeds come
from SeedSequence by replication index, and rows are sorted by scenario and replication.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..demo_scale import load_at_demo_scale
from ..scenario import KINDS, Scenario, file_hash, load_scenario, scenario_hash
from .differences import beyond_policy, differences
from .posterior import Posterior, PosteriorPlan, plan
from .run import manifest_for
from .seeds import replication_seeds
from .worker import process_pool, run_replication, runs_in_this_process


@dataclass
class ComparisonResult:
    """The tables of a comparison; the report is written from these alone."""

    scenarios: list[str]
    timeseries: pd.DataFrame  # scenario, replication, seed, month, indicators
    outcomes: pd.DataFrame  # one row per scenario × replication
    kinds: dict[str, str]  # innovation id -> kind
    manifest: dict[str, Any] = field(default_factory=dict)
    failures: pd.DataFrame = field(default_factory=pd.DataFrame)  # scenario, replication, seed, error (traceback)
    draws: pd.DataFrame = field(default_factory=pd.DataFrame)  # with a posterior: replication, seed, particle, values


class AllRunsFailedError(RuntimeError):
    """Every run of a comparison failed: there is nothing to report but the failures."""


def compare(
    paths: Sequence[str | Path | Scenario],
    replications: int,
    workers: int | None = None,
    overrides: Sequence[str] = (),
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    posterior: Posterior | str | Path | None = None,
    warn: Callable[[str], None] | None = None,
    demo_scale: bool = False,
) -> ComparisonResult:
    """Run each scenario `replications` times on common seeds; `overrides` apply to every scenario file.

    With `posterior` (a calibration directory), replication r of every scenario also runs on the same draw from the
    posterior, applied after the overrides (see `posterior.py`). Before any run, `warn` receives the warning that the
    scenarios differ in more than policy (differences.py), if they do, and each calibrated key a scenario sets itself
    and loses to the draws. With `demo_scale`, scenario files run at the demo's scale
    (demo_scale.py): a quick look at the same policies."""
    load = load_at_demo_scale if demo_scale else load_scenario
    scenarios = [p if isinstance(p, Scenario) else load(p, overrides) for p in paths]
    names = unique_names([s.meta.name for s in scenarios])
    rows = differences(scenarios, names)
    mix = beyond_policy(rows)
    if warn is not None and mix:
        warn(mix)
    base_seed = scenarios[0].simulation.seed if seed is None else seed
    seeds = replication_seeds(base_seed, replications)
    drawn = None if posterior is None else _plan(posterior, paths, scenarios, names, overrides, seeds, warn)
    tasks = [
        (i, drawn.scenario(i, r) if drawn else sc, r, seeds[r])
        for i, sc in enumerate(scenarios)
        for r in range(replications)
    ]
    workers = min(workers or os.cpu_count() or 1, len(tasks))
    started, t0 = datetime.now(UTC), time.perf_counter()
    if workers == 1:
        with runs_in_this_process():
            results = _collect(map(run_replication, tasks), len(tasks), progress)
    else:
        with process_pool(workers) as pool:
            results = _collect(pool.map(run_replication, tasks, chunksize=1), len(tasks), progress)
    failed = [r for r in results if r[2] is None]
    failures = pd.DataFrame(
        [
            {"scenario": names[i], "replication": rep, "seed": seeds[rep], "error": row["error"]}
            for i, rep, _, row in sorted(failed, key=lambda r: (r[0], r[1]))
        ],
        columns=["scenario", "replication", "seed", "error"],
    )
    if len(failed) == len(results):
        raise AllRunsFailedError(failures.loc[0, "error"].strip().splitlines()[-1])
    timeseries, outcomes = _tables([r for r in results if r[2] is not None], names, seeds)
    manifest = {
        "scenarios": [
            manifest_for(sc, None if isinstance(p, Scenario) else p, list(overrides), base_seed) | {"name": n}
            for sc, p, n in zip(scenarios, paths, names, strict=True)
        ],
        "base_seed": base_seed,
        "demo_scale": demo_scale,
        "replication_seeds": seeds,
        "replications": replications,
        "workers": workers,
        "start_time": started.isoformat(timespec="seconds"),
        "run_seconds": round(time.perf_counter() - t0, 2),
    }
    manifest["differences"] = {
        "descriptions": {n: sc.meta.description for n, sc in zip(names, scenarios, strict=True)},
        "keys": rows,
        "beyond_policy": mix,
    }
    if drawn is not None:
        manifest["posterior"] = drawn.manifest()
    kinds = {i.id: i.kind for sc in scenarios for i in sc.innovations}
    draws = drawn.draws if drawn is not None else pd.DataFrame()
    return ComparisonResult(names, timeseries, outcomes, kinds, manifest, failures, draws)


def _plan(
    posterior: Posterior | str | Path,
    paths: Sequence[str | Path | Scenario],
    scenarios: list[Scenario],
    names: list[str],
    overrides: Sequence[str],
    seeds: list[int],
    warn: Callable[[str], None] | None,
) -> PosteriorPlan:
    """The posterior's draws and every run's scenario, checked before any run; the warnings go to `warn`."""
    sources = [f"<scenario {n}>" if isinstance(p, Scenario) else str(p) for p, n in zip(paths, names, strict=True)]
    drawn = plan(posterior, scenarios, sources, names, overrides, seeds)
    for line in drawn.warnings if warn is not None else []:
        warn(line)
    return drawn


def _collect(iterator, total: int, progress: Callable[[int, int], None] | None) -> list:
    out = []
    for n, item in enumerate(iterator, start=1):
        out.append(item)
        if progress is not None:
            progress(n, total)
    return out


def _tables(results: list, names: list[str], seeds: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    frames, rows = [], []
    for index, replication, ts, outcomes in sorted(results, key=lambda r: (r[0], r[1])):
        head = {"scenario": names[index], "replication": replication, "seed": seeds[replication]}
        frames.append(ts.assign(**head))
        rows.append(head | outcomes)
    timeseries = pd.concat(frames, ignore_index=True)
    lead = ["scenario", "replication", "seed", "month"]
    timeseries = timeseries[lead + [c for c in timeseries.columns if c not in lead]]
    return timeseries, pd.DataFrame(rows)


def unique_names(names: list[str]) -> list[str]:
    """Scenario names as labels; a repeated name gets a suffix so every column of the report is distinct."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


__all__ = ["KINDS", "ComparisonResult", "compare", "file_hash", "scenario_hash"]

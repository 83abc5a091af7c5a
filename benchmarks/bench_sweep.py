"""Throughput, scaling and memory of batch sweeps: run_sweep on 1 and 2 workers, mesa.batch_run, Dask LocalCluster.

Three measurements, all printed (nothing is asserted):

1. runs per minute of `run_sweep` on the demo and the baseline scenario with 1 and with 2 workers, and the scaling
   efficiency (rate with 2) / (2 x rate with 1);
2. Mesa's own `mesa.batch_run` against `run_sweep` with 2 workers on the same demo runs (same seeds): wall time and
   peak memory of the whole process tree; issue target: the sweep faster and at most half batch_run's peak memory;
3. the overhead of a Dask LocalCluster of 2 workers (`run_sweep(..., dask_local=2)`) against the local pool.

Each measurement runs in a fresh Python process (this script with --child), so nothing carries over from one to
the next: no forkserver or Dask cluster left running, no start method set by batch_run, no module imported; its peak
memory is its own (that process and all its descendants). Wall time covers the whole call, pool start-up included;
the steady-state rate counts the runs finished between the first and the last result, without start-up. Usage:

    uv run python benchmarks/bench_sweep.py [--runs 200] [--scenario demo|baseline|both] [--skip-batch-run]
        [--skip-dask]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from memory import PeakMemory  # benchmarks/memory.py: this script's folder is first on sys.path

# Mesa and diffusionsim are imported inside the functions that use them (noqa: PLC0415): batch_run's spawned workers
# re-import this script, and must pay only for what a user's batch_run script needs (mesa and the model), not for
# run_sweep's imports (pandas, pyarrow, SALib: about 3 s and 70 MB more per process).

ROOT = Path(__file__).resolve().parents[1]
SCALING_RUNS = {"demo": 40, "baseline": 10}  # runs per scaling measurement (part 1)
SEED = 2024  # sweep seed; batch_run gets the same replication seeds, so both compute the same runs
MONTHS = 120  # the scenarios' simulation.months; batch_run's max_steps


# ---------------------------------------------------------------------------------------------- in the child


def scenario_path(name: str) -> Path:
    return ROOT / "scenarios" / f"{name}.toml"


def write_sweep(folder: Path, scenario: str, runs: int) -> Path:
    """A one-point grid sweep of `runs` replications on the scenario (private_share 0.4 is its own value)."""
    path = folder / "bench.toml"
    path.write_text(
        f'name = "bench_{scenario}"\n'
        f"base = {json.dumps(str(scenario_path(scenario)))}\n"
        'design = "grid"\n'
        f"replications = {runs}\n"
        f"seed = {SEED}\n\n"
        "[[parameters]]\n"
        'path = "policy.cofinancing.private_share"\n'
        "values = [0.4]\n"
    )
    return path


def memory_figures(memory: PeakMemory) -> dict[str, float]:
    return {"peak_total_mb": memory.total, "peak_pss_mb": memory.total_pss, "peak_worker_mb": memory.worker}


def measure_sweep(scenario: str, runs: int, workers: int, dask: bool) -> dict[str, Any]:
    """One run_sweep into a fresh temporary directory: wall time, time to first result, steady rate, peak memory."""
    from diffusionsim.experiments.sweep import run_sweep  # noqa: PLC0415 - see the imports

    stamps: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        sweep = write_sweep(Path(tmp), scenario, runs)
        executor = {"dask_local": workers} if dask else {"workers": workers}
        t0 = time.perf_counter()
        with PeakMemory(pss=True) as memory:
            summary = run_sweep(
                sweep, Path(tmp) / "out", progress=lambda *_: stamps.append(time.perf_counter()), **executor
            )
        wall = time.perf_counter() - t0
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0]) * 60 if len(stamps) > 1 else float("nan")
    return {
        "done": summary.done,
        "failed": summary.failed,
        "wall_s": wall,
        "first_s": stamps[0] - t0 if stamps else float("nan"),
        "steady_rpm": steady,
        **memory_figures(memory),
    }


def measure_batch_run(scenario: str, seeds: list[int], workers: int) -> dict[str, Any]:
    """mesa.batch_run of the same runs (the sweep's replication seeds), only the last step's data collected."""
    import mesa  # noqa: PLC0415 - see the imports

    from diffusionsim.model import DiffusionModel  # noqa: PLC0415

    t0 = time.perf_counter()
    with PeakMemory(pss=True) as memory:
        rows = mesa.batch_run(
            DiffusionModel,
            parameters={"scenario": str(scenario_path(scenario))},
            rng=seeds,
            max_steps=MONTHS,
            number_processes=workers,
            data_collection_period=-1,
            display_progress=False,
        )
    wall = time.perf_counter() - t0
    done = len({row["RunId"] for row in rows})
    nan = float("nan")  # batch_run reports no per-run progress
    return {
        "done": done,
        "failed": len(seeds) - done,
        "wall_s": wall,
        "first_s": nan,
        "steady_rpm": nan,
        **memory_figures(memory),
    }


def child(job: dict[str, Any]) -> None:
    """Run one measurement and print its figures as one JSON line (the last line of stdout)."""
    if job["kind"] == "batch_run":
        result = measure_batch_run(job["scenario"], job["seeds"], job["workers"])
    else:
        result = measure_sweep(job["scenario"], job["runs"], job["workers"], dask=job["kind"] == "dask")
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------------- in the parent


def measure(kind: str, scenario: str, runs: int, workers: int) -> dict[str, Any]:
    """Run one measurement in a fresh Python process and print a line about it."""
    job = {"kind": kind, "scenario": scenario, "runs": runs, "workers": workers}
    if kind == "batch_run":
        from diffusionsim.experiments.seeds import replication_seeds  # noqa: PLC0415 - see the imports

        job["seeds"] = replication_seeds(SEED, runs)  # the seeds run_sweep gives its replications
    label = f"{kind} {scenario} x{runs} on {workers}"
    print(f"  measuring {label} ...", end="", flush=True)
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(job)], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f" FAILED (exit {proc.returncode})\n{proc.stderr[-3000:]}")
        raise SystemExit(1)
    result = job | json.loads(proc.stdout.strip().splitlines()[-1])
    result.pop("seeds", None)
    result["rpm"] = result["done"] / result["wall_s"] * 60
    print(f" {result['wall_s']:.1f} s, {result['rpm']:.0f} runs/min, peak {result['peak_total_mb']:.0f} MB")
    return result


def scaling(scenario: str) -> dict[str, Any]:
    """Part 1: run_sweep with 1 and 2 workers on the scenario; efficiency = rate(2) / (2 x rate(1))."""
    runs = SCALING_RUNS[scenario]
    one, two = measure("sweep", scenario, runs, 1), measure("sweep", scenario, runs, 2)
    return {
        "scenario": scenario,
        "rows": [one, two],
        "efficiency": two["rpm"] / (2 * one["rpm"]),
        "steady_efficiency": two["steady_rpm"] / (2 * one["steady_rpm"]),
    }


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def fmt(value: float, spec: str) -> str:
    return "-" if value != value else format(value, spec)  # NaN (not measured) as "-"


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'measurement':<30} {'runs':>5} {'failed':>6} {'wall s':>7} {'runs/min':>9} {'steady/min':>10} "
        f"{'1st result s':>12} {'peak MB':>8} {'peak PSS MB':>11} {'largest MB':>10}"
    )
    for r in rows:
        name = f"{r['kind']} {r['scenario']}, {r['workers']} worker{'s' if r['workers'] > 1 else ''}"
        print(
            f"{name:<30} {r['done']:>5} {r['failed']:>6} {r['wall_s']:>7.1f} {r['rpm']:>9.0f} "
            f"{fmt(r['steady_rpm'], '10.0f'):>10} {fmt(r['first_s'], '12.1f'):>12} {r['peak_total_mb']:>8.0f} "
            f"{r['peak_pss_mb']:>11.0f} {r['peak_worker_mb']:>10.0f}"
        )


def print_targets(batch: dict[str, Any], sweep: dict[str, Any]) -> None:
    """Part 2 against the issue's targets: faster than batch_run, and at most half its peak memory."""
    speed, mem = sweep["wall_s"] / batch["wall_s"], sweep["peak_total_mb"] / batch["peak_total_mb"]
    pss = sweep["peak_pss_mb"] / batch["peak_pss_mb"] if batch["peak_pss_mb"] else float("nan")
    print(f"run_sweep vs mesa.batch_run on {sweep['runs']} demo runs, 2 workers each:")
    print(
        f"  wall time   {sweep['wall_s']:.1f} s vs {batch['wall_s']:.1f} s: ratio {speed:.2f} "
        f"({batch['wall_s'] / sweep['wall_s']:.2f}x batch_run's speed) -> target 'faster': "
        f"{'met' if speed < 1 else 'MISSED'}"
    )
    print(
        f"  peak memory {sweep['peak_total_mb']:.0f} MB vs {batch['peak_total_mb']:.0f} MB (sum of RSS over the "
        f"process tree): ratio {mem:.2f} -> target '<= 0.5': {'met' if mem <= 0.5 else 'MISSED'}"
    )
    print(
        f"  (proportional set size, shared pages split: {sweep['peak_pss_mb']:.0f} MB vs "
        f"{batch['peak_pss_mb']:.0f} MB, ratio {fmt(pss, '.2f')})"
    )


def print_dask(pool: dict[str, Any], dask: dict[str, Any]) -> None:
    diff = dask["wall_s"] - pool["wall_s"]
    print(f"Dask LocalCluster(2) vs local pool (2 workers) on {pool['runs']} demo runs:")
    print(
        f"  wall time   {dask['wall_s']:.1f} s vs {pool['wall_s']:.1f} s: Dask overhead {diff:+.1f} s "
        f"({diff / pool['wall_s']:+.0%}); time to first result {dask['first_s']:.1f} s vs {pool['first_s']:.1f} s; "
        f"steady rate {fmt(dask['steady_rpm'], '.0f')} vs {fmt(pool['steady_rpm'], '.0f')} runs/min"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="demo runs for batch_run and Dask (parts 2 and 3)")
    parser.add_argument("--scenario", choices=["demo", "baseline", "both"], default="both", help="for part 1")
    parser.add_argument("--skip-batch-run", action="store_true", help="skip part 2 (mesa.batch_run)")
    parser.add_argument("--skip-dask", action="store_true", help="skip part 3 (Dask LocalCluster)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: one measurement, as JSON
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    print(f"{os.cpu_count()} cores; load average before: {load()}")
    print("1. run_sweep scaling, 1 vs 2 workers")
    scenarios = ["demo", "baseline"] if args.scenario == "both" else [args.scenario]
    scaled = [scaling(name) for name in scenarios]
    rows = [row for s in scaled for row in s["rows"]]
    batch = pool = dask = None
    if not (args.skip_batch_run and args.skip_dask):
        print(f"2./3. {args.runs} demo runs on 2 workers")
        pool = measure("sweep", "demo", args.runs, 2)
        batch = None if args.skip_batch_run else measure("batch_run", "demo", args.runs, 2)
        dask = None if args.skip_dask else measure("dask", "demo", args.runs, 2)
        rows += [r for r in (pool, batch, dask) if r is not None]
    print(f"load average after: {load()} (other processes on the machine compete for its cores)")
    print()
    print_table(rows)
    print()
    for s in scaled:
        print(
            f"scaling efficiency {s['scenario']}: {s['efficiency']:.2f} on wall time (pool start-up included), "
            f"{fmt(s['steady_efficiency'], '.2f')} on steady-state rates"
        )
    if batch is not None:
        print_targets(batch, pool)
    if dask is not None:
        print_dask(pool, dask)


if __name__ == "__main__":
    main()

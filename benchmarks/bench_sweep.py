"""Throughput, scaling and memory of batch sweeps: run_sweep on 1 and 2 workers, mesa.batch_run, Dask LocalCluster.

Three measurements, all printed (nothing is asserted):

1. runs per minute of `run_sweep` on the demo and the baseline scenario with 1 and with 2 workers, and the scaling
   efficiency (rate with 2) / (2 x rate with 1);
2. Mesa's own `mesa.batch_run` against `run_sweep` with 2 workers on the same demo runs (same seeds): wall time and
   peak memory of the whole process tree; issue target: the sweep faster and at most half batch_run's peak memory.
   Three pairs, for what a researcher keeps of a run:
   - the outcome row: `run_sweep` (outcome rows; its models record only the adoption curves those need) against
     `batch_run(data_collection_period=1)`. The row's years to half adoption and adoption at 5 years are computed
     from the monthly curves, so a batch_run user needs every month of every run (held in memory until the end);
   - the monthly series: `run_sweep` with `timeseries = true` (every indicator, every month, stored as runs finish,
     with the outcome row) against the same batch_run: both tools collect and keep the same data;
   - the last month only: `run_sweep` (outcome rows) against `batch_run(data_collection_period=-1)`. batch_run then
     keeps almost nothing (and less than the outcome row), and both sides are mostly the memory of their processes;
3. the overhead of a Dask LocalCluster of 2 workers (`run_sweep(..., dask_local=2)`) against the local pool.

Each measurement runs `--repeat` times (default 3) and the medians are reported: on this shared 2-core machine the
same measurement varies by 15-25% from one run to the next.

Memory is the peak over time of the sum over the process tree, as resident size (RSS, which counts a page shared by
forked processes once in each) and as proportional set size (PSS, which splits a shared page among its sharers: the
memory the tree takes from the machine). run_sweep's workers are forked from one server and share its pages;
batch_run's `multiprocessing.Pool` forks its workers from the calling process (Python 3.12's default on Linux), which
has Mesa and the model loaded. RSS overstates both, the sweep more (its workers map more shared pages than they use);
PSS is the fair measure. Both are printed and judged.

Each measurement runs in a fresh Python process (this script with --child), so nothing carries over from one to
the next: no forkserver or Dask cluster left running, no start method set by batch_run, no module imported; its peak
memory is its own (that process and all its descendants). Wall time covers the whole call, pool start-up included;
the steady-state rate counts the runs finished between the first and the last result, without start-up. Usage:

    uv run python benchmarks/bench_sweep.py [--runs 200] [--baseline-runs 40] [--repeat 3] [--skip-batch-run]
        [--skip-dask]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from memory import PeakMemory  # benchmarks/memory.py: this script's folder is first on sys.path

# Mesa and diffusionsim are imported inside the functions that use them (noqa: PLC0415): each measurement's process
# then holds only what its tool needs, as a user's script would (batch_run: Mesa and the model, which its forked
# workers inherit; run_sweep: its own light modules), and not the other tool's imports.

ROOT = Path(__file__).resolve().parents[1]
SEED = 2024  # sweep seed; batch_run gets the same replication seeds, so both compute the same runs
MONTHS = 120  # the scenarios' simulation.months; batch_run's max_steps
REPEAT = 3  # default times each measurement runs (--repeat); the medians are reported, as this machine's speed wanders


# ---------------------------------------------------------------------------------------------- in the child


def scenario_path(name: str) -> Path:
    return ROOT / "scenarios" / f"{name}.toml"


def write_sweep(folder: Path, scenario: str, runs: int, timeseries: bool) -> Path:
    """A one-point grid sweep of `runs` replications on the scenario (private_share 0.4 is its own value)."""
    path = folder / "bench.toml"
    path.write_text(
        f'name = "bench_{scenario}"\n'
        f"base = {json.dumps(str(scenario_path(scenario)))}\n"
        'design = "grid"\n'
        f"replications = {runs}\n"
        f"seed = {SEED}\n"
        f"timeseries = {str(timeseries).lower()}\n\n"
        "[[parameters]]\n"
        'path = "policy.cofinancing.private_share"\n'
        "values = [0.4]\n"
    )
    return path


def memory_figures(memory: PeakMemory) -> dict[str, float]:
    return {"peak_total_mb": memory.total, "peak_pss_mb": memory.total_pss, "peak_worker_mb": memory.worker}


def measure_sweep(scenario: str, runs: int, workers: int, dask: bool, timeseries: bool) -> dict[str, Any]:
    """One run_sweep into a fresh temporary directory: wall time, time to first result, steady rate, peak memory."""
    from diffusionsim.experiments.sweep import run_sweep  # noqa: PLC0415 - see the imports

    stamps: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        sweep = write_sweep(Path(tmp), scenario, runs, timeseries)
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


def measure_batch_run(scenario: str, seeds: list[int], workers: int, timeseries: bool) -> dict[str, Any]:
    """mesa.batch_run of the same runs (the sweep's replication seeds): every month kept, or only the last."""
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
            data_collection_period=1 if timeseries else -1,
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
        result = measure_batch_run(job["scenario"], job["seeds"], job["workers"], job["timeseries"])
    else:
        result = measure_sweep(job["scenario"], job["runs"], job["workers"], job["kind"] == "dask", job["timeseries"])
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------------- in the parent


def job(kind: str, scenario: str, runs: int, workers: int, timeseries: bool = False) -> dict[str, Any]:
    """One measurement's description, as the child process gets it."""
    out = {"kind": kind, "scenario": scenario, "runs": runs, "workers": workers, "timeseries": timeseries}
    if kind == "batch_run":
        from diffusionsim.experiments.seeds import replication_seeds  # noqa: PLC0415 - see the imports

        out["seeds"] = replication_seeds(SEED, runs)  # the seeds run_sweep gives its replications
    return out


def label(spec: dict[str, Any]) -> str:
    workers = f"{spec['workers']} worker{'s' if spec['workers'] > 1 else ''}"
    return f"{spec['kind']} {spec['scenario']}, {workers}{', series' if spec['timeseries'] else ''}"


def measure_once(spec: dict[str, Any]) -> dict[str, Any]:
    """One measurement in a fresh Python process (this script with --child)."""
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"{label(spec)} FAILED (exit {proc.returncode})\n{proc.stderr[-3000:]}")
        raise SystemExit(1)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_all(specs: list[dict[str, Any]], repeat: int) -> list[dict[str, Any]]:
    """Every measurement `repeat` times, in rounds (each round runs all of them once, in order), so that a slow
    phase of the machine hits all of them alike; the figures are the medians over the rounds."""
    repeats: list[list[dict[str, Any]]] = [[] for _ in specs]
    for n in range(repeat):
        print(f"round {n + 1} of {repeat} (load average {load()}):")
        for spec, done in zip(specs, repeats, strict=True):
            print(f"  {label(spec):<40}", end="", flush=True)
            done.append(measure_once(spec))
            print(f" {done[-1]['wall_s']:6.1f} s, peak {done[-1]['peak_pss_mb']:4.0f} MB PSS")
    results = []
    for spec, done in zip(specs, repeats, strict=True):
        result = {key: statistics.median(r[key] for r in done) for key in done[0]}
        result |= {k: v for k, v in spec.items() if k != "seeds"} | {"walls": [r["wall_s"] for r in done]}
        result["rpm"] = result["done"] / result["wall_s"] * 60
        results.append(result)
    return results


def efficiency(one: dict[str, Any], two: dict[str, Any]) -> dict[str, Any]:
    """Part 1: efficiency = rate with 2 workers / (2 x rate with 1), on wall time and on steady-state rates."""
    return {
        "scenario": one["scenario"],
        "efficiency": two["rpm"] / (2 * one["rpm"]),
        "steady_efficiency": two["steady_rpm"] / (2 * one["steady_rpm"]),
    }


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def fmt(value: float, spec: str) -> str:
    return "-" if value != value else format(value, spec)  # NaN (not measured) as "-"


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'measurement':<40} {'runs':>5} {'failed':>6} {'wall s':>7} {'runs/min':>9} {'steady/min':>10} "
        f"{'1st result s':>12} {'peak RSS MB':>11} {'peak PSS MB':>11} {'largest MB':>10}   walls s"
    )
    for r in rows:
        print(
            f"{label(r):<40} {r['done']:>5.0f} {r['failed']:>6.0f} {r['wall_s']:>7.1f} {r['rpm']:>9.0f} "
            f"{fmt(r['steady_rpm'], '10.0f'):>10} {fmt(r['first_s'], '12.1f'):>12} {r['peak_total_mb']:>11.0f} "
            f"{r['peak_pss_mb']:>11.0f} {r['peak_worker_mb']:>10.0f}   {' '.join(f'{w:.0f}' for w in r['walls'])}"
        )


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_targets(batch: dict[str, Any], sweep: dict[str, Any], what: str) -> None:
    """Part 2 against the issue's targets: faster than batch_run, and at most half its peak memory."""
    speed = sweep["wall_s"] / batch["wall_s"]
    rss, pss = sweep["peak_total_mb"] / batch["peak_total_mb"], sweep["peak_pss_mb"] / batch["peak_pss_mb"]
    print(f"run_sweep vs mesa.batch_run on {sweep['runs']} demo runs, 2 workers each, {what}:")
    print(
        f"  wall time   {sweep['wall_s']:.1f} s vs {batch['wall_s']:.1f} s: ratio {speed:.2f} "
        f"({batch['wall_s'] / sweep['wall_s']:.2f}x batch_run's speed) -> target 'faster': {verdict(speed < 1)}"
    )
    print(
        f"  peak memory PSS {sweep['peak_pss_mb']:.0f} MB vs {batch['peak_pss_mb']:.0f} MB: ratio {pss:.2f} -> "
        f"target '<= 0.5': {verdict(pss <= 0.5)}; RSS {sweep['peak_total_mb']:.0f} MB vs "
        f"{batch['peak_total_mb']:.0f} MB: ratio {rss:.2f} -> {verdict(rss <= 0.5)}"
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
    parser.add_argument("--runs", type=int, default=200, help="demo runs (all parts)")
    parser.add_argument("--baseline-runs", type=int, default=40, help="baseline runs (part 1); 0 to skip")
    parser.add_argument("--skip-batch-run", action="store_true", help="skip part 2 (mesa.batch_run)")
    parser.add_argument("--skip-dask", action="store_true", help="skip part 3 (Dask LocalCluster)")
    parser.add_argument("--repeat", type=int, default=REPEAT, help=f"runs of each measurement (default {REPEAT})")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: one measurement, as JSON
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    print(f"{os.cpu_count()} cores; each measurement {args.repeat} times, in rounds; medians reported")
    specs = [job("sweep", "demo", args.runs, 1), job("sweep", "demo", args.runs, 2)]
    if args.baseline_runs:
        specs += [job("sweep", "baseline", args.baseline_runs, 1), job("sweep", "baseline", args.baseline_runs, 2)]
    if not args.skip_batch_run:
        specs += [
            job("sweep", "demo", args.runs, 2, timeseries=True),
            job("batch_run", "demo", args.runs, 2, timeseries=True),
            job("batch_run", "demo", args.runs, 2),
        ]
    if not args.skip_dask:
        specs.append(job("dask", "demo", args.runs, 2))
    rows = measure_all(specs, args.repeat)
    by = {label(r): r for r in rows}
    pool = by["sweep demo, 2 workers"]  # also part 2's and part 3's reference
    scenarios = [s for s in ("demo", "baseline") if f"sweep {s}, 1 worker" in by]
    scaled = [efficiency(by[f"sweep {s}, 1 worker"], by[f"sweep {s}, 2 workers"]) for s in scenarios]
    pairs = []
    if not args.skip_batch_run:
        every_month = by["batch_run demo, 2 workers, series"]
        pairs = [
            (every_month, pool, "outcome rows against every month (what the outcome row needs)"),
            (every_month, by["sweep demo, 2 workers, series"], "monthly series kept by both"),
            (by["batch_run demo, 2 workers"], pool, "outcome rows against the last month only"),
        ]
    dask = by.get("dask demo, 2 workers")
    print(f"load average after: {load()} (other processes on the machine compete for its cores)")
    print()
    print_table(rows)
    print()
    for s in scaled:
        print(
            f"scaling efficiency {s['scenario']}: {s['efficiency']:.2f} on wall time (pool start-up included), "
            f"{fmt(s['steady_efficiency'], '.2f')} on steady-state rates -> target '>= 0.85': "
            f"{verdict(s['efficiency'] >= 0.85)} on wall time"
        )
    for batch, sweep, what in pairs:
        print_targets(batch, sweep, what)
    if dask is not None:
        print_dask(pool, dask)


if __name__ == "__main__":
    main()

"""What a run costs with every indicator collected each month, and with adoption only (a sweep without series).

`worker.simulate(scenario, seed, series=True)` builds the model with `collect="all"` (the DataCollector records
every indicator every month); `series=False` builds it with `collect="adoption"` (the month and each innovation's
organisational adoption, all the outcome row needs). Both run in one process the way a pool worker runs them (heap
frozen, each model collected), in interleaved rounds on the same seeds, so a slow phase of this shared machine hits
both alike; the figures are CPU seconds per run (process time, which leaves out time the machine gave to others),
median and minimum over the rounds. Usage:

    uv run python benchmarks/bench_collect.py [--scenario demo] [--rounds 12] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from diffusionsim.experiments import worker
from diffusionsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def cpu_per_run(scenario, seeds: range, series: bool) -> float:
    start = time.process_time()
    for seed in seeds:
        worker.simulate(scenario, seed, series=series)
    return (time.process_time() - start) / len(seeds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="demo", help="a scenario in scenarios/ (default demo)")
    parser.add_argument("--rounds", type=int, default=12, help="interleaved rounds (default 12)")
    parser.add_argument("--runs", type=int, default=3, help="runs per variant per round (default 3)")
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / f"{args.scenario}.toml")
    seeds = range(args.runs)
    worker.simulate(scenario, 0)  # imports and first-call costs out of the figures
    times: dict[bool, list[float]] = {True: [], False: []}
    with worker.runs_in_this_process():
        for _ in range(args.rounds):
            for series in (True, False):
                times[series].append(cpu_per_run(scenario, seeds, series))
    full, lean = (statistics.median(times[s]) for s in (True, False))
    print(f"{args.scenario}: CPU s per run, median (min) of {args.rounds} rounds of {args.runs} runs")
    print(f"  every indicator each month (collect='all')       {full:.3f} ({min(times[True]):.3f})")
    print(f"  adoption only, outcome row (collect='adoption')  {lean:.3f} ({min(times[False]):.3f})")
    saving, saving_min = 1 - lean / full, 1 - min(times[False]) / min(times[True])
    print(f"  adoption only saves {saving:.0%} of a run's CPU time (median; {saving_min:.0%} on the minima)")


if __name__ == "__main__":
    main()

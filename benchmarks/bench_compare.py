"""Speed and memory of a comparison: 6 scenarios x 30 replications of the baseline scale (issue target <= 3 min).

Prints wall time, runs per minute, the parent's and the largest worker's peak resident memory. Usage:

    uv run python benchmarks/bench_compare.py [--replications 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from memory import PeakMemory  # benchmarks/memory.py: this script's folder is first on sys.path

from diffusionsim.experiments.compare import compare

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [
    "baseline",
    "bundled_payment",
    "cofinancing_relief",
    "loss_compensation",
    "regional_high_intensity",
    "multi_year_contracts",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    args = parser.parse_args()
    paths = [ROOT / "scenarios" / f"{name}.toml" for name in SCENARIOS]
    t0 = time.perf_counter()
    with PeakMemory() as memory:
        result = compare(paths, args.replications, args.workers)
    wall = time.perf_counter() - t0
    runs = len(paths) * args.replications
    workers = result.manifest["workers"]
    print(f"{len(paths)} scenarios x {args.replications} replications = {runs} runs on {workers} workers")
    print(f"wall time      {wall:8.1f} s   ({runs / wall * 60:.0f} runs per minute)")
    print(
        f"peak memory    parent {memory.parent:6.0f} MB, largest process besides it {memory.worker:6.0f} MB, "
        f"all together {memory.total:6.0f} MB"
    )
    print(
        f"result tables  timeseries {result.timeseries.memory_usage(deep=True).sum() / 1e6:.0f} MB, "
        f"outcomes {len(result.outcomes)} rows"
    )


if __name__ == "__main__":
    main()

"""Speed and memory of a comparison: 6 scenarios x 30 replications of the baseline scale (issue target <= 3 min).

Prints wall time, runs per minute, the parent's and the largest worker's peak resident memory. Usage:

    uv run python benchmarks/bench_compare.py [--replications 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import psutil

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


class PeakMemory:
    """Samples the resident memory of this process and all its descendants (forkserver workers included)."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval, self.parent, self.worker, self.total = interval, 0.0, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                kids = [p.memory_info().rss for p in me.children(recursive=True)]
            except psutil.Error:
                kids = []
            own = me.memory_info().rss
            self.parent = max(self.parent, own / 2**20)
            self.worker = max(self.worker, max(kids, default=0) / 2**20)
            self.total = max(self.total, (own + sum(kids)) / 2**20)
            time.sleep(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


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

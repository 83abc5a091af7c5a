"""Wall time, simulations per second and peak memory of a calibration, with its acceptance rates and ESS.

    uv run python benchmarks/bench_calibrate.py [CONFIG] [--out DIR] [--workers N | --dask-local N]

CONFIG defaults to scenarios/history/calibration.toml (about 21 minutes on 2 cores). The output directory defaults
to a fresh temporary one (a given --out that holds the same calibration is resumed, as by the command). Peak
memory: the largest resident set of this process and of any one of its finished child processes (getrusage):
pyABC's multicore workers are such children; the predictive runs' pool workers (forked by a forkserver) and Dask's
workers are not counted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "history" / "calibration.toml"


def peak_mb() -> tuple[float, float]:
    """Peak resident memory in MB of this process and of the largest of its finished children (ru_maxrss is in kB
    on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> int:
    from diffusionsim.calibration import calibrate  # noqa: PLC0415 - after argument parsing

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path, nargs="?", help=f"calibration file (default {DEFAULT.relative_to(ROOT)})")
    parser.add_argument("--out", type=Path, help="output directory (default: a temporary one)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="local processes (default: all cores)")
    where.add_argument("--dask-local", type=int, help="a Dask LocalCluster of N workers")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench_calibrate-"))
    config = args.config or DEFAULT
    out = args.out or scratch / "out"
    print(f"calibration {config} -> {out}", flush=True)
    start = time.perf_counter()
    result = calibrate(
        config,
        out,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
        workers=args.workers,
        dask_local=args.dask_local,
    )
    wall = time.perf_counter() - start
    m = result.manifest
    abc_seconds = sum(g["seconds"] for g in result.generations)
    own, child = peak_mb()
    print(f"wall time           {wall:8.1f} s (ABC generations {abc_seconds:.1f} s, the rest: checks, calibration "
          f"sample, predictive runs, report)")  # fmt: skip
    print(f"simulations         {m['simulations']:8d} (pyABC's count, its calibration sample included)")
    in_generations = sum(g["simulations"] for g in result.generations)
    print(f"simulations/second  {in_generations / abc_seconds:8.2f} in the ABC generations ({in_generations} in "
          f"{abc_seconds:.0f} s, stored ones included when resumed)")  # fmt: skip
    if not result.resumed:
        print(f"simulations/second  {m['simulations'] / wall:8.2f} over the whole wall time")
    print(f"peak memory         {own:8.0f} MB this process, {child:.0f} MB the largest worker process")
    print("generation  epsilon  simulations  accepted  acceptance  ESS     seconds")
    for g in result.generations:
        print(f"{g['generation']:10d}  {g['epsilon']:7.3g}  {g['simulations']:11d}  {g['accepted']:8d}  "
              f"{g['acceptance_rate']:10.3f}  {g['ess']:6.1f}  {g['seconds']:7.1f}")  # fmt: skip
    print(result.posterior.describe().loc[["mean", "std", "min", "max"]].to_string())
    print(f"report: {out / 'calibration.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

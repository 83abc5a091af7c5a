"""Speed and memory of one run: wall time, peak memory, agent-steps per second, for the demo and the baseline.

Each scenario runs in a fresh subprocess, so its peak resident memory (ru_maxrss) is its own and includes the
interpreter and libraries, as a user would see it. Usage:

    uv run python benchmarks/bench_run.py [--repeat 3] [scenario.toml ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "scenarios" / "demo.toml", ROOT / "scenarios" / "baseline.toml"]

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from diffusionsim.model import DiffusionModel
from diffusionsim.scenario import load_scenario
t_import = time.perf_counter() - t0
sc = load_scenario(sys.argv[1])
t1 = time.perf_counter()
model = DiffusionModel(sc)
t2 = time.perf_counter()
model.run()
t3 = time.perf_counter()
agents = len(model.agents)
print(json.dumps({
    "import_s": t_import, "build_s": t2 - t1, "run_s": t3 - t2, "total_s": t3 - t1,
    "agents": agents, "months": model.month,
    "agent_steps_per_s": agents * model.month / (t3 - t2),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def measure(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario; the best is reported")
    args = parser.parse_args()
    print(
        f"{'scenario':<12} {'agents':>7} {'months':>6} {'build s':>8} {'run s':>7} {'build+run s':>11} "
        f"{'agent-steps/s':>14} {'peak MB':>8} {'import s':>8}"
    )
    for path in args.scenarios:
        runs = [measure(path) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["total_s"])
        peak = max(r["peak_mb"] for r in runs)
        print(
            f"{path.stem:<12} {best['agents']:>7} {best['months']:>6} {best['build_s']:>8.2f} {best['run_s']:>7.2f} "
            f"{best['total_s']:>11.2f} {best['agent_steps_per_s']:>14,.0f} {peak:>8.0f} {best['import_s']:>8.2f}"
        )


if __name__ == "__main__":
    main()

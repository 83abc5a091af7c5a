"""Batch sweeps: a design of scenario variants × replications, run serially, on a local pool or on Dask.

Results go to a Parquet dataset under the output directory, one part file per finished run, each written to a hidden
temporary name and renamed into place (atomic), so a sweep killed at any moment leaves only whole parts, and `resume`
re-runs exactly the runs without a part. Workers encode the parts (`worker.run_to_parts`); this process only writes
their bytes, so it loads neither pyarrow nor pandas and stays small. A run that raises is recorded in `failures/` with
its traceback and the sweep goes on. Seeds derive from the sweep seed and the replication index (SeedSequence), the
same for every design point (common random numbers), so results do not depend on the executor or the number of
workers.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from ..scenario import (
    MAX_SEED,
    Scenario,
    ScenarioError,
    Strict,
    apply_override,
    parse_override,
    read_toml,
    rule_error,
    scenario_hash,
    validate,
    validate_as,
)
from .cluster import dask_client
from .designs import Design, make_design
from .seeds import replication_seeds
from .worker import execute, process_pool, run_to_parts, runs_in_this_process, start_server

if TYPE_CHECKING:
    import pandas as pd

DesignName = Literal["grid", "lhs", "sobol", "morris"]
MAX_SAMPLES = 1_000_000  # design points are generated and held in memory at once
MAX_GRID_POINTS = 1_000_000
MAX_REPLICATIONS = 10_000


class SweepParameter(Strict):
    """One varied scenario key: a list of values (grid) or bounds (lhs, sobol, morris)."""

    path: str
    values: list[float | int | bool | str] | None = Field(None, min_length=1)
    min: float | None = None
    max: float | None = None
    type: Literal["float", "int"] = "float"


class SweepSpec(Strict):
    """A sweep file: base scenario, varied parameters, design, replications, seed."""

    name: str = "sweep"
    base: str
    design: DesignName = "grid"
    samples: int = Field(0, ge=0, le=MAX_SAMPLES)
    replications: int = Field(1, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    num_levels: int = Field(4, ge=2, le=1000)
    calc_second_order: bool = False
    timeseries: bool = False
    overrides: list[str] = []
    parameters: list[SweepParameter] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_design(self) -> SweepSpec:
        for n, p in enumerate(self.parameters):
            if self.design == "grid" and p.values is None:
                raise rule_error(f"parameters.{n}.values", None, "a list of values for a grid design")
            if self.design != "grid" and (p.min is None or p.max is None):
                raise rule_error(f"parameters.{n}.min", p.min, f"bounds min and max for a {self.design} design")
            if self.design != "grid" and p.min >= p.max:
                raise rule_error(f"parameters.{n}.max", p.max, f"a number > min ({p.min})")
        if self.design != "grid" and self.samples < 1:
            raise rule_error("samples", self.samples, f"a number >= 1 for a {self.design} design")
        if self.design == "grid":
            points = math.prod(len(p.values or ()) for p in self.parameters)
            if points > MAX_GRID_POINTS:
                allowed = f"at most {MAX_GRID_POINTS:,} grid points (every design point is held in memory)"
                raise rule_error("parameters", f"{points:,} grid points", allowed)
        return self


@dataclass
class SweepSummary:
    done: int
    skipped: int
    failed: int
    wall_seconds: float

    @property
    def runs_per_minute(self) -> float:
        return self.done / self.wall_seconds * 60 if self.wall_seconds else 0.0


# ---------------------------------------------------------------------------------------------- loading


def load_sweep(path: str | Path) -> tuple[SweepSpec, dict[str, Any]]:
    """Read and validate a sweep file; returns the spec and the base scenario data (with the fixed overrides)."""
    path = Path(path)
    spec = validate_as(SweepSpec, read_toml(path), str(path))
    if not (path.parent / spec.base).is_file():
        raise ScenarioError(
            f"{path}: key 'base': value {spec.base!r}; allowed: a scenario file, relative to the sweep file"
        )
    base = read_toml(path.parent / spec.base)
    for text in spec.overrides:
        apply_override(base, *parse_override(text))
    return spec, base


def point_scenarios(base: dict[str, Any], points: dict[int, dict[str, Any]], source: str) -> list[Scenario]:
    """One validated scenario per design point (`design_points`); an unknown path or a bad value names the point and
    the key."""
    out = []
    for point, params in points.items():
        data = json.loads(json.dumps(base))  # a deep copy of plain TOML data
        for path, value in params.items():
            apply_override(data, path.split("."), value)
        out.append(validate(data, source=f"{source} (design point {point}: {params})"))
    return out


def design_points(design: Design) -> dict[int, dict[str, Any]]:
    """point -> {parameter path: value}."""
    names = [name for name in design if name != "point"]
    return {point: dict(zip(names, values, strict=True)) for point, *values in zip(*design.values(), strict=True)}


# ---------------------------------------------------------------------------------------------- the store


class SweepStore:
    """The output directory: manifest, design, sweep file copy, and one atomic Parquet part per run (or failure)."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.runs, self.failures, self.series = self.out / "runs", self.out / "failures", self.out / "timeseries"

    def prepare(self, manifest: dict[str, Any], design: Design, sweep_text: str, resume: bool) -> None:
        existing = self.out / "manifest.json"
        if existing.exists():
            if not resume:
                raise ScenarioError(f"{self.out}: already holds a sweep; use --resume to continue it, or another --out")
            try:
                old = json.loads(existing.read_text())
            except (ValueError, OSError) as exc:
                raise ScenarioError(
                    f"{existing}: damaged, not a sweep manifest ({exc}); the stored runs in {self.runs} are intact: "
                    f"restore manifest.json, or start the sweep anew in another --out"
                ) from None
            for key in ("sweep_sha", "base_scenario_sha256"):
                if old.get(key) != manifest[key]:
                    raise ScenarioError(
                        f"{self.out}: holds a different sweep (its {key.split('_')[0]} changed); use another --out"
                    )
        for d in (self.runs, self.failures, self.series):
            d.mkdir(parents=True, exist_ok=True)
            for tmp in d.glob(".tmp-*"):
                tmp.unlink()  # half-written parts of a killed sweep
        _atomic(self.out / "design.csv", lambda p: _write_csv(design, p))
        _atomic(self.out / "sweep.toml", lambda p: p.write_text(sweep_text))
        _atomic(existing, lambda p: p.write_text(json.dumps(manifest, indent=2) + "\n"))

    def done(self) -> set[int]:
        return {int(p.stem.split("-")[1]) for p in self.runs.glob("part-*.parquet")}

    def write(self, parts: dict[str, Any]) -> bool:
        """Store one finished run's encoded parts (`worker.run_to_parts`); returns False for a failure.

        The run's part under runs/ is written last: it is what marks the run done for `resume`.
        """
        name = f"part-{parts['head']['run']:07d}.parquet"
        for folder in (self.failures, self.series, self.runs):
            if folder.name in parts:
                _atomic(folder / name, lambda p, data=parts[folder.name]: p.write_bytes(data))
        if "failures" in parts:
            return False
        (self.failures / name).unlink(missing_ok=True)  # a retried run that now succeeded
        return True


def _write_csv(design: Design, path: Path) -> None:
    """The design as CSV: Python's float formatting is exact both ways, and no Arrow is needed to write it."""
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(design)
        writer.writerows(zip(*design.values(), strict=True))


def _atomic(path: Path, write: Callable[[Path], Any]) -> None:
    """Write to a hidden temporary file beside `path`, then rename: readers never see half a file."""
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    write(tmp)
    os.replace(tmp, path)


def read_runs(out: str | Path) -> pd.DataFrame:
    """All stored runs of a sweep directory, sorted by run."""
    import pandas as pd  # noqa: PLC0415 - for readers of a sweep; the sweep itself loads no pandas (see above)

    return pd.read_parquet(Path(out) / "runs").sort_values("run").reset_index(drop=True)


def read_failures(out: str | Path) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415 - as in read_runs

    folder = Path(out) / "failures"
    if not folder.exists() or not any(folder.glob("part-*.parquet")):
        return pd.DataFrame(columns=["run", "point", "replication", "seed", "error"])
    return pd.read_parquet(folder).sort_values("run").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- executors


def _serial(tasks: Iterator[dict], job: Callable) -> Iterator[dict]:
    with runs_in_this_process():
        for task in tasks:
            yield job(task)


def _local_pool(tasks: Iterator[dict], job: Callable, workers: int) -> Iterator[dict]:
    """A process pool with a bounded number of runs in flight, so memory does not grow with the sweep."""
    with process_pool(workers) as pool:
        pending = set()
        for task in tasks:
            pending.add(pool.submit(job, task))
            if len(pending) >= 2 * workers:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in finished)
        for f in pending:
            yield f.result()


def _dask(tasks: Iterator[dict], job: Callable, scheduler: str | None, local_workers: int | None) -> Iterator[dict]:
    """Dask distributed: an existing cluster (scheduler address) or a LocalCluster; lost workers' runs are retried."""
    from dask.distributed import as_completed  # noqa: PLC0415 - heavy; only when Dask is used

    with dask_client(scheduler, local_workers) as client:
        window = 2 * max(len(client.scheduler_info()["workers"]), 1)
        pending = as_completed()
        for task in tasks:
            future = client.submit(job, task, key=f"diffusionsim-run-{task['run']}", retries=3, pure=False)
            pending.add(future)
            if pending.count() >= window:
                yield next(pending).result()
        for future in pending:
            yield future.result()


# ---------------------------------------------------------------------------------------------- the sweep


def run_sweep(
    sweep_file: str | Path,
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    runner: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> SweepSummary:
    """Run (or resume) a sweep into `out`. Executor: Dask if `scheduler` or `dask_local`, else a local pool of
    `workers` processes (default: all cores), serial when that is 1."""
    runner = runner or execute
    pool_size = None if scheduler or dask_local else workers or os.cpu_count() or 1
    if pool_size and pool_size > 1:
        start_server()  # the workers' imports now overlap the design and the validation below
    sweep_file = Path(sweep_file)
    spec, base = load_sweep(sweep_file)
    design = make_design(spec)
    params = design_points(design)
    scenarios = point_scenarios(base, params, str(sweep_file))
    seeds = replication_seeds(spec.seed, spec.replications)
    store = SweepStore(Path(out))
    store.prepare(_manifest(spec, sweep_file, scenarios, seeds), design, sweep_file.read_text(), resume)
    total = len(scenarios) * spec.replications
    skip = store.done() if resume else set()
    tasks = (
        {"run": run, "point": run // spec.replications, "replication": run % spec.replications,
         "seed": seeds[run % spec.replications], "scenario": scenarios[run // spec.replications],
         "params": params[run // spec.replications], "timeseries": spec.timeseries}
        for run in range(total) if run not in skip
    )  # fmt: skip
    job = partial(run_to_parts, runner)
    if scheduler or dask_local:
        results = _dask(tasks, job, scheduler, dask_local)
    else:
        results = _serial(tasks, job) if pool_size == 1 else _local_pool(tasks, job, pool_size)
    t0, done, failed = time.perf_counter(), 0, 0
    for finished, result in enumerate(results, start=1):
        ok = store.write(result)
        done, failed = done + ok, failed + (not ok)
        if progress is not None:
            progress(len(skip) + finished, total)
    return SweepSummary(done, len(skip), failed, time.perf_counter() - t0)


def _manifest(spec: SweepSpec, path: Path, scenarios: list[Scenario], seeds: list[int]) -> dict:
    """What the sensitivity analysis and a reader need, and what makes the sweep reproducible."""
    return {
        "package": "diffusionsim",
        "version": version("diffusionsim"),
        "sweep_file": str(path),
        "sweep_sha": spec_hash(spec),
        "name": spec.name,
        "base": spec.base,
        "design": spec.design,
        "parameters": [p.model_dump() for p in spec.parameters],
        "samples": spec.samples,
        "calc_second_order": spec.calc_second_order,
        "num_levels": spec.num_levels,
        "replications": spec.replications,
        "seed": spec.seed,
        "replication_seeds": seeds,
        "points": len(scenarios),
        "runs": len(scenarios) * spec.replications,
        "base_scenario_sha256": scenario_hash(scenarios[0]) if scenarios else None,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def spec_hash(spec: SweepSpec) -> str:
    """SHA-256 of the validated sweep spec: a resumed sweep must be the same sweep."""
    return hashlib.sha256(json.dumps(spec.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
